from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Author, Byline


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("headline", "status", "published_at", "byline_names", "updated_at")
    list_filter = ("status", ("published_at", admin.DateFieldListFilter), "bylines__author")
    search_fields = ("headline", "standfirst", "slug", "bylines__author__display_name")
    prepopulated_fields = {"slug": ("headline",)}
    date_hierarchy = "published_at"
    inlines = (BylineInline,)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body", "tags")}),
        (_("Publishing"), {"fields": ("status", "published_at", "is_commenting_open")}),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    @admin.display(description=_("authors"))
    def byline_names(self, obj):
        return ", ".join(byline.author.display_name for byline in obj.bylines.all())


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("display_name", "slug", "user")
    list_select_related = ("user",)
    search_fields = ("display_name", "slug", "user__username")
    prepopulated_fields = {"slug": ("display_name",)}
    autocomplete_fields = ("user",)
