"""Keyset pagination of the access log: pages by position in the log, never by counting.

A page link carries the (occurred_at, id) of the row it continues from, signed so that a
changed or broken link is recognised and answered with a message instead of a guess.
Because a position is a row and not a page number, a page shows the same rows while new
rows arrive at the top, and no row is skipped or shown twice, also when several rows share
the same moment.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing

SALT = "audit.access-log.position"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# Far more than any real token; a longer one is refused before it is even checked.
_MAX_TOKEN_LENGTH = 200
_MAX_ID = 2**63 - 1


class InvalidPosition(ValueError):
    """A page link whose position is broken, changed or not ours."""


@dataclass(frozen=True)
class Position:
    occurred_at: datetime
    id: int

    @classmethod
    def of(cls, entry) -> "Position":
        return cls(entry.occurred_at, entry.pk)

    def token(self) -> str:
        micros = (self.occurred_at - _EPOCH) // _MICROSECOND
        return signing.Signer(salt=SALT).sign(f"{micros}.{self.id}")

    @classmethod
    def from_token(cls, token: str) -> "Position":
        if len(token) > _MAX_TOKEN_LENGTH:
            raise InvalidPosition(token[:_MAX_TOKEN_LENGTH])
        try:
            micros, pk = signing.Signer(salt=SALT).unsign(token).split(".")
            position = cls(_EPOCH + int(micros) * _MICROSECOND, int(pk))
        except (signing.BadSignature, ValueError, OverflowError) as error:
            raise InvalidPosition(token) from error
        if not 0 < position.id <= _MAX_ID:
            raise InvalidPosition(token)
        return position


@dataclass(frozen=True)
class LogPage:
    """One page of the log, newest row first, with the positions to link on from."""

    entries: list
    older: Position | None  # there are older rows: link to the rows after the last one
    newer: Position | None  # this is not the newest page: link to the rows above it

    @property
    def is_newest(self) -> bool:
        return self.newer is None


def read_position(query) -> tuple[str, Position | None]:
    """The direction ("older", "newer" or "" for the newest page) and position of a link.

    Raises InvalidPosition for a broken, changed or contradictory link.
    """
    given = [name for name in ("older", "newer") if name in query]
    if not given:
        return "", None
    if len(given) > 1:
        raise InvalidPosition("older and newer at once")
    direction = given[0]
    return direction, Position.from_token(query[direction])
