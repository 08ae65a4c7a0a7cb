"""The questionnaire API: instruments to read; self-scans and measurements to read and to
send in, with the policy's permissions and the resident's consent; every read, refusal
and change in the access log; bad input a 400 or 404 that stores nothing."""

import json

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from apps.accounts import policy
from apps.accounts.models import Role
from apps.accounts.tests.factories import PartnerSystemFactory, UserFactory, api_token_for
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Client as ClientRecord
from apps.dossiers.models import Dossier
from apps.dossiers.tests.api_support import (
    API,
    field_errors,
    member,
    post_json,
    problem,
    token_header,
)
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.organisation.tests.factories import TeamFactory
from apps.questionnaires.api.idempotency import IdempotencyKey
from apps.questionnaires.models import (
    Answer,
    DimensionScore,
    Instrument,
    InstrumentVersion,
    Response,
)
from apps.questionnaires.services import answering
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.tests.factories import ItemFactory, version_with_items

pytestmark = pytest.mark.django_db

RESPONSES = f"{API}/responses/"
INSTRUMENTS = f"{API}/instruments/"
PH_SHORT = "positive-health-short"


@pytest.fixture(autouse=True)
def instruments():
    """The instrument definitions of the app, as `manage.py load_instruments` loads them."""
    instruments_load()


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def worker(team):
    return member(team)


@pytest.fixture
def resident():
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def dossier(team, worker, resident):
    """The resident is a client of the team, with an open dossier."""
    client = ClientFactory(account=resident)
    return DossierFactory(team=team, client=client, responsible_worker=worker)


def completed(code, *, answers, shared=False, **start) -> Response:
    """A completed response through the services, as the portal pages store one."""
    instrument = Instrument.objects.get(code=code)
    response = answering.response_start(instrument=instrument, **start)
    answering.response_answer_save(response=response, answers=answers)
    response = answering.response_complete(response=response)
    if shared:
        Response.objects.filter(pk=response.pk).update(shared_with_worker=True)
    return response


def self_scan(resident, *, shared=False, answers=None) -> Response:
    client = ClientRecord.objects.filter(account=resident).first()
    return completed(
        PH_SHORT,
        answers=answers or {"body-1": 6},
        shared=shared,
        mode=Response.Mode.SELF,
        respondent=resident,
        client=client,
    )


def measurement(dossier, worker) -> Response:
    return completed(
        "zrm",
        answers={"finances": 3},
        mode=Response.Mode.BY_WORKER,
        dossier=dossier,
        recorded_by=worker,
    )


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def nothing_stored():
    return not (
        Response.objects.exists() or Answer.objects.exists() or DimensionScore.objects.exists()
    )


def log(**filters):
    return AccessLogEntry.objects.filter(**filters)


# --- Instruments --------------------------------------------------------------------------


