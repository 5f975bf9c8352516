from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User
from newsroom.admin_site import CheckedChangeListMixin


@admin.register(User)
class NewsroomUserAdmin(CheckedChangeListMixin, UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("username", "email", "first_name", "last_name")
