"""Helpers for the API tests: people in teams and JSON requests."""

import json
import re
from collections import Counter, defaultdict

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.tests.factories import TeamFactory, TeamMembershipFactory

API = "/api/v1"


def member(team=None, role=Role.SOCIAL_WORKER):
    """A user with `role` in `team` (a new team when None)."""
    return TeamMembershipFactory(team=team or TeamFactory(), user__role=role).user


def outsider(role):
    """A user with `role` outside every team of the test."""
    return UserFactory(role=role)


def post_json(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def token_header(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


PROBLEM = "application/problem+json"


def field_errors(response) -> dict:
    """The messages per field of a 400: the `errors` of its problem document."""
    assert response["Content-Type"] == PROBLEM, response["Content-Type"]
    return response.json()["errors"]


def problem(response) -> dict:
    """An error's problem document, without `instance` (the path that was asked for), so
    that the answers for two addresses can be compared."""
    assert response["Content-Type"] == PROBLEM, response["Content-Type"]
    body = response.json()
    assert body["status"] == response.status_code
    return {key: value for key, value in body.items() if key != "instance"}


class FuzzTally:
    """What schemathesis got back: per operation, how often each status came, and every
    error that was not a problem document. Printed at the end of a fuzz module (pytest -s
    shows it) and checked: every operation was called, every error a problem document."""

    def __init__(self):
        self.statuses = defaultdict(Counter)
        self.not_problems = []

    def add(self, case, response) -> None:
        operation = f"{case.method.upper()} {case.path}"
        self.statuses[operation][response.status_code] += 1
        content_type = (response.headers.get("content-type") or [""])[0]
        if response.status_code >= 400 and content_type != PROBLEM:
            self.not_problems.append((operation, response.status_code, content_type))

    def check(self, raw_schema: dict, path_regex: str = r"^/api/v1/") -> None:
        documented = {
            f"{method.upper()} {path}"
            for path, item in raw_schema["paths"].items()
            if re.match(path_regex, path)
            for method in item
        }
        assert documented - set(self.statuses) == set(), "operations never called"
        assert self.not_problems == [], "errors that are not problem documents"

    def summary(self) -> str:
        total = Counter()
        for counts in self.statuses.values():
            total.update(counts)
        lines = [
            f"schemathesis: {sum(total.values())} requests on {len(self.statuses)} operations, "
            f"statuses {dict(sorted(total.items()))}"
        ]
        lines += [
            f"  {operation}: {dict(sorted(counts.items()))}"
            for operation, counts in sorted(self.statuses.items())
        ]
        return "\n".join(lines)