class TestInstruments:
    def test_the_list_holds_every_loaded_instrument_in_code_order(self, client, resident):
        client.force_login(resident)
        response = client.get(INSTRUMENTS)
        assert response.status_code == 200
        assert [row["code"] for row in response.json()["results"]] == [
            "client-satisfaction",
            "participation-ladder",
            "positive-health",
            "positive-health-short",
            "staff-technology-acceptance",
            "zrm",
        ]

    def test_one_instrument_has_its_version_scale_dimensions_and_items(self, client, resident):
        client.force_login(resident)
        body = client.get(f"{INSTRUMENTS}{PH_SHORT}/").json()
        assert body["version"] == 1
        assert body["name"] == body["name_nl"] == "Positieve Gezondheid, korte meting"
        assert body["name_en"] == "Positive Health, short scale"
        assert body["purpose"] == "measurement"
        assert body["filled_by"] == "resident"
        assert body["scale"]["min"] == 0 and body["scale"]["max"] == 10
        labels = body["scale"]["labels"]
        assert [row["value"] for row in labels] == list(range(11))
        assert labels[0] == {
            "value": 0,
            "label": "Helemaal niet",
            "label_nl": "Helemaal niet",
            "label_en": "Not at all",
        }
        assert labels[5]["label"] == ""  # no label: shown as the bare number
        assert [d["code"] for d in body["dimensions"]] == [
            "body",
            "mental",
            "meaning",
            "quality-of-life",
            "participation",
            "daily-life",
        ]
        assert len(body["items"]) == 17  # 3 + 3 + 3 + 3 + 3 + 2
        first = body["items"][0]
        assert first["code"] == "body-1"
        assert first["dimension"] == "body"
        assert first["kind"] == "scale"
        assert first["text"] == first["text_nl"] == "Heb je genoeg energie voor een gewone dag?"
        assert first["text_en"] == "Do you have enough energy for an ordinary day?"

    def test_texts_follow_the_chosen_language(self, client, resident):
        client.force_login(resident)
        client.cookies["django_language"] = "en"
        body = client.get(f"{INSTRUMENTS}{PH_SHORT}/").json()
        assert body["name"] == "Positive Health, short scale"
        assert body["items"][0]["text"] == "Do you have enough energy for an ordinary day?"
        assert body["scale"]["labels"][10]["label"] == "Completely"

    def test_item_anchors_and_open_questions(self, client, worker):
        client.force_login(worker)
        zrm = client.get(f"{INSTRUMENTS}zrm/").json()
        finances = next(item for item in zrm["items"] if item["code"] == "finances")
        assert [anchor["value"] for anchor in finances["anchors"]] == [1, 2, 3, 4, 5]
        assert finances["anchors"][0]["label_en"].startswith("Debts are rising fast")
        satisfaction = client.get(f"{INSTRUMENTS}client-satisfaction/").json()
        open_items = [item for item in satisfaction["items"] if item["kind"] == "open"]
        assert open_items and all(item["dimension"] is None for item in open_items)

    def test_unknown_code_and_an_instrument_without_a_version_in_use_are_404(
        self, client, resident
    ):
        InstrumentVersion.objects.filter(instrument__code="zrm").update(is_current=False)
        client.force_login(resident)
        assert client.get(f"{INSTRUMENTS}zrm/").status_code == 404
        assert client.get(f"{INSTRUMENTS}no-such-thing/").status_code == 404
        listed = [row["code"] for row in client.get(INSTRUMENTS).json()["results"]]
        assert "zrm" not in listed and PH_SHORT in listed

    @pytest.mark.parametrize(
        "role", [Role.RESIDENT, Role.SOCIAL_WORKER, Role.MANAGER, Role.MUNICIPALITY_VIEWER]
    )
    def test_every_signed_in_account_may_read_them(self, client, role):
        client.force_login(UserFactory(role=role))
        assert client.get(INSTRUMENTS).status_code == 200

    def test_a_partner_system_with_its_token_too_but_nobody_anonymously(self, client):
        key = api_token_for(PartnerSystemFactory())
        assert client.get(INSTRUMENTS, **token_header(key)).status_code == 200
        assert client.get(INSTRUMENTS).status_code == 401

    def test_reading_definitions_writes_no_access_log(self, client, resident):
        client.force_login(resident)
        client.get(INSTRUMENTS)
        client.get(f"{INSTRUMENTS}zrm/")
        assert not AccessLogEntry.objects.exists()


# --- Reading responses --------------------------------------------------------------------


class TestResidentReads:
    def test_a_resident_lists_their_own_scans_only(self, client, resident, dossier):
        own = self_scan(resident)
        own_shared = self_scan(resident, shared=True)
        self_scan(UserFactory(role=Role.RESIDENT))
        client.force_login(resident)
        response = client.get(RESPONSES)
        assert response.status_code == 200
        assert sorted(ids(response)) == sorted([own.pk, own_shared.pk])

    def test_a_measurement_recorded_by_the_worker_is_not_the_residents_own(
        self, client, resident, worker, dossier
    ):
        measurement(dossier, worker)
        client.force_login(resident)
        assert ids(client.get(RESPONSES)) == []

    def test_the_detail_has_answers_scores_and_consent_and_is_logged(
        self, client, resident, dossier
    ):
        scan = self_scan(resident, shared=True, answers={"body-1": 7, "body-2": 4, "mental-1": 9})
        client.force_login(resident)
        response = client.get(f"{RESPONSES}{scan.pk}/")
        assert response.status_code == 200
        body = response.json()
        assert body["instrument"] == PH_SHORT
        assert body["version"] == 1
        assert body["client"] == dossier.client_id
        assert body["mode"] == "self"
        assert body["moment"] == "none"
        assert body["status"] == "completed"
        assert body["shared_with_worker"] is True
        assert [(a["item"], a["value"]) for a in body["answers"]] == [
            ("body-1", 7),
            ("body-2", 4),
            ("mental-1", 9),
        ]
        scores = {
            row["dimension"]: (row["score"], row["answered"]) for row in body["dimension_scores"]
        }
        # body: (7 + 4) / 2 = 5.5; mental: 9; overall: (5.5 + 9) / 2 = 7.25
        assert scores["body"] == ("5.50", 2)
        assert scores["mental"] == ("9.00", 1)
        assert scores["daily-life"] == (None, 0)
        assert body["overall_score"] == "7.25"
        assert log(action="read", object_type="questionnaires.response").get().object_id == str(
            scan.pk
        )

    def test_another_residents_scan_is_the_same_logged_404_as_a_missing_one(self, client, resident):
        theirs = self_scan(UserFactory(role=Role.RESIDENT), answers={"body-1": 3})
        client.force_login(resident)
        other = client.get(f"{RESPONSES}{theirs.pk}/")
        missing = client.get(f"{RESPONSES}999999/")
        assert other.status_code == missing.status_code == 404
        assert problem(other) == problem(missing)
        denied = log(action="denied", object_type="questionnaires.response")
        assert sorted(denied.values_list("object_id", flat=True)) == sorted(
            [str(theirs.pk), "999999"]
        )
        assert not log(action="read").exists()

    def test_filters(self, client, resident, dossier):
        scan = self_scan(resident)
        satisfaction = completed(
            "client-satisfaction",
            answers={"overall": 8},
            mode=Response.Mode.SELF,
            respondent=resident,
        )
        unfinished = answering.response_start(
            instrument=Instrument.objects.get(code=PH_SHORT),
            mode=Response.Mode.SELF,
            respondent=resident,
            client=dossier.client,
        )
        client.force_login(resident)
        assert ids(client.get(RESPONSES, {"instrument": "client-satisfaction"})) == [
            satisfaction.pk
        ]
        assert ids(client.get(RESPONSES, {"status": "in_progress"})) == [unfinished.pk]
        assert sorted(ids(client.get(RESPONSES, {"client": dossier.client_id}))) == sorted(
            [scan.pk, unfinished.pk]
        )
        assert client.get(RESPONSES, {"status": "kapot"}).status_code == 400
        assert client.get(RESPONSES, {"client": "een"}).status_code == 400


