"""Activities: residents sign up for a place or the waiting list, which moves up when someone
cancels; places hold under sign-ups at the same moment; staff of the organising team see
who signed up and note who was there."""

import threading
from datetime import timedelta

import icalendar
import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal import activities
from apps.portal.models import Activity, SignUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


def make_activity(team, *, capacity=2, starts_in=timedelta(days=3), **fields):
    starts = timezone.now() + starts_in
    return Activity.objects.create(
        team=team,
        title=fields.pop("title", "Taalcafé"),
        description="Samen Nederlands oefenen, met koffie.",
        place="Buurthuis De Linde, Lindelaan 4",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
        **fields,
    )


@pytest.fixture
def activity(worker):
    return make_activity(worker.teams.get())


def resident():
    return UserFactory(role=Role.RESIDENT)


class TestSigningUp:
    def test_a_resident_gets_a_place_and_the_calendar_file(self, client, activity):
        anna = resident()
        client.force_login(anna)
        signed = client.post(f"/activiteiten/{activity.pk}/aanmelden/")
        assert signed.status_code == 302
        assert SignUp.objects.get().status == SignUp.Status.PLACE
        page = client.get(f"/activiteiten/{activity.pk}/")
        assert "Je hebt een plek." in page.content.decode()
        ics = client.get(f"/activiteiten/{activity.pk}/agenda.ics")
        assert ics["Content-Type"] == "text/calendar"
        event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
        assert str(event["SUMMARY"]) == "Taalcafé"
        assert event.decoded("DTSTART") == activity.starts_at.replace(microsecond=0)

    def test_a_full_activity_offers_the_waiting_list_and_changes_nothing_without_it(
        self, client, activity
    ):
        for _ in range(2):
            activities.sign_up(actor=resident(), activity=activity)
        late = resident()
        client.force_login(late)
        page = client.get(f"/activiteiten/{activity.pk}/")
        assert "Zet me op de wachtlijst" in page.content.decode()
        refused = client.post(f"/activiteiten/{activity.pk}/aanmelden/", follow=True)
        assert "Deze activiteit is vol" in refused.content.decode()
        assert not SignUp.objects.filter(resident=late).exists()
        client.post(f"/activiteiten/{activity.pk}/aanmelden/", {"wachtlijst": "ja"})
        assert SignUp.objects.get(resident=late).status == SignUp.Status.WAITING

    def test_a_double_sign_up_is_refused(self, client, activity):
        anna = resident()
        client.force_login(anna)
        client.post(f"/activiteiten/{activity.pk}/aanmelden/")
        again = client.post(f"/activiteiten/{activity.pk}/aanmelden/", follow=True)
        assert "Je bent al aangemeld" in again.content.decode()
        assert SignUp.objects.filter(resident=anna).count() == 1

    def test_cancelling_a_place_moves_the_waiting_list_up_and_mails_them(
        self, client, activity, mailoutbox, django_capture_on_commit_callbacks
    ):
        first, second = resident(), resident()
        activities.sign_up(actor=first, activity=activity)
        activities.sign_up(actor=resident(), activity=activity)
        waiting = activities.sign_up(actor=second, activity=activity, waiting_list_ok=True)
        client.force_login(first)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/activiteiten/{activity.pk}/afmelden/")
        waiting.refresh_from_db()
        assert waiting.status == SignUp.Status.PLACE and waiting.moved_up_at
        assert [mail.to for mail in mailoutbox] == [[second.email]]
        assert "Taalcafé" in mailoutbox[0].subject

    def test_a_reminder_goes_once_to_those_with_a_place(self, worker, mailoutbox):
        soon = make_activity(worker.teams.get(), starts_in=timedelta(hours=20))
        later = make_activity(worker.teams.get(), starts_in=timedelta(days=5))
        placed = activities.sign_up(actor=resident(), activity=soon, waiting_list_ok=True)
        activities.sign_up(actor=resident(), activity=soon, waiting_list_ok=True)
        activities.sign_up(actor=resident(), activity=soon, waiting_list_ok=True)  # waiting
        activities.sign_up(actor=resident(), activity=later)
        assert activities.reminders_send() == 2
        assert activities.reminders_send() == 0
        assert placed.resident.email in [mail.to[0] for mail in mailoutbox]
        assert len(mailoutbox) == 2

    def test_walk_in_hours_need_no_sign_up(self, client, worker):
        walk_in = make_activity(worker.teams.get(), capacity=None, kind="walk_in")
        client.force_login(resident())
        answer = client.post(f"/activiteiten/{walk_in.pk}/aanmelden/", follow=True)
        assert "gewoon langs" in answer.content.decode()
        assert not SignUp.objects.exists()

    def test_the_list_reads_as_many_queries_for_few_and_many_activities(self, client, worker):
        team = worker.teams.get()
        make_activity(team)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/activiteiten/").status_code == 200
            return len(captured)

        few = queries()
        for number in range(25):
            made = make_activity(team, title=f"Groep {number}")
            activities.sign_up(actor=resident(), activity=made)
        assert queries() == few


