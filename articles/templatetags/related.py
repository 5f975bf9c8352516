from django import template

from articles.related import related_articles as _related_articles

register = template.Library()


@register.inclusion_tag("articles/_related.html")
def related_articles(article):
    """The "Related stories" list under an article: ``{% related_articles article %}``."""
    return {"related": _related_articles(article=article)}
