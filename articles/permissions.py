"""Who may do what: one object per subject, asked by the admin, views, services and templates.

In the spirit of Wagtail's ``PagePermissionTester``::

    ArticlePermissions(user, article).can_publish()
    CommentPermissions(user, comment).can_edit()

Nothing here writes. A service asks before it writes (and raises ``PermissionDenied``), the
admin asks to hide what a role cannot do, a view asks to answer 403/404, and a template asks
through the object its view handed it. Role names live in ``articles.roles``; the rights
behind them are Django permissions granted to those groups by the data migrations.
"""

from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, Q, Subquery
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles.discussion import Discussion, discussion_for
from articles.models import (
    Article,
    Comment,
    CommenterBan,
    CommenterSuspension,
    CommenterWarning,
    CommentReport,
)
from articles.models.comment import email_digest

Status = Article.Status


class Refusal:
    """Why a reader may not comment under an article: the codes templates and views switch
    on, and the one sentence each says to the reader (``REFUSAL_MESSAGES``)."""

    CLOSED = "closed"
    ANONYMOUS = "anonymous"
    NO_EMAIL = "no_email"
    UNVERIFIED = "unverified"
    BANNED = "banned"
    # The discussion (articles.discussion): no comments shown, or closed for quiet hours.
    # A read-only thread is CLOSED, as closed comments always were.
    HIDDEN = "hidden"
    QUIET = "quiet"
    SUSPENDED = "suspended"
    WARNED = "warned"


REFUSAL_MESSAGES = {
    Refusal.CLOSED: _("Comments are closed for this article."),
    Refusal.ANONYMOUS: _("You need to login to leave a comment."),
    Refusal.NO_EMAIL: _("Please add an email address and verify it before you comment."),
    Refusal.UNVERIFIED: _("Please verify your email address before you comment."),
    Refusal.BANNED: _("You can no longer comment on this site."),
    Refusal.HIDDEN: _("Comments are switched off for this article."),
    # {time}: when quiet hours end, e.g. 06:00.
    Refusal.QUIET: _("Comments are closed during quiet hours. Comments reopen at {time}."),
    # Said with the date: ArticlePermissions.comment_refusal_message.
    Refusal.SUSPENDED: _("You are suspended from commenting until %(until)s."),
    Refusal.WARNED: _("A moderator sent you a warning: please read it before you comment."),
}


def _is_active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


