"""Posting, replying, editing, deleting and reporting comments under an article, and a
comment's permalink.

Requests and responses only: who may do what is ``articles.permissions``, reads are
``articles.selectors``, writes ``articles.services``. The article page stays the same for
every anonymous reader (no session, no CSRF token): everything personal is for logged-in
readers, and the permalink is the one address whose answer depends on who asks.

The order a reader chose (``?comments=newest``) stays in the address of every comment
link and form, so each redirect brings them back to the comments as they were reading them.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from django_ratelimit.core import is_ratelimited

from articles.forms import CommentForm, ReportForm
from articles.models import Article, Comment
from articles.moderation.checks import RevisionRequested
from articles.permissions import ArticlePermissions, CommentPermissions, Refusal
from articles.selectors import (
    ORDER_PARAMETER,
    PAGE_PARAMETER,
    comment_order,
    comment_page,
    comment_page_url,
    comments_on_published_articles,
    order_query,
)
from articles.services import comment_create, comment_delete, comment_edit, comment_report
from articles.views.killed import gone_if_killed
from newsroom.cache import CACHE_ERRORS, log_unavailable


def comment_rate(group, request) -> str:
    # A callable, so the limit follows the setting (and tests can change it).
    return settings.NEWSROOM_COMMENT_RATE


def report_rate(group, request) -> str:
    return settings.NEWSROOM_COMMENT_REPORT_RATE


def _too_fast(
    request: HttpRequest, *, group: str = "comment-post", rate=comment_rate
) -> bool | None:
    """Whether this post is over the reader's limit (counting it), or None when the limit
    cannot be checked (the shared cache does not answer): refused then, not waved through."""
    try:
        return is_ratelimited(request, group=group, key="user_or_ip", rate=rate, increment=True)
    except CACHE_ERRORS as error:
        log_unavailable(error)
        return None


def _order(request: HttpRequest) -> str:
    return comment_order(request.GET.get(ORDER_PARAMETER))


def comment_section(request: HttpRequest, article: Article, *, form=None, fragments=None) -> dict:
    """Context for ``articles/_comments.html``: whether (or why not) the reader may comment
    and the form when they may, and the page of threads, read only when the template prints
    it (the article page may print it from its fragments, ``articles.caching``, and read its
    rows from there: ``fragments``)."""
    user = request.user
    permissions = ArticlePermissions(user, article)
    order = _order(request)
    number = request.GET.get(PAGE_PARAMETER)
    page = SimpleLazyObject(
        lambda: comment_page(
            article, user, order=order, number=number, permissions=permissions, shared=fragments
        )
    )
    can_comment = permissions.can_comment()
    if can_comment and form is None and (draft := _take_draft(request, article)) is not None:
        form = CommentForm(initial={"body": draft})
    return {
        "comment_page": page,
        "comment_permissions": permissions,
        "comment_order_query": order_query(order),
        "comment_form": (form or CommentForm()) if can_comment else None,
    }


@never_cache
@require_safe
@gone_if_killed
def comment_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment's one address: the article page holding it, in the reader's order, at its
    anchor. Not cached: the page, and whether a held comment is found, depend on who asks."""
    comment = comments_on_published_articles().shown_to(request.user).filter(pk=pk).first()
    if comment is None:
        raise Http404("No such comment.")
    return redirect(comment_page_url(comment, request.user, order=_order(request)))


def _form_page(
    request, *, article, form, title, action, comment=None, status=200, note="", readonly=False
):
    """The comment form on a page of its own: replying, editing, or a refused post whose
    text is given back (``readonly`` when sending it again cannot work)."""
    return render(
        request,
        "articles/comment_form.html",
        {
            "article": article,
            "form": form,
            "title": title,
            "action": action,
            "comment": comment,
            "note": note,
            "readonly": readonly,
        },
        status=status,
    )


def _reply_title(parent: Comment | None) -> str:
    return _("Reply to %(name)s") % {"name": parent.author_name} if parent else _("Your comment")


def _announce(request: HttpRequest, comment: Comment) -> None:
    if comment.status == Comment.Status.PENDING:
        messages.info(
            request,
            _(
                "Your comment is awaiting moderation. %(reason)s Only you can see it until "
                "a moderator approves it; we will email you either way."
            )
            % {"reason": comment.held_reason},
        )
    else:
        messages.success(request, _("Your comment is published."))


