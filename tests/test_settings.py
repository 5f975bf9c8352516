"""Settings come from the environment; production refuses insecure defaults."""

import os

import pytest

from tests.helpers import GOOD_KEY, PRODUCTION, run_django, run_python

PRINT_SETTINGS_MODULE = "from django.conf import settings; print(settings.SETTINGS_MODULE)"


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
        (
            {"DJANGO_ALLOWED_HOSTS": "news.example.org", "DJANGO_SECRET_KEY": "k" * 64},
            "DJANGO_SECRET_KEY is not random",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": "news.example.org", "DJANGO_SECRET_KEY": "abcd" * 16},
            "DJANGO_SECRET_KEY is not random",
        ),
        (
            # Many different characters, but one short piece over and over.
            {"DJANGO_ALLOWED_HOSTS": "news.example.org", "DJANGO_SECRET_KEY": "s3cr3t-K3y!" * 6},
            "DJANGO_SECRET_KEY is not random",
        ),
        (
            {
                "DJANGO_ALLOWED_HOSTS": "news.example.org",
                "DJANGO_SECRET_KEY": f"django-insecure-{GOOD_KEY}",
            },
            "needs DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": GOOD_KEY}, "needs DJANGO_ALLOWED_HOSTS"),
        (
            {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "*"},
            "DJANGO_ALLOWED_HOSTS must name the site's hosts",
        ),
        (
            {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "news.example.org,*"},
            "DJANGO_ALLOWED_HOSTS must name the site's hosts",
        ),
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
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="a.org,b.org",
        NEWSROOM_BASE_URL="https://a.org",
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


def test_development_settings_are_the_default():
    result = run_django(PRINT_SETTINGS_MODULE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "newsroom.settings.development"


def test_django_env_production_loads_the_production_settings():
    result = run_django(PRINT_SETTINGS_MODULE, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "newsroom.settings.production"


def test_an_explicit_settings_module_wins_over_django_env():
    result = run_django(
        PRINT_SETTINGS_MODULE,
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="newsroom.settings.development",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "newsroom.settings.development"


def test_an_unknown_django_env_is_a_clear_error():
    result = run_django("", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be 'development' or 'production'." in result.stderr


def test_the_settings_package_itself_is_refused_with_directions():
    result = run_django("", DJANGO_SETTINGS_MODULE="newsroom.settings")
    assert result.returncode != 0
    assert "use newsroom.settings.production or newsroom.settings.development" in result.stderr


@pytest.mark.parametrize(
    "start",
    [
        ("manage.py", "shell", "--no-imports", "-c", PRINT_SETTINGS_MODULE),
        ("-c", f"import newsroom.wsgi; {PRINT_SETTINGS_MODULE}"),
        ("-c", f"import newsroom.asgi; {PRINT_SETTINGS_MODULE}"),
    ],
    ids=["manage.py", "wsgi", "asgi"],
)
@pytest.mark.parametrize("environment", ["development", "production"])
def test_every_entry_point_loads_the_settings_django_env_names(start, environment):
    result = run_python(*start, **{**PRODUCTION, "DJANGO_ENV": environment})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"newsroom.settings.{environment}"


def test_pytest_runs_under_the_test_settings(settings):
    # pytest-django names the module (pyproject.toml) in the environment for Django.
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "newsroom.settings.test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
