from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EffectsConfig(AppConfig):
    name = "apps.effects"
    label = "effects"
    verbose_name = _("Statistics and effects")

    def ready(self):
        from apps.effects import receivers  # noqa: F401
        from apps.effects.selectors import learning_path_change
        from apps.learning.measurement import path_change_register

        path_change_register(learning_path_change)