class ArticlePermissions:
    """What ``user`` may do with ``article`` (or with articles in general, when it is None).

    Editors (``publish_article``, ``edit_others_article``) see and edit every article;
    writers see their own and edit only their own drafts. ``user`` may be anonymous.
    """

    def __init__(self, user, article: Article | None = None):
        self.user = user
        self.article = article

    def _staff_with(self, permission: str) -> bool:
        user = self.user
        return _is_active(user) and user.is_staff and user.has_perm(permission)

    def _is_own(self) -> bool:
        """The writer's own story: one they created, or one an editor assigned to them."""
        article, pk = self.article, self.user.pk
        return (
            article is not None
            and pk is not None
            and pk in (article.created_by_id, article.assignee_id)
        )

    def admin_articles(self, queryset):
        """The stories of ``queryset`` the user may see in the admin (``can_view``'s rule)."""
        if self.can_edit_others():
            return queryset
        return queryset.filter(Q(created_by=self.user) | Q(assignee=self.user))

    # Roles

    def can_publish(self) -> bool:
        """Publish, schedule, unpublish and return to draft."""
        return _is_active(self.user) and self.user.has_perm("articles.publish_article")

    def can_edit_others(self) -> bool:
        return _is_active(self.user) and self.user.has_perm("articles.edit_others_article")

    # One article (or, without one, the admin's list of them)

    def can_view(self) -> bool:
        """In the admin and the staff preview: staff with the view right, own articles
        only unless they may edit others'."""
        if not self._staff_with("articles.view_article"):
            return False
        return self.article is None or self.can_edit_others() or self._is_own()

    def can_create(self) -> bool:
        return self._staff_with("articles.add_article")

    def can_edit(self) -> bool:
        """Editors edit every article; writers only their own drafts."""
        if not self._staff_with("articles.change_article"):
            return False
        if self.article is None or self.can_edit_others():
            return True
        return self._is_own() and self.article.status == Status.DRAFT

    def can_submit(self) -> bool:
        """Hand a draft to the editors."""
        return self.article is not None and self.article.status == Status.DRAFT and self.can_edit()

    def can_add_note(self) -> bool:
        """Editorial notes: whoever may see the story in the admin."""
        return self.article is not None and self.can_view()

    def can_assign(self) -> bool:
        """Set the story's assignee and due time."""
        return self.article is not None and self.can_publish() and self.can_view()

    def can_return_to_writer(self) -> bool:
        """Send a story in review back to draft with a note for its writer."""
        return (
            self.article is not None
            and self.article.status == Status.IN_REVIEW
            and self.can_publish()
            and self.can_view()
        )

    def can_delete(self) -> bool:
        return self._staff_with("articles.delete_article") and self.can_edit_others()

    def can_restore_revision(self) -> bool:
        """See an article's revisions, compare them and restore one."""
        return (
            self.article is not None
            and self.can_edit()
            and self.user.has_perm("articles.restore_article_revision")
        )

    def can_add_correction(self) -> bool:
        """Append corrections (to published articles: the service checks the status)."""
        return self.can_publish() and self.user.has_perm("articles.add_correction")

    def can_kill(self) -> bool:
        """Kill a story (legal takedown) and lift a kill: editors, never writers."""
        return self.can_publish() and self.can_edit_others()

    def can_schedule_update(self) -> bool:
        """Prepare a later version of a live story, published at a set time."""
        return self.can_publish() and self.can_edit()

    def can_create_preview_link(self) -> bool:
        return self.can_publish() and self.user.has_perm("articles.add_previewlink")

    def can_revoke_preview_link(self) -> bool:
        return self.can_publish() and self.user.has_perm("articles.change_previewlink")

    # Live blogs (articles/models/live.py)

    @cached_property
    def _is_writer_of_story(self) -> bool:
        """The story's own staff writer: who created it, or one with a byline on it."""
        if self.article is None or not self.user.is_authenticated:
            return False
        if self._is_own():
            return True
        return self.article.bylines.filter(author__user=self.user).exists()

    def can_post_update(self) -> bool:
        """Post an update to a live blog: editors, and the story's own writers, whatever
        its status (a live blog is updated once it is out)."""
        if self.article is None or self.article.kind != Article.Kind.LIVE:
            return False
        if not self._staff_with("articles.change_article"):
            return False
        return self.can_edit_others() or self._is_writer_of_story

    def can_change_update(self, update) -> bool:
        """Edit or delete an update: editors, and the writer who posted it."""
        if update.article_id != getattr(self.article, "pk", None) or not self.can_post_update():
            return False
        return self.can_edit_others() or update.author_id == self.user.pk

    def can_pin(self) -> bool:
        """Pin (or unpin) a story as the home page's lead: an editor's call."""
        return self.can_publish() and self.user.has_perm("articles.change_leadstory")

    # Readers

    @cached_property
    def is_reader_active(self) -> bool:
        """Whether ``user`` is a logged-in, active account: asked once for a page."""
        return _is_active(self.user)

    @cached_property
    def reader_pk(self):
        """The reader's pk (None when anonymous), read once for a page: ``request.user`` is
        a lazy object, each attribute a proxied call."""
        return self.user.pk

    @cached_property
    def _verified_emails(self) -> list[str]:
        from allauth.account.models import EmailAddress

        return list(
            EmailAddress.objects.filter(user=self.user, verified=True).values_list(
                "email", flat=True
            )
        )

    @cached_property
    def _standing(self) -> dict:
        """Ban, current suspension and unacknowledged warning, in one query."""
        # A ban holds the account and, once it is deleted, the addresses it had: a new
        # account with one of them, once verified, is the same commenter.
        rule = Q(user=self.user)
        if self._verified_emails:
            rule |= Q(emails__digest__in={email_digest(e) for e in self._verified_emails})
        warning = CommenterWarning.objects.filter(user=self.user, acknowledged_at__isnull=True)
        suspensions = CommenterSuspension.objects.filter(user=self.user, until__gt=timezone.now())
        row = (
            get_user_model()
            .objects.filter(pk=self.user.pk)
            .values(
                is_banned=Exists(CommenterBan.objects.filter(rule)),
                suspended_until=Subquery(
                    suspensions.order_by().values("user").annotate(m=Max("until")).values("m")
                ),
                warning_id=Subquery(warning.order_by("created_at", "pk").values("pk")[:1]),
                warning_message=Subquery(
                    warning.order_by("created_at", "pk").values("message")[:1]
                ),
            )
            .first()
        )
        return row or {"is_banned": False, "suspended_until": None, "warning_id": None}

    @property
    def _is_banned(self) -> bool:
        return bool(self._standing["is_banned"])

    @property
    def suspended_until(self):
        """When the reader's current suspension ends, or None."""
        return self._standing["suspended_until"]

    @property
    def pending_warning(self) -> dict | None:
        """The oldest warning the reader has not acknowledged: ``{"id", "message"}``."""
        if not self._standing["warning_id"]:
            return None
        return {"id": self._standing["warning_id"], "message": self._standing["warning_message"]}

    @cached_property
    def comment_refusal(self) -> str | None:
        """Why ``user`` may not comment under the article now (a ``Refusal`` code), or None.

        Asked once per object (two queries for a logged-in reader): keep the object for
        the whole page.
        """
        discussion = self.discussion
        if discussion.is_hidden:
            return Refusal.HIDDEN
        if discussion.is_read_only:
            return Refusal.CLOSED
        if discussion.is_quiet_closed:
            return Refusal.QUIET
        if not _is_active(self.user):
            return Refusal.ANONYMOUS
        if self._is_banned:
            return Refusal.BANNED
        if self.suspended_until:
            return Refusal.SUSPENDED
        if not self._verified_emails:
            # The page offers to send the link again, or first to add an address.
            return Refusal.UNVERIFIED if self.user.email else Refusal.NO_EMAIL
        if self.pending_warning:
            return Refusal.WARNED
        return None

    @cached_property
    def discussion(self) -> Discussion:
        """How the article's comments are open now (``articles.discussion``), asked once."""
        return discussion_for(self.article)

    def refusal_sentence(self, code: str | None):
        """A refusal's sentence (lazy where it needs nothing from the reader), or None."""
        if not code:
            return None
        if code == Refusal.QUIET:
            reopens_at = self.discussion.reopens_at
            return format_lazy(REFUSAL_MESSAGES[code], time=reopens_at.strftime("%H:%M"))
        if code == Refusal.SUSPENDED:
            until = timezone.localtime(self.suspended_until)
            return str(REFUSAL_MESSAGES[code]) % {
                "until": formats.date_format(until, "DATETIME_FORMAT")
            }
        return REFUSAL_MESSAGES[code]

    def comment_refusal_sentence(self):
        """The reader's refusal's sentence, or None."""
        return self.refusal_sentence(self.comment_refusal)

    def refusal_message(self, code: str | None) -> str:
        return str(self.refusal_sentence(code) or "")

    @property
    def comment_refusal_message(self) -> str:
        return self.refusal_message(self.comment_refusal)

    def can_comment(self) -> bool:
        return self.comment_refusal is None


