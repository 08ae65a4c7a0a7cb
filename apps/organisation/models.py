import re
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.languages import in_active_language

# The Netherlands, with a margin: catches swapped latitude/longitude.
LATITUDE_VALIDATORS = [MinValueValidator(50.6), MaxValueValidator(53.7)]
LONGITUDE_VALIDATORS = [MinValueValidator(3.2), MaxValueValidator(7.3)]


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("A CBS municipality code looks like GM0307."))],
    )
    inhabitants = models.PositiveIntegerField(
        _("inhabitants"),
        null=True,
        blank=True,
        help_text=_(
            "The number of inhabitants (CBS). It sets the municipality's size class in the "
            "anonymised sector benchmark."
        ),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class NeighbourhoodQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(kind=Neighbourhood.Kind.DISTRICT)

    def in_municipality(self, municipality):
        return self.filter(municipality=municipality)


class Neighbourhood(models.Model):
    """A CBS wijk (district) or buurt (neighbourhood inside a district)."""

    class Kind(models.TextChoices):
        DISTRICT = "wijk", _("District")
        NEIGHBOURHOOD = "buurt", _("Neighbourhood")

    CODE_PATTERNS = {Kind.DISTRICT: r"^WK\d{6}$", Kind.NEIGHBOURHOOD: r"^BU\d{8}$"}
    CODE_MESSAGES = {
        Kind.DISTRICT: _("A CBS district code looks like WK030701."),
        Kind.NEIGHBOURHOOD: _("A CBS neighbourhood code looks like BU03070101."),
    }

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind, default=Kind.DISTRICT)
    cbs_code = models.CharField(_("CBS code"), max_length=10, unique=True)
    district = models.ForeignKey(
        "self",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="neighbourhoods",
        limit_choices_to={"kind": Kind.DISTRICT},
    )
    centroid_latitude = models.FloatField(_("centroid latitude"), validators=LATITUDE_VALIDATORS)
    centroid_longitude = models.FloatField(_("centroid longitude"), validators=LONGITUDE_VALIDATORS)
    boundary = models.JSONField(
        _("boundary"), null=True, blank=True, help_text=_("GeoJSON polygon (WGS84), optional.")
    )

    objects = NeighbourhoodQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["municipality__name", "name"]

    def __str__(self):
        return self.label_of(self.name, self.municipality.name if self.municipality_id else None)

    @staticmethod
    def label_of(name: str, municipality_name: str | None) -> str:
        """How an area is named in lists: with its municipality, since two towns can have
        a "Centrum"."""
        return f"{name} ({municipality_name})" if municipality_name else name

    def clean(self):
        errors = {}
        if self.cbs_code and not re.match(self.CODE_PATTERNS[self.kind], self.cbs_code):
            errors["cbs_code"] = self.CODE_MESSAGES[self.kind]
        if self.kind == self.Kind.NEIGHBOURHOOD and not self.district_id:
            errors["district"] = _("A neighbourhood (buurt) belongs to a district (wijk).")
        if self.kind == self.Kind.DISTRICT and self.district_id:
            errors["district"] = _("A district (wijk) does not belong to another district.")
        if (
            self.district_id
            and self.municipality_id
            and self.district.municipality_id != self.municipality_id
        ):
            errors["district"] = _("The district lies in another municipality.")
        if self.boundary is not None and not _is_geojson_polygon(self.boundary):
            errors["boundary"] = _("The boundary must be a GeoJSON Polygon or MultiPolygon.")
        if errors:
            raise ValidationError(errors)


def _is_geojson_polygon(value) -> bool:
    return (
        isinstance(value, dict)
        and value.get("type") in {"Polygon", "MultiPolygon"}
        and isinstance(value.get("coordinates"), list)
    )


class Team(models.Model):
    class Specialism(models.TextChoices):
        SOCIAL_WORK = "social_work", _("Social work")
        YOUTH = "youth", _("Youth")
        WMO = "wmo", _("Wmo (social support)")
        ELDERLY = "elderly", _("Elderly")
        DEBT = "debt", _("Money and debts")
        COMMUNITY = "community", _("Community work")
        INFORMAL_CARE = "informal_care", _("Informal care")

    name = models.CharField(_("name"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="teams"
    )
    specialism = models.CharField(_("specialism"), max_length=32, choices=Specialism)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("neighbourhoods"), blank=True, related_name="teams"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TeamMembership",
        related_name="teams",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_team_name"),
        ]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    joined_on = models.DateField(_("joined on"), auto_now_add=True)
    caseload_capacity = models.PositiveSmallIntegerField(
        _("caseload capacity"),
        default=30,
        help_text=_("How many clients this person can support at the same time."),
    )
    # Who matches residents' requests for informal help with the team's volunteers.
    coordinates_volunteers = models.BooleanField(
        _("volunteer coordinator"),
        default=False,
        help_text=_("Matches residents' requests for informal help with the team's volunteers."),
    )

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_membership"),
        ]

    def __str__(self):
        return f"{self.user} - {self.team}"


class MunicipalityMembership(models.Model):
    """Links a municipality viewer to the one municipality whose figures they may see."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="municipality_memberships",
    )

    class Meta:
        verbose_name = _("municipality membership")
        verbose_name_plural = _("municipality memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user"], name="unique_municipality_membership"
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.municipality}"


class Theme(models.Model):
    """One of the ten social themes of the welfare sector; the list is data, not code."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_of(self.name_nl, self.name_en)

    # The name in the active language, from the two columns (the report filter's options).
    name_of = staticmethod(in_active_language)

    @property
    def colour_slot(self) -> int:
        """Which of the theme colours (`.bk-theme-colour--1` to `--10` in the stylesheet) shows
        this theme on maps and legends. The ten sector themes each have their own, whatever
        their position; a theme added later gets one from its code, so it never changes."""
        if self.code in THEME_COLOUR_SLOTS:
            return THEME_COLOUR_SLOTS[self.code]
        return zlib.crc32(self.code.encode()) % THEME_COLOUR_COUNT + 1


THEME_COLOUR_COUNT = 10
THEME_COLOUR_SLOTS = {
    code: slot
    for slot, code in enumerate(
        [
            "burgerinitiatieven-gemeenschap",
            "geldzaken-regelgeving",
            "gezondheid-zorg",
            "huiselijke-relaties-opvoeding",
            "huisvesting-wonen",
            "mentaal-welbevinden-zingeving",
            "opleiding-werk",
            "ouder-worden-mantelzorg",
            "vervoer-woonomgeving",
            "vrijwillige-inzet",
        ],
        start=1,
    )
}
