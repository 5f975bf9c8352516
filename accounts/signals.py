"""Receivers for Django's authentication signals: a record of failed logins."""

import logging

from newsroom.client_ip import client_ip

logger = logging.getLogger("accounts.auth")


def log_failed_login(sender, credentials, request=None, **kwargs):
    """Log who was tried and from where, for the reader login and the admin's alike.
    Django has already masked the password in ``credentials``; it is not logged anyway."""
    tried = credentials.get("username") or credentials.get("email") or ""
    logger.warning(
        "Failed login for %r from %s at %s",
        tried[:150],
        client_ip(request) if request is not None else "-",
        request.path if request is not None else "-",
    )
