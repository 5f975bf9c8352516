from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin with the newsroom's site: see ``newsroom.admin_site``."""

    default_site = "newsroom.admin_site.NewsroomAdminSite"
