"""Live blogs in the admin: the "Live updates" page of a story (post an update, and the
list of those posted), an update's edit page and its delete confirmation.

Who may is ``ArticlePermissions.can_post_update`` / ``can_change_update``; the writes are
``articles.services.live``'s. Bad input re-renders the form with the text kept.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from articles.forms import LiveUpdateForm
from articles.models import Article, LiveUpdate
from articles.permissions import ArticlePermissions
from articles.services import live_update_create, live_update_delete, live_update_edit

# How many of the story's updates the "Live updates" page lists (the newest).
ADMIN_LIST_SIZE = 50


def _article(request, pk) -> tuple[Article, ArticlePermissions]:
    """The live blog, if ``request.user`` may post to it: 404 to those who may not see it,
    403 to those who see it but may not post (or to any story that is no live blog)."""
    article = get_object_or_404(Article, pk=pk)
    permissions = ArticlePermissions(request.user, article)
    if not permissions.can_post_update():
        if not permissions.can_view():
            raise Http404("No such article.")
        raise PermissionDenied(_("You may not post updates to this story."))
    return article, permissions


def _update(request, pk, update_pk) -> tuple[LiveUpdate, ArticlePermissions]:
    article, permissions = _article(request, pk)
    update = get_object_or_404(LiveUpdate, pk=update_pk, article=article)
    update.article = article
    if not permissions.can_change_update(update):
        raise PermissionDenied(_("You may not change this update."))
    return update, permissions


def _updates_url(article) -> str:
    return reverse("admin:articles_article_live_updates", args=[article.pk])


class LiveViews:
    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _render(self, request, template, article, **context):
        site = self.model_admin.admin_site
        return TemplateResponse(
            request,
            f"admin/articles/article/{template}",
            {
                **site.each_context(request),
                "opts": Article._meta,
                "original": article,
                "change_url": reverse("admin:articles_article_change", args=[article.pk]),
                "updates_url": _updates_url(article),
                **context,
            },
        )

    def updates(self, request, pk):
        article, permissions = _article(request, pk)
        form = LiveUpdateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                update = live_update_create(article=article, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Update posted."))
                return HttpResponseRedirect(f"{_updates_url(article)}#update-{update.pk}")
        updates = list(
            article.live_updates.newest_first().select_related("author")[:ADMIN_LIST_SIZE]
        )
        entries = [(update, permissions.can_change_update(update)) for update in updates]
        return self._render(
            request,
            "live_updates.html",
            article,
            title=_("Live updates: %(headline)s") % {"headline": article.headline},
            form=form,
            media=self.model_admin.media + form.media,
            entries=entries,
        )

    def edit(self, request, pk, update_pk):
        update, _permissions = _update(request, pk, update_pk)
        form = LiveUpdateForm(request.POST or None, instance=update)
        if request.method == "POST" and form.is_valid():
            try:
                live_update_edit(update=update, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Update saved."))
                return HttpResponseRedirect(f"{_updates_url(update.article)}#update-{update.pk}")
        return self._render(
            request,
            "live_update_form.html",
            update.article,
            title=_("Edit the update"),
            form=form,
            media=self.model_admin.media + form.media,
            update=update,
        )

    def delete(self, request, pk, update_pk):
        update, _permissions = _update(request, pk, update_pk)
        if request.method == "POST":
            live_update_delete(update=update, by=request.user)
            messages.success(request, _("Update deleted."))
            return HttpResponseRedirect(_updates_url(update.article))
        return self._render(
            request,
            "live_update_delete.html",
            update.article,
            title=_("Delete the update?"),
            update=update,
        )


def live_urls(model_admin) -> list:
    """The article admin's live-blog addresses."""
    views = LiveViews(model_admin)
    site = model_admin.admin_site
    return [
        path(
            "<int:pk>/updates/",
            site.admin_view(views.updates),
            name="articles_article_live_updates",
        ),
        path(
            "<int:pk>/updates/<int:update_pk>/",
            site.admin_view(views.edit),
            name="articles_article_live_update_edit",
        ),
        path(
            "<int:pk>/updates/<int:update_pk>/delete/",
            site.admin_view(views.delete),
            name="articles_article_live_update_delete",
        ),
    ]
