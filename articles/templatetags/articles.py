from django import template

from articles import share
from newsroom.absolute import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def share_links(context, article):
    """The article's share row: ``{% share_links article as links %}``."""
    url = absolute_url(article.get_absolute_url(), context.get("request"))
    return share.share_links(url=url, title=article.headline)
