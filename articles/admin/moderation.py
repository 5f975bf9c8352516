"""The moderation page: the queues (pending, reported, recently moderated) as tabs, read as a
list or one comment at a time, every decision a POST form calling a service, keyboard
shortcuts as progressive enhancement (``newsroom/static/js/moderation.js``), and an undo of
the last decisions.

At ``admin:articles_moderation`` (``/admin/articles/moderation/``), for moderators only
(``CommentPermissions(user).can_moderate()``; other staff get a 403). What each button does
is one row of ``ACTIONS``; the queues are ``articles.moderation_queue.QUEUES``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Comment, ModerationLogEntry
from articles.moderation_queue import (
    DEFAULT_QUEUE,
    QUEUES,
    author_history,
    open_reports,
    queue_counts,
    thread_context,
)
from articles.permissions import CommentPermissions
from articles.services import comment_moderate, comment_moderation_undo

# Why a comment is removed, as the statement of reasons will give it (the order is the
# picker's, whose 1-9 keys choose them). The reasons' own TextChoices replace this list.
REMOVAL_REASONS = (
    ("abusive", _("Abusive")),
    ("harassment", _("Harassment")),
    ("hate", _("Hate speech")),
    ("spam", _("Spam")),
    ("off_topic", _("Off topic")),
    ("misinformation", _("Misinformation")),
    ("illegal", _("Illegal content")),
    ("personal_data", _("Personal data")),
    ("other", _("Other")),
)

# How many decisions "Undo" can take back, newest first.
UNDO_DEPTH = 10
UNDO_SESSION_KEY = "moderation_undo"


def _moderate(action: str) -> Callable:
    def run(*, comments, by, reason, explanation, request):
        # ``reason`` and ``explanation`` go to comment_moderate once it records them.
        return comment_moderate(comments=comments, by=by, action=action, request=request)

    return run


@dataclass(frozen=True)
class ModerationAction:
    """One decision a moderator can take on the page: its button, its key, its service.

    ``run(comments=, by=, reason=, explanation=, request=)`` returns how many comments it
    changed; an action with no ``run`` yet is not shown (its key says so)."""

    key: str
    label: str
    shortcut: str
    done: Callable[[int], str]
    run: Callable | None = None
    needs_reason: bool = False
    # Whether "Undo" can take it back (the status-changing decisions).
    is_undoable: bool = True


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
        # Enabled when their services exist: comment_feature(comment=, by=, featured=True)
        # and commenter_suspend(user=, by=, until=, reason=).
        ModerationAction(
            key="feature",
            label=_("Feature"),
            shortcut="f",
            is_undoable=False,
            done=lambda n: ngettext(
                "%(count)d comment featured.", "%(count)d comments featured.", n
            ),
        ),
        ModerationAction(
            key="suspend",
            label=_("Suspend author"),
            shortcut="",
            is_undoable=False,
            done=lambda n: ngettext(
                "%(count)d commenter suspended.", "%(count)d commenters suspended.", n
            ),
        ),
    )
}


def enabled_actions() -> list[ModerationAction]:
    return [action for action in ACTIONS.values() if action.run is not None]


class ModerationForm(forms.Form):
    """A decision from the page: either one comment's own button (``act_on``, "action:id")
    or the bulk bar's action over the ticked comments."""

    act_on = forms.CharField(required=False, max_length=40)
    action = forms.ChoiceField(required=False, choices=())
    comments = forms.MultipleChoiceField(required=False, choices=())
    reason = forms.ChoiceField(
        label=_("Reason for removal"), required=False, choices=REMOVAL_REASONS
    )
    explanation = forms.CharField(
        label=_("Explanation for the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a.key, a.label) for a in enabled_actions()]
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
            if key not in ACTIONS or ACTIONS[key].run is None or _number(pk) is None:
                raise ValidationError(_("That is not an action of this page."))
            data["action"], data["comments"] = key, [_number(pk)]
        if not data.get("action"):
            raise ValidationError(_("Choose what to do with the selected comments."))
        if not data.get("comments"):
            raise ValidationError(_("Select at least one comment first."))
        data["moderation_action"] = ACTIONS[data["action"]]
        if data["moderation_action"].needs_reason and not data.get("reason"):
            self.add_error("reason", _("Choose a reason to remove a comment."))
        return data


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
    count = action.run(
        comments=comments,
        by=request.user,
        reason=form.cleaned_data.get("reason", ""),
        explanation=form.cleaned_data.get("explanation", ""),
        request=request,
    )
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
    else:
        messages.info(request, _("Nothing changed: the comments already had that status."))
    return count


@dataclass
class Entry:
    """A comment as the page prints it, with what a moderator weighs beside it."""

    comment: Comment
    cursor: int
    log_entry: ModerationLogEntry | None
    reports: list
    is_selected: bool = False


def moderation_view(request):
    if not CommentPermissions(request.user).can_moderate():
        raise PermissionDenied
    where = _where(request)
    queue = QUEUES[where["queue"]]
    form = None
    if request.method == "POST":
        if request.POST.get("undo"):
            undone = _undo(request)
            return HttpResponseRedirect(_after_undo_url(queue, where, undone))
        form = ModerationForm(request.POST)
        if form.is_valid():
            _act(request, form)
            return HttpResponseRedirect(_next_url(request, where))
    if where["view"] == "focus":
        page = queue.page(after=where["after"], at=where["at"], limit=1)
    else:
        page = queue.page(after=where["after"], at=where["at"])
    # A refused decision keeps the ticks it was sent with.
    selected = {_number(value) for value in request.POST.getlist("comments")}
    entries = [
        Entry(
            comment=item.comment,
            cursor=item.cursor,
            log_entry=item.entry,
            reports=getattr(item.comment, "open_reports", []),
            is_selected=item.comment.pk in selected,
        )
        for item in page.items
    ]
    focus = None
    if where["view"] == "focus" and entries:
        comment = entries[0].comment
        focus = {
            "entry": entries[0],
            "thread": thread_context(comment),
            "history": author_history(comment),
            "next_url": page_url(queue=queue.key, view="focus", after=entries[0].cursor),
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
        "actions": enabled_actions(),
        "reasons": REMOVAL_REASONS,
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
    status = 400 if form is not None else 200
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
