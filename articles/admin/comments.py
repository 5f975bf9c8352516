"""Comment moderation in the admin: the queue, word rules, bans, settings and the log.

Every action goes through ``articles.services``, so it is logged and the commenter is told.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from articles import caching
from articles.admin.filters import (
    CommentArticleFilter,
    CommentAuthorFilter,
    ModeratorFilter,
    search_words,
)
from articles.models import (
    Article,
    Comment,
    CommenterBan,
    CommentReport,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.permissions import CommentPermissions
from articles.services import comment_moderate, commenter_ban, commenter_unban
from newsroom.admin_site import CheckedChangeList, CheckedChangeListMixin

# The reported comments' order, most open reports first: a subquery per comment, so only
# for the few the "reports" filter keeps (over a million comments, sorting the whole queue
# by it took seconds; the column counts the page's rows instead, see CommentChangeList).
OPEN_REPORT_COUNT = Coalesce(
    Subquery(
        CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("comment")
        .annotate(count=Count("pk"))
        .values("count")
    ),
    Value(0),
)


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
        counts = dict(
            CommentReport.objects.filter(comment__in=rows, resolved_at__isnull=True)
            .order_by()
            .values("comment")
            .annotate(count=Count("pk"))
            .values_list("comment", "count")
        )
        for comment in rows:
            comment.open_report_count = counts.get(comment.pk, 0)
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
    fields = ("reporter", "reason", "note", "created_at", "resolved_at")
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
    actions = ("approve", "remove", "mark_spam", "ban_authors", "ban_authors_and_hide")
    inlines = (CommentReportInline,)
    fields = (
        "article",
        "author",
        "parent",
        "replied_to",
        "body",
        "status",
        "held_reason",
        "is_deleted_by_author",
        "created_at",
        "edited_at",
    )
    readonly_fields = fields

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

    def _moderate(self, request, queryset, action, done):
        count = comment_moderate(
            comments=queryset.select_related("author", "article"),
            by=request.user,
            action=action,
            request=request,
        )
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve selected comments"), permissions=("moderate",))
    def approve(self, request, queryset):
        self._moderate(
            request, queryset, ModerationLogEntry.Action.APPROVE, _("%(count)d comments approved.")
        )

    @admin.action(description=_("Remove selected comments"), permissions=("moderate",))
    def remove(self, request, queryset):
        self._moderate(
            request, queryset, ModerationLogEntry.Action.REMOVE, _("%(count)d comments removed.")
        )

    @admin.action(description=_("Mark selected comments as spam"), permissions=("moderate",))
    def mark_spam(self, request, queryset):
        self._moderate(
            request,
            queryset,
            ModerationLogEntry.Action.SPAM,
            _("%(count)d comments marked as spam."),
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
    list_display = ("comment", "reason", "reporter", "created_at", "resolved_at")
    list_filter = ("reason", ("resolved_at", admin.EmptyFieldListFilter))
    list_select_related = ("comment__article", "comment__author", "reporter")
    list_deferred = ("comment__body_html", "comment__article__body", "comment__article__body_html")
    search_fields = ("comment__body", "reporter__username", "note")
    readonly_fields = ("comment", "reporter", "reason", "note", "created_at", "resolved_at")

    def has_add_permission(self, request):
        return False


@admin.register(WordRule)
class WordRuleAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    """Word rules are moderation settings: each change goes in the moderation log."""

    list_display = ("phrase", "action", "is_active", "created_at")
    list_filter = ("action", "is_active")
    list_editable = ("action", "is_active")
    search_fields = ("phrase",)

    def _log(self, request, rule, what):
        ModerationLogEntry.objects.create(
            moderator=request.user,
            action=ModerationLogEntry.Action.SETTINGS,
            details=_("Word rule “%(phrase)s” %(what)s.") % {"phrase": rule.phrase, "what": what},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        state = _("active") if obj.is_active else _("inactive")
        self._log(
            request,
            obj,
            _("saved: %(action)s, %(state)s")
            % {"action": obj.get_action_display(), "state": state},
        )

    def delete_model(self, request, obj):
        self._log(request, obj, _("deleted"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self._log(request, rule, _("deleted"))
        super().delete_queryset(request, queryset)


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


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("mode", "is_first_comment_held", "max_links")}),
        (
            _("Quiet hours"),
            {
                "fields": (
                    "is_quiet_hours_enabled",
                    "quiet_hours_start",
                    "quiet_hours_end",
                    "quiet_hours_action",
                ),
                "description": _(
                    "When nobody moderates, e.g. 23:00 to 06:00, in the site's time zone: "
                    "every comment is held, or comments are closed until the end."
                ),
            },
        ),
    )
    QUIET_HOURS_FIELDS = frozenset(fieldsets[1][1]["fields"])
    radio_fields = {"quiet_hours_action": admin.VERTICAL}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "quiet_hours_action":
            # The page always sends one; a post without it (a script written before quiet
            # hours) keeps the stored value instead of failing.
            field.required = False
        return field

    def has_add_permission(self, request):
        return not ModerationSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Those who may not see the settings are refused here, not sent on to the row.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # One row: go straight to it (created from the environment's values on first visit).
        settings_row = ModerationSettings.load()
        if settings_row._state.adding:
            if not self.has_add_permission(request):
                return super().changelist_view(request, extra_context)
            settings_row.save()
        return redirect("admin:articles_moderationsettings_change", settings_row.pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ModerationLogEntry.objects.create(
            moderator=request.user,
            action=ModerationLogEntry.Action.SETTINGS,
            details="; ".join(f"{name}={form.cleaned_data[name]}" for name in form.changed_data),
        )
        if self.QUIET_HOURS_FIELDS & set(form.changed_data):
            caching.moderation_settings_changed()


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("created_at", "moderator", "action", "comment", "target_user", "details")
    list_filter = ("action", ModeratorFilter, ("created_at", admin.DateFieldListFilter))
    list_select_related = ("moderator", "comment__article", "comment__author", "target_user")
    list_deferred = ("comment__body_html", "comment__article__body", "comment__article__body_html")
    search_fields = ("moderator__username", "target_user__username", "details")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
