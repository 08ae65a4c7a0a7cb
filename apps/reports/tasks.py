from celery import shared_task

from apps.reports.services import benchmark_export_make, report_generate


@shared_task
def generate_municipality_report(report_id: int) -> str:
    """The PDF a manager asked for: a preview, or the published report. The report's row
    holds the progress and how it ended."""
    return report_generate(report_id)


@shared_task
def make_benchmark_export(export_id: int) -> str:
    """A sector benchmark export a manager asked for; its row holds how it ended."""
    return benchmark_export_make(export_id)
