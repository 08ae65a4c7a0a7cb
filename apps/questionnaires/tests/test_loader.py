import pytest
from django.core.management import CommandError, call_command

from apps.questionnaires.definitions import InstrumentDefinitionError
from apps.questionnaires.models import Dimension, Instrument, InstrumentVersion, Item
from apps.questionnaires.services.instruments import LoadOutcome, instruments_load
from apps.questionnaires.tests.definition_files import write
from apps.questionnaires.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def actions(report):
    return [(o.code, o.number, o.action, o.is_current) for o in report.outcomes]


class TestRealDefinitions:
    @pytest.fixture
    def loaded(self):
        instruments_load()
        return {
            version.instrument.code: version
            for version in InstrumentVersion.objects.current().with_structure()
        }

    def test_all_six_load_as_current_version_1(self, loaded):
        assert sorted(loaded) == [
            "client-satisfaction",
            "participation-ladder",
            "positive-health",
            "positive-health-short",
            "staff-technology-acceptance",
            "zrm",
        ]
        assert {version.number for version in loaded.values()} == {1}

    def test_positive_health_adult(self, loaded):
        version = loaded["positive-health"]
        assert version.instrument.purpose == Instrument.Purpose.CONVERSATION
        assert (version.scale_min, version.scale_max) == (0, 10)
        assert [d.name_nl for d in version.dimensions.all()] == [
            "Lichaamsfuncties",
            "Mentaal welbevinden",
            "Zingeving",
            "Kwaliteit van leven",
            "Meedoen",
            "Dagelijks functioneren",
        ]
        assert [d.items.count() for d in version.dimensions.all()] == [7] * 6
        assert version.items.count() == 42

    def test_positive_health_short(self, loaded):
        version = loaded["positive-health-short"]
        assert version.instrument.purpose == Instrument.Purpose.MEASUREMENT
        assert (version.scale_min, version.scale_max) == (0, 10)
        assert version.dimensions.count() == 6
        assert version.items.count() == 17
        assert [d.items.count() for d in version.dimensions.all()] == [3, 3, 3, 3, 3, 2]

    def test_zrm(self, loaded):
        version = loaded["zrm"]
        assert version.instrument.filled_by == Instrument.FilledBy.WORKER
        assert (version.scale_min, version.scale_max) == (1, 5)
        assert version.scoring_rule == "level_per_domain"
        assert [d.name_nl for d in version.dimensions.all()] == [
            "Financiën",
            "Werk & opleiding",
            "Tijdsbesteding",
            "Huisvesting",
            "Huiselijke relaties",
            "Geestelijke gezondheid",
            "Lichamelijke gezondheid",
            "Middelengebruik",
            "Basale ADL",
            "Instrumentele ADL",
            "Sociaal netwerk",
            "Maatschappelijke participatie",
            "Justitie",
        ]
        assert version.label_for(1) == "Acute problemen"
        assert version.label_for(5) == "Volledig zelfredzaam"
        for dimension in version.dimensions.all():
            (item,) = dimension.items.all()
            assert sorted(item.anchors) == ["1", "2", "3", "4", "5"]
            assert all(text["nl"] and text["en"] for text in item.anchors.values())

    def test_participation_ladder(self, loaded):
        version = loaded["participation-ladder"]
        assert version.instrument.filled_by == Instrument.FilledBy.WORKER
        assert version.scoring_rule == "rung"
        assert version.items.count() == 1
        assert list(version.scale_values) == [1, 2, 3, 4, 5, 6]
        assert version.label_for(1) == "Geïsoleerd"
        assert version.label_for(6) == "Betaald werk"

    def test_client_satisfaction(self, loaded):
        version = loaded["client-satisfaction"]
        items = list(version.items.all())
        assert version.scoring_options == {"overall_item": "overall"}
        assert [i.kind for i in items].count(Item.Kind.OPEN) == 1
        assert items[0].code == "overall"
        assert 4 <= sum(i.is_scale for i in items[1:]) <= 5
        assert (version.scale_min, version.scale_max) == (0, 10)

    def test_staff_technology_acceptance(self, loaded):
        version = loaded["staff-technology-acceptance"]
        assert (version.scale_min, version.scale_max) == (1, 5)
        assert version.label_for(1) == "Helemaal oneens"
        assert version.label_for(5) == "Helemaal eens"
        assert version.dimensions.count() == 4
        assert all(3 <= d.items.count() <= 4 for d in version.dimensions.all())

    def test_every_text_has_dutch_and_english(self, loaded):
        for version in loaded.values():
            assert version.instrument.name_en and version.intro_nl and version.intro_en
            for dimension in version.dimensions.all():
                assert dimension.name_nl and dimension.name_en, dimension.code
            for item in version.items.all():
                assert item.text_nl and item.text_en, item.code


