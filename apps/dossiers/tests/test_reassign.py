"""The team leader divides the work: gives a client to a colleague, and asks a worker why a
trajectory runs long. Only the leader of the dossier's team may; the new worker, or the
worker asked, gets an e-mail without anything about the client."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers import services
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]
OVERVIEW = "/werk/dossiers/team/"


def days_ago(days):
    return timezone.localdate() - timezone.timedelta(days=days)


def dutch_short_date(day):
    with translation.override("nl"):
        return date_format(day, "SHORT_DATE_FORMAT")


def reassign_url(dossier):
    return f"/werk/dossiers/{dossier.pk}/overdragen/"


def request_url(dossier):
    return f"/werk/dossiers/{dossier.pk}/uitleg-vragen/"


@pytest.fixture
def team(db):
    """A team: its leader, two social workers (Sanne has the client), and members who may
    not take clients over. Each test's e-mails are sent after its commit, executed here."""
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    the_team = leader.teams.get()

    def member(role, **user):
        return TeamMembershipFactory(team=the_team, user__role=role, **user).user

    people = {
        "leader": leader,
        "team": the_team,
        "sanne": member(Role.SOCIAL_WORKER),
        "tom": member(Role.SOCIAL_WORKER),
        "gone": member(Role.SOCIAL_WORKER, user__is_active=False),
        "volunteer": member(Role.VOLUNTEER),
        "manager": member(Role.MANAGER),
        "resident": UserFactory(role=Role.RESIDENT),
        "outsider": TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user,
    }
    people["dossier"] = DossierFactory(
        team=the_team, responsible_worker=people["sanne"], started_on=days_ago(250)
    )
    return people


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a service leaves for after its commit (the e-mail task), as in production."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def assert_mail_tells_nothing_about_the_client(message, dossier):
    text = f"{message.subject}\n{message.body}"
    for part in (dossier.client.first_name, dossier.client.last_name, dossier.client.full_name):
        assert part not in text
    assert f"/werk/dossiers/{dossier.pk}/" in message.body


