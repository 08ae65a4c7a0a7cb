import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.accounts.models import Role
from apps.audit.models import AccessLogEntry
from apps.dossiers import services
from apps.dossiers.models import ContactMoment, Dossier
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker)


def logged(action, obj):
    return AccessLogEntry.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).exists()


class TestRegister:
    def test_registers_a_dossier_with_its_questions_and_logs_it(self, worker):
        theme = Theme.objects.get(code="geldzaken-regelgeving")
        dossier = services.dossier_register(
            client=ClientFactory(),
            team=worker.teams.get(),
            source=Dossier.Source.GP,
            actor=worker,
            questions=[(theme, "Schulden", "Ik kom niet rond")],
        )
        assert dossier.status == Dossier.Status.REGISTRATION
        assert dossier.responsible_worker == worker
        assert [q.subcategory for q in dossier.questions.all()] == ["Schulden"]
        assert logged("create", dossier)

    def test_not_for_another_team(self, worker):
        with pytest.raises(ValidationError) as error:
            services.dossier_register(
                client=ClientFactory(), team=TeamFactory(), source="self", actor=worker
            )
        assert "team" in error.value.message_dict
        assert not Dossier.objects.exists()


class TestStatusFlow:
    def test_moves_one_step_at_a_time(self, worker):
        dossier = DossierFactory(team=worker.teams.get(), status=Dossier.Status.REGISTRATION)
        services.dossier_advance(dossier=dossier, actor=worker, to_status=Dossier.Status.INTAKE)
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.INTAKE
        assert logged("update", dossier)

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            ("registration", "active"),
            ("registration", "closed"),
            ("intake", "registration"),
            ("closed", "active"),
            ("active", "active"),
        ],
    )
    def test_a_status_change_that_skips_or_goes_back_is_refused(self, worker, start, target):
        dossier = DossierFactory(
            team=worker.teams.get(),
            status=start,
            ended_on=timezone.localdate() if start == "closed" else None,
            closing_reason="other" if start == "closed" else "",
        )
        with pytest.raises(ValidationError) as error:
            services.dossier_advance(dossier=dossier, actor=worker, to_status=target)
        assert "status" in error.value.message_dict
        dossier.refresh_from_db()
        assert dossier.status == start

    def test_closing_needs_a_reason_and_a_sensible_end_date(self, dossier, worker):
        with pytest.raises(ValidationError) as error:
            services.dossier_advance(
                dossier=dossier,
                actor=worker,
                to_status="closed",
                closing_reason="",
                ended_on=timezone.localdate() + timezone.timedelta(days=1),
            )
        assert set(error.value.message_dict) == {"closing_reason", "ended_on"}
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.ACTIVE

        services.dossier_advance(
            dossier=dossier, actor=worker, to_status="closed", closing_reason="goals_reached"
        )
        dossier.refresh_from_db()
        assert (dossier.status, dossier.ended_on) == ("closed", timezone.localdate())

    def test_another_team_cannot_change_the_status(self, dossier):
        outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        with pytest.raises(PermissionDenied):
            services.dossier_advance(dossier=dossier, actor=outsider, to_status="closed")


class TestContactMoments:
    def test_logs_a_contact_moment(self, dossier, worker):
        moment = services.contact_moment_log(
            dossier=dossier,
            actor=worker,
            occurred_at=timezone.now() - timezone.timedelta(hours=2),
            mode=ContactMoment.Mode.HOME_VISIT,
            duration_minutes=45,
            client_summary="Samen gebeld.",
        )
        assert moment.worker == worker
        assert logged("create", moment)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"occurred_at": timezone.now() + timezone.timedelta(days=1)}, "occurred_at"),
            ({"occurred_at": timezone.now() - timezone.timedelta(days=400)}, "occurred_at"),
            ({"occurred_at": timezone.datetime(2026, 1, 1, 12, 0)}, "occurred_at"),
            ({"mode": "carrier-pigeon"}, "mode"),
            ({"duration_minutes": 0}, "duration_minutes"),
        ],
    )
    def test_bad_input_gets_a_message_per_field_and_changes_nothing(
        self, dossier, worker, changes, field
    ):
        values = {
            "occurred_at": timezone.now() - timezone.timedelta(hours=1),
            "mode": ContactMoment.Mode.PHONE,
            "duration_minutes": 20,
        } | changes
        with pytest.raises(ValidationError) as error:
            services.contact_moment_log(dossier=dossier, actor=worker, **values)
        assert field in error.value.message_dict
        assert not ContactMoment.objects.exists()

    def test_not_on_a_closed_dossier(self, worker):
        dossier = DossierFactory(
            team=worker.teams.get(),
            status="closed",
            ended_on=timezone.localdate(),
            closing_reason="other",
        )
        with pytest.raises(ValidationError):
            services.contact_moment_log(
                dossier=dossier,
                actor=worker,
                occurred_at=timezone.now(),
                mode="phone",
                duration_minutes=10,
            )


class TestBreakTheGlass:
    def test_reading_another_teams_dossier_needs_a_reason_and_is_logged(self, dossier):
        outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        assert not outsider.has_perm("dossiers.view_dossier", dossier)

        with pytest.raises(ValidationError):
            services.dossier_break_glass(dossier=dossier, actor=outsider, reason="kort")
        assert not outsider.has_perm("dossiers.view_dossier", dossier)

        services.dossier_break_glass(
            dossier=dossier, actor=outsider, reason="Cliënt belt ons team over een crisis"
        )
        assert outsider.has_perm("dossiers.view_dossier", dossier)
        # Reading, not changing.
        assert not outsider.has_perm("dossiers.change_dossier", dossier)
        assert logged("break_glass", dossier)

    def test_the_grant_expires(self, dossier, settings):
        outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        grant = services.dossier_break_glass(
            dossier=dossier, actor=outsider, reason="Cliënt belt ons team over een crisis"
        )
        type(grant).objects.filter(pk=grant.pk).update(
            expires_at=timezone.now() - timezone.timedelta(seconds=1)
        )
        assert not outsider.has_perm("dossiers.view_dossier", dossier)

    def test_own_team_does_not_break_the_glass(self, dossier, worker):
        with pytest.raises(PermissionDenied):
            services.dossier_break_glass(
                dossier=dossier, actor=worker, reason="Dit is mijn eigen dossier"
            )


class TestDutchSurnames:
    @pytest.mark.parametrize(
        ("last_name", "key"),
        [
            ("de Vries", "vries"),
            ("van der Berg", "berg"),
            ("Van  den Heuvel", "heuvel"),
            ("'t Hart", "hart"),
            ("in 't Veld", "veld"),
            ("El Amrani", "amrani"),
            ("Bakker", "bakker"),
            ("Vandermeer", "vandermeer"),
            ("de", "de"),
        ],
    )
    def test_the_prefix_does_not_count_for_sorting(self, last_name, key):
        from apps.dossiers.models import surname_sort_key

        assert surname_sort_key(last_name) == key

    def test_clients_sort_on_the_surname_without_prefix(self):
        from apps.dossiers.models import Client

        for last_name in ("Zwart", "de Vries", "Bakker", "van den Berg"):
            ClientFactory(last_name=last_name)
        client = Client.objects.get(last_name="Zwart")
        client.last_name = "van Aalst"
        client.save(update_fields=["last_name"])
        names = list(Client.objects.values_list("last_name", flat=True))
        assert names == ["van Aalst", "Bakker", "van den Berg", "de Vries"]
