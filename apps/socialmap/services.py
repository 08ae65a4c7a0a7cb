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
import uuid
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
from apps.socialmap import hsds, hsds_tables
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
    are its `contents`).

    A new service, with only new records in it, is checked in Python and inserted with
    the other new services of its batch, a few hundred in one transaction; a batch the
    database refuses is imported again one service at a time, to find the one it
    refuses. A service that changes a record that exists is imported on its own, in a
    transaction of its own."""
    policy.require(actor, "socialmap.add_service")
    documents = _services_of(content)
    report = ImportReport()
    known = _Known(documents)
    batch = _Batch()

    def reject(position, document, reasons):
        report.rejected.append(
            Rejected(
                position=position,
                service_id=str(document.get("id", "")) if isinstance(document, dict) else "",
                name=str(document.get("name", "")) if isinstance(document, dict) else "",
                reasons=reasons[:ERRORS_PER_SERVICE],
            )
        )

    def on_its_own(position, document):
        try:
            with transaction.atomic():
                outcome = _import_service(document, known)
        except (ValidationError, IntegrityError, _Unfit) as error:
            # What this service wrote is rolled back: forget it was written.
            known.forget_written()
            reject(position, document, _reasons_of(error))
        else:
            known.written_kept()
            setattr(report, outcome, getattr(report, outcome) + 1)

    def flush():
        staged, services_in_it, written = batch.take()
        if not services_in_it:
            return
        try:
            with transaction.atomic():
                staged.insert()
        except IntegrityError:
            known.forget(written)
            for position, document in services_in_it:
                on_its_own(position, document)
        else:
            report.added += len(services_in_it)

    for position, document in enumerate(documents, start=1):
        if known.unchanged(document):
            report.unchanged += 1
            continue
        reasons = _schema_errors(document)
        if reasons:
            reject(position, document, reasons)
            continue
        if known.exists(Service, document["id"]):
            flush()
            on_its_own(position, document)
            continue
        known.staging = _Staged()
        try:
            _import_service(document, known)
        except _WritesExisting:
            known.staging = None
            known.forget_written()
            flush()
            on_its_own(position, document)
        except (ValidationError, _Unfit) as error:
            known.staging = None
            known.forget_written()
            reject(position, document, _reasons_of(error))
        else:
            batch.add(position, document, known.staging, known.written_kept())
            known.staging = None
            if batch.is_full():
                flush()
    flush()
    return report


class _WritesExisting(Exception):
    """A service that would change a record that exists: not for a batch of new ones."""


class _Staged:
    """New records checked and waiting to be inserted together, per model in an order in
    which each refers only to what comes before or in the same transaction."""

    ORDER = (
        Organization,
        Contact,
        Service,
        Location,
        ServiceAtLocation,
        Schedule,
        Phone,
        CostOption,
        Language,
        Accessibility,
    )

    def __init__(self):
        self.records = {model: [] for model in self.ORDER}
        self.links = {}

    def add(self, record) -> None:
        self.records[type(record)].append(record)

    def link(self, through, row) -> None:
        self.links.setdefault(through, []).append(row)

    def extend(self, other: "_Staged") -> None:
        for model, records in other.records.items():
            self.records[model].extend(records)
        for through, rows in other.links.items():
            self.links.setdefault(through, []).extend(rows)

    def insert(self) -> None:
        for model in self.ORDER:
            model.objects.bulk_create(self.records[model], batch_size=1_000)
        for through, rows in self.links.items():
            through.objects.bulk_create(rows, batch_size=2_000)


class _Batch:
    SIZE = 250

    def __init__(self):
        self._reset()

    def _reset(self):
        self.staged, self.services, self.written = _Staged(), [], []

    def add(self, position, document, staged: _Staged, written: list) -> None:
        self.staged.extend(staged)
        self.services.append((position, document))
        self.written.extend(written)

    def is_full(self) -> bool:
        return len(self.services) >= self.SIZE

    def take(self):
        taken = (self.staged, self.services, self.written)
        self._reset()
        return taken


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


# The models of HSDS's tables (hsds_tables.tables_of), to know which records exist.
TABLE_MODELS = {
    hsds_tables.ROOT_TABLE: Service,
    **{
        hsds_tables.table_of(key): model
        for key, model in (
            ("organization", Organization),
            ("contacts", Contact),
            ("phones", Phone),
            ("schedules", Schedule),
            ("cost_options", CostOption),
            ("languages", Language),
            ("service_at_locations", ServiceAtLocation),
            ("location", Location),
            ("accessibility", Accessibility),
        )
    },
}
PRELOAD_BATCH = 500


class _Known:
    """What one import reads once instead of once per service: municipalities,
    neighbourhoods, themes and target groups; which of the file's records exist already;
    the services as they are now (an unchanged one is counted and not written); and the
    providers and places this import wrote, which other services share."""

    def __init__(self, documents: list):
        self.municipalities = dict(Municipality.objects.values_list("cbs_code", "pk"))
        self.neighbourhoods = dict(Neighbourhood.objects.values_list("cbs_code", "pk"))
        self.themes = dict(Theme.objects.values_list("code", "pk"))
        self.target_groups = {group.code: group for group in TargetGroup.objects.all()}
        services = [item for item in documents if isinstance(item, dict)]
        try:
            tables = hsds_tables.tables_of(services)
        except (KeyError, TypeError):
            # A file that does not fit the schema: every record is looked up one by one.
            tables = {}
        self.existing = {model: set() for model in TABLE_MODELS.values()}
        for table, model in TABLE_MODELS.items():
            ids = [row["id"] for row in tables.get(table, ([], []))[1] if _is_uuid(row["id"])]
            for start in range(0, len(ids), PRELOAD_BATCH):
                self.existing[model].update(
                    str(pk)
                    for pk in model.objects.filter(
                        pk__in=ids[start : start + PRELOAD_BATCH]
                    ).values_list("pk", flat=True)
                )
        self.current = {}
        existing_services = sorted(self.existing[Service])
        for start in range(0, len(existing_services), PRELOAD_BATCH):
            batch = Service.objects.filter(pk__in=existing_services[start : start + PRELOAD_BATCH])
            for service in hsds.services_for_export(batch):
                self.current[str(service.pk)] = hsds.service_document(service)
        # Written by this import, per record type: id -> (document, record).
        self.written: dict = {}
        self._pending: list = []
        # While a new service is checked for a batch: where its new records go.
        self.staging: _Staged | None = None

    def unchanged(self, document) -> bool:
        return isinstance(document, dict) and self.current.get(str(document.get("id"))) == document

    def exists(self, model, pk) -> bool:
        return str(pk) in self.existing[model]

    def inserted(self, record) -> None:
        self.existing[type(record)].add(str(record.pk))

    def shared(self, model, document):
        """The record this import wrote from the same document (a provider or place that
        several services share), or None."""
        found = self.written.get((model, str(document.get("id"))))
        return found[1] if found and found[0] == document else None

    def remember(self, model, document, record) -> None:
        self.written[(model, str(document.get("id")))] = (document, record)
        self._pending.append((model, str(document.get("id"))))

    def written_kept(self) -> list:
        """The service is whole: what it wrote stays. Its keys, for a batch."""
        kept, self._pending = self._pending, []
        return kept

    def forget_written(self) -> None:
        self.forget(self._pending)
        self._pending = []

    def forget(self, keys) -> None:
        for model, pk in keys:
            self.written.pop((model, pk), None)
            if model is TargetGroup:
                self.target_groups.pop(pk, None)

    def save(self, record, *, is_new: bool, **options) -> None:
        """Insert or update, or for a batch of new services: stage the insert, and refuse
        an update."""
        if self.staging is None:
            record.save(force_insert=is_new, **options)
        elif is_new:
            self.staging.add(record)
        else:
            raise _WritesExisting
        self.inserted(record)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _import_service(document: dict, known: _Known) -> str:
    """One service with everything in it; 'added', 'updated' or 'unchanged'."""
    organization = _organization(document, known)
    is_new = not known.exists(Service, document["id"])
    service = None if is_new else Service.objects.filter(pk=document["id"]).first()
    before = known.current.get(str(document["id"])) if service else None
    is_new = service is None
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
    known.save(service, is_new=is_new)

    def children(related):
        # A new service has none yet: no query to find out.
        return () if is_new else related.all()

    contacts = _replace(
        children(service.contacts),
        document.get("contacts", []),
        lambda item: _contact(item, organization, service, known),
    )
    owner_id = document.get("owner_contact_id")
    if owner_id:
        provider_contacts = (document.get("organization") or {}).get("contacts") or []
        known_contacts = (
            {str(contact.pk) for contact in contacts}
            | {str(contact.get("id")) for contact in provider_contacts}
            | {
                str(pk)
                for pk in organization.contacts.filter(service__isnull=True).values_list(
                    "pk", flat=True
                )
            }
        )
        if owner_id not in known_contacts:
            raise _Unfit(
                _("owner_contact_id: it names none of the contacts of the service or provider.")
            )
        service.owner_id = owner_id
        if known.staging is None:
            service.save(update_fields=["owner"])
    _replace(
        children(service.phones),
        document.get("phones", []),
        lambda item: _phone(item, known, service=service),
    )
    _replace(
        children(service.schedules),
        document.get("schedules", []),
        lambda item: _schedule(item, known, service=service),
    )
    _replace(
        children(service.cost_options),
        document.get("cost_options", []),
        lambda item: _cost(item, service, known),
    )
    _replace(
        children(service.languages),
        document.get("languages", []),
        lambda item: _language(item, service, known),
    )
    _replace(
        children(service.service_at_locations),
        document.get("service_at_locations", []),
        lambda item: _service_at_location(item, service, organization, known),
    )
    _set_areas(service, document.get("service_areas", []), known, is_new=is_new)
    _set_terms(service, document.get("attributes", []), known, is_new=is_new)
    if is_new:
        return "added"
    if before == _as_exported(service):
        return "unchanged"
    return "updated"


def _as_exported(service) -> dict:
    return hsds.service_document(
        hsds.services_for_export(Service.objects.filter(pk=service.pk)).get()
    )


def _organization(document, known: _Known) -> Organization:
    nested = document.get("organization")
    organization_id = (nested or {}).get("id") or document.get("organization_id")
    if not organization_id:
        raise _Unfit(_("organization: the service names no provider."))
    if nested is not None and (shared := known.shared(Organization, nested)):
        return shared
    organization = Organization.objects.filter(pk=organization_id).first()
    if nested is None:
        if organization is None:
            raise _Unfit(_("organization_id: no provider with this id on the map or in the file."))
        return organization
    is_new = organization is None
    organization = organization or Organization(id=organization_id)
    for name in ("name", "alternate_name", "description", "email", "website"):
        setattr(organization, name, nested.get(name) or "")
    _clean(organization)
    known.save(organization, is_new=is_new)
    _replace(
        () if is_new else organization.phones.all(),
        nested.get("phones", []),
        lambda item: _phone(item, known, organization=organization),
    )
    _replace(
        () if is_new else organization.contacts.filter(service__isnull=True),
        nested.get("contacts", []),
        lambda item: _contact(item, organization, None, known),
    )
    known.remember(Organization, nested, organization)
    return organization


def _replace(existing, items: list[dict], make) -> list:
    """Make or update each item (by id) and remove the existing ones not among them."""
    kept = [make(item) for item in items]
    kept_ids = {record.pk for record in kept}
    for record in existing:
        if record.pk not in kept_ids:
            record.delete()
    return kept


def _record(model, item: dict, known: _Known, **values):
    """The record of this id, changed to `values`, checked and saved: an update when it
    exists, else an insert (without first asking the database, when the import knows)."""
    record = None
    if known.exists(model, item["id"]):
        record = model.objects.filter(pk=item["id"]).first()
    is_new = record is None
    record = record or model(id=item["id"])
    for name, value in values.items():
        setattr(record, name, value)
    _clean(record, exclude=[f.name for f in model._meta.fields if f.is_relation])
    known.save(record, is_new=is_new)
    return record


def _contact(item, organization, service, known: _Known) -> Contact:
    is_new = not known.exists(Contact, item["id"])
    contact = _record(
        Contact,
        item,
        known,
        organization=organization,
        service=service,
        name=item.get("name") or "",
        title=item.get("title") or "",
        email=item.get("email") or "",
    )
    _replace(
        () if is_new else contact.phones.all(),
        item.get("phones", []),
        lambda phone: _phone(phone, known, contact=contact),
    )
    return contact


def _phone(item, known: _Known, **owner) -> Phone:
    kind = item.get("type") or Phone.Kind.VOICE
    if kind not in Phone.Kind.values:
        kind = Phone.Kind.VOICE
    owners = {"organization": None, "service": None, "location": None, "contact": None}
    return _record(
        Phone,
        item,
        known,
        **{**owners, **owner},
        number=item["number"],
        type=kind,
        description=item.get("description") or "",
    )


def _schedule(item, known: _Known, **owner) -> Schedule:
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
        known,
        **{"service": None, "service_at_location": None, **owner},
        byday=",".join(days),
        opens_at=opens,
        closes_at=closes,
        valid_from=_date(item.get("valid_from"), "valid_from"),
        valid_to=_date(item.get("valid_to"), "valid_to"),
        description=item.get("description") or "",
    )


def _cost(item, service, known: _Known) -> CostOption:
    if item.get("currency", "EUR") != "EUR":
        raise _Unfit(_("cost_options: amounts in euro only."))
    try:
        amount = Decimal(str(item.get("amount", 0)))
    except InvalidOperation as error:
        raise _Unfit(_("cost_options: the amount is no number.")) from error
    return _record(
        CostOption,
        item,
        known,
        service=service,
        option=item.get("option") or "",
        amount=amount,
        amount_description=item.get("amount_description") or "",
    )


def _language(item, service, known: _Known) -> Language:
    return _record(
        Language,
        item,
        known,
        service=service,
        code=item.get("code") or "",
        name=item.get("name") or item.get("code") or "",
    )


def _service_at_location(item, service, organization, known: _Known) -> ServiceAtLocation:
    location_document = item.get("location")
    location_id = (location_document or {}).get("id") or item.get("location_id")
    if location_document:
        location = _location(location_document, organization, known)
    else:
        location = Location.objects.filter(pk=location_id).first()
        if location is None:
            raise _Unfit(_("service_at_locations: no location with this id on the map."))
    is_new = not known.exists(ServiceAtLocation, item["id"])
    place = _record(
        ServiceAtLocation,
        item,
        known,
        service=service,
        location=location,
        description=item.get("description") or "",
    )
    _replace(
        () if is_new else place.schedules.all(),
        item.get("schedules", []),
        lambda schedule: _schedule(schedule, known, service_at_location=place),
    )
    return place


def _location(document, organization, known: _Known) -> Location:
    if shared := known.shared(Location, document):
        return shared
    addresses = document.get("addresses") or []
    address = addresses[0] if addresses else {}
    if address and address.get("country", "NL") != "NL":
        raise _Unfit(_("location: addresses in the Netherlands only."))
    is_new = not known.exists(Location, document["id"])
    location = _record(
        Location,
        document,
        known,
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
        () if is_new else location.accessibilities.all(),
        document.get("accessibility", []),
        lambda item: _record(
            Accessibility,
            item,
            known,
            location=location,
            description=item.get("description") or "",
            details=item.get("details") or "",
        ),
    )
    _replace(
        () if is_new else location.phones.all(),
        document.get("phones", []),
        lambda item: _phone(item, known, location=location),
    )
    known.remember(Location, document, location)
    return location


def _set_areas(service, items, known: _Known, *, is_new: bool) -> None:
    municipalities, neighbourhoods = [], []
    for item in items:
        code = (item.get("uri") or "").removeprefix("urn:cbs:")
        if code in known.municipalities:
            municipalities.append(known.municipalities[code])
        elif code in known.neighbourhoods:
            neighbourhoods.append(known.neighbourhoods[code])
        else:
            raise _Unfit(
                _("service_areas: %(area)s is no municipality or neighbourhood we know.")
                % {"area": item.get("name") or item.get("uri") or item.get("id")}
            )
    _link(service, "municipalities", municipalities, known, is_new=is_new)
    _link(service, "neighbourhoods", neighbourhoods, known, is_new=is_new)


def _set_terms(service, attributes, known: _Known, *, is_new: bool) -> None:
    """Our themes and target groups among the service's attributes; terms of other
    taxonomies are not on our map and are left out."""
    themes, groups = [], []
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {}
        code = term.get("code")
        if term.get("taxonomy") == hsds.THEME_TAXONOMY:
            if code not in known.themes:
                raise _Unfit(_("attributes: %(code)s is none of our themes.") % {"code": code})
            themes.append(known.themes[code])
        elif term.get("taxonomy") == hsds.TARGET_GROUP_TAXONOMY and code:
            if code not in known.target_groups:
                if known.staging is not None:
                    raise _WritesExisting
                group, created = TargetGroup.objects.get_or_create(
                    code=code,
                    defaults={
                        "name_nl": term.get("name") or code,
                        "name_en": term.get("description") or code,
                    },
                )
                known.target_groups[code] = group
                if created:
                    known.remember(TargetGroup, {"id": code}, group)
            groups.append(known.target_groups[code].pk)
    _link(service, "themes", themes, known, is_new=is_new)
    _link(service, "target_groups", groups, known, is_new=is_new)


def _link(service, relation: str, pks: list, known: _Known, *, is_new: bool) -> None:
    """Set a many-to-many relation; for a new service straight into the link table, as
    nothing can be linked to it yet."""
    if not is_new:
        getattr(service, relation).set(pks)
        return
    field = Service._meta.get_field(relation)
    through = field.remote_field.through
    target = f"{field.m2m_reverse_field_name()}_id"
    rows = [through(service_id=service.pk, **{target: pk}) for pk in dict.fromkeys(pks)]
    if known.staging is not None:
        for row in rows:
            known.staging.link(through, row)
    else:
        through.objects.bulk_create(rows)


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
