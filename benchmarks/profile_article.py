"""CPU of an uncached article page with 200 comments, anonymous and logged in, in process.

    .venv/bin/python benchmarks/profile_article.py --database newsroom_bench_10000 \
        [--requests N] [--profile anonymous|logged-in|constant]

Production settings (the environment ``benchmarks/common.py`` gives the bench server) with
the page cache off (``NEWSROOM_PAGE_CACHE=false``), on a database ``seed_bench`` filled, through
Django's WSGI handler (what gunicorn calls): no network, no server. Each page is requested
``--requests`` times, the three in turn so that the machine's noise falls on each alike; it
prints the CPU milliseconds a request and each page's cost against the constant page
(``/robots.txt``) measured in the same run: the share of the constant page's req/s that
``make bench`` reports is about the inverse. ``--profile`` prints the top of a cProfile.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def environ(path: str, port: int, cookie: str = "") -> dict:
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(port),
        "HTTP_HOST": f"127.0.0.1:{port}",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="newsroom_bench_10000")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=("constant", "anonymous", "logged-in"))
    parser.add_argument("--sort", default="tottime")
    parser.add_argument(
        "--fragments",
        choices=("on", "off"),
        default="on",
        help="keep the pages' fragments between requests (on: a page the page cache "
        "missed; off: every part rendered)",
    )
    options = parser.parse_args()

    import common

    port = 8000
    os.environ.update(
        common.production_env(
            options.database,
            port=port,
            page_cache=False,
            secret_key=common.new_secret_key(),
            fragments=options.fragments == "on",
        )
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.production")
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # the request log line of every request
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    # The pages name hashed static files: this checkout's, collected into $BENCH_DIR.
    call_command("collectstatic", interactive=False, verbosity=0)

    import site_facts

    facts = site_facts.facts()
    article = f"/articles/{facts['special_slug']}/"
    cookie = site_facts.session(facts["reader"])["cookie"]
    pages = {
        "constant": ("/robots.txt", ""),
        "anonymous": (article, ""),
        "logged-in": (article, cookie),
    }
    handler = WSGIHandler()

    def request(path, cookie):
        statuses = []
        body = handler(environ(path, port, cookie), lambda status, headers: statuses.append(status))
        size = sum(len(chunk) for chunk in body)
        if hasattr(body, "close"):
            body.close()
        return statuses[0], size

    spent = {name: [] for name in pages}
    for name, (path, cookie_) in pages.items():
        status, size = request(path, cookie_)
        print(f"{name:10} {status:7} {size:8,} bytes")
        if not status.startswith("200"):
            sys.exit(f"{path} answered {status}")
    for _ in range(options.rounds):
        for name, (path, cookie_) in pages.items():
            started = time.process_time()
            for _ in range(options.requests):
                request(path, cookie_)
            spent[name].append((time.process_time() - started) / options.requests * 1000)
    constant = min(spent["constant"])
    for name, times in spent.items():
        best = min(times)
        print(
            f"{name:10} {best:8.2f} ms CPU a request (best of {options.rounds}; "
            f"all: {', '.join(f'{t:.2f}' for t in times)})  "
            f"constant/page: {constant / best:6.1%}"
        )

    if options.profile:
        path, cookie_ = pages[options.profile]
        # CPU time, not wall time: waiting for PostgreSQL on a busy machine is not the cost.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(options.requests):
            request(path, cookie_)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(options.sort).print_stats(40)
        if os.environ.get("PROFILE_OUT"):
            stats.dump_stats(os.environ["PROFILE_OUT"])


if __name__ == "__main__":
    main()
