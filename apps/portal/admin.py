from django.contrib import admin

from apps.portal.models import InformationPage


@admin.register(InformationPage)
class InformationPageAdmin(admin.ModelAdmin):
    list_display = ("title_nl", "slug", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
    fields = ("slug", "title_nl", "body_nl", "title_en", "body_en", "updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
