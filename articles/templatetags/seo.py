"""Page metadata for templates: canonical URLs, descriptions, images and JSON-LD."""

from django import template
from django.conf import settings

from articles import metadata
from newsroom.absolute import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return _absolute_url(path, context.get("request"))


@register.simple_tag(takes_context=True)
def canonical_url(context, path=None):
    """The page's one address: ``path``, or the request's path keeping only ``?page=``."""
    request = context.get("request")
    if request is None and not settings.NEWSROOM_BASE_URL:
        # The bare 500 page renders without a request: no canonical link there.
        return ""
    if path is None:
        path = request.path
        page_obj = context.get("page_obj")
        if page_obj is not None and page_obj.number > 1:
            path = f"{path}?page={page_obj.number}"
    return _absolute_url(path, request)


@register.simple_tag
def site_description():
    return metadata.site_description()


@register.simple_tag
def article_description(article):
    return metadata.article_description(article)


@register.simple_tag
def article_modified_at(article):
    return metadata.article_modified_at(article)


@register.simple_tag(takes_context=True)
def article_image(context, article):
    return metadata.article_image(article, context.get("request"))


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """``<script type="application/ld+json">`` with the article's NewsArticle data."""
    return metadata.json_ld_script(metadata.article_json_ld(article, context.get("request")))