class TestLoading:
    def test_loading_twice_changes_nothing(self):
        first = instruments_load()
        item_pks = set(Item.objects.values_list("pk", flat=True))
        second = instruments_load()
        assert len(first.of(LoadOutcome.CREATED)) == 6
        assert len(second.of(LoadOutcome.UNCHANGED)) == 6
        assert set(Item.objects.values_list("pk", flat=True)) == item_pks
        assert InstrumentVersion.objects.count() == 6

    def test_command(self, tmp_path, capsys):
        write(tmp_path)
        call_command("load_instruments", directory=str(tmp_path))
        assert "small v1: created (current)" in capsys.readouterr().out

    def test_change_without_responses_updates_in_place(self, tmp_path):
        write(tmp_path)
        instruments_load(directory=tmp_path)
        version = InstrumentVersion.objects.get()
        q2 = Item.objects.get(code="q2")
        extra = '\n[[dimensions.items]]\ncode = "q3"\ntext.nl = "Vraag drie?"\n'
        write(tmp_path, q1="Een nieuwe vraag een?", extra=extra)

        report = instruments_load(directory=tmp_path)

        assert actions(report) == [("small", 1, LoadOutcome.UPDATED, True)]
        assert InstrumentVersion.objects.get().pk == version.pk
        assert Item.objects.get(code="q1").text_nl == "Een nieuwe vraag een?"
        assert Item.objects.get(code="q2").pk == q2.pk
        assert list(version.items.values_list("code", "order")) == [("q1", 1), ("q2", 2), ("q3", 3)]

    def test_in_place_update_can_reorder_and_remove(self, tmp_path):
        path = write(tmp_path)
        instruments_load(directory=tmp_path)
        q2 = Item.objects.get(code="q2")
        text = path.read_text(encoding="utf-8")
        # Drop q1: q2 moves up to the first place.
        start = text.index('[[dimensions.items]]\ncode = "q1"')
        end = text.index('[[dimensions.items]]\ncode = "q2"')
        path.write_text(text[:start] + text[end:], encoding="utf-8")

        instruments_load(directory=tmp_path)

        assert list(Item.objects.values_list("pk", "code", "order")) == [(q2.pk, "q2", 1)]

    def test_change_with_responses_makes_a_new_version(self, tmp_path):
        write(tmp_path)
        instruments_load(directory=tmp_path)
        old = InstrumentVersion.objects.get()
        response = ResponseFactory(version=old)
        write(tmp_path, q2_reversed="true")

        report = instruments_load(directory=tmp_path)

        assert actions(report) == [("small", 2, LoadOutcome.CREATED, True)]
        old.refresh_from_db()
        new = InstrumentVersion.objects.get(number=2)
        assert (old.is_current, new.is_current) == (False, True)
        assert list(old.items.values_list("code", "reversed")) == [("q1", False), ("q2", False)]
        assert list(new.items.values_list("code", "reversed")) == [("q1", False), ("q2", True)]
        response.refresh_from_db()
        assert response.version == old
        # And the next load finds version 2 the same.
        assert actions(instruments_load(directory=tmp_path)) == [
            ("small", 2, LoadOutcome.UNCHANGED, True)
        ]

    def test_licensed_version_named_in_the_file_takes_over(self, tmp_path):
        own, licensed = tmp_path / "own", tmp_path / "licensed"
        write(own)
        write(licensed, version=100, q1="Officiële vraag een?")
        instruments_load(directory=own)

        report = instruments_load(directory=licensed)

        assert actions(report) == [("small", 100, LoadOutcome.CREATED, True)]
        assert InstrumentVersion.objects.get(number=100).number_from_file
        # Our own file, loaded again on the next deploy, does not take it back...
        assert actions(instruments_load(directory=own)) == [
            ("small", 1, LoadOutcome.UNCHANGED, False)
        ]
        # ...nor when our own wording changes.
        write(own, q1="Onze nieuwe vraag een?")
        assert actions(instruments_load(directory=own)) == [
            ("small", 1, LoadOutcome.UPDATED, False)
        ]
        assert InstrumentVersion.objects.current().get().number == 100

    def test_named_version_with_responses_cannot_change(self, tmp_path):
        write(tmp_path, version=3)
        instruments_load(directory=tmp_path)
        ResponseFactory(version=InstrumentVersion.objects.get())
        write(tmp_path, version=3, q1="Anders?")

        with pytest.raises(InstrumentDefinitionError) as error:
            instruments_load(directory=tmp_path)

        assert error.value.field_name == "version"
        assert "small.toml: version: version 3 of small already has responses" in str(error.value)
        assert Item.objects.get(code="q1").text_nl == "Vraag een?"

    def test_an_error_in_one_file_writes_nothing_of_the_others(self, tmp_path):
        write(tmp_path, "a.toml", code="first")
        write(tmp_path, "b.toml", code="second", version=1)
        instruments_load(directory=tmp_path)
        ResponseFactory(version=InstrumentVersion.objects.get(instrument__code="second"))
        write(tmp_path, "a.toml", code="first", q1="Gewijzigd?")
        write(tmp_path, "b.toml", code="second", version=1, q1="Ook gewijzigd?")

        with pytest.raises(InstrumentDefinitionError):
            instruments_load(directory=tmp_path)

        # a.toml was written before b.toml failed; the transaction took it back.
        assert Item.objects.get(version__instrument__code="first", code="q1").text_nl == (
            "Vraag een?"
        )

    def test_two_files_for_the_same_instrument_version(self, tmp_path):
        write(tmp_path, "a.toml")
        write(tmp_path, "b.toml")
        with pytest.raises(InstrumentDefinitionError, match=r"also defined in a\.toml"):
            instruments_load(directory=tmp_path)