class FrontPagePermissions:
    """What ``user`` may change on every reader page: the banner and the sections."""

    def __init__(self, user):
        self.user = user

    def _staff_with(self, permission: str) -> bool:
        user = self.user
        return _is_active(user) and user.is_staff and user.has_perm(permission)

    def can_set_breaking_news(self) -> bool:
        return self._staff_with("articles.add_breakingnews") and self._staff_with(
            "articles.change_breakingnews"
        )

    def can_change_sections(self) -> bool:
        return self._staff_with("articles.change_section")

    def can_delete_sections(self) -> bool:
        return self._staff_with("articles.delete_section")


# What CommentPermissions answers, made once (lazy): a page asks for every comment it prints.
_EDIT_NOT_OWN = _("You can only edit your own comments.")
_EDIT_REMOVED = _("This comment is removed: it can no longer be edited.")
_EDIT_TOO_LATE = _("The time to edit this comment has passed.")
_DELETE_NOT_OWN = _("You can only delete your own comments.")
_DELETE_REMOVED = _("This comment is already removed.")
_REPLY_CLOSED = _("That comment is no longer open for replies.")
_REPORT_NOT_SHOWN = _("This comment cannot be reported.")
_REPORT_OWN = _("You cannot report your own comment.")
_REPORT_BANNED = _("You can no longer report comments on this site.")
_REPORT_UNVERIFIED = _("Please verify your email address before you report a comment.")
_REACT_ANONYMOUS = _("Log in to react to comments.")
_REACT_NOT_SHOWN = _("This comment cannot take reactions.")
_REACT_OWN = _("You cannot react to your own comment.")
_REACT_BANNED = _("You can no longer react to comments on this site.")
_REACT_UNVERIFIED = _("Please verify your email address before you react to a comment.")
_IGNORE_ANONYMOUS = _("Log in to ignore a commenter.")
_IGNORE_NO_ACCOUNT = _("This comment's author has no account here.")
_IGNORE_SELF = _("You cannot ignore yourself.")
_APPEAL_NOT_OWN = _("You can only appeal the removal of your own comments.")
_APPEAL_NOT_REMOVED = _("This comment was not removed by a moderator.")
_APPEAL_TOO_LATE = _("The time to appeal this removal has passed.")


