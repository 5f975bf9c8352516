"""Rendering stored HTML again, for rows whose source did not change but its rendering did.

``save()`` renders an article body or a comment when it is written. What the rendering
depends on besides the row can change under it: an image of the library (the image
services re-render the stories showing it), the sanitizer or the media storage (the
``render_html`` command re-renders everything). Both use the renderers ``save()`` uses.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from articles import caching
from articles.models import Article, Comment
from articles.models.rendering import RENDERING_VERSION, article_body_html, comment_body_html

DEFAULT_BATCH_SIZE = 200


def article_rerender(
    *, articles: QuerySet | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> int:
    """Render the body of ``articles`` (default: every article) again; return how many changed.

    Only ``body_html`` is written: no revision is kept and ``updated_at`` stays, since what
    the writer wrote did not change.
    """
    articles = Article.objects.all() if articles is None else articles
    return rerender_rows(articles, render=article_body_html, batch_size=batch_size)


def comment_rerender(
    *, comments: QuerySet | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> int:
    """Render ``comments`` (default: every comment) again; return how many changed."""
    comments = Comment.objects.all() if comments is None else comments
    return rerender_rows(comments, render=comment_body_html, batch_size=batch_size)


def rerender_rows(
    queryset: QuerySet, *, render: Callable[[str], str], batch_size: int = DEFAULT_BATCH_SIZE
) -> int:
    """Store ``render(row.body)`` in ``row.body_html`` where it differs; return how many did.

    Works on migration-state models too (the post-migrate handler). Batches are read by
    primary key ranges rather than through one open cursor (``iterator()``), because rows
    are written while the table is read: SQLite gives a cursor no isolation from writes on
    its own connection, and each batch is committed on its own (one ``bulk_update``), so a
    run over a large archive holds no long transaction and can be stopped and run again.
    """
    manager = queryset.model._base_manager.db_manager(queryset.db)
    # A migration-state model from before migration 0019 has no version column.
    versioned = any(field.name == "html_version" for field in queryset.model._meta.fields)
    columns = ["body_html", "html_version"] if versioned else ["body_html"]
    queryset = queryset.order_by("pk").only("pk", "body", *columns)
    changed, last_pk = 0, None
    while True:
        rows = list((queryset if last_pk is None else queryset.filter(pk__gt=last_pk))[:batch_size])
        if not rows:
            if changed:
                caching.everything_changed()
            return changed
        stale, behind = [], []
        for row in rows:
            html = render(row.body)
            if html != row.body_html:
                row.body_html = html
                stale.append(row)
            elif versioned and row.html_version != RENDERING_VERSION:
                behind.append(row)  # the same HTML: only its version is recorded
            if versioned:
                row.html_version = RENDERING_VERSION
        manager.bulk_update(stale + behind, columns)
        changed += len(stale)
        last_pk = rows[-1].pk