class TestReassign:
    def test_the_leader_gives_the_client_to_a_colleague(self, client, team, on_commit):
        dossier, tom = team["dossier"], team["tom"]
        client.force_login(team["leader"])
        page = client.get(
            reassign_url(dossier), {"next": f"/werk/dossiers/team/{team['team'].pk}/lang/"}
        )
        assert page.status_code == 200
        html = page.content.decode()
        assert escape(dossier.client.full_name) in html
        # Only active social workers of the team, other than Sanne, are offered.
        assert list(page.context["form"].fields["new_worker"].queryset) == [tom]
        for name in ("gone", "volunteer", "manager", "outsider"):
            assert escape(str(team[name])) not in html

        before = timezone.now()
        response = on_commit(
            lambda: client.post(
                reassign_url(dossier),
                {
                    "new_worker": tom.pk,
                    "reason": "Sanne heeft te veel cliënten.",
                    "next": f"/werk/dossiers/team/{team['team'].pk}/lang/",
                },
            )
        )
        assert response.status_code == 302
        assert response.url == f"/werk/dossiers/team/{team['team'].pk}/lang/"
        dossier.refresh_from_db()
        assert dossier.responsible_worker == tom
        assert dossier.worker_assigned_at >= before
        change = AccessLogEntry.objects.get(action="update", object_id=str(dossier.pk))
        assert change.actor_user_id == team["leader"].pk
        assert change.object_type == "dossiers.dossier"
        assert change.reason == (
            f"social worker {team['sanne'].email} → {tom.email}: Sanne heeft te veel cliënten."
        )
        [message] = mail.outbox
        assert message.to == [tom.email]
        assert message.subject == "Er is een cliënt aan je overgedragen in Buurtkompas"
        assert_mail_tells_nothing_about_the_client(message, dossier)
        followed = client.get(response.url)
        assert escape(f"{tom} begeleidt nu {dossier.client.full_name}") in followed.content.decode()

    def test_it_is_offered_from_the_overview_and_the_long_list(self, client, team):
        dossier = team["dossier"]
        client.force_login(team["leader"])
        overview = client.get(OVERVIEW).content.decode()
        assert f'href="{reassign_url(dossier)}?next=/werk/dossiers/team/"' in overview
        long_list = client.get(f"/werk/dossiers/team/{team['team'].pk}/lang/").content.decode()
        assert f"{reassign_url(dossier)}?next=/werk/dossiers/team/{team['team'].pk}/lang/" in (
            long_list
        )

    @pytest.mark.parametrize(
        "chosen", ["outsider", "gone", "volunteer", "manager", "resident", "sanne", "leader"]
    )
    def test_only_an_active_social_worker_of_the_team_can_take_over(
        self, client, team, chosen, on_commit
    ):
        dossier = team["dossier"]
        client.force_login(team["leader"])
        response = on_commit(
            lambda: client.post(reassign_url(dossier), {"new_worker": team[chosen].pk})
        )
        assert response.status_code == 400
        assert "Kies een van de sociaal werkers in de lijst." in response.content.decode()
        self.assert_nothing_changed(dossier, team)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Kies wie deze cliënt overneemt."),
            ({"new_worker": ""}, "Kies wie deze cliënt overneemt."),
            ({"new_worker": "abc"}, "Kies een van de sociaal werkers in de lijst."),
            ({"new_worker": "999999999"}, "Kies een van de sociaal werkers in de lijst."),
            ({"new_worker": "1 OR 1=1"}, "Kies een van de sociaal werkers in de lijst."),
            ({"new_worker": "\x00"}, "Null-tekens zijn niet toegestaan."),
        ],
    )
    def test_a_forged_form_gets_a_message(self, client, team, data, message, on_commit):
        client.force_login(team["leader"])
        response = on_commit(lambda: client.post(reassign_url(team["dossier"]), data))
        assert response.status_code == 400
        assert message in response.content.decode()
        self.assert_nothing_changed(team["dossier"], team)

    def test_a_reason_that_is_too_long_is_refused(self, client, team, on_commit):
        client.force_login(team["leader"])
        data = {"new_worker": team["tom"].pk, "reason": "x" * 301}
        response = on_commit(lambda: client.post(reassign_url(team["dossier"]), data))
        assert response.status_code == 400
        self.assert_nothing_changed(team["dossier"], team)

    def test_a_closed_dossier_stays_where_it_is(self, client, team, on_commit):
        dossier = team["dossier"]
        Dossier.objects.filter(pk=dossier.pk).update(
            status="closed", ended_on=days_ago(1), closing_reason="moved"
        )
        client.force_login(team["leader"])
        page = client.get(reassign_url(dossier))
        assert "Dit dossier is afgesloten." in page.content.decode()
        response = on_commit(
            lambda: client.post(reassign_url(dossier), {"new_worker": team["tom"].pk})
        )
        assert response.status_code == 400
        assert "Dit dossier is afgesloten." in response.content.decode()
        self.assert_nothing_changed(dossier, team)

    def test_a_social_worker_may_not_reassign(self, client, team, on_commit):
        client.force_login(team["tom"])
        url = reassign_url(team["dossier"])
        assert client.get(url).status_code == 403
        response = on_commit(lambda: client.post(url, {"new_worker": team["tom"].pk}))
        assert response.status_code == 403
        self.assert_nothing_changed(team["dossier"], team)

    def test_another_teams_leader_gets_a_logged_404(self, client, team, on_commit):
        other_leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        dossier = team["dossier"]
        client.force_login(other_leader)
        assert client.get(reassign_url(dossier)).status_code == 404
        response = on_commit(
            lambda: client.post(reassign_url(dossier), {"new_worker": team["tom"].pk})
        )
        assert response.status_code == 404
        refused = AccessLogEntry.objects.filter(action="denied", object_id=str(dossier.pk))
        assert refused.count() == 2
        assert set(refused.values_list("actor_user_id", "object_type")) == {
            (other_leader.pk, "dossiers.dossier")
        }
        self.assert_nothing_changed(dossier, team)
        # A dossier that does not exist answers the same.
        assert client.get("/werk/dossiers/999999999/overdragen/").status_code == 404

    @pytest.mark.parametrize("role", [Role.RESIDENT, Role.MANAGER, Role.FUNCTIONAL_ADMIN])
    def test_others_are_refused(self, client, team, role):
        client.force_login(UserFactory(role=role))
        assert client.get(reassign_url(team["dossier"])).status_code == 403
        client.logout()
        assert client.get(reassign_url(team["dossier"])).status_code == 302

    def test_the_page_costs_the_same_for_any_team(self, client, team, django_assert_num_queries):
        for _ in range(20):
            TeamMembershipFactory(team=team["team"], user__role=Role.SOCIAL_WORKER)
        client.force_login(team["leader"])
        url = reassign_url(team["dossier"])
        client.get(url)
        # 1 session, 2 user, 3 second factors, 4 team ids, 5 the dossier with its client,
        # team and worker, 6 its read logged, 7 whether anyone can take over, 8 the
        # colleagues with their open dossiers and capacity
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200

    @staticmethod
    def assert_nothing_changed(dossier, team):
        stored = Dossier.objects.get(pk=dossier.pk)
        assert stored.responsible_worker == team["sanne"]
        assert stored.worker_assigned_at == dossier.worker_assigned_at
        assert not AccessLogEntry.objects.filter(action="update").exists()
        assert mail.outbox == []


