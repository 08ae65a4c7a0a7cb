""" "I would like to talk about this": a request for help with the scan attached, only with
the resident's consent, that follows the request into the dossier."""

import json

import pytest
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers import help_requests
from apps.dossiers.models import IntakeRequest
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamFactory, TeamMembershipFactory
from apps.questionnaires.models import Response
from apps.questionnaires.selectors import self_scan_version
from apps.questionnaires.services import self_scans
from apps.questionnaires.services.answering import response_answer_save, response_complete
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.services.self_scans import self_scan_start
from apps.questionnaires.tests.carried import carry_answers

pytestmark = [pytest.mark.django_db, pytest.mark.names]

SHORT = "positive-health-short"


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def team(worker):
    return worker.teams.get()


def all_answers(value=6, code=SHORT):
    version = self_scan_version(code=code)
    return version, {item.code: value for item in version.items.all() if item.is_scale}


def a_theme():
    theme, _created = Theme.objects.get_or_create(
        code="mentaal-welbevinden-zingeving",
        defaults={"name_nl": "Mentaal welbevinden", "name_en": "Mental well-being"},
    )
    return theme


def contact(team, **extra):
    """The form for help, from a postcode outside every team's area: the only team (or the
    one with the shortest queue) takes it."""
    return {
        "theme": a_theme().pk,
        "name": "Sanne de Boer",
        "postcode": "9999 AA",
        "contact_by": "phone",
        "phone": "06 12345678",
        "email": "",
        "question": "Ik voel me vaak alleen.",
        "send": "1",
        **extra,
    }


def send(client, url, data):
    """Post the form as a browser does: with the one-time token the form page carries, and
    a scan without an account's answers in the browser, where its pages put them."""
    data = dict(data)
    if "answers" in data:
        carry_answers(client, SHORT, data.pop("answers"))
    session = client.session
    token = help_requests.help_request_token_issue(session=session)
    session.save()
    return client.post(url, {**data, "once": token})


def completed_scan(resident):
    version, answers = all_answers()
    scan = self_scan_start(version=version, actor=resident)
    response_answer_save(response=scan, answers=answers)
    return response_complete(response=scan)


class TestWithoutAccount:
    def test_the_result_offers_the_talk_form_with_the_answers_along(self, client, team):
        _version, answers = all_answers()
        carry_answers(client, SHORT, answers)
        page = client.get(f"/zelfscan/{SHORT}/praten/")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'name="postcode"' in html and escape(team.name) not in html
        assert IntakeRequest.objects.count() == 0

    def test_with_consent_the_scan_is_stored_for_the_request(self, client, team):
        _version, answers = all_answers(value=4)
        data = contact(team, answers=json.dumps(answers), attach_scan="on")
        sent = send(client, f"/zelfscan/{SHORT}/praten/", data)
        assert sent.status_code == 302 and sent.url == "/hulp-vragen/verstuurd/"
        intake = IntakeRequest.objects.get()
        assert (intake.team, intake.source, intake.phone) == (team, "online", "06 12345678")
        assert intake.question.startswith("Ik voel me vaak alleen.")
        scan = Response.objects.get()
        assert scan.intake_request == intake
        assert scan.is_completed and scan.shared_with_worker
        assert scan.respondent is None and scan.client is None
        assert str(scan.overall_score) == "4.00"

    def test_without_consent_only_the_question_goes(self, client, team):
        _version, answers = all_answers()
        sent = send(
            client, f"/zelfscan/{SHORT}/praten/", contact(team, answers=json.dumps(answers))
        )
        assert sent.status_code == 302
        assert IntakeRequest.objects.count() == 1
        assert Response.objects.count() == 0

    @pytest.mark.parametrize(
        "answers",
        ['{"body-1": 11}', '{"not-an-item": 3}', "[1, 2]", "{broken"],
    )
    def test_tampered_answers_are_refused_and_nothing_is_sent(self, client, team, answers):
        data = contact(team, answers=answers, attach_scan="on")
        refused = send(client, f"/zelfscan/{SHORT}/praten/", data)
        assert refused.status_code == 400
        assert IntakeRequest.objects.count() == 0
        assert Response.objects.count() == 0

    def test_no_way_to_reach_them_is_a_clear_message(self, client, team):
        _version, answers = all_answers()
        data = contact(team, answers=json.dumps(answers), phone="", attach_scan="on")
        refused = send(client, f"/zelfscan/{SHORT}/praten/", data)
        assert refused.status_code == 400
        assert "phone" in refused.context["form"].errors
        assert IntakeRequest.objects.count() == 0
        assert Response.objects.count() == 0

    def test_an_unknown_theme_is_a_clear_message(self, client, team):
        _version, answers = all_answers()
        data = {**contact(team, answers=json.dumps(answers)), "theme": "999999"}
        refused = send(client, f"/zelfscan/{SHORT}/praten/", data)
        assert refused.status_code == 400
        assert "theme" in refused.context["form"].errors
        assert IntakeRequest.objects.count() == 0


