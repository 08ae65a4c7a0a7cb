from celery import shared_task

from apps.questionnaires.notifications import assignment_notify


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_assignment(assignment_id: int) -> bool:
    """Mail is slow and may fail for a while: it leaves the request, and retries."""
    return assignment_notify(assignment_id=assignment_id)
