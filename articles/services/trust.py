"""A moderator's word on a commenter: trusted past the ladder, or always pre-moderated."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from articles.models import CommenterTrust, ModerationLogEntry
from articles.permissions import CommentPermissions


@transaction.atomic
def commenter_trust_set(*, user, level: str, by, note: str = "") -> CommenterTrust | None:
    """Mark ``user`` trusted or always pre-moderated (``level``), or, with ``level`` empty,
    put them back on the trust ladder; logged. ``by=None`` is a trusted caller."""
    if by is not None and not CommentPermissions(by).can_moderate():
        raise PermissionDenied(_("Only moderators set a commenter's trust."))
    if not level:
        deleted, _rows = CommenterTrust.objects.filter(user=user).delete()
        if deleted:
            ModerationLogEntry.objects.create(
                moderator=by,
                action=ModerationLogEntry.Action.TRUST,
                target_user=user,
                details=_("Back on the trust ladder."),
            )
        return None
    trust = CommenterTrust.objects.filter(user=user).first() or CommenterTrust(user=user)
    trust.level = CommenterTrust.Level(level)
    trust.note = note.strip()
    trust.set_by = by
    trust.full_clean(validate_unique=False)
    trust.save()
    ModerationLogEntry.objects.create(
        moderator=by,
        action=ModerationLogEntry.Action.TRUST,
        target_user=user,
        details=_("%(level)s. Note: %(note)s")
        % {"level": trust.get_level_display(), "note": trust.note or "-"},
    )
    return trust