class TestBadInput:
    def test_a_forged_activity_is_a_404(self, client):
        client.force_login(resident())
        assert client.post("/activiteiten/999999/aanmelden/").status_code == 404
        assert client.post("/activiteiten/999999/afmelden/").status_code == 404
        assert client.get("/activiteiten/999999/").status_code == 404

    def test_signing_off_without_a_sign_up_is_a_404(self, client, activity):
        client.force_login(resident())
        assert client.post(f"/activiteiten/{activity.pk}/afmelden/").status_code == 404

    def test_a_past_or_cancelled_activity_takes_no_sign_ups(self, client, worker):
        past = make_activity(worker.teams.get(), starts_in=-timedelta(hours=1))
        cancelled = make_activity(worker.teams.get(), status=Activity.Status.CANCELLED)
        client.force_login(resident())
        for made in (past, cancelled):
            client.post(f"/activiteiten/{made.pk}/aanmelden/")
        assert not SignUp.objects.exists()

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER])
    def test_only_residents_sign_up(self, client, activity, role):
        client.force_login(UserFactory(role=role))
        assert client.post(f"/activiteiten/{activity.pk}/aanmelden/").status_code == 403
        assert not SignUp.objects.exists()

    def test_anonymous_visitors_are_asked_to_sign_in(self, client, activity):
        assert client.post(f"/activiteiten/{activity.pk}/aanmelden/").url.startswith(
            "/account/login/"
        )

    def test_odd_filters_show_everything(self, client, activity):
        page = client.get("/activiteiten/", {"thema": "<script>", "soort": "x", "pagina": "-1"})
        assert page.status_code == 200


