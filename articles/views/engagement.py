"""Reacting to a comment, choosing editors' picks, ignoring a commenter.

Plain POST forms first: each answers with a redirect back to the comment, on the page of
threads that now holds it and in the order the reader was reading (the form's address
carries ``?comments=``). The reaction form, sent by ``newsroom/static/js/comments.js``
with ``Accept: application/json``, gets the new state and count instead, so the page does
not move.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Comment, IgnoredCommenter
from articles.permissions import CommentPermissions
from articles.selectors import comment_page_url, comments_on_published_articles
from articles.services import (
    comment_feature,
    comment_react,
    commenter_ignore,
    commenter_unignore,
)
from articles.views.comments import _order, _too_fast
from articles.views.killed import gone_if_killed


def reaction_rate(group, request) -> str:
    return settings.NEWSROOM_REACTION_RATE


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _switch(request: HttpRequest, name: str) -> bool | None:
    """A form's on/off field: "1" on, "0" off, anything else (or nothing) None."""
    return {"1": True, "0": False}.get(request.POST.get(name, "").strip())


def _back(request: HttpRequest, comment: Comment) -> HttpResponse:
    return redirect(comment_page_url(comment, request.user, order=_order(request)))


@require_POST
@gone_if_killed
def react_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(comments_on_published_articles().visible(), pk=pk)
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"error": _("Log in to react to comments.")}, status=403)
        return redirect_to_login(comment.get_absolute_url())
    if refusal := CommentPermissions(request.user, comment).react_refusal():
        if _wants_json(request):
            return JsonResponse({"error": str(refusal)}, status=403)
        raise PermissionDenied(refusal)
    too_fast = _too_fast(request, group="comment-react", rate=reaction_rate)
    if too_fast is not False:
        message = (
            _("You are reacting faster than the site allows. Wait a minute, then try again.")
            if too_fast
            else _("We cannot check the reaction limit right now; try again in a minute.")
        )
        if _wants_json(request):
            return JsonResponse({"error": message}, status=429 if too_fast else 503)
        messages.error(request, message)
        return _back(request, comment)
    reacted, count = comment_react(comment=comment, by=request.user, on=_switch(request, "on"))
    if _wants_json(request):
        return JsonResponse({"reacted": reacted, "count": count})
    return _back(request, comment)


@require_POST
@gone_if_killed
def feature_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(comments_on_published_articles(), pk=pk)
    if not CommentPermissions(request.user, comment).can_feature():
        raise PermissionDenied(_("Only moderators choose editors' picks."))
    featured = _switch(request, "featured")
    if featured is None:
        featured = not comment.is_featured
    try:
        comment_feature(comment=comment, by=request.user, featured=featured)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The comment is now an editors' pick.")
            if featured
            else _("The comment is no longer an editors' pick."),
        )
    return _back(request, comment)


@require_POST
@gone_if_killed
def ignore_commenter(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("articles:comment", kwargs={"pk": pk}))
    comment = get_object_or_404(comments_on_published_articles().shown_to(request.user), pk=pk)
    if refusal := CommentPermissions(request.user, comment).ignore_refusal():
        raise PermissionDenied(refusal)
    name = comment.author_name
    if _switch(request, "on") is False:
        commenter_unignore(by=request.user, commenter=comment.author)
        messages.success(request, _("You see %(name)s's comments again.") % {"name": name})
    else:
        commenter_ignore(by=request.user, commenter=comment.author)
        messages.success(
            request,
            _("You ignore %(name)s: their comments are folded away for you.") % {"name": name},
        )
    return _back(request, comment)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ignored_commenters(request: HttpRequest) -> HttpResponse:
    """The commenters a reader ignores, each with a button to read them again."""
    if request.method == "POST":
        user_id = request.POST.get("user", "")
        commenter = (
            get_user_model().objects.filter(pk=int(user_id)).first()
            if user_id.isascii() and user_id.isdigit()
            else None
        )
        if commenter is not None and commenter_unignore(by=request.user, commenter=commenter):
            messages.success(
                request,
                _("You see %(name)s's comments again.") % {"name": commenter.get_username()},
            )
        return redirect("articles:ignored-commenters")
    ignored = IgnoredCommenter.objects.filter(user=request.user).select_related("ignored")
    return render(request, "articles/ignored_commenters.html", {"ignored": ignored})
