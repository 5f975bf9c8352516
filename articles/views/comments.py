"""Posting, replying, editing, deleting and reporting comments under an article.

The article page itself stays the same for every anonymous reader (no session, no CSRF
token): everything personal here is for logged-in readers only.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from django_ratelimit.decorators import ratelimit

from articles.forms import CommentForm, ReportForm
from articles.models import Article, Comment, CommentReport
from articles.services import (
    BLOCKED_MESSAGES,
    comment_create,
    comment_delete,
    comment_edit,
    comment_edit_refusal,
    comment_report,
    commenting_blocked_reason,
)

NEWEST = "newest"


def comment_rate(group, request) -> str:
    # A callable, so the limit follows the setting (and tests can change it).
    return settings.NEWSROOM_COMMENT_RATE


def _ordering(request: HttpRequest) -> str:
    return NEWEST if request.GET.get("comments") == NEWEST else "oldest"


def threads_for(article: Article, user, *, order: str = "oldest"):
    """The article's threads as ``user`` sees them, replies and authors in two more queries."""
    replies = Comment.objects.shown_to(user).select_related("author", "replied_to__author")
    threads = (
        Comment.objects.filter(article=article)
        .threads_shown_to(user)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
    )
    return threads.order_by(*(("-created_at", "-pk") if order == NEWEST else ("created_at", "pk")))


def comment_section(request: HttpRequest, article: Article, *, form=None) -> dict:
    """Context for ``articles/_comments.html``: the threads, and the form or why there is none."""
    user = request.user
    order = _ordering(request)
    paginator = Paginator(
        threads_for(article, user, order=order), settings.NEWSROOM_COMMENTS_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("cpage"))
    blocked = commenting_blocked_reason(user=user, article=article)
    context = {
        "comment_page": page,
        "comment_order": order,
        "comments_blocked": blocked,
        "comment_form": None,
        "comment_max_length": settings.NEWSROOM_COMMENT_MAX_LENGTH,
    }
    if blocked is None:
        context["comment_form"] = form or CommentForm()
    comments = [
        comment for thread in page.object_list for comment in (thread, *thread.shown_replies)
    ]
    reported = set()
    if user.is_authenticated:
        reported = set(
            CommentReport.objects.filter(
                reporter=user, comment__in=[c.pk for c in comments]
            ).values_list("comment_id", flat=True)
        )
    now = timezone.now()
    for comment in comments:
        # Compared here, not in the template: an anonymous reader's pk and a deleted
        # author's are both None, and a held comment is its author's alone.
        comment.is_own = user.is_authenticated and comment.author_id == user.pk
        comment.can_edit = blocked is None and comment.is_editable_by(user, now=now)
        comment.can_delete = comment.is_deletable_by(user)
        comment.can_report = (
            user.is_authenticated
            and not comment.is_own
            and comment.status == Comment.Status.VISIBLE
            and comment.pk not in reported
        )
        comment.is_reported = comment.pk in reported
    return context


def _comment_url(comment: Comment, user) -> str:
    """The article page showing ``comment``: the right page of threads, at its anchor."""
    root = comment.parent or comment
    before = (
        Comment.objects.filter(article_id=comment.article_id)
        .threads_shown_to(user)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    page = before // settings.NEWSROOM_COMMENTS_PAGE_SIZE + 1
    query = f"?{urlencode({'cpage': page})}" if page > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}#{comment.anchor}"


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


def _refusal(request: HttpRequest, article: Article) -> tuple[int, str] | None:
    """Why this post is refused whatever it says, as (status, message), or None."""
    if getattr(request, "limited", False):
        return 429, _(
            "You are commenting faster than the site allows. Your text is below: wait a "
            "minute, then send it again."
        )
    if blocked := commenting_blocked_reason(user=request.user, article=article):
        return 403, str(BLOCKED_MESSAGES[blocked])
    return None


@require_POST
@ratelimit(group="comment-post", key="user_or_ip", rate=comment_rate, block=False)
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(f"{article.get_absolute_url()}#comments")
    form = CommentForm(request.POST, article=article)
    is_valid = form.is_valid()
    parent = form.cleaned_data.get("parent")
    if refusal := _refusal(request, article):
        status, note = refusal
        return _form_page(
            request,
            article=article,
            form=form,
            title=_reply_title(parent),
            action=request.path,
            comment=parent,
            status=status,
            note=note,
            # Too fast: the same text may go again in a minute. Otherwise it cannot.
            readonly=status != 429,
        )
    if is_valid:
        try:
            comment = comment_create(
                article=article,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _announce(request, comment)
            return redirect(_comment_url(comment, request.user))
    if parent is not None:
        return _form_page(
            request,
            article=article,
            form=form,
            title=_reply_title(parent),
            action=request.path,
            comment=parent,
            status=400,
        )
    article = Article.objects.published().with_page_data().get(pk=article.pk)
    context = {"article": article, **comment_section(request, article, form=form)}
    return render(request, "articles/detail.html", context, status=400)


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    # Someone else's comment is a 404, so ids reveal nothing about other readers.
    return get_object_or_404(
        Comment.objects.select_related("article"),
        pk=pk,
        author=request.user,
        article__in=Article.objects.published(),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reply_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.visible().select_related("article", "author"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    blocked = commenting_blocked_reason(user=request.user, article=comment.article)
    return _form_page(
        request,
        article=comment.article,
        form=CommentForm(initial={"parent": comment.pk}) if not blocked else None,
        title=_reply_title(comment),
        action=reverse("articles:comment-post", kwargs={"slug": comment.article.slug}),
        comment=comment,
        status=403 if blocked else 200,
        note=BLOCKED_MESSAGES[blocked] if blocked else "",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    page = {"article": comment.article, "title": _("Edit your comment"), "action": request.path}
    if refusal := comment_edit_refusal(comment=comment, user=request.user):
        # A late edit keeps its text on the page, to copy: it cannot be sent.
        return _form_page(request, form=form, status=403, note=refusal, readonly=True, **page)
    if request.method == "POST" and form.is_valid():
        try:
            comment_edit(comment=comment, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if comment.status == Comment.Status.PENDING:
                _announce(request, comment)
            else:
                messages.success(request, _("Your comment is updated."))
            return redirect(_comment_url(comment, request.user))
    minutes = settings.NEWSROOM_COMMENT_EDIT_MINUTES
    return _form_page(
        request,
        form=form,
        status=400 if form.errors else 200,
        note=_("You can edit a comment for %(minutes)d minutes after posting it.")
        % {"minutes": minutes},
        **page,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if comment.is_removed:
        raise PermissionDenied(_("This comment is already removed."))
    if request.method == "POST":
        comment_delete(comment=comment, by=request.user)
        messages.success(request, _("Your comment is deleted."))
        return redirect(f"{comment.article.get_absolute_url()}#comments")
    return render(request, "articles/comment_delete.html", {"comment": comment})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.visible().select_related("article", "author"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    if comment.author_id == request.user.pk:
        raise PermissionDenied(_("You cannot report your own comment."))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment_report(comment=comment, by=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you. The moderators will look at the comment you reported.")
            )
            return redirect(_comment_url(comment, request.user))
    return render(
        request,
        "articles/comment_report.html",
        {"comment": comment, "form": form},
        status=400 if form.errors else 200,
    )
