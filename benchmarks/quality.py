"""``make quality``: Lighthouse's four scores and the page weight of the home page and an article.

    CHROME_PATH=/usr/bin/chromium .venv/bin/python benchmarks/quality.py

Seeds a small bench database (``newsroom_quality``: stories with hero images, comments),
serves it with ``python -m newsroom.serve`` and the production settings on loopback, and
runs Lighthouse (``npx --yes lighthouse@LIGHTHOUSE``, mobile defaults) on each page. It
prints performance, accessibility, best practices and SEO, the bytes transferred, and
whether every request went to the server's own origin, against the targets (100 each,
under 50 KB, one origin), with the audits that cost points. The result goes into
docs/PERFORMANCE.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import common
from common import log

LIGHTHOUSE = "12.8.2"  # the last release that runs on Node 20 (13 needs Node 22)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
WEIGHT_LIMIT = 50 * 1000  # bytes: "under 50 KB"
DATABASE = "newsroom_quality"
PAGES = [("home", "/"), ("article", "/articles/{latest_slug}/")]


def lighthouse(url: str, output) -> dict:
    command = [
        "npx",
        "--yes",
        f"lighthouse@{LIGHTHOUSE}",
        url,
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)  # noqa: S603 - fixed command
    return json.loads(output.read_text())


def summarize(label: str, url: str, result: dict) -> dict:
    audits = result["audits"]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    requests = audits["network-requests"]["details"]["items"]
    foreign = sorted({item["url"] for item in requests if not item["url"].startswith(origin)})
    lost = []
    for name, category in result["categories"].items():
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{name}: {audit['title']} ({audit.get('displayValue', '')})".strip())
    https = audits.get("is-on-https", {})
    heaviest = sorted(
        audits["total-byte-weight"]["details"]["items"], key=lambda item: -item["totalBytes"]
    )[:4]
    return {
        "label": label,
        "url": url,
        "scores": {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES},
        "bytes": audits["total-byte-weight"]["numericValue"],
        "requests": len(requests),
        "foreign": foreign,
        "lost": lost,
        "heaviest": [
            f"{urlsplit(item['url']).path} {item['totalBytes'] / 1000:.1f} KB" for item in heaviest
        ],
        "https": f"{https.get('title', 'is-on-https')}: score {https.get('score')}",
        "version": result["lighthouseVersion"],
    }


def render(pages: list[dict], machine: dict) -> str:
    lines = [
        f"## Quality: Lighthouse {pages[0]['version']} (mobile defaults), "
        f"{common.now_text()}, commit {machine['commit']}",
        "",
        "| page | performance | accessibility | best practices | SEO | transferred | requests "
        "| one origin | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for page in pages:
        scores = page["scores"]
        passed = (
            all(score == 100 for score in scores.values())
            and page["bytes"] < WEIGHT_LIMIT
            and not page["foreign"]
        )
        lines.append(
            f"| {page['label']} (`{urlsplit(page['url']).path}`) | "
            + " | ".join(str(scores[name]) for name in CATEGORIES)
            + f" | {page['bytes'] / 1000:.1f} KB | {page['requests']} "
            f"| {'yes' if not page['foreign'] else 'no: ' + ', '.join(page['foreign'])} "
            f"| {'PASS' if passed else '**FAIL**'} |"
        )
    lines += ["", "Targets: 100 in each category, under 50 KB transferred, one origin."]
    for page in pages:
        lines += ["", f"{page['label']}: {page['https']}; heaviest: {', '.join(page['heaviest'])}."]
        lines += [f"- points lost: {item}" for item in page["lost"]] or ["- no points lost"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--comments", type=int, default=600)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if shutil.which("npx") is None:
        sys.exit("make quality needs Node's npx (apt-get install npm).")
    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = common.production_env(
        DATABASE, port=common.free_port(), page_cache=True, secret_key=common.new_secret_key()
    )
    common.seed(env, DATABASE, articles=args.stories, comments=args.comments, reseed=False)
    facts = common.site_facts(env, "facts")
    common.flush_redis()
    pages = []
    with common.running_server(env, "quality") as server:
        for label, path in PAGES:
            url = server.base + path.format(**facts)
            log(f"Lighthouse on {url} ...")
            result = lighthouse(url, common.BENCH_DIR / f"lighthouse-{label}.json")
            pages.append(summarize(label, url, result))
    text = render(pages, common.machine())
    log("\n" + text)
    if not args.no_write:
        common.write_section("quality", text)
        log(f"\nWritten to {common.PERFORMANCE_MD.relative_to(common.ROOT)}.")


if __name__ == "__main__":
    main()
