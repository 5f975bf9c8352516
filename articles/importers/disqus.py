"""Importing a Disqus export (Admin → Moderate → Export): each thread matched to the article
it was under, by the address Disqus recorded for it, and its comments with their threads.

The file is streamed twice: once for the threads and how posts reply to one another (ids
only), once to write the comments; then replies are attached to their threads. All in one
transaction, keyed on the forum and Disqus's ids, like ``articles.importers.wordpress``.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction

from articles import caching
from articles.importers.summary import DryRun, Summary
from articles.importers.wordpress_content import plain_text
from articles.importers.wxr import path_of
from articles.importers.xml import ExportError, Node, stream
from articles.models import Article, Comment, ImportRecord, LegacyRedirect
from articles.services.imports import (
    Kind,
    comment_import_once,
)

# Our own article addresses, for a forum that was already under Newsroom's pages.
_OWN_ARTICLE = re.compile(r"^/articles/(?P<slug>[-\w]+)/$")
# The WordPress plugin's thread identifier: "123 https://site/?p=123".
_WORDPRESS_IDENTIFIER = re.compile(r"^(?P<id>\d+) \S+\?p=\d+$")


@dataclass
class DisqusPost:
    id: str
    thread: str
    parent: str
    author: str
    message: str
    created_at: datetime | None
    is_deleted: bool
    is_spam: bool


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _true(text: str) -> bool:
    return text.strip().lower() == "true"


def _post(node: Node) -> DisqusPost:
    author = node.find("author")
    name = " ".join(author.get("name").split()) if author else ""
    if not name and author:
        name = author.get("username").strip()
    thread = node.find("thread")
    parent = node.find("parent")
    return DisqusPost(
        id=node.attrs.get("dsq:id", "").strip(),
        thread=thread.attrs.get("dsq:id", "").strip() if thread else "",
        parent=parent.attrs.get("dsq:id", "").strip() if parent else "",
        author=name or "Guest",
        message=node.get("message"),
        created_at=_date(node.get("createdAt")),
        is_deleted=_true(node.get("isDeleted")),
        is_spam=_true(node.get("isSpam")),
    )


def read(path):
    """``("forum", name)`` once, then ``("thread", Node)`` and ``("post", DisqusPost)``."""
    events = stream(path, record={"category", "thread", "post"}, depth=1)
    try:
        _, root = next(events)
    except StopIteration:
        raise ExportError("the file is empty.") from None
    if root.name != "disqus":
        raise ExportError(f"this is not a Disqus export (its root is <{root.name}>).", line=1)
    forum_sent = False
    for name, node in events:
        if not forum_sent and name in ("category", "thread"):
            forum_sent = True
            yield "forum", node.get("forum").strip()
        if name == "thread":
            yield "thread", node
        elif name == "post":
            post = _post(node)
            if not post.id or not post.thread:
                raise ExportError("a post has no dsq:id or no thread.")
            yield "post", post


class DisqusImport:
    def __init__(self, path: Path, *, progress=None):
        self.path = Path(path)
        self.progress = progress
        self.summary = Summary()
        self.forum = ""
        self.threads: dict[str, int | None] = {}  # Disqus thread id → article id
        self.parents: dict[str, str] = {}  # post id → the post it answers
        self.posts = 0

    @property
    def source(self) -> str:
        return f"disqus:{self.forum}"

    def survey(self) -> None:
        for kind, thing in read(self.path):
            if kind == "forum":
                self.forum = thing or "forum"
            elif kind == "thread":
                thread_id = thing.attrs.get("dsq:id", "").strip()
                self.threads[thread_id] = self._article_for(thing)
            elif kind == "post":
                self.posts += 1
                if thing.parent:
                    self.parents[thing.id] = thing.parent

    def _article_for(self, thread: Node) -> int | None:
        """The article under which this thread was shown: by its address on the old site
        (an imported story's link or old address), by the WordPress plugin's identifier, or
        by our own article address."""
        link = thread.get("link").strip()
        candidates = []
        if link:
            path = path_of(link)
            candidates.append(path)
            if not path.endswith("/") and "?" not in path:
                candidates.append(path + "/")
        if match := _WORDPRESS_IDENTIFIER.match(thread.get("id").strip()):
            candidates.append(f"/?p={match['id']}")
        for path in candidates:
            record = ImportRecord.objects.filter(kind=Kind.ARTICLE, original_path=path).first()
            if record and record.article_id:
                return record.article_id
            redirect = LegacyRedirect.objects.filter(path=path, article__isnull=False).first()
            if redirect:
                return redirect.article_id
        if link and (match := _OWN_ARTICLE.match(urlsplit(link).path)):
            return Article.objects.filter(slug=match["slug"]).values_list("pk", flat=True).first()
        return None

    def run(self, *, dry_run: bool = False) -> Summary:
        self.survey()
        progress = self.progress(self.posts) if self.progress else None
        try:
            with transaction.atomic():
                imported: dict[str, Comment] = {}
                for kind, post in read(self.path):
                    if kind != "post":
                        continue
                    self._post(post, imported)
                    if progress:
                        progress.advance()
                self._thread_replies(imported)
                unmatched = sum(1 for article in self.threads.values() if article is None)
                if unmatched:
                    self.summary.notes["threads matched to no article"] += unmatched
                if dry_run:
                    raise DryRun
                caching.everything_changed()
        except DryRun:
            pass
        finally:
            if progress:
                progress.finish()
        return self.summary

    def _post(self, post: DisqusPost, imported: dict) -> None:
        if post.is_spam:
            self.summary.skip("comment", "spam")
            return
        if post.is_deleted:
            self.summary.skip("comment", "deleted")
            return
        article_id = self.threads.get(post.thread)
        if article_id is None:
            self.summary.skip("comment", "its thread matched no article")
            return
        body = plain_text(post.message)
        if not body:
            self.summary.skip("comment", "empty")
            return
        comment, outcome = comment_import_once(
            source=self.source,
            external_id=post.id,
            facts=[body, post.author, post.parent],
            article=Article(pk=article_id),
            body=body,
            author_name=post.author,
            created_at=post.created_at,
        )
        getattr(self.summary, outcome)["comment"] += 1
        imported[post.id] = comment

    def _thread_replies(self, imported: dict) -> None:
        """One level of threads: a reply joins its top-level comment's thread and names the
        reply it answers; a reply to a comment not brought across becomes a thread."""
        for post_id, comment in imported.items():
            answered = imported.get(self.parents.get(post_id, ""))
            if answered is None or answered.article_id != comment.article_id:
                parent, replied_to = None, None
            else:
                root, seen = answered, {post_id}
                parent_id = self.parents.get(post_id)
                while (up := self.parents.get(parent_id or "")) in imported and up not in seen:
                    seen.add(up)
                    root, parent_id = imported[up], up
                parent = root
                replied_to = answered if answered.pk != root.pk else None
            if (comment.parent_id, comment.replied_to_id) != (
                parent.pk if parent else None,
                replied_to.pk if replied_to else None,
            ):
                Comment.objects.filter(pk=comment.pk).update(parent=parent, replied_to=replied_to)
