"""Importing a WordPress export: posts as articles, categories and tags as tags, authors as
bylines, approved comments with their threads, featured images, and every old address.

Two streaming passes over the file (``articles.importers.wxr.read``): the first gathers
what items refer to (authors, terms, attachments) and counts the posts; the second writes,
all of it in one transaction, so a malformed file or an interruption changes nothing.
Records (``ImportRecord``) are keyed on the site's address and WordPress's ids: a second
run creates nothing twice and updates only what the export changed since.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from taggit.models import Tag

from articles import caching
from articles.html import library_image_url_prefix
from articles.importers.summary import DryRun, Summary
from articles.importers.wordpress_content import headline_text, plain_text, post_body
from articles.importers.wxr import Site, WPAuthor, WPComment, WPItem, WPTerm, path_of, read
from articles.importers.xml import ExportError
from articles.models import Article, Author, Comment
from articles.services import article_create, article_update, author_get_or_create, unique_slug
from articles.services.imports import (
    Kind,
    comment_import_once,
    image_import,
    import_record,
    import_record_save,
    legacy_redirect_set,
    writer_account_for,
)

logger = logging.getLogger(__name__)

Status = Article.Status
# What each WordPress status becomes: readers see only what was public there.
STATUSES = {
    "publish": Status.PUBLISHED,
    "future": Status.PUBLISHED,  # with its future time: scheduled
    "draft": Status.DRAFT,
    "pending": Status.DRAFT,
    "private": Status.DRAFT,
}
# A category every WordPress site has, which says nothing about a story.
UNCATEGORIZED = {"uncategorized"}
MAX_TAG_LENGTH = Tag._meta.get_field("name").max_length
MAX_HEADLINE_LENGTH = Article._meta.get_field("headline").max_length
MAX_STANDFIRST_LENGTH = Article._meta.get_field("standfirst").max_length
UPLOADS = "/wp-content/uploads/"


@dataclass
class Attachment:
    url: str
    title: str
    caption: str
    alt: str


class WordPressImport:
    def __init__(
        self,
        path: Path,
        *,
        media_dir: Path | None = None,
        create_staff: bool = False,
        zone: tzinfo | None = None,
        image_credit: str = "",
        progress=None,
    ):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir else None
        self.create_staff = create_staff
        self.zone = zone or timezone.get_default_timezone()
        self.image_credit = image_credit
        self.progress = progress  # a callable(total) -> object with advance() and finish()
        self.summary = Summary()
        self.site = Site()
        self.authors: dict[str, WPAuthor] = {}
        self.terms: dict[tuple[str, str], WPTerm] = {}
        self.attachments: dict[str, Attachment] = {}
        self._attachments_by_url: dict[str, Attachment] = {}
        self.posts = 0
        self._bylines: dict[str, Author] = {}
        self._tags: dict[str, Tag] = {}
        self._images: dict[str, object] = {}
        self._stored_files: list[str] = []
        self.dry_run = False

    # --- The two passes -----------------------------------------------------------------

    def survey(self) -> None:
        """Pass one: the site, its authors and terms, the attachments posts point at."""
        for kind, thing in read(self.path, zone=self.zone):
            if kind == "site":
                self.site = thing
            elif kind == "author":
                self.authors[thing.login] = thing
            elif kind == "term":
                self.terms[(thing.kind, thing.nicename)] = thing
            elif kind == "item":
                if thing.post_type == "attachment":
                    attachment = self.attachments[thing.id] = Attachment(
                        url=thing.attachment_url or thing.guid,
                        title=headline_text(thing.title),
                        caption=plain_text(thing.excerpt),
                        alt=thing.meta.get("_wp_attachment_image_alt", "").strip(),
                    )
                    self._attachments_by_url[_upload_key(attachment.url)] = attachment
                elif thing.post_type == "post":
                    self.posts += 1

    def run(self, *, dry_run: bool = False) -> Summary:
        self.dry_run = dry_run
        self.survey()
        progress = self.progress(self.posts) if self.progress else None
        try:
            with transaction.atomic():
                self._terms_and_authors()
                for kind, thing in read(self.path, zone=self.zone):
                    if kind != "item":
                        continue
                    self._item(thing)
                    if progress and thing.post_type == "post":
                        progress.advance()
                if dry_run:
                    raise DryRun
                # Every page may show something imported: one invalidation, not thousands.
                caching.everything_changed()
        except DryRun:
            pass
        except BaseException:
            self._remove_stored_files()
            raise
        finally:
            if progress:
                progress.finish()
        return self.summary

    def _remove_stored_files(self) -> None:
        for name in self._stored_files:
            default_storage.delete(name)

    # --- Site-wide things ---------------------------------------------------------------

    @property
    def source(self) -> str:
        return self.site.source

    def _terms_and_authors(self) -> None:
        for (kind, nicename), term in self.terms.items():
            tag = self._tag(term)
            if tag and nicename:
                prefix = "category" if kind == "category" else "tag"
                for path in self._term_paths(prefix, term):
                    legacy_redirect_set(path=path, source=self.source, tag=tag)

    def _term_paths(self, prefix: str, term: WPTerm) -> list[str]:
        paths = [f"/{prefix}/{term.nicename}/"]
        # Nested categories have addresses through their parents: /category/news/local/.
        chain, parent, seen = [term.nicename], term.parent, set()
        while parent and parent not in seen and ("category", parent) in self.terms:
            seen.add(parent)
            chain.insert(0, parent)
            parent = self.terms[("category", parent)].parent
        if len(chain) > 1:
            paths.append(f"/{prefix}/{'/'.join(chain)}/")
        return paths

    def _tag(self, term: WPTerm) -> Tag | None:
        if term.kind == "category" and term.nicename in UNCATEGORIZED:
            return None
        name = headline_text(term.name)[:MAX_TAG_LENGTH].strip()  # WordPress keeps &amp;
        if not name:
            return None
        if name.lower() not in self._tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = Tag(name=name, slug=unique_slug(Tag, term.nicename or name, fallback="tag"))
                tag.save()
                self.summary.created["tag"] += 1
            else:
                self.summary.unchanged["tag"] += 1
            self._tags[name.lower()] = tag
        return self._tags[name.lower()]

    def _byline(self, login: str) -> Author:
        if login not in self._bylines:
            wp_author = self.authors.get(login) or WPAuthor(login=login, display_name=login)
            existed = Author.objects.filter(
                display_name__iexact=headline_text(wp_author.name)
            ).exists()
            author = author_get_or_create(
                display_name=headline_text(wp_author.name) or settings.NEWSROOM_DEFAULT_BYLINE
            )
            self.summary.unchanged["author"] += existed
            self.summary.created["author"] += not existed
            if login:
                legacy_redirect_set(path=f"/author/{login}/", source=self.source, author=author)
            if self.create_staff and writer_account_for(
                author=author, username=login, email=wp_author.email
            ):
                self.summary.created["staff account"] += 1
            self._bylines[login] = author
        return self._bylines[login]

    # --- Items --------------------------------------------------------------------------

    def _item(self, item: WPItem) -> None:
        if item.post_type != "post":
            if item.post_type == "page":
                self.summary.skip("post", "a page, not a story")
            return  # attachments were read in the survey; menus, revisions... are not content
        status = STATUSES.get(item.status)
        if status is None:
            self.summary.skip("post", f"status {item.status!r} (trash, auto-draft...)")
            return
        if item.password and status == Status.PUBLISHED:
            # Readers there needed its password: here it waits for an editor as a draft.
            status = Status.DRAFT
            self.summary.notes["password-protected posts imported as drafts"] += 1
        try:
            with transaction.atomic():
                article = self._article(item, status)
        except ValidationError as error:
            problem = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            self.summary.skip("post", "refused by validation (listed below)")
            self.summary.problems.append(f"post {item.id} {item.title[:60]!r}: {problem}")
            return
        self._old_addresses(item, article)
        self._comments(item, article)

    def _digest(self, item: WPItem) -> str:
        facts = [
            item.title,
            item.slug,
            item.status,
            item.content,
            item.excerpt,
            item.creator,
            item.date.isoformat() if item.date else "",
            sorted((t.kind, t.nicename, t.name) for t in item.terms),
            item.meta.get("_thumbnail_id", ""),
            item.comment_status,
            bool(item.password),
        ]
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()

    def _article(self, item: WPItem, status: str) -> Article:
        record = import_record(source=self.source, kind=Kind.ARTICLE, external_id=item.id)
        digest = self._digest(item)
        if record and record.article and record.digest == digest:
            self.summary.unchanged["post"] += 1
            return record.article
        headline = headline_text(item.title) or "(untitled)"
        if len(headline) > MAX_HEADLINE_LENGTH:
            headline = headline[: MAX_HEADLINE_LENGTH - 1].rstrip() + "…"
            self.summary.notes["headlines shortened to 200 characters"] += 1
        standfirst = plain_text(item.excerpt)
        if len(standfirst) > MAX_STANDFIRST_LENGTH:
            standfirst = standfirst[: MAX_STANDFIRST_LENGTH - 1].rstrip() + "…"
            self.summary.notes["excerpts shortened to 600 characters"] += 1
        body, conversion = post_body(
            item.content, resolve_image=self._library_image, attachment=self._attachment
        )
        for name, count in conversion.dropped_shortcodes.items():
            self.summary.notes[f"shortcode [{name}] dropped (its text kept)"] += count
        if conversion.images_referenced:
            self.summary.notes["body images left as links (not in --media-dir)"] += (
                conversion.images_referenced
            )
        tags = [tag.name for term in item.terms if (tag := self._tag(term))]
        authors = [self._byline(item.creator)] if item.creator else []
        hero = self._featured_image(item)
        published_at = item.date if status == Status.PUBLISHED else None
        if status == Status.PUBLISHED and published_at is None:
            published_at = timezone.now()
        commenting = item.comment_status != "closed"
        if record and record.article:
            article = record.article
            article_update(
                article=article,
                headline=headline,
                standfirst=standfirst,
                body=body,
                hero_image=hero or article.hero_image,
                is_commenting_open=commenting,
                authors=authors or list(article.authors.all()),
                tags=tags,
                status=status,
                published_at=published_at,
            )
            self.summary.updated["post"] += 1
        else:
            slug = self._slug(item, headline)
            article = article_create(
                headline=headline,
                slug=slug,
                standfirst=standfirst,
                body=body,
                authors=authors,
                tags=tags,
                status=status,
                published_at=published_at,
                hero_image=hero,
                is_commenting_open=commenting,
            )
            self.summary.created["post"] += 1
        if item.modified:
            # When it was last changed there, not when it was imported.
            Article.objects.filter(pk=article.pk).update(updated_at=item.modified)
        import_record_save(
            source=self.source,
            kind=Kind.ARTICLE,
            external_id=item.id,
            digest=digest,
            original_path=path_of(item.link) if item.link else "",
            article=article,
        )
        return article

    def _slug(self, item: WPItem, headline: str) -> str:
        slug = item.slug
        if slug and not Article.objects.filter(slug=slug).exists():
            field_ = Article._meta.get_field("slug")
            try:
                field_.run_validators(slug)
                if len(slug) <= field_.max_length:
                    return slug
            except ValidationError:
                pass
        if slug:
            self.summary.notes["slugs changed (taken, too long or not a slug)"] += 1
        return unique_slug(Article, slug or headline, fallback="article")

    def _old_addresses(self, item: WPItem, article: Article) -> None:
        paths = {f"/?p={item.id}"}
        for url in (item.link, item.guid):
            if url and (path := path_of(url)) != "/":
                paths.add(path)
        if item.slug and item.date:
            local = item.date.astimezone(self.zone)
            paths.add(f"/{local:%Y/%m/%d}/{item.slug}/")
            paths.add(f"/{local:%Y/%m}/{item.slug}/")
            paths.add(f"/{item.slug}/")
        for path in sorted(paths):
            if legacy_redirect_set(path=path, source=self.source, article=article):
                self.summary.notes["old addresses redirected"] += 1

    # --- Pictures -----------------------------------------------------------------------

    def _media_file(self, url: str) -> Path | None:
        """The file under --media-dir for an uploads URL (``.../wp-content/uploads/2020/01/
        x-300x200.jpg``), preferring the original over WordPress's resized copy."""
        if not self.media_dir or not url:
            return None
        path = unquote(urlsplit(url).path)
        if UPLOADS not in path:
            return None
        relative = path.split(UPLOADS, 1)[1]
        candidates = [relative]
        stem, dot, extension = relative.rpartition(".")
        if dot and (original := _without_size_suffix(stem)) != stem:
            candidates.insert(0, f"{original}.{extension}")
        root = self.media_dir.resolve()
        for candidate in candidates:
            file = (root / candidate).resolve()
            if file.is_relative_to(root) and file.is_file():
                return file
        return None

    def _image_for(self, url: str, *, alt: str, caption: str, title: str):
        file = self._media_file(url)
        if file is None:
            return None
        key = str(file.relative_to(self.media_dir.resolve()))
        if key in self._images:
            return self._images[key]
        record = import_record(source=self.source, kind=Kind.IMAGE, external_id=key)
        if record and record.image:
            self._images[key] = record.image
            self.summary.unchanged["image"] += 1
            return record.image
        if self.dry_run:
            self.summary.created["image"] += 1
            self._images[key] = None
            return None
        alt_text = alt or title or caption or file.stem.replace("-", " ")
        try:
            with transaction.atomic(), file.open("rb") as handle:
                image = image_import(
                    file=File(handle, name=file.name),
                    alt_text=alt_text[:250],
                    caption=(caption or title or alt_text)[:300],
                    credit=(self.image_credit or self.site.title or "Archive")[:120],
                )
        except ValidationError as error:
            messages = " ".join(error.messages)
            self.summary.skip("image", "refused: not a picture we can publish")
            self.summary.problems.append(f"image {key}: {messages}")
            self._images[key] = None
            return None
        self._stored_files.append(image.file.name)
        import_record_save(source=self.source, kind=Kind.IMAGE, external_id=key, image=image)
        self.summary.created["image"] += 1
        self._images[key] = image
        return image

    def _library_image(self, url: str):
        attachment = self._attachments_by_url.get(_upload_key(url))
        image = self._image_for(
            url,
            alt=attachment.alt if attachment else "",
            caption=attachment.caption if attachment else "",
            title=attachment.title if attachment else "",
        )
        if image is None:
            if self.dry_run and self._media_file(url):
                return library_image_url_prefix() + "dry-run", ""
            return None
        return image.file.url, image.alt_text

    def _attachment(self, attachment_id: str):
        attachment = self.attachments.get(attachment_id)
        if not attachment:
            return None
        return attachment.url, attachment.caption

    def _featured_image(self, item: WPItem):
        attachment_id = item.meta.get("_thumbnail_id", "").strip()
        if not attachment_id:
            return None
        attachment = self.attachments.get(attachment_id)
        if attachment is None:
            self.summary.notes["featured images missing from the export"] += 1
            return None
        image = self._image_for(
            attachment.url, alt=attachment.alt, caption=attachment.caption, title=attachment.title
        )
        if image is None and not self.dry_run:
            self.summary.notes["featured images not copied (no file in --media-dir)"] += 1
        return image

    # --- Comments -----------------------------------------------------------------------

    def _comments(self, item: WPItem, article: Article) -> None:
        imported: dict[str, Comment] = {}
        ordered = sorted(
            item.comments,
            key=lambda c: (c.date or datetime.max.replace(tzinfo=self.zone), _number(c.id)),
        )
        by_id = {comment.id: comment for comment in item.comments}
        for wp_comment in ordered:
            if wp_comment.type in ("pingback", "trackback"):
                self.summary.skip("comment", f"{wp_comment.type}s")
                continue
            if wp_comment.approved in ("spam", "trash"):
                self.summary.skip("comment", wp_comment.approved)
                continue
            status = (
                Comment.Status.VISIBLE if wp_comment.approved == "1" else Comment.Status.PENDING
            )
            self._comment(item, article, wp_comment, status, imported, by_id)

    def _comment(self, item, article, wp_comment: WPComment, status, imported, by_id) -> None:
        body = plain_text(wp_comment.content)
        if not body:
            self.summary.skip("comment", "empty")
            return
        # One level of threads: a reply to a reply joins its thread and names whom it answers.
        answered = imported.get(wp_comment.parent)
        parent = (answered.parent or answered) if answered else None
        replied_to = answered if answered and answered.parent_id else None
        if wp_comment.parent and not answered and wp_comment.parent in by_id:
            self.summary.notes["replies to skipped comments imported as threads"] += 1
        comment, outcome = comment_import_once(
            source=self.source,
            external_id=f"{item.id}:{wp_comment.id}",
            facts=[body, wp_comment.author, status, wp_comment.parent],
            article=article,
            body=body,
            author_name=wp_comment.author,
            created_at=wp_comment.date,
            parent=parent,
            replied_to=replied_to,
            status=status,
        )
        getattr(self.summary, outcome)["comment"] += 1
        if outcome != "unchanged" and status == Comment.Status.PENDING:
            self.summary.notes["comments held for moderation (unapproved in WordPress)"] += 1
        imported[wp_comment.id] = comment


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _upload_key(url: str) -> str:
    """An uploaded file's URL, resized copies (``-300x200``) named as their original."""
    path = unquote(urlsplit(url).path)
    stem, dot, extension = path.rpartition(".")
    return f"{_without_size_suffix(stem)}.{extension}" if dot else path


def _without_size_suffix(stem: str) -> str:
    """``photo-300x200`` → ``photo``: WordPress's resized copies name their size."""
    head, dash, size = stem.rpartition("-")
    width, x, height = size.partition("x")
    return head if dash and x and width.isdigit() and height.isdigit() else stem


__all__ = ["DryRun", "ExportError", "Summary", "WordPressImport"]
