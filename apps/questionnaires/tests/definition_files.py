"""A small instrument definition to write into a temporary directory for the loader."""

from pathlib import Path

SMALL = """
code = "{code}"
{version_line}
purpose = "measurement"
filled_by = "resident"
name.nl = "Kleine lijst"
name.en = "Small list"

[scale]
min = 0
max = 10
labels.0.nl = "Helemaal niet"
labels.0.en = "Not at all"

[scoring]
rule = "mean_per_dimension"

[[dimensions]]
code = "x"
name.nl = "Iks"

[[dimensions.items]]
code = "q1"
text.nl = "{q1}"
text.en = "Question one?"

[[dimensions.items]]
code = "q2"
text.nl = "Vraag twee?"
reversed = {q2_reversed}
{extra}
"""


def write(directory: Path, name="small.toml", *, code="small", version=None, q1="Vraag een?",
          q2_reversed="false", extra="") -> Path:  # fmt: skip
    directory.mkdir(exist_ok=True)
    path = directory / name
    version_line = f"version = {version}" if version else ""
    path.write_text(
        SMALL.format(
            code=code, version_line=version_line, q1=q1, q2_reversed=q2_reversed, extra=extra
        ),
        encoding="utf-8",
    )
    return path
