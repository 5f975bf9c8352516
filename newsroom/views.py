from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import SuspiciousFileOperation
from django.db import connection
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve

# Uploads keep their name (a new upload with a taken name gets another), but an image
# deleted and uploaded again may reuse one: a day, not forever.
MEDIA_MAX_AGE = 60 * 60 * 24


def _caches_answer() -> bool:
    try:
        for alias in settings.CACHES:
            caches[alias].get("health-check")
    except Exception:  # Whatever the backend raises when its server is gone.
        return False
    return True


@never_cache
@require_GET
def health(request):
    """What load balancers and uptime monitors ask: is the database there (without it
    nothing works: 503), and the shared cache (without it pages are slower, not down)."""
    checks = {"database": "ok", "cache": "ok" if _caches_answer() else "unavailable"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        checks["database"] = "unavailable"
        return JsonResponse({"status": "error", **checks}, status=503)
    status = "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks})


@require_safe
def media(request, path):
    """An uploaded file from MEDIA_ROOT, when ``NEWSROOM_SERVE_MEDIA`` is on (one box).

    Django's ``serve`` lists no folder (404) and answers ``If-Modified-Since`` with 304.
    """
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        # A path that leaves MEDIA_ROOT ("../"): not found, like any other missing file,
        # rather than a logged traceback per crafted request.
        raise Http404 from None
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response
