"""The social map in HSDS's tabular form: one CSV file per table (services, organizations,
locations, phones, schedules…, named as the specification's tabular schema names them) in
a ZIP file with a datapackage.json that lists them.

The tables are read off the JSON documents of hsds.py, so both forms always hold the same:
every nested object becomes a row of its table (once, by its id), with its scalar fields
as columns and its links to other tables as the `*_id` columns HSDS gives it.
"""

import csv
import io
import json
import zipfile
from pathlib import Path

from apps.socialmap import hsds

# HSDS's tabular form (vendored from the specification): per object, its file and fields.
TABULAR_SCHEMA = json.loads(
    (Path(hsds.__file__).parent / "hsds_schema" / "tabular.json").read_text(encoding="utf-8")
)["properties"]
# The object a nested document is, by the key it sits under in the JSON form.
OBJECT_OF_KEY = {
    "organization": "organization",
    "service_at_locations": "service_at_location",
    "location": "location",
    "addresses": "address",
    "accessibility": "accessibility",
    "phones": "phone",
    "contacts": "contact",
    "schedules": "schedule",
    "cost_options": "cost_option",
    "languages": "language",
    "service_areas": "service_area",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
}
ROOT_OBJECT = "service"


def table_of(key: str) -> str:
    """The table (its file name without .csv) of the objects under this key."""
    return TABULAR_SCHEMA[OBJECT_OF_KEY[key]]["items"]["path"].removesuffix(".csv")


ROOT_TABLE = TABULAR_SCHEMA[ROOT_OBJECT]["items"]["path"].removesuffix(".csv")


def tables_of(documents) -> dict[str, tuple[list[str], list[dict]]]:
    """Per table, its columns (in the order first seen) and its rows (each id once)."""
    rows: dict[str, dict[str, dict]] = {}
    columns: dict[str, dict[str, None]] = {}

    def collect(table: str, document: dict) -> None:
        row = {key: value for key, value in document.items() if not _nested(value)}
        rows.setdefault(table, {}).setdefault(str(document["id"]), row)
        columns.setdefault(table, {}).update(dict.fromkeys(row))
        for key, value in document.items():
            # An object the map does not hold (a file from elsewhere may have programs or
            # funding) has no table here.
            if key not in OBJECT_OF_KEY:
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    collect(table_of(key), item)

    for document in documents:
        collect(ROOT_TABLE, document)
    return {table: (list(columns[table]), list(rows[table].values())) for table in sorted(rows)}


def tabular_zip(documents) -> bytes:
    """The ZIP file: `<table>.csv` per table (UTF-8, a header row) and datapackage.json."""
    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, (names, rows) in tables_of(documents).items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{table}.csv", text.getvalue())
            resources.append(
                {
                    "name": table,
                    "path": f"{table}.csv",
                    "format": "csv",
                    "encoding": "utf-8",
                    "schema": {"fields": [{"name": name} for name in names]},
                }
            )
        package = {
            "name": "buurtkompas-social-map",
            "profile": "tabular-data-package",
            "hsds_version": hsds.HSDS_VERSION,
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(package, indent=2))
    return buffer.getvalue()


def _nested(value) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(item, dict) for item in value)
    )
