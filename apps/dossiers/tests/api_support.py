"""Helpers for the API tests: people in teams and JSON requests."""

import json

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
