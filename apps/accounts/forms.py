from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django.utils.translation import gettext_lazy as _


class AddSecurityKeyForm(AddWebAuthnForm):
    """allauth's form, with a label and help in our own words (it has none of its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the key")
        self.fields["name"].help_text = _(
            "So you recognise it later, for example: key on my key ring."
        )
