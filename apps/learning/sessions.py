"""A learning group's meetings, in person or by video. They are activities of the portal,
which sits above this app: the portal registers how to read them and where to plan one, so
that the group's pages can show them without importing it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Session:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    # The meeting's page for members (to sign up), and for the team that organises it.
    url: str
    manage_url: str
    cancelled: bool = False


@dataclass(frozen=True)
class SessionSource:
    # The group's meetings, soonest first (cancelled ones too, marked).
    of_cohort: Callable[[int], list[Session]]
    # Where a facilitator plans a new meeting of the group.
    new_url: Callable[[int], str]


_source: SessionSource | None = None


def sessions_register(source: SessionSource) -> None:
    global _source
    _source = source


def sessions_of(cohort) -> list[Session]:
    return _source.of_cohort(cohort.pk) if _source and cohort is not None else []


def new_session_url(cohort) -> str | None:
    return _source.new_url(cohort.pk) if _source else None
