"""A demo social map: fictional providers with services on all ten themes in every demo
municipality (180 services in the small set, 5,000 in the large one), with addresses,
coordinates, opening hours, phones, costs, languages and target groups, and confirmation
dates from last week to over a year ago (some never confirmed), as a real map drifts.

The services and their wording are our own; the providers do not exist.
"""

import datetime
import itertools
import json
import random
import uuid
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from apps.core.demo import DemoRun, demo_step
from apps.organisation.models import Municipality, Neighbourhood, Theme
from apps.socialmap import freshness
from apps.socialmap.models import (
    Accessibility,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    ProposedChange,
    Schedule,
    Service,
    ServiceAtLocation,
    TargetGroup,
    VerificationRequest,
)

LARGE_SERVICES = 5_000
DEMO_SEED = 14
# The providers (per municipality), target groups and services per theme, in our words.
DEMO_MAP = json.loads((Path(__file__).parent / "demo_map.json").read_text(encoding="utf-8"))

LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "Engels",
    "ar": "Arabisch",
    "tr": "Turks",
    "pl": "Pools",
    "uk": "Oekraïens",
}
STREETS = ["Stationsplein", "Kerkstraat", "Schoolweg", "Lindelaan", "Marktplein", "Dorpsstraat"]
ACCESSIBILITY = ["Rolstoeltoegankelijk", "Lift aanwezig", "Invalidentoilet", "Ringleiding"]
POSTCODE_LETTERS = "ABCEGHJKLMNPRTVWXZ"


@demo_step("socialmap", after=("organisation",))
def _seed(run: DemoRun) -> int:
    # A random source of its own: the other apps' demo data stays the same whether or not
    # the map was seeded before.
    faker = Faker("nl_NL")
    faker.seed_instance(DEMO_SEED)
    return seed_social_map(size=run.size, rng=random.Random(DEMO_SEED), faker=faker)


