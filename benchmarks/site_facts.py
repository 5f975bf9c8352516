"""What the benchmarks ask the site itself, run with the server's environment; prints JSON.

    python benchmarks/site_facts.py counts      # bench stories and comments
    python benchmarks/site_facts.py facts       # the pages to measure and the settings
    python benchmarks/site_facts.py session bench-reader   # a logged-in session cookie

A session is made the way ``login()`` makes one, so it needs the server's
``DJANGO_SECRET_KEY``: run it with the same environment as the server.
"""

import json
import math
import os
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from newsroom.settings import settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from taggit.models import Tag  # noqa: E402

from accounts.models import User  # noqa: E402
from articles.management.commands import seed_bench  # noqa: E402
from articles.models import Article, Author, Comment  # noqa: E402


def counts() -> dict:
    return {
        "articles": Article.objects.filter(slug__startswith=seed_bench.PREFIX).count(),
        "comments": Comment.objects.filter(article__slug__startswith=seed_bench.PREFIX).count(),
    }


def facts() -> dict:
    published = Article.objects.published()
    tag = (
        Tag.objects.annotate(
            stories=Count(
                "articles_taggedarticle_items",
                filter=Q(articles_taggedarticle_items__content_object__in=published),
            )
        )
        .order_by("-stories")
        .first()
    )
    author = (
        Author.objects.annotate(stories=Count("bylines", filter=Q(bylines__article__in=published)))
        .order_by("-stories")
        .first()
    )
    page_size = settings.NEWSROOM_PAGE_SIZE
    latest = published.filter(hero_image__isnull=False).latest_first().first()
    return {
        **counts(),
        "published": published.count(),
        "page_size": page_size,
        "last_home_page": math.ceil(published.count() / page_size),
        "biggest_tag": tag.slug,
        "biggest_tag_stories": tag.stories,
        "last_tag_page": math.ceil(tag.stories / page_size),
        "busiest_author": author.slug,
        "busiest_author_stories": author.stories,
        "last_author_page": math.ceil(author.stories / page_size),
        "special_slug": seed_bench.SPECIAL_SLUG,
        "latest_slug": latest.slug if latest else None,
        "common_word": seed_bench.COMMON_WORD,
        "rare_word": seed_bench.RARE_WORD,
        "reader": seed_bench.READER_USERNAME,
        "admin": seed_bench.ADMIN_USERNAME,
        # Absent until the page cache lands: then both runs render every page.
        "page_cache_setting": getattr(settings, "NEWSROOM_PAGE_CACHE", None),
        "web_concurrency": _workers(),
    }


def _workers() -> int:
    import newsroom.gunicorn

    return newsroom.gunicorn.workers


def session(username: str) -> dict:
    """A session of ``username`` as ``django.contrib.auth.login()`` stores it."""
    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}"}


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    answer = {"counts": counts, "facts": facts, "session": session}[command](*arguments)
    print(json.dumps(answer, default=str))