class TestCaseworkReads:
    def test_the_team_sees_shared_scans_and_measurements_not_private_scans(
        self, client, team, worker, resident, dossier
    ):
        shared = self_scan(resident, shared=True)
        private = self_scan(resident)
        recorded = measurement(dossier, worker)
        colleague = member(team)
        for reader in (worker, colleague, member(team, Role.TEAM_LEADER)):
            client.force_login(reader)
            assert sorted(ids(client.get(RESPONSES))) == sorted([shared.pk, recorded.pk])
            assert client.get(f"{RESPONSES}{shared.pk}/").status_code == 200
            assert client.get(f"{RESPONSES}{recorded.pk}/").status_code == 200
            assert client.get(f"{RESPONSES}{private.pk}/").status_code == 404
        denied = log(action="denied", object_type="questionnaires.response")
        assert list(denied.values_list("object_id", flat=True)) == [str(private.pk)] * 3

    def test_another_teams_worker_gets_404_for_a_shared_scan(self, client, resident, dossier):
        shared = self_scan(resident, shared=True)
        outsider = member(TeamFactory())
        client.force_login(outsider)
        assert ids(client.get(RESPONSES)) == []
        assert client.get(f"{RESPONSES}{shared.pk}/").status_code == 404
        assert log(action="denied", actor_user_id=outsider.pk, object_id=str(shared.pk)).exists()

    def test_a_scan_without_a_client_record_is_never_the_teams(self, client, worker):
        loner = UserFactory(role=Role.RESIDENT)
        scan = self_scan(loner, shared=True)
        client.force_login(worker)
        assert ids(client.get(RESPONSES)) == []
        assert client.get(f"{RESPONSES}{scan.pk}/").status_code == 404

    def test_taking_consent_back_hides_the_scan_again(self, client, worker, resident, dossier):
        scan = self_scan(resident, shared=True)
        Response.objects.filter(pk=scan.pk).update(shared_with_worker=False)
        client.force_login(worker)
        assert ids(client.get(RESPONSES)) == []
        assert client.get(f"{RESPONSES}{scan.pk}/").status_code == 404

    def test_the_list_writes_one_access_log_row_naming_what_it_showed(
        self, client, worker, resident, dossier
    ):
        shared = self_scan(resident, shared=True)
        client.force_login(worker)
        client.get(RESPONSES, {"status": "completed"})
        entry = AccessLogEntry.objects.get()
        assert entry.action == AccessLogEntry.Action.SEARCH
        assert entry.object_type == "questionnaires.response"
        assert entry.reason == f"status=completed → {shared.pk}"

    def test_the_list_shows_exactly_what_the_policy_allows(self, client, team, worker):
        """Every reader, every kind of response: the list's query and the policy agree."""
        residents = [UserFactory(role=Role.RESIDENT) for _ in range(3)]
        own = DossierFactory(team=team, client=ClientFactory(account=residents[0]))
        closed = DossierFactory(
            team=team,
            client=ClientFactory(account=residents[1]),
            status=Dossier.Status.CLOSED,
            ended_on=timezone.localdate(),
            closing_reason="goals_reached",
        )
        foreign = DossierFactory(client=ClientFactory(account=residents[2]))
        for resident in residents:
            self_scan(resident, shared=True)
            self_scan(resident)
        self_scan(UserFactory(role=Role.RESIDENT), shared=True)  # no client record
        for target in (own, closed, foreign):
            measurement(target, worker)
        everything = list(Response.objects.select_related("client"))
        readers = [worker, member(team, Role.TEAM_LEADER), member(TeamFactory()), *residents]
        for reader in readers:
            client.force_login(reader)
            expected = [
                r.pk for r in everything if policy.can(reader, "questionnaires.view_response", r)
            ]
            assert sorted(ids(client.get(RESPONSES))) == sorted(expected), reader.role
        # Hand count for the worker: the measurements of the own and the closed dossier,
        # and the shared scan of the client they support now. The closed dossier's client
        # shares with whoever supports them now, not with a team whose work has ended; the
        # foreign team's and the client-less scan are not theirs.
        client.force_login(worker)
        assert len(ids(client.get(RESPONSES))) == 3


