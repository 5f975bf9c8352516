"""Every kind of reader-facing page, walked at 320px (the narrowest phone, and a 1280px
desktop at 400% zoom) in both colour schemes: no sideways scroll, one h1, no skipped
heading level, alt on every image, a label on every field, a name on every link and
button, targets of 24px, named landmarks (see ``audit.py``)."""

import re

from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

import pytest
from playwright.sync_api import expect

from articles.models import Comment, Correction
from articles.views.killed import killed_response
from newsroom.views import server_error
from tests.e2e.audit import AUDIT_JS
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(db):
    author = AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    articles = [
        ArticleFactory(
            authors=[author],
            tags=["Transport", "Eastport"],
            headline=f"Harbour bridge story number {n} with a rather long headline",
        )
        for n in range(13)
    ]
    # A word longer than a phone is wide, in a headline, a tag and a comment.
    long_word = "Hafenbrückensanierungsfinanzierungsausschussvorsitzende"
    articles[0].headline = f"The {long_word} speaks"
    articles[0].save()
    articles[0].tags.add(long_word)
    thread = CommentFactory(article=articles[0], body=f"Ask the {long_word} why.")
    Correction.objects.create(
        article=articles[0], text=f"An earlier version misspelled {long_word}."
    )
    CommentFactory(article=articles[0], parent=thread)
    return {"article": articles[0], "author": author}


def audit(page, url_or_html: str) -> list[str]:
    if url_or_html.startswith("<"):
        page.goto(reverse("articles:corrections"))
        page.set_content(url_or_html)
    else:
        page.goto(url_or_html)
    return page.evaluate(AUDIT_JS)


def walk(page, urls) -> dict[str, list[str]]:
    return {url[:60]: problems for url in urls if (problems := audit(page, url))}


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def error_page(view, **kwargs) -> str:
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    return view(request, **kwargs).content.decode()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_anonymous_pages_pass_the_audit_at_320px(browser, live_server, site, scheme):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, color_scheme=scheme
    )
    page = context.new_page()
    urls = [
        reverse("articles:home"),
        reverse("articles:home") + "?page=2",
        site["article"].get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "transport"}),
        site["author"].get_absolute_url(),
        reverse("articles:search"),
        reverse("articles:search") + "?q=harbour",
        reverse("articles:search") + "?q=zzzzqqq",
        reverse("articles:corrections"),
        "/no-such-page/",
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        error_page(defaults.permission_denied, exception=Exception()),
        error_page(server_error),
        # A story killed while the reader was posting: the 410 gives their text back.
        error_page(killed_response, article=site["article"], kept_text="My long reply."),
    ]
    assert walk(page, urls) == {}
    context.close()


