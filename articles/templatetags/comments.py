"""``{% comment_threads comment_page %}``: a page of comments as HTML, in Python.

The longest thing a page prints is its comments: 200 of them through template nodes cost
more than the rest of the article page together, and the nested ``render()`` calls of each
comment's nodes are where Python 3.11 (before the fix of CPython issue gh-142183)
allocates and frees a stack chunk on every call when a loop sits at a chunk's edge: in
gunicorn workers, thousands of ``mmap``/``munmap`` a request. One flat loop here does
neither. Each entry arrives ready to print (``articles.selectors.comment_page``:
addresses, dates, which links the reader gets); everything printed is escaped but the
comment's stored HTML, which only ``articles.models.rendering`` makes.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

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
}


def _words() -> dict[str, str]:
    # Translated once a page, in the reader's language.
    return {key: escape(gettext(text)) for key, text in _WORDS.items()}


def _comment(entry, words: dict[str, str], logged_in: bool) -> str:
    comment = entry.comment
    classes = "comment"
    if comment.is_pending:
        classes += " comment--pending"
    if comment.is_removed:
        classes += " comment--removed"
    opening = f'<article class="{classes}" id="comment-{comment.pk}">'
    if entry.placeholder:
        return f'{opening}<p class="comment__placeholder">{escape(entry.placeholder)}</p></article>'
    meta = [f'<strong class="comment__author">{escape(comment.author_name)}</strong>']
    if comment.is_imported:
        meta.append(f' <span class="comment__imported">{words["imported"]}</span>')
    if entry.answers_name:
        name = escape(entry.answers_name)
        if entry.answers_url:
            name = f'<a href="{escape(entry.answers_url)}">{name}</a>'
        meta.append(f'\n<span class="comment__answers">{words["in_reply_to"]} {name}</span>')
    meta.append(
        f'\n<a class="comment__permalink" href="{escape(entry.permalink)}">'
        f'<time datetime="{escape(entry.created_iso)}">{escape(entry.created_text)}</time></a>'
    )
    if comment.edited_at:
        meta.append(f'\n<span class="comment__edited">{words["edited"]}</span>')
    if comment.is_pending:
        reason = f" {escape(comment.held_reason)}" if comment.held_reason else ""
        meta.append(f'\n<span class="comment__held">{words["held"]}{reason}</span>')
    parts = [
        opening,
        '<header class="comment__meta">',
        "".join(meta),
        "</header>",
        f'<div class="comment__body">{comment.body_html}</div>',
    ]
    if logged_in:
        actions = []
        if entry.reply_url:
            actions.append(
                f'<li><a href="{escape(entry.reply_url)}">{words["reply"]}'
                f'<span class="visually-hidden"> {escape(entry.reply_label)}</span></a></li>'
            )
        if entry.edit_url:
            actions.append(f'<li><a href="{escape(entry.edit_url)}">{words["edit"]}</a></li>')
        if entry.delete_url:
            actions.append(f'<li><a href="{escape(entry.delete_url)}">{words["delete"]}</a></li>')
        if entry.report_url:
            actions.append(f'<li><a href="{escape(entry.report_url)}">{words["report"]}</a></li>')
        elif entry.is_reported:
            actions.append(f"<li>{words['reported']}</li>")
        parts.append(f'<ul class="comment__actions">{"".join(actions)}</ul>')
    parts.append("</article>")
    return "\n".join(parts)


@register.simple_tag(takes_context=True)
def comment_threads(context, comment_page) -> SafeString:
    """The page's threads: each top-level comment and, in a list under it, its replies."""
    user = context.get("user")
    logged_in = bool(user and user.is_authenticated)
    words = _words()
    out = ['<ol class="comment-list">']
    for thread in comment_page.threads:
        out.append('<li class="comment-thread">')
        for entry in thread.entries:
            if entry.opens_replies:
                out.append('<ol class="comment-list comment-list--replies">')
            if entry.is_reply:
                out.append("<li>")
            out.append(_comment(entry, words, logged_in))
            if entry.is_reply:
                out.append("</li>")
            if entry.closes_replies:
                out.append("</ol>")
        out.append("</li>")
    out.append("</ol>")
    # Escaped above, piece by piece; body_html is the stored, sanitized rendering.
    return mark_safe("\n".join(out))  # noqa: S308
