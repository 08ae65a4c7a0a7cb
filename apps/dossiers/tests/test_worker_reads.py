"""The plain-SQL reads of the worker's pages give what the ORM gives, on SQLite and on
PostgreSQL alike: the same rows, the same order, the same types."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.dossiers import selectors, worker_reads
from apps.dossiers.models import Action, ContactMoment, Dossier, Goal
from apps.dossiers.tests.factories import (
    ClientFactory,
    ContactMomentFactory,
    DossierFactory,
    RegisteredQuestionFactory,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def caseload(worker):
    """Open dossiers of every kind the caseload shows, and some it must leave out."""
    team = worker.teams.get()
    themes = list(Theme.objects.order_by("pk")[:2])
    neighbourhood = NeighbourhoodFactory()
    dossiers = []
    for n in range(7):
        dossier = DossierFactory(
            team=team,
            responsible_worker=worker,
            # Two start on the same day: the order must still be the same.
            started_on=days_ago(400 - 60 * (n // 2 * 2)),
            status=[Dossier.Status.INTAKE, Dossier.Status.ACTIVE][n % 2],
            long_running_explanation="Schulden en huisvesting" if n == 0 else "",
            client=ClientFactory(neighbourhood=neighbourhood if n % 3 else None),
        )
        for m in range(n % 3):
            RegisteredQuestionFactory(
                dossier=dossier, theme=themes[m % 2], subcategory="Schulden" if m else ""
            )
        for m in range(n % 4):
            ContactMomentFactory(
                dossier=dossier,
                worker=worker,
                occurred_at=timezone.now() - datetime.timedelta(days=m + 1, hours=n),
                mode=[ContactMoment.Mode.PHONE, ContactMoment.Mode.HOME_VISIT][m % 2],
            )
        dossiers.append(dossier)
    DossierFactory(
        team=team,
        responsible_worker=worker,
        status=Dossier.Status.CLOSED,
        ended_on=days_ago(2),
        closing_reason=Dossier.ClosingReason.GOALS_REACHED,
    )
    DossierFactory(team=team)
    return dossiers


class TestOpenCaseload:
    def orm_rows(self, worker, start, stop):
        search = selectors.caseload_filter(worker=worker, data=QueryDict(""))
        return list(search.qs.values(*selectors.CASELOAD_FIELDS)[start:stop])

    @pytest.mark.parametrize(("start", "stop"), [(0, 25), (0, 3), (3, 6), (6, 9)])
    def test_gives_the_rows_of_the_orm_in_its_order(self, worker, caseload, start, stop):
        plain = worker_reads.OpenCaseload(worker.pk)[start:stop]
        assert plain == self.orm_rows(worker, start, stop)
        assert plain, "every page asked holds a dossier"

    def test_counts_the_open_dossiers_of_the_worker_only(self, worker, caseload):
        assert worker_reads.OpenCaseload(worker.pk).count() == len(caseload) == 7

    def test_types_are_those_the_orm_gives(self, worker, caseload):
        rows = worker_reads.OpenCaseload(worker.pk)[0:25]
        assert all(type(row["started_on"]) is datetime.date for row in rows)
        contacts = [row["last_contact_at"] for row in rows if row["last_contact_at"]]
        assert contacts and all(timezone.is_aware(moment) for moment in contacts)

    def test_question_themes_in_the_order_they_were_registered(self, caseload):
        themes = worker_reads.question_themes([dossier.pk for dossier in caseload])
        for dossier in caseload:
            expected = [
                (question.theme.name_nl, question.theme.name_en, question.subcategory)
                for question in dossier.questions.order_by("registered_at", "pk")
            ]
            assert themes.get(dossier.pk, []) == expected
        assert worker_reads.question_themes([]) == {}


class TestDossier:
    def assert_same(self, plain, orm):
        for field in orm._meta.concrete_fields:
            assert getattr(plain, field.attname) == getattr(orm, field.attname), field.name
        assert plain._state.adding is False
        assert plain._state.db == orm._state.db

    def test_gives_what_select_related_gives(self, worker, caseload):
        pk = caseload[0].pk
        Dossier.objects.filter(pk=pk).update(
            legal_hold=True, legal_hold_reason="Rechtszaak", explanation_requested_at=timezone.now()
        )
        orm = Dossier.objects.select_related("client", "team", "responsible_worker").get(pk=pk)
        plain = worker_reads.dossier(pk)
        self.assert_same(plain, orm)
        for related in ("client", "team", "responsible_worker"):
            self.assert_same(getattr(plain, related), getattr(orm, related))
        assert plain.legal_hold is True
        assert type(plain.started_on) is datetime.date
        assert str(plain) == str(orm)
        # Read along: no query for the client, team or worker.
        assert plain._state.fields_cache.keys() >= {"client", "team", "responsible_worker"}

    def test_without_a_worker(self, caseload):
        dossier = DossierFactory(responsible_worker=None)
        plain = worker_reads.dossier(dossier.pk)
        assert plain.responsible_worker is None
        assert plain.client == dossier.client

    def test_none_for_a_dossier_that_does_not_exist(self):
        assert worker_reads.dossier(2_000_000_000) is None


class TestNextAction:
    def test_the_earliest_date_first_then_those_without_a_date(self, caseload):
        dossier = caseload[0]
        goal = Goal.objects.create(dossier=dossier, question="Rust in de geldzaken")
        achieved = Goal.objects.create(
            dossier=dossier, question="Al gelukt", achieved_on=days_ago(3)
        )
        Action.objects.create(goal=achieved, description="Al gedaan", owner="client")
        undated = Action.objects.create(goal=goal, description="Zonder datum", owner="client")
        assert worker_reads.next_action(dossier.pk) == undated
        Action.objects.create(
            goal=goal,
            description="Klaar",
            owner="client",
            status=Action.Status.DONE,
            target_date=days_ago(9),
        )
        later = Action.objects.create(
            goal=goal, description="Later", owner="worker", target_date=days_ago(-5)
        )
        soon = Action.objects.create(
            goal=goal, description="Eerst", owner="worker", target_date=days_ago(-1)
        )
        found = worker_reads.next_action(dossier.pk)
        assert found == soon and found != later
        assert found.target_date == soon.target_date
        assert found.created_at == Action.objects.get(pk=soon.pk).created_at
        assert found.get_owner_display() == soon.get_owner_display()

    def test_none_without_a_plan(self, caseload):
        assert worker_reads.next_action(caseload[1].pk) is None


class TestTimeline:
    def test_newest_first_with_who_and_a_row_more_for_older(self, worker, caseload):
        dossier = caseload[3]  # three contact moments
        moments = worker_reads.timeline(dossier.pk, offset=0, limit=2)
        expected = list(dossier.contact_moments.order_by("-occurred_at", "-pk")[:2])
        assert [moment["pk"] for moment in moments] == [moment.pk for moment in expected]
        assert moments[0]["occurred_at"] == expected[0].occurred_at
        assert moments[0]["worker__first_name"] == worker.first_name
        assert moments[0]["has_attachments"] is False
        assert len(worker_reads.timeline(dossier.pk, offset=2, limit=2)) == 1
