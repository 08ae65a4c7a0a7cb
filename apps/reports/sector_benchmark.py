"""The anonymised sector benchmark: the organisation's figures as a file other
organisations can compare with, and the check of such a file when one is uploaded.

The file is described in schemas/sector-benchmark.md and its rules are the JSON Schema
beside it. It reads only the statistics tables, adds them up per quarter and municipality
size class, and protects every figure by the disclosure rules (apps/reports/disclosure.py).
"""

import csv
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.effects.inference import configured_min_group_size
from apps.effects.rebuild import ONLINE_MODES
from apps.effects.selectors import figures_per_municipality
from apps.organisation.models import Municipality, Theme
from apps.reports.disclosure import Rules, configured_rules

SCHEMA_VERSION = "1.0"
SCHEMA_FILE = Path(__file__).parent / "schemas" / f"sector-benchmark-{SCHEMA_VERSION}.schema.json"
SATISFACTION_INSTRUMENT = "client-satisfaction"
MEASUREMENT_INSTRUMENTS = ("zrm", "positive-health-short", "participation-ladder")
# (upper bound exclusive, code): the CBS classes of municipality size.
SIZE_CLASSES = (
    (20_000, "lt20k"),
    (50_000, "20k-50k"),
    (100_000, "50k-100k"),
    (250_000, "100k-250k"),
    (None, "ge250k"),
)
SIZE_CLASS_LABELS = {
    "lt20k": gettext_lazy("fewer than 20,000 inhabitants"),
    "20k-50k": gettext_lazy("20,000 to 50,000 inhabitants"),
    "50k-100k": gettext_lazy("50,000 to 100,000 inhabitants"),
    "100k-250k": gettext_lazy("100,000 to 250,000 inhabitants"),
    "ge250k": gettext_lazy("250,000 inhabitants or more"),
    "unknown": gettext_lazy("size not recorded"),
}
CSV_COLUMNS = (
    "schema_version",
    "organisation",
    "period",
    "size_class",
    "indicator",
    "theme",
    "instrument",
    "value",
    "group_size",
    "suppressed",
)
MEASURES = ("clients_reached", "dossiers_new", "dossiers_closed", "questions", "contacts")
MEASURES += ("scans", "score", "pair")


def size_class(inhabitants: int | None) -> str:
    if inhabitants is None:
        return "unknown"
    return next(code for bound, code in SIZE_CLASSES if bound is None or inhabitants < bound)


def quarter_of(month: date) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def rows_checksum(rows: list[dict]) -> str:
    canonical = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Tally:
    """What a figure adds up over its municipalities and months."""

    n: float = 0
    total: float = 0
    above: float = 0
    months: set | None = None

    def add(self, row: dict) -> None:
        self.n += row["n"] or 0
        self.total += row["total"] or 0
        self.above += row["above"] or 0
        if self.months is not None:
            self.months.add(row["month"])


class Protector:
    """One export's figures as rows, by the disclosure rules."""

    def __init__(self, rules: Rules, minimum_pairs: int):
        self.rules = rules
        self.minimum_pairs = minimum_pairs

    def _row(self, key, indicator, value, group_size, suppressed) -> dict:
        period, size, theme, instrument = key
        return {
            "period": period,
            "size_class": size,
            "indicator": indicator,
            "theme": theme,
            "instrument": instrument,
            "value": value,
            "group_size": group_size,
            "suppressed": suppressed,
        }

    def count(self, key, indicator: str, n: float) -> dict:
        n = int(n)
        if self.rules.hides(n):
            return self._row(key, indicator, None, None, "below_threshold")
        return self._row(key, indicator, self.rules.rounded(n), None, None)

    def ratio(
        self, key, indicator: str, part: float, whole: float, *, scale: float, minimum: int = 0
    ) -> dict | None:
        """A share (scale 100) or mean (scale 1) over a group of `whole`; nothing for an
        empty group."""
        if not whole:
            return None
        if whole < max(self.rules.threshold, minimum):
            reason = "too_few_pairs" if whole < minimum else "below_threshold"
            return self._row(key, indicator, None, None, reason)
        decimals = 1 if scale == 100 else 2
        value = round(scale * part / whole, decimals)
        return self._row(key, indicator, value, self.rules.rounded(int(whole)), None)


