"""Search benchmark: fill a scratch PostgreSQL database, time searches with and without the index.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python benchmarks/search.py --articles 100000

It migrates the database named by DATABASE_URL, tops it up to ``--articles`` published
stories of generated text (bulk inserts; the trigger fills each stored search document;
the GIN index is dropped during the load and rebuilt after), then for each query prints
the best of several timings of what the search page does (count, one page, snippets) and
the EXPLAIN ANALYZE plan, first with the GIN index, then inside a transaction that drops
it and rolls back.
It refuses SQLite and any database whose name does not contain "bench" or "scratch":
it writes many rows. Not part of the test suite.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from newsroom.settings import settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.search import SEARCH_INDEX_NAME, add_snippets, search_articles  # noqa: E402

BATCH = 5_000
SYLLABLES = [consonant + vowel for consonant in "bdklmnrstv" for vowel in "aeiou"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(words, cumulative, rng, length) -> str:
    return " ".join(rng.choices(words, cum_weights=cumulative, k=length)).capitalize() + "."


def fill(target: int) -> None:
    existing = Article.objects.count()
    if existing >= target:
        print(f"{existing} articles already there.")
        return
    rng = random.Random(5)  # noqa: S311 - made-up text, not secrets
    words = vocabulary(20_000, rng)
    # Zipf-like: a few words in most stories, most words in few, as in real text.
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    now = timezone.now()
    print(f"Inserting {target - existing} articles in batches of {BATCH}...")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX IF EXISTS "{SEARCH_INDEX_NAME}"')
    started = time.perf_counter()
    for start in range(existing, target, BATCH):
        batch = [
            Article(
                headline=sentence(words, weights, rng, rng.randint(5, 10))[:200],
                slug=f"bench-{n}",
                standfirst=sentence(words, weights, rng, rng.randint(15, 30)),
                body="".join(
                    f"<p>{sentence(words, weights, rng, rng.randint(15, 40))}</p>"
                    for _ in range(rng.randint(4, 12))
                ),
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=n),
            )
            for n in range(start, min(start + BATCH, target))
        ]
        Article.objects.bulk_create(batch)
        print(f"  {start + len(batch)} rows", end="\r", flush=True)
    print(f"\nInserted in {time.perf_counter() - started:.1f}s.")


def ensure_index() -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX IF EXISTS "{SEARCH_INDEX_NAME}"')
        cursor.execute(
            f'CREATE INDEX "{SEARCH_INDEX_NAME}" ON articles_article USING gin (search_document)'
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    print(f"GIN index built and table analyzed in {time.perf_counter() - started:.1f}s.")


def timed(query: str, repeat: int) -> float:
    """Best wall time for what the search page does: count, one page, its snippets."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        results = search_articles(query)
        results.count()
        page = list(results[:20])
        add_snippets(page, query)
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def plan(query: str) -> str:
    return search_articles(query)[:20].explain(analyze=True)


def report(label: str, queries: list[str], repeat: int) -> dict[str, float]:
    print(f"\n===== {label} =====")
    results = {}
    for query in queries:
        results[query] = timed(query, repeat)
        print(f"\n--- {query!r}: {results[query]:.1f} ms (best of {repeat}) ---")
        print(plan(query))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a scratch PostgreSQL database: this benchmarks its index.")
    if "bench" not in name and "scratch" not in name:
        sys.exit(f"Refusing to fill {name!r}: use a database named like newsroom_bench.")

    call_command("migrate", verbosity=0)
    fill(args.articles)
    ensure_index()
    rng = random.Random(5)  # noqa: S311 - made-up text, not secrets
    words = vocabulary(20_000, rng)
    queries = [words[3], words[400], f"{words[10]} {words[2000]}", f'"{words[0]} {words[1]}"']
    print(f"\n{Article.objects.count()} articles; queries: {queries}")

    with_index = report("With the GIN index", queries, args.repeat)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP INDEX "{SEARCH_INDEX_NAME}"')
        without = report("Without the index (dropped in a transaction, rolled back)", queries, 1)
        transaction.set_rollback(True)

    print("\n===== Summary (ms) =====")
    print(f"{'query':<40} {'with index':>12} {'without':>12} {'speed-up':>10}")
    for query in queries:
        speedup = without[query] / with_index[query] if with_index[query] else float("nan")
        print(f"{query:<40} {with_index[query]:>12.1f} {without[query]:>12.1f} {speedup:>9.1f}x")
    print(f"median speed-up: {statistics.median(without[q] / with_index[q] for q in queries):.1f}x")


if __name__ == "__main__":
    main()
