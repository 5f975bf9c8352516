"""A large export is read one item at a time: memory does not grow with the file."""

import tracemalloc

from articles.importers.wxr import read

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>Big</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://big.example.org</wp:base_site_url>
"""
PARAGRAPH = "<p>" + "Council meets on Tuesday to discuss the harbour budget. " * 8 + "</p>\n"


def write_export(path, posts: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(1, posts + 1):
            out.write(
                f"<item><title>Story {n}</title><wp:post_id>{n}</wp:post_id>"
                f"<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
                f"<content:encoded><![CDATA[{PARAGRAPH * 40}]]></content:encoded>"
                + "".join(
                    f"<wp:comment><wp:comment_id>{n}{c}</wp:comment_id>"
                    f"<wp:comment_content>Comment {c}</wp:comment_content></wp:comment>"
                    for c in range(10)
                )
                + "</item>\n"
            )
        out.write("</channel></rss>\n")


def peak_reading(path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        items = sum(1 for kind, _ in read(path) if kind == "item")
        return items, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_export(tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_export(small, 100)
    write_export(large, 2_000)  # about 40 MB
    assert large.stat().st_size > 15 * small.stat().st_size

    small_items, small_peak = peak_reading(small)
    large_items, large_peak = peak_reading(large)

    assert (small_items, large_items) == (100, 2_000)
    # Twenty times the file, the same memory (an item at a time, give or take the parser's
    # buffers); reading it whole would take hundreds of megabytes.
    assert large_peak < 1.5 * small_peak + 1_000_000, (small_peak, large_peak)
    assert large_peak < 10_000_000
