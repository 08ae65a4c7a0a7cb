"""Production: everything comes from the environment; a missing secret fails loudly."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    _MAKE_FERNET_KEY,
    ALLOWED_HOSTS,
    DEBUG,
    MFA_ENCRYPTION_KEY,
    REDIS_URL,
    env,
)

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required in production (Celery, rate limits).")
# Staff TOTP secrets are encrypted with it; base.py has already checked that it is a key.
if not MFA_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "MFA_ENCRYPTION_KEY is required in production: it encrypts the staff's TOTP secrets. "
        f"Make one with: {_MAKE_FERNET_KEY} and keep it as safe as DJANGO_SECRET_KEY "
        "(README, Configuration)."
    )
# Verification and password-reset mail must really leave the building.
env.str("EMAIL_URL")
# The embedded SQLite default is for a laptop, never for production.
env.db("DATABASE_URL")
# Links in e-mail: the first allowed host over HTTPS, unless SITE_URL says otherwise. Plain
# http:// only for localhost: the quick look of docker-compose.yml without a TLS proxy.
SITE_URL = env.str("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")
if not (
    SITE_URL.startswith("https://")
    or (
        SITE_URL.startswith("http://") and urlsplit(SITE_URL).hostname in ("localhost", "127.0.0.1")
    )
):
    raise ImproperlyConfigured(
        "SITE_URL (or DJANGO_ALLOWED_HOSTS) must give an https:// address "
        "(http:// only for localhost)."
    )
