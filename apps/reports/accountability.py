"""The municipality's accountability report: what it holds and how it becomes a PDF.

The report reads what the report pages read (the subjects' charts, over the statistics
tables), for one municipality and period, always protected by the disclosure rules: the
PDF leaves the organisation whoever asks for it. It is written in Dutch, the language of
the municipality, whatever the language of the manager who asks for it.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.pdf import RenderedPdf, html_to_pdf
from apps.effects.inference import configured_min_group_size
from apps.effects.models import StatisticsRun
from apps.effects.selectors import Scope, Selection, figures_per_unit
from apps.organisation.models import Neighbourhood, Theme
from apps.reports.disclosure import TOTAL, ProtectedTable, Rules, configured_rules, protect_table
from apps.reports.models import MunicipalityReport
from apps.reports.prevented_costs import PreventedSums, prevented_sums
from apps.reports.subjects import SUBJECTS, Context, Page

TEMPLATE = "reports/pdf/municipality_report.html"
STYLESHEET = "css/print-report.css"
REPORT_LANGUAGE = "nl"
# The subjects of the report pages, in the report's order. The comparison of teams and
# neighbourhoods is a tool for managers, not an account to the municipality.
SECTIONS = ("bereik", "contact", "zelfscans", "tevredenheid", "effecten", "adoptie")
# The charts of a section, where the report shows fewer than its page: the account to the
# municipality, not every view a manager steers with. Left out: the map of new dossiers
# per neighbourhood (the table of questions per neighbourhood and theme shows the
# neighbourhoods), how long support lasted, minutes per contact, and the share online per
# team and month (the share per team over the period stays). Each would add a page and
# time to a PDF that must be made in seconds.
SECTION_CHARTS = {
    "bereik": ("reach", "questions", "closed"),
    "contact": ("modes", "online-share", "minutes"),
    "adoptie": ("online-per-team", "clients-with-scan", "staff-survey"),
}
# Above this many neighbourhoods the table of questions has a row per district.
MAX_TABLE_NEIGHBOURHOODS = 40
# Steps the progress bar counts: each section, the table of questions, the PDF itself.
STEPS = len(SECTIONS) + 2


@dataclass
class Section:
    slug: str
    title: str
    page: Page


@dataclass
class CrossTable:
    """Questions per area (rows) and theme (columns), with totals, protected."""

    unit: str  # "neighbourhood" or "district"
    rows: list[tuple[str, list]]  # (area name, values with the row total last)
    columns: list[str]  # theme names, "Total" last
    totals: list
    table: ProtectedTable

    @property
    def has_data(self) -> bool:
        return bool(self.rows)


@dataclass
class ReportContent:
    report: MunicipalityReport
    sections: list[Section]
    questions: CrossTable
    prevented: PreventedSums
    rules: Rules
    run: StatisticsRun | None

    @property
    def has_data(self) -> bool:
        return any(section.page.has_data for section in self.sections)


def _context(report: MunicipalityReport, run: StatisticsRun | None) -> Context:
    return Context(
        scope=Scope(
            municipality_ids=frozenset({report.municipality_id}),
            protected=True,
            run_id=run.pk if run else None,
        ),
        selection=Selection(
            start=report.period_start, end=report.period_end, municipality=report.municipality
        ),
        options={},
    )


def questions_per_area(context: Context, rules: Rules) -> CrossTable:
    """Questions registered per area and theme, every area of the municipality a row: the
    table with totals that secondary suppression protects. Its neighbourhoods, or its
    districts when it has more than MAX_TABLE_NEIGHBOURHOODS: a city's hundred
    neighbourhoods would be pages of mostly hidden counts."""
    municipality = context.selection.municipality
    areas = Neighbourhood.objects.filter(municipality=municipality)
    unit = "neighbourhood"
    if areas.filter(kind=Neighbourhood.Kind.NEIGHBOURHOOD).count() > MAX_TABLE_NEIGHBOURHOODS:
        unit = "district"
    kind = Neighbourhood.Kind.DISTRICT if unit == "district" else Neighbourhood.Kind.NEIGHBOURHOOD
    counts = defaultdict(int)
    for row in figures_per_unit(
        context.scope, context.selection, "questions", unit=unit, by=("theme",)
    ):
        counts[(row[f"{unit}_id"], row["theme"])] += row["n"]
    rows = list(areas.filter(kind=kind).order_by("name").values_list("pk", "name"))
    themes = list(Theme.objects.all())
    table = protect_table(
        counts,
        rows=[pk for pk, _name in rows],
        columns=[theme.pk for theme in themes],
        rules=rules,
    )
    columns = [*[theme.pk for theme in themes], TOTAL]
    return CrossTable(
        unit=unit,
        rows=[
            (name, [table.value(pk, column) for column in columns])
            for pk, name in rows
            if any(counts[(pk, theme.pk)] for theme in themes)
        ],
        columns=[*[theme.name for theme in themes], _("Total")],
        totals=[table.value(TOTAL, column) for column in columns],
        table=table,
    )


def report_content(
    report: MunicipalityReport,
    run: StatisticsRun | None,
    progress: Callable[[int, str], None] = lambda done, step: None,
) -> ReportContent:
    context = _context(report, run)
    rules = configured_rules()
    sections = []
    for done, slug in enumerate(SECTIONS):
        title, builder = SUBJECTS[slug]
        progress(done, str(title))
        charts = SECTION_CHARTS.get(slug)
        page = builder(context.only(*charts) if charts else context)
        sections.append(Section(slug=slug, title=str(title), page=page))
    progress(len(SECTIONS), _("Questions per neighbourhood"))
    questions = questions_per_area(context, rules)
    prevented = prevented_sums(
        report.municipality_id, report.period_start, report.period_end, rules
    )
    return ReportContent(
        report=report,
        sections=sections,
        questions=questions,
        prevented=prevented,
        rules=rules,
        run=run,
    )


def report_html(content: ReportContent) -> str:
    report = content.report
    return render_to_string(
        TEMPLATE,
        {
            "report": report,
            "content": content,
            "draft": report.is_draft,
            "organisation_name": settings.ORGANISATION_NAME,
            "minimum_pairs": configured_min_group_size(),
            "made_at": timezone.now(),
        },
    )


def report_pdf(
    report: MunicipalityReport,
    run: StatisticsRun | None,
    progress: Callable[[int, str], None] = lambda done, step: None,
) -> RenderedPdf:
    """The report as a tagged PDF, in Dutch: a preview while it is a draft."""
    with translation.override(REPORT_LANGUAGE):
        content = report_content(report, run, progress)
        progress(STEPS - 1, _("Making the PDF"))
        return html_to_pdf(report_html(content), stylesheet=STYLESHEET)
