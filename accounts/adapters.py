"""django-allauth, configured not forked: the few behaviours Newsroom changes."""

import logging
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context

from accounts import display_names
from newsroom.absolute import absolute_url, email_site
from newsroom.client_ip import client_ip
from newsroom.tasks import send_email_on_commit

logger = logging.getLogger("accounts.auth")

# Where the reader was (an article's #comments) when they signed up or asked for a new
# verification link: confirming the address brings them back there.
VERIFY_NEXT_SESSION_KEY = "newsroom_verify_next"


def links_on_the_site(context: dict, request) -> dict:
    """allauth builds an email's links (``activate_url``, ``password_reset_url``,
    ``signup_url``) on the host the request named; with ``NEWSROOM_BASE_URL`` set they go to
    the site's own address instead, whichever name or proxy the request came through."""
    if not settings.NEWSROOM_BASE_URL or request is None:
        return context
    host = request.get_host()
    linked = dict(context)
    for name, value in context.items():
        if name.endswith("_url") and isinstance(value, str):
            parts = urlsplit(value)
            if parts.netloc == host:
                linked[name] = absolute_url(urlunsplit(("", "", *parts[2:])))
    return linked


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's message, rendered here with the request, sent by a background job
        (``newsroom.tasks``) so that a slow mail server never holds up the reader; the site
        it names is ``NEWSROOM_SITE_NAME``, and its links go to ``NEWSROOM_BASE_URL``, not
        the request's host."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": email_site(request),
                **links_on_the_site(context, request),
            },
        )
        body, html = message.body, None
        if message.content_subtype == "html":
            body, html = strip_tags(message.body), message.body
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        send_email_on_commit(
            subject=message.subject,
            body=body,
            to=message.to,
            from_email=message.from_email,
            html=html,
            headers=message.extra_headers,
        )

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        next_url = get_next_redirect_url(request)
        if next_url and hasattr(request, "session"):
            request.session[VERIFY_NEXT_SESSION_KEY] = next_url
        super().send_confirmation_mail(request, emailconfirmation, signup)
        # allauth skips sending, silently, within its rate limit: the resend view tells.
        request.newsroom_verification_sent = True

    def get_email_verification_redirect_url(self, email_address):
        next_url = self.request.session.pop(VERIFY_NEXT_SESSION_KEY, None)
        if next_url and self.is_safe_url(next_url):
            return next_url
        return super().get_email_verification_redirect_url(email_address)

    # The client's address (per-IP rate limits) and the login. Mail is above.

    def get_client_ip(self, request):
        # One answer for allauth, django-ratelimit and the failed-login log, trusting as
        # many X-Forwarded-For entries as NEWSROOM_TRUSTED_PROXIES says.
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        # Where allauth counts failed logins (for the admin's login form too) and refuses
        # once a limit is reached: a refusal is logged as a failure is (accounts.signals).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            tried = credentials.get("email") or credentials.get("username") or ""
            logger.warning(
                "Login refused (too many failed attempts) for %r from %s at %s",
                tried[:150],
                client_ip(request),
                request.path,
            )
            raise

    def authenticate(self, request, **credentials):
        # allauth's login form passes an email address both as "email" and as
        # "username", and its backend tries a username as an email address anyway: a
        # registered address was checked twice, one more password hash than an unknown
        # one costs, which timed the difference. Once is enough.
        if credentials.get("email") and credentials.get("email") == credentials.get("username"):
            del credentials["email"]
        return super().authenticate(request, **credentials)

    # Display names (accounts.display_names): one check, for sign-up and the profile form.

    def clean_username(self, username, shallow=False, *, user=None):
        """allauth's checks, then Newsroom's: long enough, and not a look-alike of a
        reserved name or of another account's. ``user`` is the account being renamed
        (the profile form); None at sign-up."""
        from accounts.models import User

        renaming = user is not None
        # allauth's "taken" would count the account being renamed: checked below instead.
        username = super().clean_username(username, shallow=shallow or renaming)
        if renaming and username == user.username:
            return username  # unchanged: it was accepted when chosen
        if len(username) < app_settings.USERNAME_MIN_LENGTH:
            raise ValidationError(
                _("A display name needs at least %(count)d characters."),
                code="too_short",
                params={"count": app_settings.USERNAME_MIN_LENGTH},
            )
        if renaming and User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
            raise ValidationError(_("This display name is already taken."), code="taken")
        if display_names.is_reserved(username):
            raise ValidationError(_("This display name is reserved."), code="reserved")
        if not shallow and display_names.lookalike_exists(username, exclude=user):
            raise ValidationError(
                _("This display name looks too much like someone else's."), code="lookalike"
            )
        return username
