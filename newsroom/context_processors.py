from django.conf import settings


def site(request):
    """What every page needs to know about the site; nothing per user, so pages stay cacheable."""
    return {"site_name": settings.NEWSROOM_SITE_NAME}
