"""Writing comfort in the article form: the body's word count and reading time, and the
time zone the form's dates are in. The form prints them; ``js/writing-comfort.js`` keeps
the count live while typing (the same rule: words of the body's text)."""

import math

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from articles.metadata import body_text

# A news reader's pace, in words a minute (the script uses the same number).
WORDS_PER_MINUTE = 230


def word_count(html: str) -> int:
    """Words of the body as a reader sees it (tags dropped)."""
    return len(body_text(html).split())


def reading_minutes(words: int) -> int:
    """Minutes to read ``words``: at least one for any text, none for none."""
    return math.ceil(words / WORDS_PER_MINUTE) if words else 0


def word_count_label(html: str) -> str:
    """ "412 words · 2 min read" """
    words = word_count(html)
    minutes = reading_minutes(words)
    return "{} · {}".format(
        ngettext("%(count)d word", "%(count)d words", words) % {"count": words},
        ngettext("%(count)d min read", "%(count)d min read", minutes) % {"count": minutes},
    )


def utc_offset_label(moment=None) -> str:
    """ "UTC+0", "UTC+1", "UTC-3:30": the current time zone's offset at ``moment`` (now)."""
    offset = timezone.localtime(moment).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_zone_label(moment=None) -> str:
    """ "Times are in Europe/London (UTC+0)." for every date and time field of the form."""
    return gettext("Times are in %(zone)s (%(offset)s).") % {
        "zone": timezone.get_current_timezone_name(),
        "offset": utc_offset_label(moment),
    }