class TestReassignService:
    """The service refuses on its own, whatever form it was called from."""

    @pytest.mark.parametrize(
        ("chosen", "message"),
        [
            ("outsider", "Kies een sociaal werker van het team van dit dossier."),
            ("resident", "Kies een sociaal werker van het team van dit dossier."),
            ("sanne", "begeleidt deze cliënt al."),
            ("gone", "kan niet meer inloggen. Kies iemand anders."),
            ("volunteer", "heeft geen eigen caseload. Kies een sociaal werker."),
            ("manager", "heeft geen eigen caseload. Kies een sociaal werker."),
        ],
    )
    def test_who_cannot_take_over(self, team, chosen, message):
        with pytest.raises(ValidationError) as refused:
            services.dossier_reassign(
                dossier=team["dossier"], actor=team["leader"], new_worker=team[chosen]
            )
        [text] = refused.value.message_dict["new_worker"]
        assert text.endswith(message)

    def test_the_leader_of_another_team_and_a_social_worker_are_refused(self, team):
        from django.core.exceptions import PermissionDenied

        other_leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        for actor in (other_leader, team["tom"]):
            with pytest.raises(PermissionDenied):
                services.dossier_reassign(
                    dossier=team["dossier"], actor=actor, new_worker=team["tom"]
                )

    def test_an_intake_gives_the_dossier_to_its_worker_from_now(self, team):
        from apps.dossiers.tests.factories import IntakeRequestFactory
        from apps.organisation.models import Theme

        intake = IntakeRequestFactory(team=team["team"])
        before = timezone.now()
        dossier = services.intake_convert(
            intake=intake,
            actor=team["tom"],
            questions=[(Theme.objects.first(), "", "Schulden")],
        )
        assert dossier.responsible_worker == team["tom"]
        assert dossier.worker_assigned_at >= before


