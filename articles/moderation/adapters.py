"""Optional outside checks for the chain, each off until its environment variable is set:
Akismet's comment-check (``NEWSROOM_AKISMET_KEY``) and a Perspective-style toxicity model
(``NEWSROOM_TOXICITY_URL``).

They speak HTTP with the standard library, with a short timeout
(``NEWSROOM_COMMENT_CHECK_TIMEOUT`` seconds). A service that is down, slow, or answers
nonsense gives no verdict, so a post is never blocked nor failed by it; the outage is logged
at most once a minute per service (``newsroom.logs.OUTAGES``). Both are ``is_remote``: the
admin's dry run does not call them a thousand times.
"""

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from articles.moderation.checks import CheckContext, Verdict
from newsroom.logs import OUTAGES

logger = logging.getLogger(__name__)

USER_AGENT = "Newsroom comment checks"
# Enough for any verdict; a service that sends more is not read further.
MAX_ANSWER_BYTES = 64 * 1024


def _unavailable(service: str, problem) -> None:
    if OUTAGES.allows(f"comment check: {service}"):
        logger.warning(
            "The %s comment check gave no answer (%s): comments are checked without it.",
            service,
            problem,
        )


def _post(service: str, url: str, *, data: bytes, content_type: str):
    """POST ``data`` to ``url``: (text, headers), or None when the service did not answer
    well (logged)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        _unavailable(service, f"not an http(s) address: {url[:40]!r}")
        return None
    request = urllib.request.Request(  # noqa: S310 (http and https only, checked above)
        url,
        data=data,
        method="POST",
        headers={"Content-Type": content_type, "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.NEWSROOM_COMMENT_CHECK_TIMEOUT
        ) as response:
            text = response.read(MAX_ANSWER_BYTES).decode("utf-8", "replace")
            return text, response.headers
    except urllib.error.HTTPError as error:
        _unavailable(service, f"HTTP {error.code}")
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        _unavailable(service, f"{type(error).__name__}: {error}")
    return None


def _permalink(ctx: CheckContext) -> str:
    return f"{ctx.site_url}{ctx.article.get_absolute_url()}"


def check_akismet(ctx: CheckContext) -> Verdict | None:
    """Akismet's ``comment-check``: "true" is spam (held; with the ``discard`` pro-tip,
    blatant spam, rejected), "false" is not."""
    key = settings.NEWSROOM_AKISMET_KEY
    if not key:
        return None
    fields = {
        "api_key": key,
        "blog": ctx.site_url or settings.NEWSROOM_BASE_URL,
        "user_ip": ctx.client_ip,
        "user_agent": ctx.user_agent,
        "referrer": ctx.referrer,
        "permalink": _permalink(ctx),
        "comment_type": "reply" if ctx.parent is not None else "comment",
        "comment_author": ctx.author.get_username(),
        "comment_author_email": getattr(ctx.author, "email", "") or "",
        "comment_content": ctx.body,
        "blog_charset": "UTF-8",
        "blog_lang": settings.LANGUAGE_CODE,
    }
    if ctx.is_edit:
        fields["recheck_reason"] = "edit"
    answer = _post(
        "Akismet",
        f"{settings.NEWSROOM_AKISMET_URL}/1.1/comment-check",
        data=urllib.parse.urlencode(fields).encode(),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    if answer is None:
        return None
    text, headers = answer
    text = text.strip()
    if text == "true":
        if (headers.get("X-akismet-pro-tip") or "").strip().casefold() == "discard":
            return Verdict.reject(
                _("Your comment was not posted: our spam filter is sure it is spam."),
                check="akismet",
            )
        return Verdict.hold(
            _("Our spam filter flagged it; a moderator checks it first."), check="akismet"
        )
    if text != "false":
        # "invalid" (a wrong key) or an error page: said in X-akismet-debug-help.
        _unavailable("Akismet", f"{text[:60]!r}, {headers.get('X-akismet-debug-help', '')}")
    return None


check_akismet.is_remote = True


def toxicity_score(body: str) -> float | None:
    """The model's TOXICITY summary score for ``body`` (0 to 1), or None without one."""
    url = settings.NEWSROOM_TOXICITY_URL
    if not url:
        return None
    if settings.NEWSROOM_TOXICITY_KEY:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(
            {"key": settings.NEWSROOM_TOXICITY_KEY}
        )
    payload = {
        "comment": {"text": body},
        "requestedAttributes": {"TOXICITY": {}},
        "doNotStore": True,
    }
    answer = _post(
        "toxicity",
        url,
        data=json.dumps(payload).encode(),
        content_type="application/json; charset=utf-8",
    )
    if answer is None:
        return None
    try:
        score = json.loads(answer[0])["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
        return float(score)
    except (ValueError, KeyError, TypeError) as error:
        _unavailable("toxicity", f"unreadable answer ({type(error).__name__})")
        return None


def check_toxicity(ctx: CheckContext) -> Verdict | None:
    """At or over ``NEWSROOM_TOXICITY_THRESHOLD`` the author is asked to revise; posted
    anyway, it is held."""
    score = toxicity_score(ctx.body)
    if score is None or score < settings.NEWSROOM_TOXICITY_THRESHOLD:
        return None
    return Verdict.revise(
        _(
            "This looks like it may break our community guidelines. Edit your comment, or "
            "post it anyway and a moderator will review it before it appears."
        ),
        held_reason=_("Our filter found it may be hurtful; a moderator reviews it first."),
        check="toxicity",
    )


check_toxicity.is_remote = True