BAD_DEFINITIONS = [
    # (what to change in the small definition, the field named, a part of the message)
    (("reversed = false", "reverse = false"), "dimensions[0].items[1].reverse", "unknown field"),
    (('name.nl = "Kleine lijst"\n', ""), "name.nl", "is missing"),
    (('purpose = "measurement"', 'purpose = "fun"'), "purpose", "must be one of"),
    (("max = 10", "max = 0"), "scale", "min must be below max"),
    (("max = 10", "max = 100"), "scale", "within ±99"),
    (("labels.0.nl", "labels.11.nl"), "scale.labels.11", "is not a value of the scale 0-10"),
    (('rule = "mean_per_dimension"', 'rule = "median"'), "scoring.rule", "must be one of"),
    (('rule = "mean_per_dimension"', 'rule = "level_per_domain"'), "dimensions[0].items", "one"),
    (('code = "q2"', 'code = "q1"'), "items", "item code q1 is used more than once"),
    (('code = "x"', 'code = "x y"'), "dimensions[0].code", "letters, digits"),
    (('text.nl = "Vraag twee?"', 'text.nl = ""'), "dimensions[0].items[1].text.nl", "empty"),
    (("min = 0", "min = true"), "scale.min", "whole number"),
    (
        ('code = "q2"', 'code = "q2"\nkind = "open"\nanchors.1.nl = "x"'),
        "dimensions[0].items[1]",
        "open",
    ),
    (("[scoring]", "[scoring]\noverall_item = 'q1'"), "scoring.overall_item", "unknown field"),
]


class TestBadDefinitions:
    @pytest.mark.parametrize(("change", "field_name", "message"), BAD_DEFINITIONS)
    def test_rejected_with_the_file_and_field(self, tmp_path, change, field_name, message):
        write(tmp_path, "good.toml", code="good")
        path = write(tmp_path, "bad.toml", code="bad")
        text = path.read_text(encoding="utf-8")
        assert change[0] in text
        path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")

        with pytest.raises(InstrumentDefinitionError) as error:
            instruments_load(directory=tmp_path)

        assert error.value.path.name == "bad.toml"
        assert error.value.field_name == field_name
        assert message in error.value.message
        assert not Instrument.objects.exists()

    def test_not_toml(self, tmp_path):
        (tmp_path / "broken.toml").write_text('code = "unfinished', encoding="utf-8")
        with pytest.raises(InstrumentDefinitionError, match=r"broken\.toml: not valid TOML"):
            instruments_load(directory=tmp_path)

    def test_command_error_names_the_file_and_field(self, tmp_path):
        path = write(tmp_path, "bad.toml")
        path.write_text(path.read_text().replace("max = 10", "max = 10\nstep = 3"))
        with pytest.raises(CommandError) as error:
            call_command("load_instruments", directory=str(tmp_path))
        assert "Nothing was loaded. bad.toml: scale.step: must be at least 1" in str(error.value)
        assert not Dimension.objects.exists()

    def test_missing_directory(self, tmp_path):
        with pytest.raises(CommandError, match="is not a directory"):
            call_command("load_instruments", directory=str(tmp_path / "nowhere"))
