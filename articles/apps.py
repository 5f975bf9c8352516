from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from articles import checks  # noqa: F401 - registers the system checks

        post_migrate.connect(
            render_stale_html, sender=self, dispatch_uid="articles.render_stale_html"
        )


def render_stale_html(sender, *, using, apps=global_apps, verbosity=1, **kwargs):
    """After ``migrate``, render the stored HTML of rows that have none, or whose HTML an
    older version of the renderers made (``html_version`` below ``RENDERING_VERSION``).

    Rows get no HTML from anything that writes without ``save()`` (``bulk_create``, SQL);
    they get stale HTML when a sanitizer rule changes, which raises ``RENDERING_VERSION``:
    a deploy's ``migrate`` then brings every stored body and comment up to the rules the
    code has, without anyone remembering ``render_html``. A ``migrate`` with nothing to
    render costs one query per model. It renders with the functions ``save()`` uses
    (``articles.models.rendering``), through the migrated state's models, so it does
    nothing on a database migrated back before the columns existed. ``render_html`` renders
    every row (after a change of media storage, say). ``flush`` sends the signal too,
    without ``apps``: the models then are the current ones.
    """
    from articles.models.rendering import RENDERING_VERSION, article_body_html, comment_body_html
    from articles.services.rendering import rerender_rows

    for model_name, render in (
        ("Article", article_body_html),
        ("Comment", comment_body_html),
        ("CommunityGuidelines", article_body_html),
        ("LiveUpdate", article_body_html),
    ):
        try:
            model = apps.get_model("articles", model_name)
            model._meta.get_field("body_html")
        except (LookupError, FieldDoesNotExist):
            continue
        try:
            model._meta.get_field("html_version")
        except FieldDoesNotExist:
            stale = model._base_manager.using(using).filter(body_html="").exclude(body="")
        else:
            # Rows without HTML, and rows rendered by older renderers (RENDERING_VERSION).
            stale = model._base_manager.using(using).filter(
                html_version__lt=RENDERING_VERSION
            ) | model._base_manager.using(using).filter(body_html="").exclude(body="")
        rendered = rerender_rows(stale, render=render)
        if rendered and verbosity:
            print(f"Rendered the HTML of {rendered} {model._meta.verbose_name_plural}.")
