from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry, AppendOnlyError
from apps.audit.services import access_log_purge_expired, access_log_record
from apps.audit.tasks import purge_expired_access_log
from apps.core import request_context
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import DossierFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]


def make_entries(count, **fields):
    defaults = {"action": AccessLogEntry.Action.READ, "object_type": "accounts.user"}
    return AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(object_id=str(n), **(defaults | fields)) for n in range(count)]
    )


class TestRecording:
    def test_a_row_holds_who_what_when_where_and_why(self):
        actor = UserFactory(role=Role.FUNCTIONAL_ADMIN)
        target = UserFactory()
        request = RequestFactory().get(
            "/beheer/accounts/user/1/change/",
            REMOTE_ADDR="192.0.2.10",
            HTTP_USER_AGENT="Firefox/140",
        )
        with request_context.acting(request_context.from_request(request)):
            entry = access_log_record(
                actor=actor,
                action=AccessLogEntry.Action.READ,
                obj=target,
                reason="Vraag van de inwoner",
            )
        entry.refresh_from_db()
        assert entry.actor_user_id == actor.pk
        assert entry.actor_email == actor.email
        assert entry.actor_role == Role.FUNCTIONAL_ADMIN
        assert (entry.object_type, entry.object_id) == ("accounts.user", str(target.pk))
        assert entry.object_repr == str(target)
        assert entry.ip_address == "192.0.2.10"
        assert entry.user_agent == "Firefox/140"
        assert entry.path == "/beheer/accounts/user/1/change/"
        assert entry.reason == "Vraag van de inwoner"
        assert abs(entry.occurred_at - timezone.now()) < timedelta(seconds=5)

    def test_the_row_outlives_the_account_that_made_it(self):
        actor = UserFactory(role=Role.FUNCTIONAL_ADMIN)
        entry = access_log_record(actor=actor, action="read", object_type="accounts.user")
        actor_id, actor_email = actor.pk, actor.email
        actor.delete()
        entry.refresh_from_db()
        assert (entry.actor_user_id, entry.actor_email) == (actor_id, actor_email)

    @override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
    def test_behind_one_trusted_proxy_the_address_it_saw_is_logged(self):
        # The client wrote "1.2.3.4" itself; our proxy appended the address it really saw.
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
        )
        with request_context.acting(request_context.from_request(request)):
            entry = access_log_record(actor=None, action="read", object_type="x")
        assert entry.ip_address == "198.51.100.7"

    def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(self):
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
        )
        with request_context.acting(request_context.from_request(request)):
            entry = access_log_record(actor=None, action="read", object_type="x")
        assert entry.ip_address == "10.0.0.1"

    def test_overlong_and_nul_values_are_cut_to_fit(self):
        request = RequestFactory().get(
            "/" + "a" * 600, REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="Evil\x00Agent" + "x" * 400
        )
        with request_context.acting(request_context.from_request(request)):
            entry = access_log_record(
                actor=None, action="denied", object_type="admin", object_id="9" * 80
            )
        entry.refresh_from_db()
        assert len(entry.object_id) == 64
        assert len(entry.path) == 500
        assert entry.user_agent.startswith("EvilAgent")
        assert len(entry.user_agent) == 300


