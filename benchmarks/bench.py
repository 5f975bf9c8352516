"""``make bench``: the production server at two data sizes, measured against our targets.

    .venv/bin/python benchmarks/bench.py --sizes 10000,100000     # what make bench runs
    .venv/bin/python benchmarks/bench.py --sizes 1000,5000        # a quick run, minutes
    .venv/bin/python benchmarks/bench.py --sizes 10000 --cached-only   # cached pages only

For each size (stories; 10 comments a story unless ``STORIES:COMMENTS``) it seeds a
dedicated PostgreSQL database (``newsroom_bench_<stories>``, reused when a run already
seeded it) with ``manage.py seed_bench``, starts ``python -m newsroom.serve`` (``make
serve``) on loopback with the production settings, and measures:

- throughput with ``wrk`` (fixed duration and connections) of the pages in ``LOAD_PAGES``,
  once with the page cache on and once off (``NEWSROOM_PAGE_CACHE``), at the largest size;
- the median of a few sequential requests, page cache off, of ``DEEP_PAGES``,
  ``TIMED_PAGES`` and the sitemaps, at every size, and the ratio between the sizes.

It prints the tables, PASS or FAIL for each target from the measured numbers, and writes
them into docs/PERFORMANCE.md. Everything listens on and talks to 127.0.0.1 only.
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

import common
from common import log

# --- What is measured. Paths may name facts from site_facts.py: {special_slug}, ... -------


@dataclass(frozen=True)
class LoadPage:
    label: str
    path: str
    kind: str  # "constant", "anonymous" or "logged-in"
    login: str | None = None  # "reader" or "admin"


@dataclass(frozen=True)
class DeepPage:
    """A listing page far from the first: page ``depth`` (or the last) of ``path``'s pages.

    Reached the way the site links to it: when its rel="next" link says ``?page=2``, the
    page number goes straight into the address; otherwise (keyset, "older stories" links)
    the rel="next" links are followed, as a crawler would."""

    label: str
    path: str
    depth: int | str  # a page number, or "last"
    last_page_fact: str


@dataclass(frozen=True)
class TimedPage:
    label: str
    path: str
    group: str  # "search" or "admin": which ratio target applies; "info": none
    login: str | None = None


LOAD_PAGES = [
    LoadPage("constant page: /robots.txt", "/robots.txt", "constant"),
    LoadPage("home", "/", "anonymous"),
    LoadPage("article, 200 comments", "/articles/{special_slug}/", "anonymous"),
    LoadPage(
        "article, 200 comments, logged in", "/articles/{special_slug}/", "logged-in", "reader"
    ),
    LoadPage("tag page (biggest tag)", "/tags/{biggest_tag}/", "anonymous"),
    LoadPage("search (common word)", "/search/?q={common_word}", "anonymous"),
    LoadPage("feed", "/feed/", "anonymous"),
]
DEEP_PAGES = [
    DeepPage("home, page 500", "/", 500, "last_home_page"),
    DeepPage("biggest tag, last page", "/tags/{biggest_tag}/", "last", "last_tag_page"),
    DeepPage("busiest author, last page", "/authors/{busiest_author}/", "last", "last_author_page"),
]
TIMED_PAGES = [
    # The pages wrk loads, one request at a time: where the time of one goes (no target).
    TimedPage("home", "/", "info"),
    TimedPage("article, 200 comments", "/articles/{special_slug}/", "info"),
    TimedPage("article, 200 comments, logged in", "/articles/{special_slug}/", "info", "reader"),
    TimedPage("search, common word", "/search/?q={common_word}", "search"),
    TimedPage("search, rare word", "/search/?q={rare_word}", "search"),
    TimedPage("admin: comment queue", "/admin/articles/comment/", "admin", "admin"),
    TimedPage(
        "admin: held comments", "/admin/articles/comment/?status__exact=pending", "admin", "admin"
    ),
    TimedPage(
        "admin: article search", "/admin/articles/article/?q={common_word}", "admin", "admin"
    ),
]

# --- Targets (docs/PERFORMANCE.md) ---------------------------------------------------------

CACHED_SHARE = 0.80  # of the constant page's req/s, for cached anonymous pages
CACHED_P99_MS = 50
UNCACHED_ARTICLE_SHARE = 0.05
LOGGED_IN_SHARE = 0.03
RATIO_LIMITS = {"deep": 2.0, "search": 3.0, "admin": 2.0}
SAMPLES_CAP_SECONDS = 10  # a page slower than this is sampled 3 times, not --samples
MAX_HOPS, MAX_HOP_SECONDS = 3000, 240

WRK_SCRIPT = """\
-- Written by benchmarks/bench.py: wrk's summary as one JSON line.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass
class Size:
    stories: int
    comments: int

    @property
    def label(self) -> str:
        return f"{_short(self.stories)} stories / {_short(self.comments)} comments"

    @property
    def database(self) -> str:
        return f"newsroom_bench_{self.stories}"


