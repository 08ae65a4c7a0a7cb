import factory
from django.utils import timezone

from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.questionnaires.models import (
    Answer,
    Assignment,
    Dimension,
    Instrument,
    InstrumentVersion,
    Item,
    Response,
)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"instrument-{n}")
    purpose = Instrument.Purpose.CONVERSATION
    filled_by = Instrument.FilledBy.RESIDENT
    name_nl = factory.Sequence(lambda n: f"Vragenlijst {n}")
    name_en = factory.Sequence(lambda n: f"Questionnaire {n}")


class InstrumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentVersion

    instrument = factory.SubFactory(InstrumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    scale_min = 0
    scale_max = 10
    scale_labels = factory.LazyFunction(
        lambda: {
            "0": {"nl": "Helemaal niet", "en": "Not at all"},
            "10": {"nl": "Helemaal wel", "en": "Completely"},
        }
    )
    scoring_rule = InstrumentVersion.ScoringRule.MEAN_PER_DIMENSION
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    is_current = True


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension

    version = factory.SubFactory(InstrumentVersionFactory)
    code = factory.Sequence(lambda n: f"dimension-{n}")
    order = factory.Sequence(lambda n: n + 1)
    name_nl = factory.Sequence(lambda n: f"Dimensie {n}")
    name_en = factory.Sequence(lambda n: f"Dimension {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    dimension = factory.SubFactory(DimensionFactory)
    version = factory.SelfAttribute("dimension.version")
    code = factory.Sequence(lambda n: f"item-{n}")
    order = factory.Sequence(lambda n: n + 1)
    text_nl = factory.Sequence(lambda n: f"Vraag {n}?")
    text_en = factory.Sequence(lambda n: f"Question {n}?")


def version_with_items(*, dimensions: dict[str, list[str]], reversed_items=(), **version_fields):
    """A version with the given {dimension code: [item codes]} structure, in that order."""
    version = InstrumentVersionFactory(**version_fields)
    order = 0
    for dimension_order, (dimension_code, item_codes) in enumerate(dimensions.items(), start=1):
        dimension = DimensionFactory(version=version, code=dimension_code, order=dimension_order)
        for item_code in item_codes:
            order += 1
            ItemFactory(
                dimension=dimension,
                code=item_code,
                order=order,
                reversed=item_code in reversed_items,
            )
    return version


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    version = factory.SubFactory(InstrumentVersionFactory)
    client = factory.SubFactory(ClientFactory)
    mode = Response.Mode.SELF


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    item = factory.SubFactory(
        ItemFactory, dimension__version=factory.SelfAttribute("...response.version")
    )
    value = 5


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    dossier = factory.SubFactory(DossierFactory)
    client = factory.SelfAttribute("dossier.client")
    instrument = factory.SubFactory(InstrumentFactory)
    assigned_at = factory.LazyFunction(timezone.now)
