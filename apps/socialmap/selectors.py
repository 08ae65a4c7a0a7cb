"""What residents find on the social map: the services that run, searched in Dutch and
filtered, and one service with everything its page shows."""

import datetime
import math
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts import policy
from apps.core import sql
from apps.core.words import search_roots
from apps.dossiers import selectors as dossier_selectors
from apps.dossiers.models import Dossier
from apps.organisation.models import Municipality, Neighbourhood, Theme
from apps.socialmap import opening
from apps.socialmap.models import (
    CostOption,
    Location,
    Organization,
    ProposedChange,
    Referral,
    Schedule,
    Service,
    ServiceAtLocation,
    TargetGroup,
    VerificationRequest,
)

SERVICE = Service._meta.db_table
ORGANIZATION = Organization._meta.db_table
PLACE = ServiceAtLocation._meta.db_table
LOCATION = Location._meta.db_table
COST = CostOption._meta.db_table
SCHEDULE = Schedule._meta.db_table
# Kilometres per degree of latitude (and of longitude at the equator).
KM_PER_DEGREE = 111.2
THEME = Theme._meta.db_table
NEIGHBOURHOOD = Neighbourhood._meta.db_table
MUNICIPALITY = Municipality._meta.db_table
TARGET_GROUP = TargetGroup._meta.db_table
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

    def __init__(
        self,
        *,
        query="",
        theme=None,
        municipality=None,
        neighbourhood=None,
        target_group=None,
        free=False,
        open_at=None,
        near=None,
        for_staff=False,
    ):
        self.where = ["s.status IN (%s, %s)"]
        self.params = list(PUBLIC_STATUSES)
        self.distance, self.distance_params = "NULL", []
        self.order, self.order_params = [], []
        if not for_staff:
            # Unconfirmed for too long (apps/socialmap/freshness.py): staff still find it.
            self.where.append("s.hidden_since IS NULL")
        if open_at is not None:
            self._open(opening.local_moment(open_at))
        if near is not None:
            self._near(*near)
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
        if municipality is not None:
            # Offered in the whole municipality, in one of its neighbourhoods, or at a place
            # in one of them.
            self.where.append(
                f"(EXISTS (SELECT 1 FROM {MUNICIPALITIES} a WHERE a.service_id = s.id"  # noqa: S608
                f" AND a.municipality_id = %s)"
                f" OR EXISTS (SELECT 1 FROM {NEIGHBOURHOODS} a JOIN {NEIGHBOURHOOD} n"
                f" ON n.id = a.neighbourhood_id WHERE a.service_id = s.id"
                f" AND n.municipality_id = %s)"
                f" OR EXISTS (SELECT 1 FROM {PLACE} p JOIN {LOCATION} l ON l.id = p.location_id"
                f" JOIN {NEIGHBOURHOOD} n ON n.id = l.neighbourhood_id"
                f" WHERE p.service_id = s.id AND n.municipality_id = %s))"
            )
            self.params += [municipality.pk] * 3
        if free:
            self.where.append(
                f"NOT EXISTS (SELECT 1 FROM {COST} c WHERE c.service_id = s.id AND c.amount > 0)"  # noqa: S608
            )
        if query := query.strip():
            self._matching(query)
        self.order.append("s.name, s.id")

    def _open(self, moment):
        """Open at that moment by its weekly hours, its own or those of a place; nothing is
        open on a public holiday."""
        day = moment.date()
        if opening.public_holiday(day):
            self.where.append("1 = 0")
            return
        now = sql.time_param(moment.time().replace(microsecond=0))
        self.where.append(
            f"EXISTS (SELECT 1 FROM {SCHEDULE} h LEFT JOIN {PLACE} hp"  # noqa: S608
            f" ON hp.id = h.service_at_location_id"
            f" WHERE (h.service_id = s.id OR hp.service_id = s.id) AND h.byday LIKE %s"
            f" AND h.opens_at <= %s AND h.closes_at > %s"
            f" AND (h.valid_from IS NULL OR h.valid_from <= %s)"
            f" AND (h.valid_to IS NULL OR h.valid_to >= %s))"
        )
        today = sql.date_param(day)
        self.params += [f"%{opening.ical_day(day)}%", now, now, today, today]

    def _near(self, latitude: float, longitude: float, kilometres: float):
        """A place within that distance, nearest first; each row gets `distance` (km). On a
        scale of a municipality the earth is flat: a degree of longitude is shorter by the
        cosine of the latitude, which is known before the query."""
        east = KM_PER_DEGREE * math.cos(math.radians(latitude))
        squared = (
            f"((nl.latitude - %s) * {KM_PER_DEGREE}) * ((nl.latitude - %s) * {KM_PER_DEGREE})"
            f" + ((nl.longitude - %s) * {east:.6f}) * ((nl.longitude - %s) * {east:.6f})"
        )
        points = [latitude, latitude, longitude, longitude]
        nearest = (
            f"(SELECT MIN({squared}) FROM {PLACE} np JOIN {LOCATION} nl"  # noqa: S608
            f" ON nl.id = np.location_id WHERE np.service_id = s.id"
            f" AND nl.latitude IS NOT NULL AND nl.longitude IS NOT NULL)"
        )
        self.where.append(f"{nearest} <= %s")
        self.params += [*points, kilometres * kilometres]
        self.distance, self.distance_params = nearest, points
        self.order.append(f"{nearest}")
        self.order_params += points

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
        # The embedded database has no Dutch stemming: every word's root must occur
        # somewhere, and a match in the name comes first.
        words = search_roots(query) or [query]
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
        # The page's services, then the first place of each in one more query.
        rows = sql.rows(
            f"SELECT s.id, s.name, s.summary, s.status, s.unconfirmed_since, s.hidden_since,"  # noqa: S608
            f" o.name AS organization_name, {self.distance} AS distance,"
            f" (SELECT p.location_id FROM {PLACE} p WHERE p.service_id = s.id"
            f" ORDER BY p.id LIMIT 1) AS first_location_id"
            f" FROM {SERVICE} s JOIN {ORGANIZATION} o ON o.id = s.organization_id"
            f" WHERE {' AND '.join(self.where)} ORDER BY {', '.join(self.order)}"
            f" LIMIT %s OFFSET %s",
            [
                *self.distance_params,
                *self.params,
                *self.order_params,
                page.stop - page.start,
                page.start,
            ],
        )
        ids = [row["id"] for row in rows]
        location_ids = list({row["first_location_id"] for row in rows} - {None})
        places = {}
        if location_ids:
            places = {
                place["id"]: place
                for place in sql.rows(
                    f"SELECT id, address_1, city, latitude, longitude FROM {LOCATION}"  # noqa: S608
                    f" WHERE id IN ({sql.placeholders(location_ids)})",
                    location_ids,
                )
            }
        no_place = {"address_1": None, "city": None, "latitude": None, "longitude": None}
        for row in rows:
            place = places.get(row.pop("first_location_id"), no_place)
            row.update({key: place[key] for key in no_place})
        themes, first_themes = {}, {}
        if ids:
            for row in sql.rows(
                f"SELECT x.service_id, t.code, t.position, t.name_nl, t.name_en"  # noqa: S608
                f" FROM {THEMES} x JOIN {THEME} t ON t.id = x.theme_id"
                f" WHERE x.service_id IN ({sql.placeholders(ids)}) ORDER BY t.position, t.id",
                ids,
            ):
                name = Theme.name_of(row["name_nl"], row["name_en"])
                themes.setdefault(row["service_id"], []).append(name)
                first_themes.setdefault(
                    row["service_id"],
                    {
                        "name": name,
                        "slot": Theme(code=row["code"]).colour_slot,
                        "symbol": str(row["position"]),
                    },
                )
        for row in rows:
            row["themes"] = themes.get(row["id"], [])
            # For its flag on the map: the colour and number of its first theme.
            row["first_theme"] = first_themes.get(row["id"])
            if row["distance"] is not None:
                row["distance"] = math.sqrt(float(row["distance"]))
            row["id"] = row["id"] if isinstance(row["id"], uuid.UUID) else uuid.UUID(row["id"])
        return rows


