from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.models import Image
from articles.services import image_create, image_delete, image_update
from newsroom.admin_site import CheckedChangeListMixin


@admin.register(Image)
class ImageAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("thumbnail", "alt_text", "credit", "width", "height", "body_address")
    search_fields = ("alt_text", "caption", "credit")
    readonly_fields = ("thumbnail", "body_address", "width", "height", "uploaded_by", "created_at")
    fields = (
        "file",
        "thumbnail",
        "body_address",
        "alt_text",
        "caption",
        "credit",
        "width",
        "height",
    )

    def get_queryset(self, request):
        # Every row shows a preview: the renditions of the whole page in one query.
        return super().get_queryset(request).prefetch_related("stored_renditions")

    @admin.display(description=_("preview"))
    def thumbnail(self, obj):
        if not obj.pk or not obj.file:
            return "-"
        rendition = obj.rendition(320)
        if rendition is None:
            return _("(the file is missing)")
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="newsroom-thumb">',
            rendition.url,
            rendition.width // 2,
            rendition.height // 2,
            obj.alt_text,
        )

    @admin.display(description=_("address to use in a story's body"))
    def body_address(self, obj):
        # The editor's image button asks for an address; readers get renditions of it.
        return obj.file.url if obj.pk and obj.file else "-"

    # Through the services, so that the stories showing a changed or deleted picture are
    # rendered again, as when a script changes it.

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            image_update(image=obj, by=request.user, **changes)
            return
        image = image_create(
            file=form.cleaned_data["file"],
            alt_text=form.cleaned_data["alt_text"],
            caption=form.cleaned_data["caption"],
            credit=form.cleaned_data["credit"],
            by=request.user,
        )
        # The admin goes on with the object it built (its message, log entry, redirect).
        obj.pk = image.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        image_delete(image=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for image in queryset:
            image_delete(image=image, by=request.user)
