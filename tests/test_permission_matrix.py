"""The permission matrix: eight roles against every reader page, every POST endpoint and
every admin URL, each allowed or denied as designed, and a denied request changes nothing
in the database.

The design is docs/editorial.md (the roles table), docs/comments.md and
``articles/permissions.py``; the rights behind the roles are the groups' permissions
granted by the data migrations. The URL list comes from the URL resolver and, for the
admin, from ``admin.site._registry`` and each ModelAdmin's ``get_urls()``: a URL added
without a row here fails ``test_every_url_has_a_row``.

Who is who:

- ``unverified``: an account without a verified email address; ``reader``: a verified one;
  ``banned``: a verified reader under a ``CommenterBan`` (made by ``commenter_ban``).
- ``writer``, ``editor``, ``moderator``: staff in the role groups. ``superuser``: every
  right in the admin. All four have a verified address, so on reader pages they are
  commenters like ``reader`` and only their role differs: the comment rules ask for an
  address and no ban, never for a staff flag (a superuser without a verified address would
  be refused a comment like any reader).

Allowed means a page (200) or a redirect to somewhere that is not a login page and carries
no warning; an allowed POST also changes the database (unless its row says the change is
outside it). Denied means: readers and anonymous visitors on the admin are sent to the
admin's login; anonymous visitors elsewhere to the login page or a 403/404; everyone else
gets 403, 404, 405 (a POST-only address asked with GET), or the admin's "doesn't exist"
redirect (a warning message). Before and after each request the row counts of every table
and the rows of the URL's model are read: a denied request must leave both as they were.

For speed the world (accounts, stories, comments, tags, …) is built once for the module
in a transaction rolled back at its end; each role's requests run in a savepoint rolled
back after them, so an allowed POST by one role is not seen by the next.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import pytest
from allauth.account.models import EmailAddress
from django_tasks_db.models import DBTaskResult, get_date_max
from taggit.models import Tag

from accounts.models import User
from articles.models import (
    Appeal,
    Article,
    ArticleDraft,
    ArticleEvent,
    Comment,
    CommenterBan,
    CommenterSuspension,
    CommenterTrust,
    CommenterWarning,
    CommentReport,
    EditorialNote,
    EditPresence,
    EmailDomainRule,
    IgnoredCommenter,
    Image,
    LiveUpdate,
    ModerationLogEntry,
    ModerationSettings,
    PreviewLink,
    Reaction,
    ReaderNote,
    WordRule,
)
from articles.roles import EDITOR_ROLE, MODERATOR_ROLE, WRITER_ROLE
from articles.services import (
    article_pin,
    breaking_news_set,
    commenter_ban,
    guidelines_update,
    image_create,
    live_update_create,
    preview_link_create,
    section_create,
)
from tests.articles.editorial import article_form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    UserFactory,
    VerifiedUserFactory,
    png_bytes,
    staff_user,
)

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's

ROLES = (
    "anonymous",
    "unverified",
    "reader",
    "banned",
    "writer",
    "editor",
    "moderator",
    "superuser",
)
EVERYONE = frozenset(ROLES)
NOBODY = frozenset()
LOGGED_IN = EVERYONE - {"anonymous"}
STAFF = frozenset({"writer", "editor", "moderator", "superuser"})
# Commenting, replying, editing and reporting: a verified address and no ban.
MAY_COMMENT = LOGGED_IN - {"unverified", "banned"}
# Those who may see every story in the admin (and preview it).
EDITORS = frozenset({"editor", "superuser"})
# Those who write stories: their own drafts, and every story for editors.
NEWSROOM = EDITORS | {"writer"}


def only(*roles: str) -> frozenset:
    return frozenset(roles)


# The world ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def media(settings, matrix_media):
    """One upload folder for the module (conftest gives each test its own, where the
    world's picture would be missing)."""
    settings.MEDIA_ROOT = matrix_media
    return matrix_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, matrix_media):
    """Everything the rows point at, built once for the module and rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=matrix_media),
        transaction.atomic(),
    ):
        yield _build_world()
        transaction.set_rollback(True)


def _verified(user: User) -> User:
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _build_world() -> SimpleNamespace:
    moderator = _verified(staff_user("moderator", MODERATOR_ROLE))
    editor = _verified(staff_user("editor", EDITOR_ROLE))
    writer = _verified(staff_user("writer", WRITER_ROLE))
    users = {
        "anonymous": None,
        "unverified": UserFactory(username="unverified"),
        "reader": VerifiedUserFactory(username="reader"),
        "banned": VerifiedUserFactory(username="banned"),
        "writer": writer,
        "editor": editor,
        "moderator": moderator,
        "superuser": VerifiedUserFactory(username="root", is_staff=True, is_superuser=True),
    }
    commenter_ban(user=users["banned"], by=moderator, reason="Abuse")
    # The author of the comment everyone reads, replies to and reports.
    owner = VerifiedUserFactory(username="owner")
    author = AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    # Bylines keep an author (PROTECT): the author rows work on one without any.
    spare_author = AuthorFactory(display_name="Noor Haddad", slug="noor-haddad")
    story = ArticleFactory(
        headline="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        authors=[author],
        tags=["Transport", "Eastport"],
        created_by=editor,
    )
    draft = ArticleFactory(
        draft=True, headline="Ferry timetable", slug="ferry-timetable", created_by=writer
    )
    draft.standfirst = "The new timetable, line by line."
    draft.save()  # a second revision, to compare and restore
    review = ArticleFactory(
        status=Article.Status.IN_REVIEW,
        published_at=None,
        headline="Tram strike",
        slug="tram-strike",
        created_by=writer,
    )
    embargoed = ArticleFactory(
        draft=True, headline="Budget leak", slug="budget-leak", created_by=editor
    )
    comment = CommentFactory(article=story, author=owner, body="The bridge looks great.")
    # A live blog of the writer's, with an update of theirs and one of the editor's.
    live_blog = ArticleFactory(
        headline="Storm live", slug="storm-live", kind=Article.Kind.LIVE, created_by=writer
    )
    writers_update = live_update_create(article=live_blog, by=writer, body="<p>Wind rising.</p>")
    editors_update = live_update_create(article=live_blog, by=editor, body="<p>Roads shut.</p>")
    reported = CommentFactory(article=story, author=owner, body="Cheap watches here.")
    # As an upload leaves it: its renditions made once it commits, so that no page asked
    # in a row makes (writes) them on first use.
    with TestCase.captureOnCommitCallbacks(execute=True):
        image = image_create(
            file=SimpleUploadedFile("harbour.png", png_bytes(400, 300)),
            alt_text="The bridge at dawn",
            caption="The bridge",
            credit="Mara Ellison",
            by=editor,
        )
    settings_row = ModerationSettings.load()
    settings_row.save()
    guidelines = guidelines_update(title="House rules", body="<p>Be civil.</p>")
    # The owner's removed comment and their appeal of it; removed by a trusted caller, so
    # any moderator may decide the appeal.
    removed = CommentFactory(
        article=story,
        author=owner,
        body="Removed words.",
        status=Comment.Status.REMOVED,
        removal_reason="off_topic",
        removed_at=timezone.now(),
    )
    appeal = Appeal.objects.create(
        comment=removed, author=owner, removal_at=removed.removed_at, text="Please"
    )
    suspension = CommenterSuspension.objects.create(
        user=owner, until=timezone.now() + timedelta(days=1), reason="Cooling off"
    )
    warning = CommenterWarning.objects.create(user=owner, message="Mind the tone.")
    section = section_create(by=editor, name="World", slug="world")
    banner = breaking_news_set(
        by=editor, text="Polls have closed", expires_at=timezone.now() + timedelta(days=1)
    )
    pin = article_pin(article=story, by=editor)
    revisions = list(draft.history.order_by("history_date").values_list("history_id", flat=True))
    return SimpleNamespace(
        users=users,
        owner=owner,
        author=author,
        spare_author=spare_author,
        story=story,
        live_blog=live_blog,
        writers_update=writers_update,
        editors_update=editors_update,
        draft=draft,
        review=review,
        embargoed=embargoed,
        comment=comment,
        report=CommentReport.objects.create(comment=reported, reporter=owner, reason="spam"),
        rule=WordRule.objects.create(phrase="scam", action=WordRule.Action.HOLD),
        domain_rule=EmailDomainRule.objects.create(
            domain="junk.example", action=EmailDomainRule.Action.HOLD
        ),
        trust=CommenterTrust.objects.create(user=owner, level=CommenterTrust.Level.TRUSTED),
        ban=CommenterBan.objects.get(user=users["banned"]),
        settings_row=settings_row,
        guidelines=guidelines,
        section=section,
        banner=banner,
        pin=pin,
        log_entry=ModerationLogEntry.objects.get(),
        removed=removed,
        appeal=appeal,
        suspension=suspension,
        warning=warning,
        image=image,
        tag=Tag.objects.get(name="Transport"),
        other_tag=Tag.objects.get(name="Eastport"),
        group=Group.objects.get(name=WRITER_ROLE),
        email_address=EmailAddress.objects.get(user=owner),
        preview_link=preview_link_create(article=draft, by=editor, note="Our lawyer"),
        revisions=revisions,
        job=DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {"subject": "Hello", "to": ["a@example.org"]}},
            task_path="newsroom.tasks.send_email",
            backend_name="default",
            run_after=get_date_max(),  # "as soon as possible", which any backend accepts
        ),
    )


def own_removed(w, role):
    """A comment of the role's own that a moderator removed just now."""
    comment = CommentFactory(
        article=w.story,
        author=w.users[role] or w.owner,
        body="My removed words.",
        status=Comment.Status.REMOVED,
        removal_reason="off_topic",
        removed_at=timezone.now(),
    )
    return (comment.pk,)


