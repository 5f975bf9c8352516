from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
