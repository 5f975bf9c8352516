"""Settings come from the environment; production refuses insecure defaults."""

import pytest

from tests.helpers import GOOD_KEY, PRODUCTION, run_django


def load_settings(**env):
    return run_django(
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT)",
        **env,
    )


def test_development_defaults_to_sqlite_and_debug():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql():
    result = load_settings(DATABASE_URL="postgres://user@db.example:5432/news")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "news.example.org"}, "needs DJANGO_SECRET_KEY"),
        (
            {"DJANGO_ALLOWED_HOSTS": "news.example.org", "DJANGO_SECRET_KEY": "short"},
            "needs DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": GOOD_KEY}, "needs DJANGO_ALLOWED_HOSTS"),
        (
            {
                "DJANGO_SECRET_KEY": GOOD_KEY,
                "DJANGO_ALLOWED_HOSTS": "news.example.org",
                "DJANGO_DEBUG": "true",
            },
            "DJANGO_DEBUG must be off",
        ),
    ],
)
def test_production_refuses_to_start_without_secrets(env, message):
    result = load_settings(DJANGO_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_secure_with_a_key_and_hosts():
    result = load_settings(
        DJANGO_ENV="production", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="a.org,b.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.sqlite3",
        "['a.org',",
        "'b.org']",
        "True",
    ]


def test_a_malformed_boolean_is_a_clear_error():
    result = load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_production_hsts_preload_is_the_operators_choice():
    code = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"

    assert run_django(code, **PRODUCTION).stdout.split() == ["False"]
    opted_in = run_django(code, **PRODUCTION, DJANGO_SECURE_HSTS_PRELOAD="true")
    assert opted_in.stdout.split() == ["True"], opted_in.stderr


def test_the_content_security_policy_can_be_turned_off_and_reported():
    code = (
        "from django.conf import settings as s; p = s.CONTENT_SECURITY_POLICY; "
        "print(p and p['DIRECTIVES']['report-uri'])"
    )
    on = run_django(code, NEWSROOM_CSP_REPORT_URI="https://csp.example.org/r")
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "['https://csp.example.org/r']"
    off = run_django(code, NEWSROOM_CSP_ENABLED="false")
    assert off.stdout.strip() == "None"
