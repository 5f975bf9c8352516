"""Full-text search over published articles.

On PostgreSQL: a stored, weighted tsvector (headline A, standfirst B, body C; the
``search_document`` column, kept current by a trigger and GIN-indexed, see migrations
``0005_article_search_index`` and ``0006_search_document_trigger_without_column_list``)
matched with ``websearch_to_tsquery`` (quoted phrases, ``or``, ``-word``; stop words
dropped), ranked with ``ts_rank`` among the newest ``SEARCH_CANDIDATES`` matches, and
snippets from ``ts_headline`` for the page shown only. On SQLite, a simpler
fallback: every word must appear somewhere, ranked by where it appears.

Snippets are built with sentinel characters around matches, then escaped, so only our own
``<mark>`` elements are markup, whatever the article holds.
"""

import re
from html import unescape

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Replace
from django.utils.functional import cached_property
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article

# The document's configuration and weights live in the trigger function (migration 0006):
# changing them needs a migration that replaces the trigger and refills the column.
SEARCH_CONFIG = "english"
SEARCH_DOCUMENT_COLUMN = "search_document"
SEARCH_INDEX_NAME = "article_search_gin"
QUERY_MAX_LENGTH = 200
# Results are the newest this many matches, best first; past that the page says "more than".
SEARCH_CANDIDATES = 200
# The fallback ANDs one LIKE per word; keep that bounded.
FALLBACK_MAX_WORDS = 12

START, STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_SNIPPET_WORDS = 40


class SearchDocument(Expression):
    """The article's stored ``search_document`` column (PostgreSQL only, not a model field)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(SEARCH_DOCUMENT_COLUMN)}", []


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


# The fallback drops the commonest English words, as PostgreSQL's "english" config does,
# so "the bridge of the harbour" needs no "of" in the story.
FALLBACK_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    ]
)


def fallback_words(text: str) -> list[str]:
    """The words of a query, for the SQLite fallback: lower-cased, unique, no stop words."""
    words = [word for word in re.findall(r"\w+", text.lower()) if word not in FALLBACK_STOP_WORDS]
    return list(dict.fromkeys(words))[:FALLBACK_MAX_WORDS]


def _contains(field: str, word: str) -> Q:
    """``field`` holds ``word``, whatever its case.

    SQLite's LIKE folds the case of ASCII letters only: "écluse" would not find "Écluse".
    So a word with other letters is also looked for capitalized and in capitals, the forms
    a word takes in headlines and at the start of a sentence.
    """
    variants = {word} if word.isascii() else {word, word.capitalize(), word.upper()}
    condition = Q()
    for variant in sorted(variants):
        condition |= Q(**{f"{field}__icontains": variant})
    return condition


def _newest(matching: QuerySet) -> QuerySet:
    """The candidates: the newest ``SEARCH_CANDIDATES + 1`` matches (one more than are
    shown, to know that there are more)."""
    return matching.order_by("-published_at", "-pk").values("pk")[: SEARCH_CANDIDATES + 1]


def search_articles(text: str) -> QuerySet:
    """Published articles matching ``text``, best first, each annotated with ``rank``:
    the newest ``SEARCH_CANDIDATES`` matches (and one more), ranked among themselves.

    So a word in every other story costs what a rare one does: the planner either reads
    the GIN index (few matches) or walks the stories newest first until it has found
    enough (many), and only the candidates are ranked; nothing counts every match.
    """
    published = Article.objects.published()
    if uses_full_text_search():
        query = search_query(text)
        candidates = _newest(published.annotate(search=SearchDocument()).filter(search=query))
        return (
            published.filter(pk__in=candidates)
            .annotate(search=SearchDocument(), rank=SearchRank(F("search"), query))
            .order_by("-rank", "-published_at", "-pk")
        )
    words = fallback_words(text)
    if not words:
        return published.none()
    matches = Q()
    score = Value(0)
    for word in words:
        in_headline = _contains("headline", word)
        in_standfirst = _contains("standfirst", word)
        in_body = _contains("body", word)
        matches &= in_headline | in_standfirst | in_body
        score += (
            Case(When(in_headline, then=4), default=0, output_field=IntegerField())
            + Case(When(in_standfirst, then=2), default=0, output_field=IntegerField())
            + Case(When(in_body, then=1), default=0, output_field=IntegerField())
        )
    return (
        published.filter(pk__in=_newest(published.filter(matches)))
        .annotate(rank=score)
        .order_by("-rank", "-published_at", "-pk")
    )


class ResultPaginator(Paginator):
    """Pages of at most ``SEARCH_CANDIDATES`` results of ``search_articles``.

    The candidates are ranked once, as ids (at most ``SEARCH_CANDIDATES + 1``: so it knows
    whether there were more, never how many), and a page's stories are then read by id:
    the candidates are looked for once a page, not once to count and again to show.
    """

    @cached_property
    def ranked_ids(self) -> list[int]:
        return list(self.object_list.values_list("pk", flat=True))

    @cached_property
    def found(self) -> int:
        return len(self.ranked_ids)

    @cached_property
    def count(self) -> int:
        return min(self.found, SEARCH_CANDIDATES)

    @property
    def has_more(self) -> bool:
        return self.found > SEARCH_CANDIDATES

    @property
    def limit(self) -> int:
        return SEARCH_CANDIDATES

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.ranked_ids[bottom : min(bottom + self.per_page, self.count)]
        stories = Article.objects.published().filter(pk__in=ids)
        if uses_full_text_search():
            # The snippets come from their own query (add_snippets): no body here.
            stories = stories.only("headline", "slug", "standfirst", "published_at")
        by_id = {story.pk: story for story in stories}
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)


def has_searchable_words(text: str) -> bool:
    """Whether anything is left of ``text`` to search for once stop words are dropped."""
    if not uses_full_text_search():
        return bool(fallback_words(text))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, text]
        )
        return cursor.fetchone()[0] > 0


def marked(text: str) -> SafeString:
    """Text with sentinel-wrapped matches, escaped, the matches in ``<mark>``."""
    parts = []
    position = 0
    for match in _MARKED.finditer(text):
        parts.append(escape(_unsentinel(text[position : match.start()])))
        parts.append(f"<mark>{escape(_unsentinel(match.group(1)))}</mark>")
        position = match.end()
    parts.append(escape(_unsentinel(text[position:])))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped just above


def _unsentinel(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


# ts_headline keeps the document's text between words as it is, tags included: put a
# space where a block ends, so "end.</p><p>Next" does not become "end.Next".
_PG_BLOCK_BOUNDARY = r"<(/?(p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|pre)|br|hr)([\s>/])"


def _html_escaped(expression):
    """A plain-text column as HTML (the body is HTML), so the snippet is one kind of text."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        expression = Replace(expression, Value(char), Value(entity), output_field=TextField())
    return expression


