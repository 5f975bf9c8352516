"""Comment moderation in the admin: the queue, bans and the log (the rules and settings
are ``articles.admin.rules``).

Every action goes through ``articles.services``, so it is logged and the commenter is told.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import User
from articles.admin.filters import (
    CommentArticleFilter,
    CommentAuthorFilter,
    ModeratorFilter,
    search_words,
)
from articles.forms import ReaderNoteForm, RemovalForm, ReportDismissForm
from articles.models import (
    Appeal,
    Article,
    Comment,
    CommenterBan,
    CommenterSuspension,
    CommenterWarning,
    CommentReport,
    ModerationLogEntry,
    ReaderNote,
)
from articles.models.counting import count_of
from articles.permissions import CommentPermissions
from articles.services import (
    appeal_decide,
    comment_moderate,
    comment_reports_dismiss,
    commenter_ban,
    commenter_suspend,
    commenter_unban,
    commenter_warn,
    reader_note_add,
)
from articles.services.moderation import appeal_decide_refusal
from newsroom.admin_site import CheckedChangeList, CheckedChangeListMixin

# The reported comments' order, most open reports first: a subquery per comment, so only
# for the few the "reports" filter keeps (over a million comments, sorting the whole queue
# by it took seconds; the column counts the page's rows instead, see CommentChangeList).
OPEN_REPORT_COUNT = count_of(
    CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True), by="comment"
)


READER_HISTORY_PAGE = 50
READER_HISTORY_LIST = 20

# What an action says it did, pluralized: "1 comment approved", "2 comments approved".
MODERATION_DONE = {
    ModerationLogEntry.Action.APPROVE: lambda n: ngettext(
        "%(count)d comment approved.", "%(count)d comments approved.", n
    ),
    ModerationLogEntry.Action.REMOVE: lambda n: ngettext(
        "%(count)d comment removed.", "%(count)d comments removed.", n
    ),
    ModerationLogEntry.Action.SPAM: lambda n: ngettext(
        "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
    ),
}


class ReportedFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    # Either keeps only reported comments, listed most open reports first.
    KEEPS = ("open", "any")

    def lookups(self, request, model_admin):
        return (("open", _("Open reports")), ("any", _("Ever reported")))

    def queryset(self, request, queryset):
        # Subqueries, not joins: a join on reports would repeat a comment once per report.
        reports = CommentReport.objects.filter(comment=OuterRef("pk"))
        if self.value() == "open":
            return queryset.filter(Exists(reports.filter(resolved_at__isnull=True)))
        if self.value() == "any":
            return queryset.filter(Exists(reports))
        return queryset


class CommentChangeList(CheckedChangeList):
    """The queue, with each comment's open reports counted for the page's rows only: one
    ``GROUP BY`` over the reports of at most ``list_per_page`` comments, where annotating
    the changelist's queryset grouped all the comments (and their reports) to count them."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        # The open reports of the page's rows, their reasons and notes shown in the row.
        reports = defaultdict(list)
        for comment_id, reason, note in (
            CommentReport.objects.filter(comment__in=rows, resolved_at__isnull=True)
            .order_by("created_at", "pk")
            .values_list("comment", "reason", "note")
        ):
            reports[comment_id].append((CommentReport.Reason(reason).label, note))
        for comment in rows:
            comment.open_reports_list = reports.get(comment.pk, [])
            comment.open_report_count = len(comment.open_reports_list)
            # The sidebar lists no articles or authors: a row's own lead to the queue
            # narrowed to them, its other filters kept.
            comment.article_filter_url = self._narrowed(CommentArticleFilter, comment.article_id)
            if comment.author_id:
                comment.author_filter_url = self._narrowed(CommentAuthorFilter, comment.author_id)
        self.result_list = rows

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        reported = self.params.get(ReportedFilter.parameter_name)
        if reported in ReportedFilter.KEEPS and ORDER_VAR not in self.params:
            return [OPEN_REPORT_COUNT.desc(), *ordering]
        return ordering

    def _narrowed(self, list_filter, value):
        return self.get_query_string({list_filter.parameter_name: value}, remove=[PAGE_VAR])


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ("reporter", "reason", "note", "created_at", "resolved_at", "is_dismissed")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class BanForm(forms.Form):
    reason = forms.CharField(required=False, max_length=300)


