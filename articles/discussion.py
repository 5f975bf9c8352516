"""How the comments under a story are open right now: its discussion mode and quiet hours.

One read, :func:`discussion_for`, answers it for a page, a post and the page cache:

- The mode: the article's own (``Article.discussion_mode``), else the strictest default
  of its tags (``TagDiscussionDefault``: a "crime" tag that pre-moderates wins over an
  open "politics" one), else open. Comments closed by the editor's tick or by
  ``NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS`` make an open or pre-moderated thread read-only.
- Quiet hours (``ModerationSettings``: start, end, hold or close, in ``settings.TIME_ZONE``,
  spanning midnight when the end is before the start) hold every comment or close an
  open or pre-moderated thread until they end.

``ArticlePermissions.comment_refusal`` turns a closed discussion into a refusal and
``services.comments`` asks :func:`discussion_hold_reason` whether to hold a comment.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from articles.models import ModerationSettings
from articles.models.comment import QuietHoursAction
from articles.models.discussion import STRICTNESS, DiscussionMode, strictest_tag_mode

Mode = DiscussionMode


@dataclass(frozen=True)
class QuietHours:
    """Whether ``at`` is in the quiet hours, when they end if so, and the next boundary
    (start or end) after ``at``; all None when quiet hours are off."""

    is_quiet: bool = False
    action: str = QuietHoursAction.HOLD
    ends_at: datetime | None = None
    next_boundary_at: datetime | None = None
    start_label: str = ""
    end_label: str = ""


@dataclass(frozen=True)
class Discussion:
    """What a story's comments allow at one moment."""

    mode: str
    is_open_for_new: bool
    # Why a comment posted now is held ('' when the discussion holds nothing by itself).
    hold_reason: str | Promise
    # What the reader is told above the comments ('' for nothing).
    notice: str | Promise
    quiet: QuietHours

    @property
    def is_hidden(self) -> bool:
        return self.mode == Mode.HIDDEN

    @property
    def is_read_only(self) -> bool:
        return self.mode == Mode.READ_ONLY

    @property
    def is_quiet_closed(self) -> bool:
        """Closed for now by quiet hours (an open or pre-moderated thread)."""
        return self.mode in (Mode.OPEN, Mode.PREMODERATED) and not self.is_open_for_new

    @property
    def reopens_at(self) -> datetime | None:
        return self.quiet.ends_at if self.is_quiet_closed else None

    @property
    def changes_at(self) -> datetime | None:
        """The next moment this changes by itself (a quiet-hours boundary), or None."""
        if self.mode in (Mode.OPEN, Mode.PREMODERATED):
            return self.quiet.next_boundary_at
        return None


def _stricter(modes) -> str | None:
    found = [mode for mode in modes if mode]
    return max(found, key=STRICTNESS.index) if found else None


def inherited_mode(article) -> str | None:
    """The strictest discussion default of the article's tags, or None.

    Read from ``tag_discussion_mode`` when the article query annotated it
    (``with_listing_data``, ``with_page_data``), else one query.
    """
    if hasattr(article, "tag_discussion_mode"):
        return article.tag_discussion_mode or None
    if article.pk is None:
        return None
    from articles.models import Article

    return (
        Article.objects.filter(pk=article.pk)
        .annotate(mode=strictest_tag_mode())
        .values_list("mode", flat=True)
        .first()
    )


def article_mode(article) -> str:
    """The mode that applies to the article, quiet hours aside (no query for an article
    read with ``with_listing_data``)."""
    mode = article.discussion_mode or inherited_mode(article) or Mode.OPEN
    if mode in (Mode.OPEN, Mode.PREMODERATED) and not article.are_comments_open:
        return Mode.READ_ONLY
    return mode


def _label(moment) -> str:
    return moment.strftime("%H:%M")