class TestAskForAnExplanation:
    def test_the_leader_asks_and_the_list_says_when(self, client, team, on_commit):
        dossier, sanne = team["dossier"], team["sanne"]
        client.force_login(team["leader"])
        overview = client.get(OVERVIEW).content.decode()
        assert f'action="{request_url(dossier)}"' in overview

        response = on_commit(lambda: client.post(request_url(dossier), {"next": OVERVIEW}))
        assert response.status_code == 302
        assert response.url == f"{OVERVIEW}#long-running-{dossier.pk}"
        dossier.refresh_from_db()
        assert dossier.explanation_requested_by == team["leader"]
        today = timezone.localdate()
        assert timezone.localdate(dossier.explanation_requested_at) == today
        asked = AccessLogEntry.objects.get(action="update", object_id=str(dossier.pk))
        assert asked.reason == f"long-running explanation asked of {sanne.email}"
        assert asked.actor_user_id == team["leader"].pk
        [message] = mail.outbox
        assert message.to == [sanne.email]
        assert message.subject == "Je teamleider vraagt je om uitleg"
        assert_mail_tells_nothing_about_the_client(message, dossier)

        overview = client.get(OVERVIEW).content.decode()
        assert f'action="{request_url(dossier)}"' not in overview
        asked_on = f"Nog geen uitleg · gevraagd op {dutch_short_date(today)}"
        assert asked_on in overview
        long_list = client.get(f"/werk/dossiers/team/{team['team'].pk}/lang/")
        assert asked_on in long_list.content.decode()

    def test_asking_twice_keeps_the_first_request(self, client, team, on_commit):
        dossier = team["dossier"]
        client.force_login(team["leader"])
        on_commit(lambda: client.post(request_url(dossier)))
        first = Dossier.objects.get(pk=dossier.pk).explanation_requested_at
        response = on_commit(lambda: client.post(request_url(dossier), follow=True))
        assert response.status_code == 200
        asked_on = dutch_short_date(timezone.localdate(first))
        already = f"Je vroeg {team['sanne']} al op {asked_on} om uitleg over {dossier.client}."
        assert escape(already) in response.content.decode()
        assert Dossier.objects.get(pk=dossier.pk).explanation_requested_at == first
        assert AccessLogEntry.objects.filter(action="update").count() == 1
        assert len(mail.outbox) == 1

    def test_writing_the_explanation_answers_the_request(self, team, on_commit):
        dossier = team["dossier"]
        on_commit(
            lambda: services.dossier_request_explanation(dossier=dossier, actor=team["leader"])
        )
        services.dossier_explain_long_running(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=team["sanne"],
            explanation="Wacht op een plek in de schuldhulp.",
        )
        stored = Dossier.objects.get(pk=dossier.pk)
        assert stored.explanation_requested_at is None
        assert stored.explanation_requested_by is None
        assert not stored.needs_long_running_explanation

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"started_on": days_ago(20)}, "De ondersteuning van deze cliënt duurt nog geen 6"),
            ({"long_running_explanation": "Wacht op een woning."}, "De uitleg is al geschreven."),
            (
                {"status": "closed", "ended_on": days_ago(1), "closing_reason": "moved"},
                "Dit dossier is afgesloten.",
            ),
            ({"responsible_worker": None}, "Niemand kan antwoorden"),
        ],
    )
    def test_there_is_nothing_to_ask(self, client, team, change, message, on_commit):
        dossier = team["dossier"]
        Dossier.objects.filter(pk=dossier.pk).update(**change)
        client.force_login(team["leader"])
        response = on_commit(lambda: client.post(request_url(dossier)))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert Dossier.objects.get(pk=dossier.pk).explanation_requested_at is None
        assert not AccessLogEntry.objects.filter(action="update").exists()
        assert mail.outbox == []

    def test_a_worker_who_left_cannot_be_asked(self, client, team, on_commit):
        team["sanne"].is_active = False
        team["sanne"].save(update_fields=["is_active"])
        client.force_login(team["leader"])
        response = on_commit(lambda: client.post(request_url(team["dossier"])))
        assert response.status_code == 400
        assert mail.outbox == []

    def test_only_the_leader_of_the_team_may_ask(self, client, team, on_commit):
        dossier = team["dossier"]
        client.force_login(team["tom"])
        assert on_commit(lambda: client.post(request_url(dossier))).status_code == 403
        other_leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        client.force_login(other_leader)
        assert on_commit(lambda: client.post(request_url(dossier))).status_code == 404
        assert AccessLogEntry.objects.filter(
            action="denied", object_id=str(dossier.pk), actor_user_id=other_leader.pk
        ).exists()
        client.force_login(team["leader"])
        assert client.get(request_url(dossier)).status_code == 405
        assert Dossier.objects.get(pk=dossier.pk).explanation_requested_at is None
        assert mail.outbox == []

    def test_the_e_mail_is_not_sent_when_the_explanation_came_first(self, team):
        from apps.dossiers.notifications import worker_notify_explanation_requested

        dossier = team["dossier"]
        services.dossier_request_explanation(dossier=dossier, actor=team["leader"])
        services.dossier_explain_long_running(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=team["sanne"],
            explanation="Wacht op een plek in de schuldhulp.",
        )
        assert worker_notify_explanation_requested(dossier_id=dossier.pk) is False
        assert mail.outbox == []