class CommentPermissions:
    """What ``user`` may do with ``comment``.

    On a page of comments, pass the page's ``ArticlePermissions`` (``article_permissions``)
    and the ids of the comments the reader has reported (``reported_ids``), so asking costs
    no query per comment. The ``*_refusal`` sentences are lazy: ``can_*`` never translate.
    """

    def __init__(
        self,
        user,
        comment: Comment | None = None,
        *,
        article_permissions: ArticlePermissions | None = None,
        reported_ids: set[int] | None = None,
        now=None,
    ):
        self.user = user
        self.comment = comment
        self._article_permissions = article_permissions
        self._reported_ids = reported_ids
        self._now = now
        if article_permissions is not None:
            # A page asks for each of its comments: what the page's object knows already
            # is set here rather than through cached_property (and its lock, on Python 3.11).
            active = article_permissions.is_reader_active
            self.__dict__["article_permissions"] = article_permissions
            self.__dict__["_is_reader_active"] = active
            if comment is not None:
                own = active and comment.author_id == article_permissions.reader_pk
                self.__dict__["is_own"] = own

    @cached_property
    def article_permissions(self) -> ArticlePermissions:
        return self._article_permissions or ArticlePermissions(self.user, self.comment.article)

    @cached_property
    def _is_reader_active(self) -> bool:
        # Every check asks it: once for a whole page when given the page's permissions
        # (request.user is a lazy object, each attribute a proxied call).
        if self._article_permissions is not None:
            return self._article_permissions.is_reader_active
        return _is_active(self.user)

    @cached_property
    def is_own(self) -> bool:
        # Compared here, not in a template: an anonymous reader's pk and a deleted author's
        # are both None.
        return self._is_reader_active and self.comment.author_id == self.user.pk

    @property
    def is_reported(self) -> bool:
        """Whether this reader has reported the comment already."""
        if not self._is_reader_active:
            return False
        if self._reported_ids is not None:
            return self.comment.pk in self._reported_ids
        return CommentReport.objects.filter(comment=self.comment, reporter=self.user).exists()

    def edit_refusal(self) -> str | None:
        """Why ``user`` may not edit the comment now, in words for them, or None."""
        if not self.is_own:
            return _EDIT_NOT_OWN
        if self.comment.is_removed:
            return _EDIT_REMOVED
        window = timezone.timedelta(minutes=settings.NEWSROOM_COMMENT_EDIT_MINUTES)
        if (self._now or timezone.now()) >= self.comment.created_at + window:
            return _EDIT_TOO_LATE
        # Editing is commenting: a ban or closed comments stop it too.
        return self._comment_refusal_message()

    def can_edit(self) -> bool:
        return self.edit_refusal() is None

    def delete_refusal(self) -> str | None:
        """Why ``user`` may not withdraw the comment, in words for them, or None."""
        if not self.is_own:
            return _DELETE_NOT_OWN
        if self.comment.is_removed:
            return _DELETE_REMOVED
        return None

    def can_delete(self) -> bool:
        """The author withdraws their comment, while it is not removed."""
        return self.delete_refusal() is None

    def reply_refusal(self) -> str | None:
        """Why ``user`` may not answer the comment, in words for them, or None."""
        if self.comment.status != Comment.Status.VISIBLE:
            # A reply under a held or removed comment would be counted but have no
            # visible place to sit.
            return _REPLY_CLOSED
        return self._comment_refusal_message()

    def can_reply(self) -> bool:
        """Only visible comments take replies, from readers who may comment."""
        return self.reply_refusal() is None

    def report_refusal(self) -> str | None:
        """Why ``user`` may not report the comment, or None.

        Reporting is for readers with a verified address and no ban, as commenting is (a
        ban would otherwise leave a way to reach the moderators' inboxes); closed comments
        can still be reported.
        """
        if not self._is_reader_active or self.comment.status != Comment.Status.VISIBLE:
            return _REPORT_NOT_SHOWN
        if self.is_own:
            return _REPORT_OWN
        if self.article_permissions._is_banned or self.article_permissions.suspended_until:
            return _REPORT_BANNED
        if not self.article_permissions._verified_emails:
            return _REPORT_UNVERIFIED
        return None

    def can_report(self) -> bool:
        """Shown as a "Report" link: not own, visible, not reported by this reader yet."""
        return self.report_refusal() is None and not self.is_reported

    def react_refusal(self) -> str | None:
        """Why ``user`` may not give (or take back) a reaction to the comment, or None.

        As for reports: readers with a verified address and no ban, so that counts are not
        made by throwaway accounts; never one's own comment, nor one not shown to all."""
        if not self._is_reader_active:
            return _REACT_ANONYMOUS
        if self.comment.status != Comment.Status.VISIBLE:
            return _REACT_NOT_SHOWN
        if self.is_own:
            return _REACT_OWN
        if self.article_permissions._is_banned:
            return _REACT_BANNED
        if not self.article_permissions._verified_emails:
            return _REACT_UNVERIFIED
        return None

    def can_react(self) -> bool:
        return self.react_refusal() is None

    def ignore_refusal(self) -> str | None:
        """Why ``user`` may not ignore (or stop ignoring) the comment's author, or None."""
        if not self._is_reader_active:
            return _IGNORE_ANONYMOUS
        if self.comment.author_id is None:
            # Deleted accounts and imported comments: nobody to ignore from now on.
            return _IGNORE_NO_ACCOUNT
        if self.is_own:
            return _IGNORE_SELF
        return None

    def can_ignore_author(self) -> bool:
        return self.ignore_refusal() is None

    def can_feature(self) -> bool:
        """Make the comment an editors' pick (a visible one), or no longer one: moderators."""
        if not self.can_moderate():
            return False
        return self.comment is None or (
            self.comment.status == Comment.Status.VISIBLE or self.comment.featured_at is not None
        )

    def _comment_refusal_message(self):
        # The code is asked once per page (ArticlePermissions keeps it); the sentence is
        # only translated if someone prints it.
        return self.article_permissions.comment_refusal_sentence()

    def can_moderate(self) -> bool:
        """Approve, remove, mark as spam, ban, suspend, warn, dismiss reports, decide
        appeals: the Moderator role (and superusers)."""
        return self._is_reader_active and self.user.has_perm("articles.moderate_comment")

    def appeal_refusal(self) -> str | None:
        """Why ``user`` may not appeal the comment's removal now, or None (a second appeal
        of the same removal is refused by ``appeal_create``)."""
        comment = self.comment
        if not self.is_own:
            return _APPEAL_NOT_OWN
        if comment.status not in (Comment.Status.REMOVED, Comment.Status.SPAM) or (
            comment.is_deleted_by_author or comment.removed_at is None
        ):
            return _APPEAL_NOT_REMOVED
        window = timezone.timedelta(days=settings.NEWSROOM_APPEAL_DAYS)
        if (self._now or timezone.now()) >= comment.removed_at + window:
            return _APPEAL_TOO_LATE
        return None
