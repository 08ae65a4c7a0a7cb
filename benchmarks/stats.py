"""The pure parts of the benchmark: targets, locust's stats, the checks and a TOTP code.

Nothing here starts a process, opens a socket or reads the clock by itself, so
tests/test_benchmarks.py can check it all with canned input.
"""

import base64
import csv
import hashlib
import hmac
import html
import io
import re
import statistics
import struct
import tomllib
from dataclasses import asdict, dataclass, replace

# locust's name for the row that sums all targets.
AGGREGATED_ROW = "Aggregated"


@dataclass(frozen=True)
class Target:
    """One page or endpoint to measure, from benchmarks/targets.toml."""

    name: str
    path: str
    floor: bool = False
    max_p95_ms: float | None = None
    max_floor_ratio: float | None = None
    # The server's median CPU time per request at most this many times the floor's: what
    # the page itself costs, whatever else the machine is doing.
    max_cpu_floor_ratio: float | None = None
    note: str = ""
    # Log in as this account for this target; empty: the run's own account (--email).
    email: str = ""

    @property
    def checked(self) -> bool:
        limits = (self.max_p95_ms, self.max_floor_ratio, self.max_cpu_floor_ratio)
        return any(limit is not None for limit in limits)


@dataclass(frozen=True)
class Result:
    """What locust measured for one target (times in milliseconds)."""

    name: str
    requests: int
    errors: int
    median_ms: float | None
    p95_ms: float | None
    average_ms: float | None
    requests_per_second: float
    # Median CPU time the server spent per request (its Server-Timing header).
    server_cpu_ms: float | None = None


@dataclass(frozen=True)
class Row:
    """A result next to the floor, with the misses of its target."""

    result: Result
    median_floor_ratio: float | None
    p95_floor_ratio: float | None
    cpu_floor_ratio: float | None
    misses: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            **asdict(self.result),
            "median_floor_ratio": self.median_floor_ratio,
            "p95_floor_ratio": self.p95_floor_ratio,
            "cpu_floor_ratio": self.cpu_floor_ratio,
            "misses": list(self.misses),
        }


@dataclass(frozen=True)
class PurgeTarget:
    """The nightly access-log purge, timed once per run (the `[purge]` table)."""

    max_seconds: float
    note: str = ""

    def misses(self, seconds: float) -> list[str]:
        if seconds < self.max_seconds:
            return []
        return [f"the purge took {seconds:.2f} s, not under {self.max_seconds:g} s"]


@dataclass(frozen=True)
class StatisticsTarget:
    """The statistics computation, measured once per run (the `[statistics]` table)."""

    # The full rebuild may take at most this many times the floor: the same aggregate
    # queries run in PostgreSQL without writing anything.
    max_floor_ratio: float
    # Peak resident memory of the process that runs the rebuild.
    max_rss_mb: float
    # An update after one day of new contact moments.
    max_incremental_seconds: float
    note: str = ""

    def misses(self, measured: dict) -> list[str]:
        misses = []
        ratio = measured["rebuild_seconds"] / measured["floor_seconds"]
        if ratio > self.max_floor_ratio:
            misses.append(
                f"the rebuild took {measured['rebuild_seconds']:.1f} s, {ratio:.2f}x the "
                f"floor's {measured['floor_seconds']:.1f} s (at most {self.max_floor_ratio:g}x)"
            )
        if not measured["rebuild_peak_rss_mb"] < self.max_rss_mb:
            misses.append(
                f"the rebuild's process peaked at {measured['rebuild_peak_rss_mb']:.0f} MB, "
                f"not under {self.max_rss_mb:g} MB"
            )
        if measured.get("incremental_error"):
            misses.append(f"the update after one day failed: {measured['incremental_error']}")
        elif not measured["incremental_seconds"] < self.max_incremental_seconds:
            misses.append(
                f"the update after one day took {measured['incremental_seconds']:.1f} s, "
                f"not under {self.max_incremental_seconds:g} s"
            )
        return misses


