"""The Django admin under the site's name, not "Django administration"."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import JsonResponse
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

    def autocomplete_view(self, request):
        # PostgreSQL refuses a NUL in a query, which nothing stored contains anyway.
        if "\x00" in request.GET.get("term", ""):
            return JsonResponse({"results": [], "pagination": {"more": False}})
        return super().autocomplete_view(request)


class CheckedChangeList(ChangeList):
    """Django's changelist, answering a number in the address too large for a year or a
    database column (``?published_at__year=99999999999999999999``), or a NUL character
    (which PostgreSQL refuses), with the admin's own "?e=1" page, as it answers other bad
    filters, instead of a server error."""

    def get_filters(self, request):
        if any("\x00" in value for _name, values in request.GET.lists() for value in values):
            raise IncorrectLookupParameters("A NUL character in the address.")
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class CheckedChangeListMixin:
    """For every ModelAdmin of the site: its changelist is a ``CheckedChangeList``."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList
