"""The keys that encrypt stored second-factor secrets, and moving secrets to the newest key.

allauth stores a TOTP secret (`data["secret"]`) and a recovery-code seed (`data["seed"]`,
and `data["migrated_codes"]` for codes imported from elsewhere) through
`MfaAdapter.encrypt`. Security keys (WebAuthn) store only public data and are not encrypted.
"""

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


class MfaKeyError(ImproperlyConfigured):
    """A stored secret does not open with any configured key: a configuration fault that
    must be loud, never a code quietly refused."""


def newest_key() -> Fernet:
    if not settings.MFA_ENCRYPTION_KEY:
        raise MfaKeyError(
            "MFA_ENCRYPTION_KEY is not set; it encrypts the staff's TOTP secrets "
            "(README, Configuration)."
        )
    return Fernet(settings.MFA_ENCRYPTION_KEY)


def all_keys() -> MultiFernet:
    """Encrypts with the newest key, decrypts with any of them (newest first)."""
    return MultiFernet([newest_key(), *(Fernet(key) for key in settings.MFA_ENCRYPTION_OLD_KEYS)])


UNREADABLE = (
    "A stored second-factor secret cannot be decrypted with MFA_ENCRYPTION_KEY or any key in "
    "MFA_ENCRYPTION_OLD_KEYS. Was the key replaced without keeping the previous one in "
    "MFA_ENCRYPTION_OLD_KEYS? See README, 'Rotating the MFA encryption key'."
)


def decrypt(token: str) -> str:
    try:
        return all_keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise MfaKeyError(UNREADABLE) from None


def encrypt(text: str) -> str:
    return all_keys().encrypt(text.encode()).decode()


def _uses_newest_key(token: str) -> bool:
    try:
        newest_key().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _encrypted_values(authenticator: Authenticator) -> list[tuple[str, int | None]]:
    """(key in data, index in a list or None) of every encrypted value of one authenticator."""
    data = authenticator.data
    if authenticator.type == Authenticator.Type.TOTP:
        return [("secret", None)]
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        places: list[tuple[str, int | None]] = [("seed", None)] if "seed" in data else []
        places += [("migrated_codes", i) for i in range(len(data.get("migrated_codes") or []))]
        return places
    return []


@dataclass
class ReencryptResult:
    checked: int = 0
    reencrypted: int = 0
    # (authenticator id, type, user id) of secrets that open with no configured key.
    unreadable: list[tuple[int, str, int]] = field(default_factory=list)


@transaction.atomic
def mfa_secrets_reencrypt(*, dry_run: bool = False) -> ReencryptResult:
    """Re-encrypt every stored secret that does not use the newest key yet, so the old keys
    can be removed. All or nothing: when one secret opens with no configured key, nothing is
    written and the result names it."""
    keys = all_keys()
    result = ReencryptResult()
    changed = []
    authenticators = Authenticator.objects.select_for_update().filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    )
    for authenticator in authenticators.order_by("pk"):
        result.checked += 1
        touched = False
        for name, index in _encrypted_values(authenticator):
            token = authenticator.data[name] if index is None else authenticator.data[name][index]
            if _uses_newest_key(token):
                continue
            try:
                # rotate() decrypts with any key and encrypts with the first (the newest).
                new_token = keys.rotate(token.encode()).decode()
            except InvalidToken:
                result.unreadable.append(
                    (authenticator.pk, authenticator.type, authenticator.user_id)
                )
                break
            if index is None:
                authenticator.data[name] = new_token
            else:
                authenticator.data[name][index] = new_token
            touched = True
        if touched:
            result.reencrypted += 1
            changed.append(authenticator)
    if dry_run or result.unreadable:
        return result
    for authenticator in changed:
        authenticator.save(update_fields=["data"])
    return result
