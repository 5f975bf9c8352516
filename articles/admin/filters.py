"""Changelist filters typed into a box (an id, a slug, a username), and search words.

Django's ``RelatedFieldListFilter`` (and its "related only" variant, which first finds
the related ids with a ``DISTINCT`` over the whole table) prints one link per related row:
at newsroom scale, tens of thousands of articles and commenters in the sidebar of every
page of the comment queue. These filters print one small form instead, and look the typed
value up once, by a unique column, before filtering by its id.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from articles.models import Article, Author, Byline


def search_words(search_term: str) -> list[str]:
    """The words of an admin search, a quoted phrase counting as one (as Django splits it)."""
    words = []
    for bit in smart_split(search_term):
        if bit[0] in "\"'" and bit[-1] == bit[0] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit:
            words.append(bit)
    return words


class InputFilter(admin.SimpleListFilter):
    """A ``SimpleListFilter`` whose value is typed, not chosen from a list.

    Subclasses name the ``model`` typed about, the unique ``text_field`` that may be typed
    instead of the id (compared with ``text_lookup``), and the ``field`` of the filtered
    model that holds the ids (or override ``filter_ids``).
    """

    template = "admin/input_filter.html"
    model = None
    text_field = ""
    text_lookup = "exact"
    field = ""
    placeholder = ""
    # A typed value matches at most a few rows (an id and a unique name).
    max_matches = 10

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def matching_ids(self, value: str) -> list[int]:
        match = Q(**{f"{self.text_field}__{self.text_lookup}": value})
        if value.isascii() and value.isdigit() and len(value) < 19:  # an id a column can hold
            match |= Q(pk=int(value))
        found = self.model._default_manager.filter(match).values_list("pk", flat=True)
        return list(found[: self.max_matches])

    def filter_ids(self, queryset, ids):
        return queryset.filter(**{f"{self.field}__in": ids})

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        return self.filter_ids(queryset, self.matching_ids(value))

    def choices(self, changelist):
        # One entry: "All" clears the filter; the template's form keeps the others.
        yield {
            "selected": not self.value(),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
            "hidden": [
                (name, value)
                for name, value in changelist.params.items()
                if name not in (self.parameter_name, PAGE_VAR, ERROR_FLAG)
            ],
        }

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}


class CommentArticleFilter(InputFilter):
    title = _("article")
    parameter_name = "article"
    model = Article
    text_field = "slug"
    field = "article_id"
    placeholder = _("id or slug")


class UserInputFilter(InputFilter):
    """An account typed by id or by its username, as the page shows it, in any case."""

    model = User
    text_field = "username"
    text_lookup = "iexact"
    placeholder = _("id or username")


class CommentAuthorFilter(UserInputFilter):
    title = _("author")
    parameter_name = "author"
    field = "author_id"


class BylineFilter(InputFilter):
    """Articles by an author of their byline (a subquery: one row per article)."""

    title = _("byline")
    parameter_name = "byline"
    model = Author
    text_field = "slug"
    placeholder = _("id or slug of the author")

    def filter_ids(self, queryset, ids):
        bylines = Byline.objects.filter(author_id__in=ids).values("article_id")
        return queryset.filter(pk__in=bylines)


class CreatedByFilter(UserInputFilter):
    title = _("created by")
    parameter_name = "created_by"
    field = "created_by_id"


class ModeratorFilter(UserInputFilter):
    title = _("moderator")
    parameter_name = "moderator"
    field = "moderator_id"
