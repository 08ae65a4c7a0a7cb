"""The social map in the Open Referral Human Services Data Specification (HSDS 3.1): each
service as one document with everything it holds (its provider, locations, opening hours,
phones, contacts, costs, languages, areas and our taxonomies), as the specification's
compiled `service.json` schema describes it (vendored in apps/socialmap/hsds_schema/).

Our own additions, which the schema allows: `summary` (the one or two sentences shown in
search results) and `owner_contact_id` (the contact asked to confirm the service). Staff
notes and referral instructions never leave the organisation.

Records that HSDS gives an id of their own but that we keep as a link (a theme, a target
group or an area of a service; the address of a location) get a UUID derived from what
they link, so that an export gives the same ids every time and an import can match them.
"""

import uuid
from decimal import Decimal

from django.db.models import Prefetch

from apps.socialmap.models import Location, Service, ServiceAtLocation

HSDS_VERSION = "3.1"
# The namespace of the ids derived from links (uuid5).
LINK_NAMESPACE = uuid.UUID("5d1a9a3e-8c4b-4f0e-9b52-7f1f3b0e2c61")
THEME_TAXONOMY = "buurtkompas-themes"
TARGET_GROUP_TAXONOMY = "buurtkompas-target-groups"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def link_id(*parts) -> str:
    return str(uuid.uuid5(LINK_NAMESPACE, "/".join(str(part) for part in parts)))


def services_for_export(queryset=None):
    """Services with everything their documents show, in a fixed number of queries."""
    queryset = Service.objects.all() if queryset is None else queryset
    locations = Location.objects.prefetch_related("accessibilities", "phones")
    return (
        queryset.select_related("organization")
        .prefetch_related(
            "organization__phones",
            "organization__contacts__phones",
            "themes",
            "target_groups",
            "municipalities",
            "neighbourhoods",
            "phones",
            "schedules",
            "cost_options",
            "languages",
            "contacts__phones",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.prefetch_related(
                    "schedules", Prefetch("location", queryset=locations)
                ).order_by("id"),
            ),
        )
        .order_by("id")
    )


def service_document(service: Service) -> dict:
    """One service as an HSDS `service` object with its nested objects."""
    service_id = str(service.id)
    return _without_empty(
        {
            "id": service_id,
            "organization_id": str(service.organization_id),
            "name": service.name,
            "alternate_name": service.alternate_name,
            "summary": service.summary,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": service.assured_date.isoformat() if service.assured_date else None,
            "assurer_email": service.assurer_email,
            "alert": service.alert,
            "owner_contact_id": str(service.owner_id) if service.owner_id else None,
            "organization": organization_document(service.organization),
            "phones": [_phone(phone, service_id=service_id) for phone in _by_id(service.phones)],
            "schedules": [
                _schedule(schedule, service_id=service_id) for schedule in _by_id(service.schedules)
            ],
            "service_areas": _service_areas(service),
            "service_at_locations": [
                _service_at_location(place) for place in service.service_at_locations.all()
            ],
            "languages": [
                {
                    "id": str(language.id),
                    "service_id": service_id,
                    "name": language.name,
                    "code": language.code,
                }
                for language in _by_id(service.languages)
            ],
            "cost_options": [
                {
                    "id": str(cost.id),
                    "service_id": service_id,
                    "option": cost.option,
                    "currency": "EUR",
                    "amount": _number(cost.amount),
                    "amount_description": cost.amount_description,
                }
                for cost in _by_id(service.cost_options)
            ],
            "contacts": [_contact(contact) for contact in _by_id(service.contacts)],
            "attributes": _attributes(service),
        }
    )


def organization_document(organization) -> dict:
    """The provider, with its own phones and the contacts that are not of one service."""
    organization_id = str(organization.id)
    return _without_empty(
        {
            "id": organization_id,
            "name": organization.name,
            "alternate_name": organization.alternate_name,
            "description": organization.description,
            "email": organization.email,
            "website": organization.website,
            "phones": [
                _phone(phone, organization_id=organization_id)
                for phone in _by_id(organization.phones)
            ],
            "contacts": [
                _contact(contact)
                for contact in _by_id(organization.contacts)
                if contact.service_id is None
            ],
        }
    )


def _phone(phone, **owner) -> dict:
    return _without_empty(
        {
            "id": str(phone.id),
            **owner,
            "number": phone.number,
            "type": phone.type,
            "description": phone.description,
        }
    )


