"""The self-scan pages: who may open what, and what bad input gets."""

import json

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.questionnaires.models import Response
from apps.questionnaires.selectors import self_scan_version
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.services.self_scans import self_scan_start

pytestmark = pytest.mark.django_db

PH = "positive-health"


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


def first_items(code=PH):
    version = self_scan_version(code=code)
    first = version.dimensions.all()[0]
    return version, [item.code for item in version.items.all() if item.dimension_id == first.pk]


def test_an_anonymous_page_carries_earlier_answers_and_stores_nothing(client):
    version, codes = first_items()
    data = {"version": version.number, "earlier": "", **dict.fromkeys(codes, "7")}
    response = client.post(f"/zelfscan/{PH}/vragen/1/", data)
    assert response.status_code == 200
    earlier = json.loads(response.context["form"]["earlier"].value())
    assert earlier == dict.fromkeys(codes, 7)
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "earlier",
    [
        "{not json",
        json.dumps(["body-1", 7]),
        json.dumps({"body-1": 11}),
        json.dumps({"zrm-finance": 3}),
    ],
    ids=["broken", "not-a-mapping", "off-the-scale", "item-of-another-instrument"],
)
def test_a_tampered_hidden_field_is_refused(client, earlier):
    version, codes = first_items()
    response = client.post(
        f"/zelfscan/{PH}/vragen/2/",
        {"version": version.number, "earlier": earlier, **dict.fromkeys(codes, "5")},
    )
    assert response.status_code == 400
    assert "Begin opnieuw" in response.content.decode()
    assert Response.objects.count() == 0


def test_an_answer_off_the_scale_gets_a_message(client):
    version, codes = first_items()
    response = client.post(f"/zelfscan/{PH}/vragen/1/", {"version": version.number, codes[0]: "12"})
    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_an_old_version_number_sends_the_resident_back_to_the_start(client):
    version, _codes = first_items()
    response = client.post(f"/zelfscan/{PH}/vragen/1/", {"version": version.number + 1})
    assert response.status_code == 302
    assert response.url == f"/zelfscan/{PH}/"


def test_a_resident_keeps_their_scan_and_a_double_finish_scores_once(client):
    resident = UserFactory(role=Role.RESIDENT)
    client.force_login(resident)
    client.post(f"/zelfscan/{PH}/")
    scan = Response.objects.get(respondent=resident)
    version = scan.version
    for step, dimension in enumerate(version.dimensions.all(), start=1):
        codes = [i.code for i in version.items.all() if i.dimension_id == dimension.pk]
        client.post(f"/zelfscan/mijn/{scan.pk}/vragen/{step}/", dict.fromkeys(codes, "6"))
    again = client.post(f"/zelfscan/mijn/{scan.pk}/vragen/6/", {})
    scan.refresh_from_db()
    assert scan.is_completed and scan.dimension_scores.count() == 6
    # A finished scan cannot be answered any more: the second submit changes nothing and
    # sends the resident to their result.
    assert again.status_code == 302 and again.url == f"/zelfscan/mijn/{scan.pk}/"
    assert scan.dimension_scores.count() == 6


def test_another_resident_gets_a_404_and_the_attempt_is_logged(client):
    owner, other = UserFactory(role=Role.RESIDENT), UserFactory(role=Role.RESIDENT)
    scan = self_scan_start(version=self_scan_version(code=PH), actor=owner)
    client.force_login(other)
    for url in (f"/zelfscan/mijn/{scan.pk}/", f"/zelfscan/mijn/{scan.pk}/vragen/1/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/zelfscan/mijn/{scan.pk}/delen/", {"share": "yes"}).status_code == 404
    scan.refresh_from_db()
    assert not scan.shared_with_worker
    denied = AccessLogEntry.objects.filter(
        action="denied", actor_user_id=other.pk, object_type="questionnaires.response"
    )
    assert denied.count() == 3


def test_a_worker_cannot_answer_or_share_a_residents_scan(client):
    owner = UserFactory(role=Role.RESIDENT)
    scan = self_scan_start(version=self_scan_version(code=PH), actor=owner)
    client.force_login(UserFactory(role=Role.SOCIAL_WORKER))
    assert client.post(f"/zelfscan/mijn/{scan.pk}/delen/", {"share": "yes"}).status_code == 404
    assert client.get(f"/zelfscan/mijn/{scan.pk}/vragen/1/").status_code == 404


def test_an_anonymous_result_downloads_as_a_pdf_and_nothing_is_stored(client):
    _version, codes = first_items()
    answers = json.dumps(dict.fromkeys(codes, 7))
    response = client.post(f"/zelfscan/{PH}/uitslag.pdf", {"answers": answers})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "no-store"
    assert Response.objects.count() == 0


def test_a_tampered_pdf_request_gets_a_message_not_a_pdf(client):
    response = client.post(f"/zelfscan/{PH}/uitslag.pdf", {"answers": '{"body-1": 99}'})
    assert response.status_code == 400
    assert "Begin opnieuw" in response.content.decode()


def test_a_stored_result_pdf_is_for_its_owner_only(client):
    owner, other = UserFactory(role=Role.RESIDENT), UserFactory(role=Role.RESIDENT)
    version = self_scan_version(code=PH)
    scan = self_scan_start(version=version, actor=owner)
    from apps.questionnaires.services.answering import response_answer_save, response_complete

    response_answer_save(response=scan, answers={"body-1": 6})
    response_complete(response=scan)
    client.force_login(owner)
    assert client.get(f"/zelfscan/mijn/{scan.pk}/uitslag.pdf").content.startswith(b"%PDF-")
    client.force_login(other)
    assert client.get(f"/zelfscan/mijn/{scan.pk}/uitslag.pdf").status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", actor_user_id=other.pk).exists()
