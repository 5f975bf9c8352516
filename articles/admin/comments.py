"""Comment moderation in the admin: the queue, word rules, bans, settings and the log.

Every action goes through ``articles.services``, so it is logged and the commenter is told.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import (
    Comment,
    CommenterBan,
    CommentReport,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.permissions import CommentPermissions
from articles.services import comment_moderate, commenter_ban, commenter_unban
from newsroom.admin_site import CheckedChangeListMixin


class ReportedFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return (("open", _("Open reports")), ("any", _("Ever reported")))

    def queryset(self, request, queryset):
        # Subqueries, not joins: a join on reports would multiply the rows counted by the
        # changelist's "open reports" column.
        reports = CommentReport.objects.filter(comment=OuterRef("pk"))
        if self.value() == "open":
            return queryset.filter(Exists(reports.filter(resolved_at__isnull=True)))
        if self.value() == "any":
            return queryset.filter(Exists(reports))
        return queryset


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
        "article",
        "status",
        "open_reports",
        "held_reason",
        "created_at",
    )
    list_filter = (
        "status",
        ReportedFilter,
        ("article", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("author", "article")
    search_fields = ("body", "author__username", "author__email", "article__headline")
    date_hierarchy = "created_at"
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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True))
            )
        )

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
        return obj.author_name

    @admin.display(description=_("open reports"), ordering="open_report_count")
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
    fields = ("mode", "is_first_comment_held", "max_links")

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


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ("created_at", "moderator", "action", "comment", "target_user", "details")
    list_filter = ("action", ("moderator", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("moderator", "comment__article", "comment__author", "target_user")
    search_fields = ("moderator__username", "target_user__username", "details")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