class TestStaff:
    def form(self, team, **changes):
        starts = timezone.localtime() + timedelta(days=7)
        return {
            "title": "Wandelgroep",
            "kind": "group",
            "theme": "",
            "team": team.pk,
            "description": "Elke week een uur wandelen.",
            "place": "Bij de bibliotheek",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "12",
            "status": "planned",
            **changes,
        }

    def test_a_worker_plans_an_activity_for_their_team(self, client, worker):
        client.force_login(worker)
        saved = client.post("/werk/activiteiten/nieuw/", self.form(worker.teams.get()))
        made = Activity.objects.get()
        assert saved.url == f"/werk/activiteiten/{made.pk}/deelnemers/"
        assert made.created_by == worker

    def test_not_for_another_team(self, client, worker):
        other = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).team
        client.force_login(worker)
        refused = client.post("/werk/activiteiten/nieuw/", self.form(other))
        assert refused.status_code == 400
        assert not Activity.objects.exists()

    def test_an_end_before_the_start_is_refused(self, client, worker):
        client.force_login(worker)
        form = self.form(worker.teams.get())
        form["ends_at"] = form["starts_at"]
        assert client.post("/werk/activiteiten/nieuw/", form).status_code == 400
        assert not Activity.objects.exists()

    def test_fewer_places_than_taken_is_refused(self, client, worker, activity):
        activities.sign_up(actor=resident(), activity=activity)
        activities.sign_up(actor=resident(), activity=activity)
        client.force_login(worker)
        form = self.form(worker.teams.get(), capacity="1")
        assert client.post(f"/werk/activiteiten/{activity.pk}/", form).status_code == 400
        activity.refresh_from_db()
        assert activity.capacity == 2

    def test_more_places_move_the_waiting_list_up(self, client, worker, activity):
        for _ in range(3):
            activities.sign_up(actor=resident(), activity=activity, waiting_list_ok=True)
        client.force_login(worker)
        client.post(f"/werk/activiteiten/{activity.pk}/", self.form(worker.teams.get()))
        assert SignUp.objects.filter(status=SignUp.Status.PLACE).count() == 3

    def test_calling_an_activity_off_tells_everyone_signed_up_once(
        self, client, worker, activity, mailoutbox, django_capture_on_commit_callbacks
    ):
        placed = activities.sign_up(actor=resident(), activity=activity)
        waiting = activities.sign_up(actor=resident(), activity=activity, waiting_list_ok=True)
        activities.sign_up(actor=resident(), activity=activity, waiting_list_ok=True)
        client.force_login(worker)
        form = self.form(worker.teams.get(), status="cancelled")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/werk/activiteiten/{activity.pk}/", form)
        assert not SignUp.objects.active().exists()
        assert placed.resident.email in [mail.to[0] for mail in mailoutbox]
        assert waiting.resident.email in [mail.to[0] for mail in mailoutbox]
        assert len(mailoutbox) == 3
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/werk/activiteiten/{activity.pk}/", form)
        assert len(mailoutbox) == 3

    def test_the_team_sees_who_signed_up_and_notes_who_was_there(self, client, worker):
        past = make_activity(worker.teams.get(), starts_in=timedelta(hours=2))
        placed = activities.sign_up(actor=resident(), activity=past)
        Activity.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(hours=1))
        client.force_login(worker)
        page = client.get(f"/werk/activiteiten/{past.pk}/deelnemers/")
        assert placed.resident.get_full_name() in page.content.decode()
        client.post(
            f"/werk/activiteiten/{past.pk}/deelnemers/", {"sign_up": placed.pk, "attended": "yes"}
        )
        placed.refresh_from_db()
        assert placed.attended is True

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEADER])
    def test_another_team_cannot_see_who_signed_up(self, client, activity, role):
        client.force_login(TeamMembershipFactory(user__role=role).user)
        assert client.get(f"/werk/activiteiten/{activity.pk}/deelnemers/").status_code == 404
        assert client.get(f"/werk/activiteiten/{activity.pk}/").status_code == 404

    @pytest.mark.parametrize("role", [Role.RESIDENT, Role.MANAGER, Role.VOLUNTEER])
    def test_others_cannot_open_the_staff_pages(self, client, activity, role):
        client.force_login(UserFactory(role=role))
        assert client.get("/werk/activiteiten/").status_code == 403
        assert client.get(f"/werk/activiteiten/{activity.pk}/deelnemers/").status_code == 403


# Committed rows, so that two connections see them. The flush after it empties what the
# migrations wrote (themes, information pages): it runs in the one-process step of
# bin/run-tests, where pytest-django puts the tests that empty the database last, and
# serialized_rollback puts those rows back.
@pytest.mark.serial
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_parallel_sign_ups_for_the_last_place_give_one_place_and_one_turn(worker):
    activity = make_activity(worker.teams.get(), capacity=1)
    first, second = resident(), resident()
    start = threading.Barrier(2)
    results = {}

    def sign(who):
        try:
            start.wait()
            results[who.pk] = activities.sign_up(
                actor=who, activity=activity, waiting_list_ok=True
            ).status
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sign, args=(who,)) for who in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [SignUp.Status.PLACE, SignUp.Status.WAITING]
    assert SignUp.objects.filter(status=SignUp.Status.PLACE).count() == 1