def _short(number: int) -> str:
    if number >= 1_000_000 and number % 100_000 == 0:
        return f"{number / 1_000_000:g}M"
    if number >= 1000 and number % 100 == 0:
        return f"{number / 1000:g}k"
    return f"{number:,}"


def parse_sizes(text: str, *, at_least: int = 2) -> list[Size]:
    sizes = []
    for part in text.split(","):
        stories, _, comments = part.strip().partition(":")
        sizes.append(Size(int(stories), int(comments) if comments else 10 * int(stories)))
    if len(sizes) < at_least:
        raise SystemExit("--sizes needs two sizes or more, e.g. 10000,100000")
    return sorted(sizes, key=lambda size: size.stories)


# --- Load: wrk -----------------------------------------------------------------------------


def wrk(url: str, *, seconds: int, connections: int, threads: int, cookie: str) -> dict:
    script = common.BENCH_DIR / "summary.lua"
    script.write_text(WRK_SCRIPT)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script)]
    # As every browser asks: the pages go out gzipped (newsroom.middleware.TextGZipMiddleware,
    # and the page cache keeps a gzipped copy beside the plain one).
    command += ["-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(  # noqa: S603 - wrk at our own loopback server
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed on {url}:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": errors,
        "requests": data["requests"],
        "kib_per_response": data["bytes"] / max(data["requests"], 1) / 1024,
    }


def settle(server, workers: int, *, limit: float = 120) -> None:
    """Wait until every worker is free: wrk leaves up to --connections requests queued when
    it stops, which the sync workers still serve, and the next run must not pay for them."""
    url = f"{server.base}/robots.txt"
    deadline = time.monotonic() + limit
    with ThreadPoolExecutor(workers) as pool:
        while time.monotonic() < deadline:
            answers = list(pool.map(lambda _: common.fetch(url, timeout=limit), range(workers)))
            if all(answer.seconds < 0.25 for answer in answers):
                return
            time.sleep(0.5)


def warm_up(server, facts: dict, cookies: dict, args) -> None:
    """Every worker imports and compiles on its first requests: do that before measuring."""
    paths = [("/", ""), ("/articles/{special_slug}/", ""), ("/search/?q=x", "")]
    paths += [("/articles/{special_slug}/", cookies["reader"]), ("/admin/", cookies["admin"])]
    for path, cookie in paths:
        url = server.base + path.format(**facts)
        wrk(url, seconds=2, connections=2 * facts["web_concurrency"], threads=1, cookie=cookie)
        settle(server, facts["web_concurrency"])


