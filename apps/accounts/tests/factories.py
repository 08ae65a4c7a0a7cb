import secrets
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from apps.accounts.models import ApiToken, PartnerSystem, Role, User

TEST_PASSWORD = "Een-lang-wachtwoord-42"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.nl")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    role = Role.RESIDENT
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)

    @factory.post_generation
    def with_totp(self, create, extracted, **kwargs):
        """Staff users get a TOTP authenticator unless created with with_totp=False."""
        wanted = self.requires_mfa if extracted is None else extracted
        if create and wanted:
            TOTP.activate(self, TEST_TOTP_SECRET)


def totp_code(secret: str = TEST_TOTP_SECRET, offset: int = 0) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


class PartnerSystemFactory(factory.django.DjangoModelFactory):
    """A partner system (GP software) that refers to the teams given as `teams=[...]`."""

    class Meta:
        model = PartnerSystem
        skip_postgeneration_save = True

    account = factory.SubFactory(UserFactory, role=Role.PARTNER_SYSTEM)
    name = factory.Sequence(lambda n: f"Huisartsenpraktijk {n}")
    kind = PartnerSystem.Kind.GP

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


def api_token_for(partner, **fields) -> str:
    """A new API token of `partner` (a PartnerSystem); only its digest is stored, as when
    the command issues one. `fields` set expires_at, revoked_at, last_used_at, ..."""
    token = "bk_" + secrets.token_urlsafe(32)
    fields.setdefault("expires_at", timezone.now() + timedelta(days=365))
    ApiToken.objects.create(
        partner=partner,
        prefix=token[: ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_of(token),
        **fields,
    )
    return token