def own_warning(w, role):
    warning = CommenterWarning.objects.create(user=w.users[role] or w.owner, message="Calm down.")
    return (warning.pk,)


def own_comment(w, role) -> Comment:
    """A comment of the role's own, just posted (the owner's for anonymous visitors)."""
    return CommentFactory(article=w.story, author=w.users[role] or w.owner, body="My own words.")


# Rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One URL and method, who may use it, and how to ask."""

    name: str
    allowed: frozenset
    method: str = "GET"
    label: str = ""
    # reverse() arguments (a dict: keyword arguments), or a callable making them from the
    # world and the role; the query string likewise.
    args: Callable | tuple | dict = ()
    query: Callable | str = ""
    data: Callable | None = None
    # The model whose rows a denied request must leave as they were.
    model: type | None = None
    prepare: Callable | None = None
    # An allowed POST changes the database (False: its effect is a session or an email).
    changes: bool = True
    # The changelist answers every staff member's POST with a page or a redirect: only
    # what changed tells a performed action from an ignored one.
    judged_by_change: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}" + (f" ({self.label})" if self.label else "")


def get(name, allowed, **kwargs) -> Row:
    return Row(name, frozenset(allowed), "GET", **kwargs)


def post(name, allowed, **kwargs) -> Row:
    return Row(name, frozenset(allowed), "POST", **kwargs)


def pk(attribute: str) -> Callable:
    return lambda w, role: (getattr(w, attribute).pk,)


def slug(attribute: str) -> Callable:
    return lambda w, role: (getattr(w, attribute).slug,)


def own(w, role):
    return (own_comment(w, role).pk,)


def ignore_the_owner(w, role, client):
    """Someone to stop ignoring, for the ignored-commenters page's POST."""
    if w.users[role] is not None:
        IgnoredCommenter.objects.create(user=w.users[role], ignored=w.owner)


def merge_selection(w, role, client):
    """taggit's "Merge selected tags" action keeps the choice in the session."""
    session = client.session
    session["selected_tag_ids"] = f"{w.tag.pk},{w.other_tag.pk}"
    session.save()


