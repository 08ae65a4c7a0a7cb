import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import ApiToken, PartnerSystem, Role, User
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record

# A token that is not renewed stops working after this long (--expires-in-days).
API_TOKEN_DAYS = 365
API_TOKEN_MAX_DAYS = 5 * 365
# A recognisable start (not a secret) lets secret scanners and people see what leaked.
API_TOKEN_MARK = "bk_"  # noqa: S105


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
    *,
    email: str,
    name: str,
    kind: str,
    teams,
    expires_in_days: int = API_TOKEN_DAYS,
    actor=None,
) -> tuple[PartnerSystem, str]:
    """Set up (or update) a partner system's account and give it a new API token.

    The account has no password: it cannot sign in to pages. Tokens issued earlier are
    revoked. Returns the partner system and the new token, which is shown only once: only
    its digest is stored.
    """
    if not 1 <= expires_in_days <= API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "expires_in_days": _("A token lasts between 1 and %(max)d days.")
                % {"max": API_TOKEN_MAX_DAYS}
            }
        )
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
    now = timezone.now()
    revoked = partner.api_tokens.active(now=now).update(revoked_at=now)
    token = API_TOKEN_MARK + secrets.token_urlsafe(32)
    issued = ApiToken.objects.create(
        partner=partner,
        prefix=token[: ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_of(token),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
    )
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=user,
        reason=(
            f"API token {issued.prefix}… issued, valid until {issued.expires_at:%Y-%m-%d}; "
            f"{revoked} earlier token(s) revoked"
        ),
    )
    return partner, token


@transaction.atomic
def api_tokens_revoke(*, tokens, actor=None) -> int:
    """Revoke tokens (a queryset) that still work; they stay listed, with the moment.
    Returns how many were revoked."""
    now = timezone.now()
    revoking = list(tokens.filter(revoked_at__isnull=True).select_related("partner__account"))
    ApiToken.objects.filter(pk__in=[token.pk for token in revoking]).update(revoked_at=now)
    for token in revoking:
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=token.partner.account,
            reason=f"API token {token.prefix}… revoked",
        )
    return len(revoking)
