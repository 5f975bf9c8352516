"""Newsroom's settings: one module per environment, every value read from the environment.

- ``base``: what every environment shares; not a settings module on its own.
- ``development``: the newcomer defaults (``DJANGO_ENV=development``, the default).
- ``production``: ``DJANGO_ENV=production``; refuses to start with an insecure default.
- ``test``: development made fast and hermetic; what pytest runs under (pyproject.toml).

``manage.py``, ``newsroom/wsgi.py`` and ``newsroom/asgi.py`` default
``DJANGO_SETTINGS_MODULE`` to :func:`settings_module`; an explicit ``DJANGO_SETTINGS_MODULE``
wins. Every variable is listed in README.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("development", "production")

# Before the split, this package was the settings module itself: say so rather than let
# Django start on empty settings and complain about a missing SECRET_KEY.
if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    raise ImproperlyConfigured(
        f"DJANGO_SETTINGS_MODULE={__name__} names the settings package: use "
        f"{__name__}.production or {__name__}.development, or leave it unset (DJANGO_ENV chooses)."
    )


def settings_module() -> str:
    """The settings module ``DJANGO_ENV`` asks for (development unless it says production)."""
    environment = os.environ.get("DJANGO_ENV", "development").strip().lower()
    if environment not in ENVIRONMENTS:
        raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
    return f"{__name__}.{environment}"