READER_ROWS = [
    get("articles:home", EVERYONE),
    get("articles:guidelines", EVERYONE),
    get("articles:feed", EVERYONE),
    get("articles:feed-atom", EVERYONE),
    get("articles:tag-feed", EVERYONE, args=slug("tag")),
    get("articles:tag-feed-atom", EVERYONE, args=slug("tag")),
    get("articles:author-feed", EVERYONE, args=slug("author")),
    get("articles:author-feed-atom", EVERYONE, args=slug("author")),
    get("articles:section", EVERYONE, args=slug("section")),
    get("articles:section-feed", EVERYONE, args=slug("section")),
    get("articles:section-feed-atom", EVERYONE, args=slug("section")),
    get("articles:detail", EVERYONE, label="published", args=slug("story")),
    # Reader pages show published stories only, to staff too: they have the preview.
    get("articles:detail", NOBODY, label="draft", args=slug("draft")),
    get("articles:tag", EVERYONE, args=slug("tag")),
    get("articles:author", EVERYONE, args=slug("author")),
    get("articles:corrections", EVERYONE),
    get("articles:search", EVERYONE, query="?q=bridge"),
    get("articles:share-mastodon", EVERYONE, args=slug("story"), query="?instance=example.social"),
    get("sitemap", EVERYONE),
    get("sitemap-section", EVERYONE, args=("articles",)),
    get("sitemap-section", EVERYONE, label="news", args=("news",)),
    get("sitemap-section", EVERYONE, label="sections", args=("sections",)),
    # Staff who may see the story in the admin preview it.
    get("articles:preview", NEWSROOM, label="the writer's draft", args=pk("draft")),
    get("articles:preview", EDITORS, label="an editor's draft", args=pk("embargoed")),
    # A preview link is for someone without an account: its signature is the right.
    get(
        "articles:preview-link",
        EVERYONE,
        label="signed",
        args=lambda w, role: (w.preview_link.token,),
    ),
    get(
        "articles:preview-link",
        NOBODY,
        label="altered",
        args=lambda w, role: (w.preview_link.token + "x",),
    ),
    # Comments.
    get("articles:comment", EVERYONE, args=pk("comment")),
    # The live "new comments" count: public for a published story, 404 for a draft.
    get("articles:comment-live", EVERYONE, label="published", args=slug("story")),
    get("articles:comment-live", NOBODY, label="draft", args=slug("draft")),
    # The live "new updates" count: a published live blog's only.
    get("articles:update-live", EVERYONE, label="live blog", args=slug("live_blog")),
    get("articles:update-live", NOBODY, label="a story", args=slug("story")),
    get("articles:update-live", NOBODY, label="draft", args=slug("draft")),
    # A live update's permalink: a published live blog's updates.
    get("articles:update", EVERYONE, args=pk("writers_update")),
    post(
        "articles:comment-post",
        MAY_COMMENT,
        label="new thread",
        args=slug("story"),
        data=lambda w, role: {"body": f"A comment by the {role}."},
        model=Comment,
    ),
    post(
        "articles:comment-post",
        MAY_COMMENT,
        label="reply",
        args=slug("story"),
        data=lambda w, role: {"body": f"A reply by the {role}.", "parent": w.comment.pk},
        model=Comment,
    ),
    # The reply page shows the form, which posts to comment-post (its POST answers the same).
    get("articles:comment-reply", MAY_COMMENT, args=pk("comment")),
    get("articles:comment-edit", MAY_COMMENT, label="own", args=own),
    post(
        "articles:comment-edit",
        MAY_COMMENT,
        label="own",
        args=own,
        data=lambda w, role: {"body": "Corrected words."},
        model=Comment,
    ),
    get("articles:comment-edit", NOBODY, label="someone else's", args=pk("comment")),
    post(
        "articles:comment-edit",
        NOBODY,
        label="someone else's",
        args=pk("comment"),
        data=lambda w, role: {"body": "Corrected words."},
        model=Comment,
    ),
    # Withdrawing one's words needs no verified address, and a ban does not stop it.
    get("articles:comment-delete", LOGGED_IN, label="own", args=own),
    post("articles:comment-delete", LOGGED_IN, label="own", args=own, model=Comment),
    get("articles:comment-delete", NOBODY, label="someone else's", args=pk("comment")),
    post(
        "articles:comment-delete", NOBODY, label="someone else's", args=pk("comment"), model=Comment
    ),
    get("articles:comment-report", MAY_COMMENT, args=pk("comment")),
    post(
        "articles:comment-report",
        MAY_COMMENT,
        args=pk("comment"),
        data=lambda w, role: {"reason": "abuse"},
        model=CommentReport,
    ),
    post(
        "articles:comment-report",
        NOBODY,
        label="own",
        args=own,
        data=lambda w, role: {"reason": "abuse"},
        model=CommentReport,
    ),
    # Reactions, editors' picks and ignoring (docs/comments.md): POST forms only.
    get("articles:comment-react", NOBODY, args=pk("comment")),
    post(
        "articles:comment-react",
        MAY_COMMENT,
        args=pk("comment"),
        data=lambda w, role: {"on": "1"},
        model=Reaction,
    ),
    post(
        "articles:comment-react",
        NOBODY,
        label="own",
        args=own,
        data=lambda w, role: {"on": "1"},
        model=Reaction,
    ),
    get("articles:comment-feature", NOBODY, args=pk("comment")),
    post(
        "articles:comment-feature",
        only("moderator", "superuser"),
        args=pk("comment"),
        data=lambda w, role: {"featured": "1"},
        model=Comment,
    ),
    # Ignoring someone is for oneself: any account, as withdrawing one's words is.
    get("articles:comment-ignore", NOBODY, args=pk("comment")),
    post(
        "articles:comment-ignore",
        LOGGED_IN,
        args=pk("comment"),
        data=lambda w, role: {"on": "1"},
        model=IgnoredCommenter,
    ),
    post(
        "articles:comment-ignore",
        NOBODY,
        label="own",
        args=own,
        data=lambda w, role: {"on": "1"},
        model=IgnoredCommenter,
    ),
    get("articles:ignored-commenters", LOGGED_IN),
    post(
        "articles:ignored-commenters",
        LOGGED_IN,
        data=lambda w, role: {"user": w.owner.pk},
        prepare=ignore_the_owner,
        model=IgnoredCommenter,
    ),
    # Appealing a removal: the author only, banned or not (no verified address needed).
    get("articles:comment-appeal", LOGGED_IN, label="own", args=own_removed),
    post(
        "articles:comment-appeal",
        LOGGED_IN,
        label="own",
        args=own_removed,
        data=lambda w, role: {"text": "Please look again."},
        model=Appeal,
    ),
    get("articles:comment-appeal", NOBODY, label="someone else's", args=pk("removed")),
    post(
        "articles:comment-appeal",
        NOBODY,
        label="someone else's",
        args=pk("removed"),
        data=lambda w, role: {"text": "Please look again."},
        model=Appeal,
    ),
    # A warning is acknowledged by the warned reader, with a POST.
    get("articles:warning-acknowledge", NOBODY, args=pk("warning")),
    post(
        "articles:warning-acknowledge",
        LOGGED_IN,
        label="own",
        args=own_warning,
        model=CommenterWarning,
    ),
    post(
        "articles:warning-acknowledge",
        NOBODY,
        label="someone else's",
        args=pk("warning"),
        model=CommenterWarning,
    ),
    # The reader's account.
    get("accounts:profile", LOGGED_IN),
    post(
        "accounts:profile",
        LOGGED_IN,
        data=lambda w, role: {"username": f"{role}-renamed", "is_notified_of_replies": "on"},
        model=User,
    ),
    get("accounts:comments", LOGGED_IN),
    get("accounts:data", LOGGED_IN),
    get("accounts:delete", LOGGED_IN),
    post(
        "accounts:delete",
        LOGGED_IN,
        data=lambda w, role: {"password": PASSWORD, "confirm": "on"},
        model=User,
    ),
    get("accounts:resend-verification", NOBODY),  # POST only
    post(
        "accounts:resend-verification",
        LOGGED_IN,
        data=lambda w, role: {
            "action_send": "",
            "email": getattr(w.users[role], "email", "someone@example.com"),
            "next": w.story.get_absolute_url(),
        },
        model=EmailAddress,
        changes=False,  # an email, and allauth's signed key: no row
    ),
]

