"""The community guidelines page in the admin: one row, edited by editors, saved through
``guidelines_update`` (rendered once, the cached page refreshed)."""

from django.contrib import admin
from django.shortcuts import redirect

from articles.models import CommunityGuidelines
from articles.services import guidelines_update
from newsroom.admin_site import CheckedChangeListMixin


@admin.register(CommunityGuidelines)
class CommunityGuidelinesAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    fields = ("title", "body")

    def has_add_permission(self, request):
        return not CommunityGuidelines.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One page: straight to it, or to writing it (the default text shows until then).
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        guidelines = CommunityGuidelines.load()
        if guidelines is not None:
            return redirect("admin:articles_communityguidelines_change", guidelines.pk)
        if self.has_add_permission(request):
            return redirect("admin:articles_communityguidelines_add")
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        saved = guidelines_update(title=obj.title, body=obj.body, by=request.user)
        obj.pk = saved.pk
