from django.conf import settings


def site(request):
    """What every page needs to know about the site; nothing per user, so pages stay cacheable.

    ``noindex`` asks search engines to skip the page: views and templates set it for
    drafts, previews, search results and account pages.
    """
    path = request.path
    private = path.startswith(("/accounts/", "/admin/"))
    return {"site_name": settings.NEWSROOM_SITE_NAME, "noindex": private}
