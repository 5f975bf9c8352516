"""Tags in the admin: django-taggit's admin, saving and deleting through our services so
the pages showing a tag follow."""

from django.contrib import admin

from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.services.tags import tag_delete, tag_update
from newsroom.admin_site import CheckedChangeListMixin

admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(CheckedChangeListMixin, TaggitTagAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            tag_update(tag=obj, by=request.user)
        else:
            # A new tag is on no story yet: no page shows it.
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        tag_delete(tag=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            tag_delete(tag=tag, by=request.user)
