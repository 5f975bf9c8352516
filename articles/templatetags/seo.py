"""Page metadata for templates: canonical URLs, descriptions, images and JSON-LD."""

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
    # An unset template variable arrives as "": the request's own path then.
    if not path:
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
def article_title(article):
    return metadata.article_title(article)


@register.simple_tag
def article_meta_description(article):
    return metadata.article_meta_description(article)


@register.simple_tag
def article_social_headline(article):
    return metadata.article_social_headline(article)


@register.simple_tag
def article_robots(article):
    return metadata.article_robots(article)


@register.simple_tag
def article_corrections(article):
    return metadata.article_corrections(article)


@register.simple_tag(takes_context=True)
def article_social_image(context, article):
    return metadata.article_social_image(article, context.get("request"))


@register.simple_tag
def article_modified_at(article):
    return metadata.article_modified_at(article)


@register.simple_tag(takes_context=True)
def article_image(context, article):
    return metadata.article_image(article, context.get("request"))


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """``<script type="application/ld+json">`` with the article's NewsArticle data, and
    the comments shown on the page."""
    data = metadata.article_json_ld(
        article,
        context.get("request"),
        comment_page=context.get("comment_page"),
        live_updates=context.get("live_updates"),
    )
    return metadata.json_ld_script(data)


# Account pages are not indexed, but a shared link still shows a description.
ACCOUNT_PAGE_DESCRIPTIONS = {
    "account_login": _("Log in to %(site)s to comment on stories."),
    "account_signup": _("Create a reader account on %(site)s to comment on stories."),
    "account_logout": _("Log out of your %(site)s account."),
    "account_reset_password": _("Reset the password of your %(site)s account."),
    "account_reset_password_done": _("We have sent you a link to reset your password."),
    "account_change_password": _("Change the password of your %(site)s account."),
    "account_email": _("The email addresses of your %(site)s account."),
    "account_email_verification_sent": _("Confirm your email address for %(site)s."),
    "account_confirm_email": _("Confirm your email address for %(site)s."),
}


@register.simple_tag(takes_context=True)
def account_page_description(context):
    """The meta description of an account page (allauth's), by the page's URL name."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    text = ACCOUNT_PAGE_DESCRIPTIONS.get(match.url_name if match else None)
    if text is None:
        text = _("Your reader account on %(site)s.")
    return text % {"site": settings.NEWSROOM_SITE_NAME}
