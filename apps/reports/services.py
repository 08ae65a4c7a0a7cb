"""Writing what leaves the organisation: the municipality's accountability reports (drafts,
their texts, generating and publishing their PDF, corrections) and the sector benchmark
(exports, and the other organisations' exports uploaded to compare with), and what
support likely prevented (the what-if calculator).

A published report never changes. Every write below names the state it expects in its
WHERE clause (a draft, no generation running), so a request that lost a race changes
nothing instead of overwriting a published report.
"""

import hashlib
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.core.outbox import enqueue_on_commit
from apps.effects.models import StatisticsRun
from apps.reports import accountability, sector_benchmark
from apps.reports.models import (
    BenchmarkExport,
    BenchmarkPeer,
    CostItem,
    MunicipalityReport,
    PreventedEvent,
)

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("introduction", "findings", "outlook", "changes")
Generation = MunicipalityReport.Generation


class ReportRefused(Exception):
    """The report is not in a state that allows this; the message says why, for the user."""


def report_draft_create(*, municipality, start: date, end: date, actor) -> MunicipalityReport:
    """A new draft for the municipality and period: version 1, or the next version after
    the published ones (a correction). Refused while a draft of that period exists."""
    reports = MunicipalityReport.objects.of_period(municipality.pk, start, end)
    existing = reports.filter(status=MunicipalityReport.Status.DRAFT).first()
    if existing is not None:
        raise ReportRefused(
            _("There is already a draft for this municipality and period: continue with it.")
        )
    latest = reports.published().order_by("-version").first()
    try:
        with transaction.atomic():
            report = MunicipalityReport.objects.create(
                municipality=municipality,
                period_start=start,
                period_end=end,
                version=(reports.aggregate(Max("version"))["version__max"] or 0) + 1,
                created_by=actor,
                # A correction starts from the texts of the version it corrects.
                **{name: getattr(latest, name) for name in TEXT_FIELDS[:3]} if latest else {},
            )
    except IntegrityError as error:
        # Another manager made the draft in the same moment.
        raise ReportRefused(
            _("There is already a draft for this municipality and period: continue with it.")
        ) from error
    access_log_record(action=AccessLogEntry.Action.CREATE, actor=actor, obj=report)
    return report


def report_texts_update(*, report: MunicipalityReport, texts: dict, actor) -> None:
    changed = (
        MunicipalityReport.objects.not_generating()
        .filter(pk=report.pk, status=MunicipalityReport.Status.DRAFT)
        .update(**{name: texts[name] for name in TEXT_FIELDS}, updated_at=timezone.now())
    )
    if not changed:
        raise ReportRefused(_refusal(report))
    access_log_record(action=AccessLogEntry.Action.UPDATE, actor=actor, obj=report)


def _refusal(report: MunicipalityReport) -> str:
    report.refresh_from_db()
    if not report.is_draft:
        return _("This report is published and cannot change. Make a correction instead.")
    return _("The PDF is being made. Wait until it is ready, then try again.")


def report_generation_request(*, report: MunicipalityReport, publish: bool, actor) -> None:
    """Queues the making of the PDF: a preview, or the final one that publishes the report.
    Refused while one is being made or when the report is published."""
    from apps.reports.tasks import generate_municipality_report

    if publish and report.version > 1 and not report.changes.strip():
        raise ReportRefused(_("Say what changed since the previous version before publishing."))
    if publish and not report.introduction.strip():
        raise ReportRefused(_("Write the introduction before publishing."))
    with transaction.atomic():
        queued = (
            MunicipalityReport.objects.not_generating()
            .filter(pk=report.pk, status=MunicipalityReport.Status.DRAFT)
            .update(
                generation=Generation.QUEUED,
                generation_publishes=publish,
                generation_requested_by=actor,
                generation_requested_at=timezone.now(),
                generation_done=0,
                generation_total=accountability.STEPS,
                generation_step="",
                generation_error="",
            )
        )
        if not queued:
            raise ReportRefused(_refusal(report))
        enqueue_on_commit(generate_municipality_report, report.pk)


def _progress(report_pk: int):
    def write(done: int, step: str) -> None:
        MunicipalityReport.objects.filter(pk=report_pk, generation=Generation.RUNNING).update(
            generation_done=done, generation_step=step[:200]
        )

    return write


