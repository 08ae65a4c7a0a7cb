"""What the failure tests give the processes they start (a Celery worker, gunicorn)."""

import os
from urllib.parse import quote


def database_url(database: dict) -> str:
    """A DATABASE_URL for a connection's settings (the test database, usually)."""
    user = quote(database["USER"] or "")
    password = f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{database['NAME']}"


def child_environment(**values: str | None) -> dict[str, str]:
    """This process's environment with `values` set (None: left out). Without pytest-xdist's
    variables: the child is no test worker, and config.settings.test would otherwise move
    its REDIS_URL to the worker's own database number."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PYTEST_XDIST_")
    }
    for key, value in values.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment
