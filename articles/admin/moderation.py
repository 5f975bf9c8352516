"""The moderation page: the queues (pending, reported, appeals, recently moderated) as tabs,
read as a list or one comment at a time, every decision a POST form calling a service,
keyboard shortcuts as progressive enhancement (``newsroom/static/js/moderation.js``), and an
undo of the last status decisions.

At ``admin:articles_moderation`` (``/admin/articles/moderation/``), for moderators only
(``CommentPermissions(user).can_moderate()``; other staff get a 403). What each button does
is one row of ``ACTIONS`` (the comment's own buttons, the bulk bar, and the author's record:
suspend, trust); an appeal is decided by ``AppealDecisionForm`` through ``appeal_decide``.
The queues are ``articles.moderation_queue.QUEUES``.

Undo keeps, in the session, each decision's log entries with the status the comment had
before and the reports it closed (``_remember``), and ``comment_moderation_undo`` checks
them against the log. Only approve/remove/spam are undoable: featuring (a second press
unfeatures), dismissing, suspending and trust are not, and the page says so by not
offering it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import (
    Appeal,
    Comment,
    CommenterTrust,
    ModerationLogEntry,
    ModerationReason,
)
from articles.moderation_queue import (
    DEFAULT_QUEUE,
    QUEUES,
    author_history,
    open_reports,
    queue_counts,
    thread_context,
)
from articles.permissions import CommentPermissions
from articles.services import (
    appeal_decide,
    comment_feature,
    comment_moderate,
    comment_moderation_undo,
    comment_reports_dismiss,
    commenter_suspend,
    commenter_trust_set,
)
from articles.services.moderation import appeal_decide_refusal

# How many decisions "Undo" can take back, newest first.
UNDO_DEPTH = 10
UNDO_SESSION_KEY = "moderation_undo"

# How long a suspension lasts, as the page offers it ("date": until the end of a day).
SUSPENSION_PRESETS = (
    ("1", _("24 hours")),
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("date", _("Until a date")),
)


def _moderate(action: str) -> Callable:
    def run(*, comments, by, data, request):
        return comment_moderate(
            comments=comments,
            by=by,
            action=action,
            reason=data.get("reason", "") if action == ModerationLogEntry.Action.REMOVE else "",
            explanation=data.get("explanation", ""),
            request=request,
        )

    return run


def _feature(featured: bool) -> Callable:
    def run(*, comments, by, data, request):
        changed = 0
        for comment in comments:
            if comment.is_featured != featured and (
                comment.status == Comment.Status.VISIBLE or not featured
            ):
                comment_feature(comment=comment, by=by, featured=featured)
                changed += 1
        return changed

    return run


def _dismiss(*, comments, by, data, request):
    return sum(
        1
        for comment in comments
        if comment_reports_dismiss(comment=comment, by=by, note=data.get("explanation", ""))
    )


def _authors(comments) -> list:
    """The comments' authors, each once (a comment with no account has none)."""
    return list({c.author_id: c.author for c in comments if c.author_id is not None}.values())


def _suspend(*, comments, by, data, request):
    for author in _authors(comments):
        commenter_suspend(
            user=author,
            by=by,
            until=data["suspend_until_at"],
            reason=data["suspend_reason"],
            request=request,
        )
    return len(_authors(comments))


def _trust(level: str) -> Callable:
    def run(*, comments, by, data, request):
        for author in _authors(comments):
            commenter_trust_set(user=author, level=level, by=by)
        return len(_authors(comments))

    return run


def _is_visible(comment, entry) -> bool:
    return comment.status == Comment.Status.VISIBLE


@dataclass(frozen=True)
class ModerationAction:
    """One decision a moderator can take on the page: its button, its key, its service.

    ``run(comments=, by=, data=, request=)`` (``data``: the form's cleaned data) returns
    how many comments (or commenters) it changed. ``applies(comment, entry)`` says whether
    a comment's own buttons offer it; ``is_bulk``, whether the bar over the ticked ones
    does; ``of_author``: it acts on the comment's author, from the author's record."""

    key: str
    label: str
    shortcut: str
    done: Callable[[int], str]
    run: Callable
    needs_reason: bool = False
    needs_suspension: bool = False
    # Whether "Undo" can take it back (the status-changing decisions).
    is_undoable: bool = True
    is_bulk: bool = True
    of_author: bool = False
    applies: Callable = field(default=lambda comment, entry: True)


ACTIONS = {
    action.key: action
    for action in (
        ModerationAction(
            key="approve",
            label=_("Approve"),
            shortcut="a",
            run=_moderate(ModerationLogEntry.Action.APPROVE),
            done=lambda n: ngettext(
                "%(count)d comment approved.", "%(count)d comments approved.", n
            ),
        ),
        ModerationAction(
            key="remove",
            label=_("Remove"),
            shortcut="r",
            run=_moderate(ModerationLogEntry.Action.REMOVE),
            needs_reason=True,
            done=lambda n: ngettext("%(count)d comment removed.", "%(count)d comments removed.", n),
        ),
        ModerationAction(
            key="spam",
            label=_("Spam"),
            shortcut="s",
            run=_moderate(ModerationLogEntry.Action.SPAM),
            done=lambda n: ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
            ),
        ),
        ModerationAction(
            key="feature",
            label=_("Feature"),
            shortcut="f",
            run=_feature(True),
            is_undoable=False,
            is_bulk=False,
            applies=lambda comment, entry: _is_visible(comment, entry) and not comment.is_featured,
            done=lambda n: ngettext(
                "%(count)d comment featured.", "%(count)d comments featured.", n
            ),
        ),
        ModerationAction(
            key="unfeature",
            label=_("Unfeature"),
            shortcut="f",
            run=_feature(False),
            is_undoable=False,
            is_bulk=False,
            applies=lambda comment, entry: comment.is_featured,
            done=lambda n: ngettext(
                "%(count)d comment is no longer an editors' pick.",
                "%(count)d comments are no longer editors' picks.",
                n,
            ),
        ),
        ModerationAction(
            key="dismiss",
            label=_("Dismiss reports"),
            shortcut="d",
            run=_dismiss,
            is_undoable=False,
            applies=lambda comment, entry: bool(entry.reports),
            done=lambda n: ngettext(
                "Reports dismissed: %(count)d comment kept.",
                "Reports dismissed: %(count)d comments kept.",
                n,
            ),
        ),
        ModerationAction(
            key="suspend",
            label=_("Suspend author"),
            shortcut="",
            run=_suspend,
            needs_suspension=True,
            is_undoable=False,
            is_bulk=False,
            of_author=True,
            done=lambda n: ngettext(
                "%(count)d commenter suspended.", "%(count)d commenters suspended.", n
            ),
        ),
        ModerationAction(
            key="trust",
            label=_("Trust"),
            shortcut="",
            run=_trust(CommenterTrust.Level.TRUSTED),
            is_undoable=False,
            is_bulk=False,
            of_author=True,
            done=lambda n: ngettext(
                "%(count)d commenter is now trusted.", "%(count)d commenters are now trusted.", n
            ),
        ),
        ModerationAction(
            key="premoderate",
            label=_("Always pre-moderate"),
            shortcut="",
            run=_trust(CommenterTrust.Level.PREMODERATED),
            is_undoable=False,
            is_bulk=False,
            of_author=True,
            done=lambda n: ngettext(
                "%(count)d commenter is now always pre-moderated.",
                "%(count)d commenters are now always pre-moderated.",
                n,
            ),
        ),
        ModerationAction(
            key="ladder",
            label=_("Back on the trust ladder"),
            shortcut="",
            run=_trust(""),
            is_undoable=False,
            is_bulk=False,
            of_author=True,
            done=lambda n: ngettext(
                "%(count)d commenter is back on the trust ladder.",
                "%(count)d commenters are back on the trust ladder.",
                n,
            ),
        ),
    )
}


def bulk_actions(queue) -> list[ModerationAction]:
    return [
        action
        for action in ACTIONS.values()
        if action.is_bulk and (action.key != "dismiss" or queue.key == "reported")
    ]