class TestWithAccount:
    def test_the_form_knows_the_resident_and_goes_to_the_team_of_their_dossier(self, client, team):
        resident = UserFactory(role=Role.RESIDENT, first_name="Sanne", last_name="de Boer")
        DossierFactory(client=ClientFactory(account=resident, postcode="3811 AB"), team=team)
        TeamFactory()  # another team, with a shorter queue
        scan = completed_scan(resident)
        client.force_login(resident)
        page = client.get(f"/zelfscan/mijn/{scan.pk}/praten/")
        assert page.status_code == 200
        form = page.context["form"]
        assert (form.initial["name"], form.initial["postcode"]) == ("Sanne de Boer", "3811 AB")
        assert resident.email in form["email"].help_text
        sent = send(client, f"/zelfscan/mijn/{scan.pk}/praten/", contact(team, email=""))
        assert sent.status_code == 302
        intake = IntakeRequest.objects.get()
        assert (intake.team, intake.requested_by) == (team, resident)

    def test_with_consent_the_stored_scan_is_shared_and_attached(self, client, team):
        resident = UserFactory(role=Role.RESIDENT)
        scan = completed_scan(resident)
        client.force_login(resident)
        sent = send(client, f"/zelfscan/mijn/{scan.pk}/praten/", contact(team, attach_scan="on"))
        assert sent.status_code == 302
        scan.refresh_from_db()
        intake = IntakeRequest.objects.get()
        assert scan.intake_request == intake and scan.shared_with_worker
        assert AccessLogEntry.objects.filter(
            action="update", object_type="questionnaires.response", object_id=str(scan.pk)
        ).exists()

    def test_another_resident_cannot_send_someone_elses_scan(self, client, team):
        scan = completed_scan(UserFactory(role=Role.RESIDENT))
        client.force_login(UserFactory(role=Role.RESIDENT))
        refused = send(client, f"/zelfscan/mijn/{scan.pk}/praten/", contact(team, attach_scan="on"))
        assert refused.status_code == 404
        scan.refresh_from_db()
        assert scan.intake_request is None and not scan.shared_with_worker
        assert IntakeRequest.objects.count() == 0
        assert AccessLogEntry.objects.filter(action="denied", object_id=str(scan.pk)).exists()

    def test_a_worker_cannot_send_a_scan_for_a_resident(self, client, worker, team):
        scan = completed_scan(UserFactory(role=Role.RESIDENT))
        client.force_login(worker)
        refused = send(client, f"/zelfscan/mijn/{scan.pk}/praten/", contact(team, attach_scan="on"))
        assert refused.status_code == 404
        assert IntakeRequest.objects.count() == 0


