"""Freshness by design: providers are asked and reminded, an unanswered service is marked
and then hidden (never deleted), and the link in the e-mail works once, unchanged, in time."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail, signing

from apps.socialmap import freshness
from apps.socialmap.models import (
    Contact,
    ProposedChange,
    Schedule,
    Service,
    VerificationRequest,
)
from apps.socialmap.tasks import ask_providers_to_confirm
from apps.socialmap.tests.factories import (
    ServiceAtLocationFactory,
    ServiceFactory,
    a_full_service,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=AMSTERDAM)
LONG_AGO = datetime.date(2026, 3, 1)  # more than 182 days before START
RECENT = datetime.date(2026, 11, 1)


def day(number: int) -> datetime.datetime:
    return START + datetime.timedelta(days=number)


def owned_service(assured_date=LONG_AGO, **fields) -> Service:
    service = ServiceFactory(assured_date=assured_date, **fields)
    service.owner = Contact.objects.create(
        organization=service.organization, name="Fatma Yilmaz", email="fatma@aanbieder.example"
    )
    service.save()
    return service


def run_on(moment: datetime.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return ask_providers_to_confirm()


def link_in(message) -> str:
    return re.search(r"http://\S+/sociale-kaart/bevestigen/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return link.split("localhost:8000", 1)[1] if "localhost:8000" in link else link


class TestTheDailyRound:
    def test_asks_the_owner_of_an_overdue_service_once(self):
        overdue = owned_service(name="Formulierenhulp")
        owned_service(assured_date=RECENT)
        owned_service(status=Service.Status.DEFUNCT)
        ServiceFactory(assured_date=LONG_AGO)  # nobody to ask

        assert run_on(START)["asked"] == 1
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["fatma@aanbieder.example"]
        assert "Formulierenhulp" in message.subject
        assert "/sociale-kaart/bevestigen/" in message.body
        assert overdue.verification_requests.get().is_open
        # The same day again (a retried task, a second beat): nobody is asked twice.
        assert run_on(START + datetime.timedelta(hours=1))["asked"] == 0
        assert len(mail.outbox) == 1

    def test_reminds_then_marks_unconfirmed_then_asks_again_then_hides(self):
        service = owned_service()
        run_on(START)
        assert run_on(day(13))["reminded"] == 0
        assert run_on(day(14))["reminded"] == 1
        assert run_on(day(28))["reminded"] == 1
        assert len(mail.outbox) == 3
        assert "Reminder" in mail.outbox[2].subject or "Herinnering" in mail.outbox[2].subject
        service.refresh_from_db()
        assert service.unconfirmed_since is None

        assert run_on(day(42))["unconfirmed"] == 1
        service.refresh_from_db()
        assert service.unconfirmed_since == day(42).date()
        assert service.hidden_since is None

        # The last link expires 30 days after the last reminder: the round closes
        # unanswered and a new one starts.
        counts = run_on(day(58))
        assert counts["expired"] == 1
        assert counts["asked"] == 1
        assert service.verification_requests.filter(answer="no answer").count() == 1

        assert run_on(day(101))["hidden"] == 0
        assert run_on(day(102))["hidden"] == 1
        service.refresh_from_db()
        assert service.hidden_since == day(102).date()
        assert Service.objects.filter(pk=service.pk).exists()

    def test_a_service_nobody_can_be_asked_about_is_marked_when_as_overdue(self):
        lost = ServiceFactory(assured_date=datetime.date(2026, 1, 1))
        waiting = ServiceFactory(assured_date=datetime.date(2026, 5, 20))
        run_on(START)
        lost.refresh_from_db()
        waiting.refresh_from_db()
        assert lost.unconfirmed_since == START.date()
        assert waiting.unconfirmed_since is None

    def test_a_mail_server_that_fails_opens_no_round(self, monkeypatch):
        def refuse(*args, **kwargs):
            raise ConnectionRefusedError

        monkeypatch.setattr("apps.socialmap.freshness.send_mail", refuse)
        service = owned_service()
        assert run_on(START)["asked"] == 0
        assert not service.verification_requests.exists()

    def test_a_name_with_a_line_break_still_makes_a_subject(self):
        owned_service(name="Hulp bij\npost")
        assert run_on(START)["asked"] == 1
        assert "Hulp bij post" in mail.outbox[0].subject

    def test_a_pending_proposal_holds_the_next_round(self):
        service = owned_service()
        run_on(START)
        request = service.verification_requests.get()
        freshness.change_propose(request=request, values={"name": "Nieuwe naam"}, note="")
        assert run_on(day(60))["asked"] == 0


class TestTheLink:
    @pytest.fixture
    def link(self):
        self.service = a_full_service(assured_date=LONG_AGO)
        run_on(START)
        return path_of(link_in(mail.outbox[0]))

    def test_confirm_with_one_click(self, client, link):
        with time_machine.travel(day(2), tick=False):
            page = client.get(link)
            assert page.status_code == 200
            assert self.service.name in page.text
            response = client.post(link)
        assert response.status_code == 302
        assert response["Location"] == "/sociale-kaart/bedankt/bevestigd/"
        self.service.refresh_from_db()
        assert self.service.assured_date == day(2).date()
        assert self.service.assurer_email == "fatma@buurtkracht.example"
        assert self.service.verification_requests.get().answer == "confirmed"

    def test_a_used_link_is_refused_and_changes_nothing(self, client, link):
        with time_machine.travel(day(2), tick=False):
            client.post(link)
        with time_machine.travel(day(3), tick=False):
            again = client.post(link)
            page = client.get(link)
        assert again.status_code == 410
        assert "al gebruikt" in again.text
        assert page.status_code == 410
        self.service.refresh_from_db()
        assert self.service.assured_date == day(2).date()

    def test_an_expired_link_is_refused(self, client, link):
        with time_machine.travel(day(31), tick=False):
            response = client.post(link)
        assert response.status_code == 410
        assert "verlopen" in response.text
        self.service.refresh_from_db()
        assert self.service.assured_date == LONG_AGO

    @pytest.mark.parametrize(
        "token",
        [
            "zomaar-iets",
            "<script>alert(1)<script>",
            "' OR 1=1 --",
            signing.dumps("00000000-0000-0000-0000-000000000000", salt=freshness.LINK_SALT),
            signing.dumps("42", salt="another.purpose"),
        ],
        # Fixed ids: a signed token holds the time, and parallel workers must collect the
        # same test names.
        ids=["text", "markup", "sql", "unknown-request", "other-purpose"],
    )
    def test_a_forged_link_is_refused(self, client, link, token):
        with time_machine.travel(day(1), tick=False):
            response = client.post(f"/sociale-kaart/bevestigen/{token}/")
            proposal = client.post(f"/sociale-kaart/bevestigen/{token}/wijzigen/", {"name": "x"})
        assert response.status_code == 400
        assert proposal.status_code == 400
        assert "niet goed" in response.text
        assert "<script>alert" not in response.text
        self.service.refresh_from_db()
        assert self.service.assured_date == LONG_AGO
        assert not ProposedChange.objects.exists()

    def test_a_tampered_link_is_refused(self, client, link):
        tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
        with time_machine.travel(day(1), tick=False):
            assert client.post(tampered).status_code == 400

    def test_a_reminder_gives_a_link_to_the_same_round(self, client, link):
        run_on(day(14))
        second = path_of(link_in(mail.outbox[1]))
        assert second != link
        with time_machine.travel(day(40), tick=False):
            # The first link expired; the reminder's still works.
            assert client.get(link).status_code == 410
            assert client.post(second).status_code == 302
        assert VerificationRequest.objects.get().answer == "confirmed"


class TestProposingAChange:
    @pytest.fixture
    def link(self):
        self.service = a_full_service(assured_date=LONG_AGO)
        run_on(START)
        return path_of(link_in(mail.outbox[0])) + "wijzigen/"

    def form_data(self, client, link, **changes):
        form = client.get(link).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        return data | changes

    def test_shows_the_service_as_it_is(self, client, link):
        with time_machine.travel(day(1), tick=False):
            form = client.get(link).context["form"]
        assert form["name"].value() == self.service.name
        assert form["phone"].value() == "0800 1234"
        assert form["postal_code"].value() == "3811 AB"
        # The service's own weekly hours; the place's hold only in 2026 and are not shown.
        assert form["hours_mo"].value() == "09:00-12:30"
        assert form["hours_we"].value() == "09:00-12:30"
        assert form["hours_th"].value() == ""

    def test_a_proposal_keeps_only_what_differs_and_waits(self, client, link):
        with time_machine.travel(day(1), tick=False):
            data = self.form_data(
                client,
                link,
                phone="06-12345678",
                hours_tu="9.00-12.00, 13:00-16:30",
                note="We zijn verhuisd naar de bovenverdieping.",
            )
            response = client.post(link, data)
        assert response.status_code == 302
        assert response["Location"] == "/sociale-kaart/bedankt/voorstel/"
        proposal = ProposedChange.objects.get()
        assert proposal.changes == {"phone": "06 12345678", "hours_tu": "09:00-12:00, 13:00-16:30"}
        assert proposal.state == "pending"
        assert proposal.proposed_by == "fatma@buurtkracht.example"
        self.service.refresh_from_db()
        assert self.service.assured_date == LONG_AGO  # not until an editor accepts

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("phone", "12345", "telefoonnummer"),
            ("postal_code", "12345", "postcode"),
            ("hours_mo", "9 tot 5", "09:00-12:30"),
            ("hours_mo", "17:00-09:00", "openingstijd"),
            ("hours_mo", "25:00-26:00", "tijdstip"),
            ("hours_mo", "09:00-12:00, 11:00-13:00", "overlappen"),
            ("name", "", "verplicht"),
            ("url", "javascript:alert(1)", "URL"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, client, link, field, value, message):
        with time_machine.travel(day(1), tick=False):
            response = client.post(link, self.form_data(client, link, **{field: value}))
        assert response.status_code == 400
        assert message.lower() in response.text.lower()
        assert not ProposedChange.objects.exists()
        assert VerificationRequest.objects.get().is_open

    def test_a_proposal_without_any_change_is_refused(self, client, link):
        with time_machine.travel(day(1), tick=False):
            response = client.post(link, self.form_data(client, link))
        assert response.status_code == 400
        assert "Er is niets veranderd" in response.text
        assert not ProposedChange.objects.exists()

    def test_an_incomplete_address_is_refused(self, client, link):
        with time_machine.travel(day(1), tick=False):
            response = client.post(link, self.form_data(client, link, city=""))
        assert response.status_code == 400
        assert "hele adres" in response.text


def test_hours_are_read_as_a_person_writes_them():
    assert freshness.hours_parse("9:00-12:30 , 13.00\u201317:00") == [
        (datetime.time(9), datetime.time(12, 30)),
        (datetime.time(13), datetime.time(17)),
    ]
    assert freshness.hours_parse("") == []


def test_a_schedule_accepted_is_grouped_by_its_hours():
    service = owned_service()
    run_on(START)
    request = service.verification_requests.get()
    proposal = freshness.change_propose(
        request=request,
        values={"hours_mo": "09:00-12:00", "hours_we": "09:00-12:00", "hours_fr": "13:00-15:00"},
        note="",
    )
    freshness.proposal_accept(proposal=proposal, actor=None)
    schedules = sorted(
        (s.byday, s.opens_at, s.closes_at) for s in Schedule.objects.filter(service=service)
    )
    assert schedules == [
        ("FR", datetime.time(13), datetime.time(15)),
        ("MO,WE", datetime.time(9), datetime.time(12)),
    ]


def test_the_hours_of_a_service_without_its_own_are_those_of_its_first_place():
    service = owned_service()
    place = ServiceAtLocationFactory(service=service)
    Schedule.objects.create(
        service_at_location=place,
        byday="FR",
        opens_at=datetime.time(9),
        closes_at=datetime.time(11),
    )
    assert freshness.editable_values(service)["hours_fr"] == "09:00-11:00"
    run_on(START)
    proposal = freshness.change_propose(
        request=service.verification_requests.get(), values={"hours_fr": ""}, note=""
    )
    freshness.proposal_accept(proposal=proposal, actor=None)
    assert not place.schedules.exists()
    assert not service.schedules.exists()
