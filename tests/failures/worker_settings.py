"""Settings of the Celery workers that tests/failures/test_worker_killed.py starts: the test
settings with a real broker (REDIS_URL, a private redis-server) and two things only tests
have (worker_hooks.py): a mail server the test can hold up, and a pause between a task's
end and its acknowledgement."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_TASK_ALWAYS_EAGER = False
CELERY_IMPORTS = ["tests.failures.worker_hooks"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    # A task of a killed worker is back in the queue after 2 seconds instead of an hour,
    # and workers look for such tasks every second (and at start).
    "visibility_timeout": 2,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    # A worker killed while it held the restore lock must not block the next one for long.
    "unacked_mutex_expire": 2,
}
MAILERS = {
    "default": {
        "BACKEND": "tests.failures.worker_hooks.GatedFileMailer",
        "OPTIONS": {"directory": os.environ["BUURTKOMPAS_TEST_GATES"]},
    }
}
