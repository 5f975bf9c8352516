"""The pre-check chain: what happens to a comment before it is saved.

``settings.NEWSROOM_COMMENT_CHECKS`` lists dotted paths of callables ``check(ctx)``; each
gets a :class:`CheckContext` (who posts what where, the site's moderation settings, the
client's address and browser) and answers a :class:`Verdict` or ``None``. ``run_checks``
asks them in order and the strongest verdict wins: REJECT (not posted, with a message that
never repeats a banned phrase) over REVISE (the author is asked to edit, or to post anyway
for review, which holds it) over HOLD (saved, awaiting a moderator, the reason shown to its
author). Among equals the first in the list speaks.

A check is only a callable in that list: adding one is adding its path. It reads the
database through the context's helpers (``ctx.word_rules()``, ``ctx.trust_level()``, …),
which the dry run (``articles.moderation.dry_run``) fills in advance for a thousand
comments at once; a check that asks a service over the network sets ``is_remote = True``
on itself, and the dry run skips it.
"""

import enum
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from articles.html import count_links
from articles.models import (
    Comment,
    CommenterTrust,
    EmailDomainRule,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.models.trust import normalized_domain


class Action(enum.IntEnum):
    """What a check asks for, weakest first: a stronger one wins."""

    HOLD = 1
    REVISE = 2
    REJECT = 3


@dataclass(frozen=True)
class Verdict:
    action: Action
    # HOLD: why it is held (stored on the comment, shown to its author). REJECT and REVISE:
    # what the author is told above their text.
    message: str
    # REVISE: why it is held when the author posts it anyway.
    held_reason: str = ""
    check: str = ""

    @classmethod
    def hold(cls, message: str, **kwargs) -> "Verdict":
        return cls(Action.HOLD, message, **kwargs)

    @classmethod
    def revise(cls, message: str, **kwargs) -> "Verdict":
        return cls(Action.REVISE, message, **kwargs)

    @classmethod
    def reject(cls, message: str, **kwargs) -> "Verdict":
        return cls(Action.REJECT, message, **kwargs)

    @property
    def is_hold(self) -> bool:
        return self.action == Action.HOLD

    @property
    def is_revise(self) -> bool:
        return self.action == Action.REVISE

    @property
    def is_reject(self) -> bool:
        return self.action == Action.REJECT


class RevisionRequested(ValidationError):
    """A check asked the author to revise: the form offers "post anyway for review"."""


# The decisions the ladder counts: what a moderator said about a commenter's comments.
DECISIONS = (
    ModerationLogEntry.Action.APPROVE,
    ModerationLogEntry.Action.REMOVE,
    ModerationLogEntry.Action.SPAM,
)
REJECTIONS = frozenset({ModerationLogEntry.Action.REMOVE, ModerationLogEntry.Action.SPAM})


@dataclass
class CheckContext:
    """What a check knows of the comment. The helpers ask the database once and remember;
    the dry run hands them their answers in ``facts``."""

    author: object
    article: object
    body: str
    parent: Comment | None = None
    is_edit: bool = False
    moderation: ModerationSettings | None = None
    client_ip: str = ""
    user_agent: str = ""
    referrer: str = ""
    # The site's own address, for the outside services (Akismet's ``blog``).
    site_url: str = ""
    is_dry_run: bool = False
    facts: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.moderation is None:
            self.moderation = ModerationSettings.load()

    def _fact(self, name: str, compute):
        if name not in self.facts:
            self.facts[name] = compute()
        return self.facts[name]

    def word_rules(self) -> list[WordRule]:
        """The active word rules."""
        return self._fact("word_rules", lambda: list(WordRule.objects.filter(is_active=True)))

    def domain_rules(self) -> list[EmailDomainRule]:
        return self._fact("domain_rules", lambda: list(EmailDomainRule.objects.all()))

    def trust_level(self) -> str:
        """The author's ``CommenterTrust.level``, or '' when no moderator set one."""
        return self._fact(
            "trust_level",
            lambda: (
                CommenterTrust.objects.filter(user=self.author)
                .values_list("level", flat=True)
                .first()
                or ""
            ),
        )

    def approved_count(self, limit: int) -> int:
        """How many of the author's comments are approved (shown), counting up to ``limit``."""
        if "approved_count" in self.facts:
            return min(self.facts["approved_count"], limit)
        return Comment.objects.filter(author=self.author, status=Comment.Status.VISIBLE)[
            :limit
        ].count()

    def recent_decisions(self, limit: int) -> list[str]:
        """The last ``limit`` moderation decisions on the author's comments, newest first."""
        if "recent_decisions" in self.facts:
            return self.facts["recent_decisions"][:limit]
        return list(
            ModerationLogEntry.objects.filter(target_user=self.author, action__in=DECISIONS)
            .order_by("-created_at", "-pk")
            .values_list("action", flat=True)[:limit]
        )

    @property
    def email_domain(self) -> str:
        address = getattr(self.author, "email", "") or ""
        return normalized_domain(address.rpartition("@")[2]) if "@" in address else ""


@lru_cache(maxsize=8)
def _imported(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(path) for path in paths)


def configured_checks() -> tuple:
    """The callables of ``NEWSROOM_COMMENT_CHECKS``, in order (imported once per value)."""
    return _imported(tuple(settings.NEWSROOM_COMMENT_CHECKS))


def run_checks(ctx: CheckContext, *, post_anyway: bool = False, checks=None) -> Verdict | None:
    """The strongest verdict of the chain on ``ctx``, or None: publish. With
    ``post_anyway`` (the author was asked to revise and declined) a REVISE holds."""
    best = None
    for check in configured_checks() if checks is None else checks:
        if ctx.is_dry_run and getattr(check, "is_remote", False):
            continue
        verdict = check(ctx)
        if verdict is None:
            continue
        if verdict.is_revise and post_anyway:
            verdict = Verdict.hold(
                verdict.held_reason
                or _("You posted it after being asked to revise it; a moderator reviews it."),
                check=verdict.check,
            )
        if best is None or verdict.action > best.action:
            best = verdict
        if best.is_reject:
            break
    return best


def held_reason_or_raise(verdict: Verdict | None) -> str:
    """What a service does with the chain's verdict: the reason to hold ('' to publish), or
    the ``ValidationError`` (``RevisionRequested`` for REVISE) that tells the author."""
    if verdict is None:
        return ""
    if verdict.is_reject:
        raise ValidationError({"body": verdict.message}, code="rejected")
    if verdict.is_revise:
        raise RevisionRequested({"body": verdict.message}, code="revise")
    return verdict.message[: Comment._meta.get_field("held_reason").max_length]


# The built-in checks --------------------------------------------------------------------


def check_premoderation(ctx: CheckContext) -> Verdict | None:
    """The site's pre-moderation mode holds every comment."""
    if ctx.moderation.mode == ModerationSettings.Mode.PRE:
        return Verdict.hold(_("All comments are reviewed before they appear."), check="mode")
    return None


WORD_REJECT_MESSAGE = gettext_noop(
    "Your comment was not posted: it uses words this site does not allow. "
    "Please rephrase it; your text is below."
)


def check_word_rules(ctx: CheckContext) -> Verdict | None:
    """The moderators' words and phrases: reject, ask to revise, or hold. Which words is
    never said: the page would print them (some are slurs), and whoever probes the list one
    word at a time would learn it."""
    actions = {rule.action for rule in ctx.word_rules() if rule.matches(ctx.body)}
    if WordRule.Action.REJECT in actions:
        return Verdict.reject(_(WORD_REJECT_MESSAGE), check="words")
    if WordRule.Action.REVISE in actions:
        return Verdict.revise(
            _(
                "This looks like it may break our community guidelines. Edit your comment, "
                "or post it anyway and a moderator will review it before it appears."
            ),
            held_reason=_("It contains words a moderator reviews first."),
            check="words",
        )
    if WordRule.Action.HOLD in actions:
        return Verdict.hold(_("It contains words a moderator reviews first."), check="words")
    return None


def check_links(ctx: CheckContext) -> Verdict | None:
    if count_links(ctx.body) > ctx.moderation.max_links:
        return Verdict.hold(
            _("It contains more links than the site allows without review."), check="links"
        )
    return None


def check_trust(ctx: CheckContext) -> Verdict | None:
    """The trust ladder: a moderator's word on the reader first (trusted, or always
    pre-moderated); then a reader with too many recent removals is pre-moderated again;
    then a newcomer is held until enough of their comments have been approved. An edit
    is held again only for an always pre-moderated reader: the rest judged the comment
    when it was posted."""
    level = ctx.trust_level()
    if level == CommenterTrust.Level.TRUSTED:
        return None
    if level == CommenterTrust.Level.PREMODERATED:
        return Verdict.hold(
            _("A moderator reviews your comments before they appear."), check="trust"
        )
    if ctx.is_edit:
        return None
    moderation = ctx.moderation
    threshold = moderation.rejections_for_premoderation
    if threshold and moderation.rejections_window:
        decisions = ctx.recent_decisions(moderation.rejections_window)
        if sum(action in REJECTIONS for action in decisions) >= threshold:
            return Verdict.hold(
                _(
                    "Several of your recent comments were removed, so a moderator reviews "
                    "your comments for a while."
                ),
                check="trust",
            )
    needed = moderation.approvals_before_trusted
    if needed and ctx.approved_count(needed) < needed:
        if needed == 1:
            reason = _("A moderator approves a commenter's first comment.")
        else:
            reason = ngettext(
                "A moderator approves a commenter's first %(count)d comment.",
                "A moderator approves a commenter's first %(count)d comments.",
                needed,
            ) % {"count": needed}
        return Verdict.hold(reason, check="trust")
    return None


DISPOSABLE_DOMAINS_FILE = Path(__file__).with_name("disposable_domains.txt")


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    """The bundled list of well-known disposable-address domains."""
    lines = DISPOSABLE_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        normalized_domain(line) for line in lines if line.strip() and not line.startswith("#")
    )


def _is_disposable(domain: str) -> bool:
    parts = domain.split(".")
    known = disposable_domains()
    return any(".".join(parts[i:]) in known for i in range(len(parts) - 1))


def check_email_domain(ctx: CheckContext) -> Verdict | None:
    """Rules for the author's email domain (the most specific one), else the bundled list
    of disposable-address domains."""
    domain = ctx.email_domain
    if not domain:
        return None
    rules = [rule for rule in ctx.domain_rules() if rule.matches(domain)]
    if rules:
        rule = max(rules, key=lambda rule: len(rule.domain))
        if rule.action == EmailDomainRule.Action.REFUSE:
            return Verdict.reject(
                _(
                    "Comments from addresses at %(domain)s are not accepted on this site. "
                    "To comment, change the email address of your account in your profile."
                )
                % {"domain": domain},
                check="email_domain",
            )
        return Verdict.hold(
            _("Comments from addresses at your email domain are reviewed first."),
            check="email_domain",
        )
    if settings.NEWSROOM_COMMENT_HOLD_DISPOSABLE and _is_disposable(domain):
        return Verdict.hold(
            _("Comments from disposable email addresses are reviewed first."),
            check="email_domain",
        )
    return None
