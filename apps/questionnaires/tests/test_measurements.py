"""Measurements in the dossier: what a social worker records, asks of the client and reads
there, the satisfaction survey when a dossier closes, and who may not do any of it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as Browser

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers import services as dossier_services
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.questionnaires import selectors
from apps.questionnaires.models import Answer, Assignment, Instrument, Response
from apps.questionnaires.selectors import self_scan_version
from apps.questionnaires.services import answering, measurements, self_scans, surveys
from apps.questionnaires.services.instruments import instruments_load

pytestmark = [pytest.mark.django_db, pytest.mark.names]

ZRM = "zrm"
LADDER = "participation-ladder"
PH17 = "positive-health-short"
PH = "positive-health"
SATISFACTION = "client-satisfaction"
STAFF_SURVEY = "staff-technology-acceptance"

# The ZRM wording of level 3 for finances, as the form and the detail page show it.
FINANCES_LEVEL_3 = "There is an income. There are debts, but there is help or a payment plan."
MARCH = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)
SEPTEMBER = datetime.datetime(2025, 9, 18, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


@pytest.fixture
def worker():
    return TeamMembershipFactory(
        user__role=Role.SOCIAL_WORKER, user__first_name="Joris", user__last_name="Brouwer-Kuipers"
    ).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(
        team=worker.teams.get(),
        responsible_worker=worker,
        client__first_name="Fatima",
        client__last_name="Amrani-Verhoef",
    )


@pytest.fixture
def resident(dossier):
    """The dossier's client, with an account in the portal."""
    account = UserFactory(role=Role.RESIDENT, first_name="Fatima", last_name="Amrani-Verhoef")
    dossier.client.account = account
    dossier.client.save(update_fields=["account"])
    return account


def browser(user) -> Browser:
    """A logged-in browser that reads the pages in English, the source language."""
    web = Browser()
    web.cookies["django_language"] = "en"
    web.force_login(user)
    return web


def instrument(code) -> Instrument:
    return Instrument.objects.get(code=code)


def item_codes(code) -> list[str]:
    version = instrument(code).current_version
    return [item.code for item in version.items.all() if item.is_scale]


def dossier_url(dossier) -> str:
    """The measurements section of the dossier page."""
    return f"/werk/dossiers/{dossier.pk}/deel/metingen/"


def base(dossier) -> str:
    return f"/werk/dossiers/{dossier.pk}/metingen/"


def detail_url(dossier, response) -> str:
    return f"{base(dossier)}{response.pk}/"


def fill_url(dossier, response) -> str:
    return f"{base(dossier)}{response.pk}/invullen/"


def compare_url(dossier, first, second) -> str:
    first, second = (getattr(x, "pk", x) for x in (first, second))
    return f"{base(dossier)}vergelijk/?first={first}&second={second}"


def page(web, url) -> str:
    response = web.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def recorded(dossier, worker, code, answers, *, complete=True, moment=Response.Moment.DURING):
    """A measurement the worker records through the services, as the views do."""
    response = measurements.measurement_start(
        dossier=dossier,
        instrument=instrument(code),
        actor=worker,
        moment=moment,
        client_consents=True,
    )
    return measurements.measurement_save(
        response=response, answers=answers, actor=worker, complete=complete
    )


def completed_on(response, moment) -> Response:
    Response.objects.filter(pk=response.pk).update(
        started_at=moment - datetime.timedelta(hours=1), completed_at=moment
    )
    response.refresh_from_db()
    return response


def self_scan(resident, code=PH17, value=6) -> Response:
    """A scan the resident filled in alone, completed and not shared."""
    scan = self_scans.self_scan_start(version=self_scan_version(code=code), actor=resident)
    answering.response_answer_save(response=scan, answers=dict.fromkeys(item_codes(code), value))
    return answering.response_complete(response=scan)


def stored(response) -> dict:
    return dict(response.answers.values_list("item__code", "value"))


def denied(actor, object_type, pk=None):
    rows = AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.DENIED, actor_user_id=actor.pk, object_type=object_type
    )
    return rows if pk is None else rows.filter(object_id=str(pk))


# 1. Recording, reading and comparing -------------------------------------------------