class TestReadRefusals:
    @pytest.mark.parametrize(
        "role", [Role.MANAGER, Role.MUNICIPALITY_VIEWER, Role.VOLUNTEER, Role.FUNCTIONAL_ADMIN]
    )
    def test_roles_without_scans_are_refused(self, client, resident, role):
        scan = self_scan(resident)
        client.force_login(UserFactory(role=role))
        assert client.get(RESPONSES).status_code == 403
        assert client.get(f"{RESPONSES}{scan.pk}/").status_code == 403

    def test_a_partner_system_and_anonymous_visitors_are_refused(self, client, resident):
        key = api_token_for(PartnerSystemFactory())
        assert client.get(RESPONSES, **token_header(key)).status_code == 403
        assert client.get(RESPONSES).status_code == 401

    def test_other_methods_are_refused(self, client, resident):
        scan = self_scan(resident)
        client.force_login(resident)
        for method in ("put", "patch", "delete", "post"):
            assert getattr(client, method)(f"{RESPONSES}{scan.pk}/").status_code == 405, method
        assert client.options(RESPONSES).status_code == 403
        assert Response.objects.get().answers.count() == 1


# --- Sending a self-scan ------------------------------------------------------------------


class TestSelfScan:
    def test_a_resident_sends_a_scan_that_is_stored_scored_and_logged(
        self, client, resident, dossier
    ):
        client.force_login(resident)
        response = post_json(
            client,
            RESPONSES,
            {
                "instrument": PH_SHORT,
                "version": 1,
                "answers": {"body-1": 7, "body-2": 6, "body-3": 8, "mental-1": 4, "mental-2": 5},
            },
        )
        assert response.status_code == 201, response.json()
        stored = Response.objects.get()
        assert stored.respondent == resident
        assert stored.client == dossier.client
        assert stored.dossier is None
        assert stored.mode == Response.Mode.SELF
        assert stored.is_completed
        assert stored.shared_with_worker is False
        body = response.json()
        assert body["id"] == stored.pk
        # body (7 + 6 + 8) / 3 = 7; mental (4 + 5) / 2 = 4.5; overall (7 + 4.5) / 2 = 5.75
        scores = {row["dimension"]: row["score"] for row in body["dimension_scores"]}
        assert scores["body"] == "7.00" and scores["mental"] == "4.50"
        assert body["overall_score"] == "5.75"
        assert len(body["answers"]) == 5
        entry = log(action="create").get()
        assert (entry.object_type, entry.object_id) == ("questionnaires.response", str(stored.pk))
        assert entry.actor_user_id == resident.pk

    def test_sharing_is_stored_with_the_scan(self, client, resident, dossier):
        client.force_login(resident)
        response = post_json(
            client,
            RESPONSES,
            {"instrument": PH_SHORT, "answers": {"body-1": 5}, "shared_with_worker": True},
        )
        assert response.status_code == 201
        assert response.json()["shared_with_worker"] is True
        stored = Response.objects.get()
        assert stored.shared_with_worker is True
        assert stored.shared_changed_at is not None
        actions = log(object_id=str(stored.pk)).order_by("pk").values_list("action", flat=True)
        assert list(actions) == ["create", "update"]

    def test_a_resident_without_a_client_record_gets_a_scan_of_their_own(self, client, resident):
        client.force_login(resident)
        response = post_json(client, RESPONSES, {"instrument": PH_SHORT, "answers": {"body-1": 5}})
        assert response.status_code == 201
        assert response.json()["client"] is None
        assert Response.objects.get().respondent == resident

    def test_the_satisfaction_survey_is_only_filled_in_when_asked(self, client, resident):
        # Its figures evaluate our work: answered in the portal when a dossier closes, not
        # posted at will.
        client.force_login(resident)
        response = post_json(
            client,
            RESPONSES,
            {"instrument": "client-satisfaction", "answers": {"overall": 8, "remark": " Fijn. "}},
        )
        assert response.status_code == 400
        assert "instrument" in field_errors(response)
        assert not Answer.objects.exists()


