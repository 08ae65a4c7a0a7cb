"""An instrument changes after it was answered: old responses keep scoring by their own
version, new ones by the new version."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.questionnaires.models import InstrumentVersion, Response
from apps.questionnaires.services import answering, instruments
from apps.questionnaires.tests.definition_files import write

pytestmark = pytest.mark.django_db


def start(version):
    return answering.response_start(instrument=version.instrument, mode=Response.Mode.SELF)


def test_old_response_scores_by_its_own_version(tmp_path):
    write(tmp_path)  # v1: dimension x with q1 and q2, neither reversed
    instruments.instruments_load(directory=tmp_path)
    v1 = InstrumentVersion.objects.get()
    finished_on_v1 = start(v1)
    answering.response_answer_save(response=finished_on_v1, answers={"q1": 6, "q2": 8})
    answering.response_complete(response=finished_on_v1)
    still_open_on_v1 = start(v1)
    answering.response_answer_save(response=still_open_on_v1, answers={"q1": 6, "q2": 8})

    write(tmp_path, q2_reversed="true")  # v2: q2 is scored reversed
    instruments.instruments_load(directory=tmp_path)
    v2 = InstrumentVersion.objects.current().get()
    on_v2 = start(v2)
    answering.response_answer_save(response=on_v2, answers={"q1": 6, "q2": 8})

    still_open_on_v1 = answering.response_complete(response=still_open_on_v1)
    on_v2 = answering.response_complete(response=on_v2)

    assert v2.number == 2
    # v1: (6 + 8) / 2 = 7; v2: (6 + (10 - 8)) / 2 = 4.
    assert still_open_on_v1.version == v1
    assert still_open_on_v1.overall_score == Decimal("7.00")
    assert on_v2.overall_score == Decimal("4.00")
    assert answering.response_scores(response=finished_on_v1).dimensions["x"].score == Decimal(
        "7.00"
    )
    assert finished_on_v1.dimension_scores.get().dimension.version == v1


def test_answers_for_the_new_version_are_refused_on_an_old_response(tmp_path):
    write(tmp_path)
    instruments.instruments_load(directory=tmp_path)
    v1 = InstrumentVersion.objects.get()
    old = start(v1)
    answering.response_answer_save(response=old, answers={"q1": 6})
    extra = '\n[[dimensions.items]]\ncode = "q3"\ntext.nl = "Vraag drie?"\n'
    write(tmp_path, extra=extra)
    instruments.instruments_load(directory=tmp_path)
    q3 = InstrumentVersion.objects.current().get().items.get(code="q3")

    with pytest.raises(ValidationError) as error:
        answering.response_answer_save(response=old, answers={"q3": 5, q3.pk: 5})
    assert set(error.value.message_dict) == {"q3", str(q3.pk)}
