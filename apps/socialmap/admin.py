"""The social map's editors (functional administrators) keep providers and services here,
until the staff pages of the social map take over."""

from django.contrib import admin

from apps.socialmap.models import (
    Accessibility,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TargetGroup,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "title", "email", "service")


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ("number", "type", "description")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "website")
    search_fields = ("name", "alternate_name")
    inlines = [ContactInline]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ("location",)


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fk_name = "service"
    extra = 0
    fields = ("byday", "opens_at", "closes_at", "valid_from", "valid_to", "description")


class CostOptionInline(admin.TabularInline):
    model = CostOption
    extra = 0


class LanguageInline(admin.TabularInline):
    model = Language
    extra = 0


class ServicePhoneInline(PhoneInline):
    fk_name = "service"


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "status", "assured_date")
    list_filter = ("status", "themes")
    search_fields = ("name", "summary", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "owner", "neighbourhoods", "municipalities")
    filter_horizontal = ("themes", "target_groups")
    inlines = [
        ServiceAtLocationInline,
        ScheduleInline,
        ServicePhoneInline,
        CostOptionInline,
        LanguageInline,
    ]


class AccessibilityInline(admin.TabularInline):
    model = Accessibility
    extra = 0


class LocationPhoneInline(PhoneInline):
    fk_name = "location"


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "organization", "location_type")
    list_filter = ("location_type",)
    search_fields = ("name", "address_1", "postal_code", "city")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "neighbourhood")
    inlines = [AccessibilityInline, LocationPhoneInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organization")
    search_fields = ("name", "email", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "service")


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ("name_nl", "name_en", "code")
    search_fields = ("name_nl", "name_en", "code")
