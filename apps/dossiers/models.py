import calendar
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import BirthDateField, HouseNumberField, PhoneNumberField, PostcodeField
from apps.organisation.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS

# Dutch surname prefixes (tussenvoegsels), longest first: "van der Berg" sorts under B.
SURNAME_PREFIXES = sorted(
    {
        "van der", "van den", "van de", "van het", "van 't", "in 't", "in de", "in het",
        "op de", "op den", "op het", "uit de", "uit den", "uit het", "aan de", "aan den",
        "bij de", "over de", "ten", "ter", "te", "van", "von", "de", "den", "der", "het",
        "'t", "la", "le", "el", "al", "da", "di", "du", "dos", "das",
    },
    key=len,
    reverse=True,
)  # fmt: skip


def surname_sort_key(last_name: str) -> str:
    """The part of a surname that a Dutch list sorts on: "de Vries" → "vries"."""
    name = " ".join(last_name.lower().split())
    for prefix in SURNAME_PREFIXES:
        if name.startswith(prefix + " ") and len(name) > len(prefix) + 1:
            return name[len(prefix) + 1 :]
    return name


class Client(models.Model):
    """A resident we support. Linked to a portal account only when they have one."""

    class ContactPreference(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        PORTAL = "portal", _("Message in the portal")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit")

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_record",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=150)
    # Kept in step with last_name by save(): lists sort on it, not on the prefix.
    sort_name = models.CharField(_("sorted as"), max_length=150, editable=False, default="")
    birth_date = BirthDateField(_("birth date"), null=True, blank=True)
    postcode = PostcodeField(_("postcode"), blank=True)
    house_number = HouseNumberField(_("house number"), blank=True)
    street = models.CharField(_("street"), max_length=150, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    neighbourhood = models.ForeignKey(
        "organisation.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clients",
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    contact_preference = models.CharField(
        _("preferred way of contact"),
        max_length=10,
        choices=ContactPreference,
        default=ContactPreference.PHONE,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["sort_name", "first_name"]
        indexes = [models.Index(fields=["postcode", "house_number"], name="client_address_idx")]

    def __str__(self):
        return self.full_name

    def save(self, *args, update_fields=None, **kwargs):
        self.sort_name = surname_sort_key(self.last_name)
        if update_fields is not None and "last_name" in update_fields:
            update_fields = {*update_fields, "sort_name"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def band_threshold_days() -> tuple[int, int]:
    """The caseload colour thresholds (settings, in months) as days."""
    return (
        round(settings.CASELOAD_MEDIUM_AFTER_MONTHS * 30.44),
        round(settings.CASELOAD_LONG_AFTER_MONTHS * 30.44),
    )


class DossierQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Dossier.Status.CLOSED)

    def for_teams(self, team_ids):
        return self.filter(team_id__in=team_ids)

    def past_retention(self, today: date | None = None):
        """Closed longer ago than DOSSIER_RETENTION_YEARS and not under a legal hold."""
        today = today or timezone.localdate()
        try:
            cutoff = today.replace(year=today.year - settings.DOSSIER_RETENTION_YEARS)
        except ValueError:  # 29 February
            cutoff = today.replace(year=today.year - settings.DOSSIER_RETENTION_YEARS, day=28)
        return self.filter(status=Dossier.Status.CLOSED, ended_on__lt=cutoff, legal_hold=False)

    def long_running(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(started_on__lte=today - timedelta(days=band_threshold_days()[1]))

    def with_last_contact(self):
        """Annotate the time and mode of the latest contact moment.

        Two correlated subqueries, each one step on the (dossier, occurred_at) index; an
        aggregate over a join would make the database group all contact moments.
        """
        latest = ContactMoment.objects.filter(dossier=OuterRef("pk")).order_by("-occurred_at")
        return self.annotate(
            last_contact_at=Subquery(latest.values("occurred_at")[:1]),
            last_contact_mode=Subquery(latest.values("mode")[:1]),
        )


class Dossier(models.Model):
    """One trajectory of support: aanmelding → intake → lopend → afgesloten."""

    class Status(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        INTAKE = "intake", _("Intake")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    # Each status may move only to the next one; a trajectory never skips a step.
    NEXT_STATUS = {
        Status.REGISTRATION: Status.INTAKE,
        Status.INTAKE: Status.ACTIVE,
        Status.ACTIVE: Status.CLOSED,
    }

    class Source(models.TextChoices):
        SELF = "self", _("The resident themselves")
        ONLINE = "online", _("Online request")
        GP = "gp", _("General practitioner")
        SCHOOL = "school", _("School")
        POLICE = "police", _("Police")
        OTHER = "other", _("Other")

    class ClosingReason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("Goals reached")
        REFERRED = "referred", _("Referred to another organisation")
        CLIENT_STOPPED = "client_stopped", _("The client stopped")
        MOVED = "moved", _("Moved away")
        DECEASED = "deceased", _("Deceased")
        OTHER = "other", _("Other")

    class DurationBand(models.TextChoices):
        SHORT = "short", _("Under 3 months")
        MEDIUM = "medium", _("3 to 6 months")
        LONG = "long", _("Over 6 months")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="dossiers"
    )
    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible social worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_dossiers",
    )
    # When the dossier came to its present worker (intake or a reassignment): the worker's
    # "today" view shows dossiers that are new to them.
    worker_assigned_at = models.DateTimeField(_("with this worker since"), null=True, blank=True)
    # When that worker was mailed about it (apps/dossiers/notifications.py): once each time.
    assignment_mailed_at = models.DateTimeField(
        _("worker mailed about the assignment"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.REGISTRATION
    )
    source = models.CharField(_("source of the request"), max_length=10, choices=Source)
    started_on = models.DateField(_("start date"), default=date.today)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    closing_reason = models.CharField(
        _("closing reason"), max_length=20, choices=ClosingReason, blank=True
    )
    long_running_explanation = models.TextField(_("why support takes longer"), blank=True)
    # A team leader's request to the worker to write that explanation; cleared when it is
    # written.
    explanation_requested_at = models.DateTimeField(
        _("explanation asked for on"), null=True, blank=True
    )
    explanation_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("explanation asked for by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    explanation_request_mailed_at = models.DateTimeField(
        _("worker mailed about the request"), null=True, blank=True
    )
    legal_hold = models.BooleanField(
        _("legal hold"), default=False, help_text=_("Kept past the retention period.")
    )
    legal_hold_reason = models.CharField(_("why it is kept"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["responsible_worker", "status"], name="dossier_worker_status_idx"),
            models.Index(fields=["team", "status"], name="dossier_team_status_idx"),
            # The API's dossier list: a team's dossiers in the model's order, newest first.
            models.Index(fields=["team", "-started_on", "-id"], name="dossier_team_started_idx"),
            # The team overview counts a team's open dossiers per worker and colour from the
            # index alone (PostgreSQL; SQLite keeps the plain columns).
            models.Index(
                fields=["team", "status", "started_on"],
                include=["responsible_worker", "long_running_explanation"],
                name="dossier_team_bands_idx",
            ),
            # The statistics: dossiers started or closed in the months they update, and
            # dossiers added since the last update (apps/effects/journal.py).
            models.Index(fields=["started_on"], name="dossier_started_idx"),
            models.Index(fields=["ended_on"], name="dossier_ended_idx"),
            models.Index(fields=["created_at"], name="dossier_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="dossier_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(ended_on__isnull=False) & ~Q(closing_reason="")),
                name="closed_dossier_has_end_and_reason",
            ),
        ]

    def __str__(self):
        return f"{self.client} ({self.get_status_display()})"

    @property
    def next_status(self):
        return self.NEXT_STATUS.get(self.status)

    @property
    def get_next_status_label(self) -> str:
        return self.Status(self.next_status).label if self.next_status else ""

    def may_move_to(self, status) -> bool:
        return status is not None and status == self.next_status

    @property
    def kept_until(self) -> date | None:
        """The last day a closed dossier is kept, unless under a legal hold (then and while
        open: None). The purge removes it after this day."""
        if self.status != self.Status.CLOSED or self.legal_hold or self.ended_on is None:
            return None
        years = settings.DOSSIER_RETENTION_YEARS
        try:
            return self.ended_on.replace(year=self.ended_on.year + years)
        except ValueError:  # 29 February
            return self.ended_on.replace(year=self.ended_on.year + years, day=28)

    def duration_days(self, today: date | None = None) -> int:
        return ((self.ended_on or today or timezone.localdate()) - self.started_on).days

    def duration_band(self, today: date | None = None) -> str:
        return self.band_of(self.duration_days(today), band_threshold_days())

    @classmethod
    def band_of(cls, days: int, thresholds: tuple[int, int]) -> str:
        """The colour of a trajectory of `days`, by `band_threshold_days()` (asked once for
        a list of many)."""
        medium_days, long_days = thresholds
        if days < medium_days:
            return cls.DurationBand.SHORT
        if days < long_days:
            return cls.DurationBand.MEDIUM
        return cls.DurationBand.LONG

    @property
    def last_contact_mode_label(self) -> str:
        """Label of the `with_last_contact()` annotation; empty when there was no contact."""
        mode = getattr(self, "last_contact_mode", None)
        return ContactMoment.Mode(mode).label if mode else ""

    @property
    def needs_long_running_explanation(self) -> bool:
        return (
            self.status != self.Status.CLOSED
            and self.duration_band() == self.DurationBand.LONG
            and not self.long_running_explanation
        )


class RegisteredQuestion(models.Model):
    """A question the client brings, registered under one of the social themes."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="questions"
    )
    theme = models.ForeignKey(
        "organisation.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+"
    )
    subcategory = models.CharField(_("subcategory"), max_length=100, blank=True)
    description = models.TextField(_("in the client's words"), blank=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("registered question")
        verbose_name_plural = _("registered questions")
        ordering = ["registered_at", "id"]
        indexes = [models.Index(fields=["registered_at"], name="question_registered_idx")]

    def __str__(self):
        return f"{self.theme}: {self.subcategory}" if self.subcategory else str(self.theme)


class ContactMomentQuerySet(models.QuerySet):
    def last_habit_of(self, worker) -> dict | None:
        """The kind and length of the worker's latest logged contact: what they will likely
        log next."""
        latest = self.filter(worker=worker).order_by("-created_at")
        return latest.values("mode", "duration_minutes").first()


class ContactMoment(models.Model):
    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("Face to face")
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")
        MESSAGE = "message", _("Message")
        GROUP = "group", _("Group")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="contact_moments"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("when"))
    mode = models.CharField(_("kind of contact"), max_length=16, choices=Mode)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    notes = models.TextField(_("notes (only for the team)"), blank=True)
    client_summary = models.TextField(
        _("summary for the client"),
        blank=True,
        help_text=_("The client can read this in the portal. Write it for them."),
    )
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    # The form's own number: a second tap on "save" sends it again and adds nothing.
    submission = models.UUIDField(null=True, blank=True, editable=False)

    objects = ContactMomentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "submission"],
                condition=models.Q(submission__isnull=False),
                name="contact_once_per_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["dossier", "occurred_at"], name="contact_dossier_time_idx"),
            # The statistics read a month of contacts, and the nightly update those logged
            # since its last run (apps/effects).
            models.Index(fields=["occurred_at"], name="contact_occurred_idx"),
            models.Index(fields=["created_at"], name="contact_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} {self.occurred_at:%Y-%m-%d}"


class BreakGlassQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class BreakGlassAccess(models.Model):
    """A worker opened a dossier of another team, with a stated reason ("break the glass").

    The grant is short-lived, logged, and shown to the team leader of the dossier's team.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="break_glass"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("opened"), default=timezone.now)
    expires_at = models.DateTimeField(_("until"))

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["actor", "dossier", "expires_at"], name="breakglass_idx")]

    def __str__(self):
        return f"{self.actor} → {self.dossier_id} ({self.granted_at:%Y-%m-%d %H:%M})"


class IntakeRequestQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=IntakeRequest.Status.NEW)


class IntakeRequest(models.Model):
    """A request for help that waits in a team's intake queue: from the portal (online),
    a referral by another organisation (API), or a phone call noted by a colleague."""

    class Status(models.TextChoices):
        NEW = "new", _("Waiting")
        CONVERTED = "converted", _("Turned into a dossier")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ANSWERED = "answered", _("Answered")

    class Kind(models.TextChoices):
        HELP = "help", _("Request for help")
        # A resident asks for their data to be deleted (GDPR article 17): a person checks
        # what the law makes us keep, and answers; it never becomes a dossier.
        ERASURE = "erasure", _("Request to delete data")

    kind = models.CharField(_("kind of request"), max_length=10, choices=Kind, default=Kind.HELP)
    team = models.ForeignKey(
        "organisation.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="intake"
    )
    source = models.CharField(_("source of the request"), max_length=10, choices=Dossier.Source)

    class ContactBy(models.TextChoices):
        MESSAGE = "message", _("A message")
        PHONE = "phone", _("A phone call")
        VIDEO = "video", _("A video call")
        HOME_VISIT = "home_visit", _("A visit at home")
        WALK_IN = "walk_in", _("I will come to the walk-in hours")

    referrer = models.CharField(_("referred by"), max_length=200, blank=True)
    # Online a resident may ask without giving their name.
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    birth_date = BirthDateField(_("birth date"), null=True, blank=True)
    postcode = PostcodeField(_("postcode"), blank=True)
    house_number = HouseNumberField(_("house number"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    question = models.TextField(_("the question, in their words"))
    theme = models.ForeignKey(
        "organisation.Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_by = models.CharField(
        _("how they would like to be contacted"), max_length=12, choices=ContactBy, blank=True
    )
    # What the resident quotes when they call about it; online requests only.
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, null=True, blank=True, editable=False
    )
    # The resident's account when they asked while logged in: they follow its status.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_requests",
    )
    # What the team wrote back to a request it answered instead of opening a dossier.
    answer = models.TextField(_("answer to the resident"), blank=True)
    # When the resident was told by e-mail that the answer waits online.
    answer_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IntakeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("intake request")
        verbose_name_plural = _("intake requests")
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["team", "status", "received_at"], name="intake_queue_idx")]

    def __str__(self):
        return f"{self.full_name} ({self.received_at:%Y-%m-%d})"

    # Letters and digits that cannot be mistaken for each other on the phone.
    REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or _("Without a name")

    @classmethod
    def new_reference(cls) -> str:
        """A reference such as HV-7KM3-QT9X: random, so it tells nothing about how many
        requests there are; the column's uniqueness catches the rare repeat."""
        code = "".join(secrets.choice(cls.REFERENCE_ALPHABET) for _position in range(8))
        return f"HV-{code[:4]}-{code[4:]}"

    @property
    def answer_due(self) -> date:
        """A request about personal data is answered within a month (GDPR article 12)."""
        received = timezone.localdate(self.received_at)
        year, month = divmod(received.month, 12)
        year, month = received.year + year, month + 1
        last_day = calendar.monthrange(year, month)[1]
        return received.replace(year=year, month=month, day=min(received.day, last_day))

    def possible_duplicates(self):
        """Existing clients that are probably the same person: the client record of the
        portal account that asked, or the same birth date and either the same address or
        the same surname."""
        condition = Q(account_id=self.requested_by_id) if self.requested_by_id else Q()
        if self.birth_date:
            # Both fields read "3811ab" and "12 a" as the stored "3811 AB" and "12A".
            same_address = Q(postcode=self.postcode, house_number=self.house_number)
            same_name = Q(last_name__iexact=self.last_name)
            looks_alike = same_name | same_address if self.postcode else same_name
            condition |= Q(birth_date=self.birth_date) & looks_alike
        if not condition:
            return Client.objects.none()
        return Client.objects.filter(condition)


