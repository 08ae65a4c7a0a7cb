"""The result of a scan in plain words, and what to suggest for its lowest parts."""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SUGGESTIONS_FILE = Path(__file__).resolve().parent / "suggestions.toml"
# Only the lowest parts get suggestions: a list of six tips would be advice about everything.
LOWEST_PARTS = 2


@dataclass(frozen=True)
class Part:
    code: str
    name: str
    score: Decimal | None


@dataclass(frozen=True)
class Suggestion:
    title: str
    text: str
    link: str


def score_text(score: Decimal) -> str:
    """7.50 as "7,5" in Dutch: one decimal, none when it is a whole number."""
    places = 0 if score == score.to_integral_value() else 1
    return number_format(score, decimal_pos=places)


def reading(parts: list[Part]) -> list[str]:
    """A few sentences at B1 level: the highest and lowest part, what was skipped."""
    answered = [part for part in parts if part.score is not None]
    if not answered:
        return [_("You did not answer any question, so there is no picture yet.")]
    high = max(answered, key=lambda part: part.score)
    low = min(answered, key=lambda part: part.score)
    if high.score == low.score:
        sentences = [
            _("All parts you answered score the same: %(score)s.")
            % {"score": score_text(high.score)}
        ]
    else:
        sentences = [
            _("You score highest on %(part)s (%(score)s). That is going well.")
            % {"part": high.name, "score": score_text(high.score)},
            _("You score lowest on %(part)s (%(score)s). Maybe you would like a change there.")
            % {"part": low.name, "score": score_text(low.score)},
        ]
    skipped = [part.name for part in parts if part.score is None]
    if skipped:
        sentences.append(_("You did not answer: %(parts)s.") % {"parts": ", ".join(skipped)})
    sentences.append(_("Only you decide what is important. A low score is not a judgement."))
    return sentences


@cache
def _rules() -> tuple[dict, ...]:
    with SUGGESTIONS_FILE.open("rb") as file:
        return tuple(tomllib.load(file)["suggestion"])


def _in_language(texts: dict) -> str:
    return texts.get((get_language() or "nl")[:2]) or texts["nl"]


def _services_of_theme(theme_code: str | None) -> str:
    """The social map's services of a theme: the link from a suggestion to help nearby."""
    if not theme_code:
        return ""
    return f"{reverse('socialmap:search')}?{urlencode({'thema': theme_code})}"


def suggestions(instrument_code: str, parts: list[Part]) -> list[Suggestion]:
    """Suggestions for the lowest answered parts, by the rules in suggestions.toml."""
    answered = sorted((part for part in parts if part.score is not None), key=lambda p: p.score)
    lowest = answered[:LOWEST_PARTS]
    found = []
    for part in lowest:
        for rule in _rules():
            if (
                instrument_code in rule["instruments"]
                and rule["dimension"] == part.code
                and part.score < Decimal(str(rule["below"]))
            ):
                found.append(
                    Suggestion(
                        _in_language(rule["title"]),
                        _in_language(rule["text"]),
                        rule.get("link") or _services_of_theme(rule.get("theme")),
                    )
                )
    return found
