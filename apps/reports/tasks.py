from celery import shared_task

from apps.reports.services import report_generate


@shared_task
def generate_municipality_report(report_id: int) -> str:
    """The PDF a manager asked for: a preview, or the published report. The report's row
    holds the progress and how it ended."""
    return report_generate(report_id)