def _next_at(clock_time, *, after: datetime, tz) -> datetime:
    """The first ``clock_time`` (local) strictly after ``after``."""
    local = after.astimezone(tz)
    for days in range(3):
        candidate = datetime.combine(local.date() + timedelta(days=days), clock_time, tzinfo=tz)
        # Compared in UTC: aware datetimes sharing a tzinfo compare by wall time.
        if candidate.astimezone(UTC) > after.astimezone(UTC):
            return candidate
    raise AssertionError("unreachable: a clock time comes round within a day")


def quiet_hours(moderation: ModerationSettings, *, at: datetime) -> QuietHours:
    """Where ``at`` stands against the site's quiet hours (see :class:`QuietHours`)."""
    start, end = moderation.quiet_hours_start, moderation.quiet_hours_end
    if not moderation.is_quiet_hours_enabled or start is None or end is None or start == end:
        return QuietHours()
    tz = timezone.get_default_timezone()
    now = at.astimezone(tz).time().replace(tzinfo=None)
    is_quiet = start <= now < end if start < end else (now >= start or now < end)
    ends_at = _next_at(end, after=at, tz=tz)
    starts_at = _next_at(start, after=at, tz=tz)
    return QuietHours(
        is_quiet=is_quiet,
        action=moderation.quiet_hours_action,
        ends_at=ends_at if is_quiet else None,
        next_boundary_at=min(ends_at, starts_at, key=lambda moment: moment.astimezone(UTC)),
        start_label=_label(start),
        end_label=_label(end),
    )


def _quiet_labels(quiet: QuietHours) -> dict:
    return {"start": quiet.start_label, "end": quiet.end_label}


def discussion_for(
    article, *, at: datetime | None = None, moderation: ModerationSettings | None = None
) -> Discussion:
    """How the article's comments are open at ``at`` (now). One query at most, for the
    moderation settings (none for a hidden or read-only thread, nor when ``moderation``
    is given)."""
    at = at or timezone.now()
    mode = article_mode(article)
    if mode == Mode.HIDDEN:
        return Discussion(
            mode, False, "", _("Comments are switched off for this article."), QuietHours()
        )
    if mode == Mode.READ_ONLY:
        return Discussion(mode, False, "", "", QuietHours())
    quiet = quiet_hours(moderation or ModerationSettings.load(), at=at)
    labels = _quiet_labels(quiet)
    if quiet.is_quiet and quiet.action == QuietHoursAction.CLOSE:
        return Discussion(mode, False, "", "", quiet)
    if quiet.is_quiet:
        return Discussion(
            mode,
            True,
            _("Comments posted during quiet hours (%(start)s to %(end)s) wait for a moderator.")
            % labels,
            _(
                "Quiet hours until %(end)s: comments posted now appear once a moderator "
                "approves them."
            )
            % labels,
            quiet,
        )
    if mode == Mode.PREMODERATED:
        return Discussion(
            mode,
            True,
            _("Every comment on this article is reviewed before it appears."),
            _("Comments on this article appear once a moderator approves them."),
            quiet,
        )
    return Discussion(mode, True, "", "", quiet)


def discussion_hold_reason(
    article, *, at: datetime | None = None, moderation: ModerationSettings | None = None
) -> str:
    """Why the discussion holds a comment posted on ``article`` at ``at`` ('' when it
    does not): pre-moderated, or quiet hours that hold."""
    return str(discussion_for(article, at=at, moderation=moderation).hold_reason)


def check_discussion(ctx):
    """The pre-check chain's entry (``NEWSROOM_COMMENT_CHECKS``): a pre-moderated
    discussion, or quiet hours that hold, hold the comment with the reason said to its
    author. Refusals (read-only, hidden, quiet hours that close) are not checks: the
    article's ``comment_refusal`` stops the post before the chain runs. The admin's dry run
    of a rule skips it: a story's mode and the hour a comment came in are not the rule
    being tried."""
    from articles.moderation.checks import Verdict

    if ctx.is_dry_run:
        return None

    reason = discussion_hold_reason(ctx.article, moderation=ctx.moderation)
    return Verdict.hold(reason, check="discussion") if reason else None
