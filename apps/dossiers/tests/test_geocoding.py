"""Clients get coordinates after the transaction that created them (service + Celery task)."""

import logging
from unittest import mock

import pytest

from apps.accounts.models import Role
from apps.audit.models import AccessLogEntry
from apps.core import geocoding as geocoder
from apps.core.geocoding import Coordinates
from apps.core.models import UnsentTask
from apps.core.tests.outage import celery_broker, refused_port
from apps.dossiers import services, tasks
from apps.dossiers.geocoding import client_geocode, client_geocode_on_commit
from apps.dossiers.models import Client, Dossier
from apps.dossiers.tests.factories import ClientFactory, IntakeRequestFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


def coordinates(client):
    client.refresh_from_db()
    return client.latitude, client.longitude


class TestClientGeocode:
    def test_fills_missing_coordinates_from_the_address_and_logs_it(self):
        client = ClientFactory(postcode="3811 AB", house_number="12")

        assert client_geocode(client_id=client.pk) is True

        expected = geocoder.OfflineGeocoder().geocode("3811AB", "12")
        assert coordinates(client) == (expected.latitude, expected.longitude)
        entry = AccessLogEntry.objects.get(object_type="dossiers.client")
        assert (entry.action, entry.object_id, entry.actor_user_id) == (
            "update",
            str(client.pk),
            None,
        )

    def test_running_twice_changes_nothing_the_second_time(self):
        client = ClientFactory(postcode="3811 AB", house_number="12")
        client_geocode(client_id=client.pk)
        first = coordinates(client)

        assert client_geocode(client_id=client.pk) is False
        assert coordinates(client) == first
        assert AccessLogEntry.objects.count() == 1

    def test_known_coordinates_are_kept(self):
        client = ClientFactory(latitude=52.2, longitude=5.4)
        assert client_geocode(client_id=client.pk) is False
        assert coordinates(client) == (52.2, 5.4)

    @pytest.mark.parametrize(
        ("postcode", "house_number"), [("", "12"), ("3811 AB", ""), ("9999 ZZ", "1")]
    )
    def test_no_address_or_an_unknown_one_leaves_the_client_without_location(
        self, postcode, house_number
    ):
        client = ClientFactory(postcode=postcode, house_number=house_number)
        assert client_geocode(client_id=client.pk) is False
        assert coordinates(client) == (None, None)
        assert not AccessLogEntry.objects.exists()

    def test_a_removed_client_is_no_error(self):
        assert client_geocode(client_id=987654) is False

    def test_a_failing_geocoder_is_no_error(self, settings, caplog):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.PdokLocatieserver"
        client = ClientFactory(postcode="3811 AB", house_number="12")
        with (
            mock.patch.object(geocoder, "urlopen", side_effect=TimeoutError),
            caplog.at_level(logging.INFO),
        ):
            assert client_geocode(client_id=client.pk) is False
        assert coordinates(client) == (None, None)
        assert "did not answer" in caplog.text

    def test_a_client_who_moved_meanwhile_is_not_given_the_old_place(self):
        client = ClientFactory(postcode="3811 AB", house_number="12")

        def move_while_asking(postcode, house_number):
            Client.objects.filter(pk=client.pk).update(postcode="3812 CD")
            return Coordinates(latitude=52.15, longitude=5.38)

        with mock.patch("apps.dossiers.geocoding.geocode", side_effect=move_while_asking):
            assert client_geocode(client_id=client.pk) is False
        assert coordinates(client) == (None, None)


class TestAfterCommit:
    def test_the_task_fills_the_coordinates(self):
        client = ClientFactory(postcode="3811 AB", house_number="12")
        assert tasks.geocode_client.delay(client.pk).get() is True
        assert None not in coordinates(client)

    def test_nothing_is_queued_before_the_transaction_commits(
        self, django_capture_on_commit_callbacks
    ):
        client = ClientFactory(postcode="3811 AB", house_number="12")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            client_geocode_on_commit(client=client)
        assert len(callbacks) == 1
        assert coordinates(client) == (None, None)

    def test_a_client_with_coordinates_queues_nothing(self, django_capture_on_commit_callbacks):
        client = ClientFactory(latitude=52.2, longitude=5.4)
        with django_capture_on_commit_callbacks() as callbacks:
            client_geocode_on_commit(client=client)
        assert callbacks == []

    def test_a_broker_that_is_down_keeps_the_task_for_later(
        self, django_capture_on_commit_callbacks
    ):
        client = ClientFactory(postcode="3811 AB", house_number="12")
        with (
            refused_port() as port,
            celery_broker(f"redis://127.0.0.1:{port}/0"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            client_geocode_on_commit(client=client)
        unsent = UnsentTask.objects.get()
        assert (unsent.task, unsent.args) == ("apps.dossiers.tasks.geocode_client", [client.pk])
        assert coordinates(client) == (None, None)

    def test_a_client_from_an_intake_request_gets_coordinates(
        self, worker, django_capture_on_commit_callbacks
    ):
        intake = IntakeRequestFactory(team=worker.teams.get(), postcode="3811 AB")
        theme = Theme.objects.first()
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.intake_convert(
                intake=intake, actor=worker, questions=[(theme, "", "")]
            )
        assert None not in coordinates(dossier.client)

    def test_a_registered_client_without_coordinates_gets_them(
        self, worker, django_capture_on_commit_callbacks
    ):
        client = ClientFactory(postcode="3811 AB", house_number="7")
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_register(
                client=client, team=worker.teams.get(), source=Dossier.Source.SELF, actor=worker
            )
        assert None not in coordinates(client)


class TestNightlyRetry:
    def test_clients_without_a_place_get_another_try_within_the_limit(self):
        waiting = [ClientFactory(postcode="3811 AB", house_number=str(n)) for n in (1, 2, 3)]
        placed = ClientFactory(postcode="3811 AB", house_number="4", latitude=52.1, longitude=5.1)
        no_address = ClientFactory(postcode="", house_number="")

        assert tasks.geocode_missing_clients.apply(kwargs={}).get() == 3
        assert all(coordinates(client)[0] is not None for client in waiting)
        assert coordinates(placed) == (52.1, 5.1)
        assert coordinates(no_address) == (None, None)

    def test_the_limit_is_kept_and_the_rest_waits_for_the_next_night(self):
        from apps.dossiers.geocoding import clients_geocode_missing

        for n in range(5):
            ClientFactory(postcode="3811 AB", house_number=str(n + 1))
        assert clients_geocode_missing(limit=2) == 2
        assert Client.objects.filter(latitude__isnull=True).count() == 3

    def test_a_geocoder_that_is_down_places_nobody_and_raises_nothing(self, settings):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.PdokLocatieserver"
        ClientFactory(postcode="3811 AB", house_number="12")
        with mock.patch.object(geocoder, "urlopen", side_effect=TimeoutError):
            assert tasks.geocode_missing_clients.apply(kwargs={}).get() == 0

    def test_it_runs_every_night(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["geocode-missing-clients"]
        assert entry["task"] == "apps.dossiers.tasks.geocode_missing_clients"
