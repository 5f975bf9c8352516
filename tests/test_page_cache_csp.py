"""The Content-Security-Policy header: built once per process, the same header as django-csp
builds, the admin's own on the admin, a nonce when a page asks for one."""

from django.urls import reverse

import pytest
from csp.utils import build_policy

from newsroom import middleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    made = []

    def counting(*args, **kwargs):
        made.append(kwargs.get("report_only", False))
        return build_policy(*args, **kwargs)

    monkeypatch.setattr(middleware, "build_policy", counting)
    middleware._built_policies.clear()
    yield made
    middleware._built_policies.clear()


def test_the_reader_policy_is_built_once_and_is_django_csps(client, builds, settings):
    first = client.get(reverse("robots"))["Content-Security-Policy"]
    built = len(builds)
    for path in (reverse("robots"), reverse("articles:home"), reverse("articles:search")):
        assert client.get(path)["Content-Security-Policy"] == first
    assert len(builds) == built  # not built again
    assert first == build_policy()  # what django-csp would send
    assert "script-src 'self'" in first and "frame-ancestors 'none'" in first


def test_the_admin_policy_is_its_own_and_built_once(client, builds):
    reader = client.get(reverse("robots"))["Content-Security-Policy"]
    admin = client.get(reverse("admin:login"))["Content-Security-Policy"]
    built = len(builds)
    assert client.get(reverse("admin:login"))["Content-Security-Policy"] == admin
    assert len(builds) == built
    assert admin != reader and "'sha256-" in admin


def test_a_changed_setting_builds_the_policy_again(client, builds, settings):
    client.get(reverse("robots"))
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    }
    policy = client.get(reverse("robots"))["Content-Security-Policy"]
    assert "img-src 'self';" in policy + ";" and "https:" not in policy.split("img-src")[1][:20]


def test_no_policy_when_it_is_turned_off(client, builds, settings):
    client.get(reverse("robots"))
    settings.CONTENT_SECURITY_POLICY = None
    assert "Content-Security-Policy" not in client.get(reverse("robots"))


def test_a_page_that_asks_for_a_nonce_gets_it_in_its_own_header(rf, builds):
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    csp = middleware.NewsroomCSPMiddleware(view)
    policies = []
    for _ in range(2):
        request = rf.get("/admin/some-form/")
        response = csp(request)
        policies.append(response["Content-Security-Policy"])
        assert f"'nonce-{request._csp_nonce}'" in policies[-1]
    assert policies[0] != policies[1]  # one nonce a response, never a kept header
