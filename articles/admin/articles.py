import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from taggit.utils import edit_string_for_tags

from articles.admin.drafts import draft_urls, editing_context, editing_now
from articles.admin.filters import BylineFilter, CreatedByFilter, search_words
from articles.admin.live import live_urls
from articles.admin.pipeline import PIPELINE_FILTERS, PipelineAdminMixin
from articles.admin.revisions import revision_diff
from articles.forms import (
    SEARCH_AND_SOCIAL_FIELDS,
    ArticleAdminForm,
    ImageChooserUploadForm,
    PreviewLinkForm,
    ScheduledUpdateForm,
    typed_id,
)
from articles.models import Article, Author, Byline, Correction, PreviewLink, ScheduledUpdate
from articles.permissions import ArticlePermissions
from articles.selectors import chooser_images
from articles.services import (
    article_create,
    article_draft_clear,
    article_pin,
    article_publish,
    article_restore_revision,
    article_submit,
    article_unpublish,
    article_update,
    author_update,
    correction_create,
    image_create,
    preview_link_create,
    preview_link_revoke,
)
from articles.services.articles import CONTENT_FIELDS
from articles.services.scheduling import article_schedule_update, scheduled_update_cancel
from articles.services.workflow import article_kill, article_kill_lift
from newsroom.absolute import absolute_url
from newsroom.admin_site import CheckedChangeListMixin

HERO_UPLOAD_FIELDS = ("hero_upload", "hero_alt_text", "hero_caption", "hero_credit")


def _revision_of(article) -> object | None:
    """The revision (``HistoricalArticle``) an article instance was rebuilt from, or None.

    django-simple-history's restore form works on such an instance; this attribute is
    the library's own way of saying so.
    """
    return getattr(article, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)


def _form_changes(form) -> dict:
    """What the article form asks the services to write: content, tags, workflow, upload."""
    cleaned = form.cleaned_data
    changes = {name: cleaned[name] for name in CONTENT_FIELDS if name in cleaned}
    if "tags" in cleaned:
        changes["tags"] = cleaned["tags"]
    if "status" in cleaned:
        # Only in the form for those who may publish (read-only for writers).
        changes["status"] = cleaned["status"]
        changes["published_at"] = cleaned["published_at"]
    for name in ("embargo_until", "expires_at"):
        if name in cleaned:  # editors only, like the status
            changes[name] = cleaned[name]
    if cleaned.get("hero_upload"):
        changes["hero_upload"] = {
            "file": cleaned["hero_upload"],
            "alt_text": cleaned["hero_alt_text"],
            "caption": cleaned["hero_caption"],
            "credit": cleaned["hero_credit"],
        }
    return changes


def _authors(bylines) -> list:
    """The authors of the byline inline's rows, in their position order."""
    rows = [
        (form.cleaned_data.get("position") or 0, index, form.cleaned_data["author"])
        for index, form in enumerate(bylines.forms)
        if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
    ]
    return [author for _position, _index, author in sorted(rows, key=lambda row: row[:2])]


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 1
    autocomplete_fields = ("author",)
    ordering = ("position",)
    verbose_name = _("byline")
    verbose_name_plural = _("bylines (printed in position order)")

    def get_formset(self, request, obj=None, **kwargs):
        # The admin only shows min_num forms; validate_min makes "at least one" a rule.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class CorrectionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The article already carries the status chosen in this same form: a correction
        # added while unpublishing would be refused by the service after the save.
        adding = any(form.has_changed() for form in self.extra_forms)
        if adding and self.instance.status != Article.Status.PUBLISHED:
            raise ValidationError(
                _(
                    "A correction is appended to a published article: add it while the "
                    "article is published, then change its status."
                ),
                code="not_published",
            )


class CorrectionInline(admin.StackedInline):
    """Corrections are appended, never edited or deleted: the record stays honest."""

    model = Correction
    formset = CorrectionFormSet
    extra = 0
    fields = ("kind", "text", "created_at", "created_by")
    readonly_fields = ("created_at", "created_by")
    verbose_name_plural = _("corrections and clarifications (shown under the story)")

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and ArticlePermissions(request.user, obj).can_add_correction()
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_view()