@dataclass(frozen=True)
class OutputsTarget:
    """What leaves the organisation, measured once per run (the `[outputs]` table)."""

    # The municipality's report as a PDF, in a warm process.
    max_pdf_seconds: float
    # The anonymised sector benchmark export of a year, JSON and CSV.
    max_export_seconds: float
    # The social map as HSDS JSON, and that file imported into an emptied map.
    max_hsds_export_seconds: float | None = None
    max_hsds_import_seconds: float | None = None
    # A learning path of 100 steps imported from its file.
    max_learning_import_seconds: float | None = None
    note: str = ""

    def misses(self, measured: dict) -> list[str]:
        misses = []
        for name, what, limit in (
            ("pdf", "the municipality's PDF", self.max_pdf_seconds),
            ("export", "the sector benchmark export", self.max_export_seconds),
        ):
            result = measured[name]
            if result.get("error"):
                misses.append(f"{what} was not made: {result['error']}")
            elif not result["seconds"] < limit:
                misses.append(f"{what} took {result['seconds']:.2f} s, not under {limit:g} s")
        hsds = measured.get("hsds")
        if hsds is not None and self.max_hsds_export_seconds is not None:
            if hsds.get("error"):
                misses.append(f"the social map's HSDS export and import: {hsds['error']}")
                return misses
            for key, what, limit in (
                ("export_seconds", "the social map's HSDS export", self.max_hsds_export_seconds),
                ("import_seconds", "the social map's HSDS import", self.max_hsds_import_seconds),
            ):
                if not hsds[key] < limit:
                    misses.append(f"{what} took {hsds[key]:.2f} s, not under {limit:g} s")
            if hsds["import_rejected"]:
                misses.append(f"the HSDS import refused {hsds['import_rejected']} services")
        learning = measured.get("learning")
        if learning is not None and self.max_learning_import_seconds is not None:
            limit = self.max_learning_import_seconds
            if learning.get("error"):
                misses.append(f"the learning path import: {learning['error']}")
            elif not learning["seconds"] < limit:
                misses.append(
                    f"the learning path import took {learning['seconds']:.2f} s, "
                    f"not under {limit:g} s"
                )
        return misses


def load_outputs_target(text: str) -> OutputsTarget | None:
    table = tomllib.loads(text).get("outputs")
    return OutputsTarget(**table) if table else None


def load_statistics_target(text: str) -> StatisticsTarget | None:
    table = tomllib.loads(text).get("statistics")
    return StatisticsTarget(**table) if table else None


def load_purge_target(text: str) -> PurgeTarget | None:
    purge = tomllib.loads(text).get("purge")
    return PurgeTarget(**purge) if purge else None


def load_targets(text: str) -> list[Target]:
    """Targets from TOML: a `[[target]]` table per target; exactly one is the floor."""
    data = tomllib.loads(text)
    targets = [Target(**entry) for entry in data.get("target", [])]
    names = [target.name for target in targets]
    if len(set(names)) != len(names):
        raise ValueError(f"target names must be unique: {names}")
    if AGGREGATED_ROW in names:
        raise ValueError(f"{AGGREGATED_ROW!r} is locust's own row name; pick another")
    floors = [target for target in targets if target.floor]
    if len(floors) != 1:
        raise ValueError(f"exactly one target must be the floor, found {len(floors)}")
    if floors[0].checked:
        raise ValueError("the floor is the yardstick; it has no target of its own")
    if floors[0].email:
        raise ValueError("the floor is measured with the run's own account")
    return targets


def parse_locust_stats(text: str) -> dict[str, Result]:
    """Per-name results from locust's `<prefix>_stats.csv` (the Aggregated row is left out).

    locust keeps response times above 100 ms rounded to 10 ms (above 1 s to 100 ms), so
    its percentiles have that resolution too.
    """
    results = {}
    for row in csv.DictReader(io.StringIO(text)):
        name = row["Name"]
        if name == AGGREGATED_ROW:
            continue
        results[name] = Result(
            name=name,
            requests=int(row["Request Count"]),
            errors=int(row["Failure Count"]),
            median_ms=_number(row["50%"]),
            p95_ms=_number(row["95%"]),
            average_ms=_number(row["Average Response Time"]),
            requests_per_second=_number(row["Requests/s"]) or 0.0,
        )
    return results


def _number(value: str) -> float | None:
    value = (value or "").strip()
    if not value or value == "N/A":
        return None
    return float(value)


def server_cpu_ms(header: str) -> float | None:
    """The `cpu` duration (ms) of a Server-Timing header, e.g. `cpu;dur=12.5, db;dur=3`."""
    for metric in header.split(","):
        name, *parameters = (part.strip() for part in metric.split(";"))
        if name != "cpu":
            continue
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "dur":
                try:
                    return float(value)
                except ValueError:
                    return None
    return None


def with_server_cpu(
    results: dict[str, Result], samples: dict[str, list[float]]
) -> dict[str, Result]:
    """The results with the median of each target's server CPU samples."""
    return {
        name: replace(result, server_cpu_ms=statistics.median(samples[name]))
        if samples.get(name)
        else result
        for name, result in results.items()
    }


