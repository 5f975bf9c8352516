"""System checks: settings mistakes stop ``runserver``, ``migrate`` and deploys, not readers."""

from collections import Counter

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_share_networks(app_configs, **kwargs):
    """``NEWSROOM_SHARE_NETWORKS`` names only known networks, each once."""
    from articles.share import NETWORKS

    configured = list(settings.NEWSROOM_SHARE_NETWORKS)
    errors = []
    unknown = [key for key in configured if key not in NETWORKS]
    if unknown:
        errors.append(
            Error(
                f"NEWSROOM_SHARE_NETWORKS names unknown networks: {', '.join(unknown)}.",
                hint=f"Use these names, lower case, in any order: {', '.join(NETWORKS)}.",
                id="articles.E001",
            )
        )
    repeated = [key for key, count in Counter(configured).items() if count > 1]
    if repeated:
        errors.append(
            Error(
                f"NEWSROOM_SHARE_NETWORKS names {', '.join(repeated)} more than once.",
                hint="Each network appears once in the share row.",
                id="articles.E002",
            )
        )
    return errors


@register()
def check_publisher_logo(app_configs, **kwargs):
    """``NEWSROOM_PUBLISHER_LOGO``, when set, is a raster image among the static files."""
    from articles.metadata import RASTER_FORMATS, _raster_size

    path = settings.NEWSROOM_PUBLISHER_LOGO
    if not path or _raster_size(path):
        return []
    return [
        Warning(
            f"NEWSROOM_PUBLISHER_LOGO is {path!r}, which is not a "
            f"{', '.join(sorted(RASTER_FORMATS))} image among the static files: "
            "articles' JSON-LD goes without a publisher logo.",
            hint="Name a static PNG of at least 112 px, or set it empty to have no logo.",
            id="articles.W001",
        )
    ]


@register()
def check_comment_checks(app_configs, **kwargs):
    """``NEWSROOM_COMMENT_CHECKS`` is a list of dotted paths to importable callables."""
    from django.utils.module_loading import import_string

    configured = settings.NEWSROOM_COMMENT_CHECKS
    if isinstance(configured, str) or not isinstance(configured, list | tuple):
        return [
            Error(
                "NEWSROOM_COMMENT_CHECKS must be a list of dotted paths.",
                hint="For example ['articles.moderation.checks.check_word_rules'].",
                id="articles.E003",
            )
        ]
    errors = []
    for path in configured:
        try:
            check = import_string(path) if isinstance(path, str) else None
        except ImportError as error:
            check, problem = None, str(error)
        else:
            problem = "it is not a callable" if check is not None else "it is not a dotted path"
        if not callable(check):
            errors.append(
                Error(
                    f"NEWSROOM_COMMENT_CHECKS names {path!r}, which cannot be used: {problem}.",
                    hint="Each entry is the dotted path of a callable check(ctx) -> Verdict "
                    "| None (see articles/moderation/checks.py).",
                    id="articles.E004",
                )
            )
    return errors
