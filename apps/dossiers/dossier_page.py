"""The dossier page: a header card and one section at a time.

A worker comes to a dossier to log a contact or look one thing up, so the page renders the
header and the section asked for, never the whole dossier. Each section has a URL of its
own: the navigation works without JavaScript, and with htmx only the section is fetched.
Contact moments come first, the newest page of them.

Sections that apps above `dossiers` add (measurements) come from the registry in
`sections.py`; the dossier's own sections are listed here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts import policy
from apps.dossiers import sections, selectors, worklists
from apps.dossiers.forms import (
    CloseDossierForm,
    GoalForm,
    LegalHoldForm,
    LongRunningExplanationForm,
)
from apps.dossiers.models import Action, Dossier


@dataclass
class DossierPage:
    """What every section is drawn from: the request, the dossier, whether the reader may
    change it and the forms that came back with errors (by name, e.g. `contact_form`)."""

    request: object
    dossier: Dossier
    can_change: bool
    forms: dict = field(default_factory=dict)

    @property
    def open_for_change(self) -> bool:
        return self.can_change and self.dossier.status != Dossier.Status.CLOSED


@dataclass(frozen=True)
class DossierSection:
    slug: str
    anchor: str
    title: str
    template_name: str
    # The template's context, or None when the reader sees nothing of this section.
    context: Callable[[DossierPage], dict | None]


def _contacts(page: DossierPage) -> dict:
    number = _page_number(page.request.GET.get("pagina"))
    moments, has_older = selectors.dossier_timeline_page(dossier=page.dossier, number=number)
    return {
        "timeline": worklists.timeline_items(moments),
        "timeline_page": number,
        "older_page": number + 1 if has_older else None,
        "newer_page": number - 1 if number > 1 else None,
    }


def _page_number(value) -> int:
    """A page of the timeline; anything that is not a page number gives the newest."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 10_000)


def _plan(page: DossierPage) -> dict:
    goals = list(selectors.dossier_plan(dossier=page.dossier))
    action_forms = page.forms.get("action_forms") or {}
    for goal in goals:
        goal.action_form = action_forms.get(goal.pk)
    return {
        "goals": goals,
        "goal_form": page.forms.get("goal_form") or GoalForm(),
        "action_statuses": Action.Status.choices,
    }


def _questions(page: DossierPage) -> dict:
    return {"questions": page.dossier.questions.select_related("theme")}


def _network(page: DossierPage) -> dict:
    return {"network": list(page.dossier.network.all())}


def _attachments(page: DossierPage) -> dict:
    return {"attachments": selectors.dossier_attachments(dossier=page.dossier)}


def _life_events(page: DossierPage) -> dict:
    return {"life_events": page.dossier.life_events.all()}


def _details(page: DossierPage) -> dict:
    dossier = page.dossier
    return {
        "can_hold": policy.can(page.request.user, "dossiers.hold_dossier", dossier),
        "retention_years": settings.DOSSIER_RETENTION_YEARS,
        "close_form": page.forms.get("close_form") or CloseDossierForm(),
        "explanation_form": page.forms.get("explanation_form")
        or LongRunningExplanationForm(initial={"explanation": dossier.long_running_explanation}),
        "legal_hold_form": page.forms.get("legal_hold_form")
        or LegalHoldForm(
            initial={
                "hold": "yes" if dossier.legal_hold else "no",
                "reason": dossier.legal_hold_reason,
            }
        ),
    }


def _registered(section: sections.Section) -> DossierSection:
    def context(page: DossierPage) -> dict | None:
        content = section.content(actor=page.request.user, dossier=page.dossier)
        return None if content is None else {"section": content}

    return DossierSection(
        section.slug, section.anchor, section.title, section.template_name, context
    )


SECTIONS_BEFORE = (
    DossierSection(
        "contact", "contacts", _("Contact moments"), "dossiers/sections/contacts.html", _contacts
    ),
    DossierSection("plan", "plan", _("Plan"), "dossiers/sections/plan.html", _plan),
    DossierSection(
        "vragen", "questions", _("Questions"), "dossiers/sections/questions.html", _questions
    ),
    DossierSection("netwerk", "network", _("Network"), "dossiers/sections/network.html", _network),
)
SECTIONS_AFTER = (
    DossierSection(
        "bijlagen",
        "attachments",
        _("Photos and files"),
        "dossiers/sections/attachments.html",
        _attachments,
    ),
    DossierSection(
        "gebeurtenissen",
        "life-events",
        _("Life events"),
        "dossiers/sections/life_events.html",
        _life_events,
    ),
    DossierSection(
        "gegevens", "details", _("Details and status"), "dossiers/sections/details.html", _details
    ),
)
# The section a form belongs to: a form that comes back with errors is shown there.
SECTION_OF_FORM = {
    "contact_form": "contact",
    "goal_form": "plan",
    "action_forms": "plan",
    "question_form": "vragen",
    "network_form": "netwerk",
    "attachment_form": "bijlagen",
    "life_event_form": "gebeurtenissen",
    "close_form": "gegevens",
    "explanation_form": "gegevens",
    "legal_hold_form": "gegevens",
}
FIRST_SECTION = "contact"


def dossier_sections() -> list[DossierSection]:
    # Only a section with an address can be one of the page's sections.
    registered = [
        _registered(section) for section in sections.registered("dossier") if section.slug
    ]
    return [*SECTIONS_BEFORE, *registered, *SECTIONS_AFTER]


def section_named(slug: str) -> DossierSection:
    for section in dossier_sections():
        if section.slug == slug:
            return section
    raise Http404


def section_url(dossier, slug: str) -> str:
    if slug == FIRST_SECTION:
        return reverse("dossiers:detail", kwargs={"pk": dossier.pk})
    return reverse("dossiers:section", kwargs={"pk": dossier.pk, "section": slug})


def section_context(page: DossierPage, slug: str) -> dict:
    """The context of the page or the htmx fragment for one section."""
    current = section_named(slug)
    dossier = page.dossier
    own = current.context(page)
    return {
        **page.forms,
        **(own or {}),
        "dossier": dossier,
        "can_change": page.can_change,
        "open_for_change": page.open_for_change,
        "current": current,
        "unavailable": own is None,
        "navigation": [
            (item, section_url(dossier, item.slug), item.slug == slug)
            for item in dossier_sections()
        ],
    }
