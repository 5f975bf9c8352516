from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User
from accounts.services import account_delete, account_update
from newsroom.admin_site import CheckedChangeListMixin


@admin.register(User)
class NewsroomUserAdmin(CheckedChangeListMixin, UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("username", "email", "first_name", "last_name")

    # The admin's writes go through the services: a new name or staff flag, or a deletion,
    # shows on the stories the account commented on.
    def save_model(self, request, obj, form, change):
        account_update(user=obj)

    def delete_model(self, request, obj):
        account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            account_delete(user=user)
