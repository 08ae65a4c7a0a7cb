import datetime

import factory
from django.utils import timezone

from apps.dossiers.models import (
    Client,
    ContactMoment,
    Dossier,
    IntakeRequest,
    LifeEvent,
    NetworkMember,
    RegisteredQuestion,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    # Valid by the rules of apps.core.validators, whatever the sequence number: postcodes
    # 3811 AA to 3890 AZ, house numbers from 1, mobile numbers 06 10000000 and up.
    postcode = factory.Sequence(lambda n: f"{3811 + n % 80} A{chr(65 + n % 26)}")
    house_number = factory.Sequence(lambda n: str(n % 99_999 + 1))
    phone = factory.Sequence(lambda n: f"+3161{n % 10_000_000:07d}")


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    client = factory.SubFactory(ClientFactory)
    team = factory.SubFactory(TeamFactory)
    status = Dossier.Status.ACTIVE
    source = Dossier.Source.SELF
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))


class RegisteredQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisteredQuestion

    dossier = factory.SubFactory(DossierFactory)
    theme = factory.LazyFunction(lambda: Theme.objects.first())


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    dossier = factory.SubFactory(DossierFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))
    mode = ContactMoment.Mode.PHONE
    duration_minutes = 30


class IntakeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeRequest

    team = factory.SubFactory(TeamFactory)
    source = Dossier.Source.ONLINE
    first_name = "Fatima"
    last_name = factory.Sequence(lambda n: f"Amrani{n}")
    birth_date = datetime.date(1961, 4, 12)
    postcode = "3811 AB"
    house_number = "12"
    phone = "+31612345678"
    question = "Ik kom niet rond."


class NetworkMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMember

    dossier = factory.SubFactory(DossierFactory)
    name = factory.Faker("first_name", locale="nl_NL")
    relation = "zus"
    circle = NetworkMember.Circle.FAMILY
    support = NetworkMember.Support.PRACTICAL


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent

    dossier = factory.SubFactory(DossierFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=90))
    kind = LifeEvent.Kind.MOVE