# The server runs of each size that wrk loads: the page cache on; off, with the fragments
# of pages kept (newsroom/fragments.py: what a page the page cache misses costs); and both
# off, every part of a page rendered (its articles only: what the fragments save).
STATES = {
    "on": {"page_cache": True, "fragments": True},
    "off": {"page_cache": False, "fragments": True},
    "cold": {"page_cache": False, "fragments": False},
}
STATE_TITLES = {
    "on": "page cache on",
    "off": "page cache off (fragments kept)",
    "cold": "page cache and fragments off (every part of the page rendered)",
}


def load_suite(server, facts: dict, cookies: dict, args, *, state: str = "on") -> list[dict]:
    rows = []
    pages = [*LOAD_PAGES, LOAD_PAGES[0]]  # the constant page again last: drift shows
    if state == "cold":
        pages = [page for page in pages if page.kind == "constant" or "200 comments" in page.label]
    for page in pages:
        url = server.base + page.path.format(**facts)
        cookie = cookies.get(page.login, "")
        first = common.fetch(url, cookie=cookie)
        row = {"label": page.label, "kind": page.kind, "url": url, "status": first.status}
        if first.status != 200:
            log(f"  {page.label}: HTTP {first.status}, not measured")
            rows.append({**row, "rps": 0, "p50_ms": 0, "p99_ms": 0, "errors": 1})
            continue
        options = {"connections": args.connections, "threads": args.threads, "cookie": cookie}
        wrk(url, seconds=args.warmup, **options)
        settle(server, facts["web_concurrency"])
        measured = wrk(url, seconds=args.duration, **options)
        settle(server, facts["web_concurrency"])
        rows.append({**row, **measured})
        log(
            f"  {page.label:<38} {measured['rps']:>8.1f} req/s  p50 {measured['p50_ms']:>7.1f} ms"
            f"  p99 {measured['p99_ms']:>7.1f} ms  errors {measured['errors']}"
        )
    return rows


# --- Sequential timings --------------------------------------------------------------------


class _NextLink(HTMLParser):
    def __init__(self):
        super().__init__()
        self.href = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"a", "link"} and "next" in (attributes.get("rel") or "").split():
            self.href = self.href or attributes.get("href")


def next_link(response) -> str | None:
    parser = _NextLink()
    parser.feed(response.body.decode("utf-8", "replace"))
    return urljoin(response.url, parser.href) if parser.href else None


def resolve_deep(server, page: DeepPage, facts: dict, cookie: str = "") -> tuple[str, str]:
    """The address of the deep page, and how it was reached."""
    url = server.base + page.path.format(**facts)
    last = facts[page.last_page_fact]
    wanted = last if page.depth == "last" else min(page.depth, last)
    following = next_link(common.fetch(url, cookie=cookie))
    if following is None:
        return url, "one page only"
    if re.search(r"[?&]page=2(&|$)", following):
        separator = "&" if "?" in url else "?"
        return f"{url}{separator}page={wanted}", f"page {wanted:,} of {last:,}"
    # Keyset pagination: follow the links, bounded in count and time.
    hops, started = 1, time.monotonic()
    url = following
    while page.depth == "last" or hops + 1 < wanted:
        if hops >= MAX_HOPS or time.monotonic() - started > MAX_HOP_SECONDS:
            return url, f"{hops:,} rel=next hops (stopped: bound reached)"
        following = next_link(common.fetch(url, cookie=cookie))
        if following is None:
            break
        url, hops = following, hops + 1
    return url, f"{hops:,} rel=next hops"


def median_ms(url: str, *, samples: int, cookie: str = "") -> dict:
    warm = common.fetch(url, cookie=cookie)  # not counted: warms the worker's caches
    if warm.status != 200:
        return {"median_ms": None, "status": warm.status, "failed_after": warm.seconds}
    if warm.seconds > SAMPLES_CAP_SECONDS:
        samples = min(samples, 3)
    times = []
    for _ in range(samples):
        response = common.fetch(url, cookie=cookie)
        if response.status != 200:
            return {"median_ms": None, "status": response.status, "failed_after": response.seconds}
        times.append(response.seconds * 1000)
    return {"median_ms": statistics.median(times), "status": 200, "kib": len(warm.body) / 1024}