class TestBadInput:
    """Each case: a clear 400 (or 404), nothing stored, and the attempt in the access log."""

    @pytest.fixture
    def send(self, client, resident, dossier):
        client.force_login(resident)

        def send(payload, **extra):
            response = post_json(client, RESPONSES, payload, **extra)
            assert nothing_stored()
            refused = log(action="denied", object_type="questionnaires.response")
            assert refused.count() == 1, "one access-log row for the attempt"
            return response

        return send

    def test_answers_off_the_scale_get_a_message_per_item(self, send):
        response = send(
            {
                "instrument": PH_SHORT,
                "answers": {"body-1": 11, "body-2": -1, "body-3": 7, "mental-1": "7"},
            }
        )
        assert response.status_code == 400
        errors = field_errors(response)["answers"]
        assert set(errors) == {"body-1", "body-2", "mental-1"}
        # Both off the scale: the same message, naming its top (10); text is another one.
        assert errors["body-1"] == errors["body-2"]
        assert "10" in errors["body-1"][0]
        assert errors["mental-1"] != errors["body-1"]
        entry = log(action="denied").get()
        assert entry.reason == "Refused (400): answers"
        assert "11" not in entry.reason

    def test_an_item_of_another_instrument_or_version(self, send):
        ph = Instrument.objects.get(code=PH_SHORT)
        InstrumentVersion.objects.filter(instrument=ph).update(is_current=False)
        new = version_with_items(dimensions={"body": ["body-new"]}, instrument=ph, number=2)
        assert new.is_current
        response = send({"instrument": PH_SHORT, "answers": {"body-1": 5, "finances": 3}})
        assert response.status_code == 400
        assert set(field_errors(response)["answers"]) == {"body-1", "finances"}
        assert "2" in field_errors(response)["answers"]["body-1"][0]  # names the current version

    def test_answers_for_an_old_version(self, send):
        ph = Instrument.objects.get(code=PH_SHORT)
        InstrumentVersion.objects.filter(instrument=ph).update(is_current=False)
        new = version_with_items(dimensions={"body": ["body-1"]}, instrument=ph, number=2)
        response = send({"instrument": PH_SHORT, "version": 1, "answers": {"body-1": 5}})
        assert response.status_code == 400
        assert list(field_errors(response)) == ["version"]
        assert str(new.number) in field_errors(response)["version"][0]

    @pytest.mark.parametrize(
        "tampered",
        [
            {"respondent": 1},
            {"client": 1},
            {"status": "completed"},
            {"overall_score": "10.00"},
            {"id": 5},
        ],
    )
    def test_fields_that_cannot_be_set_are_refused(self, send, tampered):
        response = send({"instrument": PH_SHORT, "answers": {"body-1": 5}, **tampered})
        assert response.status_code == 400
        assert list(field_errors(response)) == list(tampered)

    @pytest.mark.parametrize("field", ["dossier", "mode", "moment"])
    def test_measurement_fields_are_for_workers(self, send, dossier, field):
        value = {"dossier": dossier.pk, "mode": "together", "moment": "intake"}[field]
        response = send({"instrument": PH_SHORT, "answers": {"body-1": 5}, field: value})
        assert response.status_code == 400
        assert list(field_errors(response)) == [field]

    def test_an_instrument_a_worker_fills_in(self, send):
        response = send({"instrument": "zrm", "answers": {"finances": 3}})
        assert response.status_code == 400
        assert list(field_errors(response)) == ["instrument"]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"instrument": "bestaat-niet", "answers": {"body-1": 5}}, "instrument"),
            ({"instrument": 5, "answers": {"body-1": 5}}, "instrument"),
            ({"answers": {"body-1": 5}}, "instrument"),
            ({"instrument": PH_SHORT}, "answers"),
            ({"instrument": PH_SHORT, "answers": {}}, "answers"),
            ({"instrument": PH_SHORT, "answers": {"body-1": None}}, "answers"),
            ({"instrument": PH_SHORT, "answers": [5, 6]}, "answers"),
            ({"instrument": PH_SHORT, "answers": {"body-1": [5]}}, "answers"),
            ({"instrument": PH_SHORT, "answers": {"body-1": True}}, "answers"),
            ({"instrument": PH_SHORT, "answers": {"body-1": 5.0}}, "answers"),
            ({"instrument": PH_SHORT, "answers": {"body-1": 5}, "version": "1"}, "version"),
            ({"instrument": PH_SHORT, "answers": {"body-1": 5}, "version": 0}, "version"),
            (
                {"instrument": PH_SHORT, "answers": {"body-1": 5}, "shared_with_worker": "ja"},
                "shared_with_worker",
            ),
        ],
    )
    def test_malformed_fields(self, send, payload, field):
        response = send(payload)
        assert response.status_code == 400
        assert list(field_errors(response)) == [field]

    def test_text_that_cannot_be_stored(self, send):
        raw = '{"instrument": "client-satisfaction", "answers": {"remark": "a\\ud800b"}}'
        response = send(json.loads(raw))
        assert response.status_code == 400
        assert list(field_errors(response)["answers"]) == ["remark"]

    def test_unreadable_json(self, client, resident):
        client.force_login(resident)
        for body in ("{", "[" * 100000):
            response = client.post(RESPONSES, body, content_type="application/json")
            assert response.status_code == 400
            assert "detail" in response.json()
        assert nothing_stored()
        assert log(action="denied").count() == 2


