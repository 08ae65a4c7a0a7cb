from django.contrib import admin

from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record


class AccessLoggedAdmin(admin.ModelAdmin):
    """Admin for personal records: every read and change lands in the access log."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            access_log_record(
                actor=request.user,
                action=AccessLogEntry.Action.SEARCH,
                object_type=self.model._meta.label_lower,
                reason=request.GET.urlencode()[:500],
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = (
                response.context_data.get("original") if hasattr(response, "context_data") else None
            )
            if obj is not None:
                access_log_record(actor=request.user, action=AccessLogEntry.Action.READ, obj=obj)
        return response

    def log_addition(self, request, obj, message):
        access_log_record(actor=request.user, action=AccessLogEntry.Action.CREATE, obj=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        access_log_record(actor=request.user, action=AccessLogEntry.Action.UPDATE, obj=obj)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            access_log_record(actor=request.user, action=AccessLogEntry.Action.DELETE, obj=obj)
        return super().log_deletions(request, queryset)
