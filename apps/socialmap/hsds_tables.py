"""The social map in HSDS's tabular form: one CSV file per table (services, organizations,
locations, phones, schedules…) in a ZIP file with a datapackage.json that lists them.

The tables are read off the JSON documents of hsds.py, so both forms always hold the same:
every nested object becomes a row of its table (once, by its id), with its scalar fields
as columns and its links to other tables as the `*_id` columns HSDS gives it.
"""

import csv
import io
import json
import zipfile

from apps.socialmap import hsds

# The table of a nested object, by the key it sits under; other keys are table names.
TABLE_OF_KEY = {
    "organization": "organizations",
    "location": "locations",
    "taxonomy_term": "taxonomy_terms",
}
ROOT_TABLE = "services"


def tables_of(documents) -> dict[str, tuple[list[str], list[dict]]]:
    """Per table, its columns (in the order first seen) and its rows (each id once)."""
    rows: dict[str, dict[str, dict]] = {}
    columns: dict[str, dict[str, None]] = {}

    def collect(table: str, document: dict) -> None:
        row = {key: value for key, value in document.items() if not _nested(value)}
        rows.setdefault(table, {}).setdefault(str(document["id"]), row)
        columns.setdefault(table, {}).update(dict.fromkeys(row))
        for key, value in document.items():
            if isinstance(value, dict):
                collect(TABLE_OF_KEY.get(key, key), value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        collect(TABLE_OF_KEY.get(key, key), item)

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