class TestDoubleSubmit:
    PAYLOAD = {"instrument": PH_SHORT, "answers": {"body-1": 7}}

    def test_without_a_key_each_request_is_a_new_scan(self, client, resident):
        client.force_login(resident)
        assert post_json(client, RESPONSES, self.PAYLOAD).status_code == 201
        assert post_json(client, RESPONSES, self.PAYLOAD).status_code == 201
        assert Response.objects.count() == 2

    def test_the_same_key_returns_the_first_scan_and_stores_nothing_more(self, client, resident):
        client.force_login(resident)
        key = {"HTTP_IDEMPOTENCY_KEY": "4b1c7a0e-scan"}
        first = post_json(client, RESPONSES, self.PAYLOAD, **key)
        second = post_json(client, RESPONSES, self.PAYLOAD, **key)
        assert (first.status_code, second.status_code) == (201, 200)
        assert second.json() == first.json()
        assert second["Idempotent-Replayed"] == "true"
        assert Response.objects.count() == 1
        assert Answer.objects.count() == 1
        actions = list(log().order_by("pk").values_list("action", flat=True))
        assert actions == ["create", "read"]

    def test_the_same_key_with_other_answers_is_refused(self, client, resident):
        client.force_login(resident)
        key = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
        post_json(client, RESPONSES, self.PAYLOAD, **key)
        other = post_json(client, RESPONSES, {**self.PAYLOAD, "answers": {"body-1": 2}}, **key)
        assert other.status_code == 400
        assert list(field_errors(other)) == ["Idempotency-Key"]
        assert Response.objects.count() == 1

    def test_a_key_of_a_refused_request_may_be_used_for_the_corrected_one(self, client, resident):
        client.force_login(resident)
        key = {"HTTP_IDEMPOTENCY_KEY": "k-2"}
        wrong = post_json(client, RESPONSES, {**self.PAYLOAD, "answers": {"body-1": 12}}, **key)
        assert wrong.status_code == 400
        assert post_json(client, RESPONSES, self.PAYLOAD, **key).status_code == 201

    def test_keys_are_per_account(self, client, resident):
        key = {"HTTP_IDEMPOTENCY_KEY": "k-3"}
        client.force_login(resident)
        post_json(client, RESPONSES, self.PAYLOAD, **key)
        client.force_login(UserFactory(role=Role.RESIDENT))
        assert post_json(client, RESPONSES, self.PAYLOAD, **key).status_code == 201
        assert Response.objects.count() == 2

    def test_a_key_whose_first_request_still_runs_is_a_409(self, client, resident):
        IdempotencyKey(user=resident, key="k-4", payload=self.PAYLOAD).claim()
        client.force_login(resident)
        response = post_json(client, RESPONSES, self.PAYLOAD, HTTP_IDEMPOTENCY_KEY="k-4")
        assert response.status_code == 409
        assert "detail" in response.json()
        assert nothing_stored()

    def test_a_key_that_is_too_long_or_not_plain_text(self, client, resident):
        client.force_login(resident)
        for key in ("x" * 201, "sleutel\x01"):
            response = post_json(client, RESPONSES, self.PAYLOAD, HTTP_IDEMPOTENCY_KEY=key)
            assert response.status_code == 400
            assert list(field_errors(response)) == ["Idempotency-Key"]
        assert nothing_stored()


# --- Recording a measurement --------------------------------------------------------------


