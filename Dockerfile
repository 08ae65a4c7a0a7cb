# Buurtkompas production image: one image for the web, worker, beat and migrate services
# of docker-compose.yml. Build with `docker compose build` or `docker build -t buurtkompas .`.

# --- Front-end assets -------------------------------------------------------------------
# Only node_modules is taken from this stage; there is no front-end build step.
FROM node:24-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
# Runtime packages only: axe-core (a dev dependency) is for the browser tests.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Application ------------------------------------------------------------------------
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_STATIC_ROOT=/app/var/static \
    DJANGO_MEDIA_ROOT=/app/var/media \
    DJANGO_PRIVATE_MEDIA_ROOT=/app/var/private

# WeasyPrint (PDF reports) needs Pango and HarfBuzz's subsetter, and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 buurtkompas \
    && useradd --system --uid 10001 --gid buurtkompas --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin buurtkompas

# Runtime dependencies only: the development and test tools stay out of the image.
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

WORKDIR /app
COPY --from=assets /assets/node_modules ./node_modules
# The code stays owned by root: the application user can read it but not change it.
COPY . .

# collectstatic only copies and compresses files, but it imports the production settings,
# which refuse to load without their secrets and services. These throw-away values satisfy
# that import for this one step; nothing connects to them. They are no part of the image's
# environment (inline variables end with their RUN), so a container still refuses to start
# until the real values come from .env (docker-compose.yml). tests/test_compose.py runs
# this step with exactly this environment. (The MFA key is base64 of
# "build-only-never-used-not-secret".)
RUN DJANGO_SECRET_KEY=build-only-not-secret \
    MFA_ENCRYPTION_KEY=YnVpbGQtb25seS1uZXZlci11c2VkLW5vdC1zZWNyZXQ= \
    DATABASE_URL=postgres://build-only@build-only.invalid/build-only \
    REDIS_URL=redis://build-only.invalid \
    EMAIL_URL=consolemail:// \
    DJANGO_ALLOWED_HOSTS=build-only.invalid \
    python manage.py collectstatic --noinput --verbosity 0

RUN mkdir -p var/media var/private \
    && chown buurtkompas:buurtkompas var var/media var/private

USER buurtkompas:buurtkompas
EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
