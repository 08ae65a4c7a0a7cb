"""The municipality's accountability report: drafts, preview, publishing, corrections,
who may see and download it, what bad input gets, and the PDF itself (tagged, in order,
protected)."""

import hashlib
import re
from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.core.tests.pdfs import open_pdf, page_count, pdf_text, structure_elements
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    RegisteredQuestionFactory,
)
from apps.effects.models import StatisticsRun
from apps.effects.services import statistics_update
from apps.organisation.models import Neighbourhood, Theme
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    NeighbourhoodFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from apps.reports import accountability, services
from apps.reports.disclosure import HIDDEN_FOR_ANOTHER, Rules
from apps.reports.filters import first_of_month, months_back
from apps.reports.models import MunicipalityReport

pytestmark = pytest.mark.django_db

LIST = "/rapportage/gemeenten/"
LAST_MONTH = months_back(first_of_month(timezone.localdate()), 1)
START = months_back(LAST_MONTH, 2)


def _committed(call, *args, **kwargs):
    """Calls and then runs what the call queued for after its commit, as a request's
    transaction would (Celery tasks run eagerly in the tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


def _url(report, action: str = "") -> str:
    return f"{LIST}{report.pk}/{action}"


def _during(month: date, day: int):
    return timezone.make_aware(datetime.combine(month.replace(day=day), time(10)))


@pytest.fixture
def organisation():
    """Eemdal: two neighbourhoods, 14 dossiers with a question each (12 in Oost, 2 in
    West, over three themes), a contact per dossier. Lekstede: one dossier. Computed."""
    eemdal, lekstede = MunicipalityFactory(name="Eemdal"), MunicipalityFactory(name="Lekstede")
    team = TeamFactory(municipality=eemdal)
    other_team = TeamFactory(municipality=lekstede)
    oost, west = (
        NeighbourhoodFactory(
            municipality=eemdal, kind=Neighbourhood.Kind.NEIGHBOURHOOD, name=f"Eemdal {name}"
        )
        for name in ("Oost", "West")
    )
    themes = list(Theme.objects.order_by("pk")[:3])
    for n in range(14):
        dossier = DossierFactory(
            team=team,
            client__neighbourhood=oost if n < 12 else west,
            started_on=START.replace(day=2),
        )
        RegisteredQuestionFactory(
            dossier=dossier, theme=themes[n % 3], registered_at=_during(START, 2)
        )
        ContactMomentFactory(dossier=dossier, occurred_at=_during(START, 3 + n))
    ContactMomentFactory(dossier=DossierFactory(team=other_team), occurred_at=_during(START, 3))
    viewer = UserFactory(role=Role.MUNICIPALITY_VIEWER)
    MunicipalityMembershipFactory(municipality=eemdal, user=viewer)
    other_viewer = UserFactory(role=Role.MUNICIPALITY_VIEWER)
    MunicipalityMembershipFactory(municipality=lekstede, user=other_viewer)
    run = statistics_update(full=True)
    assert run.status == StatisticsRun.Status.SUCCEEDED, run.error
    return {
        "eemdal": eemdal,
        "lekstede": lekstede,
        "oost": oost,
        "west": west,
        "themes": themes,
        "manager": UserFactory(role=Role.MANAGER),
        "viewer": viewer,
        "other_viewer": other_viewer,
        "leader": TeamMembershipFactory(team=team, user__role=Role.TEAM_LEADER).user,
        "worker": TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user,
    }


def _draft(organisation, **texts) -> MunicipalityReport:
    report = services.report_draft_create(
        municipality=organisation["eemdal"],
        start=START,
        end=LAST_MONTH,
        actor=organisation["manager"],
    )
    if texts:
        MunicipalityReport.objects.filter(pk=report.pk).update(**texts)
        report.refresh_from_db()
    return report


def _published(organisation) -> MunicipalityReport:
    report = _draft(organisation, introduction="Wat wij deden in Eemdal.")
    _committed(
        services.report_generation_request,
        report=report,
        publish=True,
        actor=organisation["manager"],
    )
    report.refresh_from_db()
    assert report.status == MunicipalityReport.Status.PUBLISHED, report.generation_error
    return report


def _stored(report) -> bytes:
    with report.file.open("rb") as file:
        return file.read()


# --- The way through: draft, texts, preview, publish, correction --------------------------


def test_a_manager_writes_previews_and_publishes_a_report(client, organisation):
    client.force_login(organisation["manager"])
    response = client.post(
        LIST,
        {
            "municipality": organisation["eemdal"].pk,
            "start": START.strftime("%Y-%m"),
            "end": LAST_MONTH.strftime("%Y-%m"),
        },
    )
    report = MunicipalityReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(report)
    assert (report.version, report.status) == (1, MunicipalityReport.Status.DRAFT)

    texts = {
        "introduction": "Wij werken in Eemdal met twee teams.",
        "findings": "Meer vragen over geld.",
        "outlook": "Volgend jaar meer online.",
    }
    assert client.post(_url(report, "teksten/"), texts).status_code == 302
    report.refresh_from_db()
    assert report.introduction == texts["introduction"]

    # The preview (Celery runs eagerly in the tests) is stored; the report stays a draft.
    assert _committed(client.post, _url(report, "maken/")).status_code == 302
    report.refresh_from_db()
    assert report.status == MunicipalityReport.Status.DRAFT
    assert report.generation == MunicipalityReport.Generation.IDLE
    preview = report.file.name
    assert "CONCEPT" in pdf_text(_stored(report))

    response = _committed(client.post, _url(report, "maken/"), {"publish": "1", "approve": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == MunicipalityReport.Status.PUBLISHED
    assert report.published_by == organisation["manager"]
    assert report.published_at is not None
    assert report.statistics_run == StatisticsRun.objects.succeeded().first()
    data = _stored(report)
    assert hashlib.sha256(data).hexdigest() == report.checksum
    assert len(data) == report.file_size
    assert page_count(data) == report.page_count
    assert "CONCEPT" not in pdf_text(data)
    # The preview's file is gone: only the published PDF remains.
    assert report.file.name != preview
    assert not report.file.storage.exists(preview)


def test_a_published_report_never_changes(client, organisation):
    report = _published(organisation)
    before = (_stored(report), report.introduction, report.checksum, report.updated_at)
    client.force_login(organisation["manager"])

    assert client.post(_url(report, "teksten/"), {"introduction": "Anders."}).status_code == 403
    assert _committed(client.post, _url(report, "maken/")).status_code == 403
    assert (
        _committed(
            client.post, _url(report, "maken/"), {"publish": "1", "approve": "on"}
        ).status_code
        == 403
    )
    with pytest.raises(services.ReportRefused):
        services.report_texts_update(
            report=report,
            texts=dict.fromkeys(services.TEXT_FIELDS, "Anders."),
            actor=organisation["manager"],
        )
    with pytest.raises(services.ReportRefused):
        services.report_generation_request(
            report=report, publish=False, actor=organisation["manager"]
        )
    report.refresh_from_db()
    assert (_stored(report), report.introduction, report.checksum, report.updated_at) == before


def test_a_correction_is_a_new_version_that_says_what_changed(client, organisation):
    first = _published(organisation)
    client.force_login(organisation["manager"])
    response = client.post(_url(first, "correctie/"))
    second = MunicipalityReport.objects.get(version=2)
    assert response["Location"] == _url(second)
    assert second.is_draft
    assert second.introduction == first.introduction

    # Publishing without saying what changed is refused, and nothing is made.
    _committed(client.post, _url(second, "maken/"), {"publish": "1", "approve": "on"})
    second.refresh_from_db()
    assert second.is_draft
    assert not second.file

    MunicipalityReport.objects.filter(pk=second.pk).update(changes="Maart telde te weinig.")
    _committed(client.post, _url(second, "maken/"), {"publish": "1", "approve": "on"})
    second.refresh_from_db()
    assert not second.is_draft
    text = pdf_text(_stored(second))
    assert "versie 1" in text
    assert "Maart telde te weinig." in text
    # The first version is still there, unchanged, and no longer offers a correction.
    first.refresh_from_db()
    assert not first.is_draft
    page = client.get(_url(first))
    assert page.context["may_correct"] is False
    assert client.get(_url(second)).context["may_correct"] is True


# --- Who may see it ---------------------------------------------------------------------


def test_a_municipality_viewer_sees_and_downloads_only_published_reports_of_their_own(
    client, organisation
):
    published = _published(organisation)
    draft = services.report_draft_create(
        municipality=organisation["eemdal"],
        start=LAST_MONTH,
        end=LAST_MONTH,
        actor=organisation["manager"],
    )
    other = services.report_draft_create(
        municipality=organisation["lekstede"],
        start=START,
        end=LAST_MONTH,
        actor=organisation["manager"],
    )
    client.force_login(organisation["viewer"])
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert list(listing.context["reports"]) == [published]
    assert listing.context["form"] is None
    assert client.get(_url(draft)).status_code == 404
    assert client.get(_url(draft, "pdf/")).status_code == 404
    assert client.get(_url(other)).status_code == 404
    assert client.post(LIST, {"municipality": organisation["eemdal"].pk}).status_code == 403
    assert client.post(_url(published, "correctie/")).status_code == 403

    download = client.get(_url(published, "pdf/"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == _stored(published)
    logged = AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.EXPORT,
        object_type="reports.municipalityreport",
        object_id=str(published.pk),
    )
    assert list(logged.values_list("actor_user_id", flat=True)) == [organisation["viewer"].pk]


def test_another_municipality_s_viewer_gets_nothing(client, organisation):
    published = _published(organisation)
    client.force_login(organisation["other_viewer"])
    assert list(client.get(LIST).context["reports"]) == []
    assert client.get(_url(published)).status_code == 404
    assert client.get(_url(published, "pdf/")).status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("role", ["leader", "worker"])
def test_team_leaders_and_workers_have_no_municipality_reports(client, organisation, role):
    published = _published(organisation)
    client.force_login(organisation[role])
    assert client.get(LIST).status_code == 403
    assert client.get(_url(published, "pdf/")).status_code == 403


def test_a_resident_and_an_anonymous_visitor_are_refused(client, organisation):
    published = _published(organisation)
    assert client.get(_url(published, "pdf/")).status_code == 302
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert client.get(_url(published, "pdf/")).status_code == 403


def test_a_manager_downloads_drafts_and_published_reports_and_each_download_is_logged(
    client, organisation
):
    published = _published(organisation)
    client.force_login(organisation["manager"])
    for _ in range(2):
        assert client.get(_url(published, "pdf/")).status_code == 200
    assert (
        AccessLogEntry.objects.filter(
            action=AccessLogEntry.Action.EXPORT, object_id=str(published.pk)
        ).count()
        == 2
    )


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": "2026-01", "end": "2025-12"}, "end"),
        ({"start": "januari", "end": "2025-12"}, "start"),
        ({"start": "2025-01", "end": "2999-12"}, "end"),
        ({"start": "", "end": ""}, "start"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_made(client, organisation, data, field):
    client.force_login(organisation["manager"])
    response = client.post(LIST, {"municipality": organisation["eemdal"].pk, **data})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not MunicipalityReport.objects.exists()


def test_a_municipality_the_organisation_does_not_serve_is_refused(client, organisation):
    elsewhere = MunicipalityFactory(name="Nergensdorp")
    client.force_login(organisation["manager"])
    for municipality in (elsewhere.pk, 999_999, "Eemdal"):
        response = client.post(
            LIST, {"municipality": municipality, "start": "2025-01", "end": "2025-06"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["municipality"]
    assert not MunicipalityReport.objects.exists()


def test_a_second_draft_of_the_same_period_is_refused(client, organisation):
    report = _draft(organisation)
    client.force_login(organisation["manager"])
    response = client.post(
        LIST,
        {
            "municipality": organisation["eemdal"].pk,
            "start": START.strftime("%Y-%m"),
            "end": LAST_MONTH.strftime("%Y-%m"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert list(MunicipalityReport.objects.all()) == [report]


def test_two_generations_at_once_are_refused(organisation, django_capture_on_commit_callbacks):
    report = _draft(organisation, introduction="Inleiding.")
    # The first request waits in the queue (its task runs at the commit, not yet).
    with django_capture_on_commit_callbacks(execute=False):
        services.report_generation_request(
            report=report, publish=True, actor=organisation["manager"]
        )
        with pytest.raises(services.ReportRefused):
            services.report_generation_request(
                report=report, publish=False, actor=organisation["manager"]
            )
        with pytest.raises(services.ReportRefused):
            services.report_texts_update(
                report=report,
                texts=dict.fromkeys(services.TEXT_FIELDS, "Anders."),
                actor=organisation["manager"],
            )
    report.refresh_from_db()
    assert report.generation == MunicipalityReport.Generation.QUEUED
    assert report.generation_publishes is True
    assert report.introduction == "Inleiding."
    # The task that does run publishes once; a duplicate delivery finds nothing to do.
    assert services.report_generate(report.pk) == "published"
    assert services.report_generate(report.pk) == "gone"


def test_a_generation_whose_worker_died_does_not_block_the_next(organisation):
    report = _draft(organisation)
    MunicipalityReport.objects.filter(pk=report.pk).update(
        generation=MunicipalityReport.Generation.RUNNING,
        generation_requested_at=timezone.now() - timezone.timedelta(hours=1),
    )
    _committed(
        services.report_generation_request,
        report=report,
        publish=False,
        actor=organisation["manager"],
    )
    report.refresh_from_db()
    assert report.generation == MunicipalityReport.Generation.IDLE
    assert report.file


def test_publishing_without_approval_or_introduction_is_refused(client, organisation):
    report = _draft(organisation)
    client.force_login(organisation["manager"])
    response = _committed(client.post, _url(report, "maken/"), {"publish": "1"})
    assert response.status_code == 400
    assert response.context["publish_form"].errors["approve"]
    response = _committed(client.post, _url(report, "maken/"), {"publish": "1", "approve": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_draft
    assert not report.file
    assert report.generation == MunicipalityReport.Generation.IDLE


def test_a_text_that_is_too_long_is_refused_and_nothing_changes(client, organisation):
    report = _draft(organisation, introduction="Kort.")
    client.force_login(organisation["manager"])
    response = client.post(_url(report, "teksten/"), {"introduction": "x" * 10_001})
    assert response.status_code == 400
    assert response.context["texts_form"].errors["introduction"]
    report.refresh_from_db()
    assert report.introduction == "Kort."


def test_a_failing_generation_leaves_the_report_as_it_was(organisation, monkeypatch):
    report = _draft(organisation, introduction="Inleiding.")

    def broken(*args, **kwargs):
        raise OSError("Pango is gone")

    monkeypatch.setattr(accountability, "report_pdf", broken)
    _committed(
        services.report_generation_request,
        report=report,
        publish=True,
        actor=organisation["manager"],
    )
    report.refresh_from_db()
    assert report.is_draft
    assert report.generation == MunicipalityReport.Generation.FAILED
    assert report.generation_error
    assert not report.file
    assert not report.is_generating


def test_unknown_reports_are_404_for_a_manager(client, organisation):
    client.force_login(organisation["manager"])
    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.get(f"{LIST}999999/pdf/").status_code == 404
    assert client.post(f"{LIST}999999/maken/").status_code == 404


# --- The PDF -----------------------------------------------------------------------------


@pytest.fixture
def published_pdf(organisation) -> bytes:
    return _stored(_published(organisation))


def test_the_pdf_is_tagged_with_language_title_and_a_text_alternative_for_every_chart(
    published_pdf,
):
    elements = structure_elements(published_pdf)
    kinds = [kind for kind, _attributes in elements]
    assert kinds[0] == "Document"
    assert {"H1", "H2", "Table", "TH", "TD", "Figure", "Caption"} <= set(kinds)
    figures = [attributes for kind, attributes in elements if kind == "Figure"]
    assert len(figures) >= 10
    assert all(attributes.get("/Alt", "").strip() for attributes in figures)
    with open_pdf(published_pdf) as document:
        assert str(document.Root.Lang) == "nl"
        assert bool(document.Root.MarkInfo.Marked)
        assert bool(document.Root.ViewerPreferences.DisplayDocTitle)
        with document.open_metadata() as metadata:
            assert metadata["dc:title"].startswith("Verantwoordingsrapportage Eemdal")
            assert metadata["pdfuaid:part"] == "1"


def test_every_chart_has_its_numbers_as_a_table_right_after_it(organisation, published_pdf):
    content = accountability.report_content(
        _draft(organisation, introduction="-"), StatisticsRun.objects.succeeded().first()
    )
    # A chart without numbers says so in its picture; it has no table.
    without_numbers = {
        chart.title
        for section in content.sections
        for chart in section.page.charts
        if not chart.table.rows
    }
    elements = structure_elements(published_pdf)
    kinds = [kind for kind, _attributes in elements]
    for index, (kind, attributes) in enumerate(elements):
        if kind == "Figure" and attributes["/Alt"].split(". ")[0] not in without_numbers:
            following = kinds[index + 1 :]
            assert (
                "Table" in following[: following.index("Figure") if "Figure" in following else None]
            ), attributes


def test_the_text_reads_in_order_with_contents_running_headers_and_page_numbers(
    published_pdf,
):
    text = pdf_text(published_pdf, layout=False)
    chapters = [
        "Inleiding",
        "Bereik en vragen",
        "Online en offline contact",
        "Zelfscans en Positieve Gezondheid",
        "Tevredenheid",
        "Effecten",
        "Gebruik van blended werken",
        "Vragen per buurt en thema",
        "Zo lees je dit rapport",
    ]
    # The table of contents lists them in order, each with its page number.
    contents = pdf_text(published_pdf, 2, layout=False)
    positions = [contents.index(chapter) for chapter in chapters]
    assert positions == sorted(positions)
    pages = page_count(published_pdf)
    for chapter in chapters:
        number = int(re.search(re.escape(chapter) + r"[ .]*(\d+)", contents).group(1))
        assert 3 <= number <= pages
        # The chapter starts on that page, whose running header names it.
        page = pdf_text(published_pdf, number)
        assert chapter in page
        assert f"Pagina {number} van {pages}" in page
    # After the contents, the chapters follow in that order, the manager's text first.
    position = text.index("Wat wij deden in Eemdal.", text.index(chapters[-1]))
    for chapter in chapters[1:]:
        position = text.index(chapter, position)
    # The cover has no running header and no page number.
    assert "Pagina" not in pdf_text(published_pdf, 1)


def test_the_table_of_questions_hides_small_counts_and_what_would_give_them_away(organisation):
    report = _draft(organisation)
    content = accountability.report_content(report, StatisticsRun.objects.succeeded().first())
    table = content.questions
    # Oost: 12 questions over three themes (4 each); West: 2 (1, 1, 0). Every cell under
    # 10 is hidden; Oost's total (12) would give West's (2) away from the grand total (14),
    # so it is hidden too, marked "x"; the grand total shows rounded down.
    rows = dict(table.rows)
    assert [value.text for value in rows["Eemdal Oost"]][:3] == ["< 10"] * 3
    assert [value.text for value in rows["Eemdal West"]][:3] == ["< 10", "< 10", "0"]
    assert rows["Eemdal West"][-1].text == "< 10"
    assert rows["Eemdal Oost"][-1].text == HIDDEN_FOR_ANOTHER
    assert table.totals[-1].text == "10"


def test_no_count_under_the_threshold_leaves_in_the_report(organisation):
    """Every number the report shows as a count is 0 or a multiple of 5 from 10 on."""
    report = _draft(organisation)
    content = accountability.report_content(report, StatisticsRun.objects.succeeded().first())
    shown = []
    for section in content.sections:
        for chart in section.page.charts:
            for row in chart.table.rows:
                shown += [(section.slug, chart.slug, cell) for cell in row[1:]]
        shown += [
            (section.slug, "key", value.text) for _label, value, _n in section.page.key_figures
        ]
    for _name, values in content.questions.rows:
        shown += [("questions", "cross", value.text) for value in values]
    shown += [("questions", "total", value.text) for value in content.questions.totals]
    shown += [("prevented", event.name, str(event.dossiers)) for event in content.prevented.events]
    leaks = [
        item
        for item in shown
        if (count := _count_like(str(item[2]))) is not None and (0 < count < 10 or count % 5)
    ]
    assert leaks == []
    assert any("< 10" in str(item[2]) for item in shown)


def _count_like(text: str) -> int | None:
    digits = text.replace(".", "")
    return int(digits) if digits.isdigit() and "," not in text else None


def test_a_period_without_figures_gives_an_honest_mostly_empty_report(organisation):
    report = services.report_draft_create(
        municipality=organisation["eemdal"],
        start=date(2005, 1, 1),
        end=date(2005, 12, 1),
        actor=organisation["manager"],
    )
    MunicipalityReport.objects.filter(pk=report.pk).update(introduction="Een leeg jaar.")
    report.refresh_from_db()
    _committed(
        services.report_generation_request,
        report=report,
        publish=True,
        actor=organisation["manager"],
    )
    report.refresh_from_db()
    assert not report.is_draft
    text = pdf_text(_stored(report))
    assert "Er zijn geen cijfers voor Eemdal van januari 2005 tot en met december 2005" in text
    assert text.count("Geen cijfers voor deze periode.") >= 5


def test_the_report_reads_a_fixed_number_of_queries_whatever_the_number_of_areas(
    organisation,
):
    def queries() -> int:
        report = MunicipalityReport(
            municipality=organisation["eemdal"], period_start=START, period_end=LAST_MONTH
        )
        with CaptureQueriesContext(connection) as captured:
            accountability.report_content(report, None)
        return len(captured)

    few = queries()
    for n in range(20):
        area = NeighbourhoodFactory(
            municipality=organisation["eemdal"], kind=Neighbourhood.Kind.NEIGHBOURHOOD
        )
        dossier = DossierFactory(
            team=organisation["eemdal"].teams.first(),
            client__neighbourhood=area,
            started_on=months_back(START, -1).replace(day=2),
        )
        RegisteredQuestionFactory(
            dossier=dossier,
            theme=organisation["themes"][n % 3],
            registered_at=_during(months_back(START, -1), 2),
        )
    statistics_update(full=True)
    assert queries() == few


def test_the_threshold_in_the_reading_guide_follows_the_settings(organisation, settings):
    settings.DISCLOSURE_THRESHOLD = 15
    report = _draft(organisation)
    content = accountability.report_content(report, None)
    assert content.rules == Rules(threshold=15, rounding_base=5)
    assert "&lt; 15" in accountability.report_html(content)


def test_the_list_of_reports_reads_a_fixed_number_of_queries(client, organisation):
    client.force_login(organisation["manager"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    _draft(organisation)
    client.get(LIST)  # the first request of a session reads more (the session itself)
    few = queries()
    for month in range(1, 8):
        MunicipalityReport.objects.create(
            municipality=organisation["lekstede"],
            period_start=date(2024, month, 1),
            period_end=date(2024, month, 1),
        )
    assert queries() == few


def test_a_municipality_with_many_neighbourhoods_gets_its_table_per_district(
    organisation, monkeypatch
):
    district = NeighbourhoodFactory(
        municipality=organisation["eemdal"], kind=Neighbourhood.Kind.DISTRICT, name="Eemdal-Oost"
    )
    Neighbourhood.objects.filter(pk__in=[organisation["oost"].pk, organisation["west"].pk]).update(
        district=district
    )
    statistics_update(full=True)
    monkeypatch.setattr(accountability, "MAX_TABLE_NEIGHBOURHOODS", 1)
    content = accountability.report_content(_draft(organisation), None)
    table = content.questions
    assert table.unit == "district"
    # 14 questions in the district: 12, 1 and 1 per theme... shown as 10 in all.
    [(name, values)] = table.rows
    assert name == "Eemdal-Oost"
    assert values[-1].text == "10"
    assert "Vragen per wijk en thema" in accountability.report_html(content)
