from django import forms
from django.utils.translation import gettext_lazy as _

from allauth.account.adapter import get_adapter

from accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("username", "is_notified_of_replies", "comment_email_delivery")
        labels = {"username": _("Display name")}
        help_texts = {
            "username": _("Shown with your comments."),
            "comment_email_delivery": _(
                "For replies to your comments and for held comments a moderator approved."
            ),
        }
        widgets = {"comment_email_delivery": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without the choice (an older page, a script) keeps the one saved.
        self.fields["comment_email_delivery"].required = False

    def clean_comment_email_delivery(self):
        return self.cleaned_data["comment_email_delivery"] or self.instance.comment_email_delivery

    def clean_username(self):
        # The sign-up rules (length, reserved and look-alike names), this account aside.
        return get_adapter().clean_username(self.cleaned_data["username"], user=self.instance)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good."), required=True
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # Accounts that log in by emailed code have no password to confirm with.
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
