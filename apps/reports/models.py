"""The list of costly events that support may prevent, for the what-if effect calculator.

A functional administrator keeps the list (Django admin, every change in the access log).
An amount holds from a date on: a new amount for the same event is a new row from a later
date, so a sum over a past period keeps the amounts that held then.
"""

from datetime import date

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.languages import in_active_language


class CostItemQuerySet(models.QuerySet):
    def valid_on(self, day: date):
        """Per event, the amount that holds on `day`: its row with the latest start on or
        before that day."""
        latest = (
            CostItem.objects.filter(code=models.OuterRef("code"), valid_from__lte=day)
            .order_by("-valid_from")
            .values("valid_from")[:1]
        )
        return self.filter(valid_from=models.Subquery(latest))


class CostItem(models.Model):
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("The same for every amount of one event.")
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    amount = models.DecimalField(
        _("amount in euros"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("What one such event costs society, in euros."),
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        help_text=_("Where the amount comes from: a publication, a report or a calculation."),
    )
    valid_from = models.DateField(_("valid from"))

    objects = CostItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="cost_item_once_per_date"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cost_item_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.valid_from:%Y-%m-%d})"

    @property
    def name(self) -> str:
        return in_active_language(self.name_nl, self.name_en)