class TestAppendOnly:
    def test_a_row_cannot_be_saved_again(self):
        entry = make_entries(1)[0]
        entry = AccessLogEntry.objects.get(pk=entry.pk)
        entry.reason = "changed"
        with pytest.raises(AppendOnlyError):
            entry.save()

    def test_a_row_cannot_be_deleted(self):
        entry = AccessLogEntry.objects.get(pk=make_entries(1)[0].pk)
        with pytest.raises(AppendOnlyError):
            entry.delete()

    def test_bulk_update_and_delete_are_refused(self):
        make_entries(3)
        with pytest.raises(AppendOnlyError):
            AccessLogEntry.objects.update(reason="x")
        with pytest.raises(AppendOnlyError):
            AccessLogEntry.objects.all().delete()
        assert AccessLogEntry.objects.count() == 3

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only"
    )
    def test_the_database_refuses_truncate(self):
        from django.db import ProgrammingError, transaction

        make_entries(1)
        with (
            pytest.raises(ProgrammingError, match="TRUNCATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL buurtkompas.audit_truncate = 'off'")
            cursor.execute("TRUNCATE audit_accesslogentry")
        assert AccessLogEntry.objects.count() == 1

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only"
    )
    def test_the_database_refuses_raw_updates_and_deletes(self):
        from django.db import ProgrammingError, transaction

        entry = make_entries(1)[0]
        for sql in (
            "UPDATE audit_accesslogentry SET reason = 'x'",
            "DELETE FROM audit_accesslogentry",
        ):
            with (
                pytest.raises(ProgrammingError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert AccessLogEntry.objects.filter(pk=entry.pk, reason="").exists()


class TestRetention:
    def test_a_too_short_retention_is_refused_at_start(self, settings):
        from apps.audit.checks import retention_is_long_enough

        settings.AUDIT_RETENTION_DAYS = 0
        assert [e.id for e in retention_is_long_enough(None)] == ["audit.E001"]
        settings.AUDIT_RETENTION_DAYS = 365
        assert retention_is_long_enough(None) == []

    @override_settings(AUDIT_RETENTION_DAYS=30)
    def test_purge_removes_only_expired_rows_and_logs_that(self):
        now = timezone.now()
        make_entries(3, occurred_at=now - timedelta(days=31))
        kept = make_entries(2, occurred_at=now - timedelta(days=29))

        assert access_log_purge_expired(now=now) == 3

        remaining = AccessLogEntry.objects.exclude(action=AccessLogEntry.Action.PURGE)
        assert sorted(remaining.values_list("pk", flat=True)) == sorted(e.pk for e in kept)
        purge_row = AccessLogEntry.objects.get(action=AccessLogEntry.Action.PURGE)
        assert purge_row.reason.startswith("3 rows")

    @override_settings(AUDIT_RETENTION_DAYS=200)
    def test_the_retention_boundary_is_exact_to_the_microsecond(self):
        now = timezone.now()
        cutoff = now - timedelta(days=200)
        expired = make_entries(1, occurred_at=cutoff - timedelta(microseconds=1))[0]
        kept = make_entries(1, occurred_at=cutoff)[0]

        assert access_log_purge_expired(now=now) == 1

        assert not AccessLogEntry.objects.filter(pk=expired.pk).exists()
        assert AccessLogEntry.objects.filter(pk=kept.pk).exists()

    @override_settings(AUDIT_RETENTION_DAYS=30)
    def test_the_beat_task_runs_the_purge(self):
        make_entries(2, occurred_at=timezone.now() - timedelta(days=40))
        assert purge_expired_access_log.delay().get() == 2

    def test_the_purge_is_scheduled_at_night(self, settings):
        schedule = settings.CELERY_BEAT_SCHEDULE["purge-expired-access-log"]
        assert schedule["task"] == purge_expired_access_log.name
        assert schedule["schedule"].hour == {3}


class TestAdminAccessLogging:
    def test_reading_and_changing_a_user_in_the_admin_is_logged(self, client):
        admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
        resident = UserFactory(role=Role.RESIDENT)
        client.force_login(admin)

        url = f"/beheer/accounts/user/{resident.pk}/change/"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "email": resident.email,
                "first_name": "Nieuw",
                "last_name": "Naam",
                "role": Role.RESIDENT,
                "is_active": "on",
            },
        )
        assert response.status_code == 302

        actions = list(
            AccessLogEntry.objects.filter(object_type="accounts.user", object_id=str(resident.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["read", "update"]

    def test_adding_a_staff_account_in_the_admin_creates_a_verified_address(self, client):
        from allauth.account.models import EmailAddress

        client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))
        response = client.post(
            "/beheer/accounts/user/add/",
            {
                "email": "nieuwe.collega@example.nl",
                "first_name": "Nieuwe",
                "last_name": "Collega",
                "role": Role.SOCIAL_WORKER,
            },
        )
        assert response.status_code == 302
        address = EmailAddress.objects.get(email="nieuwe.collega@example.nl")
        assert address.verified and address.primary
        assert not address.user.has_usable_password()
        assert AccessLogEntry.objects.filter(
            action="create", object_id=str(address.user_id)
        ).exists()

    @pytest.mark.parametrize("role", [r for r in Role if r != Role.FUNCTIONAL_ADMIN])
    def test_an_attempt_on_an_account_in_the_admin_is_refused_and_logged(self, client, role):
        intruder = UserFactory(role=role)
        resident = UserFactory(role=Role.RESIDENT)
        client.force_login(intruder)

        response = client.get(f"/beheer/accounts/user/{resident.pk}/change/")

        assert response.status_code == 403
        denied = AccessLogEntry.objects.get(action=AccessLogEntry.Action.DENIED)
        assert denied.actor_user_id == intruder.pk
        assert denied.object_id == str(resident.pk)
        assert denied.path == f"/beheer/accounts/user/{resident.pk}/change/"

    def test_second_factors_in_the_admin_show_no_secret_and_removal_is_logged(self, client):
        from allauth.mfa.models import Authenticator

        admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
        worker = UserFactory(role=Role.SOCIAL_WORKER)
        authenticator = Authenticator.objects.get(user=worker)
        client.force_login(admin)

        html = client.get("/beheer/mfa/authenticator/").content.decode()
        assert escape(str(worker)) in html
        page = client.get(f"/beheer/mfa/authenticator/{authenticator.pk}/change/")
        assert page.status_code == 200
        assert authenticator.data["secret"] not in page.content.decode()
        assert 'name="data"' not in page.content.decode()

        response = client.post(
            f"/beheer/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == 302
        assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
        assert AccessLogEntry.objects.filter(
            action="delete", object_type="mfa.authenticator", object_id=str(authenticator.pk)
        ).exists()
        assert AccessLogEntry.objects.filter(
            action="search", object_type="mfa.authenticator"
        ).exists()

    def test_the_login_address_cannot_be_changed_behind_allauths_back(self, client):
        resident = UserFactory()
        client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))
        client.post(
            f"/beheer/accounts/user/{resident.pk}/change/",
            {
                "email": "ander@example.nl",
                "first_name": "A",
                "last_name": "B",
                "role": Role.RESIDENT,
                "is_active": "on",
            },
        )
        resident.refresh_from_db()
        assert resident.email != "ander@example.nl"

    def test_the_superuser_flag_is_not_offered_in_the_admin(self, client):
        client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))
        html = client.get("/beheer/accounts/user/add/").content.decode()
        assert "is_superuser" not in html
        assert "user_permissions" not in html


def test_a_row_is_written_in_the_sites_language_whatever_language_is_active():
    """A task or an English page writes the row; Dutch readers read it: the description of
    the record and a reason the system gives are in Dutch."""
    dossier = DossierFactory(status=Dossier.Status.ACTIVE)
    with translation.override("en"):
        entry = access_log_record(
            action=AccessLogEntry.Action.UPDATE,
            actor=None,
            obj=dossier,
            reason=gettext_lazy("coordinates from the address (geocoder)"),
        )
    assert entry.object_repr.endswith("(Lopend)")
    assert entry.reason == "coördinaten uit het adres (geocoder)"
