"""The demo map: at least 150 services over all ten themes, each with opening hours and a
place on the map, and every one a valid HSDS service that survives an export and import."""

import json
import random

import pytest
from faker import Faker

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.demo import seed_organisation
from apps.organisation.models import Theme
from apps.socialmap import freshness, hsds, selectors, services
from apps.socialmap.demo import seed_social_map
from apps.socialmap.models import (
    Location,
    Organization,
    ProposedChange,
    Service,
    TargetGroup,
    VerificationRequest,
)
from apps.socialmap.tests.test_hsds_export import assert_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_map():
    seed_organisation(size="small", rng=random.Random(7))
    return seed_social_map(size="small", rng=random.Random(7), faker=Faker("nl_NL"))


def test_the_small_map_covers_every_theme_with_places_and_hours(demo_map):
    assert demo_map == Service.objects.count() >= 150
    for theme in Theme.objects.all():
        assert theme.services.count() >= 10, theme.code
    assert not Service.objects.filter(service_at_locations__isnull=True).exists()
    assert not Location.objects.filter(latitude__isnull=True).exists()
    assert not Service.objects.filter(service_at_locations__schedules__isnull=True).exists()
    # As a real map drifts: most confirmed lately, some long ago, some never.
    assert Service.objects.filter(assured_date__isnull=True).exists()
    assert Service.objects.filter(assured_date__isnull=False).count() > demo_map / 2
    # Seeding again changes nothing.
    assert seed_social_map(size="small", rng=random.Random(8), faker=Faker()) == demo_map


def test_the_map_shows_where_the_freshness_rounds_stand(demo_map):
    """The dashboard and the editor have something to show: open rounds, providers who
    never answered, unconfirmed and hidden services, and two proposals."""
    overview = selectors.freshness_overview()
    assert 0 < overview.total.confirmed < overview.total.services
    assert overview.unconfirmed > 0
    assert overview.hidden > 0
    assert overview.silent_providers
    assert overview.pending_proposals == 2
    assert VerificationRequest.objects.filter(closed_at__isnull=True).exists()
    for proposal in ProposedChange.objects.all():
        assert proposal.changes
        assert freshness.proposal_diff(proposal)
    # A round of the daily job on the demo map asks nobody twice.
    before = VerificationRequest.objects.count()
    counts = freshness.providers_ask()
    assert VerificationRequest.objects.count() == before + counts["asked"]


def test_every_demo_service_is_valid_hsds_and_survives_a_round_trip(demo_map):
    documents = [hsds.service_document(service) for service in hsds.services_for_export()]
    for document in documents:
        assert_valid(document)
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    TargetGroup.objects.all().delete()
    report = services.hsds_import(
        content=json.dumps(documents), actor=UserFactory(role=Role.FUNCTIONAL_ADMIN)
    )
    assert report.rejected == []
    assert report.added == demo_map
    assert [hsds.service_document(service) for service in hsds.services_for_export()] == documents
