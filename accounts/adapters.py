"""django-allauth, configured not forked: the few behaviours Newsroom changes."""

from django.utils.html import strip_tags

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context

from newsroom.absolute import email_site
from newsroom.tasks import send_email_on_commit

# Where the reader was (an article's #comments) when they signed up or asked for a new
# verification link: confirming the address brings them back there.
VERIFY_NEXT_SESSION_KEY = "newsroom_verify_next"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's message, rendered here with the request, sent by a background job
        (``newsroom.tasks``) so that a slow mail server never holds up the reader; the site
        it names is ``NEWSROOM_SITE_NAME``, not the request's host."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": email_site(request), **context},
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
