from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnsentTask(models.Model):
    """A Celery task that could not be handed to the broker; `apps.core.outbox` sends it
    when the broker is back."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("positional arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("unsent task")
        verbose_name_plural = _("unsent tasks")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task} {self.args} {self.kwargs}"
