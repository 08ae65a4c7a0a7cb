"""Changing a dossier through the API: contact moments and questions, through the same
services as the pages, logged; bad input gets a 400 per field and changes nothing."""

import json

import pytest
from django.test import Client as DjangoClient
from django.utils import timezone

from apps.accounts.models import Role
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import ContactMoment, RegisteredQuestion
from apps.dossiers.tests.api_support import API, field_errors, member, outsider, post_json
from apps.dossiers.tests.factories import ContactMomentFactory, DossierFactory
from apps.organisation.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def worker(team):
    return member(team)


@pytest.fixture
def dossier(team, worker):
    return DossierFactory(team=team, responsible_worker=worker)


def moments_url(dossier):
    return f"{API}/dossiers/{dossier.pk}/contact-moments/"


def questions_url(dossier):
    return f"{API}/dossiers/{dossier.pk}/questions/"


def an_hour_ago() -> str:
    return (timezone.now() - timezone.timedelta(hours=1)).isoformat()


def moment(**changes):
    return {
        "occurred_at": an_hour_ago(),
        "mode": "home_visit",
        "duration_minutes": 45,
        "notes": "Post doorgenomen, twee aanmaningen.",
        "client_summary": "We hebben je post samen bekeken.",
        **changes,
    }


class TestContactMoments:
    def test_a_colleague_logs_one_and_it_is_logged_twice(self, client, team, dossier):
        colleague = member(team)
        client.force_login(colleague)

        response = post_json(client, moments_url(dossier), moment())

        assert response.status_code == 201
        saved = ContactMoment.objects.get()
        assert saved.dossier == dossier
        assert saved.worker == colleague
        assert saved.mode == "home_visit"
        body = response.json()
        assert body["id"] == saved.pk
        assert body["worker"]["id"] == colleague.pk
        assert body["notes"] == "Post doorgenomen, twee aanmaningen."
        actions = set(
            AccessLogEntry.objects.filter(actor_user_id=colleague.pk).values_list(
                "action", "object_type"
            )
        )
        assert actions == {("read", "dossiers.dossier"), ("create", "dossiers.contactmoment")}

    def test_the_list_shows_the_latest_first_with_the_teams_notes(self, client, worker, dossier):
        older = ContactMomentFactory(
            dossier=dossier, occurred_at=timezone.now() - timezone.timedelta(days=3)
        )
        newer = ContactMomentFactory(dossier=dossier, notes="Alleen voor het team.")
        client.force_login(worker)
        results = client.get(moments_url(dossier)).json()["results"]
        assert [row["id"] for row in results] == [newer.pk, older.pk]
        assert results[0]["notes"] == "Alleen voor het team."

    def test_a_team_leader_may_log_one(self, client, team, dossier):
        client.force_login(member(team, Role.TEAM_LEADER))
        assert post_json(client, moments_url(dossier), moment()).status_code == 201

    def test_another_teams_worker_gets_a_404_and_nothing_is_saved(self, client, dossier):
        client.force_login(member())
        response = post_json(client, moments_url(dossier), moment())
        assert response.status_code == 404
        assert not ContactMoment.objects.exists()
        assert AccessLogEntry.objects.filter(action="denied", object_id=str(dossier.pk)).exists()

    def test_not_yours_is_a_404_before_the_input_is_looked_at(self, client, dossier):
        client.force_login(member())
        response = post_json(client, moments_url(dossier), {"mode": "nonsense", "x": 1})
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "role", [Role.RESIDENT, Role.MANAGER, Role.MUNICIPALITY_VIEWER, Role.FUNCTIONAL_ADMIN]
    )
    def test_roles_without_casework_get_403(self, client, dossier, role):
        client.force_login(outsider(role))
        assert post_json(client, moments_url(dossier), moment()).status_code == 403
        assert not ContactMoment.objects.exists()

    def test_a_volunteer_in_the_team_gets_403(self, client, team, dossier):
        client.force_login(member(team, Role.VOLUNTEER))
        assert post_json(client, moments_url(dossier), moment()).status_code == 403

    def test_anonymous_gets_401(self, client, dossier):
        assert post_json(client, moments_url(dossier), moment()).status_code == 401

    def test_a_session_needs_the_csrf_token_for_a_change(self, worker, dossier):
        browser = DjangoClient(enforce_csrf_checks=True)
        browser.force_login(worker)
        response = post_json(browser, moments_url(dossier), moment())
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
        assert not ContactMoment.objects.exists()