class TestEachEmailGoesOnce:
    """A task that runs again (a retry, a worker that died before acknowledging it) finds
    the mark of the e-mail it sent, and sends nothing."""

    def test_the_new_worker_is_told_once_per_assignment(self, team, on_commit):
        from apps.dossiers.notifications import worker_notify_reassigned

        dossier, tom, sanne = team["dossier"], team["tom"], team["sanne"]
        on_commit(
            lambda: services.dossier_reassign(
                dossier=dossier, actor=team["leader"], new_worker=tom, reason="Verdeling"
            )
        )
        assert worker_notify_reassigned(dossier_id=dossier.pk, worker_id=tom.pk) is False
        assert [message.to for message in mail.outbox] == [[tom.email]]
        marked = Dossier.objects.get(pk=dossier.pk).assignment_mailed_at
        assert marked is not None
        # Back to Sanne: a new assignment, a new e-mail, once.
        on_commit(
            lambda: services.dossier_reassign(
                dossier=Dossier.objects.get(pk=dossier.pk),
                actor=team["leader"],
                new_worker=sanne,
                reason="Terug",
            )
        )
        assert worker_notify_reassigned(dossier_id=dossier.pk, worker_id=sanne.pk) is False
        assert [message.to for message in mail.outbox] == [[tom.email], [sanne.email]]
        assert Dossier.objects.get(pk=dossier.pk).assignment_mailed_at > marked

    def test_the_worker_is_told_once_per_request_for_an_explanation(self, team, on_commit):
        from apps.dossiers.notifications import worker_notify_explanation_requested

        dossier, sanne = team["dossier"], team["sanne"]
        on_commit(
            lambda: services.dossier_request_explanation(dossier=dossier, actor=team["leader"])
        )
        assert worker_notify_explanation_requested(dossier_id=dossier.pk) is False
        assert len(mail.outbox) == 1
        changed = Dossier.objects.get(pk=dossier.pk).updated_at
        # The mark is not a change of the dossier.
        assert Dossier.objects.get(pk=dossier.pk).explanation_request_mailed_at is not None
        assert changed == Dossier.objects.get(pk=dossier.pk).updated_at
        services.dossier_explain_long_running(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=sanne,
            explanation="Wacht op een plek in de schuldhulp.",
        )
        Dossier.objects.filter(pk=dossier.pk).update(long_running_explanation="")
        on_commit(
            lambda: services.dossier_request_explanation(
                dossier=Dossier.objects.get(pk=dossier.pk), actor=team["leader"]
            )
        )
        assert [message.to for message in mail.outbox] == [[sanne.email], [sanne.email]]


def member_url(team, member=None):
    if member is None:
        return f"/werk/dossiers/team/{team.pk}/clienten/niemand/"
    return f"/werk/dossiers/team/{team.pk}/clienten/{member.pk}/"


