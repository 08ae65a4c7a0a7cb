"""What the resident's portal keeps: the footer's information pages (privacy and
accessibility statements, contact), the journeys (klantreizen) staff write, and the secure
messages between a resident and their team."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import PhoneNumberField, PostcodeField
from apps.core.languages import in_active_language
from apps.dossiers.models import attachment_storage


class InformationPage(models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy statement")
        ACCESSIBILITY = "toegankelijkheid", _("Accessibility statement")
        CONTACT = "contact", _("Contact")

    slug = models.SlugField(_("page"), max_length=20, choices=Kind, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    # Plain text: a blank line starts a new paragraph. No markup, so nothing a page
    # shows can run a script.
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title_nl

    @classmethod
    def shown(cls, slug: str) -> "InformationPage | None":
        """The page as the administrator keeps it, or its first text when it has no row."""
        from apps.portal.information import PAGES

        page = cls.objects.filter(slug=slug).first()
        if page is None and slug in PAGES:
            title_nl, title_en, body_nl, body_en = PAGES[slug]
            page = cls(
                slug=slug, title_nl=title_nl, title_en=title_en, body_nl=body_nl, body_en=body_en
            )
        return page

    @property
    def title(self) -> str:
        return in_active_language(self.title_nl, self.title_en)

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(in_active_language(self.body_nl, self.body_en))


class JourneyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Journey.Status.PUBLISHED)


class Journey(models.Model):
    """A customer journey (klantreis): a resident's own question on one of the themes
    ("How do I get out of debt?"), answered in steps written for B1 readers, that always
    end with the way to a person. Staff write it as a draft and publish it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    theme = models.ForeignKey(
        "organisation.Theme",
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        related_name="journeys",
    )
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's address, such as uit-de-schulden."),
    )
    question = models.CharField(
        _("the resident's question"),
        max_length=150,
        help_text=_("In the resident's words, for example: How do I get out of debt?"),
    )
    summary = models.CharField(
        _("short answer"),
        max_length=300,
        help_text=_("One or two sentences: shown in lists and search results."),
    )
    # Plain text: a blank line starts a new paragraph, as on the information pages.
    introduction = models.TextField(_("introduction"), blank=True)
    position = models.PositiveSmallIntegerField(_("position within the theme"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = JourneyQuerySet.as_manager()

    class Meta:
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")
        ordering = ["theme__position", "position", "question"]
        indexes = [models.Index(fields=["status", "theme"], name="portal_journey_shown_idx")]

    def __str__(self):
        return self.question

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.introduction)


class JourneyStep(models.Model):
    """One step of a journey. What it shows besides its own text depends on its kind: a
    self-test links to a self-scan, help nearby lists services of the social map that
    match its words, activities lists the coming activities of the theme (that match its
    words), a learning path offers one to follow, a link goes to a trusted website."""

    class Kind(models.TextChoices):
        EXPLANATION = "explanation", _("Explanation")
        SELF_TEST = "self_test", _("Self-test")
        SERVICES = "services", _("Help nearby (social map)")
        ACTIVITIES = "activities", _("Activities to join")
        LINK = "link", _("Link to a trusted website")
        LEARNING = "learning", _("Learning path")

    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.EXPLANATION)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True)
    instrument_code = models.SlugField(
        _("self-scan"),
        max_length=50,
        blank=True,
        help_text=_("For a self-test: which self-scan it opens."),
    )
    search_words = models.CharField(
        _("words for the social map"),
        max_length=150,
        blank=True,
        help_text=_(
            "For help nearby or activities: the words to search with, within the theme. "
            "Empty: everything of the theme."
        ),
    )
    link_url = models.URLField(_("web address of the link"), blank=True)
    link_label = models.CharField(_("text of the link"), max_length=150, blank=True)
    learning_path = models.ForeignKey(
        "learning.LearningPath",
        verbose_name=_("learning path"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a learning path: which one the step offers."),
    )

    class Meta:
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        ordering = ["journey", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)

    def clean(self):
        errors = {}
        if self.kind == self.Kind.SELF_TEST and not self.instrument_code:
            errors["instrument_code"] = _("Choose the self-scan this step opens.")
        if self.kind == self.Kind.LEARNING and not self.learning_path_id:
            errors["learning_path"] = _("Choose the learning path this step offers.")
        if self.kind == self.Kind.LINK and not (self.link_url and self.link_label):
            errors["link_url"] = _("A link needs a web address and the text people click.")
        if self.link_url and not self.link_url.startswith("https://"):
            errors["link_url"] = _("Link only to a safe address that starts with https://.")
        if errors:
            raise ValidationError(errors)


def split_paragraphs(text: str) -> list[str]:
    """Plain text with a blank line between paragraphs, as staff type it."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


class MessageThread(models.Model):
    """A conversation in writing between a resident and their social worker (or their team,
    when no worker is assigned yet), about one dossier."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="message_threads",
    )
    subject = models.CharField(_("subject"), max_length=150)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    # The newest message's time: lists sort on it without reading the messages.
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        indexes = [
            models.Index(fields=["dossier", "-last_message_at"], name="portal_thread_dossier_idx")
        ]

    def __str__(self):
        return self.subject


