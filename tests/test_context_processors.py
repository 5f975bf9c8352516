"""The site context: account and admin pages are marked noindex, found by URL name."""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import include, path, reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from newsroom.context_processors import site

NOINDEX = '<meta name="robots" content="noindex">'

# The same apps under other prefixes, as a site might mount them.
urlpatterns = [
    path("members/", include("accounts.urls")),
    path("members/", include("allauth.urls")),
    path("staff/", admin.site.urls),
    path("", include("articles.urls")),
]


@pytest.mark.django_db
def test_account_pages_are_noindex_and_reader_pages_are_not(client, commenter):
    assertContains(client.get(reverse("account_login")), NOINDEX, html=True)
    assertNotContains(client.get(reverse("articles:home")), 'name="robots"')
    client.force_login(commenter)
    assertContains(client.get(reverse("accounts:profile")), NOINDEX, html=True)
    assert site(RequestFactory().get(reverse("admin:index")))["noindex"]


@pytest.mark.urls("tests.test_context_processors")
def test_noindex_follows_the_account_and_admin_urls_where_they_are_mounted():
    def noindex(path: str) -> bool:
        return site(RequestFactory().get(path))["noindex"]

    assert noindex("/members/login/") and noindex("/members/profile/")
    assert noindex("/staff/") and noindex("/staff/articles/comment/")
    assert not noindex("/accounts/login/") and not noindex("/admin/")
    assert not noindex("/") and not noindex("/articles/members/")