def seed_social_map(*, size: str, rng, faker) -> int:
    """The demo map; how many services it holds. A map that has services is left as it
    is."""
    if Service.objects.exists():
        return Service.objects.count()
    groups = _target_groups()
    themes = dict(Theme.objects.values_list("code", "pk"))
    templates = [
        (code, template)
        for code, templates in DEMO_MAP["services"].items()
        for template in templates
    ]
    municipalities = list(Municipality.objects.order_by("pk"))
    if size == "large":
        # Templates in districts drawn at random, until the map holds LARGE_SERVICES.
        areas = list(
            Neighbourhood.objects.districts().select_related("municipality").order_by("pk")
        )
        plan = list(itertools.product(templates, areas))
        rng.shuffle(plan)
        plan = plan[:LARGE_SERVICES]
    else:
        plan = [
            (template, municipality) for municipality in municipalities for template in templates
        ]
    districts = {}
    for district in Neighbourhood.objects.districts().order_by("pk"):
        districts.setdefault(district.municipality_id, []).append(district)

    providers = _providers(municipalities, rng, faker)
    today = timezone.localdate()
    # Made in the order they are stored in: each after what it points to.
    records = {
        model: []
        for model in (
            Service,
            Location,
            ServiceAtLocation,
            Schedule,
            Phone,
            CostOption,
            Language,
            Accessibility,
        )
    }
    links = {"themes": [], "target_groups": [], "municipalities": [], "neighbourhoods": []}
    for (theme_code, template), area in plan:
        municipality = area if isinstance(area, Municipality) else area.municipality
        organization, owner = providers[(municipality.pk, template["provider"])]
        in_district = (
            area if isinstance(area, Neighbourhood) else rng.choice(districts[municipality.pk])
        )
        cost = template["cost"]
        service_id = _id(rng)
        age_in_days = rng.choice([3, 20, 45, 90, 120, 160, 200, 260, 330, 420, None])
        status = rng.choices(list(Service.Status), weights=[92, 3, 1, 4])[0]
        label = area.name if size == "large" else municipality.name
        records[Service].append(
            Service(
                id=service_id,
                organization=organization,
                name=f"{template['name']} {label}",
                summary=template["summary"],
                description=template["description"],
                status=status,
                application_process="Kom langs tijdens de openingstijden of bel ons.",
                fees_description=(f"€ {cost} per keer." if cost else "Gratis."),
                eligibility_description=", ".join(
                    groups[code].name_nl for code in template["target_groups"]
                ),
                minimum_age=template["minimum_age"],
                maximum_age=template["maximum_age"],
                email=organization.email,
                url=organization.website,
                owner=owner,
                assured_date=today - datetime.timedelta(days=age_in_days) if age_in_days else None,
                assurer_email=owner.email if age_in_days else "",
                referral_instructions="Bel eerst even, dan weten ze dat de cliënt komt.",
            )
        )
        location_id = _id(rng)
        latitude = in_district.centroid_latitude + rng.uniform(-0.006, 0.006)
        longitude = in_district.centroid_longitude + rng.uniform(-0.009, 0.009)
        records[Location].append(
            Location(
                id=location_id,
                organization=organization,
                name=f"{organization.name}, {in_district.name}",
                address_1=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                postal_code=_postcode(municipality, rng),
                city=municipality.name,
                latitude=round(latitude, 6),
                longitude=round(longitude, 6),
                neighbourhood=in_district,
                transportation="Bushalte op 5 minuten lopen.",
            )
        )
        if rng.random() < 0.7:
            records[Accessibility].append(
                Accessibility(
                    id=_id(rng), location_id=location_id, description=rng.choice(ACCESSIBILITY)
                )
            )
        place_id = _id(rng)
        records[ServiceAtLocation].append(
            ServiceAtLocation(id=place_id, service_id=service_id, location_id=location_id)
        )
        records[Schedule].append(
            Schedule(
                id=_id(rng),
                service_at_location_id=place_id,
                byday=template["days"],
                opens_at=datetime.time.fromisoformat(template["opens"]),
                closes_at=datetime.time.fromisoformat(template["closes"]),
            )
        )
        records[Phone].append(
            Phone(
                id=_id(rng),
                service_id=service_id,
                number=_phone(rng),
                description="Tijdens de openingstijden",
            )
        )
        if cost:
            records[CostOption].append(
                CostOption(id=_id(rng), service_id=service_id, option="Per keer", amount=cost)
            )
        for code in ("nl", *template["languages"]):
            records[Language].append(
                Language(id=_id(rng), service_id=service_id, code=code, name=LANGUAGE_NAMES[code])
            )
        links["themes"].append((service_id, themes[theme_code]))
        links["target_groups"].extend(
            (service_id, groups[code].pk) for code in template["target_groups"]
        )
        if isinstance(area, Neighbourhood):
            links["neighbourhoods"].append((service_id, area.pk))
        else:
            links["municipalities"].append((service_id, municipality.pk))
    for model, made in records.items():
        model.objects.bulk_create(made, batch_size=1_000)
    for relation, pairs in links.items():
        through = getattr(Service, relation).through
        target = getattr(Service, relation).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [through(service_id=service_id, **{f"{target}_id": pk}) for service_id, pk in pairs],
            batch_size=2_000,
        )
    _freshness(records[Service], rng, today)
    return len(records[Service])


