from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    TEAM_LEADER = "team_leader", _("Team leader")
    MANAGER = "manager", _("Manager")
    MUNICIPALITY_VIEWER = "municipality_viewer", _("Municipality viewer")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functional administrator")


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
    def requires_mfa(self) -> bool:
        return self.is_active and self.is_staff_role