class TestAMembersClients:
    """From a member's row of the team overview, the team leader sees that member's open
    dossiers and gives one to a colleague; the row "Nobody in the team" leads to those
    without a worker in the team."""

    @pytest.fixture
    def dossiers(self, team):
        the_team, sanne = team["team"], team["sanne"]
        short = DossierFactory(team=the_team, responsible_worker=sanne, started_on=days_ago(20))
        closed = DossierFactory(
            team=the_team,
            responsible_worker=sanne,
            status=Dossier.Status.CLOSED,
            ended_on=days_ago(1),
            closing_reason=Dossier.ClosingReason.GOALS_REACHED,
        )
        without = DossierFactory(team=the_team, responsible_worker=None, started_on=days_ago(9))
        # Worked by someone who left the team.
        left = DossierFactory(
            team=the_team, responsible_worker=team["outsider"], started_on=days_ago(5)
        )
        elsewhere = DossierFactory(responsible_worker=sanne)
        return {
            "long": team["dossier"],
            "short": short,
            "closed": closed,
            "without": without,
            "left": left,
            "elsewhere": elsewhere,
        }

    def shown(self, response):
        return [trajectory.pk for trajectory in response.context["trajectories"]]

    def test_the_overview_links_each_member_with_clients(self, client, team, dossiers):
        client.force_login(team["leader"])
        html = client.get(OVERVIEW).content.decode()
        assert f'href="{member_url(team["team"], team["sanne"])}"' in html
        assert f'href="{member_url(team["team"])}"' in html
        # Tom has no clients: no link to an empty list.
        assert member_url(team["team"], team["tom"]) not in html

    def test_a_members_open_dossiers_longest_first(self, client, team, dossiers):
        client.force_login(team["leader"])
        response = client.get(member_url(team["team"], team["sanne"]))
        assert response.status_code == 200
        assert self.shown(response) == [dossiers["long"].pk, dossiers["short"].pk]
        html = response.content.decode()
        assert escape(f"Cliënten van {team['sanne']}: {team['team'].name}") in html
        # Both can be given to a colleague, and that page leads back here.
        back = f"next={member_url(team['team'], team['sanne'])}"
        for dossier in (dossiers["long"], dossiers["short"]):
            assert f"{reassign_url(dossier)}?{back}" in html
        # Only the long one is asked to explain itself.
        assert html.count("Vraag om uitleg") == 1
        assert html.count("Nog geen uitleg") == 1

    def test_nobodys_dossiers_have_no_worker_or_one_who_left(self, client, team, dossiers):
        client.force_login(team["leader"])
        response = client.get(member_url(team["team"]))
        assert response.status_code == 200
        assert self.shown(response) == [dossiers["without"].pk, dossiers["left"].pk]

    def test_query_count_does_not_grow_with_the_dossiers(
        self, client, team, django_assert_num_queries
    ):
        client.force_login(team["leader"])
        url = member_url(team["team"], team["sanne"])
        client.get(url)
        # 1 session, 2 user, 3 second factors, 4 team ids, 5 the team, 6 its read logged,
        # 7 the member, 8 count, 9 the page of dossiers
        with django_assert_num_queries(9):
            client.get(url)
        for days in range(30):
            DossierFactory(
                team=team["team"], responsible_worker=team["sanne"], started_on=days_ago(days)
            )
        with django_assert_num_queries(9):
            response = client.get(url)
        assert len(response.context["trajectories"]) == 25

    def test_only_the_teams_leader_sees_it(self, client, team, dossiers):
        url = member_url(team["team"], team["sanne"])
        other_leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        client.force_login(other_leader)
        assert client.get(url).status_code == 404
        assert client.get(member_url(team["team"])).status_code == 404
        assert AccessLogEntry.objects.filter(
            action="denied", object_type="organisation.team", actor_user_id=other_leader.pk
        ).exists()
        for name in ("sanne", "manager", "volunteer"):
            client.force_login(team[name])
            assert client.get(url).status_code == 403
        client.logout()
        assert client.get(url).status_code == 302

    def test_someone_outside_the_team_is_not_found(self, client, team, dossiers):
        client.force_login(team["leader"])
        assert client.get(member_url(team["team"], team["outsider"])).status_code == 404
        assert client.get(member_url(team["team"], team["resident"])).status_code == 404
        assert (
            client.get(f"/werk/dossiers/team/{team['team'].pk}/clienten/999999/").status_code == 404
        )
        assert client.get(f"/werk/dossiers/team/{team['team'].pk}/clienten/x/").status_code == 404
