"""Never lose work, in the article admin: autosave and restore, edit presence, take-over.

``draft_urls(model_admin)`` adds the pages and JSON endpoints the change form's script
(``newsroom/static/js/article-form.js``) calls; ``editing_context`` is what the change form
template prints (the restore offer, who else is editing); ``editing_now`` the article list's
column. The writes are ``articles.services.drafts``'.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taggit.utils import parse_tags

from articles.forms import ArticleDraftForm
from articles.html import clean_body_html
from articles.models import Article, ArticleDraft, EditPresence
from articles.models.drafts import DRAFT_FIELDS, person_name
from articles.permissions import ArticlePermissions
from articles.services import (
    article_draft_discard,
    article_draft_save,
    edit_presence_heartbeat,
    edit_presence_release,
    edit_presence_take_over,
)

FIELD_LABELS = {
    "headline": gettext_lazy("Headline"),
    "slug": gettext_lazy("Slug"),
    "standfirst": gettext_lazy("Standfirst"),
    "body": gettext_lazy("Body (HTML)"),
    "tags": gettext_lazy("Tags"),
}


def hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _form_url(article: Article | None) -> str:
    if article is None:
        return reverse("admin:articles_article_add")
    return reverse("admin:articles_article_change", args=[article.pk])


def _may_type(user, article: Article | None) -> bool:
    permissions = ArticlePermissions(user, article)
    return permissions.can_edit() if article is not None else permissions.can_create()


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def draft_differs(draft: ArticleDraft, article: Article | None) -> bool:
    """Whether restoring ``draft`` would change what the form shows for ``article``."""
    if article is None:
        return any(draft.field(name).strip() for name in DRAFT_FIELDS)
    typed = {
        "headline": draft.field("headline").strip(),
        "slug": draft.field("slug").strip(),
        "standfirst": draft.field("standfirst").replace("\r\n", "\n").strip(),
        "body": clean_body_html(draft.field("body")),
        "tags": sorted(parse_tags(draft.field("tags"))),
    }
    stored = {
        "headline": article.headline.strip(),
        "slug": article.slug,
        "standfirst": article.standfirst.replace("\r\n", "\n").strip(),
        "body": clean_body_html(article.body),
        "tags": sorted(article.tags.names()),
    }
    return typed != stored


def presence_notice(presence: EditPresence | None, user) -> tuple[str, str]:
    """(state, sentence) of ``presence`` for ``user``: "editing" (theirs, or nobody's),
    "taken_over" (someone took the story from them) or "other" (someone else has it)."""
    if presence is None or presence.user_id == user.pk or not presence.is_live():
        return "editing", ""
    name = person_name(presence.user)
    if presence.taken_over_from_id == user.pk:
        return "taken_over", _(
            "%(name)s took over at %(at)s; your changes are saved as a draft, and your save "
            "will be refused while they edit."
        ) % {"name": name, "at": hhmm(presence.taken_over_at)}
    return "other", _("%(name)s is editing this story (since %(since)s).") % {
        "name": name,
        "since": hhmm(presence.since),
    }


def editing_context(request, article: Article | None) -> dict:
    """What the article form template needs for autosave, restore and presence."""
    user = request.user
    may_type = _may_type(user, article)
    context = {
        "editing": {"may_type": may_type, "presence_seconds": settings.NEWSROOM_PRESENCE_SECONDS}
    }
    editing = context["editing"]
    if article is not None:
        presence = (
            EditPresence.objects.live().filter(article=article).select_related("user").first()
        )
        editing["presence_state"], editing["presence_notice"] = presence_notice(presence, user)
        permissions = ArticlePermissions(user, article)
        editing["can_take_over"] = permissions.can_publish() and may_type
        editing["urls"] = {
            "autosave": reverse("admin:articles_article_autosave", args=[article.pk]),
            "draft": reverse("admin:articles_article_draft", args=[article.pk]),
            "discard": reverse("admin:articles_article_draft_discard", args=[article.pk]),
            "presence": reverse("admin:articles_article_presence", args=[article.pk]),
            "release": reverse("admin:articles_article_presence_release", args=[article.pk]),
            "take_over": reverse("admin:articles_article_take_over", args=[article.pk]),
        }
    else:
        editing["urls"] = {
            "autosave": reverse("admin:articles_article_autosave_new"),
            "draft": reverse("admin:articles_article_draft_new"),
            "discard": reverse("admin:articles_article_draft_discard_new"),
        }
    if may_type and request.method == "GET":
        draft = ArticleDraft.objects.current().filter(user=user, article=article).first()
        if draft is not None and draft_differs(draft, article):
            editing["draft"] = draft
            editing["draft_fields"] = {name: draft.field(name) for name in DRAFT_FIELDS}
            editing["draft_at"] = hhmm(draft.saved_at)
            editing["saved_since"] = (
                hhmm(article.updated_at)
                if article is not None and article.updated_at > draft.saved_at
                else ""
            )
    return context


@admin.display(description=gettext_lazy("being edited"))
def editing_now(article: Article) -> str:
    """The article list's column: who has the story open (read with the row's join)."""
    try:
        presence = article.edit_presence
    except ObjectDoesNotExist:
        return ""
    if presence is None or not presence.is_live():
        return ""
    return format_html(
        '<span class="newsroom-badge newsroom-badge--editing">{}</span>',
        _("%(name)s is editing (since %(since)s)")
        % {"name": person_name(presence.user), "since": hhmm(presence.since)},
    )


class DraftViews:
    """The endpoints, bound to the article admin (for its site's login and context)."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _article(self, pk) -> Article | None:
        return None if pk is None else get_object_or_404(Article, pk=pk)

    def autosave(self, request, pk=None):
        article = self._article(pk)
        form = ArticleDraftForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"error": _("This draft could not be kept.")}, status=400)
        try:
            draft = article_draft_save(
                user=request.user,
                article=article,
                fields=form.cleaned_data,
                base_version=form.cleaned_data["loaded_version"],
            )
        except PermissionDenied as refusal:
            return JsonResponse({"error": str(refusal) or _("Not allowed.")}, status=403)
        return JsonResponse(
            {
                "saved_at": draft.saved_at.isoformat(),
                "message": _("Saved a draft at %(time)s") % {"time": hhmm(draft.saved_at)},
            }
        )

    def draft(self, request, pk=None):
        """The draft's text to copy, for a browser without JavaScript (the form's script
        puts it into the form instead)."""
        article = self._article(pk)
        if not _may_type(request.user, article):
            raise PermissionDenied
        draft = ArticleDraft.objects.current().filter(user=request.user, article=article).first()
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Your unsaved changes"),
            "opts": Article._meta,
            "original": article,
            "draft": draft,
            "draft_at": hhmm(draft.saved_at) if draft else "",
            "typed": [
                (name, FIELD_LABELS[name], draft.field(name))
                for name in DRAFT_FIELDS
                if draft is not None and draft.field(name)
            ],
            "form_url": _form_url(article),
            "discard_url": (
                reverse("admin:articles_article_draft_discard", args=[article.pk])
                if article
                else reverse("admin:articles_article_draft_discard_new")
            ),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/articles/article/draft.html", context)

    def discard(self, request, pk=None):
        article = self._article(pk)
        if not _may_type(request.user, article):
            raise PermissionDenied
        article_draft_discard(user=request.user, article=article)
        if _wants_json(request):
            return JsonResponse({"message": _("Your unsaved changes were discarded.")})
        self.model_admin.message_user(
            request, _("Your unsaved changes were discarded."), messages.SUCCESS
        )
        return HttpResponseRedirect(_form_url(article))

    def presence(self, request, pk):
        article = self._article(pk)
        try:
            presence = edit_presence_heartbeat(article=article, user=request.user)
        except PermissionDenied as refusal:
            return JsonResponse({"error": str(refusal)}, status=403)
        state, notice = presence_notice(presence, request.user)
        return JsonResponse({"state": state, "notice": notice})

    def release(self, request, pk):
        article = self._article(pk)
        if not _may_type(request.user, article):
            raise PermissionDenied
        edit_presence_release(article=article, user=request.user)
        return JsonResponse({"state": "released"})

    def take_over(self, request, pk):
        article = self._article(pk)
        before = EditPresence.objects.live().filter(article=article).select_related("user").first()
        edit_presence_take_over(article=article, by=request.user)
        if before is not None and before.user_id != request.user.pk:
            self.model_admin.message_user(
                request,
                _(
                    "You took over this story from %(name)s. Their form now says so; what "
                    "they typed since their last save is kept as their draft."
                )
                % {"name": person_name(before.user)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(_form_url(article))


def draft_urls(model_admin) -> list:
    """The article admin's autosave, draft and presence addresses."""
    views = DraftViews(model_admin)
    site = model_admin.admin_site

    def post(view):
        return site.admin_view(require_POST(view))

    def get(view):
        return site.admin_view(view)

    return [
        path("<int:pk>/autosave/", post(views.autosave), name="articles_article_autosave"),
        path("new/autosave/", post(views.autosave), name="articles_article_autosave_new"),
        path("<int:pk>/draft/", get(views.draft), name="articles_article_draft"),
        path("new/draft/", get(views.draft), name="articles_article_draft_new"),
        path(
            "<int:pk>/draft/discard/",
            post(views.discard),
            name="articles_article_draft_discard",
        ),
        path("new/draft/discard/", post(views.discard), name="articles_article_draft_discard_new"),
        path("<int:pk>/presence/", post(views.presence), name="articles_article_presence"),
        path(
            "<int:pk>/presence/release/",
            post(views.release),
            name="articles_article_presence_release",
        ),
        path(
            "<int:pk>/presence/take-over/",
            post(views.take_over),
            name="articles_article_take_over",
        ),
    ]