def sitemap_pages(server) -> list[tuple[str, str]]:
    """(label, url): the index, the first and last page of the article sitemap, and the first
    page of every other section, as the index lists them."""
    index_url = f"{server.base}/sitemap.xml"
    locations = re.findall(r"<loc>([^<]+)</loc>", common.fetch(index_url).body.decode())
    sections: dict[str, list[tuple[int, str]]] = {}
    for location in locations:
        match = re.search(r"sitemap-([\w-]+)\.xml(?:\?p=(\d+))?$", location)
        if match:
            sections.setdefault(match[1], []).append((int(match[2] or 1), location))
    pages = [("sitemap index", index_url)]
    for name, entries in sorted(sections.items()):
        entries.sort()
        pages.append((f"sitemap: {name}, page 1", entries[0][1]))
        if name == "articles":
            pages.append(("sitemap: articles, last page", entries[-1][1]))
    return pages


def timed_suite(server, facts: dict, cookies: dict, samples: int) -> dict[str, dict]:
    results = {}

    def measure(label, url, group, note="", cookie=""):
        result = median_ms(url, samples=samples, cookie=cookie)
        results[label] = {**result, "group": group, "note": note, "url": url}
        if result["median_ms"] is not None:
            shown = f"{result['median_ms']:.1f} ms"
        else:
            shown = f"HTTP {result['status']} after {result['failed_after']:.1f} s"
        log(f"  {label:<38} {shown:>11}  HTTP {result['status']}  {note}")

    for page in DEEP_PAGES:
        url, note = resolve_deep(server, page, facts)
        measure(page.label, url, "deep", note)
    for page in TIMED_PAGES:
        cookie = cookies.get(page.login, "")
        measure(page.label, server.base + page.path.format(**facts), page.group, "", cookie)
    for label, url in sitemap_pages(server):
        measure(label, url, "sitemap", url.removeprefix(server.base))
    return results


# --- The run -------------------------------------------------------------------------------


def run(args) -> dict:
    sizes = parse_sizes(args.sizes, at_least=1 if args.cached_only else 2)
    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    secret_key, port = common.new_secret_key(), common.free_port()
    report = {
        "started": datetime.now(UTC),
        "machine": common.machine(),
        "sizes": sizes,
        "args": args,
        "load": {},
        "timed": {},
        "seeding": {},
        "facts": {},
    }
    load_sizes = sizes if args.load_at == "all" else sizes[-1:]
    for size in sizes:
        log(f"\n=== {size.label} ===")
        env = {
            state: common.production_env(
                size.database, port=port, secret_key=secret_key, **STATES[state]
            )
            for state in STATES
        }
        report["seeding"][size.stories] = common.seed(
            env["off"],
            size.database,
            articles=size.stories,
            comments=size.comments,
            reseed=args.reseed,
        )
        facts = common.site_facts(env["off"], "facts")
        report["facts"][size.stories] = facts
        cookies = {
            role: common.site_facts(env["off"], "session", facts[role])["cookie"]
            for role in ("reader", "admin")
        }
        if facts["page_cache_setting"] is None:
            log("  Note: this checkout has no NEWSROOM_PAGE_CACHE setting: both runs are uncached.")
        states = tuple(STATES) if size in load_sizes else ("off",)
        if args.cached_only:
            states = ("on",) if size in load_sizes else ()
        for state in states:
            common.flush_redis()
            with common.running_server(env[state], f"{size.stories}-cache-{state}") as server:
                warm_up(server, facts, cookies, args)
                if size in load_sizes:
                    log(f"-- wrk, {STATE_TITLES[state]}: {args.duration} s, {args.connections} "
                        f"connections, {args.threads} threads")  # fmt: skip
                    report["load"].setdefault(size.stories, {})[state] = load_suite(
                        server, facts, cookies, args, state=state
                    )
                if state == "off" and not args.cached_only:
                    log(f"-- sequential requests, page cache off (median of {args.samples})")
                    report["timed"][size.stories] = timed_suite(
                        server, facts, cookies, args.samples
                    )
        if args.drop_after:
            common.recreate_database(size.database)
    report["finished"] = datetime.now(UTC)
    report["load_after"] = common.machine()["load"]
    return report


