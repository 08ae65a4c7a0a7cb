"""A message's file goes with its row: also when the dossier is removed at the end of its
retention period (the delete cascades to its conversations). A team's written answer to a
resident's request is told to them by e-mail."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.dossiers.signals import intake_answered
from apps.learning.signals import help_offered
from apps.portal.models import MessageAttachment
from apps.portal.notifications import (
    learner_notify_offer_on_commit,
    resident_notify_answered_on_commit,
)


@receiver(post_delete, sender=MessageAttachment, dispatch_uid="portal_message_file_delete")
def message_file_delete(sender, instance, **kwargs):
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@receiver(intake_answered, dispatch_uid="portal_intake_answered")
def request_answered(sender, intake, **kwargs):
    """The resident hears by e-mail (without its content) that their answer waits."""
    resident_notify_answered_on_commit(intake=intake)


@receiver(help_offered, dispatch_uid="portal_help_offered")
def help_offered_mail(sender, offer, **kwargs):
    """The learner hears by e-mail (without its content) that their facilitator wrote."""
    learner_notify_offer_on_commit(offer=offer)
