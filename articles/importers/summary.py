"""What an import run did, per kind, for its closing report."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Summary:
    """What a run did, per kind: created, updated, unchanged, and skipped with reasons."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) → count
    notes: Counter = field(default_factory=Counter)  # things worth knowing, not skips
    problems: list[str] = field(default_factory=list)  # items refused, one line each

    def skip(self, kind: str, reason: str) -> None:
        self.skipped[(kind, reason)] += 1

    def lines(self) -> list[str]:
        kinds = sorted(
            {*self.created, *self.updated, *self.unchanged, *(k for k, _ in self.skipped)}
        )
        out = []
        for kind in kinds:
            out.append(
                f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
                f"{self.unchanged[kind]} unchanged"
            )
            for (skipped_kind, reason), count in sorted(self.skipped.items()):
                if skipped_kind == kind:
                    out.append(f"  skipped {count}: {reason}")
        for note, count in sorted(self.notes.items()):
            out.append(f"{note}: {count}")
        out.extend(f"refused: {problem}" for problem in self.problems)
        return out


class DryRun(Exception):
    """Raised at the end of a dry run so that its transaction rolls back."""