def test_reader_pages_pass_the_audit_at_320px(browser, live_server, site):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    reader = VerifiedUserFactory(
        username="areaderwhosenameislongerthanaphoneiswide",
        email="areaderwhoseaddressislongerthanaphoneiswide@example.org",
    )
    log_in(page, live_server, reader)
    # Their history: a comment shown, one held, one removed with its reason.
    for status, extra in [
        (Comment.Status.VISIBLE, {}),
        (Comment.Status.PENDING, {"held_reason": "It has links."}),
        (Comment.Status.REMOVED, {"removal_reason": "abusive", "removed_at": timezone.now()}),
    ]:
        CommentFactory(article=site["article"], author=reader, status=status, **extra)
    urls = [
        reverse("articles:home"),
        site["article"].get_absolute_url(),
        reverse("accounts:profile"),
        reverse("accounts:comments"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("accounts:delete"),
    ]
    assert walk(page, urls) == {}
    # The comment form is there, labelled.
    page.goto(site["article"].get_absolute_url())
    expect(page.get_by_label("Your comment")).to_be_visible()
    context.close()


def test_desktop_pages_pass_the_audit(browser, live_server, site):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    urls = [reverse("articles:home"), site["article"].get_absolute_url()]
    assert walk(page, urls) == {}
    context.close()


def test_rate_limited_login_answers_a_page_in_the_site_layout(page, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    VerifiedUserFactory(username="ada")
    for _ in range(2):
        page.goto(reverse("account_login"))
        page.get_by_label("Login").fill("ada")
        page.get_by_label("Password").fill("not the password")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Sign In").click()
    assert answer.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    expect(page.get_by_role("navigation", name="Site", exact=True)).to_be_visible()
    # The click returned once the page started to arrive: audit it whole, styles applied.
    page.wait_for_load_state()
    assert page.evaluate(AUDIT_JS) == []


def test_current_page_is_marked_in_the_site_navigation(page):
    nav = page.get_by_role("navigation", name="Site", exact=True)
    page.goto(reverse("articles:search"))
    expect(nav.get_by_role("link", name="Search")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Latest")).not_to_have_attribute("aria-current", "page")
    page.goto(reverse("articles:home"))
    expect(nav.get_by_role("link", name="Latest")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current]")).to_have_count(1)


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, site):
    page.goto(site["article"].get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_text_zoom_to_200_percent_does_not_scroll_sideways(page, site):
    page.set_viewport_size({"width": 640, "height": 800})
    for url in (reverse("articles:home"), site["article"].get_absolute_url()):
        page.goto(url)
        # Through the CSSOM, as a reader's zoom setting would: the page's CSP rightly
        # refuses an injected <style> tag.
        page.evaluate(
            "document.documentElement.style.setProperty('font-size', '200%', 'important')"
        )
        assert (
            page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            <= 0
        ), url


def test_forms_showing_errors_tie_them_to_their_fields(page, live_server, site):
    page.goto(reverse("account_signup"))
    page.get_by_label("Email").fill("new@example.org")
    page.get_by_label("Username").fill("newreader")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("short")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".field__errors").first).to_be_visible()
    # The click returned once the page started to arrive: audit it whole, styles applied.
    page.wait_for_load_state()
    assert page.evaluate(AUDIT_JS) == []
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    # The rules and the error are read with the field.
    expect(password).to_have_accessible_description(re.compile("at least 8 characters", re.S))

    log_in(page, live_server, VerifiedUserFactory(username="ada"))
    page.goto(site["article"].get_absolute_url())
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_label("Your comment")).to_have_attribute("aria-invalid", "true")
    page.wait_for_load_state()
    assert page.evaluate(AUDIT_JS) == []


def test_messages_are_read_out_as_a_change_after_the_page_loads(page, live_server, site):
    log_in(page, live_server, VerifiedUserFactory(username="ada"))
    page.goto(site["article"].get_absolute_url())
    page.get_by_label("Your comment").fill("Good news for cyclists.")
    # What a screen reader is given at load: the live region, its list hidden.
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => setTimeout(() => {"
        " const list = document.querySelector('[data-messages] ul');"
        " window.listAtLoad = list && getComputedStyle(list).visibility; }))"
    )
    page.get_by_role("button", name="Post comment").click()
    region = page.locator("[data-messages]")
    expect(region).to_have_attribute("data-messages-announced", "")
    assert page.evaluate("window.listAtLoad") == "hidden"
    expect(region).to_have_attribute("role", "status")
    expect(page.get_by_text("Your comment is published.")).to_be_visible()


def test_without_javascript_the_messages_stay_a_live_region(browser, live_server, site):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, VerifiedUserFactory(username="ada"))
    page.goto(site["article"].get_absolute_url())
    page.get_by_label("Your comment").fill("Good news for cyclists.")
    page.get_by_role("button", name="Post comment").click()
    messages = page.get_by_role("status").filter(has_text="Your comment is published.")
    expect(messages.get_by_role("listitem")).to_have_text("Your comment is published.")
    context.close()


def test_each_cards_comment_link_says_which_story_it_is_for(page, site):
    page.goto(reverse("articles:home"))
    links = page.locator("a.card__comments")
    names = [
        link.evaluate("el => el.textContent.replace(/\\s+/g, ' ').trim()") for link in links.all()
    ]
    assert len(names) > 1
    assert len(set(names)) == len(names), names
    assert all(re.match(r"\d+ comments? on “.+”$", name) for name in names), names
