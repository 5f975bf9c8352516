"""Reader accounts: writes with side effects."""

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from articles import caching

# What every comment of an account prints besides its text.
SHOWN_WITH_COMMENTS = ("username", "is_staff")


def account_export(*, user: User) -> dict:
    """Everything the site stores about ``user`` that they wrote or chose, as plain data."""
    from allauth.account.models import EmailAddress

    from articles.models import Appeal, Comment, IgnoredCommenter, Reaction

    comments = Comment.objects.filter(author=user).select_related("article").order_by("pk")
    return {
        "profile": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_notified_of_replies": user.is_notified_of_replies,
            "comment_email_delivery": user.comment_email_delivery,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article.headline,
                "article_url": comment.article.get_absolute_url(),
                "in_reply_to": comment.replied_to_id or comment.parent_id,
                "body": comment.body,
                "status": comment.status,
                "removal_reason": comment.removal_reason,
                "removal_explanation": comment.removal_explanation,
                "created_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            }
            for comment in comments
        ],
        "reactions": [
            {"comment": comment_id, "created_at": created_at.isoformat()}
            for comment_id, created_at in Reaction.objects.filter(user=user)
            .order_by("pk")
            .values_list("comment_id", "created_at")
        ],
        "ignored_commenters": [
            {"username": entry.ignored.get_username(), "since": entry.created_at.isoformat()}
            for entry in IgnoredCommenter.objects.filter(user=user).select_related("ignored")
        ],
        "appeals": [
            {
                "comment": appeal.comment_id,
                "text": appeal.text,
                "created_at": appeal.created_at.isoformat(),
                "outcome": appeal.outcome,
                "decision_note": appeal.decision_note,
            }
            for appeal in Appeal.objects.filter(author=user).order_by("pk")
        ],
    }


@transaction.atomic
def account_update(*, user: User) -> User:
    """Save ``user`` as a form (the reader's profile, the admin's) has changed it. A new
    name or a "Staff" badge given or taken shows on the stories they commented on."""
    stored = User.objects.filter(pk=user.pk).values(*SHOWN_WITH_COMMENTS).first()
    user.save()
    if stored is not None and any(
        stored[field] != getattr(user, field) for field in SHOWN_WITH_COMMENTS
    ):
        caching.commenter_changed(user)
    return user


@transaction.atomic
def account_delete(*, user: User, request: HttpRequest | None = None) -> None:
    """Delete the account; its comments stay, signed "deleted user", so threads still read.
    A ban on commenting stays too, tied to the account's email addresses."""
    from articles.models import CommenterBan
    from articles.services import commenter_ban_remember_emails

    if ban := CommenterBan.objects.filter(user=user).first():
        commenter_ban_remember_emails(ban=ban)
    caching.commenter_changed(user)
    if request is not None:
        logout(request)
    # Comment.author is SET_NULL: the database anonymizes the comments with the deletion.
    user.delete()
