"""The staff survey about the platform: twice a year, all questions on one page."""

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.questionnaires.models import STAFF_SURVEY, Response
from apps.questionnaires.selectors import staff_survey_version
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.services.surveys import STAFF_SURVEY_INTERVAL

pytestmark = pytest.mark.django_db
URL = "/werk/enquete/"


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


def answers(value="4"):
    version = staff_survey_version()
    return {item.code: value for item in version.items.all() if item.is_scale}


def test_a_worker_fills_it_in_once_and_it_is_scored(client, worker):
    client.force_login(worker)
    page = client.get(URL)
    assert page.status_code == 200
    assert len(page.context["sections"]) == 4
    sent = client.post(URL, answers("4"))
    assert sent.status_code == 302
    response = Response.objects.get()
    assert (response.respondent, response.mode, response.is_completed) == (worker, "self", True)
    assert response.version.instrument.code == STAFF_SURVEY
    assert response.dimension_scores.count() == 4
    # Within half a year the page thanks instead of asking again, and a second POST (a
    # double submit) stores nothing.
    assert client.get(URL).context["due_from"] is not None
    again = client.post(URL, answers("2"))
    assert again.status_code == 400
    assert Response.objects.count() == 1


def test_after_half_a_year_it_is_asked_again(client, worker):
    client.force_login(worker)
    client.post(URL, answers())
    Response.objects.update(
        started_at=timezone.now() - STAFF_SURVEY_INTERVAL - timezone.timedelta(days=2),
        completed_at=timezone.now() - STAFF_SURVEY_INTERVAL - timezone.timedelta(days=1),
    )
    assert client.get(URL).context["due_from"] is None
    assert client.post(URL, answers()).status_code == 302
    assert Response.objects.count() == 2


def test_an_answer_off_the_scale_is_refused_and_nothing_is_stored(client, worker):
    client.force_login(worker)
    data = answers()
    data[next(iter(data))] = "9"
    refused = client.post(URL, data)
    assert refused.status_code == 400
    assert Response.objects.count() == 0


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.MANAGER, Role.MUNICIPALITY_VIEWER])
def test_others_cannot_fill_it_in(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(URL).status_code in (403, 404)
    assert client.post(URL, answers()).status_code in (403, 404)
    assert Response.objects.count() == 0


def test_the_footer_links_to_it_for_workers_only(client, worker):
    client.force_login(worker)
    assert URL in client.get("/werk/").content.decode()
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert URL not in client.get("/").content.decode()
