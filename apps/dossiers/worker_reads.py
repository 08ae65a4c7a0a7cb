"""The reads of the pages a worker opens most, as plain SQL: the caseload as it opens, the
day's lists, and a dossier's timeline and next action.

Through the ORM each of these reads cost 1 to 1.5 ms of CPU on the web server (building the
query and its rows) against 0.1 to 0.3 ms as SQL, and the pages make four or five of them:
they were most of each page's cost. apps/core/sql.py has the helpers. Nothing here checks a
permission: the selectors ask the policy first and pass what the actor may read.
"""

from datetime import date, datetime

from django.db import connection

from apps.accounts.models import User
from apps.core import sql
from apps.dossiers.models import Action, Client, Dossier, IntakeRequest
from apps.dossiers.tables import (
    ACTION,
    ATTACHMENT,
    CLIENT,
    CONTACT,
    DOSSIER,
    GOAL,
    INTAKE,
    NEIGHBOURHOOD,
    QUESTION,
    TEAM,
    THEME,
    USER,
)
from apps.organisation.models import Team

CLOSED = Dossier.Status.CLOSED


# --- The caseload as it opens: no search, no filter, the longest support first ----------


class OpenCaseload:
    """A worker's open dossiers, longest support first, for a Paginator: counted and read a
    page at a time. The rows are those of selectors.CASELOAD_FIELDS, with the time and
    kind of the last contact as Dossier.objects.with_last_contact() gives them."""

    def __init__(self, worker_id: int):
        self.worker_id = worker_id

    def count(self) -> int:
        return sql.value(
            f"SELECT COUNT(*) FROM {DOSSIER} WHERE responsible_worker_id = %s AND status <> %s",  # noqa: S608
            [self.worker_id, CLOSED],
        )

    def __getitem__(self, page: slice) -> list[dict]:
        # Each last-contact column is one step on the (dossier, occurred_at) index.
        latest = (
            f"SELECT {{}} FROM {CONTACT} m WHERE m.dossier_id = d.id"  # noqa: S608
            f" ORDER BY m.occurred_at DESC LIMIT 1"
        )
        rows = sql.rows(
            f"SELECT d.id AS pk, d.status, d.started_on, d.long_running_explanation,"  # noqa: S608
            f" c.first_name AS client__first_name, c.last_name AS client__last_name,"
            f" c.postcode AS client__postcode, n.name AS client__neighbourhood__name,"
            f" ({latest.format('m.occurred_at')}) AS last_contact_at,"
            f" ({latest.format('m.mode')}) AS last_contact_mode"
            f" FROM {DOSSIER} d JOIN {CLIENT} c ON c.id = d.client_id"
            f" LEFT JOIN {NEIGHBOURHOOD} n ON n.id = c.neighbourhood_id"
            f" WHERE d.responsible_worker_id = %s AND d.status <> %s"
            f" ORDER BY d.started_on, d.id LIMIT %s OFFSET %s",
            [self.worker_id, CLOSED, page.stop - page.start, page.start],
        )
        for row in rows:
            row["started_on"] = sql.day(row["started_on"])
            row["last_contact_at"] = sql.moment(row["last_contact_at"])
        return rows


def question_themes(dossier_ids: list[int]) -> dict[int, list[tuple]]:
    """Per dossier, its questions' themes as (Dutch name, English name, subcategory), in the
    order they were registered."""
    if not dossier_ids:
        return {}
    themes = {}
    for row in sql.rows(
        f"SELECT q.dossier_id, t.name_nl, t.name_en, q.subcategory"  # noqa: S608
        f" FROM {QUESTION} q JOIN {THEME} t ON t.id = q.theme_id"
        f" WHERE q.dossier_id IN ({sql.placeholders(dossier_ids)})"
        f" ORDER BY q.registered_at, q.id",
        list(dossier_ids),
    ):
        themes.setdefault(row["dossier_id"], []).append(
            (row["name_nl"], row["name_en"], row["subcategory"])
        )
    return themes


# --- The worker's day -----------------------------------------------------------------


