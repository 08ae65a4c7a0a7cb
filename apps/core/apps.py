from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Buurtkompas")

    def ready(self):
        # The empty choice of every select of a model field: Django's own text has no
        # Dutch yet, and a page must not show English in the middle of Dutch.
        fields.BLANK_CHOICE_LABEL = _("- Choose -")