# django-allauth's pages: public ones, and those behind a login. The steps of a flow
# (codes, keys) answer from the flow's state or the key, whoever asks.
ALLAUTH_PUBLIC = (
    "account_login",
    "account_logout",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_request_login_code",
    "account_confirm_login_code",
)
ALLAUTH_LOGIN_REQUIRED = (
    "account_email",
    "account_change_password",
    "account_set_password",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
)
ALLAUTH_ROWS = [
    *(get(name, EVERYONE) for name in ALLAUTH_PUBLIC),
    *(get(name, LOGGED_IN) for name in ALLAUTH_LOGIN_REQUIRED),
    get("account_confirm_email", EVERYONE, label="unknown key", args=("no-such-key",)),
    get(
        "account_reset_password_from_key",
        EVERYONE,
        label="unknown key",
        args={"uidb36": "1", "key": "no-such-key"},
    ),
    post(
        "account_login",
        EVERYONE,
        data=lambda w, role: {"login": "reader", "password": PASSWORD},
        changes=False,
    ),
    post(
        "account_signup",
        EVERYONE,
        data=lambda w, role: {
            "email": "newcomer@example.com",
            "username": "newcomer",
            "password1": "a long new passphrase",
            "password2": "a long new passphrase",
        },
        changes=False,  # an account for anonymous visitors; logged-in ones are sent on
    ),
    post(
        "account_reset_password",
        EVERYONE,
        data=lambda w, role: {"email": "reader@example.com"},
        changes=False,
    ),
    post(
        "account_request_login_code",
        EVERYONE,
        data=lambda w, role: {"email": "reader@example.com"},
        changes=False,
    ),
    post("account_logout", EVERYONE, changes=False),
    post(
        "account_email",
        LOGGED_IN,
        data=lambda w, role: {"action_add": "", "email": f"second-{role}@example.com"},
        model=EmailAddress,
    ),
    post(
        "account_change_password",
        LOGGED_IN,
        data=lambda w, role: {
            "oldpassword": PASSWORD,
            "password1": "a long new passphrase",
            "password2": "a long new passphrase",
        },
        model=User,
    ),
    # With a password already, "set" sends to "change": nothing to write.
    post(
        "account_set_password",
        LOGGED_IN,
        data=lambda w, role: {"password1": "a new one", "password2": "a new one"},
        model=User,
        changes=False,
    ),
    post(
        "account_reauthenticate",
        LOGGED_IN,
        data=lambda w, role: {"password": PASSWORD},
        changes=False,  # a mark in the session
    ),
]


# The admin: the site's own pages --------------------------------------------------------


def _autocomplete_rows() -> list[Row]:
    """One row per autocomplete field of every registered ModelAdmin and its inlines: the
    search answers those who may view the model searched."""
    viewers = {
        "articles.image": NEWSROOM,
        "articles.author": NEWSROOM,
        # The banner's and the pin's story (the article admin's own search and rights).
        "articles.article": NEWSROOM,
        # Only superusers see accounts: moderators ban from the comment queue.
        "accounts.user": only("superuser"),
    }
    rows = []
    for model, model_admin in admin.site._registry.items():
        sources = [(model, model_admin.autocomplete_fields)]
        sources += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for source, fields in sources:
            for name in fields:
                remote = source._meta.get_field(name).related_model._meta.label_lower
                query = (
                    f"?app_label={source._meta.app_label}&model_name={source._meta.model_name}"
                    f"&field_name={name}&term=a"
                )
                allowed = viewers.get(remote)  # a new one has no expectation: its row fails
                rows.append(
                    Row(
                        "admin:autocomplete",
                        allowed and frozenset(allowed),
                        label=f"{source._meta.label_lower}.{name}",
                        query=query,
                    )
                )
    return rows


def _view_on_site(attribute: str) -> Callable:
    def args(w, role):
        obj = getattr(w, attribute)
        return (ContentType.objects.get_for_model(obj).pk, obj.pk)

    return args


APP_LIST = {
    "articles": STAFF,
    "taggit": EDITORS,
    "auth": only("superuser"),
    "account": only("superuser"),
    "accounts": only("superuser"),
}

SITE_ROWS = [
    get("admin:index", STAFF),
    get("admin:login", EVERYONE),  # the door itself
    get("admin:logout", NOBODY),  # POST only
    post("admin:logout", STAFF, changes=False),  # the session goes
    get("admin:password_change", STAFF),
    post(
        "admin:password_change",
        STAFF,
        data=lambda w, role: {
            "old_password": PASSWORD,
            "new_password1": "a long new passphrase",
            "new_password2": "a long new passphrase",
        },
        model=User,
    ),
    get("admin:password_change_done", STAFF),
    get("admin:jsi18n", STAFF),
    *(get("admin:app_list", roles, label=app, args=(app,)) for app, roles in APP_LIST.items()),
    get("admin:view_on_site", NEWSROOM, label="the writer's draft", args=_view_on_site("draft")),
    get("admin:view_on_site", EDITORS, label="an editor's story", args=_view_on_site("story")),
    get(
        "admin:view_on_site",
        only("editor", "moderator", "superuser"),
        label="a comment",
        args=_view_on_site("comment"),
    ),
    get("admin:view_on_site", NEWSROOM, label="an author", args=_view_on_site("author")),
    # The moderation page (articles/admin/moderation.py): moderators only.
    get("admin:articles_moderation", only("moderator", "superuser")),
    get(
        "admin:articles_moderation",
        only("moderator", "superuser"),
        label="one at a time",
        query="?view=focus",
    ),
    post(
        "admin:articles_moderation",
        only("moderator", "superuser"),
        label="remove a comment",
        data=lambda w, role: {"act_on": f"remove:{w.comment.pk}", "reason": "abusive"},
        model=Comment,
    ),
]


# The admin: articles, whose rights depend on the story (docs/editorial.md) ---------------


def _article_form(attribute: str) -> Callable:
    def data(w, role):
        article = getattr(w, attribute)
        return article_form_data(article, headline=f"{article.headline}, updated")

    return data


def _new_article(w, role):
    return article_form_data(
        None,
        status=Article.Status.DRAFT,
        **{
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": w.author.pk,
            "bylines-0-position": "0",
        },
    )


def _revision(w, role):
    return (w.draft.pk, w.revisions[0])


def _selected(attribute: str, action: str) -> Callable:
    return lambda w, role: {
        "action": action,
        "_selected_action": [getattr(w, attribute).pk],
        "index": "0",
        "post": "yes",
    }


def _typed(w, role):
    return {"headline": "Typed, not saved", "body": "<p>An hour of work.</p>"}


def _kept_draft(attribute: str | None) -> Callable:
    def prepare(w, role, client):
        if w.users[role] is not None:
            article = getattr(w, attribute) if attribute else None
            ArticleDraft.objects.create(
                user=w.users[role], article=article, fields=_typed(w, role), saved_at=timezone.now()
            )

    return prepare


def _presence(article, user) -> None:
    now = timezone.now()
    EditPresence.objects.create(article=article, user=user, since=now, seen_at=now)


def _presence_of_role(w, role, client):
    if w.users[role] is not None:
        _presence(w.draft, w.users[role])


def _presence_of_writer(w, role, client):
    _presence(w.draft, w.users["writer"])


