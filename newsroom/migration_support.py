"""Helpers for data migrations, and nothing else.

Historical migrations import this module and are never rewritten, so whatever it offers must
stay backward compatible: never change what a function does or remove one; add a new function
instead. It must never import app models or other app code either: a migration works on the
historical models it is given (``apps``), which are not the models of today.
"""

from django.contrib.auth.management import create_permissions


def create_permissions_now(apps) -> None:
    """Create the content types and permissions of every model in ``apps`` (a migration's
    historical app registry) that does not have them yet.

    Django creates them after all migrations have run (``post_migrate``), too late for a data
    migration that puts permissions into groups on a new database. ``create_permissions``
    skips an app whose ``models_module`` is empty, which it always is in a migration's
    registry, so it is set for the call and put back afterwards."""
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module
