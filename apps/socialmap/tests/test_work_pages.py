"""The social map in the workspace: staff-only fields, a referral from a dossier, the
editor's decision on a proposed change, and the freshness dashboard; and who may not."""

import datetime

import pytest
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.socialmap import freshness
from apps.socialmap.models import (
    Contact,
    ProposedChange,
    Referral,
    Service,
    VerificationRequest,
)
from apps.socialmap.tests.factories import ServiceFactory, a_full_service

pytestmark = pytest.mark.django_db
SEARCH = "/werk/sociale-kaart/"


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker)


def detail(service, dossier=None):
    return f"{SEARCH}{service.pk}/" + (f"?dossier={dossier.pk}" if dossier else "")


class TestStaffSearchAndDetail:
    def test_staff_read_what_residents_do_not(self, client, worker):
        service = a_full_service()
        client.force_login(worker)
        page = client.get(detail(service))
        assert page.status_code == 200
        assert "Niet doorverwijzen in december" in page.text
        assert "Bel eerst de coördinator." in page.text
        public = client.get(f"/sociale-kaart/{service.pk}/")
        assert "Niet doorverwijzen in december" not in public.text

    def test_staff_still_find_a_hidden_service_residents_do_not(self, client, worker):
        ServiceFactory(name="Verborgen hulp", hidden_since=datetime.date(2026, 12, 1))
        client.force_login(worker)
        staff = client.get(SEARCH, {"q": "Verborgen"})
        assert [row["name"] for row in staff.context["page"].object_list] == ["Verborgen hulp"]
        assert "Verborgen voor inwoners" in staff.text
        public = client.get("/sociale-kaart/", {"q": "Verborgen"})
        assert public.context["page"].object_list == []

    def test_a_hidden_service_has_no_public_page(self, client):
        service = ServiceFactory(hidden_since=datetime.date(2026, 12, 1))
        assert client.get(f"/sociale-kaart/{service.pk}/").status_code == 404

    def test_an_unconfirmed_service_says_so(self, client):
        service = ServiceFactory(name="Oude info", unconfirmed_since=datetime.date(2026, 12, 1))
        page = client.get(f"/sociale-kaart/{service.pk}/")
        assert "niet bevestigd" in page.text.lower()
        cards = client.get("/sociale-kaart/", {"q": "Oude"})
        assert "Niet bevestigd door de aanbieder" in cards.text

    @pytest.mark.parametrize("role", [Role.RESIDENT, Role.MUNICIPALITY_VIEWER])
    def test_others_may_not_open_the_staff_map(self, client, role):
        service = ServiceFactory()
        client.force_login(UserFactory(role=role))
        assert client.get(SEARCH).status_code == 403
        assert client.get(detail(service)).status_code == 403

    def test_anonymous_visitors_go_to_the_login_page(self, client):
        assert client.get(SEARCH).status_code == 302


