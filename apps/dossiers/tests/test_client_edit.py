import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Client
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    client = ClientFactory(
        first_name="Anna",
        last_name="Bakker",
        postcode="3811 AA",
        house_number="1",
        latitude=52.15,
        longitude=5.38,
    )
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker, client=client)


def url(dossier):
    return f"/werk/dossiers/{dossier.pk}/client/"


def details(**changes):
    return {
        "first_name": "Anna",
        "last_name": "Bakker",
        "birth_date": "1970-05-01",
        "street": "Langestraat",
        "house_number": "1",
        "postcode": "3811 AA",
        "city": "Amersfoort",
        "neighbourhood": "",
        "phone": "0612345678",
        "email": "",
        "contact_preference": "phone",
        **changes,
    }


def test_a_new_address_is_saved_logged_and_looked_up_again(
    client, worker, dossier, django_capture_on_commit_callbacks
):
    district = NeighbourhoodFactory()
    worker.teams.get().neighbourhoods.add(district)
    buurt = NeighbourhoodFactory(kind="buurt", cbs_code="BU03070101", district=district)
    client.force_login(worker)
    assert client.get(url(dossier)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(dossier), details(postcode="3812ab", house_number="7", neighbourhood=buurt.pk)
        )
    assert response.status_code == 302
    record = Client.objects.get(pk=dossier.client_id)
    assert (record.postcode, record.house_number, record.neighbourhood) == ("3812 AB", "7", buurt)
    # The offline geocoder (tests) placed the new address again.
    assert record.latitude is not None and (record.latitude, record.longitude) != (52.15, 5.38)
    entry = AccessLogEntry.objects.get(
        action="update", object_type="dossiers.client", reason__startswith="changed"
    )
    assert "postcode" in entry.reason


def test_no_change_writes_nothing(client, worker, dossier):
    client.force_login(worker)
    current = Client.objects.get(pk=dossier.client_id)
    data = details(street=current.street, city=current.city, phone=current.phone, birth_date="")
    client.post(url(dossier), data)
    assert not AccessLogEntry.objects.filter(action="update").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"first_name": ""},
        {"postcode": "12345"},
        {"birth_date": "2099-01-01"},
        {"email": "geen adres"},
        {"contact_preference": "pigeon"},
        {"neighbourhood": "999999"},
    ],
)
def test_bad_input_changes_nothing(client, worker, dossier, change):
    client.force_login(worker)
    response = client.post(url(dossier), details(**change))
    assert response.status_code == 400
    assert set(response.context["form"].errors) & set(change)
    record = Client.objects.get(pk=dossier.client_id)
    assert (record.first_name, record.postcode, record.latitude) == ("Anna", "3811 AA", 52.15)


def test_a_neighbourhood_outside_the_own_teams_cannot_be_chosen(client, worker, dossier):
    elsewhere = NeighbourhoodFactory(
        kind="buurt", cbs_code="BU03070102", district=NeighbourhoodFactory()
    )
    client.force_login(worker)
    response = client.post(url(dossier), details(neighbourhood=elsewhere.pk))
    assert response.status_code == 400
    assert Client.objects.get(pk=dossier.client_id).neighbourhood is None


def test_other_teams_and_roles_cannot(client, dossier):
    stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(stranger)
    assert client.post(url(dossier), details(first_name="X")).status_code == 404
    for role in (Role.MANAGER, Role.RESIDENT, Role.MUNICIPALITY_VIEWER):
        client.force_login(UserFactory(role=role))
        assert client.get(url(dossier)).status_code == 403
    assert Client.objects.get(pk=dossier.client_id).first_name == "Anna"


def test_a_team_whose_trajectory_closed_no_longer_changes_the_details(client, worker):
    closed = DossierFactory(
        team=worker.teams.get(),
        status="closed",
        closing_reason="moved",
        started_on="2025-01-01",
        ended_on="2025-06-01",
    )
    client.force_login(worker)
    assert client.get(url(closed)).status_code == 403
    assert client.post(url(closed), details(first_name="Anders")).status_code == 403
