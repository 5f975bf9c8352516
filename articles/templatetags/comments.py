"""``{% comment_threads comment_page %}``: a page of comments as HTML, in Python.

The longest thing a page prints is its comments: 200 of them through template nodes cost
more than the rest of the article page together, and the nested ``render()`` calls of each
comment's nodes are where Python 3.11 (before the fix of CPython issue gh-142183)
allocates and frees a stack chunk on every call when a loop sits at a chunk's edge: in
gunicorn workers, thousands of ``mmap``/``munmap`` a request. One flat loop here does
neither. Each entry arrives ready to print (``articles.selectors.comment_page``:
addresses, dates, which links the reader gets); everything printed is escaped but the
comment's stored HTML, which only ``articles.models.rendering`` makes, and the addresses
``articles.selectors.CommentUrls`` makes (which never need it: it checks).
"""

import html
from dataclasses import replace
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.selectors import SHARED_HEADS

register = template.Library()


def escape(text) -> str:
    """``django.utils.html.escape``'s text, without its check for lazy strings on every call."""
    return html.escape(str(text))


_WORDS = {
    "in_reply_to": "in reply to",
    "edited": "edited",
    "held": "Awaiting moderation: only you can see this comment for now.",
    "reply": "Reply",
    "edit": "Edit",
    "delete": "Delete",
    "report": "Report",
    "reported": "Reported",
    "imported": "(imported)",
    "pick": "Editors' pick",
    "picks": "Editors' picks",
    "in_thread": "Read it in the thread",
    "feature": "Feature",
    "unfeature": "Unfeature",
    "ignore": "Ignore",
    "unignore": "Stop ignoring",
    "ignored": "Comment from an ignored commenter — show",
    "log_in_to_react": "log in to react",
}


def _words() -> dict[str, str]:
    # Translated once a page, in the reader's language.
    words = {key: escape(gettext(text)) for key, text in _WORDS.items()}
    words["reaction"] = escape(settings.NEWSROOM_REACTION_NAME)
    words["login_url"] = escape(reverse("account_login"))
    return words


def _post_form(action: str, token: str, field: str, value: str, label: str, css: str = "") -> str:
    """A one-button POST form (no JavaScript needed); ``token`` is the escaped CSRF input."""
    return (
        f'<form method="post" action="{action}" class="inline-form{css}">{token}'
        f'<input type="hidden" name="{field}" value="{value}">'
        f'<button type="submit" class="link-button">{label}</button></form>'
    )


def _reaction(entry, words: dict[str, str], token: str, logged_in: bool = True) -> str:
    count = entry.comment.reaction_count
    if not logged_in:
        # The same look as the button: it asks the reader to log in, and brings them back
        # to this comment (its permalink), where they may press it.
        login = f"{words['login_url']}?{urlencode({'next': entry.permalink})}"
        whose = f"{escape(entry.comment.author_name)}, {words['log_in_to_react']}"
        return (
            f'<p class="reaction"><a class="reaction__button" href="{escape(login)}">'
            f'{words["reaction"]} <span class="reaction__count">{count}</span>'
            f'<span class="visually-hidden"> ({whose})</span></a></p>'
        )
    if entry.react_url:
        pressed = "true" if entry.is_reacted else "false"
        # The hidden field says what a press does: take back a given reaction, or give one.
        return (
            f'<form method="post" action="{entry.react_url}" class="reaction" '
            f"data-reaction>{token}"
            f'<input type="hidden" name="on" value="{0 if entry.is_reacted else 1}">'
            f'<button type="submit" class="reaction__button" aria-pressed="{pressed}">'
            f'{words["reaction"]} <span class="reaction__count" data-reaction-count>{count}'
            # Which comment, for a screen reader going from button to button.
            f'</span><span class="visually-hidden"> ({escape(entry.comment.author_name)})</span>'
            "</button></form>"
        )
    if count:
        return (
            f'<p class="reaction reaction--count">{words["reaction"]} '
            f'<span class="reaction__count">{count}</span></p>'
        )
    return ""


def _meta(entry, words: dict[str, str]) -> list[str]:
    comment = entry.comment
    meta = [f'<strong class="comment__author">{escape(comment.author_name)}</strong>']
    for badge in entry.badges:
        meta.append(f' <span class="comment__badge">{escape(badge)}</span>')
    if comment.is_imported:
        meta.append(f' <span class="comment__imported">{words["imported"]}</span>')
    if entry.answers_name:
        name = escape(entry.answers_name)
        if entry.answers_url:
            name = f'<a href="{escape(entry.answers_url)}">{name}</a>'
        meta.append(f'\n<span class="comment__answers">{words["in_reply_to"]} {name}</span>')
    meta.append(
        f'\n<a class="comment__permalink" href="{entry.permalink}">'
        f'<time datetime="{escape(entry.created_iso)}">{escape(entry.created_text)}</time></a>'
    )
    if comment.edited_at:
        meta.append(f'\n<span class="comment__edited">{words["edited"]}</span>')
    if comment.is_pending:
        reason = f" {escape(comment.held_reason)}" if comment.held_reason else ""
        meta.append(f'\n<span class="comment__held">{words["held"]}{reason}</span>')
    return meta