def report_generate(report_pk: int) -> str:
    """Makes the PDF a manager asked for and stores it with its checksum; publishes the
    report when that was asked. The file is written first and the row switched to it in
    one UPDATE: a failure leaves the report as it was."""
    started = MunicipalityReport.objects.filter(pk=report_pk, generation=Generation.QUEUED).update(
        generation=Generation.RUNNING
    )
    if not started:
        return "gone"
    report = MunicipalityReport.objects.select_related("municipality").get(pk=report_pk)
    run = StatisticsRun.objects.succeeded().first()
    now = timezone.now()
    if report.generation_publishes:
        # The PDF shows the report as it will be once this succeeds: published, today.
        report.status = MunicipalityReport.Status.PUBLISHED
        report.published_at = now
        report.published_by_id = report.generation_requested_by_id
    try:
        rendered = accountability.report_pdf(report, run, _progress(report_pk))
    except Exception:
        logger.exception("Municipality report %s could not be made", report_pk)
        MunicipalityReport.objects.filter(pk=report_pk, generation=Generation.RUNNING).update(
            generation=Generation.FAILED,
            generation_error=_(
                "The PDF could not be made. Try again; if it fails again, tell the "
                "functional administrator."
            ),
        )
        return "failed"

    previous_file = report.file.name
    stored = report.file.storage.save(
        report.file.field.generate_filename(report, "report.pdf"), ContentFile(rendered.data)
    )
    switch = {
        "file": stored,
        "checksum": hashlib.sha256(rendered.data).hexdigest(),
        "file_size": len(rendered.data),
        "page_count": rendered.page_count,
        "generated_at": now,
        "statistics_run": run,
        "generation": Generation.IDLE,
        "generation_done": accountability.STEPS,
        "generation_step": "",
    }
    if report.generation_publishes:
        switch |= {
            "status": MunicipalityReport.Status.PUBLISHED,
            "published_at": now,
            "published_by_id": report.generation_requested_by_id,
        }
    switched = MunicipalityReport.objects.filter(
        pk=report_pk,
        status=MunicipalityReport.Status.DRAFT,
        generation=Generation.RUNNING,
        updated_at=report.updated_at,
    ).update(**switch)
    if not switched:
        report.file.storage.delete(stored)
        return "gone"
    if previous_file:
        report.file.storage.delete(previous_file)
    if report.generation_publishes:
        access_log_record(
            action=AccessLogEntry.Action.UPDATE,
            actor=report.generation_requested_by,
            obj=report,
            reason="published",
        )
    return "published" if report.generation_publishes else "preview"


def download_record(*, obj, actor) -> None:
    """A report or export that leaves the organisation, in the access log."""
    access_log_record(action=AccessLogEntry.Action.EXPORT, actor=actor, obj=obj)


# --- The sector benchmark ---------------------------------------------------------------------


