import pytest
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Client, ContactMoment, Dossier
from apps.dossiers.tasks import purge_expired_dossiers
from apps.dossiers.tests.factories import ClientFactory, ContactMomentFactory, DossierFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]


def closed(years_ago, **fields):
    ended = timezone.localdate() - timezone.timedelta(days=int(365.25 * years_ago))
    return DossierFactory(
        status="closed",
        started_on=ended - timezone.timedelta(days=100),
        ended_on=ended,
        closing_reason="goals_reached",
        **fields,
    )


def test_expired_dossiers_go_with_their_contents_and_each_removal_is_logged(settings):
    settings.DOSSIER_RETENTION_YEARS = 7
    expired = closed(8)
    ContactMomentFactory(
        dossier=expired, occurred_at=timezone.now() - timezone.timedelta(days=3000)
    )
    recent = closed(6)
    held = closed(9, legal_hold=True)
    open_one = DossierFactory(started_on=timezone.localdate() - timezone.timedelta(days=4000))

    assert purge_expired_dossiers.delay().get() == 1

    assert set(Dossier.objects.values_list("pk", flat=True)) == {recent.pk, held.pk, open_one.pk}
    assert not ContactMoment.objects.exists()
    assert not Client.objects.filter(pk=expired.client_id).exists()
    row = AccessLogEntry.objects.get(action="purge", object_type="dossiers.dossier")
    assert row.object_id == str(expired.pk)
    assert expired.client.last_name not in row.reason


def test_a_client_with_another_dossier_or_an_account_stays(settings):
    settings.DOSSIER_RETENTION_YEARS = 7
    returning = ClientFactory()
    closed(8, client=returning)
    DossierFactory(client=returning)
    with_account = ClientFactory(account=UserFactory())
    closed(8, client=with_account)

    assert purge_expired_dossiers.delay().get() == 2

    assert Client.objects.filter(pk__in=[returning.pk, with_account.pk]).count() == 2


def test_the_purge_is_scheduled_at_night(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-expired-dossiers"]
    assert schedule["task"] == purge_expired_dossiers.name
    assert schedule["schedule"].hour == {3}


class TestLegalHoldOnThePage:
    def _dossier_and_leader(self):
        from apps.accounts.models import Role
        from apps.organisation.tests.factories import TeamMembershipFactory

        leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        return DossierFactory(team=leader.teams.get()), leader

    def test_the_team_leader_keeps_a_dossier_with_a_reason_and_releases_it(self, client):
        from apps.audit.models import AccessLogEntry

        dossier, leader = self._dossier_and_leader()
        client.force_login(leader)
        response = client.post(
            f"/werk/dossiers/{dossier.pk}/bewaren/",
            {"hold-hold": "yes", "hold-reason": "Rechtszaak over de uithuisplaatsing"},
        )
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert dossier.legal_hold and dossier.legal_hold_reason.startswith("Rechtszaak")
        assert "Rechtszaak" in client.get(f"/werk/dossiers/{dossier.pk}/").content.decode()
        assert AccessLogEntry.objects.filter(reason__startswith="legal hold on").exists()
        client.post(f"/werk/dossiers/{dossier.pk}/bewaren/", {"hold-hold": "no"})
        dossier.refresh_from_db()
        assert (dossier.legal_hold, dossier.legal_hold_reason) == (False, "")

    @pytest.mark.parametrize(
        "data", [{"hold-hold": "yes", "hold-reason": ""}, {"hold-hold": "maybe"}, {}]
    )
    def test_bad_input_changes_nothing(self, client, data):
        dossier, leader = self._dossier_and_leader()
        client.force_login(leader)
        response = client.post(f"/werk/dossiers/{dossier.pk}/bewaren/", data)
        assert response.status_code == 400
        assert response.context["legal_hold_form"].errors
        dossier.refresh_from_db()
        assert dossier.legal_hold is False

    def test_a_social_worker_cannot_and_does_not_see_the_form(self, client):
        from apps.accounts.models import Role
        from apps.organisation.tests.factories import TeamMembershipFactory

        dossier, _ = self._dossier_and_leader()
        worker = TeamMembershipFactory(team=dossier.team, user__role=Role.SOCIAL_WORKER).user
        client.force_login(worker)
        assert 'id="legal-hold"' not in client.get(f"/werk/dossiers/{dossier.pk}/").content.decode()
        data = {"hold-hold": "yes", "hold-reason": "Omdat ik het wil bewaren"}
        assert client.post(f"/werk/dossiers/{dossier.pk}/bewaren/", data).status_code == 403
        dossier.refresh_from_db()
        assert dossier.legal_hold is False


def test_a_legal_hold_set_after_the_list_was_read_is_respected(monkeypatch):
    """The purge reads the expired ids first; a hold set in between must still win."""
    from apps.dossiers import services

    held = DossierFactory(
        status="closed",
        closing_reason="moved",
        started_on=timezone.localdate().replace(year=2010),
        ended_on=timezone.localdate().replace(year=2011),
    )
    original = services.Dossier.objects.past_retention
    calls = []

    def past_retention_then_hold(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the re-check inside the transaction
            Dossier.objects.filter(pk=held.pk).update(legal_hold=True)
        return original(*args, **kwargs)

    monkeypatch.setattr(services.Dossier.objects, "past_retention", past_retention_then_hold)
    assert services.dossiers_purge_expired() == 0
    assert Dossier.objects.filter(pk=held.pk).exists()