ARTICLE = "admin:articles_article_"


def _update(whose: str) -> Callable:
    return lambda w, role: (w.live_blog.pk, getattr(w, f"{whose}_update").pk)


def _chooser_upload(w, role):
    return _image_upload(w, role)


ARTICLE_ROWS = [
    get(ARTICLE + "changelist", NEWSROOM, model=Article),
    post(
        ARTICLE + "changelist",
        EDITORS,
        label="publish the draft",
        data=_selected("draft", "publish_selected"),
        model=Article,
        judged_by_change=True,
    ),
    post(
        ARTICLE + "changelist",
        EDITORS,
        label="pin the story as the lead",
        data=_selected("story", "pin_as_lead"),
        model=ArticleEvent,
        judged_by_change=True,
    ),
    get(ARTICLE + "add", NEWSROOM),
    post(ARTICLE + "add", NEWSROOM, data=_new_article, model=Article),
    # A writer edits their own draft; once submitted it is read-only to them.
    get(ARTICLE + "change", NEWSROOM, label="the writer's draft", args=pk("draft")),
    post(
        ARTICLE + "change",
        NEWSROOM,
        label="the writer's draft",
        args=pk("draft"),
        data=_article_form("draft"),
        model=Article,
    ),
    get(ARTICLE + "change", NEWSROOM, label="the writer's, in review", args=pk("review")),
    post(
        ARTICLE + "change",
        EDITORS,
        label="the writer's, in review",
        args=pk("review"),
        data=_article_form("review"),
        model=Article,
    ),
    # Anyone else's story is "not found" to a writer.
    get(ARTICLE + "change", EDITORS, label="an editor's story", args=pk("story")),
    post(
        ARTICLE + "change",
        EDITORS,
        label="an editor's story",
        args=pk("story"),
        data=_article_form("story"),
        model=Article,
    ),
    get(ARTICLE + "delete", EDITORS, label="the writer's draft", args=pk("draft")),
    post(
        ARTICLE + "delete",
        EDITORS,
        label="the writer's draft",
        args=pk("draft"),
        data=lambda w, role: {"post": "yes"},
        model=Article,
    ),
    # Revisions: see, compare, restore.
    get(ARTICLE + "history", EDITORS, args=pk("draft")),
    get(ARTICLE + "simple_history", EDITORS, args=_revision),
    post(
        ARTICLE + "simple_history",
        EDITORS,
        args=_revision,
        data=_article_form("draft"),
        model=Article,
    ),
    get(
        ARTICLE + "compare",
        EDITORS,
        args=pk("draft"),
        query=lambda w, role: "?from={}&to={}".format(*w.revisions),
    ),
    # The body editor's image chooser (tests/articles/test_writing_comfort.py).
    get(ARTICLE + "image_chooser", NEWSROOM),
    post(ARTICLE + "image_chooser", NEWSROOM, data=_chooser_upload, model=Image),
    # Workflow buttons: POST only.
    get(ARTICLE + "submit", NOBODY, args=pk("draft")),
    post(ARTICLE + "submit", NEWSROOM, args=pk("draft"), model=Article),
    get(ARTICLE + "preview_link_create", NOBODY, args=pk("draft")),
    post(
        ARTICLE + "preview_link_create",
        EDITORS,
        args=pk("draft"),
        data=lambda w, role: {"note": "A source", "hours": "24"},
        model=PreviewLink,
    ),
    # Never lose work: autosave, the kept draft, presence and take-over (articles/admin/drafts.py).
    get(ARTICLE + "autosave", NOBODY, args=pk("draft")),
    post(
        ARTICLE + "autosave",
        NEWSROOM,
        label="the writer's draft",
        args=pk("draft"),
        data=_typed,
        model=ArticleDraft,
    ),
    post(
        ARTICLE + "autosave",
        EDITORS,
        label="an editor's story",
        args=pk("story"),
        data=_typed,
        model=ArticleDraft,
    ),
    post(ARTICLE + "autosave_new", NEWSROOM, data=_typed, model=ArticleDraft),
    get(ARTICLE + "draft", NEWSROOM, label="the writer's draft", args=pk("draft")),
    get(ARTICLE + "draft", EDITORS, label="an editor's story", args=pk("story")),
    get(ARTICLE + "draft_new", NEWSROOM),
    post(
        ARTICLE + "draft_discard",
        NEWSROOM,
        args=pk("draft"),
        prepare=_kept_draft("draft"),
        model=ArticleDraft,
    ),
    post(
        ARTICLE + "draft_discard_new",
        NEWSROOM,
        prepare=_kept_draft(None),
        model=ArticleDraft,
    ),
    get(ARTICLE + "presence", NOBODY, args=pk("draft")),
    post(
        ARTICLE + "presence",
        NEWSROOM,
        label="the writer's draft",
        args=pk("draft"),
        model=EditPresence,
    ),
    post(
        ARTICLE + "presence",
        EDITORS,
        label="an editor's story",
        args=pk("story"),
        model=EditPresence,
    ),
    post(
        ARTICLE + "presence_release",
        NEWSROOM,
        args=pk("draft"),
        prepare=_presence_of_role,
        model=EditPresence,
    ),
    post(
        ARTICLE + "take_over",
        EDITORS,
        args=pk("draft"),
        prepare=_presence_of_writer,
        model=EditPresence,
    ),
    # The pipeline (issue 13): notes for whoever may see the story, the rest for editors.
    get(ARTICLE + "note", NOBODY, args=pk("draft")),
    post(
        ARTICLE + "note",
        NEWSROOM,
        args=pk("draft"),
        data=lambda w, role: {"text": "Photos by noon?"},
        model=EditorialNote,
    ),
    get(ARTICLE + "return", NOBODY, args=pk("review")),
    post(
        ARTICLE + "return",
        EDITORS,
        args=pk("review"),
        data=lambda w, role: {"text": "Needs a second source."},
        model=Article,
    ),
    get(ARTICLE + "assign", NOBODY, args=pk("draft")),
    post(
        ARTICLE + "assign",
        EDITORS,
        args=pk("draft"),
        data=lambda w, role: {"assignee": w.users["editor"].pk, "due_at": ""},
        model=Article,
    ),
    get(
        ARTICLE + "preview_link_revoke",
        NOBODY,
        args=lambda w, role: (w.draft.pk, w.preview_link.pk),
    ),
    post(
        ARTICLE + "preview_link_revoke",
        EDITORS,
        args=lambda w, role: (w.draft.pk, w.preview_link.pk),
        model=PreviewLink,
    ),
    # Live blogs (articles/admin/live.py): the story's writer and editors post; a writer
    # edits and deletes their own updates, editors every one.
    get(ARTICLE + "live_updates", NEWSROOM, label="the writer's live blog", args=pk("live_blog")),
    get(ARTICLE + "live_updates", NOBODY, label="a story", args=pk("story")),
    post(
        ARTICLE + "live_updates",
        NEWSROOM,
        label="the writer's live blog",
        args=pk("live_blog"),
        data=lambda w, role: {"headline": "Update", "body": f"<p>By the {role}.</p>"},
        model=LiveUpdate,
    ),
    get(
        ARTICLE + "live_update_edit", NEWSROOM, label="the writer's update", args=_update("writers")
    ),
    get(ARTICLE + "live_update_edit", EDITORS, label="an editor's update", args=_update("editors")),
    post(
        ARTICLE + "live_update_edit",
        NEWSROOM,
        label="the writer's update",
        args=_update("writers"),
        data=lambda w, role: {"headline": "", "body": f"<p>Edited by the {role}.</p>"},
        model=LiveUpdate,
    ),
    post(
        ARTICLE + "live_update_edit",
        EDITORS,
        label="an editor's update",
        args=_update("editors"),
        data=lambda w, role: {"headline": "", "body": f"<p>Edited by the {role}.</p>"},
        model=LiveUpdate,
    ),
    get(
        ARTICLE + "live_update_delete",
        NEWSROOM,
        label="the writer's update",
        args=_update("writers"),
    ),
    post(
        ARTICLE + "live_update_delete",
        NEWSROOM,
        label="the writer's update",
        args=_update("writers"),
        model=LiveUpdate,
    ),
    post(
        ARTICLE + "live_update_delete",
        EDITORS,
        label="an editor's update",
        args=_update("editors"),
        model=LiveUpdate,
    ),
]