@admin.register(Comment)
class CommentAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = (
        "excerpt",
        "author_link",
        "article_link",
        "status",
        "open_reports",
        "held_reason",
        "created_at",
        "report_reasons",
        "history_link",
    )
    # No date_hierarchy: its year and month links are a DISTINCT over every comment's
    # date; the date filter's ranges are an index scan.
    list_filter = (
        "status",
        ReportedFilter,
        CommentArticleFilter,
        CommentAuthorFilter,
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("author", "article")
    list_deferred = (
        "body_html",
        "article__body",
        "article__body_html",
        "article__standfirst",
        "author__password",
    )
    list_per_page = 100
    # What get_search_results looks in (it does not join them).
    search_fields = ("body", "author__username", "author__email", "article__headline")
    search_help_text = _("Words of the comment, its author's name or address, or the headline.")
    actions = (
        "approve",
        "remove",
        "mark_spam",
        "dismiss_reports",
        "ban_authors",
        "ban_authors_and_hide",
    )
    inlines = (CommentReportInline,)
    # The article and author are links a moderator may follow (the story's page, the
    # reader's history), not Django's links to change pages only editors and superusers
    # may open.
    fields = (
        "article_page",
        "author_history",
        "parent",
        "replied_to",
        "body",
        "status",
        "held_reason",
        "removal_reason",
        "removal_explanation",
        "removed_at",
        "is_deleted_by_author",
        "created_at",
        "edited_at",
    )
    readonly_fields = fields
    change_form_template = "admin/articles/comment/change_form.html"

    def get_changelist(self, request, **kwargs):
        return CommentChangeList

    def get_search_results(self, request, queryset, search_term):
        """Comments with every word of ``search_term`` in their text, their author's
        username or email, or their article's headline, as Django's admin search finds
        them, in one subquery of ids per word: the text by its trigram index (migration
        0016), the authors and articles first found in their own, smaller tables."""
        for word in search_words(search_term):
            in_text = Comment.objects.filter(body__icontains=word).order_by().values("pk")
            authors = User.objects.filter(Q(username__icontains=word) | Q(email__icontains=word))
            by_author = Comment.objects.filter(author__in=authors.values("pk"))
            articles = Article.objects.filter(headline__icontains=word).values("pk")
            on_article = Comment.objects.filter(article__in=articles)
            queryset = queryset.filter(
                pk__in=in_text.union(
                    by_author.order_by().values("pk"), on_article.order_by().values("pk")
                )
            )
        return queryset, False

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request):
        return CommentPermissions(request.user).can_moderate()

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="articles_comment_moderate",
            ),
            path(
                "reader/<int:user_id>/",
                self.admin_site.admin_view(self.reader_history_view),
                name="articles_comment_reader",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_moderate": self.has_moderate_permission(request),
            "removal_form": RemovalForm(),
            "moderate_url": reverse("admin:articles_comment_moderate", args=[object_id])
            if str(object_id).isdigit()
            else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def moderate_view(self, request, pk):
        """The buttons of a comment's own page: approve, remove with a reason, spam,
        dismiss its reports (POST, moderators only)."""
        if request.method != "POST":
            return require_POST(lambda request: None)(request)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("author", "article"), pk=pk)
        back = reverse("admin:articles_comment_change", args=[comment.pk])
        action = request.POST.get("moderation", "")
        if action == "dismiss":
            form = ReportDismissForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            count = comment_reports_dismiss(comment=comment, by=request.user, note=note)
            self.message_user(
                request,
                ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", count)
                % {"count": count},
                messages.SUCCESS,
            )
            return redirect(back)
        if action not in MODERATION_DONE:
            self.message_user(request, gettext("Choose what to do."), messages.ERROR)
            return redirect(back)
        fields = {}
        if action == ModerationLogEntry.Action.REMOVE:
            form = RemovalForm(request.POST)
            if not form.is_valid():
                return self._removal_page(
                    request, Comment.objects.filter(pk=comment.pk), form, post_url=request.path
                )
            fields = form.cleaned_data
        self._moderate(request, [comment], action, **fields)
        return redirect(back)

    def reader_history_view(self, request, user_id):
        """A reader's record, one click from any of their comments: comments with their
        statuses, holds and removals, reports made and received, bans, suspensions,
        warnings, notes. Each list bounded; comments paginated by the author index."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        reader = User.objects.filter(pk=user_id).first()
        if reader is None:
            raise Http404
        note_form = ReaderNoteForm(request.POST or None)
        if request.method == "POST" and note_form.is_valid():
            reader_note_add(user=reader, by=request.user, text=note_form.cleaned_data["text"])
            self.message_user(request, gettext("Note added."), messages.SUCCESS)
            return redirect(request.path)
        statuses = dict(
            Comment.objects.filter(author=reader)
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        comments = (
            Comment.objects.filter(author=reader)
            .select_related("article")
            .only(
                "pk",
                "body",
                "status",
                "held_reason",
                "removal_reason",
                "removal_explanation",
                "is_deleted_by_author",
                "created_at",
                "article__headline",
                "article__slug",
            )
            .order_by("-created_at", "-pk")
        )
        paginator = Paginator(comments, READER_HISTORY_PAGE)
        # The statuses counted already: no second COUNT over the reader's comments.
        paginator.__dict__["count"] = sum(statuses.values())
        page = paginator.get_page(request.GET.get("p"))
        limit = READER_HISTORY_LIST
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History of %(name)s") % {"name": reader.get_username()},
            "opts": self.model._meta,
            "reader": reader,
            "statuses": [
                (label, statuses.get(value, 0)) for value, label in Comment.Status.choices
            ],
            "page": page,
            "reports_received": CommentReport.objects.filter(comment__author=reader)
            .select_related("reporter", "comment")
            .defer("comment__body_html")
            .order_by("-created_at")[:limit],
            "reports_made": CommentReport.objects.filter(reporter=reader)
            .select_related("comment")
            .defer("comment__body_html")
            .order_by("-created_at")[:limit],
            "ban": CommenterBan.objects.filter(user=reader).select_related("banned_by").first(),
            "suspensions": CommenterSuspension.objects.filter(user=reader).select_related(
                "suspended_by"
            )[:limit],
            "warnings": CommenterWarning.objects.filter(user=reader).select_related("warned_by")[
                :limit
            ],
            "notes": ReaderNote.objects.filter(user=reader).select_related("by")[:limit],
            "log": ModerationLogEntry.objects.filter(target_user=reader)
            .select_related("moderator")
            .order_by("-created_at", "-pk")[:limit],
            "note_form": note_form,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/articles/comment/reader_history.html", context)

    def has_delete_permission(self, request, obj=None):
        # Moderators remove comments (kept, logged, recoverable); rows are never deleted.
        return False

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("author"), ordering="author__username")
    def author_link(self, obj):
        url = getattr(obj, "author_filter_url", None)
        return format_html('<a href="{}">{}</a>', url, obj.author_name) if url else obj.author_name

    @admin.display(description=_("article"), ordering="article__headline")
    def article_link(self, obj):
        url = getattr(obj, "article_filter_url", None)
        return format_html('<a href="{}">{}</a>', url, obj.article) if url else str(obj.article)

    @admin.display(description=_("open reports"))
    def open_reports(self, obj):
        return obj.open_report_count

    @admin.display(description=_("reported as"))
    def report_reasons(self, obj):
        reports = getattr(obj, "open_reports_list", [])
        return (
            format_html_join(
                "",
                "<p>{}{}</p>",
                ((reason, f": “{note}”" if note else "") for reason, note in reports),
            )
            or "-"
        )

    @admin.display(description=_("reader's history"))
    def history_link(self, obj):
        if not obj.author_id:
            return "-"
        url = reverse("admin:articles_comment_reader", args=[obj.author_id])
        return format_html('<a href="{}">{}</a>', url, gettext("History"))

    @admin.display(description=_("article"))
    def article_page(self, obj):
        article = obj.article
        if article.status == Article.Status.PUBLISHED:
            return format_html('<a href="{}">{}</a>', article.get_absolute_url(), article)
        return str(article)

    @admin.display(description=_("author"))
    def author_history(self, obj):
        if not obj.author_id:
            return obj.author_name
        url = reverse("admin:articles_comment_reader", args=[obj.author_id])
        return format_html(
            '<a href="{}">{}</a> ({})', url, obj.author_name, gettext("reader's history")
        )

    def _moderate(self, request, comments, action, *, reason="", explanation=""):
        if hasattr(comments, "select_related"):
            comments = comments.select_related("author", "article")
        try:
            count = comment_moderate(
                comments=comments,
                by=request.user,
                action=action,
                reason=reason,
                explanation=explanation,
                request=request,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, MODERATION_DONE[action](count) % {"count": count}, messages.SUCCESS
        )

    def _removal_page(self, request, queryset, form, *, post_url=""):
        """Like Django's delete confirmation: the comments listed, a reason asked."""
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Why are these comments removed?"),
            "opts": self.model._meta,
            "comments": queryset.select_related("author", "article").defer(
                "body_html", "article__body", "article__body_html"
            )[:READER_HISTORY_PAGE],
            "count": queryset.count(),
            "form": form,
            "post_url": post_url,
            "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/articles/comment/remove_confirmation.html", context)

    @admin.action(description=_("Approve selected comments"), permissions=("moderate",))
    def approve(self, request, queryset):
        self._moderate(request, queryset, ModerationLogEntry.Action.APPROVE)

    @admin.action(description=_("Remove selected comments…"), permissions=("moderate",))
    def remove(self, request, queryset):
        form = RemovalForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._moderate(request, queryset, ModerationLogEntry.Action.REMOVE, **form.cleaned_data)
            return None
        return self._removal_page(request, queryset, form)

    @admin.action(description=_("Mark selected comments as spam"), permissions=("moderate",))
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, ModerationLogEntry.Action.SPAM)

    @admin.action(
        description=_("Dismiss the open reports (keep the comments)"), permissions=("moderate",)
    )
    def dismiss_reports(self, request, queryset):
        count = sum(
            comment_reports_dismiss(comment=comment, by=request.user)
            for comment in queryset.filter(
                Exists(CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at=None))
            )
            .select_related(None)
            .select_related("author")
            .defer("body_html")
        )
        self.message_user(
            request,
            ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def _ban(self, request, queryset, *, hide):
        authors = {c.author for c in queryset.select_related("author") if c.author_id}
        banned = 0
        for author in authors:
            try:
                commenter_ban(user=author, by=request.user, hide_comments=hide)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                banned += 1
        self.message_user(
            request,
            ngettext("%(count)d commenter banned.", "%(count)d commenters banned.", banned)
            % {"count": banned},
            messages.SUCCESS,
        )

    @admin.action(description=_("Ban the authors of selected comments"), permissions=("moderate",))
    def ban_authors(self, request, queryset):
        self._ban(request, queryset, hide=False)

    @admin.action(
        description=_("Ban the authors and hide all their comments"), permissions=("moderate",)
    )
    def ban_authors_and_hide(self, request, queryset):
        self._ban(request, queryset, hide=True)


@admin.register(CommentReport)
class CommentReportAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = (
        "comment",
        "reason",
        "note",
        "reporter",
        "created_at",
        "resolved_at",
        "is_dismissed",
    )
    list_filter = ("reason", ("resolved_at", admin.EmptyFieldListFilter), "is_dismissed")
    list_select_related = ("comment__article", "comment__author", "reporter")
    list_deferred = ("comment__body_html", "comment__article__body", "comment__article__body_html")
    search_fields = ("comment__body", "reporter__username", "note")
    readonly_fields = (
        "comment", "reporter", "reason", "note", "created_at", "resolved_at", "is_dismissed",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(CommenterBan)
class CommenterBanAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("commenter", "reason", "is_hiding_comments", "banned_by", "created_at")
    list_select_related = ("user", "banned_by")
    search_fields = ("user__username", "user__email", "reason")
    autocomplete_fields = ("user",)
    fields = ("user", "reason", "is_hiding_comments")

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj else ()

    @admin.display(description=_("commenter"), ordering="user__username")
    def commenter(self, obj):
        return str(obj)

    def save_model(self, request, obj, form, change):
        if obj.user_id is None:
            # The account is gone (the ban holds its addresses): only the reason can change.
            super().save_model(request, obj, form, change)
            return
        ban = commenter_ban(
            user=obj.user,
            by=request.user,
            reason=obj.reason,
            hide_comments=obj.is_hiding_comments,
        )
        obj.pk = ban.pk

    def delete_model(self, request, obj):
        commenter_unban(ban=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for ban in queryset.select_related("user"):
            commenter_unban(ban=ban, by=request.user)


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = (
        "created_at", "moderator", "action", "comment", "target_user", "reason", "explanation",
        "details",
    )  # fmt: skip
    list_filter = (
        "action", "reason", ModeratorFilter, ("created_at", admin.DateFieldListFilter),
    )  # fmt: skip
    list_select_related = ("moderator", "comment__article", "comment__author", "target_user")
    list_deferred = ("comment__body_html", "comment__article__body", "comment__article__body_html")
    search_fields = ("moderator__username", "target_user__username", "details")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReaderField(forms.ModelChoiceField):
    """A reader named by their username (moderators cannot browse the accounts)."""

    widget = forms.TextInput

    def __init__(self, queryset=None, **kwargs):
        kwargs.pop("to_field_name", None)
        kwargs.pop("widget", None)
        kwargs["error_messages"] = {"invalid_choice": _("No reader has that username.")}
        super().__init__(queryset=User.objects.all(), to_field_name="username", **kwargs)


class CommenterActionAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    """Suspensions and warnings: added through their service, then read-only records."""

    list_select_related = ("user",)
    search_fields = ("user__username",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["field_classes"] = {"user": ReaderField}
        return super().get_form(request, obj, change, **kwargs)

    def get_changeform_initial_data(self, request):
        # The reader's history page links here with ?user=<username>.
        return {"user": request.GET.get("user", "")}

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else ()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record stays: a suspension ends by itself, a warning once acknowledged. Only
        # a superuser deletes (erasing an account deletes its records with it).
        return request.user.is_superuser

    @admin.display(description=_("commenter"), ordering="user__username")
    def commenter(self, obj):
        url = reverse("admin:articles_comment_reader", args=[obj.user_id])
        return format_html('<a href="{}">{}</a>', url, obj.user)


@admin.register(CommenterSuspension)
class CommenterSuspensionAdmin(CommenterActionAdmin):
    list_display = ("commenter", "until", "reason", "suspended_by", "created_at")
    list_select_related = ("user", "suspended_by")
    fields = ("user", "until", "reason")

    def save_model(self, request, obj, form, change):
        try:
            suspension = commenter_suspend(
                user=obj.user, by=request.user, until=obj.until, reason=obj.reason, request=request
            )
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from error
        obj.pk = suspension.pk

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:

            class SuspensionForm(form):
                def clean_until(self):
                    until = self.cleaned_data["until"]
                    if until <= timezone.now():
                        raise ValidationError(gettext("A suspension ends in the future."))
                    return until

                def clean_user(self):
                    user = self.cleaned_data["user"]
                    if user.pk == request.user.pk:
                        raise ValidationError(gettext("You cannot suspend yourself."))
                    return user

            return SuspensionForm
        return form


@admin.register(CommenterWarning)
class CommenterWarningAdmin(CommenterActionAdmin):
    list_display = ("commenter", "message", "warned_by", "created_at", "acknowledged_at")
    list_select_related = ("user", "warned_by")
    list_filter = (("acknowledged_at", admin.EmptyFieldListFilter),)
    fields = ("user", "message")

    def get_readonly_fields(self, request, obj=None):
        return ("user", "message", "acknowledged_at") if obj else ()

    def get_fields(self, request, obj=None):
        return ("user", "message", "acknowledged_at") if obj else self.fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:

            class WarningForm(form):
                def clean_user(self):
                    user = self.cleaned_data["user"]
                    if user.pk == request.user.pk:
                        raise ValidationError(gettext("You cannot warn yourself."))
                    return user

            return WarningForm
        return form

    def save_model(self, request, obj, form, change):
        warning = commenter_warn(user=obj.user, by=request.user, message=obj.message)
        obj.pk = warning.pk


class AppealOutcomeFilter(admin.SimpleListFilter):
    title = _("appeals")
    parameter_name = "decided"

    def lookups(self, request, model_admin):
        return (("no", _("Open")), ("yes", _("Decided")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(outcome=Appeal.Outcome.OPEN)
        if self.value() == "yes":
            return queryset.exclude(outcome=Appeal.Outcome.OPEN)
        return queryset


@admin.register(Appeal)
class AppealAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    """The appeals queue: a moderator reads the comment, the reason it was removed and the
    appeal, and upholds or reinstates (``appeal_decide``)."""

    list_display = ("excerpt", "author", "reason", "created_at", "outcome", "decided_by")
    list_filter = (AppealOutcomeFilter, "outcome")
    list_select_related = ("comment", "author", "decided_by")
    list_deferred = ("comment__body_html",)
    search_fields = ("author__username", "text")
    readonly_fields = (
        "comment_link",
        "author",
        "comment_text",
        "reason",
        "explanation",
        "removal_at",
        "text",
        "created_at",
        "decided_by",
        "decided_at",
    )

    def get_fields(self, request, obj=None):
        return (*self.readonly_fields, "outcome", "decision_note")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return (*self.readonly_fields, "outcome", "decision_note")
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or not obj.is_open:
            return form

        class DecisionForm(form):
            def clean(self):
                cleaned = super().clean()
                if cleaned.get("outcome") == Appeal.Outcome.OPEN:
                    self.add_error("outcome", gettext("Uphold the removal or reinstate."))
                if refusal := appeal_decide_refusal(appeal=obj, by=request.user):
                    raise ValidationError(refusal)
                return cleaned

        return DecisionForm

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # As for suspensions: kept, except when a superuser erases an account.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        appeal_decide(
            appeal=obj,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data.get("decision_note", ""),
            request=request,
        )

    def save_related(self, request, form, formsets, change):
        pass

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.comment.body).chars(80)

    @admin.display(description=_("comment"))
    def comment_link(self, obj):
        url = reverse("admin:articles_comment_change", args=[obj.comment_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(obj.comment.body).chars(80))

    @admin.display(description=_("the comment's text"))
    def comment_text(self, obj):
        return obj.comment.body

    @admin.display(description=_("removal reason"))
    def reason(self, obj):
        return obj.comment.get_removal_reason_display()

    @admin.display(description=_("removal explanation"))
    def explanation(self, obj):
        return obj.comment.removal_explanation
