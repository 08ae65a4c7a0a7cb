"""A message's file goes with its row: also when the dossier is removed at the end of its
retention period (the delete cascades to its conversations)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.portal.models import MessageAttachment


@receiver(post_delete, sender=MessageAttachment, dispatch_uid="portal_message_file_delete")
def message_file_delete(sender, instance, **kwargs):
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
