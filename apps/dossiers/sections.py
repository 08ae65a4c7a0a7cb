"""Parts of casework pages that apps above `dossiers` add: the measurements on a dossier
page, the scans sent with a request for help. Those apps read dossiers; `dossiers` imports
none of them (see the layer order in README), so each registers its section in its
AppConfig.ready() and the page asks every registered section what it shows.

A section is a template and a function of the page's arguments (the actor and the dossier
or request for help) that gives what the template shows as `section`, or None when the
reader sees nothing of it.
"""

from collections.abc import Callable
from dataclasses import dataclass

PAGES = ("dossier", "intake")


@dataclass(frozen=True)
class Section:
    template_name: str
    content: Callable[..., object | None]
    # The section's id on the page and its name in the page's "on this page" links; a
    # section without an anchor gets no link.
    anchor: str = ""
    title: str = ""
    # Its address on a page that shows one section at a time (the dossier page).
    slug: str = ""


@dataclass(frozen=True)
class ShownSection:
    template_name: str
    anchor: str
    title: str
    content: object


_registry: dict[str, list[Section]] = {page: [] for page in PAGES}


def section_register(page: str, section: Section) -> None:
    """Idempotent: ready() may run more than once in tests."""
    if section not in _registry[page]:
        _registry[page].append(section)


def registered(page: str) -> list[Section]:
    return list(_registry[page])


def page_sections(page: str, **arguments) -> list[ShownSection]:
    shown = []
    for section in _registry[page]:
        content = section.content(**arguments)
        if content is not None:
            shown.append(
                ShownSection(section.template_name, section.anchor, str(section.title), content)
            )
    return shown