def search_choices() -> dict[str, list[dict]]:
    """The options of the search's theme, target-group and municipality filters, in one
    plain query (each row: code, id, name_nl, name_en), by kind: "theme", "group",
    "municipality"."""
    rows = sql.rows(
        f"SELECT 'theme' AS kind, code, id, name_nl, name_en, position AS rank"  # noqa: S608
        f" FROM {THEME}"
        f" UNION ALL SELECT 'group', code, id, name_nl, name_en, 0 FROM {TARGET_GROUP}"
        f" UNION ALL SELECT 'municipality', cbs_code, id, name, name, 0 FROM {MUNICIPALITY}"
        f" ORDER BY 1, 6, 4, 2",
        [],
    )
    choices = {"theme": [], "group": [], "municipality": []}
    for row in rows:
        choices[row.pop("kind")].append(row)
    return choices


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def public_service(*, pk, for_staff=False) -> Service:
    """One service for its page, with its provider, places, hours, phones, costs and
    languages; 404 for a service that is not on the map (for residents also one hidden for
    want of confirmation). Staff also get its owner contact."""
    services = Service.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
    if not for_staff:
        services = services.filter(hidden_since__isnull=True)
    service = (
        services.select_related("organization", "owner")
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


# --- Staff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierReferrals:
    referrals: list
    can_refer: bool
    search_url: str


def dossier_referrals(*, actor, dossier) -> DossierReferrals | None:
    """The referrals section of a dossier page: who was referred where, newest first, and
    the way to the social map to refer again. None for a reader who may not see them."""
    if not policy.can(actor, "socialmap.view_referral", dossier):
        return None
    referrals = list(
        Referral.objects.filter(dossier=dossier).select_related("service", "referred_by")[:50]
    )
    search_url = f"{reverse('socialmap_work:search')}?{urlencode({'dossier': dossier.pk})}"
    return DossierReferrals(
        referrals, policy.can(actor, "socialmap.add_referral", dossier), search_url
    )


def dossier_to_refer(*, actor, pk) -> Dossier | None:
    """The dossier a worker came from to refer its client (`?dossier=` on the staff
    map), with the read logged; None when there is none or they may not refer it."""
    if not pk:
        return None
    try:
        dossier = dossier_selectors.dossier_for_actor(actor=actor, pk=int(pk))
    except (ValueError, OverflowError, Http404):
        return None
    return dossier if policy.can(actor, "socialmap.add_referral", dossier) else None


def pending_proposals():
    return (
        ProposedChange.objects.filter(state=ProposedChange.State.PENDING)
        .select_related("service__organization")
        .order_by("submitted_at", "id")
    )


def proposal_for_editor(*, pk) -> ProposedChange:
    proposal = (
        ProposedChange.objects.filter(pk=pk)
        .select_related("service__organization", "decided_by")
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


@dataclass(frozen=True)
class FreshnessRow:
    name: str
    services: int
    confirmed: int

    @property
    def share(self) -> int | None:
        return round(100 * self.confirmed / self.services) if self.services else None


@dataclass(frozen=True)
class Freshness:
    since: datetime.date
    total: FreshnessRow
    unconfirmed: int
    hidden: int
    pending_proposals: int
    themes: list
    districts: list
    oldest: list
    silent_providers: list


def freshness_overview(*, today: datetime.date | None = None, oldest=15) -> Freshness:
    """How fresh the map is: of the services on the map, the share confirmed in the last
    SOCIALMAP_CONFIRM_AFTER_DAYS, per theme and per district of their place; the entries
    confirmed longest ago; and providers who were asked and never answered."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=settings.SOCIALMAP_CONFIRM_AFTER_DAYS)
    on_map = Service.objects.filter(status__in=PUBLIC_STATUSES)
    fresh = Q(assured_date__gt=since)
    totals = on_map.aggregate(
        services=Count("pk"),
        confirmed=Count("pk", filter=fresh),
        unconfirmed=Count("pk", filter=Q(unconfirmed_since__isnull=False, hidden_since=None)),
        hidden=Count("pk", filter=Q(hidden_since__isnull=False)),
    )
    themes = [
        FreshnessRow(Theme.name_of(row["name_nl"], row["name_en"]), row["n"], row["fresh"])
        for row in Theme.objects.filter(services__status__in=PUBLIC_STATUSES)
        .values("pk", "name_nl", "name_en", "position")
        .annotate(
            n=Count("services"),
            fresh=Count("services", filter=Q(services__assured_date__gt=since)),
        )
        .order_by("position", "pk")
    ]
    per_district = (
        on_map.filter(service_at_locations__location__neighbourhood__isnull=False)
        .values(
            district=F("service_at_locations__location__neighbourhood__name"),
            municipality=F("service_at_locations__location__neighbourhood__municipality__name"),
        )
        .annotate(n=Count("pk", distinct=True), fresh=Count("pk", filter=fresh, distinct=True))
    )
    districts = sorted(
        (
            FreshnessRow(f"{row['district']} ({row['municipality']})", row["n"], row["fresh"])
            for row in per_district
        ),
        key=lambda row: (row.share, row.name),
    )
    return Freshness(
        since=since,
        total=FreshnessRow("", totals["services"], totals["confirmed"]),
        unconfirmed=totals["unconfirmed"],
        hidden=totals["hidden"],
        pending_proposals=ProposedChange.objects.filter(state=ProposedChange.State.PENDING).count(),
        themes=themes,
        districts=districts,
        oldest=list(
            on_map.select_related("organization", "owner").order_by(
                F("assured_date").asc(nulls_first=True), "name", "id"
            )[:oldest]
        ),
        silent_providers=silent_providers(),
    )


def silent_providers(limit=20) -> list:
    """Providers asked at least once who never answered any round: the number of rounds
    that ran out, and when they were last asked."""
    answered = VerificationRequest.objects.filter(
        service__organization=OuterRef("pk"),
        answer__in=[
            VerificationRequest.Answer.CONFIRMED,
            VerificationRequest.Answer.CHANGES_PROPOSED,
        ],
    )
    unanswered = Q(services__verification_requests__answer=VerificationRequest.Answer.NO_ANSWER)
    return list(
        Organization.objects.annotate(
            rounds=Count("services__verification_requests", filter=unanswered),
            last_asked=Max("services__verification_requests__last_mailed_at"),
        )
        .filter(rounds__gt=0)
        .exclude(Exists(answered))
        .order_by("-rounds", "name", "pk")[:limit]
    )