def _refusal(permissions: ArticlePermissions, *, too_fast: bool | None) -> tuple[int, str] | None:
    """Why this post is refused whatever it says, as (status, message), or None."""
    if too_fast is None:
        return 503, _(
            "We cannot check the posting limit right now; your comment is below, try again "
            "in a minute."
        )
    if too_fast:
        return 429, _(
            "You are commenting faster than the site allows. Your text is below: wait a "
            "minute, then send it again."
        )
    if permissions.comment_refusal:
        return 403, permissions.comment_refusal_message
    return None


# Where a comment typed by a reader whose session had ended waits while they log in.
DRAFT_SESSION_KEY = "newsroom:comment-draft"


def _keep_draft(request: HttpRequest, article: Article, *, keep: bool = True) -> str:
    """Keep what an anonymous reader typed (their session ended while they wrote) for after
    they log in, and say where to bring them back: the reply form, or the comments."""
    body = (request.POST.get("body") or "")[: settings.NEWSROOM_COMMENT_MAX_LENGTH]
    parent = (request.POST.get("parent") or "").strip()
    back = f"{article.get_absolute_url()}{order_query(_order(request))}#comments"
    if parent.isascii() and parent.isdigit():
        back = reverse("articles:comment-reply", kwargs={"pk": int(parent)})
        back += order_query(_order(request))
    else:
        parent = ""
    if keep and body.strip():
        request.session[DRAFT_SESSION_KEY] = {
            "article": article.pk,
            "parent": parent,
            "body": body,
        }
    return back


def _take_draft(request: HttpRequest, article: Article, *, parent: Comment | None = None):
    """The text kept by :func:`_keep_draft` for this form, once; None when there is none."""
    if not request.user.is_authenticated or DRAFT_SESSION_KEY not in request.session:
        return None
    draft = request.session[DRAFT_SESSION_KEY]
    wanted = str(parent.pk) if parent else ""
    if draft.get("article") != article.pk or draft.get("parent", "") != wanted:
        return None
    del request.session[DRAFT_SESSION_KEY]
    messages.info(
        request,
        _("Your comment was kept while you logged in. Check it, then post it."),
    )
    return draft["body"]


