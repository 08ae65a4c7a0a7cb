import datetime

import factory

from apps.socialmap.models import (
    Accessibility,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TargetGroup,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Stichting Buurtkracht {n}")
    description = "Welzijn en ondersteuning in de buurt."
    email = factory.Sequence(lambda n: f"info{n}@buurtkracht.example")
    website = "https://buurtkracht.example/"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Formulierenhulp {n}")
    summary = "Hulp bij brieven en formulieren van de gemeente en de Belastingdienst."
    description = "Een vrijwilliger kijkt met je mee. Neem je brieven mee."
    assured_date = factory.LazyFunction(lambda: datetime.date(2026, 11, 2))
    assurer_email = factory.SelfAttribute("organization.email")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Buurthuis De Linde {n}")
    address_1 = "Lindelaan 12"
    postal_code = "3811 AB"
    city = "Amersfoort"
    latitude = "52.156100"
    longitude = "5.387800"


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(
        LocationFactory, organization=factory.SelfAttribute("..service.organization")
    )


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup
        django_get_or_create = ("code",)

    code = "mantelzorgers"
    name_nl = "Mantelzorgers"
    name_en = "Informal carers"


def a_full_service(**fields) -> Service:
    """A service with one of everything the map holds."""
    from apps.organisation.models import Theme
    from apps.organisation.tests.factories import NeighbourhoodFactory

    service = ServiceFactory(
        minimum_age=18,
        fees_description="Gratis; voor de cursus vragen we € 5.",
        application_process="Kom langs of bel.",
        internal_notes="Niet doorverwijzen in december: geen vrijwilligers.",
        referral_instructions="Bel eerst de coördinator.",
        **fields,
    )
    owner = Contact.objects.create(
        organization=service.organization,
        service=service,
        name="Fatma Yilmaz",
        email="fatma@buurtkracht.example",
    )
    service.owner = owner
    service.save()
    Phone.objects.create(contact=owner, number="033 123 45 67")
    Phone.objects.create(service=service, number="0800 1234", description="Op werkdagen")
    Schedule.objects.create(
        service=service,
        byday="MO,WE",
        opens_at=datetime.time(9),
        closes_at=datetime.time(12, 30),
    )
    place = ServiceAtLocationFactory(service=service, description="In de grote zaal")
    Schedule.objects.create(
        service_at_location=place,
        byday="TH",
        opens_at=datetime.time(13),
        closes_at=datetime.time(16),
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    Accessibility.objects.create(location=place.location, description="Rolstoeltoegankelijk")
    Phone.objects.create(location=place.location, number="033 765 43 21")
    CostOption.objects.create(service=service, option="Cursus", amount="5.00")
    Language.objects.create(service=service, code="nl", name="Nederlands")
    Language.objects.create(service=service, code="ar", name="Arabisch")
    service.themes.set(Theme.objects.order_by("position")[:2])
    service.target_groups.add(TargetGroupFactory())
    neighbourhood = NeighbourhoodFactory()
    service.neighbourhoods.add(neighbourhood)
    service.municipalities.add(neighbourhood.municipality)
    return service
