"""The social map: who offers what, where and when, following the Open Referral Human
Services Data Specification (HSDS 3.1) so that it can be exchanged (apps/socialmap/hsds.py).

Identifiers are UUIDs, as HSDS asks: an export keeps them and an import matches on them.
A service's freshness is when a person last confirmed it (`assured_date`), never when a
row last changed.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import PostcodeField


class Organization(models.Model):
    """A provider: the organisation that offers services (HSDS `organization`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    """Who a service is for (a term of our target-group taxonomy): young people, informal
    carers, newcomers… The list is data, not code."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["name_nl"]

    def __str__(self):
        return self.name_nl


class Service(models.Model):
    """What a provider offers (HSDS `service`)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Stopped")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences: what it is, for whom.")
    )
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    application_process = models.TextField(_("how to get it"), blank=True)
    fees_description = models.TextField(_("costs"), blank=True)
    eligibility_description = models.TextField(_("for whom"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    interpretation_services = models.TextField(_("interpreters"), blank=True)
    alert = models.CharField(_("notice"), max_length=300, blank=True)
    # For staff only: never on a resident's page, never in an export.
    internal_notes = models.TextField(_("internal notes"), blank=True)
    referral_instructions = models.TextField(_("how to refer"), blank=True)
    themes = models.ManyToManyField(
        "organisation.Theme", verbose_name=_("themes"), related_name="services", blank=True
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="services", blank=True
    )
    # Where it is offered (HSDS `service_area`): whole municipalities or some
    # neighbourhoods.
    municipalities = models.ManyToManyField(
        "organisation.Municipality",
        verbose_name=_("municipalities served"),
        related_name="services",
        blank=True,
    )
    neighbourhoods = models.ManyToManyField(
        "organisation.Neighbourhood",
        verbose_name=_("neighbourhoods served"),
        related_name="services",
        blank=True,
    )
    # Who keeps it right: the provider's contact who is asked to confirm it.
    owner = models.ForeignKey(
        "Contact",
        verbose_name=_("contact who keeps it right"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_services",
    )
    # When a person last confirmed that the information is right, and who.
    assured_date = models.DateField(_("last confirmed on"), null=True, blank=True)
    assurer_email = models.EmailField(_("confirmed by"), blank=True)
    # Asked and reminded without an answer (apps/socialmap/freshness.py): residents read
    # that it is not confirmed, and after a further period they no longer find it. Both
    # clear when someone confirms it; nothing is ever deleted for want of an answer.
    unconfirmed_since = models.DateField(_("not confirmed since"), null=True, blank=True)
    hidden_since = models.DateField(_("hidden from residents since"), null=True, blank=True)
    # The words to search in, weighted (name, summary, description), kept by a trigger on
    # PostgreSQL (migration 0002) and searched through its GIN index; empty on SQLite.
    search_document = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_ages_in_order",
            ),
        ]

    def __str__(self):
        return self.name


class Location(models.Model):
    """Where services are offered (HSDS `location` with its `address`)."""

    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("A place to visit")
        POSTAL = "postal", _("A postal address")
        VIRTUAL = "virtual", _("Online")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="locations",
    )
    location_type = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PHYSICAL)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    address_1 = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = PostcodeField(_("postcode"), blank=True)
    city = models.CharField(_("place"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    neighbourhood = models.ForeignKey(
        "organisation.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    services = models.ManyToManyField(
        Service, through="ServiceAtLocation", related_name="locations", blank=True
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name}, {self.city}" if self.city else self.name


class ServiceAtLocation(models.Model):
    """A service offered at one location (HSDS `service_at_location`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("about this service here"), blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_once_per_place")
        ]

    def __str__(self):
        return f"{self.service} \N{EN DASH} {self.location}"


class Accessibility(models.Model):
    """How accessible a location is (HSDS `accessibility`): a lift, a quiet room…"""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibilities")
    description = models.CharField(_("what"), max_length=200)
    details = models.TextField(_("details"), blank=True)

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self):
        return self.description


class Contact(models.Model):
    """A person to contact at a provider, for a service or a location (HSDS `contact`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or self.email


class Phone(models.Model):
    """A phone number of a provider, service, location or contact (HSDS `phone`)."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("Phone")
        TEXT = "text", _("Text message")
        CELL = "cell", _("Mobile")
        VIDEO = "video", _("Video call")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=30)
    type = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.VOICE)
    description = models.CharField(_("when and for what"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False)
                | Q(service__isnull=False)
                | Q(location__isnull=False)
                | Q(contact__isnull=False),
                name="phone_belongs_to_something",
            ),
        ]

    def __str__(self):
        return self.number


class Schedule(models.Model):
    """Opening hours: on these weekdays from `opens_at` to `closes_at`, within the dates
    given (HSDS `schedule`, a weekly iCal rule). Of a service, or of a service at one
    location."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    # iCal days: "MO,TU,WE".
    byday = models.CharField(_("days"), max_length=20)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    description = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(service_at_location__isnull=False),
                name="schedule_belongs_to_a_service",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="schedule_opens_first"
            ),
        ]

    def __str__(self):
        return f"{self.byday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class CostOption(models.Model):
    """What a service costs (HSDS `cost_option`); a service without any is free."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(_("what for"), max_length=200)
    amount = models.DecimalField(_("amount (euro)"), max_digits=8, decimal_places=2)
    amount_description = models.CharField(_("about the amount"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cost_not_negative")]

    def __str__(self):
        return f"{self.option}: € {self.amount}"


class Language(models.Model):
    """A language a service is offered in (HSDS `language`, ISO 639 code)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("language"), max_length=100)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="language_once_per_service")
        ]

    def __str__(self):
        return self.name


