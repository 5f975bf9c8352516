"""Display names (``User.username``, shown with every comment): which ones a reader may
not take.

A name is refused when it *looks like* a reserved name or another account's name, not only
when it is spelled the same: "editor" with a Cyrillic ie (U+0435) for its e, "EDITOR" with a
Greek capital epsilon, "Ian" for "lan", "rnoderator" for "moderator". Two names look alike
when their Unicode TR39 skeletons are equal (disarm's ``skeleton_key``, on Unicode's own
confusables table), compared twice: as written ("Ian"/"lan": a capital I is an l) and
case-folded ("EDITOR" with a Cyrillic capital O, and "editor"), so case never tells two
names apart either.

Each account stores the digests of its two skeletons (``User.save()``), so checking a new
name against every existing one is an index lookup. The keys depend on disarm's table:
upgrading disarm (pinned in pyproject.toml) comes with a migration that computes them again.
"""

import hashlib
import re

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext, override

from disarm import skeleton_key

# Reserved besides every staff member's name, the site's name and the "deleted user"
# placeholder that signs the comments of deleted accounts.
RESERVED_NAMES = ("admin", "administrator", "moderator", "editor", "staff")
# Reserved names are matched without separators too: "deleted_user", "ad.min".
SEPARATORS = re.compile(r"[\s._+@-]+")


def skeleton(text: str) -> str:
    """The TR39 skeleton of ``text``, lower-cased."""
    # disarm leaves out TR39's m → rn row, which would garble text it rewrites; to compare
    # names it is the point ("rnoderator").
    return skeleton_key(text, digit_policy="tr39").replace("m", "rn")


def username_skeletons(username: str) -> tuple[str, str]:
    """The look-alike keys stored on an account: digests of the skeleton of the name as
    written and of the case-folded name (fixed length, whatever a skeleton's)."""
    return _digest(skeleton(username)), _digest(skeleton(username.casefold()))


def reserved_names() -> set[str]:
    from accounts.models import User

    with override("en"):
        placeholder = gettext("deleted user")
    return {
        *RESERVED_NAMES,
        settings.NEWSROOM_SITE_NAME,
        placeholder,
        gettext("deleted user"),
        *User.objects.filter(is_staff=True).values_list("username", flat=True),
    }


def is_reserved(username: str) -> bool:
    """Whether ``username`` looks like a reserved name, separators aside."""
    candidate = _reserved_keys(username)
    return any(candidate & _reserved_keys(name) for name in reserved_names())


def lookalike_exists(username: str, *, exclude=None) -> bool:
    """Whether another account's name looks like ``username`` (``exclude``: the account
    being renamed)."""
    from accounts.models import User

    keys = set(username_skeletons(username))
    others = User.objects.filter(
        Q(username_skeleton__in=keys) | Q(username_skeleton_folded__in=keys)
    )
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


def _reserved_keys(name: str) -> set[str]:
    bare = SEPARATORS.sub("", name)
    return {skeleton(name), skeleton(name.casefold()), skeleton(bare), skeleton(bare.casefold())}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