# The admin: every other registered model, from its rights --------------------------------

# Rights per role: v view (changelist, change page, history), a add, c change, d delete,
# x run the changelist action posted (ACTIONS; delete_selected unless said). Readers and
# anonymous visitors have none. Superusers have every right the admin offers anyone:
# comments are never added or deleted (removal keeps the record), reports come from
# readers, the moderation log cannot be edited, and the one settings row is never deleted
# nor added again.
MODEL_RIGHTS = {
    "articles.author": {"writer": "v", "editor": "vacdx", "superuser": "vacdx"},
    "articles.image": {"writer": "va", "editor": "vacdx", "superuser": "vacdx"},
    "taggit.tag": {"editor": "vacdx", "superuser": "vacdx"},
    "articles.comment": {"editor": "v", "moderator": "vx", "superuser": "vcx"},
    "articles.commentreport": {"moderator": "v", "superuser": "vcdx"},
    "articles.wordrule": {"moderator": "vacdx", "superuser": "vacdx"},
    "articles.emaildomainrule": {"moderator": "vacdx", "superuser": "vacdx"},
    "articles.commentertrust": {"moderator": "vacdx", "superuser": "vacdx"},
    # Moderators ban from the comment queue, and change or lift bans here.
    "articles.commenterban": {"moderator": "vcdx", "superuser": "vacdx"},
    # "Superusers and editors with the permission" (docs/comments.md): no role has it.
    "articles.moderationsettings": {"superuser": "vc"},
    # One page, saved already here: never added again nor deleted.
    "articles.communityguidelines": {"editor": "vc", "superuser": "vc"},
    "articles.moderationlogentry": {"moderator": "v", "superuser": "v"},
    # Appeals come from readers and are decided (changed); suspensions and warnings are
    # added, then kept as they were. Only superusers delete them (erasing an account).
    "articles.appeal": {"moderator": "vc", "superuser": "vcdx"},
    "articles.commentersuspension": {"moderator": "va", "superuser": "vadx"},
    "articles.commenterwarning": {"moderator": "va", "superuser": "vadx"},
    # Writers file stories in sections; editors keep them, the banner and the pin. The
    # one pin is replaced from its change page, never added beside it.
    "articles.section": {"writer": "v", "editor": "vacdx", "superuser": "vacdx"},
    "articles.breakingnews": {"editor": "vacdx", "superuser": "vacdx"},
    "articles.leadstory": {"editor": "vcdx", "superuser": "vcdx"},
    "auth.group": {"superuser": "vacdx"},
    "account.emailaddress": {"superuser": "vacdx"},
    "accounts.user": {"superuser": "vacdx"},
    # Queued and sent mail (readers' addresses, verification links): superusers only, and
    # read-only for them too (django-tasks-db's admin offers no add, change or delete).
    "django_tasks_database.dbtaskresult": {"superuser": "v"},
}

OBJECTS = {
    "articles.author": "spare_author",
    "articles.image": "image",
    "taggit.tag": "tag",
    "articles.comment": "comment",
    "articles.commentreport": "report",
    "articles.wordrule": "rule",
    "articles.emaildomainrule": "domain_rule",
    "articles.commentertrust": "trust",
    "articles.commenterban": "ban",
    "articles.moderationsettings": "settings_row",
    "articles.communityguidelines": "guidelines",
    "articles.moderationlogentry": "log_entry",
    "articles.appeal": "appeal",
    "articles.commentersuspension": "suspension",
    "articles.commenterwarning": "warning",
    "articles.section": "section",
    "articles.breakingnews": "banner",
    "articles.leadstory": "pin",
    "auth.group": "group",
    "account.emailaddress": "email_address",
    "accounts.user": "owner",
    "django_tasks_database.dbtaskresult": "job",
}

# Removing asks for a reason on a second page: spam is the one-step action.
ACTIONS = {"articles.comment": "mark_spam"}

# What each inline's management form posts, for the models whose change form has one.
_NO_INLINE_FORMS = {
    f"{prefix}-{name}": value
    for prefix in ("reports", "taggit_taggeditem_items")
    for name, value in (
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    )
}


def _image_upload(w, role):
    return {
        "file": SimpleUploadedFile("quay.png", png_bytes(320, 240)),
        "alt_text": "The quay",
        "caption": "The quay at noon",
        "credit": "Mara Ellison",
    }


def _banner(w, role):
    until = timezone.localtime(timezone.now() + timedelta(hours=2))
    return {
        "text": "Storm warning",
        "url": "",
        "expires_at_0": until.strftime("%Y-%m-%d"),
        "expires_at_1": until.strftime("%H:%M:%S"),
    }


ADD_DATA = {
    "articles.section": lambda w, role: {"name": "Politics", "slug": "politics", "position": "1"},
    "articles.breakingnews": _banner,
    "articles.author": lambda w, role: {"display_name": "Ines Moreau", "slug": "ines-moreau"},
    "articles.image": _image_upload,
    "taggit.tag": lambda w, role: {"name": "Ferries", "slug": "ferries", **_NO_INLINE_FORMS},
    "articles.wordrule": lambda w, role: {
        "phrase": "casino",
        "action": "reject",
        "is_active": "on",
    },
    "articles.commenterban": lambda w, role: {"user": w.owner.pk, "reason": "Spam"},
    "articles.emaildomainrule": lambda w, role: {"domain": "spam.example", "action": "refuse"},
    "articles.commentertrust": lambda w, role: {
        "user": w.users["reader"].pk,
        "level": "premoderated",
    },
    "articles.commentersuspension": lambda w, role: {
        "user": "owner",
        "until_0": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d"),
        "until_1": "12:00:00",
        "reason": "Personal attacks",
    },
    "articles.commenterwarning": lambda w, role: {"user": "owner", "message": "Stay on topic."},
    "auth.group": lambda w, role: {"name": "Interns"},
    "account.emailaddress": lambda w, role: {
        "user": w.owner.pk,
        "email": "owner-again@example.com",
        "verified": "on",
    },
    "accounts.user": lambda w, role: {
        "username": "newcomer",
        "usable_password": "true",
        "password1": "a long new passphrase",
        "password2": "a long new passphrase",
    },
}