class Message(models.Model):
    thread = models.ForeignKey(
        MessageThread,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Whether the client wrote it (their side of the conversation) or someone of the team.
    from_client = models.BooleanField(_("from the client"))
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    # When the other side first opened it: the read receipt.
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When the other side was told by e-mail that it is there: once.
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True, editable=False)
    # A message from the team is a contact moment of mode "message" in the dossier.
    contact_moment = models.OneToOneField(
        "dossiers.ContactMoment",
        verbose_name=_("contact moment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="message",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"], name="portal_message_thread_idx")]

    def __str__(self):
        return f"{self.thread} ({self.sent_at:%Y-%m-%d %H:%M})"


def message_attachment_path(instance, filename: str) -> str:
    """A random name: the original name (which may hold personal data) stays in the row."""
    extension = MessageAttachment.EXTENSIONS.get(instance.content_type, "")
    return f"messages/{secrets.token_hex(16)}{extension}"


class MessageAttachment(models.Model):
    """A photo or PDF sent with a message, under the same rules as a dossier's attachments
    (apps/dossiers/uploads.py), stored beside them and served only by the checked view."""

    EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"),
        upload_to=message_attachment_path,
        storage=attachment_storage,
        max_length=200,
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("kind of file"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("attachment of a message")
        verbose_name_plural = _("attachments of messages")

    def __str__(self):
        return self.original_name


class ActivityQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(
            status=Activity.Status.PLANNED, ends_at__gte=now or timezone.now()
        ).order_by("starts_at", "pk")

    def open_to_all(self):
        """Not the meetings of a learning group: those are for its members."""
        return self.filter(cohort__isnull=True)


class Activity(models.Model):
    """A group, a course meeting or walk-in hours that residents may join: with a number
    of places and a waiting list that moves up by itself when someone cancels."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        COURSE = "course", _("Course")
        WALK_IN = "walk_in", _("Walk-in hours")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    theme = models.ForeignKey(
        "organisation.Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.GROUP)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what happens"))
    place = models.CharField(_("where"), max_length=200, help_text=_("The address, or: online."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Empty: no signing up, everyone is welcome (such as walk-in hours)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    # A meeting of a learning group (in person or by video): only its members see it and
    # sign up. It goes when the group goes.
    cohort = models.ForeignKey(
        "learning.Cohort",
        verbose_name=_("learning group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=_("Empty: open to everyone. A group's meeting is for its members only."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="portal_activity_when_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="activity_has_a_place",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def takes_sign_ups(self) -> bool:
        return self.capacity is not None

    @property
    def places_left(self) -> int:
        """Free places, on an activity read with `places_taken` (portal selectors)."""
        return max(self.capacity - self.places_taken, 0) if self.takes_sign_ups else 0

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.description)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An activity ends after it starts.")})


class SignUpQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[SignUp.Status.PLACE, SignUp.Status.WAITING])


class SignUp(models.Model):
    """A resident's place in an activity, or their turn on its waiting list."""

    class Status(models.TextChoices):
        PLACE = "place", _("Has a place")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="sign_ups"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="activity_sign_ups",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    signed_up_at = models.DateTimeField(_("signed up"), default=timezone.now)
    moved_up_at = models.DateTimeField(
        _("got a place from the waiting list"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)
    attended = models.BooleanField(_("was there"), null=True, blank=True)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["signed_up_at", "pk"]
        constraints = [
            # One place or turn per resident per activity: a double sign-up is refused by
            # the database too, also when two arrive at the same moment.
            models.UniqueConstraint(
                fields=["activity", "resident"],
                condition=models.Q(status__in=["place", "waiting"]),
                name="one_active_sign_up_per_resident",
            )
        ]
        indexes = [models.Index(fields=["activity", "status"], name="portal_signup_status_idx")]

    def __str__(self):
        return f"{self.activity} - {self.get_status_display()}"


class InformalHelpRequest(models.Model):
    """A resident asks for informal help (a buddy, a ride, help with paperwork): a volunteer
    coordinator of the team near them matches a volunteer."""

    class Kind(models.TextChoices):
        BUDDY = "buddy", _("A buddy to do things with")
        RIDE = "ride", _("A ride")
        PAPERWORK = "paperwork", _("Help with letters and forms")
        SHOPPING = "shopping", _("Help with shopping")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("Waiting for a volunteer")
        MATCHED = "matched", _("A volunteer helps")
        CLOSED = "closed", _("Closed")

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="informal_help_requests",
    )
    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="informal_help_requests",
    )
    kind = models.CharField(_("what kind of help"), max_length=12, choices=Kind)
    description = models.TextField(_("what you would like"))
    when = models.CharField(_("when"), max_length=200, blank=True)
    postcode = PostcodeField(_("postcode"))
    phone = PhoneNumberField(_("phone"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)

    class Meta:
        verbose_name = _("request for informal help")
        verbose_name_plural = _("requests for informal help")
        ordering = ["asked_at", "pk"]
        indexes = [
            models.Index(fields=["team", "status", "asked_at"], name="portal_informal_queue_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.asked_at:%Y-%m-%d})"

    @property
    def area(self) -> str:
        """Where, as much as a volunteer needs before meeting: the postcode's four digits."""
        return self.postcode[:4]


class VolunteerMatch(models.Model):
    """A volunteer matched with a request for informal help: they see only what they need
    for it (the resident's first name, what and when, the postcode's area and a phone)."""

    request = models.ForeignKey(
        InformalHelpRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="matches",
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="volunteer_matches",
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    matched_at = models.DateTimeField(_("matched"), default=timezone.now)
    note = models.TextField(_("note for the volunteer"), blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("match with a volunteer")
        verbose_name_plural = _("matches with volunteers")
        ordering = ["-matched_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(ended_at__isnull=True),
                name="one_running_match_per_request",
            )
        ]

    def __str__(self):
        return f"{self.request} - {self.volunteer}"


class ResidentPreferences(models.Model):
    """What a resident chose about being e-mailed. Without a row: the defaults."""

    resident = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="portal_preferences",
    )
    email_notifications = models.BooleanField(
        _("e-mail me when there is a message or news about an activity"), default=True
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("preferences of a resident")
        verbose_name_plural = _("preferences of residents")

    def __str__(self):
        return str(self.resident)

    @classmethod
    def wants_email(cls, user) -> bool:
        return not cls.objects.filter(resident=user, email_notifications=False).exists()
