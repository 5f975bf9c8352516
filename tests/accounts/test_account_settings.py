"""Mail and the shared cache come from the environment."""

import pytest

from tests.helpers import PRODUCTION, run_django


def setting(name: str, **env) -> str:
    result = run_django(f"from django.conf import settings; print(settings.{name})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_development_prints_mail_to_the_console():
    assert setting("EMAIL_BACKEND") == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_mail_through_the_configured_smtp_server():
    env = {
        **PRODUCTION,
        "DJANGO_EMAIL_HOST": "smtp.example.org",
        "DJANGO_EMAIL_PORT": "2525",
        "DJANGO_EMAIL_HOST_USER": "newsroom",
    }
    assert setting("EMAIL_BACKEND", **env) == "django.core.mail.backends.smtp.EmailBackend"
    assert setting("EMAIL_HOST", **env) == "smtp.example.org"
    assert setting("EMAIL_PORT", **env) == "2525"
    assert setting("EMAIL_HOST_USER", **env) == "newsroom"
    assert setting("EMAIL_USE_TLS", **env) == "True"


def test_cache_is_in_process_by_default_and_redis_from_the_environment():
    assert "LocMemCache" in setting("CACHES['default']['BACKEND']")
    redis = {"NEWSROOM_CACHE_URL": "redis://127.0.0.1:6379/0"}
    assert setting("CACHES['default']['BACKEND']", **redis) == "newsroom.cache.RedisCache"
    assert setting("CACHES['default']['LOCATION']", **redis) == "redis://127.0.0.1:6379/0"


def test_a_cache_url_that_is_not_redis_is_a_clear_error():
    result = run_django("", NEWSROOM_CACHE_URL="memcached://x")
    assert result.returncode != 0
    assert "NEWSROOM_CACHE_URL must be a redis:// URL" in result.stderr


@pytest.mark.parametrize(("cache_url", "fails"), [("", True), ("redis://127.0.0.1:6379/0", False)])
def test_production_checks_fail_without_a_shared_cache(cache_url, fails):
    result = run_django(
        "from django.core.management import call_command; call_command('check')",
        **PRODUCTION,
        NEWSROOM_CACHE_URL=cache_url,
    )
    assert (result.returncode != 0) == fails, result.stderr
    assert ("is not a shared cache" in result.stderr) == fails


def test_moderation_mode_must_be_post_or_pre():
    result = run_django("", NEWSROOM_COMMENT_MODERATION="sometimes")
    assert result.returncode != 0
    assert "NEWSROOM_COMMENT_MODERATION must be 'post' or 'pre'" in result.stderr
