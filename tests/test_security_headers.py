"""Security headers on every response: pages, static files, media, the admin."""

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


def permissions(response) -> dict[str, str]:
    return dict(
        item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(",")
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/static/css/site.css",
        "/feed/",
        "/accounts/login/",
        "/admin/login/",
        "/no-such-page/",
    ],
)
def test_every_response_denies_unused_features_and_cross_origin_reads(client, path):
    response = client.get(path)
    policy = permissions(response)
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert policy[feature] == "()", feature
    assert policy["web-share"] == "(self)"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_static_file_is_really_served_by_whitenoise_with_the_headers(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "Permissions-Policy" in response


def test_media_may_be_shown_by_other_sites_pages(client, settings):
    # Feeds carry the pictures (media:content) into feed readers, elsewhere.
    response = client.get(f"{settings.MEDIA_URL}renditions/missing.webp")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_admin_has_a_content_security_policy(client):
    policy = client.get(reverse("admin:login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    # Scripts from the site's own files (and, on forms with the rich text editor, its
    # import map by nonce: tests/test_public_pages.py).
    assert directives["script-src"] == "'self'"
    assert directives["style-src"].startswith("'self' 'sha256-")
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-eval'" not in policy
