"""The change between the self-scan at the start and at the end of a path, for everyone
who finished it. The statistics app (apps.effects, above this one) computes it from its
tables and registers how to read it; without it, the group's page shows no change."""

from collections.abc import Callable

_reader: Callable | None = None


def path_change_register(reader: Callable) -> None:
    global _reader
    _reader = reader


def path_change(version):
    """An object with `instrument_name` and `estimate` (a paired change told only for a
    group large enough), or None when the path does not measure the same at both ends."""
    return _reader(version) if _reader else None
