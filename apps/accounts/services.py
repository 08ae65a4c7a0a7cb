from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from apps.accounts.models import PartnerSystem, Role, User
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record


@transaction.atomic
def user_create(
    *,
    email: str,
    role: Role = Role.RESIDENT,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email_verified: bool = False,
) -> User:
    """Create an account with its allauth e-mail record.

    Accounts made by an administrator (staff) arrive with a verified address; residents
    who sign up themselves verify theirs through allauth.
    """
    user = User.objects.create_user(
        email=email, password=password, role=role, first_name=first_name, last_name=last_name
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


@transaction.atomic
def partner_system_issue_token(
    *, email: str, name: str, kind: str, teams, actor=None
) -> tuple[PartnerSystem, str]:
    """Set up (or update) a partner system's account and give it a new API token.

    The account has no password: it cannot sign in to pages. A token issued earlier stops
    working. Returns the partner system and the new token, which is shown only once.
    """
    validate_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(email=email, role=Role.PARTNER_SYSTEM, email_verified=True)
    elif user.role != Role.PARTNER_SYSTEM:
        raise ValidationError({"email": _("This address belongs to a person's account.")})
    user.set_unusable_password()
    user.first_name = name[:150]
    user.save(update_fields=["password", "first_name"])
    partner = PartnerSystem.objects.filter(account=user).first() or PartnerSystem(account=user)
    partner.name, partner.kind = name, kind
    partner.full_clean()
    partner.save()
    partner.teams.set(teams)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=user,
        reason="API token issued; earlier tokens revoked",
    )
    return partner, token.key
