"""Reading a WordPress eXtended RSS export (Tools → Export; WXR 1.0 to 1.2, and
WordPress.com's variant), one item at a time."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from urllib.parse import unquote, urlsplit

from articles.importers.xml import ExportError, Node, stream

_EMPTY_DATE = "0000-00-00 00:00:00"


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""

    @property
    def source(self) -> str:
        """What keys this site's records: ``wordpress:`` and its address."""
        return "wordpress:" + (self.base_blog_url or self.base_site_url or self.link).rstrip("/")


@dataclass
class WPAuthor:
    login: str
    display_name: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""

    @property
    def name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return " ".join((self.display_name or full or self.login).split())


@dataclass
class WPTerm:
    kind: str  # "category" or "post_tag"
    nicename: str
    name: str
    parent: str = ""


@dataclass
class WPComment:
    id: str
    author: str
    author_url: str
    date: datetime | None
    content: str
    approved: str  # "1", "0", "spam", "trash"
    type: str  # "", "comment", "pingback", "trackback"
    parent: str


@dataclass
class WPItem:
    id: str
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    slug: str
    creator: str
    content: str
    excerpt: str
    date: datetime | None
    modified: datetime | None
    attachment_url: str = ""
    parent_id: str = ""
    comment_status: str = "open"
    password: str = ""
    terms: list[WPTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WPComment] = field(default_factory=list)
    line: int | None = None


def parse_date(gmt: str, local: str, *, zone: tzinfo) -> datetime | None:
    """WordPress's ``*_gmt`` date in UTC, else the site-local one in ``zone``; drafts carry
    ``0000-00-00 00:00:00`` (no date yet), which is None."""
    for text, tz in ((gmt, UTC), (local, zone)):
        text = (text or "").strip()
        if not text or text.startswith("0000-00-00"):
            continue
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def decoded_slug(text: str) -> str:
    """WordPress stores a Unicode slug percent-encoded (``%d0%bc%d0%b8%d1%80``)."""
    return unquote(text or "").strip()


def path_of(url: str) -> str:
    """An address on the old site as a path (and query), scheme and host dropped."""
    parts = urlsplit((url or "").strip())
    path = unquote(parts.path) or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def _comment(node: Node, zone: tzinfo) -> WPComment:
    return WPComment(
        id=node.get("wp:comment_id").strip(),
        author=" ".join(node.get("wp:comment_author").split()),
        author_url=node.get("wp:comment_author_url").strip(),
        date=parse_date(node.get("wp:comment_date_gmt"), node.get("wp:comment_date"), zone=zone),
        content=node.get("wp:comment_content"),
        approved=node.get("wp:comment_approved").strip() or "1",
        type=node.get("wp:comment_type").strip(),
        parent=node.get("wp:comment_parent").strip().lstrip("0") or "",
    )


def _item(node: Node, zone: tzinfo) -> WPItem:
    post_id = node.get("wp:post_id").strip()
    if not post_id:
        raise ExportError("an item has no wp:post_id.")
    return WPItem(
        id=post_id,
        post_type=node.get("wp:post_type").strip() or "post",
        status=node.get("wp:status").strip() or "publish",
        title=node.get("title"),
        link=node.get("link").strip(),
        guid=node.get("guid").strip(),
        slug=decoded_slug(node.get("wp:post_name")),
        creator=node.get("dc:creator").strip(),
        content=node.get("content:encoded"),
        excerpt=node.get("excerpt:encoded"),
        date=parse_date(node.get("wp:post_date_gmt"), node.get("wp:post_date"), zone=zone),
        modified=parse_date(
            node.get("wp:post_modified_gmt"), node.get("wp:post_modified"), zone=zone
        ),
        attachment_url=node.get("wp:attachment_url").strip(),
        parent_id=node.get("wp:post_parent").strip().lstrip("0"),
        comment_status=node.get("wp:comment_status").strip() or "open",
        password=node.get("wp:post_password"),
        terms=[
            WPTerm(
                kind=term.attrs.get("domain", ""),
                nicename=decoded_slug(term.attrs.get("nicename", "")),
                name=" ".join(term.text.split()),
            )
            for term in node.findall("category")
            if term.attrs.get("domain") in ("category", "post_tag") and term.text.strip()
        ],
        meta={
            meta.get("wp:meta_key"): meta.get("wp:meta_value")
            for meta in node.findall("wp:postmeta")
        },
        comments=[_comment(comment, zone) for comment in node.findall("wp:comment")],
    )


_CHANNEL_RECORDS = {"title", "link", "wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"}
_RECORDS = _CHANNEL_RECORDS | {"wp:author", "wp:category", "wp:tag", "item"}


def read(path, *, zone: tzinfo = UTC):
    """Each thing the export holds, in file order: ``("site", Site)`` once the channel's
    header is read and before the first item or term, then ``("author", WPAuthor)``,
    ``("term", WPTerm)`` and ``("item", WPItem)``. Raises ExportError for a file that is
    not a WordPress export, or that is malformed (naming the line)."""
    site = Site()
    site_sent = False
    events = stream(path, record=_RECORDS, depth=2)
    try:
        _, root = next(events)
    except StopIteration:
        raise ExportError("the file is empty.") from None
    if root.name != "rss":
        raise ExportError(f"this is not a WordPress export (its root is <{root.name}>).", line=1)
    for name, node in events:
        if name in _CHANNEL_RECORDS:
            attribute = name.removeprefix("wp:")
            setattr(site, attribute, node.text.strip())
            continue
        if not site_sent:
            if not site.wxr_version:
                raise ExportError(
                    "this RSS file is not a WordPress export (no wp:wxr_version before its "
                    "first item)."
                )
            site_sent = True
            yield "site", site
        if name == "wp:author":
            yield (
                "author",
                WPAuthor(
                    login=node.get("wp:author_login").strip(),
                    display_name=node.get("wp:author_display_name"),
                    email=node.get("wp:author_email").strip(),
                    first_name=node.get("wp:author_first_name").strip(),
                    last_name=node.get("wp:author_last_name").strip(),
                ),
            )
        elif name == "wp:category":
            yield (
                "term",
                WPTerm(
                    kind="category",
                    nicename=decoded_slug(node.get("wp:category_nicename")),
                    name=" ".join(node.get("wp:cat_name").split()),
                    parent=decoded_slug(node.get("wp:category_parent")),
                ),
            )
        elif name == "wp:tag":
            yield (
                "term",
                WPTerm(
                    kind="post_tag",
                    nicename=decoded_slug(node.get("wp:tag_slug")),
                    name=" ".join(node.get("wp:tag_name").split()),
                ),
            )
        elif name == "item":
            yield "item", _item(node, zone)
    if not site_sent:
        if not site.wxr_version:
            raise ExportError("this RSS file is not a WordPress export (no wp:wxr_version).")
        yield "site", site
