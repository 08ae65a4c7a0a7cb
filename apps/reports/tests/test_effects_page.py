"""The effects page: a conclusion only over enough pairs, worked out by hand; below the
minimum only the count, and for a municipality viewer not even an exact small count."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers.tests.factories import DossierFactory
from apps.effects.services import statistics_update
from apps.effects.tests.builders import completed_response
from apps.organisation.tests.factories import (
    MunicipalityMembershipFactory,
    NeighbourhoodFactory,
    TeamFactory,
)
from apps.questionnaires.services.instruments import instruments_load

pytestmark = pytest.mark.django_db
URL = "/rapportage/effecten/"


def _pairs(team, changes, *, code="participation-ladder"):
    """One dossier per change: a first measurement of 2 and a later one of 2 + change."""
    now = timezone.now()
    for change in changes:
        dossier = DossierFactory(
            team=team, client__neighbourhood=NeighbourhoodFactory(municipality=team.municipality)
        )
        completed_response(code, now - timedelta(days=40), dossier=dossier, overall=2)
        completed_response(code, now - timedelta(days=2), dossier=dossier, overall=2 + change)


@pytest.fixture
def measured():
    instruments_load()
    team = TeamFactory()
    # 20 pairs: 10 up one rung, 10 unchanged. Mean 0.5; SD of the changes
    # sqrt(10 * 0.25 * 2 / 19) = 0.5130; t(0.975, 19) = 2.093; half width
    # 2.093 * 0.5130 / sqrt(20) = 0.240, so the interval runs from 0.26 to 0.74.
    _pairs(team, [1] * 10 + [0] * 10)
    small_team = TeamFactory()
    _pairs(small_team, [1, 1, 0], code="zrm")
    statistics_update(full=True)
    return team, small_team


def _verdicts(response):
    return {instrument.name: instrument for instrument in response.context["page"].effects}


def test_enough_pairs_give_a_mean_change_with_its_interval(client, measured):
    client.force_login(UserFactory(role=Role.MANAGER))
    response = client.get(URL)
    assert response.status_code == 200
    ladder = next(i for i in response.context["page"].effects if i.overall.estimate.n == 20)
    estimate = ladder.overall.estimate
    assert estimate.conclusive
    assert round(estimate.mean_change, 2) == 0.5
    assert (round(estimate.ci_low, 2), round(estimate.ci_high, 2)) == (0.26, 0.74)
    # One rung is the ladder's margin: 10 better, 10 the same.
    assert (estimate.improved, estimate.unchanged, estimate.worsened) == (10, 10, 0)
    assert escape(estimate.verdict()) in response.content.decode()


def test_too_few_pairs_show_the_count_and_no_conclusion(client, measured):
    client.force_login(UserFactory(role=Role.MANAGER))
    response = client.get(URL)
    zrm = next(i for i in response.context["page"].effects if i.overall.estimate.n == 3)
    assert not zrm.conclusive
    assert zrm.overall.estimate.mean_change is None
    assert zrm.overall.pairs.text == "3"
    with translation.override("nl"):
        assert escape(gettext("Effect size")) in response.content.decode()


def test_a_municipality_viewer_never_sees_a_small_exact_count(client, measured):
    _team, small_team = measured
    viewer = UserFactory(role=Role.MUNICIPALITY_VIEWER)
    MunicipalityMembershipFactory(municipality=small_team.municipality, user=viewer)
    client.force_login(viewer)
    response = client.get(URL)
    assert response.status_code == 200
    [zrm] = response.context["page"].effects
    assert zrm.overall.pairs.text == "< 10"
    assert "(3)" not in response.content.decode()


def test_the_other_pair_kind_and_a_bad_one(client, measured):
    client.force_login(UserFactory(role=Role.MANAGER))
    # No measurement was taken at intake and at closing.
    response = client.get(URL, {"pairs": "intake_closing"})
    assert response.status_code == 200
    assert response.context["page"].effects == []
    # An unknown kind falls back to the first and last measurement.
    response = client.get(URL, {"pairs": "<script>"})
    assert response.status_code == 200
    assert len(response.context["page"].effects) == 2
