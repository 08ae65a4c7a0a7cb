from celery import shared_task
from django.db import DatabaseError

from apps.portal import activities, informal_help
from apps.portal.notifications import (
    learner_notify_offer,
    message_notify,
    resident_notify_answered,
)


# Mail is slow and may fail for a while: it leaves the request, and retries. A retry after
# a failed send sends nothing twice (the message is marked when it went).
@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def notify_message(message_id: int) -> int:
    return message_notify(message_id=message_id)


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def mail_moved_up(sign_up_id: int) -> bool:
    return activities.moved_up_mail(sign_up_id=sign_up_id)


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def remind_activity_participants() -> int:
    return activities.reminders_send()


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def mail_volunteer_match(match_id: int) -> bool:
    return informal_help.match_mail(match_id=match_id)


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def mail_called_off(sign_up_id: int) -> bool:
    return activities.called_off_mail(sign_up_id=sign_up_id)


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def notify_request_answered(intake_id: int) -> bool:
    return resident_notify_answered(intake_id=intake_id)


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def notify_help_offer(offer_id: int) -> bool:
    return learner_notify_offer(offer_id=offer_id)