def _schedule(schedule, **owner) -> dict:
    return _without_empty(
        {
            "id": str(schedule.id),
            **owner,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": schedule.byday,
            "opens_at": schedule.opens_at.strftime("%H:%M"),
            "closes_at": schedule.closes_at.strftime("%H:%M"),
            "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
            "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
            "description": schedule.description,
        }
    )


def _contact(contact) -> dict:
    contact_id = str(contact.id)
    return _without_empty(
        {
            "id": contact_id,
            "organization_id": str(contact.organization_id),
            "service_id": str(contact.service_id) if contact.service_id else None,
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phones": [_phone(phone, contact_id=contact_id) for phone in _by_id(contact.phones)],
        }
    )


def _service_areas(service) -> list[dict]:
    """Whole municipalities and single neighbourhoods, each named by its CBS code in
    `uri` (urn:cbs:<code>), which an import looks up."""
    areas = [
        (area.cbs_code, area.name)
        for area in (*service.municipalities.all(), *service.neighbourhoods.all())
    ]
    return [
        {
            "id": link_id(service.id, "area", code),
            "service_id": str(service.id),
            "name": name,
            "uri": f"urn:cbs:{code}",
        }
        for code, name in sorted(areas)
    ]


def _service_at_location(place) -> dict:
    location = place.location
    location_id = str(location.id)
    return _without_empty(
        {
            "id": str(place.id),
            "service_id": str(place.service_id),
            "location_id": location_id,
            "description": place.description,
            "schedules": [
                _schedule(schedule, service_at_location_id=str(place.id))
                for schedule in _by_id(place.schedules)
            ],
            "location": location_document(location),
        }
    )


def location_document(location) -> dict:
    """A location as an HSDS `location` object, with its address, accessibility and
    phones."""
    location_id = str(location.id)
    address = None
    if location.address_1 or location.postal_code or location.city:
        address = {
            "id": link_id(location.id, "address"),
            "location_id": location_id,
            "address_1": location.address_1,
            "city": location.city,
            # Dutch addresses need no province; the field is required.
            "state_province": "",
            "postal_code": location.postal_code,
            "country": "NL",
            "address_type": "postal" if location.location_type == "postal" else "physical",
        }
    return _without_empty(
        {
            "id": location_id,
            "organization_id": str(location.organization_id),
            "location_type": location.location_type,
            "name": location.name,
            "description": location.description,
            "transportation": location.transportation,
            "url": location.url,
            "latitude": _number(location.latitude),
            "longitude": _number(location.longitude),
            "addresses": [address] if address else [],
            "accessibility": [
                _without_empty(
                    {
                        "id": str(item.id),
                        "location_id": location_id,
                        "description": item.description,
                        "details": item.details,
                    }
                )
                for item in _by_id(location.accessibilities)
            ],
            "phones": [_phone(phone, location_id=location_id) for phone in _by_id(location.phones)],
        }
    )


def _attributes(service) -> list[dict]:
    """Our themes and target groups as taxonomy terms linked to the service."""
    terms = [
        (THEME_TAXONOMY, "service_type", theme.code, theme.name_nl, theme.name_en)
        for theme in service.themes.all()
    ] + [
        (TARGET_GROUP_TAXONOMY, "eligibility", group.code, group.name_nl, group.name_en)
        for group in service.target_groups.all()
    ]
    attributes = []
    for taxonomy, link_type, code, name_nl, name_en in sorted(terms):
        term_id = link_id(taxonomy, code)
        attributes.append(
            {
                "id": link_id(service.id, taxonomy, code),
                "link_id": str(service.id),
                "link_type": link_type,
                "link_entity": "service",
                "taxonomy_term_id": term_id,
                "taxonomy_term": {
                    "id": term_id,
                    "code": code,
                    "name": name_nl,
                    "description": name_en,
                    "taxonomy": taxonomy,
                    "language": "nl",
                },
            }
        )
    return attributes


def _by_id(related) -> list:
    """A prefetched relation in a fixed order, without a query of its own."""
    return sorted(related.all(), key=lambda record: str(record.id))


def _number(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _without_empty(document: dict) -> dict:
    """Leave out what is not there: no empty strings, None or empty lists."""
    return {key: value for key, value in document.items() if value not in ("", None, [])}
