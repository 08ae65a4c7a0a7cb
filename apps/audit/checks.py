from django.conf import settings
from django.core.checks import Error, register


@register()
def retention_is_long_enough(app_configs, **kwargs):
    if settings.AUDIT_RETENTION_DAYS < settings.AUDIT_MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {settings.AUDIT_RETENTION_DAYS}; the access log is "
                f"kept at least {settings.AUDIT_MINIMUM_RETENTION_DAYS} days.",
                id="audit.E001",
            )
        ]
    return []
