import factory
from django.utils import timezone

from apps.dossiers.models import Client, ContactMoment, Dossier, RegisteredQuestion
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    postcode = factory.Sequence(lambda n: f"{3811 + n % 80} A{chr(65 + n % 26)}")
    house_number = factory.Sequence(lambda n: str(n + 1))


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
