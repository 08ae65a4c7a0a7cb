"""The learning API: published paths for anyone; enrolments and progress for the learner
and for whoever runs their group, nobody else; enrolling through the API once."""

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.learning import services
from apps.learning.models import Enrolment, Step
from apps.learning.tests.paths import path_data, path_file
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/learning/"
JSON = "application/json"


@pytest.fixture
def version():
    author = UserFactory(role=Role.TEAM_LEADER)
    services.path_import(actor=author, content=path_file(path_data("nog-concept")))
    return services.version_publish(
        actor=author, version=services.path_import(actor=author, content=path_file())
    )


@pytest.fixture
def facilitator():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def member(facilitator, version):
    cohort = services.cohort_create(
        actor=facilitator,
        version=version,
        name="Groep",
        team=facilitator.teams.get(),
        starts_on=timezone.localdate(),
    )
    resident = UserFactory(role=Role.RESIDENT)
    enrolment = services.cohort_add_learner(actor=facilitator, cohort=cohort, learner=resident)
    reflection = Step.objects.get(module__version=version, kind="reflection")
    services.step_complete(
        actor=resident, enrolment=enrolment, step=reflection, reflection="Geheim.", share=False
    )
    return resident


def test_anyone_reads_the_published_paths(client, version):
    listed = client.get(f"{API}paths/").json()
    assert [path["slug"] for path in listed["results"]] == ["grip-op-post"]
    detail = client.get(f"{API}paths/grip-op-post/").json()
    assert [step["kind"] for step in detail["modules"][0]["steps"]] == ["reading", "quiz", "video"]
    assert client.get(f"{API}paths/nog-concept/").status_code == 404


def test_a_resident_enrols_once_and_reads_their_progress(client, version):
    resident = UserFactory(role=Role.RESIDENT)
    client.force_login(resident)
    created = client.post(f"{API}enrolments/", {"path": "grip-op-post"}, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["steps_total"] == 6
    again = client.post(f"{API}enrolments/", {"path": "grip-op-post"}, content_type=JSON)
    assert again.status_code == 400
    assert (
        client.post(f"{API}enrolments/", {"path": "bestaat-niet"}, content_type=JSON).status_code
        == 404
    )
    assert client.post(f"{API}enrolments/", {}, content_type=JSON).status_code == 400
    assert Enrolment.objects.count() == 1
    listed = client.get(f"{API}enrolments/").json()["results"]
    assert [row["path"] for row in listed] == ["grip-op-post"]


def test_the_facilitator_reads_members_but_not_their_private_reflections(
    client, facilitator, member
):
    client.force_login(facilitator)
    listed = client.get(f"{API}enrolments/").json()["results"]
    assert len(listed) == 1
    detail = client.get(f"{API}enrolments/{listed[0]['id']}/").json()
    assert detail["progress"][0]["reflection"] is None
    assert AccessLogEntry.objects.filter(
        action="read", object_type="learning.enrolment", actor_user_id=facilitator.pk
    ).exists()
    client.force_login(member)
    own = client.get(f"{API}enrolments/{listed[0]['id']}/").json()
    assert own["progress"][0]["reflection"] == "Geheim."


def test_nobody_else_reads_an_enrolment(client, member):
    enrolment = Enrolment.objects.get(learner=member)
    for role in (Role.RESIDENT, Role.SOCIAL_WORKER, Role.MANAGER):
        client.force_login(UserFactory(role=role))
        answer = client.get(f"{API}enrolments/{enrolment.pk}/")
        assert answer.status_code in (403, 404)
        listed = client.get(f"{API}enrolments/")
        assert listed.status_code == 403 or listed.json()["results"] == []
    stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(stranger)
    assert client.get(f"{API}enrolments/{enrolment.pk}/").status_code == 404


def test_staff_do_not_enrol_through_the_api(client, facilitator, version):
    client.force_login(facilitator)
    assert (
        client.post(f"{API}enrolments/", {"path": "grip-op-post"}, content_type=JSON).status_code
        == 403
    )
    client.logout()
    assert client.post(
        f"{API}enrolments/", {"path": "grip-op-post"}, content_type=JSON
    ).status_code in (401, 403)
    assert not Enrolment.objects.exists()