class TestReferral:
    def test_refer_from_a_dossier(self, client, worker, dossier):
        service = ServiceFactory(name="Formulierenhulp")
        client.force_login(worker)
        section = client.get(f"/werk/dossiers/{dossier.pk}/deel/verwijzingen/")
        assert section.status_code == 200
        assert f"{SEARCH}?dossier={dossier.pk}" in section.text
        found = client.get(SEARCH, {"dossier": dossier.pk, "q": "Formulieren"})
        assert detail(service, dossier) in found.text
        page = client.get(detail(service, dossier))
        assert escape(dossier.client.full_name) in page.text
        response = client.post(
            detail(service), {"dossier": dossier.pk, "note": "Belt zelf maandag."}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/werk/dossiers/{dossier.pk}/deel/verwijzingen/"
        referral = Referral.objects.get()
        assert (referral.dossier, referral.service, referral.referred_by) == (
            dossier,
            service,
            worker,
        )
        assert AccessLogEntry.objects.filter(
            action="create", object_type="socialmap.referral", object_id=str(referral.pk)
        ).exists()
        section = client.get(f"/werk/dossiers/{dossier.pk}/deel/verwijzingen/")
        assert "Formulierenhulp" in section.text
        assert "Belt zelf maandag." in section.text

    def test_not_for_a_dossier_of_another_team(self, client, worker):
        other = DossierFactory()
        service = ServiceFactory()
        client.force_login(worker)
        page = client.get(detail(service, other))
        assert page.status_code == 200
        assert escape(other.client.full_name) not in page.text
        response = client.post(detail(service), {"dossier": other.pk, "note": ""})
        assert response.status_code == 400
        assert not Referral.objects.exists()
        assert AccessLogEntry.objects.filter(
            action="denied", object_type="dossiers.dossier", object_id=str(other.pk)
        ).exists()

    @pytest.mark.parametrize("dossier_value", ["", "abc", "99999999999999999999", "<b>1</b>"])
    def test_bad_dossier_values_refer_nobody(self, client, worker, dossier_value):
        service = ServiceFactory()
        client.force_login(worker)
        response = client.post(detail(service), {"dossier": dossier_value})
        assert response.status_code == 400
        assert "vanuit een dossier" in response.text
        assert not Referral.objects.exists()

    def test_not_to_a_service_that_stopped(self, client, worker, dossier):
        service = ServiceFactory(status=Service.Status.DEFUNCT)
        client.force_login(worker)
        assert client.post(detail(service), {"dossier": dossier.pk}).status_code == 404
        assert not Referral.objects.exists()

    def test_not_in_a_closed_dossier(self, client, worker, dossier):
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Dossier.Status.CLOSED,
            ended_on=datetime.date(2026, 12, 1),
            closing_reason=dossier.ClosingReason.values[0],
        )
        service = ServiceFactory()
        client.force_login(worker)
        response = client.post(detail(service), {"dossier": dossier.pk})
        assert response.status_code == 400
        assert "gesloten" in response.text
        assert not Referral.objects.exists()

    def test_a_volunteer_may_look_but_not_refer(self, client, dossier):
        volunteer = TeamMembershipFactory(team=dossier.team, user__role=Role.VOLUNTEER).user
        service = ServiceFactory()
        client.force_login(volunteer)
        assert client.get(detail(service)).status_code == 200
        assert client.post(detail(service), {"dossier": dossier.pk}).status_code == 400
        assert not Referral.objects.exists()


@pytest.fixture
def proposal():
    service = a_full_service(assured_date=datetime.date(2026, 1, 5))
    request = VerificationRequest.objects.create(
        service=service,
        email="fatma@buurtkracht.example",
        last_mailed_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
        expires_at=datetime.datetime(2026, 12, 31, tzinfo=datetime.UTC),
    )
    return freshness.change_propose(
        request=request,
        values={
            "name": "Formulierenhulp Noord",
            "phone": "06 12345678",
            "postal_code": "3812 CD",
            "hours_tu": "10:00-12:00",
        },
        note="Nieuw nummer.",
    )


@pytest.fixture
def editor():
    return UserFactory(role=Role.FUNCTIONAL_ADMIN)


