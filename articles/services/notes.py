"""The pipeline around a story: editorial notes with @mentions, returning a story to its
writer with a note, and its assignee and due time.

Nothing here reaches readers: notes are read only by the admin (``can_add_note``), and
none of these writes changes what a reader's page shows, so no page cache is touched.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.models import Article, ArticleEvent, EditorialNote
from articles.models.notes import mentioned_usernames
from articles.permissions import ArticlePermissions
from articles.services.comments import _mail_on_commit
from articles.services.workflow import article_return_to_draft
from newsroom.absolute import absolute_url

# An ArticleEvent's note column.
EVENT_NOTE_LENGTH = 200


def _story_url(article: Article, request: HttpRequest | None) -> str:
    path = reverse("admin:articles_article_change", args=[article.pk])
    if request is None and not settings.NEWSROOM_BASE_URL:
        # A script without NEWSROOM_BASE_URL: the path still tells staff where to look.
        return path
    return absolute_url(path, request)


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the note first."), code="required")
    return text


def note_mention_candidates(article: Article, usernames: list[str]) -> list:
    """The accounts ``usernames`` name that may be mentioned on ``article``: active staff
    who may see it in the admin (a stranger's name is plain text, and mails nobody)."""
    if not usernames:
        return []
    users = get_user_model().objects.filter(username__in=usernames, is_active=True, is_staff=True)
    return [user for user in users if ArticlePermissions(user, article).can_view()]


def _notify(note: EditorialNote, recipients, *, template: str, request, **context) -> None:
    for recipient in recipients:
        if recipient.pk == note.author_id or not recipient.email:
            continue
        _mail_on_commit(
            template=template,
            to=[recipient.email],
            context={
                "note": note,
                "article": note.article,
                "author": note.author,
                "recipient": recipient,
                "url": _story_url(note.article, request),
                **context,
            },
        )


@transaction.atomic
def note_create(
    *,
    article: Article,
    by,
    text: str,
    parent: EditorialNote | None = None,
    kind: str = EditorialNote.Kind.NOTE,
    request: HttpRequest | None = None,
) -> EditorialNote:
    """Post a note (or a reply) on a story; each active staff member it @mentions who may
    see the story is emailed a link to the story's admin page."""
    if not ArticlePermissions(by, article).can_add_note():
        raise PermissionDenied(_("You cannot add notes to this story."))
    text = _clean_text(text)
    if parent is not None:
        if parent.article_id != article.pk:
            raise ValidationError(_("That note is not on this story."))
        # One level of replies: a reply to a reply joins its thread.
        if parent.parent_id is not None:
            parent = parent.parent
    note = EditorialNote(article=article, author=by, parent=parent, kind=kind, text=text)
    note.full_clean()
    note.save()
    usernames = [name for name in mentioned_usernames(text) if name != by.get_username()]
    mentioned = note_mention_candidates(article, usernames)
    if mentioned:
        note.mentions.set(mentioned)
    _notify(note, mentioned, template="articles/email/note_mention", request=request)
    return note


def _writers(article: Article) -> list:
    """Who wrote the story: its creator and the accounts behind its bylines."""
    users = {}
    if article.created_by_id and article.created_by:
        users[article.created_by_id] = article.created_by
    for byline in article.bylines.select_related("author__user"):
        user = byline.author.user
        if user is not None and user.is_active:
            users.setdefault(user.pk, user)
    return list(users.values())


@transaction.atomic
def article_return_to_writer(
    *, article: Article, by, text: str, request: HttpRequest | None = None
) -> EditorialNote:
    """An editor sends a story in review back to draft with a note (required) saying why;
    the writer is emailed the note with a link to the story."""
    if not ArticlePermissions(by, article).can_publish():
        raise PermissionDenied(_("Only editors can return a story to its writer."))
    if article.status != Article.Status.IN_REVIEW:
        raise ValidationError(_("Only a story in review can be returned to its writer."))
    text = _clean_text(text)
    article_return_to_draft(article=article, by=by, note=Truncator(text).chars(EVENT_NOTE_LENGTH))
    note = note_create(
        article=article, by=by, text=text, kind=EditorialNote.Kind.RETURNED, request=request
    )
    mentioned = {user.pk for user in note.mentions.all()}
    writers = [user for user in _writers(article) if user.pk not in mentioned]
    writers = [user for user in writers if ArticlePermissions(user, article).can_view()]
    _notify(note, writers, template="articles/email/article_returned", request=request)
    return note


@transaction.atomic
def article_assign(
    *,
    article: Article,
    by,
    assignee=None,
    due_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Article:
    """Set who works on the story and by when (None clears either); logged as an event,
    and a new assignee is emailed a link to the story."""
    if not ArticlePermissions(by, article).can_assign():
        raise PermissionDenied(_("Only editors can assign stories."))
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise ValidationError(_("Stories are assigned to active staff accounts."))
    article = Article.objects.select_for_update().get(pk=article.pk)
    previous = article.assignee_id
    if previous == (assignee.pk if assignee else None) and article.due_at == due_at:
        return article
    # Not a save: an assignment is no revision of the story's content.
    Article.objects.filter(pk=article.pk).update(assignee=assignee, due_at=due_at)
    article.assignee, article.due_at = assignee, due_at
    if assignee is None:
        summary = _("unassigned")
    else:
        summary = _("to %(name)s") % {"name": assignee.get_username()}
    if due_at is not None:
        summary += ", " + _("due %(at)s") % {
            "at": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
        }
    ArticleEvent.objects.create(
        article=article, action=ArticleEvent.Action.ASSIGNED, by=by, note=summary
    )
    is_new = assignee is not None and assignee.pk not in (previous, by.pk)
    if is_new and assignee.email:
        _mail_on_commit(
            template="articles/email/article_assigned",
            to=[assignee.email],
            context={
                "article": article,
                "by": by,
                "recipient": assignee,
                "due_at": due_at,
                "url": _story_url(article, request),
            },
        )
    return article
