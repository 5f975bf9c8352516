"""The admin's "Test against recent comments": what a proposed rule would have done.

A read, and nothing else: the newest ``NEWSROOM_DRY_RUN_COMMENTS`` comments go through the
pre-check chain as if posted again, with the proposed word rule, email-domain rule or
moderation settings in place of the saved one, and the result says how many would have
been held, sent back for revision or rejected, with the list. Everything the checks read is
fetched once for all the comments (their authors, the rules, the authors' trust rows and
moderation decisions, and each comment's count of earlier approved comments by its author):
a fixed number of queries however many comments. Outside services (checks marked
``is_remote``) are not called.

The ladder counts what each author had approved before the comment; trust and recent
removals are read as they are today.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from articles.models import (
    Comment,
    CommenterTrust,
    EmailDomainRule,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.moderation.checks import (
    DECISIONS,
    CheckContext,
    Verdict,
    configured_checks,
    run_checks,
)


@dataclass
class DryRunResult:
    """How many of ``tested`` comments the proposed rules would have held, asked to revise
    and rejected; ``entries`` lists those comments, newest first, with each verdict and
    whether it differs from what the saved rules say today."""

    tested: int = 0
    held: int = 0
    revised: int = 0
    rejected: int = 0
    # Held or rejected by the saved rules, published with the proposed ones.
    released: int = 0
    entries: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The sentence: against the last 1,000 comments this would have held 41 and …"""
        sentence = ngettext(
            "Against the last comment this would have held %(held)s and rejected %(rejected)s",
            "Against the last %(tested)s comments this would have held %(held)s and "
            "rejected %(rejected)s",
            self.tested,
        ) % {
            "tested": f"{self.tested:,}",
            "held": f"{self.held:,}",
            "rejected": f"{self.rejected:,}",
        }
        if self.revised:
            sentence += ngettext(
                ", and asked %(revised)s author to revise",
                ", and asked %(revised)s authors to revise",
                self.revised,
            ) % {"revised": f"{self.revised:,}"}
        sentence += "."
        if self.released:
            sentence += " " + ngettext(
                "%(released)s comment held or rejected today would have been published.",
                "%(released)s comments held or rejected today would have been published.",
                self.released,
            ) % {"released": f"{self.released:,}"}
        return sentence


@dataclass(frozen=True)
class DryRunEntry:
    comment: Comment
    verdict: Verdict
    is_change: bool


def _replaced(rules: list, proposed, *, keep) -> list:
    """``rules`` with ``proposed`` in place of its saved version (added when new), kept only
    when ``keep(proposed)``."""
    others = [rule for rule in rules if proposed is None or rule.pk != proposed.pk]
    return [*others, proposed] if proposed is not None and keep(proposed) else others


def _comments(limit: int) -> list[Comment]:
    earlier_approved = (
        Comment.objects.filter(
            author=OuterRef("author"), status=Comment.Status.VISIBLE, pk__lt=OuterRef("pk")
        )
        .order_by()
        .values("author")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return list(
        Comment.objects.filter(author__isnull=False)
        .select_related("author", "article")
        .defer("body_html", "article__body", "article__body_html")
        .annotate(
            earlier_approved=Coalesce(
                Subquery(earlier_approved, output_field=IntegerField()), Value(0)
            )
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def _verdict(comment, facts, checks, words, domains, moderation) -> Verdict | None:
    ctx = CheckContext(
        author=comment.author,
        article=comment.article,
        body=comment.body,
        moderation=moderation,
        is_dry_run=True,
        facts={**facts, "word_rules": words, "domain_rules": domains},
    )
    return run_checks(ctx, checks=checks)


def rule_dry_run(
    *,
    word_rule: WordRule | None = None,
    domain_rule: EmailDomainRule | None = None,
    moderation: ModerationSettings | None = None,
    limit: int | None = None,
) -> DryRunResult:
    """Run the chain over the newest comments with the proposed rule (unsaved) in place."""
    limit = settings.NEWSROOM_DRY_RUN_COMMENTS if limit is None else limit
    comments = _comments(limit)
    saved_moderation = ModerationSettings.load()
    saved_words = list(WordRule.objects.filter(is_active=True))
    saved_domains = list(EmailDomainRule.objects.all())
    proposed_words = _replaced(saved_words, word_rule, keep=lambda rule: rule.is_active)
    proposed_domains = _replaced(saved_domains, domain_rule, keep=lambda rule: True)
    proposed_moderation = moderation or saved_moderation

    authors = {comment.author_id for comment in comments}
    levels = dict(CommenterTrust.objects.filter(user__in=authors).values_list("user_id", "level"))
    window = max(saved_moderation.rejections_window, proposed_moderation.rejections_window)
    decisions = defaultdict(list)
    for user_id, action in (
        ModerationLogEntry.objects.filter(target_user__in=authors, action__in=DECISIONS)
        .order_by("-created_at", "-pk")
        .values_list("target_user_id", "action")
    ):
        if len(decisions[user_id]) < window:
            decisions[user_id].append(action)

    checks = configured_checks()
    result = DryRunResult(tested=len(comments))
    for comment in comments:
        facts = {
            "trust_level": levels.get(comment.author_id, ""),
            "recent_decisions": decisions[comment.author_id],
            "approved_count": comment.earlier_approved,
        }

        proposed = _verdict(
            comment, facts, checks, proposed_words, proposed_domains, proposed_moderation
        )
        today = _verdict(comment, facts, checks, saved_words, saved_domains, saved_moderation)
        if proposed is None:
            result.released += today is not None
            continue
        if proposed.is_reject:
            result.rejected += 1
        elif proposed.is_revise:
            result.revised += 1
        else:
            result.held += 1
        is_change = today is None or today.action != proposed.action
        result.entries.append(DryRunEntry(comment=comment, verdict=proposed, is_change=is_change))
    return result