class VerificationRequest(models.Model):
    """One round of asking a service's owner contact whether it is still right: the first
    e-mail and its reminders, each with a signed link to this request. The round closes
    when the provider answers, when it is confirmed another way, or when its link expires
    unanswered (the next beat run starts a new round)."""

    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed: still right")
        CHANGES_PROPOSED = "changes proposed", _("Changes proposed")
        SUPERSEDED = "superseded", _("Closed: confirmed another way")
        NO_ANSWER = "no answer", _("No answer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="verification_requests"
    )
    email = models.EmailField(_("sent to"))
    created_at = models.DateTimeField(_("first sent"), default=timezone.now)
    last_mailed_at = models.DateTimeField(_("last sent"))
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    # The link works until then; every reminder gives it a new term.
    expires_at = models.DateTimeField(_("link valid until"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=20, choices=Answer, blank=True)

    class Meta:
        verbose_name = _("request to confirm")
        verbose_name_plural = _("requests to confirm")
        ordering = ["-created_at", "id"]
        constraints = [
            # One open round per service: a second beat run or a race asks nobody twice.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(closed_at__isnull=True),
                name="one_open_request_per_service",
            ),
        ]

    def __str__(self):
        return f"{self.service} \N{EN DASH} {self.email}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ProposedChange(models.Model):
    """What a provider proposes to change, through the link of a request, waiting for a
    staff editor who accepts or rejects it. `changes` holds only what differs, as
    {"field": new value}; `before` what the service said when it was proposed."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="proposed_changes")
    request = models.OneToOneField(
        VerificationRequest, on_delete=models.CASCADE, related_name="proposed_change"
    )
    proposed_by = models.EmailField(_("proposed by"))
    submitted_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    before = models.JSONField(_("before"))
    changes = models.JSONField(_("changes"))
    note = models.TextField(_("note from the provider"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("note from the editor"), blank=True)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return f"{self.service} ({self.get_state_display()})"


class Referral(models.Model):
    """A social worker referred the client of a dossier to a service. The dossier page
    lists it (a section this app registers: apps/dossiers/sections.py)."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="service_referrals",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("referred on"), auto_now_add=True)
    note = models.TextField(_("note (only for the team)"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-id"]

    def __str__(self):
        return f"{self.service} ({self.referred_at:%Y-%m-%d})"
