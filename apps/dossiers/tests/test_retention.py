import pytest
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Client, ContactMoment, Dossier
from apps.dossiers.tasks import purge_expired_dossiers
from apps.dossiers.tests.factories import ClientFactory, ContactMomentFactory, DossierFactory

pytestmark = pytest.mark.django_db


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
