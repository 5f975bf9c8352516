"""The articles app's forms: comments, reports, search and sharing.

Forms check what a reader typed; who may do what is ``articles.permissions``' business and
writes are ``articles.services``'.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Comment, CommentReport
from articles.models.comment import validate_comment_length
from articles.search import QUERY_MAX_LENGTH
from articles.share import INSTANCE_MAX_LENGTH, mastodon_instance_host


class PlainTextField(forms.CharField):
    """A textarea's text, a line break counted once as browsers count it for maxlength."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(forms.Form):
    """A new comment, a reply (``parent``) or an edit. The order the reader chose travels
    in the address the form posts to (``?comments=newest``), not in the form."""

    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; web addresses become links."
        ),
    )
    # Text, not IntegerField: whatever arrives, clean_parent() answers in words.
    parent = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        # Shown to browsers and in the help text; enforced in clean_body, after newlines
        # are normalized, so the browser's count and ours agree.
        self.fields["body"].max_length = settings.NEWSROOM_COMMENT_MAX_LENGTH

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        validate_comment_length(body)
        return body

    def clean_parent(self) -> Comment | None:
        """The visible comment of this article being answered, or None for a new thread."""
        value = self.cleaned_data["parent"].strip()
        if not value:
            return None
        parent = None
        if value.isascii() and value.isdigit() and self.article is not None:
            parent = (
                Comment.objects.filter(article=self.article, pk=int(value))
                .visible()
                .select_related("parent", "author")
                .first()
            )
        if parent is None:
            raise ValidationError(
                _("The comment you replied to is no longer available."), code="parent"
            )
        return parent


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = PlainTextField(
        label=_("Anything the moderators should know (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search stories"),
        max_length=QUERY_MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": _(
                "Searches are limited to %(limit_value)d characters (this one has "
                "%(show_value)d). Try a few distinctive words."
            )
        },
    )


class MastodonShareForm(forms.Form):
    instance = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=INSTANCE_MAX_LENGTH + 80,
        help_text=_("For example mastodon.social, or your handle @you@mastodon.social."),
    )

    def clean_instance(self):
        host = mastodon_instance_host(self.cleaned_data["instance"])
        if host is None:
            raise forms.ValidationError(
                _("Enter the address of a Mastodon server, such as mastodon.social.")
            )
        return host
