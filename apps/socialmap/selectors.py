"""What residents find on the social map: the services that run, searched in Dutch and
filtered, and one service with everything its page shows."""

import uuid

from django.db import connection
from django.db.models import Prefetch
from django.http import Http404

from apps.core import sql
from apps.organisation.models import Theme
from apps.socialmap.models import (
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
)

SERVICE = Service._meta.db_table
ORGANIZATION = Organization._meta.db_table
PLACE = ServiceAtLocation._meta.db_table
LOCATION = Location._meta.db_table
COST = CostOption._meta.db_table
THEME = Theme._meta.db_table
THEMES = Service.themes.through._meta.db_table
TARGET_GROUPS = Service.target_groups.through._meta.db_table
NEIGHBOURHOODS = Service.neighbourhoods.through._meta.db_table
MUNICIPALITIES = Service.municipalities.through._meta.db_table

# What a resident may find: a service that stopped, or stopped for now without saying
# when, is not on the public map; a temporary closure shows with its notice.
PUBLIC_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


class PublicSearch:
    """Services for residents, for a Paginator: counted and read a page at a time as plain
    SQL (apps/core/sql.py says why), the best match first when there are words (on
    PostgreSQL the search document, name weighing most, then the summary, then the
    description), else by name. Each row: id, name, summary, status, the provider's name,
    the first place's street and town, and the themes' names."""

    def __init__(self, *, query="", theme=None, neighbourhood=None, target_group=None, free=False):
        self.where = ["s.status IN (%s, %s)"]
        self.params = list(PUBLIC_STATUSES)
        self.order, self.order_params = [], []
        if theme is not None:
            self._exists(THEMES, "theme_id = %s", theme.pk)
        if target_group is not None:
            self._exists(TARGET_GROUPS, "targetgroup_id = %s", target_group.pk)
        if neighbourhood is not None:
            # Offered in the neighbourhood, in the whole municipality, or at a place in it.
            self.where.append(
                f"(EXISTS (SELECT 1 FROM {NEIGHBOURHOODS} a WHERE a.service_id = s.id"  # noqa: S608
                f" AND a.neighbourhood_id = %s)"
                f" OR EXISTS (SELECT 1 FROM {MUNICIPALITIES} a WHERE a.service_id = s.id"
                f" AND a.municipality_id = %s)"
                f" OR EXISTS (SELECT 1 FROM {PLACE} p JOIN {LOCATION} l ON l.id = p.location_id"
                f" WHERE p.service_id = s.id AND l.neighbourhood_id = %s))"
            )
            self.params += [neighbourhood.pk, neighbourhood.municipality_id, neighbourhood.pk]
        if free:
            self.where.append(
                f"NOT EXISTS (SELECT 1 FROM {COST} c WHERE c.service_id = s.id AND c.amount > 0)"  # noqa: S608
            )
        if query := query.strip():
            self._matching(query)
        self.order.append("s.name, s.id")

    def _exists(self, table, condition, value):
        self.where.append(
            f"EXISTS (SELECT 1 FROM {table} x WHERE x.service_id = s.id AND x.{condition})"  # noqa: S608
        )
        self.params.append(value)

    def _matching(self, query):
        if connection.vendor == "postgresql":
            words = "websearch_to_tsquery('dutch', %s)"
            self.where.append(f"s.search_document @@ {words}")
            self.params.append(query)
            self.order.append(f"ts_rank(s.search_document, {words}) DESC")
            self.order_params.append(query)
            return
        # The embedded database has no Dutch stemming: every word must occur somewhere,
        # and a match in the name comes first.
        words = query.split()[:10]
        for word in words:
            like = f"%{_escape_like(word)}%"
            self.where.append(
                "(s.name LIKE %s ESCAPE '\\' OR s.summary LIKE %s ESCAPE '\\'"
                " OR s.description LIKE %s ESCAPE '\\')"
            )
            self.params += [like, like, like]
        self.order.append("(s.name LIKE %s ESCAPE '\\') DESC")
        self.order_params.append(f"%{_escape_like(words[0])}%")

    def count(self) -> int:
        return sql.value(
            f"SELECT COUNT(*) FROM {SERVICE} s WHERE {' AND '.join(self.where)}",  # noqa: S608
            self.params,
        )

    def __getitem__(self, page: slice) -> list[dict]:
        first_place = (
            f"SELECT l.{{}} FROM {PLACE} p JOIN {LOCATION} l ON l.id = p.location_id"  # noqa: S608
            f" WHERE p.service_id = s.id ORDER BY p.id LIMIT 1"
        )
        rows = sql.rows(
            f"SELECT s.id, s.name, s.summary, s.status, o.name AS organization_name,"  # noqa: S608
            f" ({first_place.format('address_1')}) AS address_1,"
            f" ({first_place.format('city')}) AS city"
            f" FROM {SERVICE} s JOIN {ORGANIZATION} o ON o.id = s.organization_id"
            f" WHERE {' AND '.join(self.where)} ORDER BY {', '.join(self.order)}"
            f" LIMIT %s OFFSET %s",
            [*self.params, *self.order_params, page.stop - page.start, page.start],
        )
        ids = [row["id"] for row in rows]
        themes = {}
        if ids:
            for row in sql.rows(
                f"SELECT x.service_id, t.name_nl, t.name_en FROM {THEMES} x"  # noqa: S608
                f" JOIN {THEME} t ON t.id = x.theme_id"
                f" WHERE x.service_id IN ({sql.placeholders(ids)}) ORDER BY t.position, t.id",
                ids,
            ):
                themes.setdefault(row["service_id"], []).append(
                    Theme.name_of(row["name_nl"], row["name_en"])
                )
        for row in rows:
            row["themes"] = themes.get(row["id"], [])
            row["id"] = row["id"] if isinstance(row["id"], uuid.UUID) else uuid.UUID(row["id"])
        return rows


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def public_service(*, pk) -> Service:
    """One service for its public page, with its provider, places, hours, phones, costs
    and languages; 404 for a service that is not on the public map."""
    service = (
        Service.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("organization")
        .prefetch_related(
            "themes",
            "target_groups",
            "phones",
            "cost_options",
            "languages",
            Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "id")),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location")
                .prefetch_related(
                    "location__accessibilities",
                    "location__phones",
                    Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "id")),
                )
                .order_by("id"),
            ),
        )
        .first()
    )
    if service is None:
        raise Http404
    return service
