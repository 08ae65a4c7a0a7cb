"""What the team overview shows, read with plain SQL.

The overview is a team leader's start page. Built through the ORM, each of its reads cost
the web server more than five times what answering it costs the database (a grouped query
with filtered counts: 1.5 ms to build and read, 0.2 ms as SQL), which put the page at seven
times the benchmark's floor. So they are written out here, one statement each, whatever the
number or size of the teams. They check no permissions: selectors.team_overview asks the
policy first and passes only the leader's own teams.

The SQL runs on PostgreSQL and on SQLite (the embedded default and the tests).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from apps.core import sql
from apps.dossiers.models import Dossier, IntakeRequest, band_threshold_days
from apps.dossiers.tables import BREAK_GLASS, CLIENT, DOSSIER, INTAKE, MEMBERSHIP, TEAM, USER


@dataclass(frozen=True, slots=True)
class LongTrajectory:
    """One line of a list of long trajectories (see includes/long_running_list.html)."""

    pk: int
    client_name: str
    worker_name: str  # empty when nobody has the dossier
    days: int
    explanation: str
    explanation_requested_at: datetime | None

    @classmethod
    def of(cls, dossier: Dossier, today: date | None = None) -> "LongTrajectory":
        worker = dossier.responsible_worker
        return cls(
            pk=dossier.pk,
            client_name=dossier.client.full_name,
            worker_name=str(worker) if worker else "",
            days=dossier.duration_days(today),
            explanation=dossier.long_running_explanation,
            explanation_requested_at=dossier.explanation_requested_at,
        )


def members(team_ids) -> list[dict]:
    """The members of the teams, by team name and then by name, with their capacity."""
    return sql.rows(
        f"SELECT m.team_id, t.name AS team_name, m.user_id, u.first_name, u.last_name,"  # noqa: S608
        f" u.email, u.role, m.caseload_capacity"
        f" FROM {MEMBERSHIP} m JOIN {TEAM} t ON t.id = m.team_id JOIN {USER} u ON u.id = m.user_id"
        f" WHERE m.team_id IN ({sql.placeholders(team_ids)})"
        f" ORDER BY t.name, t.id, u.last_name, u.first_name, u.id",
        list(team_ids),
    )


def band_counts(team_ids, today: date) -> list[dict]:
    """Open dossiers per team and responsible worker (None: nobody), counted per colour band,
    with the long ones whose worker has not explained them yet. On PostgreSQL the index
    dossier_team_bands_idx answers it alone."""
    medium_days, long_days = band_threshold_days()
    medium_from = today - timedelta(days=medium_days)
    long_from = today - timedelta(days=long_days)
    return sql.rows(
        f"SELECT team_id, responsible_worker_id AS worker_id,"  # noqa: S608
        f" COUNT(*) FILTER (WHERE started_on > %s) AS short,"
        f" COUNT(*) FILTER (WHERE started_on <= %s AND started_on > %s) AS medium,"
        f" COUNT(*) FILTER (WHERE started_on <= %s) AS long,"
        f" COUNT(*) FILTER (WHERE started_on <= %s AND long_running_explanation = '')"
        f" AS unexplained"
        f" FROM {DOSSIER} WHERE team_id IN ({sql.placeholders(team_ids)}) AND status <> %s"
        f" GROUP BY team_id, responsible_worker_id",
        [
            *[
                sql.date_param(day)
                for day in (medium_from, medium_from, long_from, long_from, long_from)
            ],
            *team_ids,
            Dossier.Status.CLOSED,
        ],
    )


def longest(team_ids, today: date, limit: int) -> dict[int, list[LongTrajectory]]:
    """Per team, its `limit` longest open trajectories of over 6 months, longest first (the
    same start day in the order they were registered), as selectors.team_long_running.

    One part per team, each read in the order of the index dossier_team_started_idx up to
    `limit` rows: it costs the rows shown, not the team's hundreds of long trajectories."""
    long_from = today - timedelta(days=band_threshold_days()[1])
    part = (
        f"SELECT * FROM (SELECT id, team_id, client_id, responsible_worker_id, started_on,"  # noqa: S608
        f" long_running_explanation, explanation_requested_at FROM {DOSSIER}"
        f" WHERE team_id = %s AND status <> %s AND started_on <= %s"
        f" ORDER BY started_on, id LIMIT %s) AS team_{{}}"
    )
    parts = " UNION ALL ".join(part.format(number) for number in range(len(team_ids)))
    rows = sql.rows(
        f"SELECT d.id, d.team_id, d.started_on, d.long_running_explanation,"  # noqa: S608
        f" d.explanation_requested_at, c.first_name, c.last_name,"
        f" w.first_name AS worker_first_name, w.last_name AS worker_last_name,"
        f" w.email AS worker_email"
        f" FROM ({parts}) d JOIN {CLIENT} c ON c.id = d.client_id"
        f" LEFT JOIN {USER} w ON w.id = d.responsible_worker_id"
        f" ORDER BY d.team_id, d.started_on, d.id",
        [
            param
            for team_id in team_ids
            for param in (team_id, Dossier.Status.CLOSED, sql.date_param(long_from), limit)
        ],
    )
    per_team = {team_id: [] for team_id in team_ids}
    for row in rows:
        started_on = sql.day(row["started_on"])
        worker = person_name(row["worker_first_name"], row["worker_last_name"], row["worker_email"])
        per_team[row["team_id"]].append(
            LongTrajectory(
                pk=row["id"],
                client_name=f"{row['first_name']} {row['last_name']}".strip(),
                worker_name=worker,
                days=(today - started_on).days,
                explanation=row["long_running_explanation"],
                explanation_requested_at=sql.moment(row["explanation_requested_at"]),
            )
        )
    return per_team


