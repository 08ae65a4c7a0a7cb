"""Development on a laptop: `make run`. Relaxes the production defaults of base.py."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")
os.environ.setdefault("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", "true")
# A fixed key for development only, never for production (which refuses to start without
# its own). The value is the one earlier versions derived from the development secret key,
# so local and benchmark databases seeded before still open their demo TOTP secrets.
os.environ.setdefault("MFA_ENCRYPTION_KEY", "cWGHRGjejYGJ8QE1jEeUr_zzuo3Ui0sgDozYGDo-4tc=")
# Demo addresses are invented: give them coordinates offline instead of asking PDOK.
os.environ.setdefault("GEOCODER_BACKEND", "apps.core.geocoding.OfflineGeocoder")

from config.settings.base import *  # noqa: F403