class TestMeasurement:
    def payload(self, dossier, **changes):
        return {
            "instrument": "zrm",
            "dossier": dossier.pk,
            "mode": "by_worker",
            "moment": "intake",
            "answers": {"finances": 2, "housing": 3},
            **changes,
        }

    def test_a_worker_records_one_in_a_dossier_of_the_team(self, client, team, dossier):
        colleague = member(team)
        client.force_login(colleague)
        response = post_json(client, RESPONSES, self.payload(dossier))
        assert response.status_code == 201, response.json()
        stored = Response.objects.get()
        assert stored.dossier == dossier
        assert stored.client == dossier.client
        assert stored.recorded_by == colleague
        assert stored.respondent is None
        assert (stored.mode, stored.moment) == ("by_worker", "intake")
        body = response.json()
        # level per domain: finances 2, housing 3; overall (2 + 3) / 2 = 2.5
        scores = {row["dimension"]: row["score"] for row in body["dimension_scores"]}
        assert (scores["finances"], scores["housing"]) == ("2.00", "3.00")
        assert body["overall_score"] == "2.50"
        assert log(action="create", object_id=str(stored.pk)).exists()

    def test_a_team_leader_may_too_and_the_moment_is_optional(self, client, team, dossier):
        client.force_login(member(team, Role.TEAM_LEADER))
        payload = self.payload(dossier, mode="by_worker")
        del payload["moment"]
        assert post_json(client, RESPONSES, payload).status_code == 201
        assert Response.objects.get().moment == Response.Moment.NONE

    def test_another_teams_dossier_and_a_missing_one_are_a_logged_404(self, client, worker):
        foreign = DossierFactory()
        client.force_login(worker)
        theirs = post_json(client, RESPONSES, self.payload(foreign))
        missing = post_json(client, RESPONSES, {**self.payload(foreign), "dossier": 999999})
        assert theirs.status_code == missing.status_code == 404
        assert problem(theirs) == problem(missing)
        assert nothing_stored()
        denied = log(action="denied", object_type="dossiers.dossier")
        assert sorted(denied.values_list("object_id", flat=True)) == sorted(
            [str(foreign.pk), "999999"]
        )

    def test_a_closed_dossier(self, client, worker, dossier):
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Dossier.Status.CLOSED,
            ended_on=timezone.localdate(),
            closing_reason="goals_reached",
        )
        client.force_login(worker)
        response = post_json(client, RESPONSES, self.payload(dossier))
        assert response.status_code == 400
        assert list(field_errors(response)) == ["dossier"]
        assert nothing_stored()

    def test_a_scan_together_needs_the_clients_consent(self, client, worker, dossier):
        client.force_login(worker)
        together = self.payload(
            dossier, instrument="positive-health-short", mode="together", answers={"body-1": 6}
        )
        refused = post_json(client, RESPONSES, together)
        assert refused.status_code == 400
        assert list(field_errors(refused)) == ["client_consents"]
        assert nothing_stored()
        agreed = post_json(client, RESPONSES, {**together, "client_consents": True})
        assert agreed.status_code == 201, agreed.json()
        assert Response.objects.get().mode == "together"

    @pytest.mark.parametrize(
        ("instrument", "mode"), [("zrm", "together"), ("positive-health-short", "by_worker")]
    )
    def test_the_mode_follows_the_instrument(self, client, worker, dossier, instrument, mode):
        client.force_login(worker)
        payload = self.payload(
            dossier, instrument=instrument, mode=mode, client_consents=True, answers={}
        )
        response = post_json(client, RESPONSES, payload)
        assert response.status_code == 400
        assert list(field_errors(response)) == ["mode"]
        assert nothing_stored()

    def test_a_survey_is_not_a_measurement(self, client, worker, dossier):
        client.force_login(worker)
        response = post_json(
            client, RESPONSES, self.payload(dossier, instrument="client-satisfaction")
        )
        assert response.status_code == 400
        assert list(field_errors(response)) == ["instrument"]
        assert nothing_stored()

    @pytest.mark.parametrize("missing", ["dossier", "mode"])
    def test_dossier_and_mode_are_required(self, client, worker, dossier, missing):
        client.force_login(worker)
        payload = self.payload(dossier)
        del payload[missing]
        response = post_json(client, RESPONSES, payload)
        assert response.status_code == 400
        assert list(field_errors(response)) == [missing]
        assert nothing_stored()

    def test_a_worker_cannot_share_nor_fill_in_alone(self, client, worker, dossier):
        client.force_login(worker)
        shared = post_json(client, RESPONSES, self.payload(dossier, shared_with_worker=True))
        alone = post_json(client, RESPONSES, self.payload(dossier, mode="self"))
        assert shared.status_code == alone.status_code == 400
        assert list(field_errors(shared)) == ["shared_with_worker"]
        assert list(field_errors(alone)) == ["mode"]
        assert nothing_stored()

    def test_answers_off_the_scale(self, client, worker, dossier):
        client.force_login(worker)
        response = post_json(
            client, RESPONSES, self.payload(dossier, answers={"finances": 6, "housing": 3})
        )
        assert response.status_code == 400
        assert list(field_errors(response)["answers"]) == ["finances"]
        assert nothing_stored()
        assert Dossier.objects.get(pk=dossier.pk).updated_at == dossier.updated_at

    @pytest.mark.parametrize(
        "role", [Role.MANAGER, Role.VOLUNTEER, Role.MUNICIPALITY_VIEWER, Role.FUNCTIONAL_ADMIN]
    )
    def test_everyone_else_is_refused(self, client, dossier, role):
        client.force_login(UserFactory(role=role))
        assert post_json(client, RESPONSES, self.payload(dossier)).status_code == 403
        assert nothing_stored()

    def test_a_partner_system_is_refused(self, client, dossier):
        key = api_token_for(PartnerSystemFactory())
        response = post_json(client, RESPONSES, self.payload(dossier), **token_header(key))
        assert response.status_code == 403
        assert nothing_stored()