def intake_waiting(team_ids) -> dict[int, dict]:
    """Per team with waiting requests: how many wait, and since when the oldest."""
    rows = sql.rows(
        f"SELECT team_id, COUNT(*) AS waiting, MIN(received_at) AS oldest"  # noqa: S608
        f" FROM {INTAKE} WHERE team_id IN ({sql.placeholders(team_ids)}) AND status = %s"
        f" GROUP BY team_id",
        [*team_ids, IntakeRequest.Status.NEW],
    )
    return {row["team_id"]: {**row, "oldest": sql.moment(row["oldest"])} for row in rows}


def openings(team_ids, since: datetime) -> list[dict]:
    """Dossiers of the teams that someone of another team opened since `since`, newest
    first: when, who, whose dossier, and the reason they gave."""
    rows = sql.rows(
        f"SELECT d.team_id, b.granted_at, b.reason, c.first_name, c.last_name,"  # noqa: S608
        f" a.first_name AS actor_first_name, a.last_name AS actor_last_name,"
        f" a.email AS actor_email"
        f" FROM {BREAK_GLASS} b JOIN {DOSSIER} d ON d.id = b.dossier_id"
        f" JOIN {CLIENT} c ON c.id = d.client_id JOIN {USER} a ON a.id = b.actor_id"
        f" WHERE d.team_id IN ({sql.placeholders(team_ids)}) AND b.granted_at >= %s"
        f" ORDER BY b.granted_at DESC, b.id DESC",
        [*team_ids, sql.moment_param(since)],
    )
    return [
        {
            "team_id": row["team_id"],
            "granted_at": sql.moment(row["granted_at"]),
            "reason": row["reason"],
            "actor": person_name(
                row["actor_first_name"], row["actor_last_name"], row["actor_email"]
            ),
            "client_name": f"{row['first_name']} {row['last_name']}".strip(),
        }
        for row in rows
    ]


def person_name(first_name, last_name, email) -> str:
    """A user as User.__str__ shows them: the full name, or the e-mail address."""
    return f"{first_name or ''} {last_name or ''}".strip() or (email or "")