class TestBadContactMoments:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            (
                {"occurred_at": (timezone.now() + timezone.timedelta(days=1)).isoformat()},
                "occurred_at",
            ),
            ({"occurred_at": "1999-01-01T10:00:00+01:00"}, "occurred_at"),
            ({"occurred_at": "2026-13-45T10:00"}, "occurred_at"),
            ({"occurred_at": "gisteren"}, "occurred_at"),
            ({"mode": "carrier-pigeon"}, "mode"),
            ({"duration_minutes": 0}, "duration_minutes"),
            ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
            ({"duration_minutes": "three quarters"}, "duration_minutes"),
            ({"duration_minutes": [45]}, "duration_minutes"),
            ({"notes": {"text": "a dict"}}, "notes"),
            ({"notes": "nul\x00byte"}, "notes"),
            ({"client_summary": "half a surrogate \ud800"}, "client_summary"),
        ],
    )
    def test_a_clear_400_per_field_and_nothing_saved(self, client, worker, dossier, changes, field):
        client.force_login(worker)
        response = post_json(client, moments_url(dossier), moment(**changes))
        assert response.status_code == 400
        assert field in field_errors(response)
        assert not ContactMoment.objects.exists()
        assert not AccessLogEntry.objects.filter(action="create").exists()

    def test_a_future_moment_says_why(self, client, worker, dossier):
        client.force_login(worker)
        tomorrow = (timezone.now() + timezone.timedelta(days=1)).isoformat()
        response = post_json(client, moments_url(dossier), moment(occurred_at=tomorrow))
        assert response.status_code == 400
        assert field_errors(response) == {
            "occurred_at": ["Een contactmoment kan niet in de toekomst liggen."]
        }

    def test_unknown_and_read_only_fields_are_refused(self, client, worker, dossier):
        client.force_login(worker)
        payload = moment(worker=worker.pk, dossier=123, id=7, mood="good")
        response = post_json(client, moments_url(dossier), payload)
        assert response.status_code == 400
        errors = field_errors(response)
        assert set(errors) == {"worker", "dossier", "id", "mood"}
        assert not ContactMoment.objects.exists()

    def test_unknown_fields_are_reported_next_to_field_errors(self, client, worker, dossier):
        client.force_login(worker)
        response = post_json(client, moments_url(dossier), moment(mode="x", colour="red"))
        assert set(field_errors(response)) == {"mode", "colour"}

    def test_missing_fields(self, client, worker, dossier):
        client.force_login(worker)
        response = post_json(client, moments_url(dossier), {})
        assert response.status_code == 400
        assert set(field_errors(response)) == {"occurred_at", "mode", "duration_minutes"}

    @pytest.mark.parametrize(
        "body",
        [
            "[1, 2]",
            '"text"',
            "null",
            "{not json",
            '{"mode": NaN}',
            "1" * 5000,
            "[" * 100_000,  # deeper than Python's JSON decoder can go
            '{"a":' * 100_000,
        ],
    )
    def test_a_body_that_is_not_an_object(self, client, worker, dossier, body):
        client.force_login(worker)
        response = client.post(moments_url(dossier), body, content_type="application/json")
        assert response.status_code == 400
        assert not ContactMoment.objects.exists()

    def test_a_form_post_is_refused(self, client, worker, dossier):
        client.force_login(worker)
        response = client.post(moments_url(dossier), moment())
        assert response.status_code == 415

    def test_a_closed_dossier_takes_no_more_contact(self, client, worker, team):
        closed = DossierFactory(
            team=team,
            status="closed",
            ended_on=timezone.localdate(),
            closing_reason="goals_reached",
        )
        client.force_login(worker)
        response = post_json(client, moments_url(closed), moment())
        assert response.status_code == 400
        assert "dossier" in field_errors(response)
        assert not ContactMoment.objects.exists()


class TestQuestions:
    def test_register_a_question_by_theme_code(self, client, worker, dossier):
        client.force_login(worker)
        response = post_json(
            client,
            questions_url(dossier),
            {
                "theme": "geldzaken-regelgeving",
                "subcategory": " Schulden ",
                "description": "Ik kom niet rond.",
            },
        )
        assert response.status_code == 201
        question = RegisteredQuestion.objects.get()
        assert question.dossier == dossier
        assert question.theme.code == "geldzaken-regelgeving"
        assert question.subcategory == "Schulden"
        assert response.json()["theme"] == "geldzaken-regelgeving"
        assert AccessLogEntry.objects.filter(
            action="create", object_type="dossiers.registeredquestion"
        ).exists()
        listed = client.get(questions_url(dossier)).json()["results"]
        assert [row["id"] for row in listed] == [question.pk]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({}, "theme"),
            ({"theme": "no-such-theme"}, "theme"),
            ({"theme": 1}, "theme"),
            ({"theme": "geldzaken-regelgeving", "subcategory": "x" * 101}, "subcategory"),
            ({"theme": "geldzaken-regelgeving", "dossier": 1}, "dossier"),
            ({"theme": "geldzaken-regelgeving", "registered_at": an_hour_ago()}, "registered_at"),
        ],
    )
    def test_bad_input(self, client, worker, dossier, payload, field):
        client.force_login(worker)
        response = post_json(client, questions_url(dossier), payload)
        assert response.status_code == 400
        assert field in field_errors(response)
        assert not RegisteredQuestion.objects.exists()

    def test_another_team_gets_404(self, client, dossier):
        client.force_login(member())
        response = post_json(client, questions_url(dossier), {"theme": "geldzaken-regelgeving"})
        assert response.status_code == 404
        assert not RegisteredQuestion.objects.exists()

    def test_error_messages_follow_the_language_cookie(self, client, worker, dossier):
        client.force_login(worker)
        client.cookies["django_language"] = "en"
        response = client.post(
            questions_url(dossier),
            json.dumps({"theme": "geldzaken-regelgeving", "extra": 1}),
            content_type="application/json",
        )
        assert field_errors(response) == {"extra": ["Unknown field."]}


def test_after_break_the_glass_a_write_is_a_403_without_internal_names(client, dossier):
    from apps.dossiers import services

    stranger = member(TeamFactory())
    services.dossier_break_glass(
        dossier=dossier, actor=stranger, reason="Crisis, het eigen team is er niet."
    )
    client.force_login(stranger)
    response = post_json(client, moments_url(dossier), moment())
    assert response.status_code == 403
    assert "dossiers." not in response.json()["detail"]
    assert not ContactMoment.objects.exists()
