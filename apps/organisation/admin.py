from django.contrib import admin

from apps.audit.admin import AccessLoggedAdmin
from apps.organisation.models import (
    Municipality,
    MunicipalityMembership,
    Neighbourhood,
    Team,
    TeamMembership,
    Theme,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "cbs_code", "inhabitants")
    search_fields = ("name", "cbs_code")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "cbs_code", "municipality", "district")
    list_filter = ("kind", "municipality")
    search_fields = ("name", "cbs_code")
    list_select_related = ("municipality", "district")
    autocomplete_fields = ("district",)


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "specialism", "municipality")
    list_filter = ("specialism", "municipality")
    search_fields = ("name",)
    list_select_related = ("municipality",)
    filter_horizontal = ("neighbourhoods",)
    inlines = (TeamMembershipInline,)


@admin.register(TeamMembership)
class TeamMembershipAdmin(AccessLoggedAdmin):
    list_display = ("user", "team", "joined_on", "coordinates_volunteers")
    list_filter = ("coordinates_volunteers",)
    list_select_related = ("user", "team")
    autocomplete_fields = ("user", "team")


@admin.register(MunicipalityMembership)
class MunicipalityMembershipAdmin(AccessLoggedAdmin):
    list_display = ("user", "municipality")
    list_select_related = ("user", "municipality")
    autocomplete_fields = ("user",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("position", "name_nl", "name_en", "code")
    list_display_links = ("name_nl",)
    ordering = ("position",)
