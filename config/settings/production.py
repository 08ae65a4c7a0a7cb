"""Production: everything comes from the environment; a missing secret fails loudly."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import DEBUG, REDIS_URL, env

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required in production (Celery, rate limits).")
# Verification and password-reset mail must really leave the building.
env.str("EMAIL_URL")
# The embedded SQLite default is for a laptop, never for production.
env.db("DATABASE_URL")
