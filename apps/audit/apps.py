from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = _("Access log")

    def ready(self):
        from apps.audit import checks  # noqa: F401 (registers the system check)

        post_migrate.connect(create_coming_partitions, sender=self)


def create_coming_partitions(sender, using, **kwargs):
    """Every `migrate` makes sure the access log has partitions for the coming months."""
    from apps.audit.partitions import ensure_partitions

    ensure_partitions(connection=connections[using])
