"""The change of learners who finished a learning path that measures with the same
self-scan at the start and at the end: the scan before their first finished step against
the first one after they finished, in the month of the later scan."""

from datetime import date

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.effects import selectors
from apps.effects.models import Figure, Level
from apps.effects.tests.builders import completed_response, compute, figure, local
from apps.learning import services
from apps.learning.models import Enrolment, Step, StepProgress
from apps.learning.tests.paths import path_data, path_file
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db
SCAN = "positive-health-short"
KEY = f"learning|grip-op-post|{SCAN}|"


@pytest.fixture
def version(instruments):
    data = path_data()
    data["path"]["pre_measurement"] = SCAN
    data["path"]["post_measurement"] = SCAN
    author = UserFactory(role=Role.TEAM_LEADER)
    draft = services.path_import(actor=author, content=path_file(data))
    return services.version_publish(actor=author, version=draft)


def learner_finishing(version, *, first_step_at, finished_at):
    learner = UserFactory(role=Role.RESIDENT)
    enrolment = Enrolment.objects.create(
        path=version.path,
        version=version,
        learner=learner,
        enrolled_at=first_step_at,
        completed_at=finished_at,
    )
    steps = Step.objects.filter(module__version=version)
    StepProgress.objects.bulk_create(
        StepProgress(enrolment=enrolment, step=step, completed_at=finished_at) for step in steps
    )
    StepProgress.objects.filter(enrolment=enrolment, step=steps.first()).update(
        completed_at=first_step_at
    )
    return learner


def in_march(version):
    """A learner who did their first step on 5 March and finished on 20 March."""
    return learner_finishing(
        version, first_step_at=local(2025, 3, 5), finished_at=local(2025, 3, 20)
    )


def scan(learner, when, overall, body=None):
    response = completed_response(
        SCAN, when, overall=overall, dimensions={"body": body} if body is not None else None
    )
    response.respondent = learner
    response.save(update_fields=["respondent"])
    return response


def test_the_scan_before_the_first_step_against_the_first_after_finishing(version):
    anna = learner_finishing(
        version, first_step_at=local(2025, 3, 5), finished_at=local(2025, 3, 20)
    )
    scan(anna, local(2025, 2, 1), "4.00")  # older: not the last before
    scan(anna, local(2025, 3, 1), "5.00", body="4.00")
    scan(anna, local(2025, 3, 10), "9.00")  # during the path: neither
    scan(anna, local(2025, 4, 2), "6.50", body="6.00")
    scan(anna, local(2025, 5, 2), "1.00")  # later again: not the first after
    # Bram filled in his first scan only after his first step: no pair.
    bram = learner_finishing(
        version, first_step_at=local(2025, 3, 5), finished_at=local(2025, 3, 20)
    )
    scan(bram, local(2025, 3, 6), "5.00")
    scan(bram, local(2025, 4, 6), "8.00")
    # Cas's second scan is before he finished: no pair.
    cas = learner_finishing(
        version, first_step_at=local(2025, 3, 5), finished_at=local(2025, 3, 20)
    )
    scan(cas, local(2025, 3, 1), "5.00")
    scan(cas, local(2025, 3, 15), "8.00")
    # Someone else's scans are not Anna's.
    scan(UserFactory(role=Role.RESIDENT), local(2025, 4, 3), "10.00")

    compute()

    assert figure("learning_pair", Level.ORGANISATION, date(2025, 4, 1), key=KEY) == (
        1,
        pytest.approx(1.5),
        pytest.approx(2.25),
    )
    assert figure("learning_pair", Level.ORGANISATION, date(2025, 4, 1), key=f"{KEY}body") == (
        1,
        pytest.approx(2.0),
        pytest.approx(4.0),
    )
    assert figure("learning_pair", Level.ORGANISATION, date(2025, 3, 1), key=KEY) is None


def test_the_change_of_a_path_is_told_only_for_a_group_large_enough(version, settings):
    settings.EFFECTS_MIN_GROUP_SIZE = 3
    for number, (before, after) in enumerate([("5.00", "6.00"), ("4.00", "6.00"), ("6.0", "6.5")]):
        learner = in_march(version)
        scan(learner, local(2025, 3, 1), before)
        scan(learner, local(2025, 4, 1 + number), after)
    compute()
    change = selectors.learning_path_change(version)
    assert change.estimate.n == 3 and change.estimate.conclusive
    assert change.estimate.mean_change == pytest.approx((1.0 + 2.0 + 0.5) / 3)
    assert change.instrument == SCAN

    settings.EFFECTS_MIN_GROUP_SIZE = 4
    hidden = selectors.learning_path_change(version).estimate
    assert not hidden.conclusive and hidden.mean_change is None


def test_a_path_without_the_same_scan_at_both_ends_has_no_change(instruments):
    data = path_data()
    data["path"]["pre_measurement"] = SCAN
    author = UserFactory(role=Role.TEAM_LEADER)
    version = services.version_publish(
        actor=author, version=services.path_import(actor=author, content=path_file(data))
    )
    anna = learner_finishing(
        version, first_step_at=local(2025, 3, 5), finished_at=local(2025, 3, 20)
    )
    scan(anna, local(2025, 3, 1), "5.00")
    scan(anna, local(2025, 4, 2), "6.50")
    compute()
    assert selectors.learning_path_change(version) is None
    assert not Figure.objects.filter(measure="learning_pair").exists()


def test_the_facilitator_sees_the_change_of_the_path_on_the_group_page(client, version, settings):
    settings.EFFECTS_MIN_GROUP_SIZE = 2
    facilitator = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    cohort = services.cohort_create(
        actor=facilitator,
        version=version,
        name="Dinsdaggroep",
        team=facilitator.teams.get(),
        starts_on=date(2025, 3, 1),
    )
    client.force_login(facilitator)
    page = client.get(f"/werk/leerpaden/groepen/{cohort.pk}/").content.decode()
    assert "Voor en na het leerpad" in page
    assert "Te weinig paren van metingen (0) voor een conclusie" in page
    for before, after in (("5.00", "7.00"), ("4.00", "6.50"), ("6.00", "8.00")):
        learner = in_march(version)
        # The body did not change: the same score before and after.
        scan(learner, local(2025, 3, 1), before, body="6.00")
        scan(learner, local(2025, 4, 2), after, body="6.00")
    compute()
    page = client.get(f"/werk/leerpaden/groepen/{cohort.pk}/").content.decode()
    assert "Gemiddeld 2,2 punt beter" in page
    assert "3 mensen: 3 duidelijk beter" in page
    assert "Per onderdeel van de zelfscan" in page
    assert "<strong>Lichaamsfuncties</strong>: Geen duidelijke verandering" in page
