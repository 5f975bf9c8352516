"""What pytest runs under (pyproject.toml): development's settings, faster and
independent of the shell's cache."""

from .development import *  # noqa: F403

# Hashing with PBKDF2 is deliberately slow; tests need speed, not secrecy.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Rate limits count in the cache; tests/conftest.py clears it before every test, which must
# never reach a Redis that NEWSROOM_CACHE_URL may name.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Jobs run at once, inside the test (the shell's DJANGO_TASKS_BACKEND is ignored), so every
# email reaches mail.outbox; tests/test_tasks.py swaps in the dummy and database backends.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests change rows directly (factories), which no page-cache invalidation follows: pages are
# rendered every time, with their cache headers. tests/test_page_cache.py turns it on.
NEWSROOM_PAGE_CACHE = False
# The same for the fragments of pages (newsroom/fragments.py): tests/test_fragments.py turns
# them on.
NEWSROOM_FRAGMENT_CACHE = False