class TestRecording:
    def test_a_zrm_is_recorded_saved_halfway_finished_and_read(self, worker, dossier):
        web = browser(worker)
        form_page = page(web, f"{base(dossier)}nieuw/")
        assert "Self-Sufficiency Matrix" in form_page
        # Surveys about our work are never offered to a worker.
        assert instrument(SATISFACTION).name_en not in form_page

        started = web.post(
            f"{base(dossier)}nieuw/", {"instrument": instrument(ZRM).pk, "moment": "intake"}
        )
        measurement = Response.objects.get()
        assert started.status_code == 302
        assert started.url == fill_url(dossier, measurement)
        assert measurement.mode == Response.Mode.BY_WORKER
        assert measurement.moment == Response.Moment.INTAKE
        assert (measurement.dossier, measurement.client) == (dossier, dossier.client)
        assert measurement.recorded_by == worker
        assert measurement.respondent is None
        assert FINANCES_LEVEL_3 in page(web, fill_url(dossier, measurement))

        later = web.post(
            fill_url(dossier, measurement), {"finances": "2", "housing": "4", "later": ""}
        )
        assert later.status_code == 302
        assert later.url == dossier_url(dossier) + "#measurements"
        measurement.refresh_from_db()
        assert measurement.status == Response.Status.IN_PROGRESS
        assert stored(measurement) == {"finances": 2, "housing": 4}
        again = web.get(fill_url(dossier, measurement))
        assert again.context["form"]["finances"].value() == 2

        done = web.post(
            fill_url(dossier, measurement),
            {"finances": "3", "housing": "4", "justice": "5", "complete": ""},
        )
        assert done.status_code == 302
        assert done.url == detail_url(dossier, measurement)
        measurement.refresh_from_db()
        assert measurement.is_completed
        assert stored(measurement) == {"finances": 3, "housing": 4, "justice": 5}
        assert measurement.overall_score == 4
        scores = dict(
            measurement.dimension_scores.filter(score__isnull=False).values_list(
                "dimension__code", "score"
            )
        )
        assert scores == {"finances": 3, "housing": 4, "justice": 5}

        html = page(web, detail_url(dossier, measurement))
        assert "Self-Sufficiency Matrix" in html
        assert f"3. {FINANCES_LEVEL_3}" in html
        assert "Not answered" in html
        assert "Recorded by a social worker" in html
        assert "At intake" in html
        assert "from 1 to 5" in html
        entries = AccessLogEntry.objects.filter(
            object_type="questionnaires.response", object_id=str(measurement.pk)
        )
        assert set(entries.values_list("action", flat=True)) >= {"create", "update", "read"}

    def test_a_scan_together_needs_the_clients_consent(self, worker, dossier):
        web = browser(worker)
        refused = web.post(
            f"{base(dossier)}nieuw/", {"instrument": instrument(PH17).pk, "moment": "during"}
        )
        assert refused.status_code == 400
        assert "Ask the client first whether they agree." in refused.content.decode()
        assert not Response.objects.exists()

        web.post(
            f"{base(dossier)}nieuw/",
            {"instrument": instrument(PH17).pk, "moment": "during", "client_consents": "on"},
        )
        measurement = Response.objects.get()
        assert measurement.mode == Response.Mode.TOGETHER
        answers = dict.fromkeys(item_codes(PH17), "7")
        answers["body-1"] = "4"
        done = web.post(fill_url(dossier, measurement), {**answers, "complete": ""})
        assert done.url == detail_url(dossier, measurement)
        measurement.refresh_from_db()
        body = measurement.dimension_scores.get(dimension__code="body")
        assert body.score == 6 and body.answered == 3

        html = page(web, detail_url(dossier, measurement))
        assert "Filled in together with a social worker" in html
        assert "<svg" in html  # six parts: a spider web
        assert "<dd>4</dd>" in html and "<dd>7</dd>" in html
        assert "Not answered" not in html

    def test_the_dossier_page_shows_the_measurement_at_once(self, worker, dossier):
        web = browser(worker)
        before = page(web, dossier_url(dossier))
        assert "No measurements yet" in before

        web.post(f"{base(dossier)}nieuw/", {"instrument": instrument(ZRM).pk, "moment": "intake"})
        measurement = Response.objects.get()
        # Started: the cached page is rendered again with a way to go on.
        assert fill_url(dossier, measurement) in page(web, dossier_url(dossier))

        web.post(fill_url(dossier, measurement), {"finances": "3", "complete": ""})
        html = page(web, dossier_url(dossier))
        assert detail_url(dossier, measurement) in html
        assert fill_url(dossier, measurement) not in html
        assert "No measurements yet" not in html

    def test_a_double_finish_scores_once(self, worker, dossier):
        measurement = recorded(dossier, worker, ZRM, {"finances": 2}, complete=False)
        web = browser(worker)
        first = web.post(fill_url(dossier, measurement), {"finances": "3", "complete": ""})
        second = web.post(fill_url(dossier, measurement), {"finances": "5", "complete": ""})
        assert first.url == detail_url(dossier, measurement)
        # The finished measurement is no longer open to answers: the second click changes
        # nothing.
        assert second.status_code in (302, 404)
        measurement.refresh_from_db()
        assert stored(measurement) == {"finances": 3}
        assert measurement.overall_score == 3
        assert measurement.dimension_scores.count() == 13

    def test_a_colleague_sees_a_measurement_in_progress_but_cannot_go_on(self, worker, dossier):
        measurement = recorded(dossier, worker, ZRM, {"finances": 2}, complete=False)
        colleague = TeamMembershipFactory(team=dossier.team, user__role=Role.SOCIAL_WORKER).user
        web = browser(colleague)
        html = page(web, dossier_url(dossier))
        assert "Not finished yet" in html
        assert fill_url(dossier, measurement) not in html


