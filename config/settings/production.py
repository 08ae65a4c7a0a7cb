"""Production: everything comes from the environment; a missing secret fails loudly."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import ALLOWED_HOSTS, DEBUG, REDIS_URL, env

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required in production (Celery, rate limits).")
# Verification and password-reset mail must really leave the building.
env.str("EMAIL_URL")
# The embedded SQLite default is for a laptop, never for production.
env.db("DATABASE_URL")
# Links in e-mail: the first allowed host over HTTPS, unless SITE_URL says otherwise.
SITE_URL = env.str("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL (or DJANGO_ALLOWED_HOSTS) must give an https:// address.")
