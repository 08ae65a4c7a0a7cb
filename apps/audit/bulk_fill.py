"""Years of realistic access-log rows in minutes, for benchmarks (PostgreSQL only).

Rows are made by the database itself, one month at a time, with set-based SQL
(`INSERT … SELECT … FROM generate_series`). A month that has no partition yet is filled
as a plain table and then attached as the month's partition, so PostgreSQL builds its
indexes once over the whole month instead of row by row.

The rows look like a welfare organisation's: about 1,500 staff of whom a few read far more
than others, residents reading their own records, mostly reads of dossiers, clients and
contact moments, some searches, changes, refusals and break-the-glass openings. Times rise
with the ids through each month, as in a real append-only log.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from apps.audit import partitions

FIRST_NAMES = [
    "Anna", "Bram", "Daan", "Emma", "Eva", "Fatima", "Fleur", "Henk", "Ingrid", "Jan",
    "Julia", "Kees", "Lars", "Lisa", "Lotte", "Luuk", "Maria", "Mohamed", "Noah", "Noor",
    "Petra", "Ricardo", "Sanne", "Sem", "Sophie", "Thijs", "Tim", "Yasmina", "Zeynep",
    "Ahmed", "Bas", "Carla", "Dewi", "Ellen", "Gert", "Hanneke", "Ilse", "Joris", "Karin",
    "Linda", "Marco", "Nadia", "Olga", "Pieter", "Rachid", "Sabine", "Tom", "Vera", "Willem",
]  # fmt: skip
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
    "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven",
    "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van 't Hof", "El Amrani",
    "Yilmaz", "Öztürk", "Boukhari", "Kaya", "Martina", "Pinas", "Nguyen",
]  # fmt: skip
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/19.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 16; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Mobile Safari/537.36",
]
STAFF_DOMAIN = "welzijn-amersfoort.example"
# Synthetic actors get user ids far above real ones; the log keeps ids of deleted accounts
# anyway, so an id without an account is normal.
FIRST_ACTOR_ID = 9_000_000

ACTORS_SQL = """
CREATE TEMP TABLE bulk_fill_actors ON COMMIT DROP AS
SELECT n,
       %(first_actor_id)s + n AS user_id,
       CASE WHEN n < %(staff)s
            THEN lower(f.name) || '.' || l.slug
                 || CASE WHEN n >= %(pairs)s THEN (n / %(pairs)s)::text ELSE '' END
                 || '@' || %(staff_domain)s
            ELSE lower(f.name) || '.' || l.slug
                 || (n - %(staff)s)::text || '@mail.example'
       END AS email,
       CASE WHEN n >= %(staff)s THEN 'resident'
            WHEN n >= %(staff)s - 8 THEN 'functional_admin'
            WHEN n >= %(staff)s - 80 THEN 'team_leader'
            ELSE 'social_worker'
       END AS role,
       CASE WHEN n < %(staff)s
            THEN ('10.20.' || (n / 256) %% 256 || '.' || n %% 256)::inet
            ELSE ('198.51.' || (n / 256) %% 256 || '.' || n %% 256)::inet
       END AS ip_address,
       (%(user_agents)s::text[])[1 + (n * 7) %% cardinality(%(user_agents)s::text[])]
           AS user_agent
FROM generate_series(0, %(staff)s + %(residents)s - 1) AS n
CROSS JOIN LATERAL (
    SELECT (%(first_names)s::text[])[1 + n %% cardinality(%(first_names)s::text[])] AS name
) f
CROSS JOIN LATERAL (
    -- (n mod first names, n div first names + 7 n mod last names): a distinct pair per
    -- staff member, with the surnames of the busiest staff spread out.
    SELECT (%(last_names)s::text[])[
        1 + (n / cardinality(%(first_names)s::text[])
             + 7 * (n %% cardinality(%(first_names)s::text[])))
            %% cardinality(%(last_names)s::text[])
    ] AS name
) l0
CROSS JOIN LATERAL (
    SELECT lower(regexp_replace(translate(l0.name, 'Öö', 'Oo'), '[^A-Za-z]', '', 'g')) AS slug
) l
"""

# r.* are uniform random numbers per row; an actor is picked with a skew (power > 1), so a
# few staff do far more than most. Residents only read their own (here: any) records.
ROWS_SQL = """
INSERT INTO {target} (id, occurred_at, actor_user_id, actor_email, actor_role, action,
                      object_type, object_id, object_repr, reason, path, ip_address,
                      user_agent)
