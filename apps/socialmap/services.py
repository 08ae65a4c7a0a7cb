"""Changes to the social map that touch several records: importing an Open Referral (HSDS
3.1) file, and recording a referral in a dossier. (The freshness rounds and the providers'
answers are in freshness.py.)

An import matches every record by its id: a service, provider or location that exists is
brought up to date, one that does not is added, and what a service no longer lists (a
phone, opening hours, a language…) is removed from it. Importing the same file twice
changes nothing the second time.

Each service is imported whole or not at all. The file is refused as a whole, with nothing
changed, when it is not JSON, not a list of services, or gives one id to two services;
otherwise every service that does not fit (the schema, our themes and areas, a postcode…)
is reported with why, and the others are imported.
"""

import json
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.organisation.models import Municipality, Neighbourhood, Theme
from apps.socialmap import hsds
from apps.socialmap.models import (
    Accessibility,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Referral,
    Schedule,
    Service,
    ServiceAtLocation,
    TargetGroup,
)

# Reported per service at most; the rest are counted.
ERRORS_PER_SERVICE = 5


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was changed."""


@dataclass
class Rejected:
    position: int  # 1 for the first service in the file
    service_id: str
    name: str
    reasons: list[str]


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.added + self.updated + self.unchanged


def hsds_import(*, content: bytes | str, actor) -> ImportReport:
    """Import an HSDS file: a JSON list of services (or an HSDS API page, whose services
    are its `contents`)."""
    policy.require(actor, "socialmap.add_service")
    documents = _services_of(content)
    report = ImportReport()
    areas = _Areas()
    for position, document in enumerate(documents, start=1):
        reasons = _schema_errors(document)
        if not reasons:
            try:
                with transaction.atomic():
                    outcome = _import_service(document, areas)
            except (ValidationError, IntegrityError, _Unfit) as error:
                reasons = _reasons_of(error)
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
                continue
        report.rejected.append(
            Rejected(
                position=position,
                service_id=str(document.get("id", "")) if isinstance(document, dict) else "",
                name=str(document.get("name", "")) if isinstance(document, dict) else "",
                reasons=reasons[:ERRORS_PER_SERVICE],
            )
        )
    return report


def _services_of(content) -> list:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportRefused(_("The file is not JSON (%(error)s).") % {"error": error}) from error
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    if not isinstance(data, list):
        raise ImportRefused(
            _("The file holds no list of services: HSDS services as a JSON list were expected.")
        )
    seen, doubles = set(), set()
    for document in data:
        if isinstance(document, dict) and isinstance(document.get("id"), str):
            (doubles if document["id"] in seen else seen).add(document["id"])
    if doubles:
        raise ImportRefused(
            _("These ids are given to more than one service: %(ids)s.")
            % {"ids": ", ".join(sorted(doubles)[:10])}
        )
    return data


@cache
def _validator() -> Draft202012Validator:
    schema_file = Path(hsds.__file__).parent / "hsds_schema" / "service.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _schema_errors(document) -> list[str]:
    if not isinstance(document, dict):
        return [_("This is not a service (a JSON object was expected).")]
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or 'service'}: {error.message}"
        for error in sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
    ]


class _Unfit(Exception):
    """A service that fits the schema but not the map."""


def _reasons_of(error) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return [
                f"{name}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        return list(error.messages)
    if isinstance(error, IntegrityError):
        return [_("It contradicts a record that is already on the map.")]
    return [str(error)]


class _Areas:
    """Municipalities and neighbourhoods by CBS code, and our taxonomies' terms, read once
    per import."""

    def __init__(self):
        self.municipalities = dict(Municipality.objects.values_list("cbs_code", "pk"))
        self.neighbourhoods = dict(Neighbourhood.objects.values_list("cbs_code", "pk"))
        self.themes = dict(Theme.objects.values_list("code", "pk"))


def _import_service(document: dict, areas: _Areas) -> str:
    """One service with everything in it; 'added', 'updated' or 'unchanged'."""
    organization = _organization(document)
    service = Service.objects.filter(pk=document["id"]).first()
    before = _as_exported(service) if service else None
    outcome = "added" if service is None else "updated"
    service = service or Service(id=document["id"])
    service.organization = organization
    for name in (
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "eligibility_description",
        "alert",
        "assurer_email",
    ):
        setattr(service, name, document.get(name) or "")
    # Our addition; a file from elsewhere has none: the start of the description then.
    service.summary = document.get("summary") or _first_sentence(document)
    service.minimum_age = _whole(document.get("minimum_age"), "minimum_age")
    service.maximum_age = _whole(document.get("maximum_age"), "maximum_age")
    service.assured_date = _date(document.get("assured_date"), "assured_date")
    service.owner = None
    _clean(service, exclude=["organization", "owner", "themes", "target_groups"])
    service.save()

    contacts = _replace(
        service.contacts.all(),
        document.get("contacts", []),
        lambda item: _contact(item, organization, service),
    )
    owner_id = document.get("owner_contact_id")
    if owner_id:
        known = {str(contact.pk) for contact in contacts} | {
            str(pk)
            for pk in organization.contacts.filter(service__isnull=True).values_list(
                "pk", flat=True
            )
        }
        if owner_id not in known:
            raise _Unfit(
                _("owner_contact_id: it names none of the contacts of the service or provider.")
            )
        service.owner_id = owner_id
        service.save(update_fields=["owner"])
    _replace(
        service.phones.all(),
        document.get("phones", []),
        lambda item: _phone(item, service=service),
    )
    _replace(
        service.schedules.all(),
        document.get("schedules", []),
        lambda item: _schedule(item, service=service),
    )
    _replace(
        service.cost_options.all(),
        document.get("cost_options", []),
        lambda item: _cost(item, service),
    )
    _replace(
        service.languages.all(),
        document.get("languages", []),
        lambda item: _language(item, service),
    )
    _replace(
        service.service_at_locations.all(),
        document.get("service_at_locations", []),
        lambda item: _service_at_location(item, service, organization),
    )
    _set_areas(service, document.get("service_areas", []), areas)
    _set_terms(service, document.get("attributes", []), areas)
    if before == _as_exported(service):
        return "unchanged"
    return outcome


def _as_exported(service) -> dict:
    return hsds.service_document(
        hsds.services_for_export(Service.objects.filter(pk=service.pk)).get()
    )


def _organization(document) -> Organization:
    nested = document.get("organization")
    organization_id = (nested or {}).get("id") or document.get("organization_id")
    if not organization_id:
        raise _Unfit(_("organization: the service names no provider."))
    organization = Organization.objects.filter(pk=organization_id).first()
    if nested is None:
        if organization is None:
            raise _Unfit(_("organization_id: no provider with this id on the map or in the file."))
        return organization
    organization = organization or Organization(id=organization_id)
    for name in ("name", "alternate_name", "description", "email", "website"):
        setattr(organization, name, nested.get(name) or "")
    _clean(organization)
    organization.save()
    _replace(
        organization.phones.all(),
        nested.get("phones", []),
        lambda item: _phone(item, organization=organization),
    )
    _replace(
        organization.contacts.filter(service__isnull=True),
        nested.get("contacts", []),
        lambda item: _contact(item, organization, None),
    )
    return organization


def _replace(existing, items: list[dict], make) -> list:
    """Make or update each item (by id) and remove the existing ones not among them."""
    kept = [make(item) for item in items]
    kept_ids = {record.pk for record in kept}
    for record in existing:
        if record.pk not in kept_ids:
            record.delete()
    return kept


def _record(model, item: dict, **values):
    record = model.objects.filter(pk=item["id"]).first() or model(id=item["id"])
    for name, value in values.items():
        setattr(record, name, value)
    _clean(record, exclude=[f.name for f in model._meta.fields if f.is_relation])
    record.save()
    return record


def _contact(item, organization, service) -> Contact:
    contact = _record(
        Contact,
        item,
        organization=organization,
        service=service,
        name=item.get("name") or "",
        title=item.get("title") or "",
        email=item.get("email") or "",
    )
    _replace(
        contact.phones.all(), item.get("phones", []), lambda phone: _phone(phone, contact=contact)
    )
    return contact


def _phone(item, **owner) -> Phone:
    kind = item.get("type") or Phone.Kind.VOICE
    if kind not in Phone.Kind.values:
        kind = Phone.Kind.VOICE
    owners = {"organization": None, "service": None, "location": None, "contact": None}
    return _record(
        Phone,
        item,
        **{**owners, **owner},
        number=item["number"],
        type=kind,
        description=item.get("description") or "",
    )


def _schedule(item, **owner) -> Schedule:
    if item.get("freq", "WEEKLY") != "WEEKLY" or not item.get("byday"):
        raise _Unfit(_("schedules: only weekly opening hours with days are on the map."))
    days = [day.strip() for day in item["byday"].split(",")]
    if not days or any(day not in hsds.WEEKDAYS for day in days):
        raise _Unfit(_("schedules: %(days)s are no days of the week.") % {"days": item["byday"]})
    opens, closes = (
        _time(item.get("opens_at"), "opens_at"),
        _time(item.get("closes_at"), "closes_at"),
    )
    if not opens < closes:
        raise _Unfit(_("schedules: a day must open before it closes."))
    return _record(
        Schedule,
        item,
        **{"service": None, "service_at_location": None, **owner},
        byday=",".join(days),
        opens_at=opens,
        closes_at=closes,
        valid_from=_date(item.get("valid_from"), "valid_from"),
        valid_to=_date(item.get("valid_to"), "valid_to"),
        description=item.get("description") or "",
    )


def _cost(item, service) -> CostOption:
    if item.get("currency", "EUR") != "EUR":
        raise _Unfit(_("cost_options: amounts in euro only."))
    try:
        amount = Decimal(str(item.get("amount", 0)))
    except InvalidOperation as error:
        raise _Unfit(_("cost_options: the amount is no number.")) from error
    return _record(
        CostOption,
        item,
        service=service,
        option=item.get("option") or "",
        amount=amount,
        amount_description=item.get("amount_description") or "",
    )


def _language(item, service) -> Language:
    return _record(
        Language,
        item,
        service=service,
        code=item.get("code") or "",
        name=item.get("name") or item.get("code") or "",
    )


def _service_at_location(item, service, organization) -> ServiceAtLocation:
    location_document = item.get("location")
    location_id = (location_document or {}).get("id") or item.get("location_id")
    if location_document:
        location = _location(location_document, organization)
    else:
        location = Location.objects.filter(pk=location_id).first()
        if location is None:
            raise _Unfit(_("service_at_locations: no location with this id on the map."))
    place = _record(
        ServiceAtLocation,
        item,
        service=service,
        location=location,
        description=item.get("description") or "",
    )
    _replace(
        place.schedules.all(),
        item.get("schedules", []),
        lambda schedule: _schedule(schedule, service_at_location=place),
    )
    return place


def _location(document, organization) -> Location:
    addresses = document.get("addresses") or []
    address = addresses[0] if addresses else {}
    if address and address.get("country", "NL") != "NL":
        raise _Unfit(_("location: addresses in the Netherlands only."))
    location = _record(
        Location,
        document,
        organization=organization,
        location_type=document.get("location_type") or Location.Kind.PHYSICAL,
        name=document.get("name") or address.get("address_1") or "",
        description=document.get("description") or "",
        transportation=document.get("transportation") or "",
        url=document.get("url") or "",
        address_1=address.get("address_1") or "",
        postal_code=address.get("postal_code") or "",
        city=address.get("city") or "",
        latitude=_coordinate(document.get("latitude")),
        longitude=_coordinate(document.get("longitude")),
    )
    _replace(
        location.accessibilities.all(),
        document.get("accessibility", []),
        lambda item: _record(
            Accessibility,
            item,
            location=location,
            description=item.get("description") or "",
            details=item.get("details") or "",
        ),
    )
    _replace(
        location.phones.all(),
        document.get("phones", []),
        lambda item: _phone(item, location=location),
    )
    return location


def _set_areas(service, items, areas: _Areas) -> None:
    municipalities, neighbourhoods = [], []
    for item in items:
        code = (item.get("uri") or "").removeprefix("urn:cbs:")
        if code in areas.municipalities:
            municipalities.append(areas.municipalities[code])
        elif code in areas.neighbourhoods:
            neighbourhoods.append(areas.neighbourhoods[code])
        else:
            raise _Unfit(
                _("service_areas: %(area)s is no municipality or neighbourhood we know.")
                % {"area": item.get("name") or item.get("uri") or item.get("id")}
            )
    service.municipalities.set(municipalities)
    service.neighbourhoods.set(neighbourhoods)


def _set_terms(service, attributes, areas: _Areas) -> None:
    """Our themes and target groups among the service's attributes; terms of other
    taxonomies are not on our map and are left out."""
    themes, groups = [], []
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {}
        code = term.get("code")
        if term.get("taxonomy") == hsds.THEME_TAXONOMY:
            if code not in areas.themes:
                raise _Unfit(_("attributes: %(code)s is none of our themes.") % {"code": code})
            themes.append(areas.themes[code])
        elif term.get("taxonomy") == hsds.TARGET_GROUP_TAXONOMY and code:
            group, _created = TargetGroup.objects.get_or_create(
                code=code,
                defaults={
                    "name_nl": term.get("name") or code,
                    "name_en": term.get("description") or code,
                },
            )
            groups.append(group)
    service.themes.set(themes)
    service.target_groups.set(groups)


def _clean(record, exclude=()) -> None:
    # Constraints and uniqueness are the database's to check, inside the service's
    # transaction; asking here would cost a query each.
    record.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def _first_sentence(document) -> str:
    text = (document.get("description") or document.get("name") or "").strip()
    sentence = text.split(". ")[0].strip()
    return (sentence if sentence.endswith(".") else f"{sentence}.")[:300] if sentence else ""


def _whole(value, name):
    if value is None:
        return None
    if not float(value).is_integer() or value < 0:
        raise _Unfit(_("%(name)s: a whole number of years.") % {"name": name})
    return int(value)


def _date(value, name):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise _Unfit(
            _("%(name)s: %(value)s is no date.") % {"name": name, "value": value}
        ) from error


def _time(value, name):
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise _Unfit(_("schedules: %(name)s is no time of day.") % {"name": name}) from error


def _coordinate(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.000001"))


@transaction.atomic
def referral_record(*, actor, dossier, service: Service, note: str = "") -> Referral:
    """The worker referred the dossier's client to this service: kept in the dossier, with
    the change in the access log. Only to a service on the map, for a dossier of the
    worker's team that is not closed."""
    policy.require(actor, "socialmap.add_referral", dossier)
    if service.status not in (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED):
        raise ValidationError(_("This service is not offered any more."), code="not_offered")
    if dossier.status == dossier.Status.CLOSED:
        raise ValidationError(_("This dossier is closed."), code="dossier_closed")
    referral = Referral.objects.create(
        dossier=dossier, service=service, referred_by=actor, note=note.strip()
    )
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=referral)
    return referral