def actions_due(*, worker_id: int, team_ids, by: date, limit: int) -> list[dict]:
    """Plan actions still to do or being done, under goals not yet achieved, due on or
    before `by` (late ones too), in the worker's open dossiers in `team_ids`; soonest
    first, at most `limit`."""
    if not team_ids:
        return []
    rows = sql.rows(
        f"SELECT a.description, a.owner, a.target_date, g.dossier_id AS goal__dossier_id,"  # noqa: S608
        f" c.first_name AS goal__dossier__client__first_name,"
        f" c.last_name AS goal__dossier__client__last_name"
        f" FROM {ACTION} a JOIN {GOAL} g ON g.id = a.goal_id"
        f" JOIN {DOSSIER} d ON d.id = g.dossier_id JOIN {CLIENT} c ON c.id = d.client_id"
        f" WHERE a.status IN (%s, %s) AND g.achieved_on IS NULL AND a.target_date <= %s"
        f" AND d.responsible_worker_id = %s AND d.status <> %s"
        f" AND d.team_id IN ({sql.placeholders(team_ids)})"
        f" ORDER BY a.target_date, a.id LIMIT %s",
        [
            Action.Status.OPEN,
            Action.Status.DOING,
            sql.date_param(by),
            worker_id,
            CLOSED,
            *team_ids,
            limit,
        ],
    )
    for row in rows:
        row["target_date"] = sql.day(row["target_date"])
    return rows


def contacts_logged(*, worker_id: int, team_ids, since: datetime, limit: int) -> list[dict]:
    """The contacts the worker logged from `since` on in dossiers of `team_ids`, latest
    first, at most `limit`."""
    if not team_ids:
        return []
    rows = sql.rows(
        f"SELECT m.occurred_at, m.mode, m.duration_minutes, m.dossier_id,"  # noqa: S608
        f" c.first_name AS dossier__client__first_name,"
        f" c.last_name AS dossier__client__last_name"
        f" FROM {CONTACT} m JOIN {DOSSIER} d ON d.id = m.dossier_id"
        f" JOIN {CLIENT} c ON c.id = d.client_id"
        f" WHERE m.worker_id = %s AND m.occurred_at >= %s"
        f" AND d.team_id IN ({sql.placeholders(team_ids)})"
        f" ORDER BY m.occurred_at DESC, m.id DESC LIMIT %s",
        [worker_id, sql.moment_param(since), *team_ids, limit],
    )
    for row in rows:
        row["occurred_at"] = sql.moment(row["occurred_at"])
    return rows


def new_or_asked_to_explain(*, worker_id: int, team_ids, since: datetime) -> list[dict]:
    """The worker's open dossiers in `team_ids` that came to them from `since` on (intake or
    a reassignment), or whose team leader asked for the explanation of a long trajectory;
    longest support first."""
    if not team_ids:
        return []
    rows = sql.rows(
        f"SELECT d.id AS pk, d.status, d.started_on, d.worker_assigned_at,"  # noqa: S608
        f" d.explanation_requested_at,"
        f" c.first_name AS client__first_name, c.last_name AS client__last_name,"
        f" r.first_name AS explanation_requested_by__first_name,"
        f" r.last_name AS explanation_requested_by__last_name,"
        f" r.email AS explanation_requested_by__email"
        f" FROM {DOSSIER} d JOIN {CLIENT} c ON c.id = d.client_id"
        f" LEFT JOIN {USER} r ON r.id = d.explanation_requested_by_id"
        f" WHERE d.responsible_worker_id = %s AND d.status <> %s"
        f" AND d.team_id IN ({sql.placeholders(team_ids)})"
        f" AND (d.worker_assigned_at >= %s OR d.explanation_requested_at IS NOT NULL)"
        f" ORDER BY d.started_on, d.id",
        [worker_id, CLOSED, *team_ids, sql.moment_param(since)],
    )
    for row in rows:
        row["started_on"] = sql.day(row["started_on"])
        row["worker_assigned_at"] = sql.moment(row["worker_assigned_at"])
        row["explanation_requested_at"] = sql.moment(row["explanation_requested_at"])
    return rows


