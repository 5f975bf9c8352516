"""HTML rendered once, when its source is saved, and stored beside it (STYLE.md 6d).

Reading a page then costs no sanitizer and no query: templates print the stored column.
``Article.save()`` and ``Comment.save()`` fill it with the renderers below; the image
services, the ``render_html`` command and the post-migrate handler re-render with the
same ones (``articles.services.rendering``).
"""

from django.db import models
from django.utils.safestring import SafeString, mark_safe

from articles.html import comment_text_html, safe_body_html
from articles.models.image import responsive_body_images

# Which renderers made a row's stored HTML (``html_version``, beside it). Raise it whenever
# what they make changes (a rule of the sanitizer in articles/html.py, an nh3 upgrade, the
# markup of renditions): the next ``migrate`` renders every row made by an older version
# again (``articles.apps.render_stale_html``), so a sanitizer fix reaches what is stored.
# 2: quotations' cite schemes, one link in another, lang/title, addresses in comments,
#    renditions as rows (issue 9 and 10).
RENDERING_VERSION = 2


def html_version_field():
    """The column recording which ``RENDERING_VERSION`` rendered the row's HTML."""
    return models.PositiveSmallIntegerField(default=0, editable=False)


class RenderedHTMLField(models.TextField):
    """A column holding only what one of the renderers below made, never user input.

    Read back as ``SafeString``, so templates print it without ``|safe``. Never assign
    anything else to it: whatever it holds reaches readers' pages unescaped.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # The column is plain text; only reading it differs. Migrations record a TextField,
        # so none of them imports this module (no historical migration imports app code).
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs

    def from_db_value(self, value, expression, connection):
        return value if value is None else mark_safe(value)  # noqa: S308 - see the docstring

    def to_python(self, value):
        value = super().to_python(value)
        return value if value is None else mark_safe(value)  # noqa: S308 - see the docstring


def article_body_html(body: str) -> SafeString:
    """What readers get of an article body: sanitized, library images made responsive."""
    return responsive_body_images(safe_body_html(body))


def comment_body_html(body: str) -> SafeString:
    """What readers get of a comment: escaped text, paragraphs and ``nofollow`` links."""
    return comment_text_html(body)