class ScheduledUpdateFormSet(forms.BaseInlineFormSet):
    def __init__(self, data=None, *args, prefix=None, **kwargs):
        # Optional and collapsed: a post without it (a script, an older form) schedules
        # nothing rather than failing for a missing management form.
        prefix = prefix or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        super().__init__(data, *args, prefix=prefix, **kwargs)


class ScheduledUpdateInline(admin.StackedInline):
    """A later version of a live story, published at its time (articles.services.scheduling).
    One new one at a time, prefilled with the story as it is; pending ones can be
    cancelled (deleted), published ones stay as the record."""

    model = ScheduledUpdate
    form = ScheduledUpdateForm
    formset = ScheduledUpdateFormSet
    extra = 1
    fields = ("publish_at", "headline", "standfirst", "body", "tag_names", "state")
    readonly_fields = ("state",)
    classes = ("collapse",)
    verbose_name = _("scheduled update")
    verbose_name_plural = _("scheduled updates (a new version of the live story, at a set time)")

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and obj.killed_at is None
            and ArticlePermissions(request.user, obj).can_schedule_update()
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_schedule_update()

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_view()

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        if obj.failure:
            return _("Not published: %(why)s") % {"why": obj.failure}
        if obj.applied_at:
            return _("Published at %(at)s") % {"at": _local(obj.applied_at)}
        return _("Pending: goes out at %(at)s") % {"at": _local(obj.publish_at)}


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def publishing_control(article) -> str:
    """What staff must know before touching a story: kill, expiry, embargo, a pending update."""
    if article is None or article.pk is None:
        return ""
    notes = []
    if article.killed_at:
        notes.append(_("Killed %(at)s (410 Gone)") % {"at": _local(article.killed_at)})
    if article.expires_at:
        if article.is_expired:
            notes.append(_("Expired %(at)s") % {"at": _local(article.expires_at)})
        else:
            notes.append(_("Expires %(at)s") % {"at": _local(article.expires_at)})
    if article.is_embargoed:
        notes.append(
            _("Embargoed until %(at)s — do not publish") % {"at": _local(article.embargo_until)}
        )
    update_at = getattr(article, "next_update_at", None)
    if update_at:
        notes.append(_("Update at %(at)s") % {"at": _local(update_at)})
    return " · ".join(str(note) for note in notes)