class TestAtIntake:
    def test_the_intake_worker_sees_the_scan_and_the_dossier_gets_it(self, client, worker, team):
        _version, answers = all_answers(value=3)
        data = contact(team, answers=json.dumps(answers), attach_scan="on")
        send(client, f"/zelfscan/{SHORT}/praten/", data)
        intake = IntakeRequest.objects.get()
        scan = Response.objects.get()

        client.force_login(worker)
        page = client.get(f"/werk/dossiers/intake/{intake.pk}/").content.decode()
        assert 'class="bk-spiderweb"' in page
        assert escape(scan.version.instrument.name) in page

        money, _created = Theme.objects.get_or_create(
            code="geldzaken-regelgeving", defaults={"name_nl": "Geldzaken", "name_en": "Money"}
        )
        client.post(
            f"/werk/dossiers/intake/{intake.pk}/",
            {"client_choice": "new", "theme_1": money.pk, "subcategory_1": "Schulden"},
        )
        intake.refresh_from_db()
        scan.refresh_from_db()
        assert (scan.client, scan.dossier) == (intake.dossier.client, intake.dossier)
        dossier_page = client.get(
            f"/werk/dossiers/{intake.dossier.pk}/deel/metingen/"
        ).content.decode()
        assert f"/werk/dossiers/{intake.dossier.pk}/metingen/{scan.pk}/" in dossier_page
        detail = client.get(f"/werk/dossiers/{intake.dossier.pk}/metingen/{scan.pk}/")
        assert detail.status_code == 200

    def test_a_scan_sent_without_consent_never_shows_at_intake(self, client, worker, team):
        _version, answers = all_answers()
        send(client, f"/zelfscan/{SHORT}/praten/", contact(team, answers=json.dumps(answers)))
        intake = IntakeRequest.objects.get()
        client.force_login(worker)
        page = client.get(f"/werk/dossiers/intake/{intake.pk}/").content.decode()
        assert 'class="bk-spiderweb"' not in page

    def test_another_team_does_not_see_the_request_or_its_scan(self, client, team):
        _version, answers = all_answers()
        send(
            client,
            f"/zelfscan/{SHORT}/praten/",
            contact(team, answers=json.dumps(answers), attach_scan="on"),
        )
        intake = IntakeRequest.objects.get()
        other = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        client.force_login(other)
        assert client.get(f"/werk/dossiers/intake/{intake.pk}/").status_code == 404


class TestAbuse:
    def test_a_double_submit_sends_one_request(self, client, team):
        _version, answers = all_answers()
        carry_answers(client, SHORT, answers)
        session = client.session
        token = help_requests.help_request_token_issue(session=session)
        session.save()
        data = {**contact(team, attach_scan="on"), "once": token}
        first = client.post(f"/zelfscan/{SHORT}/praten/", data)
        second = client.post(f"/zelfscan/{SHORT}/praten/", data)
        assert first.url == second.url == "/hulp-vragen/verstuurd/"
        assert IntakeRequest.objects.count() == 1
        assert Response.objects.count() == 1

    def test_an_expired_form_says_so_and_keeps_what_was_typed(self, client, team):
        # A lost session, an old tab: never "sent" when nothing was sent.
        _version, answers = all_answers()
        carry_answers(client, SHORT, answers)
        data = contact(team, attach_scan="on")
        again = client.post(f"/zelfscan/{SHORT}/praten/", {**data, "once": "made-up"})
        assert again.status_code == 400
        assert again.context["form"]["name"].value() == "Sanne de Boer"
        assert IntakeRequest.objects.count() == 0
        # The page came back with a fresh token: sending it now works.
        resent = client.post(f"/zelfscan/{SHORT}/praten/", {**data, "once": again.context["once"]})
        assert resent.url == "/hulp-vragen/verstuurd/"
        assert IntakeRequest.objects.count() == 1

    def test_typing_errors_do_not_count_against_the_limit(self, client, team):
        _version, answers = all_answers()
        wrong = contact(team, answers=json.dumps(answers), phone="")
        for _ in range(help_requests.REQUESTS_PER_HOUR + 2):
            assert send(client, f"/zelfscan/{SHORT}/praten/", wrong).status_code == 400
        right = contact(team, answers=json.dumps(answers))
        assert send(client, f"/zelfscan/{SHORT}/praten/", right).status_code == 302

    def test_one_address_sends_a_few_requests_an_hour(self, client, team):
        _version, answers = all_answers()
        data = contact(team, answers=json.dumps(answers))
        for _ in range(help_requests.REQUESTS_PER_HOUR):
            assert send(client, f"/zelfscan/{SHORT}/praten/", data).status_code == 302
        refused = send(client, f"/zelfscan/{SHORT}/praten/", data)
        assert refused.status_code == 429
        assert IntakeRequest.objects.count() == help_requests.REQUESTS_PER_HOUR

    def test_answers_gone_from_the_browser_get_a_message_not_a_500(self, client, team):
        data = contact(team, answers="", attach_scan="on")
        refused = send(client, f"/zelfscan/{SHORT}/praten/", data)
        assert refused.status_code == 400
        assert "Vul de scan opnieuw in" in refused.content.decode()
        assert IntakeRequest.objects.count() == 0
        assert Response.objects.count() == 0


