from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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

from articles.admin.revisions import revision_diff
from articles.models import Article, Author, Byline, Correction, Image, PreviewLink
from articles.services import (
    article_publish,
    article_record_revision_relations,
    article_record_slug_change,
    article_restore_relations,
    article_submit,
    article_transition,
    article_unpublish,
    can_edit_article,
    can_edit_others,
    can_publish,
    can_restore_revision,
    can_view_article,
    correction_create,
    image_create,
    preview_link_create,
    preview_link_revoke,
)
from articles.services.workflow import ArticleEvent, transition_error
from newsroom.admin_site import CheckedChangeListMixin

HERO_UPLOAD_FIELDS = ("hero_upload", "hero_alt_text", "hero_caption", "hero_credit")


def _id_or_none(value) -> int | None:
    """A database id typed into a URL or form, or None for anything else ("²", "abc", 10**5000)."""
    value = str(value).strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _same_second(a, b) -> bool:
    return a is not None and b is not None and a.replace(microsecond=0) == b.replace(microsecond=0)


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
            and can_publish(request.user)
            and request.user.has_perm("articles.add_correction")
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("articles.view_article")
        return can_view_article(request.user, obj)


class ArticleAdminForm(forms.ModelForm):
    """The article form, with a hero image upload that creates a library image on save."""

    hero_upload = forms.ImageField(
        label=_("Upload a new hero image"),
        required=False,
        help_text=_("Or choose one already in the library above."),
    )
    hero_alt_text = forms.CharField(
        label=_("Alternative text"),
        required=False,
        max_length=Image._meta.get_field("alt_text").max_length,
        help_text=Image._meta.get_field("alt_text").help_text,
    )
    hero_caption = forms.CharField(
        label=_("Caption"), required=False, max_length=Image._meta.get_field("caption").max_length
    )
    hero_credit = forms.CharField(
        label=_("Credit"),
        required=False,
        max_length=Image._meta.get_field("credit").max_length,
        help_text=Image._meta.get_field("credit").help_text,
    )

    # The updated_at the editor's copy started from: a save over someone else's newer save
    # is refused, with the editor's text kept in the form, instead of silently winning.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    check_concurrent_edits = True

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "standfirst",
            "body",
            "tags",
            "hero_image",
            "status",
            "published_at",
            "is_commenting_open",
        )
        # A standfirst is a sentence or two: a short box leaves the body editor in view.
        widgets = {"standfirst": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.check_concurrent_edits and loaded and self.instance.pk:
            current = Article.objects.filter(pk=self.instance.pk).values("updated_at").first()
            if current and current["updated_at"].isoformat() != loaded:
                raise ValidationError(
                    _(
                        "Someone else saved this article after you opened it. Your text is "
                        "below, unsaved: open the article in a new tab (its History compares "
                        "versions), merge your changes there, and save."
                    ),
                    code="stale",
                )
        status = cleaned.get("status")
        if status and self.instance.pk:
            # Checked here too so a disallowed move re-renders the form instead of failing.
            original = Article.objects.filter(pk=self.instance.pk).values("status").first()
            if original and (error := transition_error(original["status"], status)):
                self.add_error("status", error)
        upload = cleaned.get("hero_upload")
        if upload:
            for name in ("hero_alt_text", "hero_caption", "hero_credit"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("A hero image needs this."))
            image = Image(
                file=upload,
                alt_text=cleaned.get("hero_alt_text") or "-",
                caption=cleaned.get("hero_caption") or "-",
                credit=cleaned.get("hero_credit") or "-",
            )
            try:
                image.clean_fields(exclude=["uploaded_by"])
            except ValidationError as error:
                for message in error.message_dict.get("file", []):
                    self.add_error("hero_upload", message)
        return cleaned


@admin.register(Article)
class ArticleAdmin(CheckedChangeListMixin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "status",
        "published_at",
        "byline_names",
        "created_by",
        "updated_at",
    )
    list_filter = (
        "status",
        ("published_at", admin.DateFieldListFilter),
        "bylines__author",
        ("created_by", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("created_by",)
    search_fields = ("headline", "standfirst", "slug", "bylines__author__display_name")
    prepopulated_fields = {"slug": ("headline",)}
    date_hierarchy = "published_at"
    inlines = (BylineInline, CorrectionInline)
    autocomplete_fields = ("hero_image",)
    readonly_fields = ("hero_preview", "created_at", "updated_at", "created_by")
    actions = ("publish_selected", "unpublish_selected")
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    object_history_list_template = "admin/articles/article/object_history_list.html"
    object_history_form_template = "admin/articles/article/object_history_form.html"

    def get_fieldsets(self, request, obj=None):
        content = ("headline", "slug", "standfirst", "body", "tags", "loaded_version")
        publishing = ("status", "published_at", "is_commenting_open")
        if getattr(request, "_newsroom_history_form", False):
            # A restore brings tags back from the revision (see save_model), and keeps the
            # current status and time: fields showing the revision's would mislead.
            content = tuple(name for name in content if name != "tags")
            publishing = ("is_commenting_open",)
        return (
            (None, {"fields": content}),
            (_("Hero image"), {"fields": ("hero_image", "hero_preview", *HERO_UPLOAD_FIELDS)}),
            (_("Publishing"), {"fields": publishing}),
            (
                _("History"),
                {"fields": ("created_by", "created_at", "updated_at"), "classes": ("collapse",)},
            ),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # A restore form starts from an old revision on purpose.
        form.check_concurrent_edits = not getattr(request, "_newsroom_history_form", False)
        return form

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # Only a published story (or one corrected before) has corrections to show or add.
        correctable = obj is not None and (
            obj.status == Article.Status.PUBLISHED or obj.corrections.exists()
        )
        return [i for i in inlines if correctable or not isinstance(i, CorrectionInline)]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            # Writers move an article only with "Submit for review"; a crafted POST of
            # status or published_at is ignored because the fields are not in the form.
            readonly += ["status", "published_at"]
        return readonly

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        if not can_edit_others(request.user):
            queryset = queryset.filter(created_by=request.user)
        return queryset

    # Permissions: the same rules as the services, so the admin hides what a role can't do
    # and refuses it when posted anyway.

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return can_view_article(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or can_edit_others(request.user)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return obj is not None and can_restore_revision(request.user, obj)

    def has_view_history_permission(self, request, obj=None):
        return obj is not None and can_restore_revision(request.user, obj)

    def has_change_history_permission(self, request, obj=None):
        return obj is not None and can_restore_revision(request.user, obj)

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

    @admin.display(description=_("authors"))
    def byline_names(self, obj):
        return ", ".join(byline.author.display_name for byline in obj.bylines.all())

    # Saving: content through the form, status through the workflow services.

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        original = Article.objects.filter(pk=obj.pk).first() if change else None
        if not change:
            obj.created_by = request.user
        reverting = getattr(request, "_newsroom_reverting", False)
        moves_status = can_publish(request.user) and not reverting
        target_status, target_published_at = obj.status, obj.published_at
        if original and _same_second(target_published_at, original.published_at):
            # The form's widget drops microseconds; that is not a new publication time.
            target_published_at = obj.published_at = original.published_at
        # The row is saved with its current status; a move is the workflow service's job.
        obj.status = original.status if original else Article.Status.DRAFT
        if not moves_status:
            obj.published_at = original.published_at if original else None
        if form.cleaned_data.get("hero_upload"):
            obj.hero_image = image_create(
                file=form.cleaned_data["hero_upload"],
                alt_text=form.cleaned_data["hero_alt_text"],
                caption=form.cleaned_data["hero_caption"],
                credit=form.cleaned_data["hero_credit"],
                by=request.user,
            )
        super().save_model(request, obj, form, change)
        if not change:
            ArticleEvent.objects.create(
                article=obj, action=ArticleEvent.Action.CREATED, by=request.user
            )
        if reverting:
            article_restore_relations(
                article=obj, revision=request._newsroom_revision, by=request.user
            )
            ArticleEvent.objects.create(
                article=obj, action=ArticleEvent.Action.REVERTED, by=request.user
            )
        if original and original.slug != obj.slug:
            article_record_slug_change(article=obj, old_slug=original.slug)
        rescheduled = (
            original is not None
            and target_status == Article.Status.PUBLISHED
            and target_published_at != original.published_at
        )
        if moves_status and (target_status != obj.status or rescheduled):
            article_transition(
                article=obj, to=target_status, by=request.user, published_at=target_published_at
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Bylines and tags are saved after the article row and its revision: record them.
        article_record_revision_relations(article=form.instance)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            correction_create(
                article=form.instance, by=request.user, text=correction.text, kind=correction.kind
            )
        return None

    def history_view(self, request, object_id, extra_context=None):
        # The library looks up a typed id as it is: "abc" would be a server error, not a 404.
        if _id_or_none(object_id) is None:
            raise Http404("No such article.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if _id_or_none(object_id) is None or _id_or_none(version_id) is None:
            raise Http404("No such revision.")
        # Restoring keeps the article's current status: an old draft revision brings back
        # its words, not its unpublished state.
        request._newsroom_reverting = request.method == "POST"
        request._newsroom_history_form = True
        # Looked up again by the library, which checks permissions before showing anything.
        revision = Article.history.filter(id=object_id, history_id=version_id).first()
        request._newsroom_revision = revision
        extra_context = {**(extra_context or {}), "revision": revision}
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Bulk actions for editors.

    @admin.action(description=_("Publish selected articles now"), permissions=("publish",))
    def publish_selected(self, request, queryset):
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
            article_publish(article=article, by=request.user, published_at=when)
            count += 1
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected articles"), permissions=("publish",))
    def unpublish_selected(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article_unpublish(article=article, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
            messages.SUCCESS,
        )

    # Workflow pages: submit, preview links, revision diff.

    def get_urls(self):
        extra = [
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
        return extra + super().get_urls()

    def _article_or_404(self, request, pk):
        # A stranger's article is "not found" to a writer, like the changelist says.
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

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
        hours = _id_or_none(request.POST.get("hours", ""))
        link = preview_link_create(
            article=article,
            by=request.user,
            note=request.POST.get("note", "")[:120],
            # Anything but 1 hour to 30 days gets the default validity.
            hours=hours if hours and hours <= 24 * 30 else None,
        )
        self.message_user(
            request,
            _("Preview link created; it works until %(expires)s: %(url)s")
            % {
                "expires": link.expires_at.strftime("%Y-%m-%d %H:%M %Z"),
                "url": request.build_absolute_uri(link.get_absolute_url()),
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
        if not can_restore_revision(request.user, article):
            raise PermissionDenied
        records = article.history.all()
        ids = [_id_or_none(request.GET.get(name, "")) for name in ("from", "to")]
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
        if obj is not None:
            context.update(
                can_see_history=can_restore_revision(request.user, obj),
                can_submit=obj.status == Article.Status.DRAFT
                and can_edit_article(request.user, obj),
                can_manage_preview_links=can_publish(request.user)
                and request.user.has_perm("articles.add_previewlink"),
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