@admin.register(Article)
class ArticleAdmin(PipelineAdminMixin, CheckedChangeListMixin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "status_badge",
        "published_at",
        "byline_names",
        "created_by",
        "assignee",
        "due_at",
        "updated_at",
        editing_now,
        "control_badges",
    )
    # No date_hierarchy: its year links are a DISTINCT over every story's date.
    list_filter = (
        *PIPELINE_FILTERS,
        ("published_at", admin.DateFieldListFilter),
        "kind",
        "section",
        BylineFilter,
        CreatedByFilter,
    )
    # Who is editing each story, and its assignee, come with the rows (joins), not a query
    # per row.
    list_select_related = ("created_by", "assignee", "edit_presence__user")
    list_deferred = (
        "body",
        "body_html",
        "created_by__password",
        "assignee__password",
        "edit_presence__user__password",
    )
    # What get_search_results looks in (the names say it; it does not join them).
    search_fields = ("headline", "standfirst", "slug", "bylines__author__display_name")
    search_help_text = _("Words of the headline, standfirst, slug or an author's name.")
    prepopulated_fields = {"slug": ("headline",)}
    inlines = (BylineInline, CorrectionInline, ScheduledUpdateInline)
    autocomplete_fields = ("hero_image", "social_image")
    readonly_fields = ("hero_preview", "created_at", "updated_at", "created_by", "control_state")
    actions = ("publish_selected", "unpublish_selected", "pin_as_lead")
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    object_history_list_template = "admin/articles/article/object_history_list.html"
    object_history_form_template = "admin/articles/article/object_history_form.html"

    def get_fieldsets(self, request, obj=None):
        content = ("headline", "slug", "standfirst", "body", "tags", "section", "loaded_version")
        publishing = (
            "control_state",
            "status",
            "published_at",
            "embargo_until",
            "expires_at",
            "is_commenting_open",
            "discussion_mode",
        )
        kill = ()
        if obj is not None and ArticlePermissions(request.user, obj).can_kill():
            kill = (
                ("lift_kill",) if obj.killed_at else ("kill", "takedown_reason", "takedown_notice")
            )
        live = (_("Live blog"), {"fields": ("kind", "coverage_ended_at")})
        if _revision_of(obj) is not None:
            # A restore brings tags back from the revision (article_restore_revision), and
            # keeps the current status and time: fields showing the revision's would mislead.
            content = tuple(name for name in content if name != "tags")
            publishing, kill = ("is_commenting_open", "discussion_mode"), ()
        # The headline and its address first, then the bylines (the change form puts the
        # bylines inline between the two), then the story.
        top, content = content[:2], content[2:]
        return (
            (None, {"fields": top}),
            (None, {"fields": content}),
            (_("Hero image"), {"fields": ("hero_image", "hero_preview", *HERO_UPLOAD_FIELDS)}),
            (_("Publishing"), {"fields": publishing}),
            live,
            *(((_("Kill / legal takedown"), {"fields": kill}),) if kill else ()),
            (
                _("Search and social"),
                {"fields": SEARCH_AND_SOCIAL_FIELDS, "classes": ("collapse",)},
            ),
            (
                _("History"),
                {"fields": ("created_by", "created_at", "updated_at"), "classes": ("collapse",)},
            ),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # A restore form starts from an old revision on purpose.
        form.check_concurrent_edits = _revision_of(obj) is None
        form.editing_user = request.user
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ScheduledUpdateInline) and obj is not None and obj.pk:
            # The new version starts as the story is stored (on a POST too, so an untouched
            # form is seen as unchanged).
            stored = Article.objects.get(pk=obj.pk)
            kwargs["initial"] = [
                {
                    "headline": stored.headline,
                    "standfirst": stored.standfirst,
                    "body": stored.body,
                    "tag_names": edit_string_for_tags(stored.tags.all()),
                }
            ]
        return kwargs

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # Only a published story (or one corrected before) has corrections to show or add.
        correctable = obj is not None and (
            obj.status == Article.Status.PUBLISHED or obj.corrections.exists()
        )
        inlines = [i for i in inlines if correctable or not isinstance(i, CorrectionInline)]
        # A scheduled update is of a live story (or shown once one was made).
        updatable = obj is not None and (
            obj.status == Article.Status.PUBLISHED or obj.scheduled_updates.exists()
        )
        return [i for i in inlines if updatable or not isinstance(i, ScheduledUpdateInline)]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not ArticlePermissions(request.user, obj).can_publish():
            # Writers move an article only with "Submit for review"; a crafted POST of
            # status or published_at is ignored because the fields are not in the form.
            readonly += ["status", "published_at", "embargo_until", "expires_at"]
        return readonly

    def get_queryset(self, request):
        pending = ScheduledUpdate.objects.pending().filter(article=OuterRef("pk"))
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related("bylines__author")
            # The list's "publishing control" column, in the list's own query.
            .annotate(
                next_update_at=Subquery(pending.order_by("publish_at").values("publish_at")[:1])
            )
        )
        return ArticlePermissions(request.user).admin_articles(queryset)

    def get_search_results(self, request, queryset, search_term):
        """Stories with every word of ``search_term`` in their headline, standfirst, slug
        or an author's name, as Django's admin search finds them, without its join on
        the bylines and the ``DISTINCT`` that join needs.

        Per word, one subquery of article ids: the story's own columns (which PostgreSQL
        answers from their trigram indexes, migration 0016) united with the bylines whose
        author's name has it.
        """
        for word in search_words(search_term):
            in_story = (
                Article.objects.filter(
                    Q(headline__icontains=word)
                    | Q(standfirst__icontains=word)
                    | Q(slug__icontains=word)
                )
                .order_by()
                .values("pk")
            )
            in_byline = (
                Byline.objects.filter(author__display_name__icontains=word)
                .order_by()
                .values("article_id")
            )
            queryset = queryset.filter(pk__in=in_story.union(in_byline))
        return queryset, False

    # Permissions: asked of articles.permissions, as the services ask them, so the admin
    # hides what a role can't do and the service refuses it when posted anyway.

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_view()

    def has_add_permission(self, request):
        return ArticlePermissions(request.user).can_create()

    def has_change_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_edit()

    def has_delete_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_delete()

    def has_publish_permission(self, request):
        return ArticlePermissions(request.user).can_publish()

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_restore_revision()

    def has_view_history_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_restore_revision()

    def has_change_history_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_restore_revision()

    @admin.display(description=_("chosen picture"))
    def hero_preview(self, obj):
        # The choice box shows only alt text: on deadline, an editor checks the picture.
        image = obj.hero_image if obj is not None and obj.hero_image_id else None
        rendition = image.rendition(320) if image is not None else None
        if rendition is None:
            return "-"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="newsroom-thumb"><br>{} · {}',
            rendition.url,
            rendition.width // 2,
            rendition.height // 2,
            image.alt_text,
            image.caption,
            image.credit,
        )

    @admin.display(description=_("publishing control"))
    def control_badges(self, obj):
        text = publishing_control(obj)
        return format_html('<span class="newsroom-control">{}</span>', text) if text else ""

    @admin.display(description=_("kill, expiry, embargo"))
    def control_state(self, obj):
        text = publishing_control(obj)
        return format_html("<strong>{}</strong>", text) if text else "-"

    @admin.display(description=_("authors"))
    def byline_names(self, obj):
        return ", ".join(byline.author.display_name for byline in obj.bylines.all())

    # Saving: one service call per save (article_create, article_update or
    # article_restore_revision), which checks the rights again and does the rest.

    def save_model(self, request, obj, form, change):
        revision = _revision_of(obj)
        if revision is not None:
            # django-simple-history's restore form: its fields are edits on top of the
            # revision, and it has no inlines (nor a save_related step).
            article_restore_revision(revision=revision, by=request.user, **_form_changes(form))
        # New and changed articles are written in save_related, where their bylines
        # (an inline) are known too.

    def save_related(self, request, form, formsets, change):
        bylines = next(formset for formset in formsets if formset.model is Byline)
        changes = _form_changes(form)
        authors = _authors(bylines)
        if change:
            article_update(article=form.instance, by=request.user, authors=authors, **changes)
        else:
            article_create(article=form.instance, by=request.user, authors=authors, **changes)
        article_draft_clear(article=form.instance, user=request.user, added=not change)
        cleaned = form.cleaned_data
        if change and cleaned.get("kill"):
            article_kill(
                article=form.instance,
                by=request.user,
                reason=cleaned["takedown_reason"],
                notice=cleaned.get("takedown_notice", ""),
            )
        elif change and cleaned.get("lift_kill"):
            article_kill_lift(article=form.instance, by=request.user)
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Byline:
            # Written by the article service; this lists them for the admin's history.
            formset.save(commit=False)
            return
        if formset.model is ScheduledUpdate:
            for update in formset.save(commit=False):
                cleaned = next(f.cleaned_data for f in formset.forms if f.instance is update)
                article_schedule_update(
                    article=form.instance,
                    by=request.user,
                    publish_at=update.publish_at,
                    headline=update.headline,
                    standfirst=update.standfirst,
                    body=update.body,
                    tags=cleaned["tag_names"],
                )
            for update in formset.deleted_objects:
                if update.applied_at is None:  # a published one stays as the record
                    scheduled_update_cancel(update=update, by=request.user)
            return
        if formset.model is not Correction:
            super().save_formset(request, form, formset, change)
            return
        for correction in formset.save(commit=False):
            correction_create(
                article=form.instance, by=request.user, text=correction.text, kind=correction.kind
            )

    def history_view(self, request, object_id, extra_context=None):
        # The library looks up a typed id as it is: "abc" would be a server error, not a 404.
        if typed_id(object_id) is None:
            raise Http404("No such article.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if typed_id(object_id) is None or typed_id(version_id) is None:
            raise Http404("No such revision.")
        # Looked up again by the library, which checks permissions before showing anything.
        revision = Article.history.filter(id=object_id, history_id=version_id).first()
        extra_context = {**(extra_context or {}), "revision": revision}
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Bulk actions for editors.

    @admin.action(description=_("Publish selected articles now"), permissions=("publish",))
    def publish_selected(self, request, queryset):
        if request.POST.get("post") != "yes":
            return self._confirm_bulk_action(
                request,
                queryset,
                action="publish_selected",
                title=_("Publish these stories?"),
                question=ngettext(
                    "Are you sure? This story will be published now:",
                    "Are you sure? These %(count)d stories will be published now:",
                    len(queryset),
                ),
                button=_("Yes, publish them"),
            )
        count, now = 0, timezone.now()
        for article in queryset:
            if article.status == Article.Status.PUBLISHED and not article.is_scheduled:
                continue
            # "Now" means now: a scheduled story, or a draft given a future time, goes out
            # at once. A past time typed on a draft is kept (a backdated story); an
            # unpublished story goes out again now (the service's rule).
            when = article.published_at
            if article.status == Article.Status.UNPUBLISHED:
                when = None
            elif when is None or when > now:
                when = now
            try:
                article_publish(article=article, by=request.user, published_at=when)
            except ValidationError as error:  # an embargo: said, and the others go on
                self.message_user(
                    request, f"{article.headline}: {' '.join(error.messages)}", messages.ERROR
                )
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected articles"), permissions=("publish",))
    def unpublish_selected(self, request, queryset):
        if request.POST.get("post") != "yes":
            return self._confirm_bulk_action(
                request,
                queryset,
                action="unpublish_selected",
                title=_("Unpublish these stories?"),
                question=ngettext(
                    "Are you sure? This story will leave the site:",
                    "Are you sure? These %(count)d stories will leave the site:",
                    len(queryset),
                ),
                button=_("Yes, unpublish them"),
            )
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article_unpublish(article=article, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
            messages.SUCCESS,
        )

    def _keep_hero_upload(self, request, form):
        """A form error must not lose the hero upload (a file input cannot be refilled): a
        valid upload becomes a library image now, chosen as the hero in the form shown again
        with the errors; its alt text, caption and credit go with it."""
        cleaned = getattr(form, "cleaned_data", None) or {}
        upload = cleaned.get("hero_upload")
        if not form.errors or not upload or any(n in form.errors for n in HERO_UPLOAD_FIELDS):
            return None
        try:
            image = image_create(
                file=upload,
                alt_text=cleaned["hero_alt_text"],
                caption=cleaned["hero_caption"],
                credit=cleaned["hero_credit"],
                by=request.user,
            )
        except ValidationError:
            return None
        data = form.data.copy()
        data["hero_image"] = str(image.pk)
        for name in HERO_UPLOAD_FIELDS[1:]:
            data[name] = ""
        form.data = data
        self.message_user(
            request,
            _(
                "The hero image you uploaded is kept in the image library and chosen below: "
                "no need to upload it again."
            ),
            messages.INFO,
        )
        return image

    def _confirm_bulk_action(self, request, queryset, *, action, title, question, button):
        """An "Are you sure?" page listing the stories, like Django's delete confirmation:
        nothing changes until its button posts the action again with ``post=yes``."""
        stories = list(
            queryset.select_related(None).only("pk", "headline", "status", "published_at")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "question": question % {"count": len(stories)},
            "button": button,
            "stories": stories,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
            "select_across": request.POST.get("select_across") == "1",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/bulk_action_confirmation.html", context
        )

    @admin.action(description=_("Pin as the home page's lead story"), permissions=("publish",))
    def pin_as_lead(self, request, queryset):
        articles = list(queryset[:2])
        if len(articles) != 1:
            self.message_user(request, _("Select one story to pin."), messages.ERROR)
            return
        try:
            article_pin(article=articles[0], by=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            _("“%(headline)s” is the home page's lead story.") % {"headline": articles[0]},
            messages.SUCCESS,
        )

    # Workflow pages: submit, preview links, revision diff.

    def get_urls(self):
        extra = [
            path(
                "image-chooser/",
                self.admin_site.admin_view(self.image_chooser_view),
                name="articles_article_image_chooser",
            ),
            path(
                "<int:pk>/submit/",
                self.admin_site.admin_view(require_POST(self.submit_view)),
                name="articles_article_submit",
            ),
            path(
                "<int:pk>/preview-links/",
                self.admin_site.admin_view(require_POST(self.preview_link_create_view)),
                name="articles_article_preview_link_create",
            ),
            path(
                "<int:pk>/preview-links/<int:link_pk>/revoke/",
                self.admin_site.admin_view(require_POST(self.preview_link_revoke_view)),
                name="articles_article_preview_link_revoke",
            ),
            path(
                "<int:pk>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
        ]
        return extra + draft_urls(self) + live_urls(self) + super().get_urls()

    def _article_or_404(self, request, pk):
        # A stranger's article is "not found" to a writer, like the changelist says.
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def image_chooser_view(self, request):
        """The body editor's image chooser (its figure dialog's "Browse..."): the newest
        library images, a search, and an upload form; choosing one fills the dialog, which
        inserts it at the cursor (js/image-chooser.js). For whoever may write stories."""
        if not ArticlePermissions(request.user).can_create():
            raise PermissionDenied
        # The editor's callback number (it counts down from -1).
        func_num = request.GET.get("CKEditorFuncNum", "")
        func_num = func_num if re.fullmatch(r"-?\d{1,9}", func_num) else ""
        query = request.GET.get("q", "")[:100]
        form = ImageChooserUploadForm()
        if request.method == "POST":
            form = ImageChooserUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    image = image_create(**form.cleaned_data, by=request.user)
                except ValidationError as error:
                    for name, errors in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    self.message_user(
                        request,
                        _("Uploaded to the library: choose it below."),
                        messages.SUCCESS,
                    )
                    url = reverse("admin:articles_article_image_chooser")
                    query_string = f"?CKEditorFuncNum={func_num}&chosen={image.pk}"
                    return HttpResponseRedirect(url + query_string)
        chosen = typed_id(request.GET.get("chosen", ""))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choose an image for the story"),
            "is_popup": True,
            "images": [(image, image.rendition(320)) for image in chooser_images(query)],
            "query": query,
            "chosen": chosen,
            "func_num": func_num,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/articles/article/image_chooser.html", context)

    def submit_view(self, request, pk):
        article = self._article_or_404(request, pk)
        try:
            article_submit(article=article, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("Submitted for review."), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(article))

    def preview_link_create_view(self, request, pk):
        article = self._article_or_404(request, pk)
        if not ArticlePermissions(request.user, article).can_create_preview_link():
            raise PermissionDenied
        form = PreviewLinkForm(request.POST)
        if not form.is_valid():
            errors = [error for errors in form.errors.values() for error in errors]
            self.message_user(request, " ".join(errors), messages.ERROR)
            return HttpResponseRedirect(self._change_url(article))
        link = preview_link_create(article=article, by=request.user, **form.cleaned_data)
        self.message_user(
            request,
            _("Preview link created; it works until %(expires)s: %(url)s")
            % {
                "expires": link.expires_at.strftime("%Y-%m-%d %H:%M %Z"),
                "url": absolute_url(link.get_absolute_url(), request),
            },
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(article))

    def preview_link_revoke_view(self, request, pk, link_pk):
        article = self._article_or_404(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_pk, article=article)
        preview_link_revoke(link=link, by=request.user)
        self.message_user(request, _("Preview link revoked."), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(article))

    def compare_view(self, request, pk):
        article = self._article_or_404(request, pk)
        if not ArticlePermissions(request.user, article).can_restore_revision():
            raise PermissionDenied
        records = article.history.all()
        ids = [typed_id(request.GET.get(name, "")) for name in ("from", "to")]
        if None in ids:
            raise Http404("Choose two revisions to compare.")
        older = get_object_or_404(records, history_id=ids[0])
        newer = get_object_or_404(records, history_id=ids[1])
        if older.history_date > newer.history_date:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare revisions of “%(headline)s”") % {"headline": article.headline},
            "opts": self.model._meta,
            "original": article,
            "older": older,
            "newer": newer,
            "changes": revision_diff(older, newer),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def view_on_site(self, obj):
        # Until readers can see it, "View on site" opens the preview instead of a 404.
        if Article.objects.published().filter(pk=obj.pk).exists():
            return obj.get_absolute_url()
        return reverse("articles:preview", kwargs={"pk": obj.pk})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if request.method == "POST" and adminform is not None:
            self._keep_hero_upload(request, adminform.form)
        if _revision_of(obj) is None:
            context.update(editing_context(request, obj))
        if obj is not None:
            context.update(
                permissions=ArticlePermissions(request.user, obj),
                publishing_control=publishing_control(obj),
                preview_link_form=PreviewLinkForm(),
                preview_links=obj.preview_links.active().select_related("created_by"),
                events=obj.events.select_related("by")[:10],
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Author)
class AuthorAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("display_name", "slug", "user")
    list_select_related = ("user",)
    search_fields = ("display_name", "slug", "user__username")
    prepopulated_fields = {"slug": ("display_name",)}
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        if change:
            author_update(author=obj, by=request.user)
        else:
            # A new byline is on no story yet: no page shows it.
            super().save_model(request, obj, form, change)
