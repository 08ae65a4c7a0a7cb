import factory

from apps.organisation.models import (
    Municipality,
    MunicipalityMembership,
    Neighbourhood,
    Team,
    TeamMembership,
)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    cbs_code = factory.Sequence(lambda n: f"GM{n:04d}")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")
    kind = Neighbourhood.Kind.DISTRICT
    cbs_code = factory.Sequence(lambda n: f"WK{n:06d}")
    centroid_latitude = 52.1
    centroid_longitude = 5.1


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    specialism = Team.Specialism.SOCIAL_WORK


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory("apps.accounts.tests.factories.UserFactory")


class MunicipalityMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalityMembership

    municipality = factory.SubFactory(MunicipalityFactory)
    user = factory.SubFactory("apps.accounts.tests.factories.UserFactory")
