"""An optional `Idempotency-Key` header against double submits of a response.

A client that may send the same request twice (a retry after a time-out, a double tap)
sends a key of its own choosing, the same for the retry. The first request with a key
goes ahead; a later one with the same key and the same body gets the response the first
one stored, and stores nothing. Without the header every request is a new response.

The keys live in the default cache (Redis in production, shared by all processes) for a
day, per account: another account's key never matches.
"""

import hashlib
import json

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

HEADER = "Idempotency-Key"
MAX_LENGTH = 200
KEEP_SECONDS = 24 * 60 * 60


class StillRunning(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This questionnaire is being sent right now. Wait a moment and look again.")
    default_code = "still_running"


class IdempotencyKey:
    """Claim a key before storing, and record or release it afterwards."""

    def __init__(self, *, user, key: str, payload):
        self.cache_key = "questionnaires:idempotency:" + _digest(f"{user.pk}:{key}")
        self.fingerprint = _digest(json.dumps(payload, sort_keys=True, default=str))

    @classmethod
    def from_request(cls, request) -> "IdempotencyKey | None":
        """None when the request has no key (an empty header counts as none)."""
        key = request.headers.get(HEADER, "")
        if not key:
            return None
        if len(key) > MAX_LENGTH or not key.isascii() or not key.isprintable():
            raise ValidationError(
                {
                    HEADER: [
                        _("Use at most %(max)d letters, digits and punctuation marks.")
                        % {"max": MAX_LENGTH}
                    ]
                }
            )
        return cls(user=request.user, key=key, payload=request.data)

    def claim(self) -> int | None:
        """None: this request goes ahead. Otherwise the id of the response that an earlier
        request with this key stored. A different body under a used key is a 400; a key
        whose first request has not finished yet is a 409."""
        for _attempt in range(2):
            if cache.add(self.cache_key, {"fingerprint": self.fingerprint}, KEEP_SECONDS):
                return None
            earlier = cache.get(self.cache_key)
            if earlier is None:
                continue  # expired in between: try to claim it again
            if earlier["fingerprint"] != self.fingerprint:
                raise ValidationError(
                    {HEADER: [_("This key was already used for other answers. Use a new key.")]}
                )
            if earlier.get("response") is None:
                raise StillRunning
            return earlier["response"]
        raise StillRunning

    def record(self, response_id: int) -> None:
        cache.set(
            self.cache_key,
            {"fingerprint": self.fingerprint, "response": response_id},
            KEEP_SECONDS,
        )

    def release(self) -> None:
        """The request stored nothing: the key may be used again (for corrected answers)."""
        cache.delete(self.cache_key)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()
