"""Noting the months whose statistics a change makes stale (apps/effects/journal.py).

What a row looked like when it was loaded is kept on the instance (post_init), read from
its __dict__ so that a deferred field is never fetched. A save notes the months before
and after, so a contact moved from March to April makes both stale.
"""

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from apps.dossiers.models import Client, ContactMoment, Dossier, RegisteredQuestion
from apps.effects.journal import (
    dossier_months,
    dossier_record_months,
    month_of,
    months_between,
    note_months,
)
from apps.organisation.models import TeamMembership
from apps.questionnaires.models import Response

# The fields of a dossier that place its figures: a change to its plan or notes does not.
DOSSIER_FIELDS = (
    "team_id",
    "client_id",
    "started_on",
    "ended_on",
    "status",
    "closing_reason",
    "source",
)
RESPONSE_FIELDS = ("status", "completed_at", "dossier_id", "client_id", "mode", "overall_score")

_BEFORE = "_statistics_before"


def _remember(instance, fields) -> None:
    setattr(instance, _BEFORE, {field: instance.__dict__.get(field) for field in fields})


def _before(instance) -> dict:
    return getattr(instance, _BEFORE, None) or {}


def _changed(instance, fields) -> bool:
    before = _before(instance)
    return not before or any(before.get(field) != getattr(instance, field) for field in fields)


@receiver(post_init, sender=ContactMoment)
def contact_loaded(sender, instance, **kwargs):
    _remember(instance, ("occurred_at",))


@receiver(post_save, sender=ContactMoment)
@receiver(post_delete, sender=ContactMoment)
def contact_changed(sender, instance, **kwargs):
    note_months(
        [month_of(_before(instance).get("occurred_at")), month_of(instance.occurred_at)],
        contacts_only=True,
    )
    _remember(instance, ("occurred_at",))


@receiver(post_init, sender=Dossier)
def dossier_loaded(sender, instance, **kwargs):
    _remember(instance, DOSSIER_FIELDS)


@receiver(post_save, sender=Dossier)
def dossier_saved(sender, instance, created, **kwargs):
    if created or _changed(instance, DOSSIER_FIELDS):
        before = _before(instance)
        note_months(
            dossier_months(before.get("started_on"), before.get("ended_on"))
            | dossier_months(instance.started_on, instance.ended_on)
            | (set() if created else dossier_record_months([instance.pk]))
        )
    _remember(instance, DOSSIER_FIELDS)


@receiver(post_delete, sender=Dossier)
def dossier_deleted(sender, instance, **kwargs):
    note_months(dossier_months(instance.started_on, instance.ended_on))


@receiver(post_save, sender=RegisteredQuestion)
@receiver(post_delete, sender=RegisteredQuestion)
def question_changed(sender, instance, **kwargs):
    # A question's theme is a theme of every contact and pair of its dossier.
    note_months(dossier_record_months([instance.dossier_id]) | {month_of(instance.registered_at)})


@receiver(post_init, sender=Client)
def client_loaded(sender, instance, **kwargs):
    _remember(instance, ("neighbourhood_id",))


@receiver(post_save, sender=Client)
def client_saved(sender, instance, created, **kwargs):
    if not created and _changed(instance, ("neighbourhood_id",)):
        months = dossier_record_months(instance.dossiers.values_list("pk", flat=True))
        for completed_at in instance.questionnaire_responses.exclude(completed_at=None).values_list(
            "completed_at", flat=True
        ):
            months.add(month_of(completed_at))
        note_months(months)
    _remember(instance, ("neighbourhood_id",))


@receiver(post_init, sender=Response)
def response_loaded(sender, instance, **kwargs):
    _remember(instance, RESPONSE_FIELDS)


def _response_months(completed_at, dossier_id) -> set:
    if completed_at is None:
        return set()
    # A first self-scan counts for every later month in which the client is reached, and
    # a measurement for the pairs of its dossier: a new last one moves a pair out of the
    # month of the one that was last before.
    return months_between(completed_at, None) | dossier_record_months([dossier_id])


@receiver(post_save, sender=Response)
def response_saved(sender, instance, created, **kwargs):
    # A response stored completed at once (an import, the demo data) differs in nothing
    # from what it was built with, but is new.
    if created or _changed(instance, RESPONSE_FIELDS):
        before = _before(instance)
        note_months(
            _response_months(before.get("completed_at"), before.get("dossier_id"))
            | _response_months(instance.completed_at, instance.dossier_id)
        )
    _remember(instance, RESPONSE_FIELDS)


@receiver(post_delete, sender=Response)
def response_deleted(sender, instance, **kwargs):
    note_months(_response_months(instance.completed_at, instance.dossier_id))


@receiver(post_save, sender=TeamMembership)
@receiver(post_delete, sender=TeamMembership)
def membership_changed(sender, instance, **kwargs):
    # Staff survey answers count for the teams their respondent belongs to.
    note_months(
        month_of(completed_at)
        for completed_at in Response.objects.filter(
            respondent_id=instance.user_id, version__instrument__purpose="survey"
        )
        .exclude(completed_at=None)
        .values_list("completed_at", flat=True)
    )
