"""CPU per request of an article page with 200 comments, anonymous and logged in.

    .venv/bin/python benchmarks/profile_comments.py [--profile] [--requests N]

Runs the page through Django's test client on a throwaway SQLite database with the test
settings (no page cache), so it measures the view and its templates, not the network or
the server. ``--profile anonymous|logged-in`` prints the top of a cProfile of that page.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--comments", type=int, default=200, help="a multiple of 4")
    parser.add_argument("--profile", choices=("anonymous", "logged-in"))
    options = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # the request log line of every request
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    # No setup_test_environment(): its instrumented template rendering copies every
    # context for the test client, which would be most of what is measured.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from tests.factories import ArticleFactory, CommentFactory, UserFactory, VerifiedUserFactory

    article = ArticleFactory(tags=["Harbour", "Transport"])
    reader = VerifiedUserFactory(username="reader")
    # 50 threads of 4 comments: one page of threads, all 200 comments shown. The reader
    # wrote some (edit and delete links) and reported some (a "Reported" mark).
    from articles.models import CommentReport

    others = [UserFactory() for _ in range(8)]
    for number in range(options.comments // 4):
        top = CommentFactory(article=article, author=reader if number % 10 == 0 else others[0])
        for reply in range(3):
            CommentFactory(article=article, parent=top, author=others[(number + reply) % 8])
        if number % 7 == 0:
            CommentReport.objects.create(comment=top, reporter=reader, reason="spam")

    url = article.get_absolute_url()
    anonymous, logged_in = Client(), Client()
    logged_in.force_login(reader)
    for label, client in (("anonymous", anonymous), ("logged in", logged_in)):
        if (status := client.get(url).status_code) != 200:
            sys.exit(f"The {label} page answered {status}")
        started = time.process_time()
        for _ in range(options.requests):
            client.get(url)
        spent = (time.process_time() - started) / options.requests
        print(f"{label:>10}: {spent * 1000:.1f} ms CPU a request")
    if options.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        client = anonymous if options.profile == "anonymous" else logged_in
        for _ in range(20):
            client.get(url)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime"))
        stats.print_stats(30)
        if os.environ.get("PROFILE_CALLERS"):
            stats.print_callers(os.environ["PROFILE_CALLERS"])


if __name__ == "__main__":
    main()
