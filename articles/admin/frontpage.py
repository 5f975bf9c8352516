"""The banner, the pinned lead story and the sections in the admin: editors only (the
rights come from the Editor role's data migration), every save through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import BreakingNews, LeadStory, Section
from articles.services.frontpage import (
    BANNER_FIELDS,
    SECTION_FIELDS,
    article_pin,
    article_unpin,
    breaking_news_clear,
    breaking_news_delete,
    breaking_news_set,
    section_create,
    section_delete,
    section_update,
)
from newsroom.admin_site import CheckedChangeListMixin


@admin.register(BreakingNews)
class BreakingNewsAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("text", "expires_at", "is_shown", "created_by", "created_at")
    list_select_related = ("created_by",)
    fields = ("text", "article", "url", "expires_at", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    autocomplete_fields = ("article",)
    search_fields = ("text",)
    actions = ("clear_selected",)
    # An address typed without a scheme is a secure one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(boolean=True, description=_("shown now"))
    def is_shown(self, news):
        return news.is_shown

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in BANNER_FIELDS}
        breaking_news_set(by=request.user, news=obj if change else None, **fields)

    def delete_model(self, request, obj):
        breaking_news_delete(by=request.user, news=obj)

    def delete_queryset(self, request, queryset):
        for news in queryset:
            breaking_news_delete(by=request.user, news=news)

    @admin.action(description=_("Take the selected banners down now"), permissions=("change",))
    def clear_selected(self, request, queryset):
        count = 0
        for news in queryset:
            if news.is_shown:
                breaking_news_clear(by=request.user, news=news)
                count += 1
        self.message_user(
            request,
            ngettext("%d banner taken down.", "%d banners taken down.", count) % count,
            messages.SUCCESS,
        )


@admin.register(LeadStory)
class LeadStoryAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("article", "pinned_until", "pinned_by", "pinned_at")
    list_select_related = ("article", "pinned_by")
    fields = ("article", "pinned_until", "pinned_by", "pinned_at")
    readonly_fields = ("pinned_by", "pinned_at")
    autocomplete_fields = ("article",)

    def has_add_permission(self, request):
        # One pin at most: a new one replaces it (article_pin), from its change form.
        return super().has_add_permission(request) and not LeadStory.objects.exists()

    def save_model(self, request, obj, form, change):
        try:
            article_pin(
                article=form.cleaned_data["article"],
                by=request.user,
                until=form.cleaned_data["pinned_until"],
            )
        except ValidationError as error:
            # Checked by the form's clean below; a race lands here.
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class PinForm(form):
            def clean_article(self):
                from articles.models import Article

                article = self.cleaned_data["article"]
                if not Article.objects.published().filter(pk=article.pk).exists():
                    raise ValidationError(_("Only a published story can be pinned as the lead."))
                return article

            def validate_unique(self):
                # The one row is replaced, never duplicated (LeadStory.save keeps pk 1).
                pass

        return PinForm

    def delete_model(self, request, obj):
        article_unpin(by=request.user, article=obj.article)

    def delete_queryset(self, request, queryset):
        for pin in queryset:
            article_unpin(by=request.user, article=pin.article)


@admin.register(Section)
class SectionAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_in_navigation")
    fields = SECTION_FIELDS
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    ordering = ("position", "name")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in SECTION_FIELDS}
        if change:
            section_update(section=obj, by=request.user, **fields)
        else:
            obj.pk = section_create(by=request.user, **fields).pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        try:
            section_delete(section=obj, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for section in queryset:
            self.delete_model(request, section)
