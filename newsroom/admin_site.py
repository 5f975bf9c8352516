"""The Django admin under the site's name, not "Django administration"."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext as _


class NewsroomAdminSite(admin.AdminSite):
    # Properties, not class attributes: the name comes from NEWSROOM_SITE_NAME when a page
    # is drawn, so a changed setting (or a test's override) shows without a restart.

    @property
    def site_header(self):
        return settings.NEWSROOM_SITE_NAME

    @property
    def site_title(self):
        return _("%(site)s admin") % {"site": settings.NEWSROOM_SITE_NAME}

    @property
    def index_title(self):
        return _("Dashboard")
