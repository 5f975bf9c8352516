"""The Django admin under the site's name, not "Django administration", with its login
limited as the reader login is."""

import json
from http import HTTPStatus

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from allauth.account.adapter import get_adapter


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, authenticating through allauth's adapter so that failed
    logins count against allauth's ``login_failed`` limits (per client address and per
    account, ``ACCOUNT_RATE_LIMITS``), the same counts as the reader login's: ten wrong
    passwords here leave none to try there."""

    is_rate_limited = False

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                user = get_adapter(self.request).authenticate(
                    self.request, username=username, password=password
                )
            except ValidationError:
                # allauth's "Too many failed login attempts. Try again later."
                self.is_rate_limited = True
                raise
            # allauth hands back an inactive account whose password matched; Django's
            # form says only "incorrect" for it, and so does this one.
            if user is None or not user.is_active:
                raise self.get_invalid_login_error()
            self.user_cache = user
            self.confirm_login_allowed(user)
        return self.cleaned_data


class NewsroomAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

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

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if getattr(form, "is_rate_limited", False):
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
        return response

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._extra_views = []

    def register_view(self, route: str, view, *, name: str) -> None:
        """Add a page of the admin's own (not a model's) at ``route``, named ``admin:<name>``,
        behind the admin's login as ``admin_view`` puts it; the view asks its own rights."""
        self._extra_views.append(path(route, self.admin_view(view), name=name))

    def get_urls(self):
        # Before Django's: its last pattern catches every address left over.
        urls = [*self._extra_views, *super().get_urls()]
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    "r/<int:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site),
                    name="view_on_site",
                )
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "view on site" redirect, for those who may see the object in the admin.

        Django sends any staff account to any object's address; an embargoed draft's
        address would give it away. Anyone else gets a 404, as for an unknown object.
        """
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model)
        obj = None
        if model_admin is not None:
            obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404(_("Nothing to show here."))
        return contenttype_views.shortcut(request, content_type_id, object_id)

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
        # The list's page leaves out the long texts its columns never show (a ModelAdmin's
        # ``list_deferred``): the story bodies joined to a page of comments are megabytes.
        deferred = getattr(self.model_admin, "list_deferred", ())
        if deferred:
            self.queryset = self.queryset.defer(*deferred)
        try:
            super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


# Below this many rows an exact COUNT(*) is cheap, and more honest than an estimate.
ESTIMATE_COUNTS_ABOVE = 10_000


def estimated_row_count(queryset) -> int | None:
    """PostgreSQL's estimate of the rows of an unfiltered ``queryset`` (``pg_class.reltuples``,
    kept by autovacuum and ANALYZE), or None when it has no estimate to give: another
    database, a filtered, distinct, sliced or combined query, or a table never analyzed."""
    if not isinstance(queryset, QuerySet):
        return None
    connection = connections[queryset.db]
    query = queryset.query
    if (
        connection.vendor != "postgresql"
        or query.where
        or query.distinct
        or query.combinator
        or query.is_sliced
    ):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    # -1: never vacuumed nor analyzed, so nothing is known yet.
    return row[0] if row and row[0] >= 0 else None


def planned_row_count(queryset) -> int:
    """The rows PostgreSQL's planner expects ``queryset`` to return (EXPLAIN, not run)."""
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """The admin's paginator, whose counts cost no more on a million rows than on ten
    thousand. On PostgreSQL, a whole big table is counted by its estimate
    (``pg_class.reltuples``), and a filtered or searched list exactly up to
    ``ESTIMATE_COUNTS_ABOVE`` rows (a bounded count, which stops there), beyond that by the
    planner's estimate: an exact ``COUNT(*)`` reads every row it counts, on every page. A
    small table and SQLite get the exact count. ``is_estimate`` tells the page to say
    "about"."""

    is_estimate = False

    @cached_property
    def count(self):
        rows = self.object_list
        estimate = estimated_row_count(rows)
        if estimate is not None and estimate > ESTIMATE_COUNTS_ABOVE:
            self.is_estimate = True
            return estimate
        if not isinstance(rows, QuerySet) or connections[rows.db].vendor != "postgresql":
            return super().count
        # Unordered: counting needs no sort.
        bounded = rows.order_by()[: ESTIMATE_COUNTS_ABOVE + 1].count()
        if bounded <= ESTIMATE_COUNTS_ABOVE:
            return bounded
        self.is_estimate = True
        return max(planned_row_count(rows), bounded)


class CheckedChangeListMixin:
    """For every ModelAdmin of the site: its changelist is a ``CheckedChangeList``, counted
    once (no second "N total" count of the whole table) and by ``EstimatedCountPaginator``.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList
