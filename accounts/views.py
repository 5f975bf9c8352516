import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import EmailView

from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.services import account_delete, account_export, account_update
from articles import selectors


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        account_update(user=form.save(commit=False))
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "comment_count": request.user.comments.count()},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_safe
def comment_history(request: HttpRequest) -> HttpResponse:
    """The reader's own comments, newest first, and what became of each."""
    try:
        history = selectors.comment_history(
            request.user, before=request.GET.get(selectors.HISTORY_PARAMETER)
        )
    except ValueError:
        raise Http404("No such page of comments.") from None
    return render(
        request,
        "accounts/comments.html",
        {"history": history, "reaction_name": settings.NEWSROOM_REACTION_NAME},
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def download_data(request: HttpRequest) -> HttpResponse:
    data = account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="newsroom-data-{stamp}.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user, request=request)
        messages.success(request, _("Your account is deleted. Thank you for taking part."))
        return redirect("articles:home")
    return render(
        request,
        "accounts/delete.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    """The comment section's "Send the link again": allauth's email page sends the link
    (with its rate limit and its message), and the reader stays on the article."""
    response = EmailView.as_view()(request)
    next_url = get_next_redirect_url(request)
    if response.status_code != 302 or not next_url:
        return response
    if not getattr(request, "newsroom_verification_sent", False):
        messages.info(
            request,
            _(
                "We sent you a link a few minutes ago, and it still works: look for it in "
                "your inbox, and in your spam folder."
            ),
        )
    return redirect(next_url)