def benchmark_export_request(*, pseudonym: str, year: int, actor) -> BenchmarkExport:
    """Queues an export of the year under the pseudonym; refused while another is made."""
    from apps.reports.tasks import make_benchmark_export

    BenchmarkExport.objects.stale().update(
        status=BenchmarkExport.Status.FAILED,
        error=_("Stopped: ask for a new export."),
        finished_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            export = BenchmarkExport.objects.create(
                pseudonym=pseudonym,
                year=year,
                schema_version=sector_benchmark.SCHEMA_VERSION,
                requested_by=actor,
            )
            enqueue_on_commit(make_benchmark_export, export.pk)
    except IntegrityError as error:
        # The constraint: one export at a time.
        raise ReportRefused(
            _("An export is already being made. Wait until it is ready, then try again.")
        ) from error
    return export


def benchmark_export_make(export_pk: int) -> str:
    """Writes the export's JSON and CSV with their checksums; the row says how it went."""
    started = BenchmarkExport.objects.filter(
        pk=export_pk, status=BenchmarkExport.Status.QUEUED
    ).update(status=BenchmarkExport.Status.RUNNING)
    if not started:
        return "gone"
    export = BenchmarkExport.objects.get(pk=export_pk)

    def progress(step: str) -> None:
        BenchmarkExport.objects.filter(pk=export_pk).update(step=str(step)[:200])

    try:
        document = sector_benchmark.export_document(
            pseudonym=export.pseudonym, year=export.year, progress=progress
        )
        contents = {
            "json": sector_benchmark.export_json(document),
            "csv": sector_benchmark.export_csv(document),
        }
        storage = export.json_file.storage
        names = {
            kind: storage.save(
                export.json_file.field.generate_filename(export, f"benchmark.{kind}"),
                ContentFile(data),
            )
            for kind, data in contents.items()
        }
    except Exception:
        logger.exception("Benchmark export %s could not be made", export_pk)
        BenchmarkExport.objects.filter(pk=export_pk).update(
            status=BenchmarkExport.Status.FAILED,
            error=_(
                "The export could not be made. Try again; if it fails again, tell the "
                "functional administrator."
            ),
            finished_at=timezone.now(),
        )
        return "failed"
    BenchmarkExport.objects.filter(pk=export_pk).update(
        status=BenchmarkExport.Status.DONE,
        json_file=names["json"],
        csv_file=names["csv"],
        json_sha256=hashlib.sha256(contents["json"]).hexdigest(),
        csv_sha256=hashlib.sha256(contents["csv"]).hexdigest(),
        row_count=len(document["rows"]),
        step="",
        finished_at=timezone.now(),
    )
    return "done"


class PeerRefused(Exception):
    """An uploaded export that is not used; `problems` says every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def benchmark_peer_add(*, data: bytes, actor) -> BenchmarkPeer:
    """Another organisation's export, checked in full: with any problem nothing is kept."""
    document, problems = sector_benchmark.problems_of(data)
    if problems:
        raise PeerRefused(problems)
    if BenchmarkPeer.objects.filter(rows_sha256=document["rows_sha256"]).exists():
        raise PeerRefused([_("This export was uploaded before; it counts once.")])
    try:
        with transaction.atomic():
            peer = BenchmarkPeer.objects.create(
                pseudonym=document["organisation"],
                year=int(document["period"]["start"][:4]),
                schema_version=document["schema_version"],
                rows=document["rows"],
                rows_sha256=document["rows_sha256"],
                uploaded_by=actor,
            )
    except IntegrityError as error:
        raise PeerRefused([_("This export was uploaded before; it counts once.")]) from error
    access_log_record(action=AccessLogEntry.Action.CREATE, actor=actor, obj=peer)
    return peer


# --- The what-if calculator ------------------------------------------------------------------


def prevented_events_record(*, dossier, likelihoods: dict[str, str], with_client: bool, actor):
    """Replaces what the dossier's support likely prevented: per cost item code how likely
    (a PreventedEvent.Likelihood), each with the amount that held when the dossier closed.
    Only for a closed dossier."""
    if dossier.status != dossier.Status.CLOSED or dossier.ended_on is None:
        raise ReportRefused(_("Prevented costs are recorded when the dossier is closed."))
    items = {item.code: item for item in CostItem.objects.valid_on(dossier.ended_on)}
    unknown = sorted(set(likelihoods) - set(items))
    if unknown:
        raise ReportRefused(
            _("These events are not on the list of cost items: %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    if set(likelihoods.values()) - set(PreventedEvent.Likelihood.values):
        raise ReportRefused(_("Choose how likely each event was from the list."))
    neighbourhood = dossier.client.neighbourhood
    municipality_id = (
        neighbourhood.municipality_id if neighbourhood else dossier.team.municipality_id
    )
    with transaction.atomic():
        PreventedEvent.objects.filter(dossier=dossier).delete()
        PreventedEvent.objects.bulk_create(
            PreventedEvent(
                dossier=dossier,
                municipality_id=municipality_id,
                closed_on=dossier.ended_on,
                cost_item=items[code],
                likelihood=likelihood,
                with_client=with_client,
                recorded_by=actor,
            )
            for code, likelihood in sorted(likelihoods.items())
        )
    access_log_record(
        action=AccessLogEntry.Action.UPDATE,
        actor=actor,
        obj=dossier,
        reason="What support likely prevented",
    )