class TestComparing:
    @pytest.fixture
    def pair(self, worker, dossier):
        older = recorded(
            dossier, worker, ZRM, {"finances": 2, "housing": 4, "justice": 3, "basic-adl": 5}
        )
        newer = recorded(dossier, worker, ZRM, {"finances": 4, "housing": 3, "justice": 3})
        return completed_on(older, MARCH), completed_on(newer, SEPTEMBER)

    def test_two_zrm_measurements_show_both_dates_and_the_change_per_domain(
        self, worker, dossier, pair
    ):
        older, newer = pair
        web = browser(worker)
        # The newer one asked first: the page still reads from old to new.
        html = page(web, compare_url(dossier, newer, older))
        assert "4 March 2025" in html and "18 September 2025" in html
        assert html.index("4 March 2025") < html.index("18 September 2025")
        rows = {
            row.name: (row.first, row.second, row.difference)
            for row in web.get(compare_url(dossier, older, newer)).context["comparison"].rows
        }
        assert rows["Finances"] == (2, 4, 2)
        assert rows["Housing"] == (4, 3, -1)
        assert rows["Justice"] == (3, 3, 0)
        # Answered the first time only: no change to show.
        assert rows["Basic ADL"] == (5, None, None)
        assert "2 higher" in html
        assert "1 lower" in html
        assert "the same" in html
        assert "cannot be compared" in html

    def test_the_dossier_page_offers_the_comparison(self, worker, dossier, pair):
        html = page(browser(worker), dossier_url(dossier))
        assert f"{base(dossier)}vergelijk/" in html
        assert html.count(f'value="{pair[0].pk}"') == 2


class TestSharedSelfScan:
    def test_only_a_shared_scan_shows_and_it_goes_when_sharing_stops(
        self, worker, dossier, resident
    ):
        scan = self_scan(resident)
        staff, portal = browser(worker), browser(resident)
        assert detail_url(dossier, scan) not in page(staff, dossier_url(dossier))
        assert staff.get(detail_url(dossier, scan)).status_code == 404

        shared = portal.post(f"/zelfscan/mijn/{scan.pk}/delen/", {"share": "yes"})
        assert shared.status_code == 302
        assert detail_url(dossier, scan) in page(staff, dossier_url(dossier))
        html = page(staff, detail_url(dossier, scan))
        assert "The client shared this scan on" in html
        assert "Filled in alone" in html

        portal.post(f"/zelfscan/mijn/{scan.pk}/delen/", {"share": "no"})
        assert detail_url(dossier, scan) not in page(staff, dossier_url(dossier))
        assert staff.get(detail_url(dossier, scan)).status_code == 404
        assert denied(worker, "questionnaires.response", scan.pk).count() == 2


# 2. Asking the client to fill in a scan -----------------------------------------------


