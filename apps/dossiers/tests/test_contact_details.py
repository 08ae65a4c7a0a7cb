"""Birth dates, postcodes, house numbers, phone numbers and e-mail addresses: every way in
(the client form, the phone-intake form, the referral API) takes the same input, stores it
in the same form, and refuses the same input with the same message on the field, changing
nothing. The rules themselves are tested in apps/core/tests/test_validators.py."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from apps.accounts.tests.factories import PartnerSystemFactory, api_token_for
from apps.audit.models import AccessLogEntry
from apps.core import validators
from apps.core.tests.input_cases import (
    ACCEPTED,
    IN_ENGLISH,
    REFUSED,
    Dutch,
    message_at,
    on_today,  # noqa: F401 (a fixture)
    params,
)
from apps.dossiers.api.serializers import ReferralSerializer
from apps.dossiers.models import Client, IntakeRequest
from apps.dossiers.tests.api_support import API, field_errors, member, post_json, token_header
from apps.dossiers.tests.factories import ClientFactory, DossierFactory, IntakeRequestFactory
from apps.organisation.tests.factories import TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def stored(model, pk, field):
    """The value as the database holds it (a phone number as its text, not an object)."""
    if field == "birth_date":
        return model.objects.values_list(field, flat=True).get(pk=pk)
    raw = model.objects.annotate(raw=Cast(field, CharField())).values_list("raw", flat=True)
    return raw.get(pk=pk)


def snapshot(model, pk) -> dict:
    return {name: str(value) for name, value in model.objects.values().get(pk=pk).items()}


# --- The client form (/werk/dossiers/<id>/client/) ---------------------------------------


@pytest.fixture
def worker():
    return member(TeamFactory())


@pytest.fixture
def dossier(worker):
    client = ClientFactory(
        first_name="Anna",
        last_name="Bakker",
        birth_date=datetime.date(1970, 5, 1),
        postcode="3811 AA",
        house_number="1",
        phone="+31612345678",
        email="anna@voorbeeld.nl",
    )
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker, client=client)


def client_url(dossier):
    return f"/werk/dossiers/{dossier.pk}/client/"


def client_details(**changes):
    return {
        "first_name": "Anna",
        "last_name": "Bakker",
        "birth_date": "1970-05-01",
        "street": "",
        "house_number": "1",
        "postcode": "3811 AA",
        "city": "",
        "neighbourhood": "",
        "phone": "06 12345678",
        "email": "anna@voorbeeld.nl",
        "contact_preference": "phone",
        **changes,
    }


class TestClientForm:
    @pytest.mark.parametrize(("field", "typed", "expected"), params(ACCEPTED))
    def test_accepts_and_stores_the_normal_form(
        self, client, worker, dossier, field, typed, expected
    ):
        client.force_login(worker)
        response = client.post(client_url(dossier), client_details(**{field: typed}))
        assert response.status_code == 302
        assert stored(Client, dossier.client_id, field) == expected

    @pytest.mark.parametrize(("field", "typed", "message"), params(REFUSED))
    def test_refuses_with_the_message_at_the_field_and_changes_nothing(
        self, client, worker, dossier, field, typed, message
    ):
        before = snapshot(Client, dossier.client_id)
        client.force_login(worker)
        response = client.post(client_url(dossier), client_details(**{field: typed}))
        assert response.status_code == 400
        assert response.context["form"].errors[field] == [message]
        assert message_at(response.content.decode(), field, message)
        assert snapshot(Client, dossier.client_id) == before
        assert not AccessLogEntry.objects.filter(action="update").exists()

    @pytest.mark.parametrize(("field", "typed", "english"), params(IN_ENGLISH))
    def test_an_english_reader_gets_the_message_in_english(
        self, client, worker, dossier, field, typed, english
    ):
        client.force_login(worker)
        client.cookies["django_language"] = "en"
        response = client.post(client_url(dossier), client_details(**{field: typed}))
        assert response.status_code == 400
        assert response.context["form"].errors[field][0].startswith(english)

    def test_the_form_shows_the_stored_number_as_dialled_here(self, client, worker, dossier):
        client.force_login(worker)
        html = client.get(client_url(dossier)).content.decode()
        assert 'type="tel" name="phone" value="06 12345678"' in html
        assert 'min="1900-01-01"' in html and f'max="{datetime.date(2026, 3, 15)}"' in html

    def test_an_old_value_that_is_no_phone_number_is_kept_until_corrected(
        self, client, worker, dossier
    ):
        Client.objects.filter(pk=dossier.client_id).update(phone="bel de buurvrouw")
        client.force_login(worker)
        assert 'value="bel de buurvrouw"' in client.get(client_url(dossier)).content.decode()
        # Saving other details asks to correct it first; nothing is lost meanwhile.
        kept = client.post(client_url(dossier), client_details(phone="bel de buurvrouw"))
        assert kept.status_code == 400
        assert kept.context["form"].errors["phone"] == [Dutch.PHONE]
        assert stored(Client, dossier.client_id, "phone") == "bel de buurvrouw"
        fixed = client.post(client_url(dossier), client_details(phone="06 87654321"))
        assert fixed.status_code == 302
        assert stored(Client, dossier.client_id, "phone") == "+31687654321"

    def test_the_dossier_page_shows_a_number_a_phone_can_dial(self, client, worker, dossier):
        client.force_login(worker)
        html = client.get(f"/werk/dossiers/{dossier.pk}/").content.decode()
        assert '<a class="utrecht-link" href="tel:+31612345678">06 12345678</a>' in html


# --- The phone-intake form (/werk/dossiers/intake/nieuw/) --------------------------------

INTAKE_URL = "/werk/dossiers/intake/nieuw/"


def intake_details(team, **changes):
    return {
        "team": team.pk,
        "source": "self",
        "referrer": "",
        "first_name": "Henk",
        "last_name": "de Boer",
        "birth_date": "1950-03-02",
        "postcode": "3811 AB",
        "house_number": "4",
        "phone": "0612345678",
        "email": "",
        "question": "Mijn vrouw is overleden en ik red het niet alleen.",
        **changes,
    }


class TestIntakeForm:
    @pytest.mark.parametrize(("field", "typed", "expected"), params(ACCEPTED))
    def test_accepts_and_stores_the_normal_form(self, client, worker, field, typed, expected):
        client.force_login(worker)
        data = intake_details(worker.teams.get(), **{field: typed})
        assert client.post(INTAKE_URL, data).status_code == 302
        assert stored(IntakeRequest, IntakeRequest.objects.get().pk, field) == expected

    @pytest.mark.parametrize(("field", "typed", "message"), params(REFUSED))
    def test_refuses_with_the_message_at_the_field_and_stores_nothing(
        self, client, worker, field, typed, message
    ):
        client.force_login(worker)
        response = client.post(INTAKE_URL, intake_details(worker.teams.get(), **{field: typed}))
        assert response.status_code == 400
        assert response.context["form"].errors[field] == [message]
        assert message_at(response.content.decode(), field, message)
        assert not IntakeRequest.objects.exists()
        assert not AccessLogEntry.objects.filter(action="create").exists()

    @pytest.mark.parametrize(("field", "typed", "english"), params(IN_ENGLISH))
    def test_an_english_reader_gets_the_message_in_english(
        self, client, worker, field, typed, english
    ):
        client.force_login(worker)
        client.cookies["django_language"] = "en"
        response = client.post(INTAKE_URL, intake_details(worker.teams.get(), **{field: typed}))
        assert response.status_code == 400
        assert response.context["form"].errors[field][0].startswith(english)

    def test_a_request_shows_the_number_as_dialled_here(self, client, worker):
        intake = IntakeRequestFactory(team=worker.teams.get(), phone="+32470123456")
        client.force_login(worker)
        html = client.get(f"/werk/dossiers/intake/{intake.pk}/").content.decode()
        assert 'href="tel:+32470123456">+32 470 12 34 56</a>' in html


# --- The referral API (partner systems) -------------------------------------------------

REFERRALS = f"{API}/referrals/"


@pytest.fixture
def partner_headers():
    partner = PartnerSystemFactory(teams=[TeamFactory()])
    return token_header(api_token_for(partner))


def referral(**changes):
    return {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "birth_date": "1961-04-12",
        "postcode": "3811 AB",
        "house_number": "12",
        "phone": "06 12345678",
        "email": "",
        "question": "Mevrouw heeft veel schulden en slaapt slecht.",
        **changes,
    }


class TestReferralApi:
    @pytest.mark.parametrize(("field", "typed", "expected"), params(ACCEPTED))
    def test_accepts_and_stores_the_normal_form(
        self, client, partner_headers, field, typed, expected
    ):
        response = post_json(client, REFERRALS, referral(**{field: typed}), **partner_headers)
        assert response.status_code == 201
        assert stored(IntakeRequest, response.json()["id"], field) == expected

    @pytest.mark.parametrize(("field", "typed", "message"), params(REFUSED))
    def test_refuses_with_a_400_and_the_message_at_the_field(
        self, client, partner_headers, field, typed, message
    ):
        response = post_json(client, REFERRALS, referral(**{field: typed}), **partner_headers)
        assert response.status_code == 400
        assert field_errors(response) == {field: [message]}
        assert not IntakeRequest.objects.exists()
        assert not AccessLogEntry.objects.filter(action="create").exists()

    @pytest.mark.parametrize(("field", "typed", "english"), params(IN_ENGLISH))
    def test_an_english_reader_gets_the_message_in_english(
        self, client, partner_headers, field, typed, english
    ):
        client.cookies["django_language"] = "en"
        response = post_json(client, REFERRALS, referral(**{field: typed}), **partner_headers)
        assert response.status_code == 400
        assert field_errors(response)[field][0].startswith(english)

    def test_the_serializer_takes_the_model_fields_rules_along(self):
        """DRF copies a model field's validators to its serializer field: the API refuses
        in the serializer, before any service runs, with the same rule as the pages."""
        fields = ReferralSerializer().fields
        assert validators.validate_birth_date in fields["birth_date"].validators
        assert validators.validate_postcode in fields["postcode"].validators
        assert validators.validate_house_number in fields["house_number"].validators
        assert validators.validate_phone in fields["phone"].validators

    def test_a_client_is_read_with_the_number_in_e164(self, client, worker, dossier):
        client.force_login(worker)
        answer = client.get(f"{API}/clients/{dossier.client_id}/").json()
        assert (answer["phone"], answer["postcode"]) == ("+31612345678", "3811 AA")


# --- Stored values ----------------------------------------------------------------------


class TestStoredForm:
    def test_every_save_stores_the_normal_form_and_lookups_find_it(self):
        client = Client(first_name="Jan", last_name="Smit", postcode="3811ab", house_number="4 b")
        client.phone = "06-12345678"
        client.save()
        assert (client.postcode, client.house_number) == ("3811 AB", "4B")
        assert stored(Client, client.pk, "phone") == "+31612345678"
        assert Client.objects.get(postcode="3811AB", house_number="4b", phone="0612345678")

    def test_a_look_alike_is_found_however_the_request_wrote_the_address(self):
        known = ClientFactory(
            birth_date=datetime.date(1961, 4, 12), postcode="3811 AB", house_number="12A"
        )
        intake = IntakeRequestFactory(last_name="Anders")
        with connection.cursor() as cursor:  # as an old request may still have it
            cursor.execute(
                "UPDATE dossiers_intakerequest SET postcode = %s, house_number = %s WHERE id = %s",
                ["3811ab", "12 a", intake.pk],
            )
        intake.refresh_from_db()
        assert (intake.postcode, intake.house_number) == ("3811ab", "12 a")
        assert list(intake.possible_duplicates()) == [known]

    def test_factories_make_valid_values(self):
        for record in [*ClientFactory.create_batch(30), *IntakeRequestFactory.create_batch(5)]:
            record.full_clean(exclude=["account", "team"])
            assert record.phone and record.postcode and record.house_number

    def test_demo_data_has_valid_values(self, monkeypatch):
        from django.core.management import call_command

        from apps.dossiers import demo

        monkeypatch.setattr(demo, "LARGE_CLIENTS", 60)
        monkeypatch.setattr(demo, "LARGE_RETURNING_CLIENTS", 12)
        monkeypatch.setattr(demo, "LARGE_CHUNK", 25)
        call_command("seed_demo", "--force", "--size", "large", verbosity=0)
        checks = {
            "birth_date": validators.validate_birth_date,
            "postcode": validators.validate_postcode,
            "house_number": validators.validate_house_number,
            "phone": validators.validate_phone,
        }
        for model in (Client, IntakeRequest):
            rows = model.objects.values_list(*checks)
            assert rows.count() >= 4
            for row in rows:
                for validate, value in zip(checks.values(), row, strict=True):
                    validate(value)
        assert Client.objects.exclude(phone="").count() > 40


# --- Existing data ----------------------------------------------------------------------


def test_the_migration_writes_readable_old_values_in_the_normal_form_and_keeps_the_rest():
    migration = importlib.import_module("apps.dossiers.migrations.0008_normalise_contact_details")
    readable = ClientFactory()
    unreadable = ClientFactory()
    intake = IntakeRequestFactory()
    old_values = {
        readable.pk: ("3811ab", "12 a", "06-12 34 56 78"),
        unreadable.pk: ("3811 SA", "0", "020 123 4567 toestel 12"),
    }
    with connection.cursor() as cursor:
        for pk, values in old_values.items():
            cursor.execute(
                "UPDATE dossiers_client SET postcode = %s, house_number = %s, phone = %s "
                "WHERE id = %s",
                [*values, pk],
            )
        cursor.execute(
            "UPDATE dossiers_intakerequest SET postcode = %s, phone = %s WHERE id = %s",
            ["1234 ab", "+32 470 12 34 56", intake.pk],
        )

    for table in ("dossiers_client", "dossiers_intakerequest"):
        migration.normalise_table(connection, table)

    fields = ("postcode", "house_number", "phone")
    assert tuple(stored(Client, readable.pk, f) for f in fields) == (
        "3811 AB",
        "12A",
        "+31612345678",
    )
    assert tuple(stored(Client, unreadable.pk, f) for f in fields) == old_values[unreadable.pk]
    assert stored(IntakeRequest, intake.pk, "postcode") == "1234 AB"
    assert stored(IntakeRequest, intake.pk, "phone") == "+32470123456"
