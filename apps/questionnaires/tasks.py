from celery import shared_task
from django.db import DatabaseError

from apps.questionnaires.notifications import assignment_notify


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def notify_assignment(assignment_id: int) -> bool:
    """Mail is slow and may fail for a while: it leaves the request, and retries (also
    when the database restarts). Sent once however often it runs: see assignment_notify."""
    return assignment_notify(assignment_id=assignment_id)
