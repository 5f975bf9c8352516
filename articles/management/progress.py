"""Progress of a long management command: one line rewritten on a terminal, a line per
tenth in a log."""

import time


class Progress:
    """A few lines of progress: one line rewritten on a terminal, every tenth otherwise."""

    def __init__(self, stdout, label: str, total: int):
        self.stdout, self.label, self.total = stdout, label, max(total, 1)
        self.done = 0
        self.started = self.shown_at = time.monotonic()
        self.tty = stdout.isatty()
        self.next_tenth = 1

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.tty and now - self.shown_at >= 0.5:
            self.shown_at = now
            self.stdout.write(f"\r  {self.label}: {self._state()}", ending="")
            self.stdout.flush()
        elif not self.tty and self.done * 10 >= self.next_tenth * self.total:
            while self.done * 10 >= self.next_tenth * self.total:
                self.next_tenth += 1
            if now - self.shown_at >= 2:  # a line per tenth, only for the long phases
                self.shown_at = now
                self.stdout.write(f"  {self.label}: {self._state()}")

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed else 0
        end = "\r" if self.tty else ""
        self.stdout.write(
            f"{end}  {self.label}: {self.done:,} in {elapsed:.1f} s ({rate:,.0f}/s)" + " " * 20
        )

    def _state(self) -> str:
        return f"{self.done:,}/{self.total:,} ({100 * self.done / self.total:.0f}%)"