SELECT nextval(pg_get_serial_sequence(%(table)s, 'id')),
       r.occurred_at, a.user_id, a.email, a.role, r.action, r.object_type,
       CASE WHEN r.action = 'search' THEN '' ELSE r.object_id::text END,
       CASE WHEN r.action = 'search' THEN ''
            WHEN r.object_type = 'dossiers.client' THEN r.client_name
            WHEN r.object_type = 'dossiers.dossier'
                THEN r.client_name || CASE WHEN r.object_id %% 4 = 0 THEN ' (Afgesloten)'
                                           ELSE ' (Lopend)' END
            WHEN r.object_type = 'dossiers.contactmoment'
                THEN (ARRAY['Huisbezoek', 'Telefoon', 'Gesprek op locatie', 'Videobellen',
                            'Bericht'])[1 + r.object_id %% 5]
                     || ' ' || to_char(r.occurred_at - (r.object_id %% 60) * interval '1 day',
                                       'YYYY-MM-DD')
            WHEN r.object_type = 'questionnaires.response'
                THEN (ARRAY['PH-42', 'PH-17', 'ZRM', 'LADDER'])[1 + r.object_id %% 4] || ' v1'
            WHEN r.object_type = 'dossiers.attachment'
                THEN 'image/jpeg, ' || (20000 + r.object_id * 37 %% 900000) || ' bytes'
            ELSE r.client_name
       END,
       CASE r.action
            WHEN 'break_glass' THEN 'Cliënt belt in crisis; eigen team niet bereikbaar.'
            WHEN 'search' THEN 'q=' || lower(left(split_part(r.client_name, ' ', 2), 4))
            WHEN 'export' THEN 'Inzageverzoek van een inwoner'
            ELSE ''
       END,
       CASE WHEN r.action = 'search' THEN '/werk/?q='
            WHEN r.object_type = 'dossiers.dossier' THEN '/werk/dossiers/' || r.object_id || '/'
            ELSE '/werk/dossiers/' || (r.object_id / 3 + 1) || '/'
       END,
       a.ip_address, a.user_agent
