"""The XSS corpus (tests/security/xss_payloads.txt) in a real browser: an article carrying
it (body, standfirst, byline, tag, comments and their authors' names) and search pages
showing it. No payload opens a dialog, even with every element's mouse, focus and animation
handlers fired, and the page's Content-Security-Policy never has anything to block."""

from django.urls import reverse
from django.utils import timezone

import pytest

from articles.models import Article
from articles.services import article_create
from tests.factories import AuthorFactory, CommentFactory, UserFactory
from tests.security.htmlcheck import payloads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = payloads()

# Fired at every element: the handlers a payload would hang on them, without navigating.
FIRE_EVENTS = """() => {
    const kinds = ["mouseover", "mouseenter", "mousemove", "pointerover", "focus", "focusin",
                   "blur", "toggle", "animationstart", "load", "error", "input", "change"];
    for (const element of document.querySelectorAll("*")) {
        for (const kind of kinds) element.dispatchEvent(new Event(kind));
    }
}"""


# What the Content-Security-Policy blocked: an injected handler or script that the policy
# stopped would still be an injection.
RECORD_VIOLATIONS = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});"""


def test_no_payload_opens_a_dialog_on_the_article_comments_or_search(page, settings):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 1000
    settings.NEWSROOM_SEARCH_PAGE_SIZE = 1000
    dialogs, violations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(RECORD_VIOLATIONS)

    def fire_events():
        page.evaluate(FIRE_EVENTS)
        page.wait_for_timeout(50)  # violation events are queued
        violations.extend(page.evaluate("window.__violations"))

    story = article_create(
        headline=PAYLOADS[0],
        slug="corpus",
        standfirst="Harbour " + PAYLOADS[1],
        body="\n".join(PAYLOADS),
        authors=[AuthorFactory(display_name=PAYLOADS[2][:120], bio=PAYLOADS[3])],
        tags=["Harbour"],
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timezone.timedelta(hours=1),
    )
    for n, payload in enumerate(PAYLOADS):
        CommentFactory(
            article=story,
            author=UserFactory(username=f"{payload[:140]} {n}", email=f"c{n}@example.com"),
            body=payload,
        )
    for n, payload in enumerate(PAYLOADS[4:40]):
        article_create(
            headline=payload[:200],
            slug=f"corpus-{n}",
            standfirst="Harbour " + payload,
            authors=[AuthorFactory(slug=f"corpus-author-{n}")],
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timezone.timedelta(hours=2),
        )
    breakouts = [payload for payload in PAYLOADS if payload[:1] in "\"'`<"][:25]

    page.goto(story.get_absolute_url())
    assert page.locator(".comment").count() == len(PAYLOADS)
    fire_events()
    page.goto(reverse("articles:search") + "?q=harbour")
    assert page.locator("a[href^='/articles/corpus']").count() >= 36
    fire_events()
    for payload in breakouts:
        page.goto(reverse("articles:search"), wait_until="load")
        page.get_by_role("searchbox").first.fill(payload)
        page.get_by_role("searchbox").first.press("Enter")
        page.wait_for_load_state("load")
        fire_events()
    page.wait_for_timeout(300)  # timers and animations a payload may have started

    assert dialogs == []
    assert violations == []
