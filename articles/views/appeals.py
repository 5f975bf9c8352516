"""A reader's answers to moderation: appealing a removal, acknowledging a warning.

Requests and responses only: ``CommentPermissions.appeal_refusal`` says who may appeal,
``articles.services`` writes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from articles.forms import AppealForm
from articles.models import Appeal, Comment, CommenterWarning
from articles.permissions import CommentPermissions
from articles.services import appeal_create, commenter_warning_acknowledge


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def appeal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The link in a statement of reasons: the author says why the removal was wrong."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    permissions = CommentPermissions(request.user, comment)
    if not permissions.is_own:
        # Someone else's comment: nothing here for them, not even whether it was removed.
        raise Http404(_("Nothing to show here."))
    appeal = (
        Appeal.objects.filter(comment=comment, removal_at=comment.removed_at).first()
        if comment.removed_at
        else None
    )
    refusal = None if appeal else permissions.appeal_refusal()
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if appeal or refusal:
            raise PermissionDenied(refusal or _("You have already appealed this removal."))
        if form.is_valid():
            try:
                appeal_create(
                    comment=comment, by=request.user, text=form.cleaned_data["text"],
                    request=request,
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your appeal was sent. A moderator will look again and email you."),
                )
                return redirect("articles:comment-appeal", pk=comment.pk)
        status = 400
    return render(
        request,
        "articles/appeal.html",
        {"comment": comment, "appeal": appeal, "refusal": refusal, "form": form},
        status=status,
    )


@login_required
@require_POST
def acknowledge_warning(request: HttpRequest, pk: int) -> HttpResponse:
    """ "I understand": the warned reader may comment again; back to where they were."""
    warning = get_object_or_404(CommenterWarning, pk=pk, user=request.user)
    commenter_warning_acknowledge(warning=warning, by=request.user)
    messages.success(request, _("Thank you. You can comment again."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("articles:home")
    return redirect(target)
