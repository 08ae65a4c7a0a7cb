from apps.accounts import policy
from apps.audit.filters import AccessLogFilter
from apps.audit.models import AccessLogEntry


def access_log_filter(*, actor, data) -> AccessLogFilter:
    """The access log, filtered, for someone the policy allows to read it."""
    policy.require(actor, "audit.view_accesslogentry")
    return AccessLogFilter(data=data, queryset=AccessLogEntry.objects.all())


EXPORT_COLUMNS = (
    "occurred_at",
    "actor_email",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "reason",
    "path",
    "ip_address",
    "user_agent",
)


def access_log_export_rows(*, actor, filterset: AccessLogFilter):
    policy.require(actor, "audit.export_accesslogentry")
    return filterset.qs.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)