def export_document(*, pseudonym: str, year: int, progress=lambda step: None) -> dict:
    """The export of one calendar year (up to this month), as the JSON document."""
    start = date(year, 1, 1)
    end = min(date(year, 12, 1), timezone.localdate().replace(day=1))
    rules = configured_rules()
    protector = Protector(rules, configured_min_group_size())
    classes = {m.pk: size_class(m.inhabitants) for m in Municipality.objects.only("inhabitants")}
    theme_codes = dict(Theme.objects.values_list("pk", "code"))
    progress(_("Reading the figures"))
    sums = defaultdict(Tally)
    reached = defaultdict(lambda: Tally(months=set()))
    modes = defaultdict(lambda: defaultdict(float))
    for row in figures_per_municipality(start, end, MEASURES):
        place = (quarter_of(row["month"]), classes.get(row["municipality_id"], "unknown"))
        measure, key, theme = row["measure"], row["key"], row["theme_id"]
        if measure == "clients_reached" and theme is None:
            reached[(*place, None, None)].add(row)
        elif measure == "questions" and theme is not None:
            sums[("questions", *place, theme_codes.get(theme), None)].add(row)
        elif theme is not None:
            continue
        elif measure in ("dossiers_new", "dossiers_closed"):
            sums[(measure, *place, None, None)].add(row)
        elif measure == "contacts":
            modes[(*place, None, None)][key] += row["n"] or 0
        elif measure == "scans":
            sums[("scans", *place, None, key)].add(row)
        elif measure == "score" and key == f"{SATISFACTION_INSTRUMENT}|":
            sums[("satisfaction", *place, None, SATISFACTION_INSTRUMENT)].add(row)
        elif measure == "pair":
            kind, instrument, part = [*key.split("|"), "", "", ""][:3]
            if kind == "first_last" and part == "" and instrument in MEASUREMENT_INSTRUMENTS:
                sums[("pair", *place, None, instrument)].add(row)

    progress(_("Protecting the figures"))
    rows = []
    for key, total in reached.items():
        per_month = total.n / max(len(total.months), 1)
        rows.append(protector.count(key, "clients_reached_per_month", per_month))
    for key, counts in modes.items():
        contacts = sum(counts.values())
        rows.append(protector.count(key, "contacts", contacts))
        online = sum(counts.get(mode, 0) for mode in ONLINE_MODES)
        rows.append(protector.ratio(key, "contacts_online_share", online, contacts, scale=100))
    for (measure, *key), total in sums.items():
        key = tuple(key)
        if measure in ("dossiers_new", "dossiers_closed", "questions"):
            rows.append(protector.count(key, measure, total.n))
        if measure == "dossiers_new":
            rows.append(
                protector.ratio(
                    key, "new_clients_with_self_scan_share", total.total, total.n, scale=100
                )
            )
        elif measure == "scans":
            rows.append(protector.count(key, "self_scans", total.n))
        elif measure == "satisfaction":
            rows.append(protector.ratio(key, "satisfaction_mean", total.total, total.n, scale=1))
        elif measure == "pair":
            minimum = protector.minimum_pairs
            rows.append(
                protector.ratio(
                    key, "effect_mean_change", total.total, total.n, scale=1, minimum=minimum
                )
            )
            rows.append(
                protector.ratio(
                    key, "effect_improved_share", total.above, total.n, scale=100, minimum=minimum
                )
            )
    rows = sorted(
        (row for row in rows if row is not None),
        key=lambda row: (
            row["period"],
            row["size_class"],
            row["indicator"],
            row["theme"] or "",
            row["instrument"] or "",
        ),
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "organisation": pseudonym,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "period": {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"},
        "disclosure": {
            "threshold": rules.threshold,
            "rounding_base": rules.rounding_base,
            "minimum_pairs": protector.minimum_pairs,
        },
        "rows": rows,
        "rows_sha256": rows_checksum(rows),
    }


def export_json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def export_csv(document: dict) -> bytes:
    """The rows as CSV, each with the schema version and the pseudonym. Every text in it
    is a code or the pseudonym, which the schema limits to letters, digits, spaces, dots
    and hyphens and to no leading sign: no cell can be read as a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in document["rows"]:
        fields = {**row, "schema_version": document["schema_version"]}
        fields["organisation"] = document["organisation"]
        writer.writerow(["" if fields[name] is None else fields[name] for name in CSV_COLUMNS])
    return out.getvalue().encode()


def read_rows(export) -> list[dict]:
    """The rows of one of our stored exports; none without one."""
    if export is None:
        return []
    with export.json_file.open("rb") as file:
        return json.loads(file.read().decode("utf-8"))["rows"]


# --- Checking an uploaded export ------------------------------------------------------------


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def problems_of(data: bytes) -> tuple[dict | None, list[str]]:
    """The document in an uploaded file and every problem with it: not JSON, another
    schema version, each place that breaks the schema, rows that do not match their
    checksum. A file with any problem is not to be used at all."""
    import jsonschema

    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [_("The file is not text in UTF-8: upload the JSON file of an export.")]
    except json.JSONDecodeError as error:
        return None, [
            _("The file is not valid JSON (line %(line)s, column %(column)s: %(message)s).")
            % {"line": error.lineno, "column": error.colno, "message": error.msg}
        ]
    if not isinstance(document, dict):
        return None, [_("The file is JSON, but not an export: it holds no object.")]
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        return None, [
            _(
                "This export has schema version %(version)s; this Buurtkompas reads version "
                "%(expected)s. Ask the other organisation for an export of version %(expected)s."
            )
            % {"version": json.dumps(version), "expected": SCHEMA_VERSION}
        ]
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = [
        _("%(place)s: %(message)s")
        % {"place": _place(error.absolute_path), "message": error.message}
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    if not problems and rows_checksum(document["rows"]) != document["rows_sha256"]:
        problems.append(_("The rows do not match their checksum: the file was changed or damaged."))
    return (None if problems else document), problems


def _place(path) -> str:
    parts = [f"[{part}]" if isinstance(part, int) else f".{part}" for part in path]
    return "".join(parts).lstrip(".") or _("the file")