CHANGE_DATA = {
    "articles.section": lambda w, role: {"name": "Abroad", "slug": "world", "position": "2"},
    "articles.breakingnews": _banner,
    "articles.leadstory": lambda w, role: {
        "article": w.story.pk,
        "pinned_until_0": "",
        "pinned_until_1": "",
    },
    "articles.author": lambda w, role: {"display_name": "Noor Haddad-Roy", "slug": "noor-haddad"},
    "articles.image": lambda w, role: {
        "alt_text": "The bridge at dusk",
        "caption": "The bridge",
        "credit": "Mara Ellison",
    },
    "taggit.tag": lambda w, role: {"name": "Transport", "slug": "transit", **_NO_INLINE_FORMS},
    # Every field is read-only: a save records "no fields changed" in the admin's log.
    "articles.comment": lambda w, role: dict(_NO_INLINE_FORMS),
    "articles.commentreport": lambda w, role: {},
    "articles.wordrule": lambda w, role: {"phrase": "scam", "action": "reject", "is_active": "on"},
    "articles.commenterban": lambda w, role: {"reason": "Abuse, again"},
    "articles.emaildomainrule": lambda w, role: {"domain": "junk.example", "action": "hold"},
    "articles.commentertrust": lambda w, role: {"level": "trusted", "note": "A regular"},
    "articles.moderationsettings": lambda w, role: {
        "mode": "pre",
        "approvals_before_trusted": "1",
        "rejections_for_premoderation": "3",
        "rejections_window": "5",
        "max_links": "1",
    },
    "articles.moderationlogentry": lambda w, role: {},
    "articles.communityguidelines": lambda w, role: {
        "title": "Our rules",
        "body": "<p>Be kind, stay on topic.</p>",
    },
    "articles.appeal": lambda w, role: {"outcome": "upheld", "decision_note": "It stays."},
    "articles.commentersuspension": lambda w, role: {},
    "articles.commenterwarning": lambda w, role: {},
    "django_tasks_database.dbtaskresult": lambda w, role: {},
    "auth.group": lambda w, role: {"name": "Writers"},
    "account.emailaddress": lambda w, role: {
        "user": w.owner.pk,
        "email": w.owner.email,
        "verified": "",
        "primary": "on",
    },
    "accounts.user": lambda w, role: {
        "username": "owner",
        "email": "owner@example.com",
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "09:00:00",
    },
}


def _rights(label: str, right: str) -> frozenset:
    return frozenset(role for role, rights in MODEL_RIGHTS[label].items() if right in rights)


def _model_rows(model) -> list[Row]:
    label = model._meta.label_lower
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
    target = pk(OBJECTS[label])
    action = ACTIONS.get(label, "delete_selected")
    return [
        get(prefix + "changelist", _rights(label, "v"), model=model),
        post(
            prefix + "changelist",
            _rights(label, "x"),
            label=action,
            data=_selected(OBJECTS[label], action),
            model=model,
            judged_by_change=True,
        ),
        get(prefix + "add", _rights(label, "a"), model=model),
        post(
            prefix + "add",
            _rights(label, "a"),
            data=ADD_DATA.get(label, lambda w, role: {}),
            model=model,
        ),
        get(prefix + "change", _rights(label, "v"), args=target, model=model),
        post(
            prefix + "change",
            _rights(label, "c"),
            args=target,
            data=CHANGE_DATA[label],
            model=model,
        ),
        get(prefix + "delete", _rights(label, "d"), args=target, model=model),
        post(
            prefix + "delete",
            _rights(label, "d"),
            args=target,
            data=lambda w, role: {"post": "yes"},
            model=model,
        ),
        get(prefix + "history", _rights(label, "v"), args=target, model=model),
    ]


# Views a ModelAdmin adds to Django's five, beside the article's (ARTICLE_ROWS).
EXTRA_ROWS = {
    # The comment page's buttons (POST only) and a reader's history: moderators.
    "articles_comment_moderate": [
        get("admin:articles_comment_moderate", NOBODY, args=pk("comment")),
        post(
            "admin:articles_comment_moderate",
            only("moderator", "superuser"),
            args=pk("comment"),
            data=lambda w, role: {"moderation": "spam"},
            model=Comment,
        ),
    ],
    "articles_comment_reader": [
        get("admin:articles_comment_reader", only("moderator", "superuser"), args=pk("owner")),
        post(
            "admin:articles_comment_reader",
            only("moderator", "superuser"),
            args=pk("owner"),
            data=lambda w, role: {"text": "Sarcastic, never abusive."},
            model=ReaderNote,
        ),
    ],
    # django-taggit's merge page: the right to change and to delete tags.
    "taggit_tag_merge_tags": [
        get("admin:taggit_tag_merge_tags", EDITORS, prepare=merge_selection),
        post(
            "admin:taggit_tag_merge_tags",
            EDITORS,
            prepare=merge_selection,
            data=lambda w, role: {"new_tag_name": "Eastport transport"},
            model=Tag,
        ),
    ],
    # Django's own "change password" for an account.
    "auth_user_password_change": [
        get("admin:auth_user_password_change", only("superuser"), args=pk("owner")),
        post(
            "admin:auth_user_password_change",
            only("superuser"),
            args=pk("owner"),
            data=lambda w, role: {
                "usable_password": "true",
                "password1": "a long new passphrase",
                "password2": "a long new passphrase",
            },
            model=User,
        ),
    ],
}


def _admin_rows() -> list[Row]:
    """The rows of every URL each registered ModelAdmin answers; a URL without an
    expectation gets a row that fails, naming it."""
    rows = []
    for model, model_admin in admin.site._registry.items():
        if model is Article:
            rows += ARTICLE_ROWS
            covered = {row.name.removeprefix("admin:") for row in ARTICLE_ROWS}
        elif model._meta.label_lower in MODEL_RIGHTS:
            model_rows = _model_rows(model)
            rows += model_rows
            covered = {row.name.removeprefix("admin:") for row in model_rows}
        else:
            covered = set()
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if name is None or name in covered:
                continue
            if name in EXTRA_ROWS:
                rows += EXTRA_ROWS[name]
            else:
                rows.append(Row(f"admin:{name}", allowed=None, label="no expectation"))
    return rows