class TestAssignments:
    def ask(self, web, dossier, code, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            return web.post(
                f"{base(dossier)}vragen/", {"instrument": instrument(code).pk, "moment": "intake"}
            )

    def test_the_client_gets_a_content_free_email_and_finds_the_request_in_the_portal(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff = browser(worker)
        form_page = page(staff, f"{base(dossier)}vragen/")
        assert instrument(PH17).name_en in form_page
        assert instrument(ZRM).name_en not in form_page
        assert instrument(SATISFACTION).name_en not in form_page

        asked = self.ask(staff, dossier, PH17, django_capture_on_commit_callbacks)
        assert asked.status_code == 302
        assignment = Assignment.objects.get()
        assert (assignment.client, assignment.dossier) == (dossier.client, dossier)
        assert assignment.instrument.code == PH17
        assert assignment.assigned_by == worker
        assert assignment.response is None

        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == [resident.email]
        assert "/zelfscan/" in mail.body
        told = f"{mail.subject}\n{mail.body}".lower()
        for scan in Instrument.objects.all():
            for name in (scan.name_nl, scan.name_en, scan.code):
                assert name.lower() not in told, name
        for personal in ("Fatima", "Amrani", "Joris", "Brouwer", dossier.team.name):
            assert personal.lower() not in told, personal

        portal = browser(resident)
        listing = page(portal, "/zelfscan/")
        assert "Asked of you" in listing
        assert f"/zelfscan/gevraagd/{assignment.pk}/" in listing

        started = portal.post(f"/zelfscan/gevraagd/{assignment.pk}/")
        assignment.refresh_from_db()
        response = assignment.response
        assert started.status_code == 302
        assert started.url == f"/zelfscan/mijn/{response.pk}/vragen/1/"
        assert response.mode == Response.Mode.SELF
        assert (response.respondent, response.client) == (resident, dossier.client)
        assert response.version.instrument.code == PH17

        # A double click goes on with the same scan.
        again = portal.post(f"/zelfscan/gevraagd/{assignment.pk}/")
        assert again.url == started.url
        assert Response.objects.count() == 1
        assert len(mailoutbox) == 1

    def test_asking_twice_gives_one_request_and_one_email(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff = browser(worker)
        for _attempt in range(2):
            assert (
                self.ask(staff, dossier, PH17, django_capture_on_commit_callbacks).status_code
                == 302
            )
        assert Assignment.objects.count() == 1
        assert len(mailoutbox) == 1

    def test_a_request_is_taken_back_before_it_is_started(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff = browser(worker)
        self.ask(staff, dossier, PH, django_capture_on_commit_callbacks)
        assignment = Assignment.objects.get()
        assert f"{base(dossier)}vragen/{assignment.pk}/intrekken/" in page(
            staff, dossier_url(dossier)
        )

        cancelled = staff.post(f"{base(dossier)}vragen/{assignment.pk}/intrekken/")
        assert cancelled.status_code == 302
        assignment.refresh_from_db()
        assert assignment.cancelled_at is not None
        assert f"{base(dossier)}vragen/{assignment.pk}/intrekken/" not in page(
            staff, dossier_url(dossier)
        )

        portal = browser(resident)
        assert f"/zelfscan/gevraagd/{assignment.pk}/" not in page(portal, "/zelfscan/")
        assert portal.post(f"/zelfscan/gevraagd/{assignment.pk}/").status_code == 404
        assert not Response.objects.exists()

    def test_a_started_request_cannot_be_taken_back(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff = browser(worker)
        self.ask(staff, dossier, PH17, django_capture_on_commit_callbacks)
        assignment = Assignment.objects.get()
        browser(resident).post(f"/zelfscan/gevraagd/{assignment.pk}/")

        refused = staff.post(f"{base(dossier)}vragen/{assignment.pk}/intrekken/", follow=True)
        assert "It can no longer be taken back." in refused.content.decode()
        assignment.refresh_from_db()
        assert assignment.cancelled_at is None
        assert assignment.response is not None

    def test_the_dossier_page_shows_at_once_that_the_client_started(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff = browser(worker)
        self.ask(staff, dossier, PH17, django_capture_on_commit_callbacks)
        assignment = Assignment.objects.get()
        cancel = f"{base(dossier)}vragen/{assignment.pk}/intrekken/"
        assert cancel in page(staff, dossier_url(dossier))

        browser(resident).post(f"/zelfscan/gevraagd/{assignment.pk}/")
        assert cancel not in page(staff, dossier_url(dossier))

    def test_another_teams_request_is_theirs_to_follow_and_take_back(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        other_worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        other = DossierFactory(
            client=dossier.client, team=other_worker.teams.get(), responsible_worker=other_worker
        )
        with django_capture_on_commit_callbacks(execute=True):
            theirs = measurements.assignment_create(
                dossier=other, instrument=instrument(PH17), actor=other_worker
            )
        staff = browser(worker)
        cancel = f"{base(dossier)}vragen/{theirs.pk}/intrekken/"
        assert staff.post(cancel).status_code == 403
        theirs.refresh_from_db()
        assert theirs.cancelled_at is None
        # The dossier page lists its own dossier's requests only.
        html = page(staff, dossier_url(dossier))
        assert "Asked of the client" not in html
        assert cancel not in html

    def test_a_client_without_an_account_cannot_be_asked(
        self, worker, dossier, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff = browser(worker)
        assert "no portal account" in page(staff, dossier_url(dossier))
        refused = self.ask(staff, dossier, PH17, django_capture_on_commit_callbacks)
        assert refused.status_code == 400
        assert "This client has no account in the portal yet" in refused.content.decode()
        assert not Assignment.objects.exists()
        assert mailoutbox == []


# 3. The satisfaction survey when a dossier closes -----------------------------------


def close(dossier, worker, capture):
    with capture(execute=True):
        dossier_services.dossier_advance(
            dossier=dossier,
            actor=worker,
            to_status=Dossier.Status.CLOSED,
            closing_reason=Dossier.ClosingReason.GOALS_REACHED,
        )


class TestSatisfaction:
    def test_closing_asks_a_client_with_an_account_once(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        close(dossier, worker, django_capture_on_commit_callbacks)
        assignment = Assignment.objects.get()
        assert assignment.instrument.code == SATISFACTION
        assert assignment.assigned_by is None
        assert (assignment.client, assignment.dossier) == (dossier.client, dossier)
        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == [resident.email]
        told = f"{mailoutbox[0].subject}\n{mailoutbox[0].body}"
        assert instrument(SATISFACTION).name_nl not in told
        assert instrument(SATISFACTION).name_en not in told

    def test_closing_asks_nothing_of_a_client_without_an_account(
        self, worker, dossier, mailoutbox, django_capture_on_commit_callbacks
    ):
        close(dossier, worker, django_capture_on_commit_callbacks)
        assert not Assignment.objects.exists()
        assert mailoutbox == []

    def test_the_resident_answers_with_a_remark_and_only_they_see_it(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        close(dossier, worker, django_capture_on_commit_callbacks)
        assignment = Assignment.objects.get()
        portal = browser(resident)
        listing = page(portal, "/zelfscan/")
        assert "Your support has ended." in listing

        started = portal.post(f"/zelfscan/gevraagd/{assignment.pk}/")
        survey = Assignment.objects.get().response
        step = f"/zelfscan/mijn/{survey.pk}/vragen/"
        assert started.url == f"{step}1/"
        assert portal.post(f"{step}1/", {"overall": "8"}).url == f"{step}2/"
        experience = dict.fromkeys(["listened", "speed", "agreements", "result", "contact"], "7")
        assert portal.post(f"{step}2/", experience).url == f"{step}3/"
        last = page(portal, f"{step}3/")
        assert "Part 3 of 3" in last
        assert 'name="remark"' in last

        remark = "Fijne hulp, maar de wachttijd was lang."
        sent = portal.post(f"{step}3/", {"remark": remark})
        assert sent.url == f"/zelfscan/mijn/{survey.pk}/"
        survey.refresh_from_db()
        assert survey.is_completed
        assert survey.overall_score == 8
        assert Answer.objects.get(response=survey, item__code="remark").text == remark

        thanks = page(portal, f"/zelfscan/mijn/{survey.pk}/")
        assert "Thank you for your answers" in thanks
        assert "<svg" not in thanks
        assert remark not in thanks
        # An evaluation of our work is never shared with the worker.
        assert (
            portal.post(f"/zelfscan/mijn/{survey.pk}/delen/", {"share": "yes"}).status_code == 404
        )
        survey.refresh_from_db()
        assert not survey.shared_with_worker

        staff = browser(worker)
        assert staff.get(detail_url(dossier, survey)).status_code == 404
        assert denied(worker, "questionnaires.response", survey.pk).exists()
        html = page(staff, dossier_url(dossier))
        assert detail_url(dossier, survey) not in html
        assert remark not in html

    def test_the_worker_cannot_tell_whether_the_client_answered_the_survey(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        # Whether a client answered about their own support is theirs to keep.
        close(dossier, worker, django_capture_on_commit_callbacks)
        staff = browser(worker)
        before = page(staff, dossier_url(dossier))
        assignment = Assignment.objects.get()
        survey = measurements.assignment_start(assignment=assignment, actor=resident)
        answering.response_answer_save(response=survey, answers={"overall": 6})
        answering.response_complete(response=survey)
        after = page(staff, dossier_url(dossier))
        assert instrument(SATISFACTION).name_en not in before
        assert instrument(SATISFACTION).name_en not in after


# 4. Who may not ------------------------------------------------------------------------


class TestPermissions:
    def test_a_worker_of_another_team_gets_404_everywhere_and_each_attempt_is_logged(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        measurement = recorded(dossier, worker, ZRM, {"finances": 2}, complete=False)
        finished = recorded(dossier, worker, ZRM, {"finances": 3}, moment=Response.Moment.INTAKE)
        with django_capture_on_commit_callbacks(execute=True):
            assignment = measurements.assignment_create(
                dossier=dossier, instrument=instrument(PH17), actor=worker
            )
        outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        web = browser(outsider)
        attempts = [
            ("get", f"{base(dossier)}nieuw/", {}),
            (
                "post",
                f"{base(dossier)}nieuw/",
                {"instrument": instrument(ZRM).pk, "moment": "none"},
            ),
            ("get", fill_url(dossier, measurement), {}),
            ("post", fill_url(dossier, measurement), {"finances": "5", "complete": ""}),
            ("get", detail_url(dossier, finished), {}),
            ("get", compare_url(dossier, finished, measurement), {}),
            ("get", f"{base(dossier)}vragen/", {}),
            ("post", f"{base(dossier)}vragen/", {"instrument": instrument(PH).pk}),
            ("post", f"{base(dossier)}vragen/{assignment.pk}/intrekken/", {}),
        ]
        for method, url, data in attempts:
            response = getattr(web, method)(url, data)
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Fatima" not in response.content.decode()
        assert denied(outsider, "dossiers.dossier", dossier.pk).count() == len(attempts)
        assert Response.objects.count() == 2
        assert stored(measurement) == {"finances": 2}
        assignment.refresh_from_db()
        assert assignment.cancelled_at is None
        assert Assignment.objects.count() == 1

    def test_a_measurement_of_another_client_is_not_reachable_through_an_own_dossier(
        self, worker, dossier
    ):
        other = DossierFactory(team=dossier.team, responsible_worker=worker)
        theirs = recorded(other, worker, ZRM, {"finances": 4})
        ours = recorded(dossier, worker, ZRM, {"finances": 2})
        going = recorded(other, worker, ZRM, {"finances": 1}, complete=False)
        web = browser(worker)
        assert web.get(detail_url(dossier, theirs)).status_code == 404
        assert web.get(compare_url(dossier, ours, theirs)).status_code == 404
        assert web.get(fill_url(dossier, going)).status_code == 404
        assert web.post(fill_url(dossier, going), {"finances": "5", "later": ""}).status_code == 404
        assert stored(going) == {"finances": 1}
        assert denied(worker, "questionnaires.response", theirs.pk).count() == 2
        # Through its own dossier it opens.
        assert web.get(detail_url(other, theirs)).status_code == 200

    def test_a_colleague_cannot_fill_in_what_another_worker_records(self, worker, dossier):
        measurement = recorded(dossier, worker, ZRM, {"finances": 2}, complete=False)
        colleague = TeamMembershipFactory(team=dossier.team, user__role=Role.SOCIAL_WORKER).user
        web = browser(colleague)
        assert web.get(fill_url(dossier, measurement)).status_code == 404
        posted = web.post(fill_url(dossier, measurement), {"finances": "5", "complete": ""})
        assert posted.status_code in (403, 404)
        measurement.refresh_from_db()
        assert measurement.status == Response.Status.IN_PROGRESS
        assert stored(measurement) == {"finances": 2}
        assert denied(colleague, "questionnaires.response", measurement.pk).count() == 2

    def test_a_resident_cannot_start_another_clients_request(
        self, worker, dossier, resident, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assignment = measurements.assignment_create(
                dossier=dossier, instrument=instrument(PH17), actor=worker
            )
        stranger = UserFactory(role=Role.RESIDENT)
        portal = browser(stranger)
        assert portal.post(f"/zelfscan/gevraagd/{assignment.pk}/").status_code == 404
        assert f"/zelfscan/gevraagd/{assignment.pk}/" not in page(portal, "/zelfscan/")
        assignment.refresh_from_db()
        assert assignment.response is None
        assert not Response.objects.exists()
        assert denied(stranger, "questionnaires.assignment", assignment.pk).exists()

    def test_residents_and_volunteers_have_no_access_to_the_worker_pages(
        self, worker, dossier, resident
    ):
        measurement = recorded(dossier, worker, ZRM, {"finances": 3})
        volunteer = TeamMembershipFactory(team=dossier.team, user__role=Role.VOLUNTEER).user
        for user in (resident, volunteer):
            web = browser(user)
            for url in (detail_url(dossier, measurement), f"{base(dossier)}nieuw/"):
                assert web.get(url).status_code == 403

    def test_a_closed_dossier_takes_no_new_measurements_or_requests(
        self, worker, dossier, resident, mailoutbox, django_capture_on_commit_callbacks
    ):
        close(dossier, worker, django_capture_on_commit_callbacks)
        assert Assignment.objects.count() == 1  # the satisfaction survey
        web = browser(worker)
        assert web.get(f"{base(dossier)}nieuw/").status_code == 403
        assert (
            web.post(
                f"{base(dossier)}nieuw/", {"instrument": instrument(ZRM).pk, "moment": "closing"}
            ).status_code
            == 403
        )
        assert web.get(f"{base(dossier)}vragen/").status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            asked = web.post(f"{base(dossier)}vragen/", {"instrument": instrument(PH17).pk})
        assert asked.status_code == 403
        assert not Response.objects.exists()
        assert Assignment.objects.count() == 1
        assert len(mailoutbox) == 1
        html = page(web, dossier_url(dossier))
        assert f"{base(dossier)}nieuw/" not in html
        assert f"{base(dossier)}vragen/" not in html
        with pytest.raises(PermissionDenied):
            measurements.measurement_start(
                dossier=dossier, instrument=instrument(ZRM), actor=worker
            )

    def test_the_resident_reads_a_scan_filled_in_together_but_cannot_share_it(
        self, worker, dossier, resident
    ):
        together = recorded(dossier, worker, PH17, dict.fromkeys(item_codes(PH17), 8))
        by_worker = recorded(dossier, worker, ZRM, {"finances": 3})
        going = recorded(dossier, worker, PH17, {"body-1": 3}, complete=False)
        portal = browser(resident)
        listing = page(portal, "/zelfscan/")
        assert f"/zelfscan/mijn/{together.pk}/" in listing
        assert f"/zelfscan/mijn/{by_worker.pk}/" not in listing
        assert f"/zelfscan/mijn/{going.pk}/" not in listing

        result = page(portal, f"/zelfscan/mijn/{together.pk}/")
        assert "<svg" in result
        assert f"/zelfscan/mijn/{together.pk}/delen/" not in result
        shared = portal.post(f"/zelfscan/mijn/{together.pk}/delen/", {"share": "yes"})
        assert shared.status_code == 404
        together.refresh_from_db()
        assert not together.shared_with_worker

        # The worker's own scale, and a scan not finished yet, are not the resident's to read.
        assert portal.get(f"/zelfscan/mijn/{by_worker.pk}/").status_code == 404
        assert portal.get(f"/zelfscan/mijn/{going.pk}/").status_code == 404
        assert (
            portal.post(f"/zelfscan/mijn/{going.pk}/vragen/1/", {"body-1": "9"}).status_code == 404
        )
        assert stored(going) == {"body-1": 3}


# 5. Bad input --------------------------------------------------------------------------


class TestBadInput:
    @pytest.fixture
    def measurement(self, worker, dossier):
        return recorded(dossier, worker, ZRM, {"housing": 4}, complete=False)

    @pytest.mark.parametrize("button", ["later", "complete"])
    @pytest.mark.parametrize("value", ["9", "0", "3.5", "drie", "-1"])
    def test_an_answer_off_the_scale_is_refused_and_nothing_is_stored(
        self, worker, dossier, measurement, button, value
    ):
        answered = browser(worker).post(
            fill_url(dossier, measurement), {"finances": value, "justice": "2", button: ""}
        )
        assert answered.status_code == 400
        html = answered.content.decode()
        assert "Select a valid choice" in html
        assert "Nothing was saved." in html
        measurement.refresh_from_db()
        assert measurement.status == Response.Status.IN_PROGRESS
        assert stored(measurement) == {"housing": 4}

    def test_only_an_unknown_question_cannot_finish_a_measurement(self, worker, dossier):
        measurement = measurements.measurement_start(
            dossier=dossier, instrument=instrument(ZRM), actor=worker
        )
        # A field the form does not know is dropped, so nothing is left to finish with.
        finished = browser(worker).post(
            fill_url(dossier, measurement), {"no-such-domain": "3", "complete": ""}
        )
        assert finished.status_code == 400
        assert "Answer at least one question" in finished.content.decode()
        measurement.refresh_from_db()
        assert measurement.status == Response.Status.IN_PROGRESS
        assert not measurement.answers.exists()

    def test_the_service_refuses_an_unknown_question_and_stores_nothing(self, worker, measurement):
        with pytest.raises(ValidationError) as error:
            measurements.measurement_save(
                response=measurement,
                answers={"finances": 3, "no-such-domain": 3},
                actor=worker,
                complete=True,
            )
        assert "no-such-domain" in error.value.message_dict
        measurement.refresh_from_db()
        assert measurement.status == Response.Status.IN_PROGRESS
        assert stored(measurement) == {"housing": 4}

    @pytest.mark.parametrize("code", [SATISFACTION, STAFF_SURVEY])
    def test_a_survey_cannot_be_recorded(self, worker, dossier, code):
        started = browser(worker).post(
            f"{base(dossier)}nieuw/",
            {"instrument": instrument(code).pk, "moment": "during", "client_consents": "on"},
        )
        assert started.status_code == 400
        assert "Select a valid choice" in started.content.decode()
        assert not Response.objects.exists()
        with pytest.raises(ValidationError) as error:
            measurements.measurement_start(
                dossier=dossier, instrument=instrument(code), actor=worker, client_consents=True
            )
        messages = error.value.message_dict["instrument"]
        assert messages == ["A social worker cannot fill in this questionnaire."]
        assert not Response.objects.exists()

    @pytest.mark.parametrize("code", [SATISFACTION, ZRM, LADDER])
    def test_what_a_client_cannot_fill_in_cannot_be_asked(
        self, worker, dossier, resident, code, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            asked = browser(worker).post(
                f"{base(dossier)}vragen/", {"instrument": instrument(code).pk}
            )
        assert asked.status_code == 400
        assert "Select a valid choice" in asked.content.decode()
        assert not Assignment.objects.exists()
        assert mailoutbox == []

    @pytest.mark.parametrize("instrument_value", ["", "abc", "999999", "-3"])
    def test_a_broken_instrument_choice_gets_a_message(self, worker, dossier, instrument_value):
        started = browser(worker).post(
            f"{base(dossier)}nieuw/", {"instrument": instrument_value, "moment": "during"}
        )
        assert started.status_code == 400
        assert not Response.objects.exists()

    @pytest.fixture
    def completed(self, worker, dossier):
        return {
            "zrm": recorded(dossier, worker, ZRM, {"finances": 2}),
            "zrm2": recorded(dossier, worker, ZRM, {"finances": 3}),
            "ladder": recorded(dossier, worker, LADDER, {"rung": 2}),
            "going": recorded(dossier, worker, ZRM, {"finances": 4}, complete=False),
        }

    @pytest.mark.parametrize(
        ("first", "second", "message"),
        [
            ("zrm", "ladder", "Choose two measurements of the same questionnaire."),
            ("zrm", "zrm", "Choose two different measurements."),
            ("zrm", "going", "Only finished measurements can be compared."),
            ("abc", "zrm", "Choose two measurements to compare."),
            ("zrm", "1e3", "Choose two measurements to compare."),
            ("zrm", "", "Choose two measurements to compare."),
            ("zrm", "0", "Choose two measurements to compare."),
            ("zrm", "-4", "Choose two measurements to compare."),
        ],
    )
    def test_a_comparison_that_cannot_be_made_gets_a_message(
        self, worker, dossier, completed, first, second, message
    ):
        first = completed[first].pk if first in completed else first
        second = completed[second].pk if second in completed else second
        before = (Response.objects.count(), Answer.objects.count())
        compared = browser(worker).get(compare_url(dossier, first, second))
        assert compared.status_code == 400
        assert message in compared.content.decode()
        assert (Response.objects.count(), Answer.objects.count()) == before

    def test_a_comparison_without_parameters_gets_a_message(self, worker, dossier):
        compared = browser(worker).get(f"{base(dossier)}vergelijk/")
        assert compared.status_code == 400
        assert "Choose two measurements to compare." in compared.content.decode()

    @pytest.mark.parametrize("pk", ["999999", "9223372036854775807", "99999999999999999999"])
    def test_an_unknown_or_huge_id_is_not_found(self, worker, dossier, completed, pk):
        compared = browser(worker).get(compare_url(dossier, completed["zrm"], pk))
        assert compared.status_code == 404
        assert browser(worker).get(f"{base(dossier)}{pk}/").status_code == 404


# 6. Query counts -----------------------------------------------------------------------

# The measurements section of the dossier page.
DOSSIER_PAGE_QUERIES = 15
DETAIL_QUERIES = 17
COMPARE_QUERIES = 20


@pytest.mark.parametrize("count", [2, 12])
def test_the_dossier_page_does_not_query_per_measurement(
    django_assert_num_queries, worker, dossier, resident, count
):
    # Two instruments, a scan the client shares, one in progress and one request: every
    # kind of row the measurements part shows.
    shown = [
        recorded(dossier, worker, PH17, dict.fromkeys(item_codes(PH17), number % 11))
        if number % 3 == 0
        else recorded(dossier, worker, ZRM, {"finances": number % 5 + 1, "housing": 3})
        for number in range(count)
    ]
    going = recorded(dossier, worker, LADDER, {"rung": 2}, complete=False)
    measurements.assignment_create(dossier=dossier, instrument=instrument(PH), actor=worker)
    scan = self_scan(resident)
    self_scans.response_share_set(response=scan, actor=resident, shared=True)
    web = browser(worker)
    with django_assert_num_queries(DOSSIER_PAGE_QUERIES):
        html = page(web, dossier_url(dossier))
    for measurement in [*shown, scan]:
        assert f'href="{detail_url(dossier, measurement)}"' in html
    assert fill_url(dossier, going) in html
    assert instrument(PH).name_en in html


@pytest.mark.parametrize("code", [ZRM, PH17, LADDER])
def test_the_measurement_page_has_a_fixed_number_of_queries(
    django_assert_num_queries, worker, dossier, code
):
    measurement = recorded(dossier, worker, code, dict.fromkeys(item_codes(code), 2))
    web = browser(worker)
    with django_assert_num_queries(DETAIL_QUERIES):
        page(web, detail_url(dossier, measurement))


@pytest.mark.parametrize("code", [ZRM, PH17])
def test_the_comparison_page_has_a_fixed_number_of_queries(
    django_assert_num_queries, worker, dossier, code
):
    first = recorded(dossier, worker, code, dict.fromkeys(item_codes(code), 2))
    second = recorded(dossier, worker, code, dict.fromkeys(item_codes(code)[:3], 3))
    web = browser(worker)
    with django_assert_num_queries(COMPARE_QUERIES):
        page(web, compare_url(dossier, first, second))


# 7. Requests: their moment, the ordinary scan list, and closing ----------------------


def test_the_moment_of_a_request_goes_to_the_response(
    worker, dossier, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = measurements.assignment_create(
            dossier=dossier,
            instrument=instrument(PH17),
            actor=worker,
            moment=Response.Moment.INTAKE,
        )
    response = measurements.assignment_start(assignment=assignment, actor=resident)
    assert response.moment == Response.Moment.INTAKE
    assert "(at intake)" in page(browser(worker), dossier_url(dossier))


def test_starting_the_same_scan_from_the_list_answers_the_request(
    worker, dossier, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = measurements.assignment_create(
            dossier=dossier, instrument=instrument(PH17), actor=worker
        )
    web = browser(resident)
    started = web.post(f"/zelfscan/{PH17}/")
    response = Response.objects.get()
    assert started.url == f"/zelfscan/mijn/{response.pk}/vragen/1/"
    assignment.refresh_from_db()
    assert assignment.response == response
    assert response.dossier == dossier


def test_closing_takes_back_the_requests_nobody_started(
    worker, dossier, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waiting = measurements.assignment_create(
            dossier=dossier, instrument=instrument(PH17), actor=worker
        )
        started = measurements.assignment_create(
            dossier=dossier, instrument=instrument(PH), actor=worker
        )
    measurements.assignment_start(assignment=started, actor=resident)
    close(dossier, worker, django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    started.refresh_from_db()
    assert waiting.cancelled_at is not None
    assert started.cancelled_at is None
    survey = Assignment.objects.get(instrument__code=SATISFACTION)
    assert (survey.cancelled_at, survey.moment) == (None, Response.Moment.CLOSING)
    codes = [a.instrument.code for a in selectors.waiting_assignments(resident=resident)]
    assert sorted(codes) == sorted([PH, SATISFACTION])


def test_a_double_click_on_start_begins_one_measurement(worker, dossier):
    web = browser(worker)
    data = {"instrument": instrument(ZRM).pk, "moment": "intake"}
    first = web.post(f"{base(dossier)}nieuw/", data)
    second = web.post(f"{base(dossier)}nieuw/", data)
    assert first.url == second.url
    assert Response.objects.count() == 1


def test_another_teams_measurement_of_the_same_client_stays_theirs(worker, dossier):
    other_worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    other = DossierFactory(
        client=dossier.client, team=other_worker.teams.get(), responsible_worker=other_worker
    )
    theirs = recorded(other, other_worker, ZRM, {"finances": 2})
    web = browser(worker)
    assert web.get(detail_url(dossier, theirs)).status_code == 404
    assert detail_url(dossier, theirs) not in page(web, dossier_url(dossier))


def test_closing_the_last_open_dossier_hides_shared_scans_on_the_others_at_once(
    worker, dossier, resident, django_capture_on_commit_callbacks, monkeypatch
):
    """The client shares with the team that supports them now. An older, closed dossier
    of the same team shows the scan while the current one is open; closing the current
    one must not leave the scan in the older page's cached copy."""
    earlier = DossierFactory(
        client=dossier.client,
        team=dossier.team,
        responsible_worker=worker,
        status=Dossier.Status.CLOSED,
        ended_on=datetime.date.today(),
        closing_reason="goals_reached",
    )
    scan = self_scan(resident)
    self_scans.response_share_set(response=scan, actor=resident, shared=True)
    web = browser(worker)
    assert detail_url(earlier, scan) in page(web, dossier_url(earlier))
    # Without a survey to send (no account, or one already waiting) nothing else marks
    # the client's dossiers: closing itself must.
    monkeypatch.setattr(surveys, "satisfaction_survey_send", lambda **kwargs: None)
    close(dossier, worker, django_capture_on_commit_callbacks)
    assert detail_url(earlier, scan) not in page(web, dossier_url(earlier))