def _freshness(services: list[Service], rng, today: datetime.date) -> None:
    """Where the freshness rounds (apps/socialmap/freshness.py) would stand on this map: the
    overdue services asked, some reminded without an answer and marked unconfirmed, a few
    hidden, providers who never answered, and two proposed changes for an editor."""
    now = timezone.now()
    overdue = today - datetime.timedelta(days=182)
    requests, proposals, unconfirmed, hidden = [], [], [], []
    providers = sorted({service.organization_id for service in services}, key=str)
    silent = {provider for provider in providers if rng.random() < 0.15}
    for service in services:
        if service.status == Service.Status.DEFUNCT or (
            service.assured_date and service.assured_date > overdue
        ):
            continue
        days_ago = rng.choice([3, 10, 20, 35])
        asked = now - datetime.timedelta(days=days_ago)
        if service.organization_id in silent:
            # A round that ran out before this one.
            requests.append(
                VerificationRequest(
                    id=_id(rng),
                    service=service,
                    email=service.owner.email,
                    created_at=asked - datetime.timedelta(days=62),
                    last_mailed_at=asked - datetime.timedelta(days=32),
                    reminders_sent=2,
                    expires_at=asked - datetime.timedelta(days=2),
                    closed_at=asked - datetime.timedelta(days=2),
                    answer=VerificationRequest.Answer.NO_ANSWER,
                )
            )
            unconfirmed.append(service.pk)
            if rng.random() < 0.3:
                hidden.append(service.pk)
        reminders = min(days_ago // 14, 2)
        request = VerificationRequest(
            id=_id(rng),
            service=service,
            email=service.owner.email,
            created_at=asked - datetime.timedelta(days=14 * reminders),
            last_mailed_at=asked,
            reminders_sent=reminders,
            expires_at=asked + datetime.timedelta(days=30),
        )
        if len(proposals) < 2 and service.organization_id not in silent:
            request.closed_at = asked + datetime.timedelta(days=1)
            request.answer = VerificationRequest.Answer.CHANGES_PROPOSED
            proposals.append((service, request))
        requests.append(request)
    VerificationRequest.objects.bulk_create(requests, batch_size=1_000)
    Service.objects.filter(pk__in=unconfirmed).update(unconfirmed_since=today)
    Service.objects.filter(pk__in=hidden).update(hidden_since=today)
    for service, request in proposals:
        before = freshness.editable_values(service)
        changes = {"hours_tu": "09:00-12:00", "phone": "030 765 43 21"}
        ProposedChange.objects.create(
            service=service,
            request=request,
            proposed_by=request.email,
            before=before,
            changes={key: value for key, value in changes.items() if before[key] != value},
            note="Op dinsdagochtend zijn we nu ook open. We hebben een nieuw telefoonnummer.",
        )


def _target_groups() -> dict[str, TargetGroup]:
    for group in DEMO_MAP["target_groups"]:
        TargetGroup.objects.get_or_create(
            code=group["code"], defaults={"name_nl": group["name_nl"], "name_en": group["name_en"]}
        )
    return {group.code: group for group in TargetGroup.objects.all()}


def _providers(municipalities, rng, faker) -> dict:
    """Per municipality and provider number: the provider and the contact who keeps its
    services right."""
    providers = {}
    for municipality in municipalities:
        for number, provider in enumerate(DEMO_MAP["providers"]):
            full_name = provider["name"].format(m=municipality.name)
            domain = f"{slugify(full_name)}.example"
            organization = Organization.objects.create(
                id=_id(rng),
                name=full_name,
                description=provider["description"],
                email=f"info@{domain}",
                website=f"https://{domain}/",
            )
            owner = Contact.objects.create(
                id=_id(rng),
                organization=organization,
                name=faker.name(),
                title="Coördinator",
                email=f"aanbod@{domain}",
            )
            Phone.objects.create(id=_id(rng), organization=organization, number=_phone(rng))
            providers[(municipality.pk, number)] = (organization, owner)
    return providers


def _id(rng) -> uuid.UUID:
    # From the run's random source, so that one seed gives the same map.
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _postcode(municipality, rng) -> str:
    digits = int(municipality.cbs_code[2:]) % 90 * 100 + 1000 + rng.randint(0, 99)
    return f"{digits} {rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"


def _phone(rng) -> str:
    """A landline number that exists by the numbering plan (so a phone can dial it)."""
    area = rng.choice(["030", "033", "020", "010", "070"])
    return f"{area} {rng.randint(200, 799)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
