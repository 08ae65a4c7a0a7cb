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


def test_version_line_and_layout_do_not_change_the_hash(tmp_path):
    """Naming the version, padding texts with spaces, writing the defaults out and putting
    labels in another order describe the same content."""
    path = write(tmp_path, version=4)
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ('name.nl = "Kleine lijst"', 'name.nl = "  Kleine lijst\\n"'),
        ('text.nl = "Vraag twee?"', 'text.nl = """\nVraag twee?\n"""\nkind = "scale"'),
        ("max = 10\n", 'max = 10\nstep = 1\nlabels."07".nl = "Zeven"\n'),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    reference = write(tmp_path / "reference")
    text = reference.read_text(encoding="utf-8")
    text = text.replace(
        'labels.0.en = "Not at all"\n', 'labels.0.en = "Not at all"\nlabels.7.nl = "Zeven"\n'
    )
    reference.write_text(text, encoding="utf-8")

    assert definition_read(path).content_hash == definition_read(reference).content_hash
    assert list(definition_read(path).scale_labels.items()) == [
        ("0", {"nl": "Helemaal niet", "en": "Not at all"}),
        ("7", {"nl": "Zeven", "en": ""}),
    ]