class ModerationForm(forms.Form):
    """A decision from the page: either one comment's own button (``act_on``, "action:id")
    or the bulk bar's action over the ticked comments."""

    act_on = forms.CharField(required=False, max_length=40)
    action = forms.ChoiceField(required=False, choices=())
    comments = forms.MultipleChoiceField(required=False, choices=())
    reason = forms.ChoiceField(
        label=_("Reason for removal"), required=False, choices=ModerationReason.choices
    )
    explanation = forms.CharField(
        label=_("Explanation for the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    suspend_for = forms.ChoiceField(
        label=_("Suspend for"), required=False, choices=SUSPENSION_PRESETS
    )
    suspend_until = forms.DateField(
        label=_("Suspended until the end of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    suspend_reason = forms.CharField(
        label=_("Reason for the suspension (the commenter is told)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a.key, a.label) for a in ACTIONS.values() if a.is_bulk]
        # Any comment's id, not only those of the page it was sent from: one moderated
        # meanwhile is acted on again (or left as it is).
        self.fields["comments"].valid_value = lambda value: _number(str(value)) is not None

    def clean_comments(self):
        return [_number(value) for value in self.cleaned_data["comments"]]

    def clean(self):
        data = super().clean()
        act_on = data.get("act_on")
        if act_on:
            key, _sep, pk = act_on.partition(":")
            if key not in ACTIONS or _number(pk) is None:
                raise ValidationError(_("That is not an action of this page."))
            data["action"], data["comments"] = key, [_number(pk)]
        if not data.get("action"):
            raise ValidationError(_("Choose what to do with the selected comments."))
        if not data.get("comments"):
            raise ValidationError(_("Select at least one comment first."))
        action = data["moderation_action"] = ACTIONS[data["action"]]
        if action.needs_reason and not data.get("reason"):
            self.add_error("reason", _("Choose a reason to remove a comment."))
        elif (
            action.needs_reason
            and data.get("reason") == ModerationReason.OTHER
            and not data.get("explanation", "").strip()
        ):
            self.add_error("explanation", _("Say what the other reason is."))
        if action.needs_suspension:
            self._clean_suspension(data)
        return data

    def _clean_suspension(self, data):
        if not data.get("suspend_reason", "").strip():
            self.add_error("suspend_reason", _("Say why: the commenter is told the reason."))
        preset = data.get("suspend_for")
        if not preset:
            self.add_error("suspend_for", _("Choose how long the suspension lasts."))
        elif preset == "date":
            day = data.get("suspend_until")
            if day is None:
                if "suspend_until" not in self.errors:
                    self.add_error("suspend_until", _("Give the day the suspension ends."))
                return
            end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
            if end <= timezone.now():
                self.add_error("suspend_until", _("A suspension ends in the future."))
            data["suspend_until_at"] = end
        else:
            data["suspend_until_at"] = timezone.now() + timedelta(days=int(preset))


class AppealDecisionForm(forms.Form):
    """Uphold or reinstate, from the appeals queue: ``decide`` is "outcome:appeal id"."""

    decide = forms.CharField(max_length=40)
    note = forms.CharField(
        label=_("Note to the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_decide(self):
        outcome, _sep, pk = self.cleaned_data["decide"].partition(":")
        appeal = None
        if outcome in (Appeal.Outcome.UPHELD, Appeal.Outcome.REINSTATED) and _number(pk):
            appeal = Appeal.objects.select_related("comment").filter(pk=_number(pk)).first()
        if appeal is None:
            raise ValidationError(_("That appeal does not exist."))
        self.cleaned_data["appeal"], self.cleaned_data["outcome"] = appeal, outcome
        return self.cleaned_data["decide"]


def _number(value: str) -> int | None:
    """A row id typed in an address or a form, or None for anything else."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _where(request) -> dict:
    """The queue, view and position the page is asked for."""
    queue = request.GET.get("queue", DEFAULT_QUEUE)
    if queue not in QUEUES:
        queue = DEFAULT_QUEUE
    view = "focus" if request.GET.get("view") == "focus" else "list"

    return {
        "queue": queue,
        "view": view,
        "after": _number(request.GET.get("after", "")),
        "at": _number(request.GET.get("at", "")),
    }


def page_url(*, queue: str, view: str = "list", **position) -> str:
    params = {"queue": queue}
    if view == "focus":
        params["view"] = "focus"
    params.update({key: value for key, value in position.items() if value is not None})
    return reverse("admin:articles_moderation") + "?" + urlencode(params)


def _undo_stack(request) -> list:
    return request.session.get(UNDO_SESSION_KEY, [])


def _remember(request, *, action, comments, previous, reports, since_pk):
    """Keep what the decision just taken changed, for "Undo": each new log entry's id with
    the status its comment had before and the reports it closed."""
    entries = ModerationLogEntry.objects.filter(
        moderator=request.user, comment__in=[c.pk for c in comments], pk__gt=since_pk
    ).values_list("pk", "comment_id")
    batch = [[pk, previous[comment_id], reports.get(comment_id, [])] for pk, comment_id in entries]
    if batch:
        stack = [*_undo_stack(request), {"action": action.key, "entries": batch}][-UNDO_DEPTH:]
        request.session[UNDO_SESSION_KEY] = stack


def _undo(request) -> list[int]:
    """Take back the last decision kept in the session; the comments it brought back."""
    stack = _undo_stack(request)
    if not stack:
        messages.info(request, _("Nothing to undo."))
        return []
    batch = stack.pop()
    request.session[UNDO_SESSION_KEY] = stack
    entries = ModerationLogEntry.objects.in_bulk([pk for pk, *_rest in batch["entries"]])
    undone = []
    for pk, previous, reports in batch["entries"]:
        entry = entries.get(pk)
        # Only the moderator's own decisions, as the session recorded them.
        if entry is None or entry.moderator_id != request.user.pk:
            continue
        try:
            comment_moderation_undo(
                entry=entry,
                by=request.user,
                previous_status=previous,
                reopen_reports=reports,
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            undone.append(entry.comment_id)
    if undone:
        messages.success(
            request,
            ngettext(
                "Undone: %(count)d comment is back as it was.",
                "Undone: %(count)d comments are back as they were.",
                len(undone),
            )
            % {"count": len(undone)},
        )
    return undone


def _act(request, form) -> int:
    action = form.cleaned_data["moderation_action"]
    ids = form.cleaned_data["comments"]
    comments = list(Comment.objects.select_related("author", "article").filter(pk__in=ids))
    previous = {comment.pk: comment.status for comment in comments}
    reports = {}
    for pk, comment_id in open_reports().filter(comment__in=ids).values_list("pk", "comment_id"):
        reports.setdefault(comment_id, []).append(pk)
    since_pk = ModerationLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    count = action.run(comments=comments, by=request.user, data=form.cleaned_data, request=request)
    if action.is_undoable:
        _remember(
            request,
            action=action,
            comments=comments,
            previous=previous,
            reports=reports,
            since_pk=since_pk,
        )
    if count:
        messages.success(request, action.done(count) % {"count": count})
    elif action.of_author:
        messages.info(request, _("Nothing changed: the comment has no account to act on."))
    else:
        messages.info(request, _("Nothing changed: the comments already had that status."))
    return count


def _decide_appeal(request, form) -> bool:
    """Uphold or reinstate through ``appeal_decide``; False (with a message) if refused."""
    appeal, outcome = form.cleaned_data["appeal"], form.cleaned_data["outcome"]
    try:
        appeal_decide(
            appeal=appeal,
            by=request.user,
            outcome=outcome,
            note=form.cleaned_data["note"],
            request=request,
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        return False
    if outcome == Appeal.Outcome.REINSTATED:
        messages.success(request, _("Comment reinstated; its author is told."))
    else:
        messages.success(request, _("Removal upheld; its author is told."))
    return True


@dataclass
class Entry:
    """A comment as the page prints it, with what a moderator weighs beside it."""

    comment: Comment
    cursor: int
    log_entry: ModerationLogEntry | None
    reports: list
    appeal: Appeal | None = None
    is_selected: bool = False
    # The decisions its own buttons offer.
    actions: list = field(default_factory=list)


def _entry(item, selected) -> Entry:
    entry = Entry(
        comment=item.comment,
        cursor=item.cursor,
        log_entry=item.entry,
        reports=getattr(item.comment, "open_reports", []),
        appeal=item.appeal,
        is_selected=item.comment.pk in selected,
    )
    if item.appeal is None:
        entry.actions = [
            action
            for action in ACTIONS.values()
            if not action.of_author and action.applies(item.comment, entry)
        ]
    return entry


def moderation_view(request):
    if not CommentPermissions(request.user).can_moderate():
        raise PermissionDenied
    where = _where(request)
    queue = QUEUES[where["queue"]]
    form = appeal_form = None
    if request.method == "POST":
        if request.POST.get("undo"):
            undone = _undo(request)
            return HttpResponseRedirect(_after_undo_url(queue, where, undone))
        if "decide" in request.POST:
            appeal_form = AppealDecisionForm(request.POST)
            if appeal_form.is_valid() and _decide_appeal(request, appeal_form):
                return HttpResponseRedirect(_next_url(request, where))
        else:
            form = ModerationForm(request.POST)
            if form.is_valid():
                try:
                    _act(request, form)
                except ValidationError as error:
                    form.add_error(None, " ".join(error.messages))
                else:
                    return HttpResponseRedirect(_next_url(request, where))
    if where["view"] == "focus":
        page = queue.page(after=where["after"], at=where["at"], limit=1)
    else:
        page = queue.page(after=where["after"], at=where["at"])
    # A refused decision keeps the ticks it was sent with.
    selected = {_number(value) for value in request.POST.getlist("comments")}
    entries = [_entry(item, selected) for item in page.items]
    focus = None
    if where["view"] == "focus" and entries:
        entry = entries[0]
        comment = entry.comment
        focus = {
            "entry": entry,
            "thread": thread_context(comment),
            "history": author_history(comment),
            "next_url": page_url(queue=queue.key, view="focus", after=entry.cursor),
            "can_act_on_author": comment.author_id not in (None, request.user.pk),
            "author_actions": [a for a in ACTIONS.values() if a.of_author],
            "appeal_refusal": appeal_decide_refusal(appeal=entry.appeal, by=request.user)
            if entry.appeal
            else None,
        }
    counts = queue_counts()
    stack = _undo_stack(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Moderation"),
        "queues": [
            {
                "queue": q,
                "count": counts[q.key],
                "url": page_url(queue=q.key, view=where["view"]),
                "is_current": q.key == queue.key,
            }
            for q in QUEUES.values()
        ],
        "queue": queue,
        "view": where["view"],
        "entries": entries,
        "focus": focus,
        "form": form or ModerationForm(),
        "appeal_form": appeal_form or AppealDecisionForm(),
        "bulk_actions": bulk_actions(queue),
        "reasons": ModerationReason.choices,
        "suspension_presets": SUSPENSION_PRESETS,
        "list_url": page_url(queue=queue.key),
        "focus_url": page_url(queue=queue.key, view="focus"),
        "first_url": page_url(queue=queue.key, view=where["view"])
        if where["after"] or where["at"]
        else "",
        "next_page_url": page_url(queue=queue.key, view="list", after=page.next_cursor)
        if page.next_cursor and where["view"] == "list"
        else "",
        "undo": ACTIONS[stack[-1]["action"]] if stack else None,
        "undo_count": len(stack[-1]["entries"]) if stack else 0,
        "changelist_url": reverse("admin:articles_comment_changelist"),
    }
    status = 400 if (form or appeal_form) is not None else 200
    return TemplateResponse(request, "admin/articles/moderation/page.html", context, status=status)


def _next_url(request, where) -> str:
    """After a decision: one at a time, the comment after the one decided on; the list,
    the same page (decided comments have left it)."""
    if where["view"] == "focus":
        after = _number(request.POST.get("cursor", "")) or where["after"]
        return page_url(queue=where["queue"], view="focus", after=after)
    return page_url(queue=where["queue"], after=where["after"], at=where["at"])


def _after_undo_url(queue, where, undone: list[int]) -> str:
    """Back to the comments undone, at their place in the queue (in "recently moderated",
    its top, where the undo's own entry is)."""
    if where["view"] == "focus":
        at = min(undone) if undone and not queue.descending else None
        return page_url(queue=queue.key, view="focus", at=at if at else where["at"])
    return page_url(queue=queue.key, after=where["after"], at=where["at"])


admin.site.register_view("articles/moderation/", moderation_view, name="articles_moderation")