def _head(entry, words: dict[str, str]) -> str:
    """What every reader is shown of a comment: its opening tag and header and text (or the
    placeholder in its place), the same for everyone when the page's rows are everyone's
    (``CommentPage.is_shared``), so kept with them (``SHARED_HEADS``)."""
    comment = entry.comment
    classes = "comment"
    if comment.is_pending:
        classes += " comment--pending"
    if comment.is_removed:
        classes += " comment--removed"
    if comment.featured_at and not entry.placeholder:
        classes += " comment--pick"
    opening = f'<article class="{classes}" id="comment-{comment.pk}">'
    if entry.placeholder:
        return f'{opening}<p class="comment__placeholder">{escape(entry.placeholder)}</p>'
    meta = _meta(entry, words)
    if comment.featured_at:
        meta.append(f'\n<span class="comment__pick-label">{words["pick"]}</span>')
    return "\n".join(
        [
            opening,
            '<header class="comment__meta">',
            "".join(meta),
            "</header>",
            f'<div class="comment__body">{comment.body_html}</div>',
        ]
    )


def _comment(
    entry, words: dict[str, str], logged_in: bool, token: str = "", head: str | None = None
) -> str:
    comment = entry.comment
    head = head if head is not None else _head(entry, words)
    if entry.placeholder:
        return f"{head}</article>"
    parts = [head]
    if reaction := _reaction(entry, words, token, logged_in):
        parts.append(reaction)
    if logged_in:
        actions = []
        if entry.reply_url:
            actions.append(
                f'<li><a href="{entry.reply_url}">{words["reply"]}'
                f'<span class="visually-hidden"> {escape(entry.reply_label)}</span></a></li>'
            )
        if entry.edit_url:
            actions.append(f'<li><a href="{entry.edit_url}">{words["edit"]}</a></li>')
        if entry.delete_url:
            actions.append(f'<li><a href="{entry.delete_url}">{words["delete"]}</a></li>')
        if entry.report_url:
            actions.append(f'<li><a href="{entry.report_url}">{words["report"]}</a></li>')
        elif entry.is_reported:
            actions.append(f"<li>{words['reported']}</li>")
        whose = f'<span class="visually-hidden"> ({escape(comment.author_name)})</span>'
        if entry.ignore_url:
            ignored = entry.is_author_ignored
            on, label = ("0", words["unignore"]) if ignored else ("1", words["ignore"])
            form = _post_form(entry.ignore_url, token, "on", on, label + whose)
            actions.append(f"<li>{form}</li>")
        if entry.feature_url:
            featured = comment.featured_at
            on, label = ("0", words["unfeature"]) if featured else ("1", words["feature"])
            form = _post_form(entry.feature_url, token, "featured", on, label + whose)
            actions.append(f"<li>{form}</li>")
        parts.append(f'<ul class="comment__actions">{"".join(actions)}</ul>')
    parts.append("</article>")
    html = "\n".join(parts)
    if entry.is_author_ignored:
        # Folded away, open with a click: no JavaScript needed.
        return (
            f'<details class="comment-ignored"><summary>{words["ignored"]}</summary>'
            f"{html}</details>"
        )
    return html


def _token(context, logged_in: bool) -> str:
    """The CSRF field for the page's forms: logged-in pages only, so an anonymous page stays
    the same for everyone (no token, no cookie)."""
    token = context.get("csrf_token") if logged_in else None
    if not token:
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


def _logged_in(context) -> bool:
    user = context.get("user")
    return bool(user and user.is_authenticated)


@register.simple_tag(takes_context=True)
def comment_threads(context, comment_page) -> SafeString:
    """The page's threads: each top-level comment and, in a list under it, its replies."""
    logged_in = _logged_in(context)
    token = _token(context, logged_in)
    words = _words()
    heads = {}
    fragments = context.get("fragments")
    if comment_page.is_shared and fragments is not None:
        # Everyone's rows: their heads were printed before, and are kept (articles.caching).
        heads = fragments.value(
            SHARED_HEADS,
            lambda: {
                entry.comment.pk: _head(entry, words)
                for thread in comment_page.threads
                for entry in thread.entries
            },
        )
    out = ['<ol class="comment-list">']
    for thread in comment_page.threads:
        out.append('<li class="comment-thread">')
        for entry in thread.entries:
            if entry.opens_replies:
                out.append('<ol class="comment-list comment-list--replies">')
            if entry.is_reply:
                out.append("<li>")
            out.append(_comment(entry, words, logged_in, token, heads.get(entry.comment.pk)))
            if entry.is_reply:
                out.append("</li>")
            if entry.closes_replies:
                out.append("</ol>")
        out.append("</li>")
    out.append("</ol>")
    # Escaped above, piece by piece; body_html is the stored, sanitized rendering.
    return mark_safe("\n".join(out))  # noqa: S308


@register.simple_tag
def comment_picks(comment_page) -> SafeString:
    """The article's editors' picks, above the thread: each links to its place in it."""
    if not comment_page.picks:
        return mark_safe("")
    words = _words()
    out = [
        '<section class="comment-picks" aria-labelledby="comment-picks-heading">',
        f'<h3 id="comment-picks-heading" class="comment-picks__heading">{words["picks"]}</h3>',
        '<ol class="comment-picks__list">',
    ]
    for entry in comment_page.picks:
        comment = entry.comment
        url = comment_page.pick_urls[comment.pk]
        html = "\n".join(
            [
                '<article class="comment comment--featured">',
                f'<header class="comment__meta">{"".join(_meta(entry, words))}</header>',
                f'<div class="comment__body">{comment.body_html}</div>',
                _reaction(replace(entry, react_url=""), words, ""),
                f'<p class="comment-picks__link"><a href="{escape(url)}">'
                f"{words['in_thread']}</a></p>",
                "</article>",
            ]
        )
        if entry.is_author_ignored:
            html = (
                f'<details class="comment-ignored"><summary>{words["ignored"]}</summary>'
                f"{html}</details>"
            )
        out.append(f"<li>{html}</li>")
    out.append("</ol></section>")
    # Escaped piece by piece; body_html is the stored, sanitized rendering.
    return mark_safe("\n".join(out))  # noqa: S308
