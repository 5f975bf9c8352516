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
            render_missing_html, sender=self, dispatch_uid="articles.render_missing_html"
        )


def render_missing_html(sender, *, using, apps=global_apps, verbosity=1, **kwargs):
    """After ``migrate``, render the stored HTML of rows that have none.

    Migration 0012 added ``Article.body_html`` and ``Comment.body_html`` empty; so does
    anything that writes rows without ``save()`` (``bulk_create``, SQL). This renders those
    rows, and only those: whose rendered column is empty while their source is not. A
    ``migrate`` with nothing to render costs one query per model. It renders with the
    functions ``save()`` uses (``articles.models.rendering``), through the migrated state's
    models, so it does nothing on a database migrated back before the columns existed.
    Stale rows (rendered, but by an older sanitizer) are the ``render_html`` command's job.
    ``flush`` sends the signal too, without ``apps``: the models then are the current ones.
    """
    from articles.models.rendering import article_body_html, comment_body_html
    from articles.services.rendering import rerender_rows

    for model_name, render in (("Article", article_body_html), ("Comment", comment_body_html)):
        try:
            model = apps.get_model("articles", model_name)
            model._meta.get_field("body_html")
        except (LookupError, FieldDoesNotExist):
            continue
        missing = model._base_manager.using(using).filter(body_html="").exclude(body="")
        rendered = rerender_rows(missing, render=render)
        if rendered and verbosity:
            print(f"Rendered the HTML of {rendered} {model._meta.verbose_name_plural}.")