FROM (
    SELECT s.occurred_at,
           s.actor,
           CASE WHEN s.actor >= %(staff)s OR s.u_action < 0.80 THEN 'read'
                WHEN s.u_action < 0.87 THEN 'update'
                WHEN s.u_action < 0.92 THEN 'create'
                WHEN s.u_action < 0.975 THEN 'search'
                WHEN s.u_action < 0.985 THEN 'delete'
                WHEN s.u_action < 0.995 THEN 'denied'
                WHEN s.u_action < 0.998 THEN 'break_glass'
                ELSE 'export'
           END AS action,
           CASE WHEN s.u_type < 0.45 THEN 'dossiers.dossier'
                WHEN s.u_type < 0.63 THEN 'dossiers.client'
                WHEN s.u_type < 0.80 THEN 'dossiers.contactmoment'
                WHEN s.u_type < 0.88 THEN 'questionnaires.response'
                WHEN s.u_type < 0.93 THEN 'dossiers.attachment'
                WHEN s.u_type < 0.97 THEN 'dossiers.intakerequest'
                ELSE 'accounts.user'
           END AS object_type,
           s.object_id,
           (%(first_names)s::text[])[1 + (s.object_id * 7) %% cardinality(%(first_names)s::text[])]
               || ' ' ||
           (%(last_names)s::text[])[1 + (s.object_id * 13 + s.object_id / 97)
                                         %% cardinality(%(last_names)s::text[])]
               AS client_name
    FROM (
        SELECT %(starts_at)s::timestamptz
                   + ((g - 1) + random()) * %(step_seconds)s * interval '1 second'
                   AS occurred_at,
               CASE WHEN random() < %(resident_share)s
                    THEN %(staff)s + floor(random() * %(residents)s)::int
                    ELSE floor(power(random(), 1.8) * %(staff)s)::int
               END AS actor,
               random() AS u_action,
               random() AS u_type,
               1 + floor(random() * %(clients)s)::int AS object_id
        FROM generate_series(1, %(rows)s) AS g
    ) s
) r
JOIN bulk_fill_actors a ON a.n = r.actor
-- Ids rise with time, as in a real log (nextval runs after the sort).
ORDER BY r.occurred_at
"""


@dataclass(frozen=True)
class Shape:
    """Who and what the rows are about."""

    staff: int = 1_500
    residents: int = 20_000
    clients: int = 120_000
    resident_share: float = 0.12


def month_plan(*, rows: int, starts_at: datetime, ends_at: datetime) -> list[tuple]:
    """[(partition, from, until, rows)]: `rows` spread evenly over time, month by month."""
    total = (ends_at - starts_at).total_seconds()
    plan, month, placed = [], partitions.first_of_month(starts_at), 0
    while True:
        partition = partitions.Partition(month)
        if partition.starts_at >= ends_at:
            break
        begin, end = max(starts_at, partition.starts_at), min(ends_at, partition.ends_at)
        share = round(rows * (end - starts_at).total_seconds() / total) - placed
        plan.append((partition, begin, end, share))
        placed += share
        month = partitions.add_months(month, 1)
    return [step for step in plan if step[3] > 0]


def fill(
    *,
    rows: int,
    years: float,
    now: datetime | None = None,
    shape: Shape = Shape(),
    report: Callable[[str], None] = print,
) -> int:
    """Add `rows` rows spread over the last `years` years; returns how many were added."""
    if not partitions.is_partitioned(connection):
        raise RuntimeError("the access log is not partitioned: run `manage.py migrate` first")
    now = now or timezone.now()
    starts_at = now - timedelta(days=math.floor(365.25 * years))
    # Rows that wait in the default partition would make attaching their month fail.
    partitions.ensure_partitions(now=now)
    existing = set(partitions.monthly_partitions(connection))
    added = 0
    for partition, begin, end, count in month_plan(rows=rows, starts_at=starts_at, ends_at=now):
        started = time.monotonic()
        attach = partition not in existing
        fill_month(partition, begin=begin, end=end, rows=count, shape=shape, attach=attach)
        added += count
        report(
            f"{partition.month:%Y-%m}: {count:,} rows in {time.monotonic() - started:.1f} s "
            f"({added:,} of {rows:,})"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {partitions.TABLE}")
    return added


def fill_month(
    partition: partitions.Partition,
    *,
    begin: datetime,
    end: datetime,
    rows: int,
    shape: Shape = Shape(),
    attach: bool,
) -> None:
    """Add `rows` rows between `begin` and `end` (inside one month).

    attach=True: the month has no partition yet; it is filled as a plain table and then
    attached, which builds its indexes in one go. Otherwise the rows go into the table.
    """
    params = _parameters(shape) | {
        "table": partitions.TABLE,
        "rows": rows,
        "starts_at": begin,
        "step_seconds": (end - begin).total_seconds() / rows,
    }
    target = partition.name if attach else partitions.TABLE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(ACTORS_SQL, params)
        if attach:
            cursor.execute(
                f"CREATE TABLE {partition.name} (LIKE {partitions.TABLE} INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS INCLUDING STORAGE)"
            )
        cursor.execute(ROWS_SQL.format(target=target), params)
        if attach:
            cursor.execute(
                f"ALTER TABLE {partitions.TABLE} ATTACH PARTITION {partition.name} "
                "FOR VALUES FROM (%s) TO (%s)",
                [partition.starts_at, partition.ends_at],
            )
            partitions.protect(cursor, partition.name)
        # Gone at commit anyway; dropped now for a caller that fills in one transaction.
        cursor.execute("DROP TABLE bulk_fill_actors")
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # A long-lived log is vacuumed: visibility map set, statistics fresh.
            cursor.execute(f"VACUUM (ANALYZE) {partition.name}")


def _parameters(shape: Shape) -> dict:
    return {
        "first_actor_id": FIRST_ACTOR_ID,
        "staff": shape.staff,
        "residents": shape.residents,
        "clients": shape.clients,
        "resident_share": shape.resident_share,
        "pairs": len(FIRST_NAMES) * len(LAST_NAMES),
        "staff_domain": STAFF_DOMAIN,
        "first_names": FIRST_NAMES,
        "last_names": LAST_NAMES,
        "user_agents": USER_AGENTS,
    }


def table_size() -> dict:
    """Estimated rows (planner statistics) and bytes on disk of the log with its indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(c.reltuples) FILTER (WHERE c.reltuples > 0), 0)::bigint, "
            "coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [partitions.TABLE],
        )
        estimated_rows, size = cursor.fetchone()
        cursor.execute("SELECT pg_database_size(current_database())")
        (database,) = cursor.fetchone()
    return {"estimated_rows": estimated_rows, "table_bytes": size, "database_bytes": database}


def typical_month_rows() -> int:
    """The median number of rows of the months that hold rows (planner statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY c.reltuples), 0) "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) AND c.reltuples > 0 "
            "AND c.relname <> %s",
            [partitions.TABLE, partitions.DEFAULT_PARTITION],
        )
        return int(cursor.fetchone()[0])
