import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.audit.models import AccessLogEntry
from apps.dossiers.ecomap import RING_RADIUS, SIZE, eco_map_layout
from apps.dossiers.models import Goal, LifeEvent, NetworkMember
from apps.dossiers.tests.factories import (
    ClientFactory,
    DossierFactory,
    LifeEventFactory,
    NetworkMemberFactory,
)
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(
        team=worker.teams.get(),
        responsible_worker=worker,
        client=ClientFactory(birth_date=timezone.localdate().replace(year=1980)),
    )


@pytest.fixture
def stranger():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


def url(dossier, suffix=""):
    return f"/werk/dossiers/{dossier.pk}/{suffix}"


MEMBER = {
    "network-name": "Fatima",
    "network-relation": "buurvrouw",
    "network-circle": "neighbourhood",
    "network-closeness": "1",
    "network-support": "practical",
    "network-quality": "good",
}


class TestNetwork:
    def test_add_a_member_and_see_them_on_the_eco_map_and_in_the_table(
        self, client, worker, dossier
    ):
        client.force_login(worker)
        assert client.post(url(dossier, "netwerk/"), MEMBER).status_code == 302
        member = NetworkMember.objects.get()
        assert (member.name, member.circle, member.closeness) == ("Fatima", "neighbourhood", 1)
        assert AccessLogEntry.objects.filter(
            action="create", object_type="dossiers.networkmember", object_id=str(member.pk)
        ).exists()
        page = client.get(url(dossier, "deel/netwerk/")).content.decode()
        assert 'role="img"' in page and "<svg" in page
        assert page.count("Fatima") >= 2  # on the map and in the table
        assert "buurvrouw" in page

    def test_eco_map_coordinates_are_never_localised(self, client, worker, dossier, settings):
        NetworkMemberFactory(dossier=dossier, circle="friends", closeness=2)
        client.force_login(worker)
        page = client.get(url(dossier, "deel/netwerk/"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        svg = page[page.index("<svg") : page.index("</svg>")]
        assert 'cx="360.0"' in svg or 'cx="360"' in svg
        assert "," not in svg.split("<text")[0]  # no "360,0" in the grid

    def test_change_and_remove_a_member(self, client, worker, dossier):
        member = NetworkMemberFactory(dossier=dossier)
        client.force_login(worker)
        assert client.get(url(dossier, f"netwerk/{member.pk}/")).status_code == 200
        changed = {**MEMBER, "network-quality": "strained", "network-name": "Tante Riet"}
        assert client.post(url(dossier, f"netwerk/{member.pk}/"), changed).status_code == 302
        member.refresh_from_db()
        assert (member.name, member.quality) == ("Tante Riet", "strained")
        assert client.post(url(dossier, f"netwerk/{member.pk}/weg/")).status_code == 302
        assert not NetworkMember.objects.exists()
        assert AccessLogEntry.objects.filter(
            action="delete", object_type="dossiers.networkmember", object_id=str(member.pk)
        ).exists()

    @pytest.mark.parametrize(
        "change",
        [
            {"network-name": ""},
            {"network-circle": "planet"},
            {"network-closeness": "7"},
            {"network-support": ""},
            {"network-relation": "x" * 101},
        ],
    )
    def test_bad_input_gets_a_message_per_field_and_stores_nothing(
        self, client, worker, dossier, change
    ):
        client.force_login(worker)
        response = client.post(url(dossier, "netwerk/"), {**MEMBER, **change})
        assert response.status_code == 400
        assert response.context["network_form"].errors
        assert not NetworkMember.objects.exists()

    def test_another_team_cannot_read_add_change_or_remove(self, client, stranger, dossier):
        member = NetworkMemberFactory(dossier=dossier)
        client.force_login(stranger)
        assert client.post(url(dossier, "netwerk/"), MEMBER).status_code == 404
        assert client.get(url(dossier, f"netwerk/{member.pk}/")).status_code == 404
        assert client.post(url(dossier, f"netwerk/{member.pk}/weg/")).status_code == 404
        assert NetworkMember.objects.get() == member

    def test_a_member_of_another_dossier_is_not_found(self, client, worker, dossier):
        other = NetworkMemberFactory(dossier=DossierFactory(team=dossier.team))
        client.force_login(worker)
        assert client.get(url(dossier, f"netwerk/{other.pk}/")).status_code == 404
        assert client.post(url(dossier, f"netwerk/{other.pk}/weg/")).status_code == 404
        # Probing record ids through one's own dossier is logged as refused.
        assert (
            AccessLogEntry.objects.filter(
                action="denied", object_type="dossiers.networkmember", object_id=str(other.pk)
            ).count()
            == 2
        )

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.MUNICIPALITY_VIEWER, Role.RESIDENT])
    def test_roles_without_casework_are_refused(self, client, dossier, role):
        from apps.accounts.tests.factories import UserFactory

        client.force_login(UserFactory(role=role))
        assert client.post(url(dossier, "netwerk/"), MEMBER).status_code == 403
        assert not NetworkMember.objects.exists()

    def test_a_closed_dossier_takes_no_changes(self, client, worker, dossier):
        member = NetworkMemberFactory(dossier=dossier)
        dossier.status, dossier.ended_on, dossier.closing_reason = (
            "closed",
            dossier.started_on,
            "moved",
        )
        dossier.save()
        client.force_login(worker)
        assert client.post(url(dossier, "netwerk/"), MEMBER).status_code == 400
        response = client.post(url(dossier, f"netwerk/{member.pk}/weg/"))
        assert response.status_code == 400
        assert "afgesloten" in response.content.decode()
        assert NetworkMember.objects.count() == 1


