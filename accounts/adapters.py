"""django-allauth, configured not forked: the few behaviours Newsroom changes."""

import logging

from django.core.exceptions import ValidationError

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url

from newsroom.client_ip import client_ip

logger = logging.getLogger("accounts.auth")

# Where the reader was (an article's #comments) when they signed up or asked for a new
# verification link: confirming the address brings them back there.
VERIFY_NEXT_SESSION_KEY = "newsroom_verify_next"


class AccountAdapter(DefaultAccountAdapter):
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
