"""Create the benchmark database (BENCHMARK_DATABASE_URL) on its server when it is missing.

`make benchmark-seed` runs this before it migrates and fills the database.
"""

import os
import sys

import environ
import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bk_large"


def main() -> int:
    url = os.environ.get("BENCHMARK_DATABASE_URL") or DEFAULT_URL
    database = environ.Env.db_url_config(url)
    if "postgresql" not in database["ENGINE"]:
        print(f"The benchmark needs PostgreSQL, not {database['ENGINE']}.", file=sys.stderr)
        return 2
    name = database["NAME"]
    server = {
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(
        **{key: value for key, value in server.items() if value is not None}
    ) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Database {name} exists.")
            return 0
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"Database {name} created.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
