from django.conf import settings
from django.core.checks import Error, register

from apps.reports.disclosure import MINIMUM_THRESHOLD


@register()
def disclosure_rules_protect(app_configs, **kwargs):
    errors = []
    if settings.DISCLOSURE_THRESHOLD < MINIMUM_THRESHOLD:
        errors.append(
            Error(
                f"DISCLOSURE_THRESHOLD is {settings.DISCLOSURE_THRESHOLD}; figures that leave "
                f"the organisation hide counts under at least {MINIMUM_THRESHOLD}.",
                id="reports.E001",
            )
        )
    if settings.DISCLOSURE_ROUNDING_BASE < 1:
        errors.append(
            Error(
                f"DISCLOSURE_ROUNDING_BASE is {settings.DISCLOSURE_ROUNDING_BASE}; counts are "
                "rounded to a base of at least 1.",
                id="reports.E002",
            )
        )
    return errors
