"""The share row beyond plain links: Mastodon's form, copy link and the device's share sheet."""

import re
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.share import mastodon_instance_host
from tests.articles.head import head
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SAME_SITE = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.mark.parametrize(
    ("typed", "host"),
    [
        ("mastodon.social", "mastodon.social"),
        ("  Mastodon.Social  ", "mastodon.social"),
        ("https://mastodon.social/", "mastodon.social"),
        ("http://fosstodon.org", "fosstodon.org"),
        ("@reader@mastodon.social", "mastodon.social"),
        ("reader@social.example.org", "social.example.org"),
        ("bücher.social", "xn--bcher-kva.social"),
        ("https://Bücher.Social/", "xn--bcher-kva.social"),
        ("mastodon\u3002social", "mastodon.social"),
        ("mastodon.social\r\n", "mastodon.social"),
    ],
)
def test_mastodon_server_is_read_from_what_readers_type(typed, host):
    assert mastodon_instance_host(typed) == host


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "localhost",
        "127.0.0.1",
        "mastodon.social:8443",
        "https://mastodon.social/evil/path",
        "https://user:pass@mastodon.social",
        "https://mastodon.social/?q=1",
        "javascript:alert(1)",
        "//evil.example",
        "mastodon.social\r\nSet-Cookie: a=b",
        "evil.example/share?x=",
        "a..b",
        "-bad.example",
        "x" * 300 + ".com",
        "ftp://mastodon.social",
        "mastodon .social",
        "https://mastodon.social:443",
        "@me@mastodon.social:8443",
        "https://mastodon.social@evil.example",
        "https://evil.example\\@mastodon.social",
        "me@evil.example@mastodon.social",
        "[::1]",
        "https://[2001:db8::1]/",
        "10.0.0.1",
        "0x7f.0.0.1",
        "2130706433",
        "mastodon.social\r\nLocation: https://evil.example",
        "mastodon.social%0d%0aSet-Cookie:a=b",
        "mastodon.social\x00",
        "mastodon.social.",
        "bü cher.social",
    ],
)
def test_anything_that_is_not_a_host_name_is_refused(typed):
    assert mastodon_instance_host(typed) is None


def share_url(article):
    return reverse("articles:share-mastodon", kwargs={"slug": article.slug})


def test_mastodon_form_redirects_to_the_readers_server_with_the_article(client):
    article = ArticleFactory(headline='Cats & dogs: "the debate"', slug="cats")
    response = client.get(share_url(article), {"instance": "@me@mastodon.social"}, **SAME_SITE)

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "mastodon.social", "/share")
    assert parse_qs(target.query) == {
        "text": ['Cats & dogs: "the debate" http://testserver/articles/cats/']
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_referer_from_this_site_also_counts_as_our_form(client):
    article = ArticleFactory()
    response = client.get(
        share_url(article),
        {"instance": "mastodon.social"},
        HTTP_REFERER=f"http://testserver{article.get_absolute_url()}",
    )
    assert response.status_code == 302


def mastodon_step(client, article, typed, **headers):
    """The share step's own page (no redirect): what the reader sees there, never indexed."""
    response = client.get(share_url(article), {"instance": typed}, **headers)
    assert response.status_code == 200
    assert not response.has_header("Location")
    assertContains(response, '<meta name="robots" content="noindex">', html=True)
    return response


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_REFERER": "https://evil.example/"},
        {"HTTP_REFERER": "https://testserver.evil.example/"},
    ],
)
def test_a_link_from_elsewhere_is_not_an_open_redirect(client, headers):
    article = ArticleFactory(slug="story")
    response = mastodon_step(client, article, "phish.example", **headers)
    assertContains(response, "Continue to phish.example")
    assertContains(response, "https://phish.example/share?text=")


@pytest.mark.parametrize(
    "typed",
    [
        'not a server"><script>',
        "mastodon.social\r\nLocation: https://evil.example",
        "mastodon.social:8443",
        "https://user@mastodon.social",
        "127.0.0.1",
    ],
)
def test_a_bad_server_gets_a_clear_message_and_keeps_the_text(client, typed):
    response = mastodon_step(client, ArticleFactory(), typed, **SAME_SITE)
    assertContains(response, "Enter the address of a Mastodon server, such as mastodon.social.")
    assert response.context["form"]["instance"].value() == typed
    assertNotContains(response, "<script>")
    assertNotContains(response, "Continue to")


def test_the_share_step_describes_itself_and_is_never_indexed(client):
    article = ArticleFactory(headline='Cats & "dogs"')
    page = head(client, share_url(article))
    assert page.one("robots") == "noindex"
    assert page.one("description") == 'Share “Cats & "dogs"” on your own Mastodon server.'
    assert page.link("canonical") == [f"http://testserver{share_url(article)}"]


def test_the_typed_server_is_escaped_in_the_form(client):
    typed = 'not a server"><script>'
    response = mastodon_step(client, ArticleFactory(), typed, **SAME_SITE)
    assertContains(response, 'value="not a server&quot;&gt;&lt;script&gt;"')


def test_an_empty_or_huge_server_name_is_a_message_not_an_error(client):
    article = ArticleFactory()
    for typed in ("", "m" * 5000):
        assert mastodon_step(client, article, typed, **SAME_SITE).context["form"].errors


def test_sharing_a_draft_on_mastodon_is_404(client):
    draft = ArticleFactory(draft=True)
    response = client.get(share_url(draft), {"instance": "mastodon.social"}, **SAME_SITE)
    assert response.status_code == 404


def test_share_row_has_the_mastodon_form_and_hidden_script_buttons(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    form = re.search(r'<form class="share__mastodon-form" method="get" action="([^"]+)"', html)
    assert form and form.group(1) == share_url(article)
    assert '<label for="share-mastodon-instance">Your Mastodon server</label>' in html
    # Buttons that need JavaScript start hidden; share.js reveals them where they work.
    for item in ("data-share-copy-item", "data-share-native-item"):
        assert re.search(rf"<li [^>]*{item} hidden>", html), item
    assert 'data-url="http://testserver/articles/harbour-bridge-reopens/"' in html
    assert '<script src="/static/js/share.js" defer></script>' in html


def test_the_share_row_follows_the_setting(client, article, settings):
    settings.NEWSROOM_SHARE_NETWORKS = ["copy", "mastodon"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("data-share-copy-item") < html.index("share__mastodon-form")
    assert "data-share-native-item" not in html
    assert "share__link--facebook" not in html


def test_share_networks_setting_is_checked_at_startup(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from articles.checks import check_share_networks

    assert check_share_networks(None) == []
    settings.NEWSROOM_SHARE_NETWORKS = ["Facebook", "x", "myspace", "x"]
    errors = check_share_networks(None)
    assert [error.id for error in errors] == ["articles.E001", "articles.E002"]
    assert errors[0].msg == "NEWSROOM_SHARE_NETWORKS names unknown networks: Facebook, myspace."
    assert "facebook, x, bluesky, mastodon" in errors[0].hint
    assert errors[1].msg == "NEWSROOM_SHARE_NETWORKS names x more than once."
    with pytest.raises(SystemCheckError, match=r"articles\.E001"):
        call_command("check")


def test_an_unknown_network_still_fails_loudly_if_the_check_was_skipped(client, article, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.NEWSROOM_SHARE_NETWORKS = ["myspace"]
    with pytest.raises(ImproperlyConfigured, match="known networks: native, facebook"):
        client.get(article.get_absolute_url())