@require_http_methods(["GET", "HEAD", "POST"])
@gone_if_killed
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        # The form's address, loaded again (a restored phone tab): the comments it is under.
        article = get_object_or_404(Article.objects.published(), slug=slug)
        return redirect(f"{article.get_absolute_url()}{order_query(_order(request))}#comments")
    too_fast = _too_fast(request)  # every post counts, as django-ratelimit's decorator does
    article = get_object_or_404(Article.objects.published(), slug=slug)
    permissions = ArticlePermissions(request.user, article)
    if permissions.comment_refusal == Refusal.ANONYMOUS:
        # Kept only within the posting limit: a flood of anonymous posts stores nothing.
        return redirect_to_login(_keep_draft(request, article, keep=too_fast is False))
    form = CommentForm(request.POST, article=article)
    is_valid = form.is_valid()
    parent = form.cleaned_data.get("parent")
    if refusal := _refusal(permissions, too_fast=too_fast):
        status, note = refusal
        return _form_page(
            request,
            article=article,
            form=form,
            title=_reply_title(parent),
            action=request.get_full_path(),
            comment=parent,
            status=status,
            note=note,
            # Too fast, or the limit unknown: the same text may go again in a minute.
            # Otherwise it cannot.
            readonly=status not in (429, 503),
        )
    if is_valid:
        try:
            comment = comment_create(
                article=article,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                request=request,
                post_anyway=form.cleaned_data["post_anyway"],
            )
        except RevisionRequested as error:
            form.ask_revision(error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _announce(request, comment)
            return redirect(comment_page_url(comment, request.user, order=_order(request)))
    # Asked to revise is no error: the text is back with its two ways on.
    status = 200 if form.is_revision_asked else 400
    if parent is not None:
        return _form_page(
            request,
            article=article,
            form=form,
            title=_reply_title(parent),
            action=request.get_full_path(),
            comment=parent,
            status=status,
        )
    article = Article.objects.published().with_page_data().get(pk=article.pk)
    context = {"article": article, **comment_section(request, article, form=form)}
    return render(request, "articles/detail.html", context, status=status)


def _own_comment(request: HttpRequest, pk: int) -> tuple[Comment, CommentPermissions]:
    comment = get_object_or_404(comments_on_published_articles(), pk=pk)
    permissions = CommentPermissions(request.user, comment)
    if not permissions.is_own:
        # Someone else's comment is a 404, so ids reveal nothing about other readers.
        raise Http404("No comment of yours has this id.")
    return comment, permissions


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@gone_if_killed
def reply_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(comments_on_published_articles().visible(), pk=pk)
    refusal = CommentPermissions(request.user, comment).reply_refusal()
    draft = "" if refusal else _take_draft(request, comment.article, parent=comment) or ""
    action = reverse("articles:comment-post", kwargs={"slug": comment.article.slug})
    return _form_page(
        request,
        article=comment.article,
        form=None if refusal else CommentForm(initial={"parent": comment.pk, "body": draft}),
        title=_reply_title(comment),
        action=action + order_query(_order(request)),
        comment=comment,
        status=403 if refusal else 200,
        note=refusal or "",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@gone_if_killed
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment, permissions = _own_comment(request, pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    page = {
        "article": comment.article,
        "title": _("Edit your comment"),
        "action": request.get_full_path(),
    }
    if refusal := permissions.edit_refusal():
        # A late edit keeps its text on the page, to copy: it cannot be sent.
        return _form_page(request, form=form, status=403, note=refusal, readonly=True, **page)
    if request.method == "POST" and form.is_valid():
        try:
            comment_edit(
                comment=comment,
                by=request.user,
                body=form.cleaned_data["body"],
                post_anyway=form.cleaned_data["post_anyway"],
                request=request,
            )
        except RevisionRequested as error:
            form.ask_revision(error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if comment.status == Comment.Status.PENDING:
                _announce(request, comment)
            else:
                messages.success(request, _("Your comment is updated."))
            return redirect(comment_page_url(comment, request.user, order=_order(request)))
    minutes = settings.NEWSROOM_COMMENT_EDIT_MINUTES
    return _form_page(
        request,
        form=form,
        status=400 if form.errors and not form.is_revision_asked else 200,
        note=_("You can edit a comment for %(minutes)d minutes after posting it.")
        % {"minutes": minutes},
        **page,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@gone_if_killed
def delete_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment, permissions = _own_comment(request, pk)
    if refusal := permissions.delete_refusal():
        raise PermissionDenied(refusal)
    order = _order(request)
    if request.method == "POST":
        comment_delete(comment=comment, by=request.user)
        messages.success(request, _("Your comment is deleted."))
        # Back to the page it was on: it may be gone from it, so to the comments' top.
        return redirect(comment_page_url(comment, request.user, order=order, anchor="comments"))
    return render(
        request,
        "articles/comment_delete.html",
        {"comment": comment, "order_query": order_query(order)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@gone_if_killed
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(comments_on_published_articles().visible(), pk=pk)
    if refusal := CommentPermissions(request.user, comment).report_refusal():
        raise PermissionDenied(refusal)
    order = _order(request)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        # Every report sent counts, as for comments: a burst is refused, nothing stored.
        too_fast = _too_fast(request, group="comment-report", rate=report_rate)
        if too_fast is None:
            status = 503
            form.add_error(
                None, _("We cannot check the reporting limit right now; try again in a minute.")
            )
        elif too_fast:
            status = 429
            form.add_error(
                None,
                _(
                    "You are sending reports faster than the site allows. Wait a minute, "
                    "then send this one again."
                ),
            )
        elif form.is_valid():
            try:
                comment_report(
                    comment=comment, by=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Thank you. The moderators will look at the comment you reported.")
                )
                return redirect(comment_page_url(comment, request.user, order=order))
        if status == 200:
            status = 400
    return render(
        request,
        "articles/comment_report.html",
        {"comment": comment, "form": form, "order_query": order_query(order)},
        status=status,
    )