class TestAttaching:
    def test_a_merge_into_another_client_never_moves_someones_scan(self, client, worker, team):
        """The resident's own scan belongs to their client record; the worker merges the
        request into a look-alike: the scan stays with its own client."""
        resident = UserFactory(role=Role.RESIDENT)
        own_record = ClientFactory(account=resident)
        scan = completed_scan(resident)
        client.force_login(resident)
        send(client, f"/zelfscan/mijn/{scan.pk}/praten/", contact(team, attach_scan="on"))
        intake = IntakeRequest.objects.get()
        look_alike = DossierFactory(team=team).client
        self_scans.intake_scans_attach(
            intake=intake, dossier=DossierFactory(client=look_alike, team=team), actor=worker
        )
        scan.refresh_from_db()
        assert scan.client == own_record and scan.dossier is None

    def test_a_merge_never_gives_a_residents_scan_to_another_residents_record(
        self, client, worker, team
    ):
        # The resident has an account but no client record yet; the worker merges their
        # request into a look-alike who has an account of their own.
        resident = UserFactory(role=Role.RESIDENT)
        scan = completed_scan(resident)
        assert scan.client is None
        client.force_login(resident)
        send(client, f"/zelfscan/mijn/{scan.pk}/praten/", contact(team, attach_scan="on"))
        intake = IntakeRequest.objects.get()
        someone_else = ClientFactory(account=UserFactory(role=Role.RESIDENT))
        dossier = DossierFactory(client=someone_else, team=team)
        assert self_scans.intake_scans_attach(intake=intake, dossier=dossier, actor=worker) == 0
        scan.refresh_from_db()
        assert scan.client is None and scan.dossier is None

    def test_attaching_is_logged_per_scan(self, client, worker, team):
        _version, answers = all_answers()
        data = contact(team, answers=json.dumps(answers), attach_scan="on")
        send(client, f"/zelfscan/{SHORT}/praten/", data)
        intake = IntakeRequest.objects.get()
        dossier = DossierFactory(team=team)
        assert self_scans.intake_scans_attach(intake=intake, dossier=dossier, actor=worker) == 1
        scan = Response.objects.get()
        assert AccessLogEntry.objects.filter(
            action="update", object_id=str(scan.pk), actor_user_id=worker.pk
        ).exists()
        assert AccessLogEntry.objects.filter(action="create", object_id=str(scan.pk)).exists()


def test_the_intake_queue_marks_requests_with_a_scan(client, worker, team):
    _version, answers = all_answers()
    send(client, f"/zelfscan/{SHORT}/praten/", contact(team, answers=json.dumps(answers)))
    send(
        client,
        f"/zelfscan/{SHORT}/praten/",
        contact(team, answers=json.dumps(answers), attach_scan="on", name="Ilse"),
    )
    client.force_login(worker)
    rows = client.get("/werk/dossiers/intake/").context["page"]
    assert sorted((row.first_name, row.scan_count) for row in rows) == [
        ("Ilse", 1),
        ("Sanne", 0),
    ]


def test_a_double_click_on_a_form_with_errors_never_says_sent(client, team):
    _version, answers = all_answers()
    carry_answers(client, SHORT, answers)
    session = client.session
    token = help_requests.help_request_token_issue(session=session)
    session.save()
    wrong = {**contact(team, phone=""), "once": token}
    first = client.post(f"/zelfscan/{SHORT}/praten/", wrong)
    second = client.post(f"/zelfscan/{SHORT}/praten/", wrong)
    assert first.status_code == second.status_code == 400
    assert IntakeRequest.objects.count() == 0
