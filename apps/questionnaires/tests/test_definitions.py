"""The content hash of a definition decides whether an installation sees a new version.

A change to how files are read that alters the normalised content would give every
installation new versions of unchanged instruments on its next deploy. These hashes are
pinned so that such a change can only be made on purpose.
"""

from apps.questionnaires.definitions import definition_read, definitions_read
from apps.questionnaires.services.instruments import DEFAULT_DIRECTORY
from apps.questionnaires.tests.definition_files import write

SHIPPED_HASHES = {
    "client-satisfaction.toml": "6c7f97ca8393d687a5c798338fefa6b3ac0b74d982b07deef12fa5aa53cd68e2",
    "participation-ladder.toml": "21f48b573295302d94717c8d4c558b750de0921cf8faacf0149e096a4aa77bdf",
    "positive-health-short.toml": (
        "8cd3948798f19e4c56d486b079c9339672a4365754165abd84423ebb2cc3a090"
    ),
    "positive-health.toml": "3e433396fb24c8401dbc9cd412fbd81ea08a97058848e0b41c1335e741d8c4ee",
    "staff-technology-acceptance.toml": (
        "ddd4fe4428cb55c4b23ccc1f3ac3c8d98254a60764a11bcbd4fb241be2fd18f1"
    ),
    "zrm.toml": "f9ecddd83cfd46856b43b65b5d66bb8e6c7f98fe34eabbb81907c8c74cd97885",
}
# The small test definition leaves out every optional field (intro, descriptions, English
# texts, anchors, step), so its hash pins the defaults the shipped files do not use.
SMALL_HASH = "7f27a2044f3912bf75163f6159c279140de28ccc9ff476c61954617519e4e94e"


def test_shipped_definitions_keep_their_hash():
    hashes = {d.path.name: d.content_hash for d in definitions_read(DEFAULT_DIRECTORY)}
    assert hashes == SHIPPED_HASHES


def test_defaults_keep_their_hash(tmp_path):
    assert definition_read(write(tmp_path)).content_hash == SMALL_HASH


def rewritten(directory, replacements, **options):
    """The small definition written to `directory`, with text replaced."""
    path = write(directory, **options)
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return definition_read(path)


def test_layout_and_version_line_do_not_change_the_hash(tmp_path):
    """Comments, spaces around texts, the order of fields and labels, defaults written out
    and the version line: the same content, so the same version."""
    seven = 'labels.0.en = "Not at all"\n'
    reference = rewritten(tmp_path / "a", [(seven, seven + 'labels.7.nl = "Zeven"\n')])
    layout = rewritten(
        tmp_path / "b",
        [
            ('purpose = "measurement"\n', "# Filled in by residents.\n"),
            ('filled_by = "resident"\n', 'filled_by = "resident"\npurpose = "measurement"\n'),
            ('name.nl = "Kleine lijst"', 'name.nl = "  Kleine lijst\\n"'),
            ('text.nl = "Vraag twee?"', 'text.nl = """\nVraag twee?\n"""\nkind = "scale"'),
            ("max = 10\n", 'max = 10\nstep = 1\nlabels."07".nl = "Zeven"\n'),
        ],
        version=4,
    )

    assert layout.content_hash == reference.content_hash
    assert list(layout.scale_labels.items()) == [
        ("0", {"nl": "Helemaal niet", "en": "Not at all"}),
        ("7", {"nl": "Zeven", "en": ""}),
    ]


def test_order_of_items_changes_the_hash(tmp_path):
    path = write(tmp_path)
    text = path.read_text(encoding="utf-8")
    start = text.index('[[dimensions.items]]\ncode = "q1"')
    end = text.index('[[dimensions.items]]\ncode = "q2"')
    path.write_text(text[:start] + text[end:] + "\n" + text[start:end], encoding="utf-8")
    swapped = definition_read(path)

    assert [item.code for _dimension, item in swapped.all_items()] == ["q2", "q1"]
    assert swapped.content_hash != SMALL_HASH
