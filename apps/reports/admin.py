from django.contrib import admin

from apps.audit.admin import AccessLoggedAdmin
from apps.reports.models import CostItem


@admin.register(CostItem)
class CostItemAdmin(AccessLoggedAdmin):
    """Every change to an amount is in the access log: the what-if sums rest on them."""

    list_display = ("name_nl", "code", "amount", "valid_from", "source")
    list_filter = ("code",)
    search_fields = ("code", "name_nl", "name_en", "source")
    ordering = ("code", "-valid_from")