def intake_waiting(team_ids, *, first: int) -> tuple[int, datetime | None, list[dict]]:
    """How many requests wait in the teams' intake queues, since when the oldest, and the
    first `first` of them, oldest first (none when `first` is 0): one statement."""
    if not team_ids:
        return 0, None, []
    where = f"FROM {INTAKE} WHERE status = %s AND team_id IN ({sql.placeholders(team_ids)})"
    params = [IntakeRequest.Status.NEW, *team_ids]
    if not first:
        [summary] = sql.rows(f"SELECT COUNT(*) AS n, MIN(received_at) AS oldest {where}", params)
        return summary["n"], sql.moment(summary["oldest"]), []
    # The window counts every waiting request before the limit applies.
    rows = sql.rows(
        f"SELECT id AS pk, first_name, last_name, source, received_at,"
        f" COUNT(*) OVER () AS waiting {where} ORDER BY received_at, id LIMIT %s",
        [*params, first],
    )
    if not rows:
        return 0, None, []
    for row in rows:
        row["received_at"] = sql.moment(row["received_at"])
    return rows[0]["waiting"], rows[0]["received_at"], rows


# --- A dossier: itself, its timeline and next action ---------------------------------------


def dossier(pk: int) -> Dossier | None:
    """The dossier with its client, team and responsible worker, as
    `select_related("client", "team", "responsible_worker")` gives it: every page of a
    dossier starts with this read."""
    parts = (Dossier, Client, Team, User)
    row = sql.first_row(
        f"SELECT {sql.columns(Dossier, 'd')}, {sql.columns(Client, 'c')},"  # noqa: S608
        f" {sql.columns(Team, 't')}, {sql.columns(User, 'w')}"
        f" FROM {DOSSIER} d JOIN {CLIENT} c ON c.id = d.client_id"
        f" JOIN {TEAM} t ON t.id = d.team_id"
        f" LEFT JOIN {USER} w ON w.id = d.responsible_worker_id WHERE d.id = %s",
        [pk],
    )
    if row is None:
        return None
    found, client, team, worker = sql.instances(row, parts)
    found.client, found.team, found.responsible_worker = client, team, worker
    return found


# --- A dossier's timeline and next action ------------------------------------------------


def timeline(dossier_id: int, *, offset: int, limit: int) -> list[dict]:
    """Contact moments of the dossier, newest first, with who logged them and whether
    photos or files are linked to them."""
    rows = sql.rows(
        f"SELECT m.id AS pk, m.occurred_at, m.mode, m.duration_minutes, m.notes,"  # noqa: S608
        f" m.client_summary, w.first_name AS worker__first_name,"
        f" w.last_name AS worker__last_name,"
        f" EXISTS (SELECT 1 FROM {ATTACHMENT} f WHERE f.contact_moment_id = m.id)"
        f" AS has_attachments"
        f" FROM {CONTACT} m LEFT JOIN {USER} w ON w.id = m.worker_id"
        f" WHERE m.dossier_id = %s ORDER BY m.occurred_at DESC, m.id DESC LIMIT %s OFFSET %s",
        [dossier_id, limit, offset],
    )
    for row in rows:
        row["occurred_at"] = sql.moment(row["occurred_at"])
        row["has_attachments"] = bool(row["has_attachments"])
    return rows


ACTION_FIELDS = [(field.column, field.attname) for field in Action._meta.concrete_fields]


def next_action(dossier_id: int) -> Action | None:
    """The plan's first action still to do under a goal not yet achieved: the earliest date
    first, actions without a date after those with one."""
    columns = ", ".join(f"a.{column} AS {name}" for column, name in ACTION_FIELDS)
    found = sql.rows(
        f"SELECT {columns} FROM {ACTION} a JOIN {GOAL} g ON g.id = a.goal_id"  # noqa: S608
        f" WHERE g.dossier_id = %s AND g.achieved_on IS NULL AND a.status NOT IN (%s, %s)"
        f" ORDER BY a.target_date IS NULL, a.target_date, a.id LIMIT 1",
        [dossier_id, Action.Status.DONE, Action.Status.STOPPED],
    )
    if not found:
        return None
    row = found[0]
    row["target_date"] = sql.day(row["target_date"])
    row["created_at"] = sql.moment(row["created_at"])
    names = [name for _column, name in ACTION_FIELDS]
    return Action.from_db(connection.alias, names, [row[name] for name in names])
