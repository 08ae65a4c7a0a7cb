from django import template

from apps.reports.charts import format_number
from apps.reports.prevented_costs import rounded_euros

register = template.Library()


@register.filter
def euros(amount: float) -> str:
    """An amount rounded down to thousands of euros, written the Dutch way."""
    return format_number(rounded_euros(amount))


@register.filter
def euros_up(amount: float) -> str:
    """The same, rounded up: the high end of a range."""
    return format_number(rounded_euros(amount, up=True))
