from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.questionnaires.models import OPEN_TEXT_MAX_LENGTH, Answer, DimensionScore, Item, Response
from apps.questionnaires.services import answering, instruments
from apps.questionnaires.tests.factories import (
    AssignmentFactory,
    InstrumentFactory,
    ItemFactory,
    ResponseFactory,
    version_with_items,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages below are asserted in their source language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def version():
    """0-10, dimension a (a1, a2, pain reversed), dimension b (b1), and an open remark."""
    version = version_with_items(
        dimensions={"a": ["a1", "a2", "pain"], "b": ["b1"]}, reversed_items={"pain"}
    )
    ItemFactory(dimension=None, version=version, code="remark", order=10, kind=Item.Kind.OPEN)
    return version


@pytest.fixture
def response(version):
    return ResponseFactory(version=version)


def stored(response):
    return dict(response.answers.values_list("item__code", "value"))


class TestStart:
    def test_starts_on_the_current_version(self, version):
        dossier = DossierFactory()
        worker = UserFactory(role=Role.SOCIAL_WORKER, with_totp=False)
        response = answering.response_start(
            instrument=version.instrument,
            mode=Response.Mode.TOGETHER,
            dossier=dossier,
            recorded_by=worker,
            moment=Response.Moment.INTAKE,
        )
        assert response.version == version
        assert response.client == dossier.client
        assert response.status == Response.Status.IN_PROGRESS
        assert response.shared_with_worker is False

    def test_no_current_version(self):
        instrument = InstrumentFactory()
        with pytest.raises(ValidationError) as error:
            answering.response_start(instrument=instrument, mode=Response.Mode.SELF)
        assert error.value.code == "no_version"
        assert not Response.objects.exists()

    def test_dossier_of_another_client(self, version):
        with pytest.raises(ValidationError) as error:
            answering.response_start(
                instrument=version.instrument,
                mode=Response.Mode.SELF,
                client=ClientFactory(),
                dossier=DossierFactory(),
            )
        assert "dossier" in error.value.message_dict
        assert not Response.objects.exists()

    def test_by_a_worker_needs_the_worker(self, version):
        with pytest.raises(ValidationError) as error:
            answering.response_start(
                instrument=version.instrument, mode=Response.Mode.BY_WORKER, client=ClientFactory()
            )
        assert "recorded_by" in error.value.message_dict

    def test_from_an_assignment_twice_gives_one_response(self, version):
        assignment = AssignmentFactory(instrument=version.instrument)
        first = answering.response_start(
            instrument=version.instrument, mode=Response.Mode.SELF, assignment=assignment
        )
        second = answering.response_start(
            instrument=version.instrument, mode=Response.Mode.SELF, assignment=assignment
        )
        assert first == second
        assert Response.objects.count() == 1
        assignment.refresh_from_db()
        assert assignment.response == first
        assert (first.client, first.dossier) == (assignment.client, assignment.dossier)

    def test_cancelled_assignment(self, version):
        assignment = AssignmentFactory(instrument=version.instrument, cancelled_at=timezone.now())
        with pytest.raises(ValidationError):
            answering.response_start(
                instrument=version.instrument, mode=Response.Mode.SELF, assignment=assignment
            )
        assert not Response.objects.exists()


class TestAnswerSave:
    def test_saves_by_code_and_by_pk(self, response, version):
        b1 = version.items.get(code="b1")
        answering.response_answer_save(
            response=response, answers={"a1": 7, b1.pk: "3", "remark": "  Fijn gesprek.  "}
        )
        assert stored(response) == {"a1": 7, "b1": 3, "remark": None}
        assert response.answers.get(item__code="remark").text == "Fijn gesprek."

    def test_changes_and_clears_earlier_answers(self, response):
        answering.response_answer_save(response=response, answers={"a1": 7, "a2": 2})
        answering.response_answer_save(response=response, answers={"a1": 8, "a2": None})
        assert stored(response) == {"a1": 8}

    @pytest.mark.parametrize("value", [11, -1, "11", "abc", "5.5", 5.5, True, [5], "٣"])
    def test_value_off_the_scale(self, response, value):
        with pytest.raises(ValidationError) as error:
            answering.response_answer_save(response=response, answers={"a1": 4, "a2": value})
        assert error.value.message_dict == {"a2": ["Choose a whole number from 0 to 10."]}
        assert not Answer.objects.exists()

    def test_item_of_another_version(self, response, version):
        other = version_with_items(dimensions={"a": ["a1"]}, instrument=version.instrument,
                                   is_current=False)  # fmt: skip
        other_item = other.items.get()
        with pytest.raises(ValidationError) as error:
            answering.response_answer_save(
                response=response, answers={"a1": 4, other_item.pk: 4, "nope": 1}
            )
        assert set(error.value.message_dict) == {str(other_item.pk), "nope"}
        assert "not part of this questionnaire" in error.value.message_dict["nope"][0]
        assert not Answer.objects.exists()

    def test_open_answer_too_long(self, response):
        with pytest.raises(ValidationError) as error:
            answering.response_answer_save(
                response=response, answers={"a1": 4, "remark": "x" * (OPEN_TEXT_MAX_LENGTH + 1)}
            )
        assert "too long" in error.value.message_dict["remark"][0]
        assert not Answer.objects.exists()

    def test_open_answer_must_be_text(self, response):
        with pytest.raises(ValidationError) as error:
            answering.response_answer_save(response=response, answers={"remark": 5})
        assert error.value.message_dict == {"remark": ["Type your answer as text."]}

    def test_after_completion_nothing_changes(self, response):
        answering.response_answer_save(response=response, answers={"a1": 4})
        answering.response_complete(response=response)
        with pytest.raises(ValidationError) as error:
            answering.response_answer_save(response=response, answers={"a1": 9})
        assert error.value.code == "completed"
        assert stored(response) == {"a1": 4}


class TestComplete:
    def test_scores_are_stored(self, response):
        answering.response_answer_save(
            response=response, answers={"a1": 6, "a2": 9, "pain": 7, "remark": "Goed"}
        )
        completed = answering.response_complete(response=response)
        # a: (6 + 9 + (10 - 7)) / 3 = 18 / 3 = 6; b: not answered; overall: the one score.
        assert list(
            DimensionScore.objects.filter(response=response).values_list(
                "dimension__code", "score", "answered"
            )
        ) == [("a", Decimal("6.00"), 3), ("b", None, 0)]
        assert completed.overall_score == Decimal("6.00")
        assert completed.status == Response.Status.COMPLETED
        assert completed.completed_at is not None

    def test_double_submit_completes_once(self, response):
        answering.response_answer_save(response=response, answers={"a1": 6})
        first = answering.response_complete(response=response)
        second = answering.response_complete(response=response)
        assert second.completed_at == first.completed_at
        assert DimensionScore.objects.filter(response=response).count() == 2

    def test_nothing_answered(self, response):
        with pytest.raises(ValidationError) as error:
            answering.response_complete(response=response)
        assert error.value.code == "empty"
        response.refresh_from_db()
        assert response.status == Response.Status.IN_PROGRESS
        assert not DimensionScore.objects.exists()


class TestRealInstruments:
    """Whole flows on the shipped definitions, with scores worked out by hand."""

    @pytest.fixture(autouse=True)
    def _loaded(self):
        instruments.instruments_load()

    def complete(self, code, answers, **start):
        instrument = InstrumentFactory(code=code)  # the loaded one
        response = answering.response_start(
            instrument=instrument, mode=start.pop("mode", Response.Mode.SELF), **start
        )
        answering.response_answer_save(response=response, answers=answers)
        return answering.response_complete(response=response)

    def scores(self, response):
        return dict(response.dimension_scores.values_list("dimension__code", "score"))

    def test_positive_health_with_the_reversed_pain_question(self):
        answers = {"body-1": 8, "body-2": 7, "body-3": 3, "body-4": 6, "body-5": 5}
        answers |= {"body-6": 9, "body-7": 7, "mental-1": 4, "mental-2": 5}
        response = self.complete("positive-health", answers)
        scores = self.scores(response)
        # body: pain 3 counts as 7: (8 + 7 + 7 + 6 + 5 + 9 + 7) / 7 = 49 / 7 = 7.
        # mental: (4 + 5) / 2 = 4.5; the four other dimensions have no answers.
        assert scores["body"] == Decimal("7.00")
        assert scores["mental"] == Decimal("4.50")
        assert scores["meaning"] is None
        # Overall: (7 + 4.5) / 2.
        assert response.overall_score == Decimal("5.75")

    def test_zrm_recorded_by_a_worker(self):
        worker = UserFactory(role=Role.SOCIAL_WORKER, with_totp=False)
        codes = list(
            Item.objects.filter(version__instrument__code="zrm").values_list("code", flat=True)
        )
        answers = dict.fromkeys(codes, 3) | {"finances": 1, "housing": 5}
        response = self.complete(
            "zrm",
            answers,
            mode=Response.Mode.BY_WORKER,
            client=ClientFactory(),
            recorded_by=worker,
        )
        assert len(codes) == 13
        assert self.scores(response)["finances"] == Decimal("1.00")
        # (11 * 3 + 1 + 5) / 13 = 39 / 13 = 3.
        assert response.overall_score == Decimal("3.00")

    def test_zrm_level_off_the_scale(self):
        response = answering.response_start(
            instrument=InstrumentFactory(code="zrm"),
            mode=Response.Mode.BY_WORKER,
            client=ClientFactory(),
            recorded_by=UserFactory(role=Role.SOCIAL_WORKER, with_totp=False),
        )
        with pytest.raises(ValidationError) as error:
            answering.response_answer_save(response=response, answers={"housing": 6})
        assert error.value.message_dict == {"housing": ["Choose a whole number from 1 to 5."]}

    def test_participation_ladder(self):
        response = self.complete("participation-ladder", {"rung": 4})
        assert response.overall_score == Decimal("4.00")

    def test_client_satisfaction(self):
        answers = {"overall": 8, "listened": 9, "speed": 6, "result": 8, "remark": "Dank je."}
        response = self.complete("client-satisfaction", answers)
        # Mark 8; items (9 + 6 + 8) / 3 = 23 / 3 = 7.666… → 7.67.
        assert response.overall_score == Decimal("8.00")
        assert self.scores(response)["experience"] == Decimal("7.67")

    def test_staff_technology_acceptance(self):
        answers = {"ease-1": 4, "ease-2": 4, "ease-3": 5, "ease-4": 2, "intention-1": 5}
        response = self.complete("staff-technology-acceptance", answers)
        # ease-4 is reversed: 2 counts as 4. (4 + 4 + 5 + 4) / 4 = 17 / 4 = 4.25.
        assert self.scores(response)["ease-of-use"] == Decimal("4.25")
        assert self.scores(response)["intention"] == Decimal("5.00")
        assert response.overall_score is None
