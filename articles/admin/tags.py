"""Tags in the admin: django-taggit's admin, saving, deleting and merging through our
services, so that the stories' tags follow and the pages showing them are refreshed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import MergeTagsForm
from taggit.models import Tag

from articles.forms import typed_id
from articles.models import TagDiscussionDefault
from articles.models.discussion import DiscussionMode
from articles.services.discussion import tag_discussion_default_set
from articles.services.tags import tag_delete, tag_merge, tag_update
from newsroom.admin_site import CheckedChangeListMixin

admin.site.unregister(Tag)

SELECTED_SESSION_KEY = "selected_tag_ids"  # django-taggit's


class TagAdminForm(forms.ModelForm):
    """taggit's tag fields, and the discussion mode the tag gives its stories."""

    discussion_mode = forms.ChoiceField(
        label=gettext_lazy("Discussion default"),
        choices=[
            ("", gettext_lazy("None: stories are open unless they say otherwise")),
            *DiscussionMode.choices,
        ],
        required=False,
        help_text=gettext_lazy(
            "The discussion mode of stories with this tag that set none of their own. A "
            "story with several such tags takes the strictest."
        ),
    )

    class Meta:
        model = Tag
        fields = ("name", "slug")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            default = TagDiscussionDefault.objects.filter(tag=self.instance).first()
            self.fields["discussion_mode"].initial = default.mode if default else ""


@admin.register(Tag)
class TagAdmin(CheckedChangeListMixin, TaggitTagAdmin):
    form = TagAdminForm

    def has_merge_permission(self, request) -> bool:
        # Merging changes one tag and deletes the others.
        user = request.user
        return user.has_perm("taggit.change_tag") and user.has_perm("taggit.delete_tag")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_merge_permission(request):
            actions.pop("render_tag_form", None)
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            tag_update(tag=obj, by=request.user)
        else:
            # A new tag is on no story yet: no page shows it.
            super().save_model(request, obj, form, change)
        tag_discussion_default_set(
            tag=obj, mode=form.cleaned_data.get("discussion_mode", ""), by=request.user
        )

    def delete_model(self, request, obj):
        tag_delete(tag=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            tag_delete(tag=tag, by=request.user)

    def merge_tags_view(self, request):
        """django-taggit's merge page, for those who may merge, through ``tag_merge``."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        ids = [
            typed_id(value) for value in request.session.get(SELECTED_SESSION_KEY, "").split(",")
        ]
        tags = list(Tag.objects.filter(pk__in=[pk for pk in ids if pk is not None]))
        if not tags:
            self.message_user(request, _("Choose the tags to merge first."), messages.WARNING)
            return redirect("admin:taggit_tag_changelist")
        form = MergeTagsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                target = tag_merge(
                    tags=tags, into=form.cleaned_data["new_tag_name"], by=request.user
                )
            except ValidationError as error:
                form.add_error("new_tag_name", error)
            else:
                request.session.pop(SELECTED_SESSION_KEY, None)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d tag merged into “%(name)s”.",
                        "%(count)d tags merged into “%(name)s”.",
                        len(tags),
                    )
                    % {"count": len(tags), "name": target.name},
                    messages.SUCCESS,
                )
                return redirect("admin:taggit_tag_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "selected_tag_ids": [tag.pk for tag in tags],
            "opts": self.model._meta,
        }
        return render(request, "admin/taggit/merge_tags_form.html", context, status=200)