class TestEcoMapLayout:
    def test_members_sit_on_the_ring_of_their_closeness_inside_their_sector(self):
        members = [
            NetworkMember(name=f"p{n}", circle=circle, closeness=closeness)
            for n, (circle, closeness) in enumerate(
                [("family", 1), ("family", 1), ("family", 3), ("professionals", 2)]
            )
        ]
        layout = eco_map_layout(members)
        centre = SIZE / 2
        for placed in layout.members:
            dx, dy = placed.position.x - centre, placed.position.y - centre
            distance = (dx**2 + dy**2) ** 0.5
            assert distance == pytest.approx(RING_RADIUS[placed.member.closeness], abs=0.2)
        family = [p for p in layout.members if p.member.circle == "family"]
        # Family is the first sector: clockwise from the top, so right of the centre.
        assert all(p.position.x > centre for p in family)
        # Two people on one ring and sector do not overlap.
        first, second = family[0].position, family[1].position
        assert (first.x, first.y) != (second.x, second.y)
        professionals = next(p for p in layout.members if p.member.circle == "professionals")
        assert professionals.position.x < centre
        assert len(layout.sectors) == 5 and len(layout.rings) == 3

    def test_an_empty_network_has_no_members(self):
        assert eco_map_layout([]).members == []


class TestLifeEvents:
    def test_add_and_remove(self, client, worker, dossier):
        client.force_login(worker)
        day = timezone.localdate() - timezone.timedelta(days=40)
        data = {
            "event-occurred_on": day.isoformat(),
            "event-kind": "loss",
            "event-description": "Moeder overleden",
        }
        assert client.post(url(dossier, "gebeurtenis/"), data).status_code == 302
        event = LifeEvent.objects.get()
        assert (event.occurred_on, event.kind) == (day, "loss")
        assert (
            "Moeder overleden" in client.get(url(dossier, "deel/gebeurtenissen/")).content.decode()
        )
        assert client.post(url(dossier, f"gebeurtenis/{event.pk}/weg/")).status_code == 302
        assert not LifeEvent.objects.exists()

    @pytest.mark.parametrize(
        "data",
        [
            {"event-occurred_on": "2099-01-01", "event-kind": "move"},
            {"event-occurred_on": "1970-01-01", "event-kind": "move"},  # before birth
            {"event-occurred_on": "31-02-2020", "event-kind": "move"},
            {"event-occurred_on": "2020-01-01", "event-kind": "lottery"},
            {},
        ],
    )
    def test_bad_dates_and_kinds_are_refused(self, client, worker, dossier, data):
        client.force_login(worker)
        response = client.post(url(dossier, "gebeurtenis/"), data)
        assert response.status_code == 400
        assert response.context["life_event_form"].errors
        assert not LifeEvent.objects.exists()

    def test_another_team_cannot_remove(self, client, stranger, dossier):
        event = LifeEventFactory(dossier=dossier)
        client.force_login(stranger)
        assert client.post(url(dossier, f"gebeurtenis/{event.pk}/weg/")).status_code == 404
        assert LifeEvent.objects.exists()


class TestGoalAchieved:
    def test_mark_a_goal_achieved_and_open_it_again(self, client, worker, dossier):
        goal = Goal.objects.create(dossier=dossier, question="Hoe kan ik mijn post bijhouden?")
        client.force_login(worker)
        target = url(dossier, f"plan/doel/{goal.pk}/bereikt/")
        assert client.post(target, {"achieved": "yes"}).status_code == 302
        goal.refresh_from_db()
        assert goal.achieved_on == timezone.localdate()
        assert "Bereikt op" in client.get(url(dossier, "deel/plan/")).content.decode()
        client.post(target, {"achieved": "no"})
        goal.refresh_from_db()
        assert goal.achieved_on is None

    def test_another_team_cannot(self, client, stranger, dossier):
        goal = Goal.objects.create(dossier=dossier, question="Hoe kan ik?")
        client.force_login(stranger)
        response = client.post(url(dossier, f"plan/doel/{goal.pk}/bereikt/"), {"achieved": "yes"})
        assert response.status_code == 404
        goal.refresh_from_db()
        assert goal.achieved_on is None
