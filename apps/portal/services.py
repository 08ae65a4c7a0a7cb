"""Writing journeys: saved with their steps in one go, published and taken back by those
who may."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.portal.models import Journey


@transaction.atomic
def journey_save(*, actor, form, steps) -> Journey:
    """Save a journey from its form and its steps' formset, both valid, as `actor` last
    edited it."""
    journey = form.instance
    if journey.pk is None:
        policy.require(actor, "portal.add_journey")
    else:
        policy.require(actor, "portal.change_journey", Journey.objects.get(pk=journey.pk))
    journey = form.save(commit=False)
    journey.updated_by = actor
    journey.save()
    steps.instance = journey
    steps.save()
    return journey


@transaction.atomic
def journey_publish(*, actor, journey: Journey, publish: bool) -> Journey:
    """Publish a draft, or take a published journey back to draft (off the portal)."""
    policy.require(actor, "portal.publish_journey")
    journey = Journey.objects.select_for_update().get(pk=journey.pk)
    if publish:
        if journey.is_published:
            raise ValidationError(_("This journey is published already."))
        if not journey.steps.exists():
            raise ValidationError(_("Add at least one step before you publish the journey."))
        journey.status, journey.published_at = Journey.Status.PUBLISHED, timezone.now()
    else:
        if not journey.is_published:
            raise ValidationError(_("This journey is a draft already."))
        journey.status = Journey.Status.DRAFT
    journey.updated_by = actor
    journey.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    return journey