class Goal(models.Model):
    """A goal of the plan, written as the client's own question: "How can I …?"."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="goals"
    )
    question = models.CharField(
        _("goal, as the client's own question"),
        max_length=300,
        help_text=_("In the client's words, for example: How can I pay my bills on time?"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.question


class Action(models.Model):
    class Owner(models.TextChoices):
        CLIENT = "client", _("The client")
        NETWORK = "network", _("Someone in the network")
        WORKER = "worker", _("The social worker")

    class Status(models.TextChoices):
        OPEN = "open", _("Still to do")
        DOING = "doing", _("Busy with it")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(_("what will be done"), max_length=300)
    owner = models.CharField(_("who does it"), max_length=10, choices=Owner)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    target_date = models.DateField(_("done by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.description

    @property
    def is_overdue(self) -> bool:
        return (
            self.target_date is not None
            and self.target_date < timezone.localdate()
            and self.status in (self.Status.OPEN, self.Status.DOING)
        )


class NetworkMember(models.Model):
    """Someone in the client's network (netwerkcompas), drawn on the eco-map."""

    class Circle(models.TextChoices):
        FAMILY = "family", _("Family")
        FRIENDS = "friends", _("Friends and acquaintances")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbours and neighbourhood")
        WORK_SCHOOL = "work_school", _("Work, school and clubs")
        PROFESSIONALS = "professionals", _("Professionals")

    class Closeness(models.IntegerChoices):
        CLOSE = 1, _("Very close")
        MIDDLE = 2, _("Quite close")
        DISTANT = 3, _("Further away")

    class Support(models.TextChoices):
        PRACTICAL = "practical", _("Practical help")
        EMOTIONAL = "emotional", _("A listening ear")
        ADVICE = "advice", _("Advice and information")
        COMPANY = "company", _("Company, doing things together")
        CARE = "care", _("Care or treatment")
        NONE = "none", _("No support (yet)")

    class Quality(models.TextChoices):
        GOOD = "good", _("Good, gives energy")
        NEUTRAL = "neutral", _("Neutral")
        STRAINED = "strained", _("Strained, costs energy")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="network"
    )
    name = models.CharField(_("name"), max_length=100)
    relation = models.CharField(
        _("relation to the client"),
        max_length=100,
        help_text=_("For example: sister, neighbour, GP."),
    )
    circle = models.CharField(_("part of life"), max_length=16, choices=Circle)
    closeness = models.PositiveSmallIntegerField(
        _("how close"), choices=Closeness, default=Closeness.MIDDLE
    )
    support = models.CharField(_("kind of support"), max_length=12, choices=Support)
    quality = models.CharField(
        _("how the contact feels"), max_length=10, choices=Quality, default=Quality.GOOD
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["closeness", "circle", "name", "pk"]

    def __str__(self):
        # Also what the access log keeps: not the name of this third person.
        return f"{self.get_circle_display()}: {self.relation}"


class LifeEvent(models.Model):
    """Something that happened in the client's life and matters for the support."""

    class Kind(models.TextChoices):
        MOVE = "move", _("Moved house")
        RELATIONSHIP = "relationship", _("Relationship started or ended")
        BIRTH = "birth", _("Birth")
        LOSS = "loss", _("Loss of someone close")
        HEALTH = "health", _("Illness or health")
        WORK = "work", _("Work or income changed")
        MONEY = "money", _("Money problems or debts")
        OTHER = "other", _("Something else")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="life_events"
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind)
    description = models.CharField(_("in a few words"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"


def attachment_storage():
    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    """A random name: the original name (which may hold personal data) stays in the row."""
    extension = Attachment.EXTENSIONS.get(instance.content_type, "")
    return f"dossiers/{instance.dossier_id}/{secrets.token_hex(16)}{extension}"


class Attachment(models.Model):
    """A photo or scan that belongs to a dossier, such as a network map drawn on paper.

    Stored outside the static and media roots; only the permission-checked download view
    serves it.
    """

    EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=attachment_storage, max_length=200
    )
    title = models.CharField(_("what is it"), max_length=150)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("kind of file"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("added"), default=timezone.now)
    # A photo of a paper plan or of notes belongs with the goal or the contact moment it
    # records, so nobody retypes what the client wrote.
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    contact_moment = models.ForeignKey(
        ContactMoment,
        verbose_name=_("contact moment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        # Also what the access log keeps, which outlives the file: not the title.
        return f"{self.content_type}, {self.size} bytes"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
