"""Previews: staff see unpublished stories as readers will; signed links for outsiders."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import PreviewLink
from articles.services import preview_link_create, preview_link_revoke
from tests.factories import ArticleFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(writer):
    return ArticleFactory(draft=True, headline="Secret merger story", created_by=writer)


def preview_url(article):
    return reverse("articles:preview", kwargs={"pk": article.pk})


def test_staff_preview_shows_the_draft_as_readers_will_with_a_banner(client, writer, draft):
    client.force_login(writer)

    response = client.get(preview_url(draft))

    assertContains(response, '<h1 class="article__headline">Secret merger story</h1>', html=True)
    assertContains(response, "Draft: readers cannot see this story yet.")
    assertContains(response, '<meta name="robots" content="noindex">', html=True)
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_admin_links_to_the_preview(client, writer, draft):
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assertContains(response, f'href="{preview_url(draft)}"')


def test_preview_is_refused_to_readers_strangers_and_anonymous_visitors(client, draft):
    anonymous = client.get(preview_url(draft))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))

    client.force_login(UserFactory())
    assert client.get(preview_url(draft)).status_code == 403

    client.force_login(staff_user("walter", "Writer"))
    assert client.get(preview_url(draft)).status_code == 403


def test_an_editor_previews_any_article(client, editor, draft):
    client.force_login(editor)
    assertContains(client.get(preview_url(draft)), "Secret merger story")


def test_an_editor_creates_a_preview_link_from_the_admin(client, editor, draft):
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_preview_link_create", args=[draft.pk]),
        {"note": "our lawyer"},
        follow=True,
    )

    link = PreviewLink.objects.get()
    assert link.created_by == editor
    assert link.note == "our lawyer"
    expected = timezone.now() + timedelta(hours=48)
    assert abs((link.expires_at - expected).total_seconds()) < 60
    assertContains(response, link.get_absolute_url())


def test_a_writer_cannot_create_or_revoke_preview_links(client, writer, editor, draft):
    client.force_login(writer)
    response = client.post(reverse("admin:articles_article_preview_link_create", args=[draft.pk]))
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()
    assertNotContains(
        client.get(reverse("admin:articles_article_change", args=[draft.pk])),
        "Create preview link",
    )

    link = preview_link_create(article=draft, by=editor)
    revoke = reverse("admin:articles_article_preview_link_revoke", args=[draft.pk, link.pk])
    assert client.post(revoke).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_valid_link_shows_the_draft_to_someone_without_an_account(client, editor, draft):
    link = preview_link_create(article=draft, by=editor)

    response = client.get(link.get_absolute_url())

    assertContains(response, "Secret merger story")
    assertContains(response, "This link stops working at")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assertContains(response, '<meta name="robots" content="noindex">', html=True)
    assert link.get_absolute_url().startswith("/preview/")


def test_an_expired_link_is_404(client, editor, draft):
    link = preview_link_create(article=draft, by=editor, hours=2)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert client.get(link.get_absolute_url()).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2, seconds=1), tick=False):
        assert client.get(link.get_absolute_url()).status_code == 404


def test_the_default_link_lasts_48_hours(client, editor, draft):
    link = preview_link_create(article=draft, by=editor)
    with time_machine.travel(timezone.now() + timedelta(hours=47, minutes=59), tick=False):
        assert client.get(link.get_absolute_url()).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1), tick=False):
        assert client.get(link.get_absolute_url()).status_code == 404


def test_a_revoked_link_is_404(client, editor, draft):
    link = preview_link_create(article=draft, by=editor)
    client.force_login(editor)
    client.post(reverse("admin:articles_article_preview_link_revoke", args=[draft.pk, link.pk]))
    client.logout()

    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(link.get_absolute_url()).status_code == 404


def test_a_tampered_link_is_404(client, editor, draft):
    link = preview_link_create(article=draft, by=editor)
    other = preview_link_create(article=ArticleFactory(draft=True), by=editor)
    preview_link_revoke(link=other, by=editor)
    key, signature = link.token.split(":")
    other_key = str(other.key)

    def altered(text: str) -> str:
        # Always a different last character, whatever the random key or signature ends in.
        return text[:-1] + ("1" if text[-1] == "0" else "0")

    for token in (
        f"{key}:{altered(signature)}",  # altered signature
        f"{other_key}:{signature}",  # another link's key with this signature
        key,  # no signature
        f"{altered(key)}:{signature}",  # altered key
    ):
        url = reverse("articles:preview-link", kwargs={"token": token})
        assert client.get(url).status_code == 404, token


@pytest.mark.parametrize(
    ("hours", "expected_hours"),
    [("6", 6), ("720", 720), ("0", 48), ("721", 48), ("²", 48), ("9" * 5000, 48), ("-3", 48)],
)
def test_an_odd_validity_typed_in_the_admin_gets_the_default_not_an_error(
    client, editor, draft, hours, expected_hours
):
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_preview_link_create", args=[draft.pk]), {"hours": hours}
    )

    assert response.status_code == 302
    expected = timezone.now() + timedelta(hours=expected_hours)
    assert abs((PreviewLink.objects.get().expires_at - expected).total_seconds()) < 60
