"""The articles app's forms: comments, reports, search and sharing, and the admin's
article and preview-link forms.

Forms check what a reader typed; who may do what is ``articles.permissions``' business and
writes are ``articles.services``'.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags

from articles import writing
from articles.models import (
    Article,
    Comment,
    CommentReport,
    EditPresence,
    Image,
    LiveUpdate,
    ModerationReason,
    PreviewLink,
    ScheduledUpdate,
)
from articles.models import article as article_models
from articles.models.comment import validate_comment_has_text, validate_comment_length
from articles.models.drafts import person_name
from articles.models.notes import NOTE_MAX_LENGTH
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
TAKEN_OVER_MESSAGE = _(
    "%(name)s took over this story at %(at)s, so your save was refused. Your text is below, "
    "unsaved (and kept as your autosaved draft): copy what you need, and ask %(name)s to "
    "merge it, or save it once they have finished."
)
# What an autosave may hold per field: far above any story, below a request's memory limit.
DRAFT_FIELD_MAX_LENGTH = 1_000_000


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
    # The "Post anyway for review" button, offered once a check asked the author to revise
    # (articles.moderation): posted anyway, the comment is held for a moderator.
    post_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.is_revision_asked = False
        # Shown to browsers and in the help text; enforced in clean_body, after newlines
        # are normalized, so the browser's count and ours agree.
        self.fields["body"].max_length = settings.NEWSROOM_COMMENT_MAX_LENGTH

    def ask_revision(self, error: ValidationError) -> None:
        """A check asked the author to revise (``RevisionRequested``): say why, and offer
        to post the text anyway for review."""
        self.is_revision_asked = True
        self.add_error(None, error)

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


class AppealForm(forms.Form):
    text = PlainTextField(
        label=_("Why should the comment be reinstated?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please say why the moderators should look again.")},
    )


class RemovalForm(forms.Form):
    """What a moderator says when removing comments: the statement of reasons."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *ModerationReason.choices],
        error_messages={"required": _("Choose why: the author is told the reason.")},
    )
    explanation = PlainTextField(
        label=_("Explanation for the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == ModerationReason.OTHER and not cleaned.get("explanation"):
            self.add_error("explanation", _("Say what the other reason is."))
        return cleaned


class ReportDismissForm(forms.Form):
    note = PlainTextField(label=_("Note (optional)"), required=False, max_length=500)


class ReaderNoteForm(forms.Form):
    text = PlainTextField(
        label=_("Add a note for the moderators"),
        max_length=2000,
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


class ImageChooserUploadForm(forms.Form):
    """An upload from the body editor's image chooser: a new library image."""

    file = forms.ImageField(label=_("Picture"))
    alt_text = forms.CharField(
        label=_("Alternative text"),
        max_length=Image._meta.get_field("alt_text").max_length,
        help_text=Image._meta.get_field("alt_text").help_text,
    )
    caption = forms.CharField(
        label=_("Caption"), max_length=Image._meta.get_field("caption").max_length
    )
    credit = forms.CharField(
        label=_("Credit"),
        max_length=Image._meta.get_field("credit").max_length,
        help_text=Image._meta.get_field("credit").help_text,
    )


# The "Search and social" overrides of the article form (articles.metadata reads them).
SEARCH_AND_SOCIAL_FIELDS = article_models.SEARCH_AND_SOCIAL_FIELDS


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
    # Who is saving (the admin's get_form sets it): a save by someone an editor took the
    # story over from is refused, their text kept.
    editing_user = None

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "standfirst",
            "body",
            "tags",
            "section",
            "hero_image",
            "status",
            "published_at",
            "embargo_until",
            "expires_at",
            "is_commenting_open",
            "discussion_mode",
            "kind",
            "coverage_ended_at",
            *SEARCH_AND_SOCIAL_FIELDS,
        )
        # A standfirst is a sentence or two: a short box leaves the body editor in view.
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "seo_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        if "kind" in self.fields:
            # A form posted without it (a script, an older page) keeps the story's type.
            self.fields["kind"].required = False
        self._add_writing_aids()
        self._add_image_chooser()

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind or Article.Kind.STORY

    def _add_image_chooser(self):
        """The figure dialog's "Browse..." opens the image chooser (a popup of the admin)."""
        body = self.fields.get("body")
        config = getattr(body and body.widget, "config", None)
        if not config or "extensions" not in config:
            return
        extensions = dict(config["extensions"])
        figure = extensions.get("Figure")
        figure = dict(figure) if isinstance(figure, dict) else {}
        figure["pickerUrl"] = reverse("admin:articles_article_image_chooser")
        extensions["Figure"] = figure
        body.widget.config = {**config, "extensions": extensions}

    def _add_writing_aids(self):
        """The time zone under every date and time field; the body's word count and
        reading time under it (kept live by js/writing-comfort.js)."""
        zone = writing.time_zone_label()
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField | forms.DateField | forms.SplitDateTimeField):
                field.help_text = format_html(
                    '{} <span class="newsroom-time-zone">{}</span>', field.help_text, zone
                )
        body = self.fields.get("body")
        if body is not None:
            html = self.data.get("body", "") if self.is_bound else self.instance.body
            body.help_text = format_html(
                '{} <span class="newsroom-word-count" id="newsroom-word-count" '
                'data-words-per-minute="{}" aria-live="polite">{}</span>',
                body.help_text,
                writing.WORDS_PER_MINUTE,
                writing.word_count_label(html or ""),
            )

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

    def _taken_over_by(self) -> dict | None:
        """Who took the story over from the person saving, if they still hold it."""
        user = self.editing_user
        if user is None or not user.is_authenticated:
            return None
        presence = (
            EditPresence.objects.live()
            .filter(article=self.instance.pk, taken_over_from=user)
            .exclude(user=user)
            .select_related("user")
            .first()
        )
        if presence is None:
            return None
        at = timezone.localtime(presence.taken_over_at).strftime("%H:%M")
        return {"name": person_name(presence.user), "at": at}

    def clean(self):
        cleaned = super().clean()
        stored = self._stored() if self.instance.pk else None
        loaded = cleaned.get("loaded_version")
        is_stale = stored and loaded and stored["updated_at"].isoformat() != loaded
        if self.check_concurrent_edits and is_stale:
            raise ValidationError(STALE_MESSAGE, code="stale")
        if self.check_concurrent_edits and stored and (taker := self._taken_over_by()):
            raise ValidationError(TAKEN_OVER_MESSAGE % taker, code="taken_over")
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


class LiveUpdateForm(forms.ModelForm):
    """An update to a live blog: an optional headline and the text (the admin's "Post
    update" and edit pages; ``articles.services.live`` writes it)."""

    class Meta:
        model = LiveUpdate
        fields = ("headline", "body", "is_pinned")


class ArticleDraftForm(forms.Form):
    """What the article form's script autosaves: the typed fields as they are, valid or
    not (a headline too long for the article is still words not to lose)."""

    headline = forms.CharField(required=False, strip=False, max_length=DRAFT_FIELD_MAX_LENGTH)
    slug = forms.CharField(required=False, strip=False, max_length=DRAFT_FIELD_MAX_LENGTH)
    standfirst = forms.CharField(required=False, strip=False, max_length=DRAFT_FIELD_MAX_LENGTH)
    body = forms.CharField(required=False, strip=False, max_length=DRAFT_FIELD_MAX_LENGTH)
    tags = forms.CharField(required=False, strip=False, max_length=DRAFT_FIELD_MAX_LENGTH)
    loaded_version = forms.DateTimeField(required=False)

    def clean(self):
        cleaned = super().clean()
        for name in ("headline", "slug", "standfirst", "body", "tags"):
            # PostgreSQL stores no NUL in text, and nobody types one.
            cleaned[name] = (cleaned.get(name) or "").replace("\x00", "")
        return cleaned


# The pipeline's forms on the article's admin page (articles/admin/pipeline.py).


class EditorialNoteForm(forms.Form):
    """A note on a story, or a reply (``parent``, the id of the note answered)."""

    text = PlainTextField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see notes. Type @username to email someone on the desk."),
        error_messages={"required": _("Write the note first.")},
    )
    # The id of the note answered; the admin view looks it up on the story.
    parent = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Printed on the article's page beside its own form and the others: ids of its own.
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class ReturnToWriterForm(forms.Form):
    text = PlainTextField(
        label=_("What the writer should change"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the writer should change: the note is required.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "return_%s")
        super().__init__(*args, **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class AssignForm(forms.Form):
    """Who works on the story and by when; either may be left empty (unassigned, no time)."""

    assignee = StaffChoiceField(
        label=_("Assignee"),
        required=False,
        queryset=None,
        empty_label=_("Nobody"),
    )
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        help_text=_("In the newsroom's time zone."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        )


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
