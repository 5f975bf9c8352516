"""The moderators' rules in the admin: word rules, email-domain rules, commenter trust and
the moderation settings. Each rule's change form has "Test against recent comments", the
dry run (``articles.moderation.dry_run``): it shows what the typed rule would have done to
the newest comments, keeps what was typed, and saves nothing."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from articles import caching
from articles.models import (
    CommenterTrust,
    EmailDomainRule,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.moderation.dry_run import rule_dry_run
from articles.services import commenter_trust_set
from newsroom.admin_site import CheckedChangeListMixin

# The name of the change form's "Test against recent comments" button.
DRY_RUN_VAR = "_dry_run"


class DryRunAdminMixin:
    """A change form whose "Test against recent comments" button runs the dry run with the
    form's unsaved instance as ``dry_run_argument`` and shows the form again, as typed."""

    change_form_template = "admin/articles/dry_run_change_form.html"
    dry_run_argument = ""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and DRY_RUN_VAR in request.POST:
            return self._dry_run_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _dry_run_view(self, request, object_id, form_url, extra_context):
        add = object_id is None
        obj = None
        if add:
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        fieldsets = self.get_fieldsets(request, obj)
        fields = flatten_fieldsets(fieldsets)
        form_class = self.get_form(request, obj, change=not add, fields=fields)
        form = form_class(request.POST, request.FILES, instance=obj)
        # The form's instance takes what was typed; it is never saved.
        result = rule_dry_run(**{self.dry_run_argument: form.instance}) if form.is_valid() else None
        admin_form = helpers.AdminForm(
            form,
            list(fieldsets),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        title = _("Add %s") if add else _("Change %s")
        context = {
            **self.admin_site.each_context(request),
            "title": title % self.opts.verbose_name,
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "dry_run": result,
            "dry_run_var": DRY_RUN_VAR,
            **(extra_context or {}),
        }
        return self.render_change_form(
            request, context, add=add, change=not add, obj=obj, form_url=form_url
        )

    def render_change_form(self, request, context, *args, **kwargs):
        context.setdefault("dry_run_var", DRY_RUN_VAR)
        return super().render_change_form(request, context, *args, **kwargs)


def _log_settings(request, details: str) -> None:
    ModerationLogEntry.objects.create(
        moderator=request.user, action=ModerationLogEntry.Action.SETTINGS, details=details
    )


@admin.register(WordRule)
class WordRuleAdmin(DryRunAdminMixin, CheckedChangeListMixin, admin.ModelAdmin):
    """Word rules are moderation settings: each change goes in the moderation log."""

    list_display = ("phrase", "action", "is_active", "created_at")
    list_filter = ("action", "is_active")
    list_editable = ("action", "is_active")
    search_fields = ("phrase",)
    dry_run_argument = "word_rule"

    def _log(self, request, rule, what):
        _log_settings(
            request,
            _gettext("Word rule “%(phrase)s” %(what)s.") % {"phrase": rule.phrase, "what": what},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        state = _gettext("active") if obj.is_active else _gettext("inactive")
        self._log(
            request,
            obj,
            _gettext("saved: %(action)s, %(state)s")
            % {"action": obj.get_action_display(), "state": state},
        )

    def delete_model(self, request, obj):
        self._log(request, obj, _gettext("deleted"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self._log(request, rule, _gettext("deleted"))
        super().delete_queryset(request, queryset)


@admin.register(EmailDomainRule)
class EmailDomainRuleAdmin(DryRunAdminMixin, CheckedChangeListMixin, admin.ModelAdmin):
    """Rules for readers' email domains; each change goes in the moderation log."""

    list_display = ("domain", "action", "note", "created_at")
    list_filter = ("action",)
    search_fields = ("domain", "note")
    fields = ("domain", "action", "note")
    dry_run_argument = "domain_rule"

    def _log(self, request, rule, what):
        _log_settings(
            request,
            _gettext("Email domain rule “%(domain)s” %(what)s.")
            % {"domain": rule.domain, "what": what},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = obj.get_action_display()
        self._log(request, obj, _gettext("saved: %(action)s") % {"action": action})

    def delete_model(self, request, obj):
        self._log(request, obj, _gettext("deleted"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self._log(request, rule, _gettext("deleted"))
        super().delete_queryset(request, queryset)


@admin.register(CommenterTrust)
class CommenterTrustAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    """Readers a moderator trusts past the ladder, or always pre-moderates; through
    ``commenter_trust_set``, so every change is logged."""

    list_display = ("user", "level", "note", "set_by", "set_at")
    list_filter = ("level",)
    list_select_related = ("user", "set_by")
    search_fields = ("user__username", "user__email", "note")
    autocomplete_fields = ("user",)
    fields = ("user", "level", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj else ()

    def save_model(self, request, obj, form, change):
        trust = commenter_trust_set(user=obj.user, level=obj.level, by=request.user, note=obj.note)
        obj.pk = trust.pk

    def delete_model(self, request, obj):
        commenter_trust_set(user=obj.user, level="", by=request.user)

    def delete_queryset(self, request, queryset):
        for trust in queryset.select_related("user"):
            commenter_trust_set(user=trust.user, level="", by=request.user)


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(DryRunAdminMixin, CheckedChangeListMixin, admin.ModelAdmin):
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "mode",
                    "max_links",
                    "approvals_before_trusted",
                    "rejections_for_premoderation",
                    "rejections_window",
                )
            },
        ),
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
    dry_run_argument = "moderation"

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
        _log_settings(
            request,
            "; ".join(f"{name}={form.cleaned_data[name]}" for name in form.changed_data),
        )
        if self.QUIET_HOURS_FIELDS & set(form.changed_data):
            caching.moderation_settings_changed()
