"""The pipeline on the article admin: editorial notes, "return to the writer", the
assignee and due time (the panel on the change form and its three POST views), and the
article list's status badges and pipeline filters.

``PipelineAdminMixin`` goes first in ``ArticleAdmin``'s bases: it adds its addresses to
``get_urls`` and its panel's context to ``render_change_form``, and calls the same
services (``articles.services.notes``) any other surface would.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles import pipeline
from articles.forms import AssignForm, EditorialNoteForm, ReturnToWriterForm, typed_id
from articles.models import Article, EditorialNote
from articles.permissions import ArticlePermissions
from articles.services import article_assign, article_return_to_writer, note_create

Status = Article.Status


class StatusFilter(admin.SimpleListFilter):
    """The status, with "Scheduled" apart from "Published": a published story with a future
    time is not on the site yet. Keeps Django's own parameter, so older links still work."""

    title = _("status")
    parameter_name = "status__exact"
    SCHEDULED = "scheduled"

    def lookups(self, request, model_admin):
        return (
            (Status.DRAFT, Status.DRAFT.label),
            (Status.IN_REVIEW, Status.IN_REVIEW.label),
            (self.SCHEDULED, _("Scheduled")),
            (Status.PUBLISHED, _("Published (on the site)")),
            (Status.UNPUBLISHED, Status.UNPUBLISHED.label),
        )

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.SCHEDULED:
            return queryset.scheduled()
        if value == Status.PUBLISHED:
            return queryset.published()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}


class AssignedFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", _("Assigned to me (draft or in review)")),)

    def queryset(self, request, queryset):
        if self.value() == "me":
            return pipeline.assigned_to(queryset, request.user)
        return queryset

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return (("today", _("Due today (draft or in review)")),)

    def queryset(self, request, queryset):
        if self.value() == "today":
            return pipeline.due_today(queryset)
        return queryset

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}


class ReturnedFilter(admin.SimpleListFilter):
    title = _("returned to the writer")
    parameter_name = "returned"

    def lookups(self, request, model_admin):
        return (("yes", _("Drafts returned with a note")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return pipeline.returned(queryset)
        return queryset

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}


class EmbargoFilter(admin.SimpleListFilter):
    title = _("embargo")
    parameter_name = "embargo"

    def lookups(self, request, model_admin):
        return (("today", _("Embargo lifts today")), ("any", _("Under embargo now")))

    def queryset(self, request, queryset):
        if self.value() == "today":
            return pipeline.embargo_lifts_today(queryset)
        if self.value() == "any":
            return queryset.filter(embargo_until__gt=timezone.now())
        return queryset

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}


PIPELINE_FILTERS = (StatusFilter, AssignedFilter, DueFilter, ReturnedFilter, EmbargoFilter)


def status_badge(article: Article):
    """The status as the desk means it: "Scheduled" (with its time) for a published story
    whose time is still to come; and a live blog says so, and whether its coverage goes on."""
    if article.is_scheduled:
        local = timezone.localtime(article.published_at)
        badge = format_html(
            '<span class="newsroom-badge newsroom-badge--scheduled">{}</span> '
            '<time datetime="{}">{}</time>',
            _("Scheduled"),
            article.published_at.isoformat(),
            local.strftime("%Y-%m-%d %H:%M"),
        )
    else:
        badge = format_html(
            '<span class="newsroom-badge newsroom-badge--{}">{}</span>',
            article.status,
            article.get_status_display(),
        )
    if article.is_live_blog:
        ended = article.coverage_ended_at is not None
        badge = format_html(
            '{} <span class="newsroom-badge newsroom-badge--live{}">{}</span>',
            badge,
            "-ended" if ended else "",
            _("Live blog, ended") if ended else _("Live blog"),
        )
    return badge


class PipelineAdminMixin:
    """Notes, return to the writer and assignment for ``ArticleAdmin``."""

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return status_badge(obj)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(require_POST(function))

        return [
            path("<int:pk>/notes/", view(self.note_create_view), name="articles_article_note"),
            path("<int:pk>/return/", view(self.return_view), name="articles_article_return"),
            path("<int:pk>/assign/", view(self.assign_view), name="articles_article_assign"),
            *super().get_urls(),
        ]

    def pipeline_context(self, request, article, **forms) -> dict:
        """What the notes panel (``admin/articles/article/_pipeline.html``) prints."""
        permissions = ArticlePermissions(request.user, article)
        assign_initial = {"assignee": article.assignee_id, "due_at": article.due_at}
        if article.due_at:
            assign_initial["due_at"] = timezone.localtime(article.due_at)
        return {
            "permissions": permissions,
            "threads": list(EditorialNote.objects.filter(article=article).threads()),
            "note_form": forms.get("note_form") or EditorialNoteForm(),
            "return_form": forms.get("return_form") or ReturnToWriterForm(),
            "assign_form": forms.get("assign_form") or AssignForm(initial=assign_initial),
            "reply_to": forms.get("reply_to"),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and ArticlePermissions(request.user, obj).can_add_note():
            context["pipeline"] = self.pipeline_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _pipeline_page(self, request, article, title, **forms):
        """A form refused: shown again on its own page with the text kept and the errors."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": article,
            "pipeline": self.pipeline_context(request, article, **forms),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/articles/article/pipeline_form.html", context)

    def _notes_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk]) + "#notes"

    def note_create_view(self, request, pk):
        article = self._article_or_404(request, pk)
        if not ArticlePermissions(request.user, article).can_add_note():
            raise PermissionDenied
        form = EditorialNoteForm(request.POST)
        parent, parent_id = None, typed_id(request.POST.get("parent", ""))
        if parent_id is not None:
            parent = EditorialNote.objects.filter(article=article, pk=parent_id).first()
        if request.POST.get("parent") and parent is None:
            form.add_error(None, _("That note is no longer on this story."))
        if form.is_valid():
            try:
                note_create(
                    article=article,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    parent=parent,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("Note added."), messages.SUCCESS)
                return HttpResponseRedirect(self._notes_url(article))
        return self._pipeline_page(
            request, article, _("Add a note"), note_form=form, reply_to=parent
        )

    def return_view(self, request, pk):
        article = self._article_or_404(request, pk)
        if not ArticlePermissions(request.user, article).can_publish():
            raise PermissionDenied
        form = ReturnToWriterForm(request.POST)
        if form.is_valid():
            try:
                article_return_to_writer(
                    article=article,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request, _("Returned to the writer with your note."), messages.SUCCESS
                )
                return HttpResponseRedirect(self._notes_url(article))
        return self._pipeline_page(request, article, _("Return to the writer"), return_form=form)

    def assign_view(self, request, pk):
        article = self._article_or_404(request, pk)
        if not ArticlePermissions(request.user, article).can_assign():
            raise PermissionDenied
        form = AssignForm(request.POST)
        if form.is_valid():
            try:
                article_assign(
                    article=article, by=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("Assignment saved."), messages.SUCCESS)
                return HttpResponseRedirect(self._notes_url(article))
        return self._pipeline_page(request, article, _("Assign the story"), assign_form=form)
