""" "I would like to talk about this": the phone number and e-mail address a resident leaves
follow the same rules as everywhere (apps.core.validators); a refusal says why at the
field and sends nothing."""

import json

import pytest
from django.db.models import CharField
from django.db.models.functions import Cast

from apps.core.tests.input_cases import (
    ACCEPTED,
    IN_ENGLISH,
    REFUSED,
    message_at,
    on_today,  # noqa: F401 (a fixture)
    params,
)
from apps.dossiers.models import IntakeRequest
from apps.organisation.tests.factories import TeamFactory
from apps.questionnaires.models import Response
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.tests.test_talk import SHORT, all_answers, contact, send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]
CONTACT_FIELDS = {"phone", "email"}
URL = f"/zelfscan/{SHORT}/praten/"


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


def talk(client, **changes):
    _version, answers = all_answers()
    data = contact(TeamFactory(), answers=json.dumps(answers), attach_scan="on", **changes)
    return send(client, URL, data)


@pytest.mark.parametrize(("field", "typed", "expected"), params(ACCEPTED, CONTACT_FIELDS))
def test_accepts_and_stores_the_normal_form(client, field, typed, expected):
    assert talk(client, **{field: typed}).status_code == 302
    stored = IntakeRequest.objects.annotate(raw=Cast(field, CharField())).values_list("raw")
    assert stored.get() == (expected,)


@pytest.mark.parametrize(("field", "typed", "message"), params(REFUSED, CONTACT_FIELDS))
def test_refuses_with_the_message_at_the_field_and_sends_nothing(client, field, typed, message):
    response = talk(client, **{field: typed})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message_at(response.content.decode(), field, message)
    assert not IntakeRequest.objects.exists()
    assert not Response.objects.exists()


@pytest.mark.parametrize(("field", "typed", "english"), params(IN_ENGLISH, CONTACT_FIELDS))
def test_an_english_reader_gets_the_message_in_english(client, field, typed, english):
    client.cookies["django_language"] = "en"
    response = talk(client, **{field: typed})
    assert response.status_code == 400
    assert response.context["form"].errors[field][0].startswith(english)