class TestTheEditor:
    def test_sees_the_diff_and_accepts(self, client, editor, proposal):
        client.force_login(editor)
        listed = client.get(f"{SEARCH}voorstellen/")
        assert "Formulierenhulp" in listed.text
        page = client.get(f"{SEARCH}voorstellen/{proposal.pk}/")
        assert page.status_code == 200
        assert [line.field for line in page.context["diff"]] == [
            "name",
            "phone",
            "postal_code",
            "hours_tu",
        ]
        assert "0800 1234" in page.text and "06 12345678" in page.text
        response = client.post(
            f"{SEARCH}voorstellen/{proposal.pk}/", {"decision": "accept", "note": ""}
        )
        assert response.status_code == 302
        service = Service.objects.get(pk=proposal.service_id)
        assert service.name == "Formulierenhulp Noord"
        assert service.phones.order_by("id").first().number == "06 12345678"
        place = service.service_at_locations.get()
        assert place.location.postal_code == "3812 CD"
        # The service's own weekly hours: Monday and Wednesday as they were, and Tuesday.
        assert sorted((s.byday, s.opens_at) for s in service.schedules.all()) == [
            ("MO,WE", datetime.time(9)),
            ("TU", datetime.time(10)),
        ]
        # The place's seasonal hours stay.
        assert place.schedules.count() == 1
        assert service.assured_date == proposal.submitted_at.date()
        assert service.assurer_email == "fatma@buurtkracht.example"
        proposal.refresh_from_db()
        assert (proposal.state, proposal.decided_by) == ("accepted", editor)

    def test_rejects_with_a_reason_only(self, client, editor, proposal):
        client.force_login(editor)
        url = f"{SEARCH}voorstellen/{proposal.pk}/"
        refused = client.post(url, {"decision": "reject", "note": " "})
        assert refused.status_code == 400
        assert "Zeg waarom" in refused.text
        assert ProposedChange.objects.get().state == "pending"
        assert client.post(url, {"decision": "reject", "note": "Klopt niet."}).status_code == 302
        proposal.refresh_from_db()
        assert proposal.state == "rejected"
        assert Service.objects.get(pk=proposal.service_id).name != "Formulierenhulp Noord"

    @pytest.mark.parametrize("decision", ["", "delete", "<script>"])
    def test_an_unknown_decision_changes_nothing(self, client, editor, proposal, decision):
        client.force_login(editor)
        response = client.post(f"{SEARCH}voorstellen/{proposal.pk}/", {"decision": decision})
        assert response.status_code == 400
        assert ProposedChange.objects.get().state == "pending"

    def test_a_decided_proposal_is_not_decided_again(self, client, editor, proposal):
        client.force_login(editor)
        url = f"{SEARCH}voorstellen/{proposal.pk}/"
        client.post(url, {"decision": "accept"})
        again = client.post(url, {"decision": "reject", "note": "Toch niet."})
        assert again.status_code == 400
        assert ProposedChange.objects.get().state == "accepted"

    @pytest.mark.parametrize(
        "role", [Role.SOCIAL_WORKER, Role.TEAM_LEADER, Role.MANAGER, Role.RESIDENT]
    )
    def test_only_the_functional_administrator_decides(self, client, proposal, role):
        client.force_login(UserFactory(role=role))
        url = f"{SEARCH}voorstellen/{proposal.pk}/"
        assert client.get(f"{SEARCH}voorstellen/").status_code == 403
        assert client.post(url, {"decision": "accept"}).status_code == 403
        assert ProposedChange.objects.get().state == "pending"

    def test_an_unknown_proposal_is_not_found(self, client, editor):
        client.force_login(editor)
        assert (
            client.get(f"{SEARCH}voorstellen/{'0' * 8}-0000-0000-0000-{'0' * 12}/").status_code
            == 404
        )


class TestFreshnessDashboard:
    def test_shares_per_theme_and_the_oldest_and_the_silent(self, client):
        theme = Theme.objects.order_by("position").first()
        fresh = ServiceFactory(name="Vers", assured_date=datetime.date.today())
        stale = ServiceFactory(name="Oud", assured_date=datetime.date(2020, 1, 1))
        never = ServiceFactory(name="Nooit bevestigd", assured_date=None)
        for service in (fresh, stale, never):
            service.themes.add(theme)
        stale.owner = Contact.objects.create(organization=stale.organization, email="a@b.example")
        stale.save()
        VerificationRequest.objects.create(
            service=stale,
            email="a@b.example",
            last_mailed_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
            expires_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
            closed_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
            answer="no answer",
        )
        client.force_login(UserFactory(role=Role.MANAGER))
        page = client.get(f"{SEARCH}actualiteit/")
        assert page.status_code == 200
        overview = page.context["freshness"]
        row = next(row for row in overview.themes if row.name == theme.name)
        assert (row.services, row.confirmed, row.share) == (3, 1, 33)
        assert [service.name for service in overview.oldest[:2]] == ["Nooit bevestigd", "Oud"]
        assert [provider.name for provider in overview.silent_providers] == [
            stale.organization.name
        ]

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.VOLUNTEER, Role.RESIDENT])
    def test_not_for_those_who_do_not_steer(self, client, role):
        client.force_login(UserFactory(role=role))
        assert client.get(f"{SEARCH}actualiteit/").status_code == 403

    def test_its_query_count_does_not_grow_with_the_map(
        self, client, django_assert_max_num_queries
    ):
        client.force_login(UserFactory(role=Role.MANAGER))
        ServiceFactory.create_batch(2)
        with django_assert_max_num_queries(12) as few:
            client.get(f"{SEARCH}actualiteit/")
        ServiceFactory.create_batch(30)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(f"{SEARCH}actualiteit/")
