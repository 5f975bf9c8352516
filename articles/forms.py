"""The articles app's forms: comments, reports, search and sharing, and the admin's
article and preview-link forms.

Forms check what a reader typed; who may do what is ``articles.permissions``' business and
writes are ``articles.services``'.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags

from articles.models import Article, Comment, CommentReport, Image, PreviewLink, ScheduledUpdate
from articles.models.comment import validate_comment_has_text, validate_comment_length
from articles.search import QUERY_MAX_LENGTH
from articles.services.tags import tag_names_clean
from articles.services.workflow import transition_error
from articles.share import INSTANCE_MAX_LENGTH, mastodon_instance_host

MAX_PREVIEW_LINK_HOURS = 24 * 30
STALE_MESSAGE = _(
    "Someone else saved this article after you opened it. Your text is below, unsaved: open "
    "the article in a new tab (its History compares versions), merge your changes there, "
    "and save."
)


def typed_id(value) -> int | None:
    """A database id typed into a URL or form, or None for anything else ("²", "abc", 10**5000)."""
    value = str(value).strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _same_second(a, b) -> bool:
    return a is not None and b is not None and a.replace(microsecond=0) == b.replace(microsecond=0)


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
        validate_comment_has_text(body)
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


# The admin's article forms.


class PreviewLinkForm(forms.Form):
    """Who a preview link is for and how long it works: 1 hour to 30 days, anything else
    typed gets the default validity (``NEWSROOM_PREVIEW_LINK_HOURS``)."""

    note = forms.CharField(
        label=_("For"),
        required=False,
        max_length=PreviewLink._meta.get_field("note").max_length,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. our lawyer")}),
    )
    hours = forms.CharField(
        label=_("Valid for (hours)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_PREVIEW_LINK_HOURS}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].initial = settings.NEWSROOM_PREVIEW_LINK_HOURS

    def clean_hours(self) -> int | None:
        hours = typed_id(self.cleaned_data["hours"])
        return hours if hours and hours <= MAX_PREVIEW_LINK_HOURS else None


class ArticleAdminForm(forms.ModelForm):
    """The article form, with a hero image upload that creates a library image on save."""

    hero_upload = forms.ImageField(
        label=_("Upload a new hero image"),
        required=False,
        help_text=_("Or choose one already in the library above."),
    )
    hero_alt_text = forms.CharField(
        label=_("Alternative text"),
        required=False,
        max_length=Image._meta.get_field("alt_text").max_length,
        help_text=Image._meta.get_field("alt_text").help_text,
    )
    hero_caption = forms.CharField(
        label=_("Caption"), required=False, max_length=Image._meta.get_field("caption").max_length
    )
    hero_credit = forms.CharField(
        label=_("Credit"),
        required=False,
        max_length=Image._meta.get_field("credit").max_length,
        help_text=Image._meta.get_field("credit").help_text,
    )

    # Kill / legal takedown (editors; the admin shows these only to them, and
    # articles.services.workflow.article_kill refuses anyone else).
    kill = forms.BooleanField(
        label=_("Kill this story (legal takedown)"),
        required=False,
        help_text=_(
            "Its address answers “410 Gone” with the notice below; it leaves every list, "
            "feed, sitemap and search at once. It stays here, with its revisions, for the "
            "legal record."
        ),
    )
    takedown_reason = forms.CharField(
        label=_("Why (kept in the log)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    takedown_notice = forms.CharField(
        label=_("Notice readers get instead (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: “This story is no longer available. It has been withdrawn.”"),
    )
    lift_kill = forms.BooleanField(
        label=_("Lift the kill: readers see the story again"), required=False
    )

    # The updated_at the editor's copy started from: a save over someone else's newer save
    # is refused, with the editor's text kept in the form, instead of silently winning.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    check_concurrent_edits = True

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "standfirst",
            "body",
            "tags",
            "hero_image",
            "status",
            "published_at",
            "embargo_until",
            "expires_at",
            "is_commenting_open",
        )
        # A standfirst is a sentence or two: a short box leaves the body editor in view.
        widgets = {"standfirst": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        # The widget drops microseconds; the same second is not a new publication time.
        if _same_second(value, self.instance.published_at if self.instance.pk else None):
            return self.instance.published_at
        return value

    def clean_tags(self):
        return tag_names_clean(self.cleaned_data.get("tags") or [])

    def _stored(self) -> dict | None:
        """The article as stored, its row locked until the save commits.

        The admin validates and saves in one transaction: two editors saving at once queue
        here, and the second is compared with the first one's save, not with what was there
        before it.
        """
        stored = Article.objects.filter(pk=self.instance.pk)
        if connection.in_atomic_block:
            stored = stored.select_for_update()
        return stored.values("updated_at", "status").first()

    def clean(self):
        cleaned = super().clean()
        stored = self._stored() if self.instance.pk else None
        loaded = cleaned.get("loaded_version")
        is_stale = stored and loaded and stored["updated_at"].isoformat() != loaded
        if self.check_concurrent_edits and is_stale:
            raise ValidationError(STALE_MESSAGE, code="stale")
        status = cleaned.get("status")
        # Checked here too so a disallowed move re-renders the form instead of failing.
        if status and stored and (error := transition_error(stored["status"], status)):
            self.add_error("status", error)
        if cleaned.get("kill") and not (cleaned.get("takedown_reason") or "").strip():
            self.add_error("takedown_reason", _("Say why the story is killed: it is logged."))
        upload = cleaned.get("hero_upload")
        if upload:
            for name in ("hero_alt_text", "hero_caption", "hero_credit"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("A hero image needs this."))
            image = Image(
                file=upload,
                alt_text=cleaned.get("hero_alt_text") or "-",
                caption=cleaned.get("hero_caption") or "-",
                credit=cleaned.get("hero_credit") or "-",
            )
            try:
                image.clean_fields(exclude=["uploaded_by"])
            except ValidationError as error:
                for message in error.message_dict.get("file", []):
                    self.add_error("hero_upload", message)
        return cleaned


class ScheduledUpdateForm(forms.ModelForm):
    """A later version of a live story: its text and tags as they will be from ``publish_at``."""

    tag_names = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, as in the story's own tags."),
    )

    class Meta:
        model = ScheduledUpdate
        fields = ("publish_at", "headline", "standfirst", "body", "tag_names")
        widgets = {"standfirst": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            tags = [Tag(name=name) for name in self.instance.tags]
            self.fields["tag_names"].initial = edit_string_for_tags(tags)

    def has_changed(self):
        # The body editor may write the same HTML differently: a prefilled form nobody
        # touched stays unchanged unless a time, the headline, standfirst or tags moved.
        watched = {"publish_at", "headline", "standfirst", "tag_names"}
        return bool(watched & set(self.changed_data))

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        if value is not None and value <= timezone.now() and not self.instance.pk:
            raise ValidationError(_("Choose a time in the future."))
        return value

    def clean_tag_names(self) -> list[str]:
        return tag_names_clean(parse_tags(self.cleaned_data.get("tag_names") or ""))
