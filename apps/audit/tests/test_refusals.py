"""Every refusal of a personal record leaves a "denied" row: by every role, through every
channel (pages, downloads, the API, the admin), and the redirect to break-the-glass too.
A burst of refusals is counted, not dropped."""

from datetime import datetime

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry, RefusalTally
from apps.audit.services import access_denied_record, refusal_tallies_flush
from apps.dossiers.tests.factories import ContactMomentFactory, DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.questionnaires.tests.factories import ResponseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]

REFUSED_ROLES = [
    Role.MANAGER,
    Role.MUNICIPALITY_VIEWER,
    Role.VOLUNTEER,
    Role.RESIDENT,
    Role.FUNCTIONAL_ADMIN,
]


@pytest.fixture
def dossier():
    dossier = DossierFactory()
    ContactMomentFactory(dossier=dossier)
    return dossier


def refusals_of(user):
    return AccessLogEntry.objects.filter(action=AccessLogEntry.Action.DENIED, actor_user_id=user.pk)


def channels(dossier):
    """(what is asked, address, the record the row must name)."""
    response = ResponseFactory(client=dossier.client, dossier=dossier)
    dossier_record = ("dossiers.dossier", str(dossier.pk))
    return [
        ("dossier page", f"/werk/dossiers/{dossier.pk}/", dossier_record),
        ("client details", f"/werk/dossiers/{dossier.pk}/client/", dossier_record),
        ("attachment", f"/werk/dossiers/{dossier.pk}/bijlage/1/", dossier_record),
        ("measurement", f"/werk/dossiers/{dossier.pk}/metingen/{response.pk}/", dossier_record),
        ("dossier API", f"/api/v1/dossiers/{dossier.pk}/", dossier_record),
        ("contact API", f"/api/v1/dossiers/{dossier.pk}/contact-moments/", dossier_record),
        ("client API", f"/api/v1/clients/{dossier.client_id}/", ("dossiers.client", None)),
        ("response API", f"/api/v1/responses/{response.pk}/", (None, str(response.pk))),
    ]


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_every_role_is_refused_on_every_channel_and_each_refusal_is_logged(client, dossier, role):
    user = UserFactory(role=role)
    client.force_login(user)
    for what, url, (object_type, object_id) in channels(dossier):
        before = refusals_of(user).count()
        answer = client.get(url)
        assert answer.status_code in (403, 404), what
        rows = refusals_of(user)
        assert rows.count() == before + 1, what
        row = rows.latest("id")
        assert row.path == url, what
        if object_type is not None:
            assert row.object_type == object_type, what
        assert row.object_id == (object_id or str(dossier.client_id)), what


@pytest.mark.parametrize("role", [r for r in Role if r != Role.FUNCTIONAL_ADMIN])
def test_the_admin_refuses_and_names_the_record(client, role):
    user, target = UserFactory(role=role), UserFactory()
    client.force_login(user)
    assert client.get(f"/beheer/accounts/user/{target.pk}/change/").status_code == 403
    row = refusals_of(user).get()
    assert (row.object_type, row.object_id) == ("admin", str(target.pk))


def test_a_worker_of_another_team_is_logged_before_breaking_the_glass(client, dossier):
    outsider = UserFactory(role=Role.SOCIAL_WORKER)
    TeamMembershipFactory(user=outsider)
    client.force_login(outsider)
    answer = client.get(f"/werk/dossiers/{dossier.pk}/")
    assert answer.status_code == 302
    assert answer.url == f"/werk/dossiers/{dossier.pk}/noodtoegang/"
    row = refusals_of(outsider).get()
    assert (row.object_type, row.object_id) == ("dossiers.dossier", str(dossier.pk))
    assert "break the glass" in row.reason


def test_the_own_team_reads_without_a_refusal(client, dossier):
    """The other side of the matrix: what may be read leaves a read, not a refusal."""
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    TeamMembershipFactory(user=worker, team=dossier.team)
    client.force_login(worker)
    assert client.get(f"/werk/dossiers/{dossier.pk}/").status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 200
    assert not refusals_of(worker).exists()


def test_a_visitor_who_is_not_signed_in_goes_to_the_login_page_unlogged(client, dossier):
    assert client.get(f"/werk/dossiers/{dossier.pk}/").status_code == 302
    assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code in (401, 403)
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.DENIED).exists()


class TestBurst:
    MINUTE = timezone.make_aware(datetime(2026, 12, 6, 10, 15, 7))

    @pytest.fixture
    def frozen(self, monkeypatch, settings):
        settings.AUDIT_REFUSALS_PER_MINUTE = 20
        monkeypatch.setattr(timezone, "now", lambda: self.MINUTE)

    def test_a_scan_of_ids_is_counted_and_summed_up_once_the_minute_is_over(self, frozen):
        scanner = UserFactory(role=Role.SOCIAL_WORKER)
        written = [
            access_denied_record(actor=scanner, object_type="dossiers.dossier", object_id=str(n))
            for n in range(25)
        ]
        assert sum(row is not None for row in written) == 20
        assert refusals_of(scanner).count() == 20
        # The minute is not over: nothing is summed up yet.
        assert refusal_tallies_flush(before=self.MINUTE.replace(second=0)) == 0

        assert refusal_tallies_flush(before=self.MINUTE + timezone.timedelta(minutes=1)) == 1
        summary = refusals_of(scanner).get(object_type="refusals")
        assert summary.reason.startswith("5 more refusals in the minute from 2026-12-06 10:15")
        assert summary.actor_role == Role.SOCIAL_WORKER
        assert not RefusalTally.objects.exists()

    def test_each_actor_has_their_own_share(self, frozen):
        first, second = UserFactory(), UserFactory()
        for _ in range(21):
            access_denied_record(actor=first, object_type="x")
        access_denied_record(actor=second, object_type="x")
        assert (refusals_of(first).count(), refusals_of(second).count()) == (20, 1)

    def test_a_quiet_minute_leaves_no_summary(self, frozen):
        access_denied_record(actor=UserFactory(), object_type="x")
        assert refusal_tallies_flush(before=self.MINUTE + timezone.timedelta(minutes=1)) == 0
        assert not RefusalTally.objects.exists()
        assert AccessLogEntry.objects.filter(object_type="refusals").count() == 0