ROWS = [*READER_ROWS, *ALLAUTH_ROWS, *SITE_ROWS, *_autocomplete_rows(), *_admin_rows()]

# Named URLs that are not a permission question.
NOT_PERMISSION_QUESTIONS = {
    "health",  # the load balancer's probe: the same answer for everyone, by design
    "robots",  # robots.txt: public, static
}
# Unnamed URLs, by their view: not a permission question either.
UNNAMED_VIEWS = {
    # The admin's "<id>/" sends on to the change page, which has its rows.
    "django.views.generic.base.RedirectView",
    # The admin's answer to an unknown address: its login for everyone but staff, else 404.
    "django.contrib.admin.sites.AdminSite.catch_all_view",
    # Uploaded files (DEBUG, or NEWSROOM_SERVE_MEDIA): public, like the pages showing them.
    "django.views.static.serve",
    "newsroom.views.media",
}


# Asking ---------------------------------------------------------------------------------


@cache
def _tables() -> tuple[str, ...]:
    """The site's data. Not the sessions: a visitor's own (the comment kept for them while
    they log in) changes nothing anyone else sees or may do."""
    models = apps.get_models(include_auto_created=True)
    tables = {m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy}
    return tuple(sorted(tables - {"django_session"}))


@cache
def _count_query() -> str:
    """One query counting the rows of every table, so a snapshot costs one round trip."""
    # The table names are the models' own, quoted: nothing here comes from a request.
    quote = connection.ops.quote_name
    counts = (f"(SELECT COUNT(*) FROM {quote(table)})" for table in _tables())  # noqa: S608
    return "SELECT " + ", ".join(counts)


def snapshot(model) -> tuple:
    """Row counts of every table, and every value of ``model``'s rows (few here)."""
    with connection.cursor() as cursor:
        cursor.execute(_count_query())
        counts = cursor.fetchone()
    rows = list(model._default_manager.order_by("pk").values_list()) if model else []
    return counts, rows


def _url(row: Row, w, role) -> str:
    args = row.args(w, role) if callable(row.args) else row.args
    query = row.query(w, role) if callable(row.query) else row.query
    if isinstance(args, dict):
        return reverse(row.name, kwargs=args) + query
    return reverse(row.name, args=args) + query


def _location(response) -> str:
    return urlsplit(response.get("Location", "")).path


def _is_admin(url: str) -> bool:
    return url.startswith(reverse("admin:index"))


def verdict(row: Row, role: str, url: str, response, changed: bool) -> str:
    """'allowed', 'denied', or what else the person got."""
    status = response.status_code
    warned = any(m.level >= messages.WARNING for m in messages.get_messages(response.wsgi_request))
    is_redirect = status in (301, 302)
    location = _location(response) if is_redirect else ""
    to_login = location in (reverse("account_login"), reverse("admin:login"))
    on_admin = _is_admin(url) and row.name != "admin:login"
    if on_admin and role not in STAFF:
        # The admin sends everyone but staff to its login (logout: to its index, which does).
        sent_away = is_redirect and location in (reverse("admin:login"), reverse("admin:index"))
        return "denied" if sent_away else f"not staff, yet {status} {location}"
    if status in (403, 404, 405) or (is_redirect and warned):
        return "denied"
    if to_login:
        return "denied" if role == "anonymous" else f"a logged-in {role} sent to {location}"
    if status == 200 or is_redirect:
        if row.method == "POST" and (row.changes or row.judged_by_change) and not changed:
            return "denied" if row.judged_by_change else f"{status} {location} but nothing changed"
        return "allowed"
    return f"status {status}"


@pytest.fixture(scope="module")
def shared_client():
    """One test client for the module: each new one loads the middleware again (WhiteNoise
    scans every static file), which would cost more than the requests."""
    return Client()


def ask(client, row: Row, w, role: str) -> list[str]:
    """The row asked by ``role``, in a savepoint rolled back after it: what went wrong."""
    for alias in ("default", "pages"):
        caches[alias].clear()
    client.cookies.clear()  # a visitor without a session
    with transaction.atomic():
        if w.users[role] is not None:
            client.force_login(w.users[role])
        if row.prepare:
            row.prepare(w, role, client)
        url = _url(row, w, role)
        data = row.data(w, role) if row.data else {}
        before = snapshot(row.model)
        try:
            response = client.post(url, data) if row.method == "POST" else client.get(url)
        except Exception as error:  # a server error is a failure of its own
            transaction.set_rollback(True)
            return [f"{role}: raised {error!r}"]
        after = snapshot(row.model)
        transaction.set_rollback(True)
    changed = before != after
    got = verdict(row, role, url, response, changed)
    expected = "allowed" if role in row.allowed else "denied"
    problems = []
    if got != expected:
        where = response.get("Location", "")
        problems.append(f"{role}: expected {expected}, got {got} ({response.status_code} {where})")
    if got == "denied" and changed:
        problems.append(f"{role}: denied, but the database changed: {_difference(before, after)}")
    return problems


def _difference(before, after) -> str:
    counts = [
        f"{table} {old}→{new}"
        for table, old, new in zip(_tables(), before[0], after[0], strict=True)
        if old != new
    ]
    rows = ["the target rows' values"] if before[1] != after[1] else []
    return ", ".join(counts + rows)


# Tests ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_permission_matrix(row, world, shared_client):
    assert row.allowed is not None, f"{row.name} has no row in the permission matrix"
    problems = [problem for role in ROLES for problem in ask(shared_client, row, world, role)]
    assert not problems, "\n".join(problems)


def _patterns(patterns, namespace=""):
    """Every URL pattern the site answers: (its namespaced name or None, its view)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (namespace + pattern.name if pattern.name else None), pattern.callback


def _view_name(view) -> str:
    view = getattr(view, "view_class", view)
    return f"{view.__module__}.{view.__qualname__}"


def test_every_url_has_a_row():
    """A URL added to the site (or by an upgraded library) fails here until the matrix
    says who may use it, or why that is not a permission question."""
    patterns = list(_patterns(get_resolver().url_patterns))
    named = {name for name, view in patterns if name}
    in_matrix = {row.name for row in ROWS if row.allowed is not None}
    assert named - in_matrix - NOT_PERMISSION_QUESTIONS == set()
    assert in_matrix - named == set(), "rows for URLs that no longer exist"
    unnamed = {_view_name(view) for name, view in patterns if not name}
    assert unnamed - UNNAMED_VIEWS == set()


def test_every_role_is_allowed_somewhere_and_denied_somewhere():
    """The matrix has both sides for every role, so it cannot pass by refusing (or letting
    in) everyone."""
    for role in ROLES:
        assert any(role in row.allowed for row in ROWS if row.allowed is not None), role
        assert any(role not in row.allowed for row in ROWS if row.allowed is not None), role
