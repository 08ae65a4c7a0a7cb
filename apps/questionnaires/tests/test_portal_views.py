"""The self-scan pages: who may open what, and what bad input gets."""

import json

import pytest
from django.http import HttpResponse

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.questionnaires import anonymous_answers
from apps.questionnaires.models import Response
from apps.questionnaires.selectors import self_scan_version
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.services.self_scans import self_scan_start
from apps.questionnaires.tests.carried import carry_answers

pytestmark = pytest.mark.django_db

PH = "positive-health"


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


def first_items(code=PH):
    version = self_scan_version(code=code)
    first = version.dimensions.all()[0]
    return version, [item.code for item in version.items.all() if item.dimension_id == first.pk]


def test_an_anonymous_page_keeps_its_answers_in_the_browser_and_redirects(client):
    _version, codes = first_items()
    response = client.post(f"/zelfscan/{PH}/vragen/1/", dict.fromkeys(codes, "7"))
    assert response.status_code == 302 and response.url == f"/zelfscan/{PH}/vragen/2/"
    assert Response.objects.count() == 0
    # Back shows the first page again with its answers, from the browser's cookie.
    again = client.get(f"/zelfscan/{PH}/vragen/1/")
    assert again.context["form"].initial == dict.fromkeys(codes, 7)


def test_the_last_page_redirects_to_the_result_and_reload_shows_it_again(client):
    version = self_scan_version(code=PH)
    carry_answers(client, PH, {item.code: 6 for item in version.items.all() if item.is_scale})
    last = version.dimensions.count()
    codes = [
        i.code
        for i in version.items.all()
        if i.dimension_id == version.dimensions.all()[last - 1].pk
    ]
    finished = client.post(f"/zelfscan/{PH}/vragen/{last}/", dict.fromkeys(codes, "8"))
    assert finished.url == f"/zelfscan/{PH}/uitslag/"
    first, second = client.get(finished.url), client.get(finished.url)
    assert first.status_code == second.status_code == 200
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "held",
    [
        "{not json",
        json.dumps(["body-1", 7]),
        json.dumps({"body-1": 11}),
        json.dumps({"zrm-finance": 3}),
    ],
    ids=["forged", "not-a-mapping", "off-the-scale", "item-of-another-instrument"],
)
def test_changed_answers_in_the_browser_are_never_scored(client, held):
    carry_answers(client, PH, held)
    response = client.get(f"/zelfscan/{PH}/uitslag/")
    assert response.status_code == 400
    assert "vul de scan opnieuw in" in response.content.decode().lower()
    assert Response.objects.count() == 0


def test_a_result_without_answers_sends_the_resident_to_the_start(client):
    response = client.get(f"/zelfscan/{PH}/uitslag/")
    assert response.status_code == 400


def test_every_question_skipped_says_so_instead_of_an_empty_web(client):
    version = self_scan_version(code=PH)
    carry_answers(client, PH, {item.code: None for item in version.items.all() if item.is_scale})
    page = client.get(f"/zelfscan/{PH}/uitslag/")
    assert page.status_code == 200
    assert page.context["nothing_answered"]
    assert "Je hebt geen vraag beantwoord" in page.content.decode()
    assert "Vul de scan opnieuw in" in page.content.decode()
    assert 'class="bk-spiderweb"' not in page.content.decode()


def test_an_answer_off_the_scale_gets_a_message(client):
    _version, codes = first_items()
    response = client.post(f"/zelfscan/{PH}/vragen/1/", {codes[0]: "12"})
    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_answers_of_an_older_version_send_the_resident_back_to_the_start(client):
    version, codes = first_items()
    held = HttpResponse()
    held_version = version
    held_version.number += 1
    anonymous_answers.write(held, held_version, dict.fromkeys(codes, 5))
    client.cookies[anonymous_answers.COOKIE] = held.cookies[anonymous_answers.COOKIE].value
    response = client.get(f"/zelfscan/{PH}/vragen/2/")
    assert response.status_code == 302
    assert response.url == f"/zelfscan/{PH}/"


def test_clearing_the_answers_removes_them_from_the_browser(client):
    _version, codes = first_items()
    client.post(f"/zelfscan/{PH}/vragen/1/", dict.fromkeys(codes, "7"))
    cleared = client.post(f"/zelfscan/{PH}/wissen/")
    assert cleared.status_code == 302
    assert client.get(f"/zelfscan/{PH}/uitslag/").status_code == 400


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
    carry_answers(client, PH, dict.fromkeys(codes, 7))
    response = client.get(f"/zelfscan/{PH}/uitslag.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "no-store"
    assert Response.objects.count() == 0


def test_a_tampered_pdf_request_gets_a_message_not_a_pdf(client):
    carry_answers(client, PH, {"body-1": 99})
    response = client.get(f"/zelfscan/{PH}/uitslag.pdf")
    assert response.status_code == 400
    assert "vul de scan opnieuw in" in response.content.decode().lower()


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
