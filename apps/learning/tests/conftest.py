"""A published path and a group that started ten days ago, run by a social worker of a
team: what the group tests start from."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.learning import services
from apps.learning.tests.paths import path_file
from apps.organisation.tests.factories import TeamMembershipFactory


@pytest.fixture
def facilitator():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def version():
    author = UserFactory(role=Role.TEAM_LEADER)
    return services.version_publish(
        actor=author, version=services.path_import(actor=author, content=path_file())
    )


@pytest.fixture
def cohort(facilitator, version):
    return services.cohort_create(
        actor=facilitator,
        version=version,
        name="Dinsdaggroep",
        team=facilitator.teams.get(),
        starts_on=timezone.localdate() - timedelta(days=10),
    )
