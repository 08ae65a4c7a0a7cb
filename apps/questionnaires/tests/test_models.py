import pytest
from django.db import IntegrityError
from django.utils import timezone, translation

from apps.questionnaires.models import Assignment, InstrumentVersion, Response
from apps.questionnaires.tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    DimensionFactory,
    InstrumentVersionFactory,
    ItemFactory,
    ResponseFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.names]


def test_texts_follow_the_active_language_and_fall_back_to_dutch():
    item = ItemFactory(text_nl="Slaap je goed?", text_en="Do you sleep well?")
    untranslated = DimensionFactory(name_nl="Zingeving", name_en="")
    with translation.override("en"):
        assert item.text == "Do you sleep well?"
        assert untranslated.name == "Zingeving"
        assert item.version.label_for(10) == "Completely"
    with translation.override("nl"):
        assert item.text == "Slaap je goed?"
        assert item.version.label_for(10) == "Helemaal wel"
    assert item.version.label_for(5) == ""


def test_item_anchor_before_scale_label():
    item = ItemFactory(anchors={"1": {"nl": "Dakloos.", "en": "Homeless."}})
    with translation.override("en"):
        assert item.label_for(1) == "Homeless."
        assert item.label_for(10) == "Completely"


def test_one_current_version_per_instrument():
    version = InstrumentVersionFactory()
    with pytest.raises(IntegrityError):
        InstrumentVersionFactory(instrument=version.instrument, is_current=True)


def test_current_queryset():
    current = InstrumentVersionFactory()
    InstrumentVersionFactory(instrument=current.instrument, is_current=False)
    assert list(InstrumentVersion.objects.current()) == [current]


def test_an_answer_is_given_once_per_item():
    answer = AnswerFactory()
    with pytest.raises(IntegrityError):
        AnswerFactory(response=answer.response, item=answer.item)


def test_str_holds_no_names_or_answers():
    answer = AnswerFactory(value=9)
    response = answer.response
    text = f"{response} {answer}"
    assert response.client.last_name not in text
    assert response.client.first_name not in text
    with translation.override("en"):
        assert str(response) == f"{response.version} response {response.pk} (In progress)"


def test_answer_factory_uses_the_response_version():
    answer = AnswerFactory(response=ResponseFactory())
    assert answer.item.version == answer.response.version


def test_a_waiting_assignment_is_not_given_twice():
    assignment = AssignmentFactory()
    with pytest.raises(IntegrityError):
        AssignmentFactory(dossier=assignment.dossier, instrument=assignment.instrument)


def test_open_assignments():
    waiting = AssignmentFactory()
    started = AssignmentFactory(response=ResponseFactory())
    AssignmentFactory(cancelled_at=timezone.now())
    now = timezone.now()
    completed = ResponseFactory(status=Response.Status.COMPLETED, started_at=now, completed_at=now)
    AssignmentFactory(response=completed)
    assert set(Assignment.objects.open()) == {waiting, started}