# --- The report ----------------------------------------------------------------------------


def verdict(passed: bool) -> str:
    return "PASS" if passed else "**FAIL**"


def load_table(rows: list[dict], state: str, verdicts: list) -> list[str]:
    constants = [row["rps"] for row in rows if row["kind"] == "constant" and row["rps"]]
    constant = statistics.mean(constants) if constants else 0
    lines = [
        "| page | req/s | p50 ms | p99 ms | errors | KiB | of constant | target | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        share = row["rps"] / constant if constant else 0
        target, passed = "", None
        if row["kind"] == "anonymous" and state == "on":
            target = f"≥ {CACHED_SHARE:.0%}, p99 < {CACHED_P99_MS} ms, no errors"
            passed = share >= CACHED_SHARE and row["p99_ms"] < CACHED_P99_MS and not row["errors"]
        elif row["kind"] == "anonymous" and state == "off" and "200 comments" in row["label"]:
            target = f"≥ {UNCACHED_ARTICLE_SHARE:.0%}"
            passed = share >= UNCACHED_ARTICLE_SHARE and not row["errors"]
        elif row["kind"] == "logged-in" and state == "on":
            target = f"≥ {LOGGED_IN_SHARE:.0%}"
            passed = share >= LOGGED_IN_SHARE and not row["errors"]
        if passed is not None:
            verdicts.append((f"{row['label']} (page cache {state})", passed))
        lines.append(
            f"| {row['label']} | {row['rps']:.1f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['errors']} | {row.get('kib_per_response', 0):.1f} | {share:.1%} "
            f"| {target or '—'} "
            f"| {verdict(passed) if passed is not None else '—'} |"
        )
    lines.append(f"\nConstant page (mean of the first and last run): {constant:.1f} req/s.")
    return lines


def timed_table(report: dict, verdicts: list) -> list[str]:
    sizes = report["sizes"]
    small, large = sizes[0], sizes[-1]
    heads = " | ".join(f"{_short(size.stories)} ms" for size in sizes)
    lines = [
        f"| page | {heads} | ratio | target | result | reached as ({_short(large.stories)}) |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | --- | --- | --- |",
    ]
    labels = list(report["timed"][large.stories])
    for label in labels:
        cells, values = [], []
        for size in sizes:
            result = report["timed"][size.stories].get(label)
            value = result and result["median_ms"]
            values.append(value)
            cells.append(
                f"{value:.1f}" if value is not None else f"HTTP {result and result['status']}"
            )
        result = report["timed"][large.stories][label]
        group = result["group"]
        low, high = values[0], values[-1]
        ratio = high / low if low and high else None
        limit = RATIO_LIMITS.get(group)
        passed = None
        if limit is not None:
            passed = ratio is not None and ratio <= limit
            verdicts.append(
                (f"{label}: {_short(large.stories)} vs {_short(small.stories)}", passed)
            )
        lines.append(
            f"| {label} | {' | '.join(cells)} | {f'{ratio:.2f}' if ratio else '—'} "
            f"| {f'≤ {limit:g}' if limit else '—'} "
            f"| {verdict(passed) if passed is not None else '—'} | {result['note']} |"
        )
    return lines


def render(report: dict) -> str:
    machine, args, sizes = report["machine"], report["args"], report["sizes"]
    large = sizes[-1]
    facts = report["facts"][large.stories]
    verdicts: list[tuple[str, bool]] = []
    minutes = (report["finished"] - report["started"]).total_seconds() / 60
    lines = [
        f"## Results of {report['started']:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {machine['cores']} cores, {machine['memory_gib']} GiB, Linux "
        f"{machine['kernel']}; PostgreSQL {machine['postgresql']}; Python {machine['python']}; "
        f"gunicorn with {facts['web_concurrency']} sync workers; wrk on the same machine.",
        f"- Load average {machine['load']} at the start, {report['load_after']} at the end "
        "(other work on the machine shows here: the figures are only as quiet as it was).",
        f"- Code: commit {machine['commit']}. Page cache setting in this checkout: "
        + (
            "absent (no NEWSROOM_PAGE_CACHE yet: the page cache on and off runs are the same "
            "code, both uncached)"
            if facts["page_cache_setting"] is None
            else "NEWSROOM_PAGE_CACHE, true for the cached run, false for the other"
        )
        + ".",
        f"- Command: `make bench BENCH_SIZES={args.sizes}`, {minutes:.0f} minutes in all.",
    ]
    for size in sizes:
        seeding = report["seeding"][size.stories]
        size_facts = report["facts"][size.stories]
        seeded = f"seeded in {seeding['seconds']:.0f} s" if seeding["seconds"] else "seeded"
        if seeding["reused"]:
            seeded += " by an earlier run (migrate and seed_bench)"
        else:
            seeded += " (migrate and seed_bench)"
        lines.append(
            f"- {size.label}: {seeded}; {size_facts['published']:,} published; biggest tag "
            f"{size_facts['biggest_tag_stories']:,} stories, busiest author "
            f"{size_facts['busiest_author_stories']:,}; database "
            f"{common.database_size(size.database) / 2**30:.1f} GiB."
        )
    for stories, runs in report["load"].items():
        for state, rows in runs.items():
            lines += [
                "",
                f"### Throughput, {STATE_TITLES[state]}, {_short(stories)} stories "
                f"(wrk: {args.duration} s, {args.connections} connections, {args.threads} threads)",
                "",
                *load_table(rows, state, verdicts),
            ]
    if report["timed"]:
        lines += [
            "",
            "### Sequential requests, page cache off, fragments kept (median of "
            f"{args.samples}; ratio = {_short(large.stories)} / {_short(sizes[0].stories)})",
            "",
            *timed_table(report, verdicts),
        ]
    lines += (
        [
            "",
            "An HTTP 500 after about 30 s is gunicorn's worker timeout (its default `--timeout`): "
            "the page took longer than that and the worker was restarted.",
        ]
        if any(
            result["median_ms"] is None
            for runs in report["timed"].values()
            for result in runs.values()
        )
        else []
    )
    failed = [name for name, passed in verdicts if not passed]
    lines += [
        "",
        f"### Targets: {len(verdicts) - len(failed)} of {len(verdicts)} met",
        "",
        *[f"- {verdict(passed)}: {name}" for name, passed in verdicts],
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="stories[:comments],...")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk before each run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=5, help="sequential requests per page")
    parser.add_argument(
        "--load-at", choices=("largest", "all"), default="largest", help="sizes to run wrk at"
    )
    parser.add_argument("--reseed", action="store_true", help="seed even if the data is there")
    parser.add_argument(
        "--drop-after", action="store_true", help="empty each bench database once measured"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--cached-only",
        action="store_true",
        help="only wrk with the page cache on (a quick look at the cached ratios; implies"
        " --no-write)",
    )
    args = parser.parse_args()
    args.no_write = args.no_write or args.cached_only
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            sys.exit(f"make bench needs {tool} (apt-get install {tool}).")
    report = run(args)
    text = render(report)
    log("\n" + text)
    if not args.no_write:
        common.write_section("bench", text)
        log(f"\nWritten to {common.PERFORMANCE_MD.relative_to(common.ROOT)}.")


if __name__ == "__main__":
    main()
