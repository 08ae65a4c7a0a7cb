import hashlib
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    TEAM_LEADER = "team_leader", _("Team leader")
    MANAGER = "manager", _("Manager")
    MUNICIPALITY_VIEWER = "municipality_viewer", _("Municipality viewer")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functional administrator")
    # Another organisation's software (a GP's or a school's) that sends referrals through
    # the API with a token. It never signs in to pages and has no second factor.
    PARTNER_SYSTEM = "partner_system", _("Partner system (API)")


# Those who support clients as their daily work, against a capacity; a team leader or a
# volunteer may have a client now and then, without one.
CASELOAD_ROLES = (Role.SOCIAL_WORKER,)


class UserManager(DjangoUserManager):
    """E-mail is the login; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        # A "superuser" is a functional administrator: the policy, not the flag, grants access.
        extra_fields.setdefault("role", Role.FUNCTIONAL_ADMIN)
        extra_fields["is_superuser"] = False
        return self._create_user(email, password, **extra_fields)

    def with_role(self, *roles):
        return self.filter(role__in=roles, is_active=True)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=32, choices=Role, default=Role.RESIDENT)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            # Access comes from the policy module alone; Django's superuser bypass stays off.
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="no_superusers"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def is_staff_role(self) -> bool:
        """Everyone but a resident works with other people's data."""
        return self.role != Role.RESIDENT

    @property
    def is_partner_system(self) -> bool:
        return self.role == Role.PARTNER_SYSTEM

    @property
    def carries_caseload(self) -> bool:
        return self.role in CASELOAD_ROLES

    @property
    def requires_mfa(self) -> bool:
        # A partner system authenticates with an API token only; it cannot sign in to pages.
        return self.is_active and self.is_staff_role and not self.is_partner_system


class PartnerSystem(models.Model):
    """What a partner-system account may do: send referrals of one kind, to set teams."""

    class Kind(models.TextChoices):
        # The same values as a dossier's source of the request.
        GP = "gp", _("General practitioner")
        SCHOOL = "school", _("School")
        POLICE = "police", _("Police")
        OTHER = "other", _("Other")

    account = models.OneToOneField(
        User,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="partner_system",
        limit_choices_to={"role": Role.PARTNER_SYSTEM},
    )
    name = models.CharField(
        _("organisation"), max_length=200, help_text=_("Shown as the referrer of each request.")
    )
    kind = models.CharField(_("kind of referrer"), max_length=10, choices=Kind)
    teams = models.ManyToManyField(
        "organisation.Team",
        verbose_name=_("teams it refers to"),
        related_name="partner_systems",
    )

    class Meta:
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApiTokenQuerySet(models.QuerySet):
    def active(self, *, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A partner system's API token. Only its SHA-256 digest is stored: the token itself
    is shown once, when it is issued, and cannot be read back. A token is a random
    256-bit secret (or a 160-bit key from before this table), so a plain digest is as
    strong as a slow password hash, and a lookup by digest needs no other index.

    `prefix` (the first characters) is not secret: it tells tokens apart in the admin
    and the log, and a partner can say which one they hold.
    """

    PREFIX_LENGTH = 10
    # Writing the last use on every request would turn every read into a write.
    LAST_USED_RESOLUTION = timedelta(minutes=1)

    partner = models.ForeignKey(
        PartnerSystem,
        verbose_name=_("partner system"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.partner})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, *, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def mark_used(self, *, now=None) -> None:
        """Record the use at most once per LAST_USED_RESOLUTION; a single conditional
        UPDATE, so two requests at the same moment do not both write."""
        now = now or timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < self.LAST_USED_RESOLUTION:
            return
        stale = models.Q(last_used_at__isnull=True) | models.Q(
            last_used_at__lt=now - self.LAST_USED_RESOLUTION
        )
        ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