# --- Query counts -------------------------------------------------------------------------


class TestQueryCounts:
    """The same number of queries for a few and for many rows (a page shows 50)."""

    @pytest.mark.parametrize("rows", [3, 60])
    def test_instrument_list(self, client, django_assert_num_queries, resident, rows):
        for _ in range(rows):
            version = version_with_items(dimensions={"a": ["a1", "a2"], "b": ["b1"]})
            ItemFactory(dimension=None, version=version, kind="open", order=10)
        client.force_login(resident)
        # session, user, count, page of instruments, their current versions, dimensions,
        # items (with dimension)
        with django_assert_num_queries(7):
            response = client.get(INSTRUMENTS)
        assert len(response.json()["results"]) == min(rows + 6, 50)

    @pytest.mark.parametrize("rows", [3, 60])
    def test_response_list_of_a_resident(
        self, client, django_assert_num_queries, resident, dossier, rows
    ):
        for _ in range(rows):
            self_scan(resident, answers={"body-1": 4, "mental-1": 5})
        client.force_login(resident)
        # session, user, count, page of responses (with version and instrument), their
        # dimension scores (with dimension), their answers (with item), access-log row
        with django_assert_num_queries(7):
            response = client.get(RESPONSES)
        assert len(response.json()["results"]) == min(rows, 50)

    @pytest.mark.parametrize("rows", [3, 60])
    def test_response_list_of_a_worker(
        self, client, django_assert_num_queries, worker, dossier, rows
    ):
        for _ in range(rows):
            measurement(dossier, worker)
        client.force_login(worker)
        client.get(RESPONSES)  # the first request of a session stamps the staff activity
        # session, user, second factor, own teams, count, page of responses, dimension
        # scores, answers, access-log row
        with django_assert_num_queries(9):
            response = client.get(RESPONSES)
        assert len(response.json()["results"]) == min(rows, 50)

    @pytest.mark.parametrize("answers", [1, 17])
    def test_response_detail(self, client, django_assert_num_queries, resident, answers):
        items = [
            item.code
            for item in InstrumentVersion.objects.get(instrument__code=PH_SHORT).items.all()
        ]
        scan = self_scan(resident, answers=dict.fromkeys(items[:answers], 5))
        client.force_login(resident)
        # session, user, response (with client, version, instrument), dimension scores,
        # answers, access-log row
        with django_assert_num_queries(6):
            response = client.get(f"{RESPONSES}{scan.pk}/")
        assert len(response.json()["answers"]) == answers

    @pytest.mark.parametrize("answers", [1, 13])
    def test_response_detail_for_a_worker(
        self, client, django_assert_num_queries, worker, dossier, answers
    ):
        codes = [
            item.code for item in InstrumentVersion.objects.get(instrument__code="zrm").items.all()
        ]
        response = completed(
            "zrm",
            answers=dict.fromkeys(codes[:answers], 3),
            mode=Response.Mode.BY_WORKER,
            dossier=dossier,
            recorded_by=worker,
        )
        client.force_login(worker)
        client.get(RESPONSES)  # staff activity stamp
        # session, user, second factor, response, dimension scores, answers, own teams,
        # the client's dossiers in them (policy), access-log row
        with django_assert_num_queries(9):
            answer = client.get(f"{RESPONSES}{response.pk}/")
        assert len(answer.json()["answers"]) == answers


# --- OpenAPI ------------------------------------------------------------------------------


class TestSchema:
    OPERATIONS = {
        ("/api/v1/instruments/", "get"),
        ("/api/v1/instruments/{code}/", "get"),
        ("/api/v1/responses/", "get"),
        ("/api/v1/responses/", "post"),
        ("/api/v1/responses/{id}/", "get"),
    }

    def test_the_endpoints_are_documented_and_the_schema_validates(self, tmp_path):
        target = tmp_path / "schema.yml"
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
        schema = yaml.safe_load(target.read_text())
        operations = {(path, method) for path, item in schema["paths"].items() for method in item}
        assert operations >= self.OPERATIONS
        post = schema["paths"]["/api/v1/responses/"]["post"]
        assert {"200", "201", "400", "401", "403", "404", "409", "415"} <= set(post["responses"])
        assert [p["name"] for p in post["parameters"]] == ["Idempotency-Key"]
        assert "Idempotency-Key" in post["description"]
        request = schema["components"]["schemas"]["QuestionnaireResponseCreateRequest"]
        assert sorted(request["required"]) == ["answers", "instrument"]
        assert set(request["properties"]) == {
            "instrument",
            "version",
            "answers",
            "shared_with_worker",
            "dossier",
            "mode",
            "moment",
            "client_consents",
        }
        listed = schema["paths"]["/api/v1/responses/"]["get"]
        assert {p["name"] for p in listed["parameters"]} == {
            "page",
            "instrument",
            "client",
            "status",
        }