def compare(targets: list[Target], results: dict[str, Result]) -> list[Row]:
    """Each target with its ratios to the floor's median and what it missed.

    `targets` are the ones that were measured (their addresses answered 200 at the start).
    """
    floor = next(target for target in targets if target.floor)
    floor_result = results.get(floor.name)
    floor_median = floor_result.median_ms if floor_result else None
    floor_cpu = floor_result.server_cpu_ms if floor_result else None
    rows = []
    for target in targets:
        # A target without a row in locust's stats got no answer at all: a miss.
        result = results.get(target.name) or Result(
            name=target.name,
            requests=0,
            errors=0,
            median_ms=None,
            p95_ms=None,
            average_ms=None,
            requests_per_second=0.0,
        )
        median_ratio = _ratio(result.median_ms, floor_median)
        p95_ratio = _ratio(result.p95_ms, floor_median)
        misses = _misses(target, result, floor_median=floor_median, floor_cpu=floor_cpu)
        rows.append(
            Row(
                result=result,
                median_floor_ratio=median_ratio,
                p95_floor_ratio=p95_ratio,
                cpu_floor_ratio=_ratio(result.server_cpu_ms, floor_cpu),
                misses=tuple(misses),
            )
        )
    return rows


def _ratio(value: float | None, floor_median: float | None) -> float | None:
    if value is None or not floor_median:
        return None
    return value / floor_median


def _misses(target, result, *, floor_median, floor_cpu) -> list[str]:
    if result.requests == 0:
        return ["no requests were measured"]
    misses = []
    if result.errors:
        misses.append(f"{result.errors} of {result.requests} requests failed")
    p95 = result.p95_ms
    if target.max_p95_ms is not None and p95 is not None and not p95 < target.max_p95_ms:
        misses.append(f"p95 {result.p95_ms:.0f} ms is not under {target.max_p95_ms:.0f} ms")
    misses += _over_floor(
        "median",
        result.median_ms,
        floor_median,
        target.max_floor_ratio,
        "{:.0f} ms",
        missing="no floor median to compare with",
    )
    misses += _over_floor(
        "CPU",
        result.server_cpu_ms,
        floor_cpu,
        target.max_cpu_floor_ratio,
        "{:.1f} ms",
        missing="no CPU time of the floor or the page to compare",
    )
    return misses


def _over_floor(what: str, value, floor_value, limit, shown: str, *, missing: str) -> list[str]:
    """The miss when `value` is more than `limit` times the floor's (`shown` formats both);
    nothing when within it or without a limit."""
    if limit is None:
        return []
    ratio = _ratio(value, floor_value)
    if ratio is None:
        return [missing]
    if ratio <= limit:
        return []
    return [
        f"{what} {shown.format(value)} is {ratio:.1f}x the floor's "
        f"{shown.format(floor_value)} (at most {limit:g}x)"
    ]


def format_table(rows: list[Row]) -> str:
    """A plain-text table: requests, median, p95, errors and the ratios to the floor, then
    the server's CPU time per request and its ratio to the floor's."""
    header = (
        "target",
        "requests",
        "median ms",
        "p95 ms",
        "errors",
        "median/floor",
        "p95/floor",
        "cpu ms",
        "cpu/floor",
    )
    lines = [header]
    for row in rows:
        result = row.result
        lines.append(
            (
                result.name,
                str(result.requests),
                _show(result.median_ms, "{:.0f}"),
                _show(result.p95_ms, "{:.0f}"),
                str(result.errors),
                _show(row.median_floor_ratio, "{:.1f}x"),
                _show(row.p95_floor_ratio, "{:.1f}x"),
                _show(result.server_cpu_ms, "{:.1f}"),
                _show(row.cpu_floor_ratio, "{:.1f}x"),
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def _show(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def totp(secret: str, *, at: float, step: int = 30, digits: int = 6) -> str:
    """The RFC 6238 code (HMAC-SHA1) of a base32 secret at Unix time `at`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(at) // step)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


_CSRF_INPUT = re.compile(r"<input\b[^>]*\bname=[\"']csrfmiddlewaretoken[\"'][^>]*>", re.I)
_VALUE = re.compile(r"\bvalue=[\"']([^\"']*)[\"']", re.I)


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on an HTML page."""
    field = _CSRF_INPUT.search(page)
    value = _VALUE.search(field.group(0)) if field else None
    if value is None:
        raise ValueError("no csrfmiddlewaretoken field on the page")
    return html.unescape(value.group(1))