def _snippets_postgresql(articles: list, text: str) -> None:
    query = search_query(text)
    document = Concat(
        _html_escaped(F("standfirst")),
        Value(" "),
        Func(
            F("body"),
            Value(_PG_BLOCK_BOUNDARY),
            Value(r" <\1\3"),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        ),
        output_field=TextField(),
    )
    options = {"config": SEARCH_CONFIG, "start_sel": START, "stop_sel": STOP}
    rows = Article.objects.filter(pk__in=[article.pk for article in articles]).values_list(
        "pk",
        SearchHeadline("headline", query, highlight_all=True, **options),
        SearchHeadline(
            document,
            query,
            max_words=_SNIPPET_WORDS,
            min_words=_SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        ),
    )
    found = {pk: (headline, snippet) for pk, headline, snippet in rows}
    for article in articles:
        headline, snippet = found.get(article.pk, (article.headline, ""))
        article.headline_html = marked(headline)
        article.snippet_html = marked(" ".join(unescape(strip_tags(snippet)).split()))


def _mark_words(text: str, words: list[str]) -> str:
    if not words:
        return text
    # Words and words they begin ("bridge" marks "bridges"), as the fallback matched them.
    alternatives = "|".join(re.escape(word) for word in words)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)
    return pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", _unsentinel(text))


def _snippets_fallback(articles: list, text: str) -> None:
    from articles.metadata import body_text

    words = fallback_words(text)
    for article in articles:
        document = " ".join(f"{article.standfirst} {body_text(article.body)}".split())
        tokens = document.split(" ")
        lowered = [token.lower() for token in tokens]
        first = next(
            (i for i, token in enumerate(lowered) if any(word in token for word in words)), 0
        )
        start = max(0, first - _SNIPPET_WORDS // 4)
        excerpt = " ".join(tokens[start : start + _SNIPPET_WORDS])
        if start > 0:
            excerpt = "… " + excerpt
        if start + _SNIPPET_WORDS < len(tokens):
            excerpt += " …"
        article.headline_html = marked(_mark_words(article.headline, words))
        article.snippet_html = marked(_mark_words(excerpt, words))


def add_snippets(articles: list, text: str) -> None:
    """Give each article ``headline_html`` and ``snippet_html`` with the matches marked."""
    if not articles:
        return
    if uses_full_text_search():
        _snippets_postgresql(articles, text)
    else:
        _snippets_fallback(articles, text)
