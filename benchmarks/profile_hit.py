"""CPU of a page-cache hit, in process, through Django's WSGI handler (what gunicorn calls).

    .venv/bin/python benchmarks/profile_hit.py --database newsroom_bench_10000 [--profile]

Production settings (the environment ``benchmarks/common.py`` gives the bench server) on a
bench database that ``bench.py`` seeded; the page cache in Redis (``BENCH_REDIS``). Each
page is requested once (the miss that stores it), then ``--requests`` times from the cache,
with no network and no server: what is left is Django, the middleware and the page cache.
It prints the CPU microseconds per hit (and per request of the constant page, ``/robots.txt``),
the Redis commands of one hit, and with ``--profile`` the top of a cProfile of the hits.
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


def environ(path: str, port: int) -> dict:
    path, _, query = path.partition("?")
    return {
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="newsroom_bench_10000")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", choices=("constant", "home", "article", "tag", "search"))
    options = parser.parse_args()

    import common

    port = 8000
    os.environ.update(
        common.production_env(
            options.database, port=port, page_cache=True, secret_key=common.new_secret_key()
        )
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.production")
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # the request log line of every request
    from django.core.cache import caches
    from django.core.handlers.wsgi import WSGIHandler

    import site_facts

    facts = site_facts.facts()
    pages = {
        "constant": "/robots.txt",
        "home": "/",
        "article": f"/articles/{facts['special_slug']}/",
        "tag": f"/tags/{facts['biggest_tag']}/",
        "search": f"/search/?q={facts['common_word']}",
    }
    handler = WSGIHandler()
    caches["pages"].clear()

    def request(path):
        statuses = []
        body = handler(environ(path, port), lambda status, headers: statuses.append(status))
        size = sum(len(chunk) for chunk in body)
        if hasattr(body, "close"):
            body.close()
        return statuses[0], size

    client = caches["pages"]._cache.get_client()
    for name, path in pages.items():
        request(path)  # the miss that stores the page
        time.sleep(1.1)  # past the margin after which a page is stored
        request(path)
        before = client.info("commandstats")
        status, size = request(path)
        after = client.info("commandstats")
        calls = {
            name.removeprefix("cmdstat_"): stats["calls"] - before.get(name, {}).get("calls", 0)
            for name, stats in after.items()
            if name != "cmdstat_info"
        }
        commands = {name: count for name, count in calls.items() if count}
        started = time.process_time()
        for _ in range(options.requests):
            request(path)
        per_hit = (time.process_time() - started) / options.requests * 1e6
        print(f"{name:9} {status:7} {size:8,} bytes {per_hit:7.0f} µs CPU  redis: {commands}")

    if options.profile:
        path = pages[options.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(options.requests):
            request(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
