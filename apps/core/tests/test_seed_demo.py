import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from apps.accounts.models import Role, User
from apps.dossiers.models import Client, Dossier, IntakeRequest
from apps.learning.models import Cohort
from apps.organisation.models import Municipality, Neighbourhood, Team, TeamMembership
from apps.portal.models import Activity

pytestmark = pytest.mark.django_db


def counts():
    return (
        Municipality.objects.count(),
        Neighbourhood.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        TeamMembership.objects.count(),
        Authenticator.objects.count(),
    )


def test_small_demo_data_is_complete_and_idempotent():
    call_command("seed_demo", "--force", verbosity=0)
    first = counts()
    call_command("seed_demo", "--force", verbosity=0)
    assert counts() == first
    assert first[0] == 3  # Amersfoort, Zeist, Nieuwegein
    assert Neighbourhood.objects.districts().count() == 26
    assert {u.role for u in User.objects.all()} == set(Role)


def test_every_demo_login_works_and_staff_have_a_second_factor():
    call_command("seed_demo", "--force", verbosity=0)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.role == account.role
        assert user.check_password(DEMO_PASSWORD)
        assert Authenticator.objects.filter(user=user).exists() == user.requires_mfa


def test_the_demo_resident_has_support_to_read(client):
    """The demo resident's "Mijn hulp" shows their worker, steps of their own to tick off and
    summaries of their newest conversations."""
    call_command("seed_demo", "--force", verbosity=0)
    client.force_login(User.objects.get(email="inwoner@demo.buurtkompas.nl"))
    page = client.get("/mijn-hulp/")
    assert page.status_code == 200
    assert "Je sociaal werker is" in page.text
    assert "Dit heb ik gedaan" in page.text
    assert "We hebben samen je post doorgenomen." in page.text


def test_the_seed_is_deterministic():
    call_command("seed_demo", "--force", verbosity=0)
    names = list(User.objects.order_by("email").values_list("email", "first_name", "last_name"))
    centroids = list(Neighbourhood.objects.order_by("cbs_code").values_list("centroid_latitude"))
    IntakeRequest.objects.all().delete()
    Dossier.objects.all().delete()
    Client.objects.all().delete()
    User.objects.all().delete()
    # A team's activities and learning groups keep it (PROTECT): they go first.
    Activity.objects.all().delete()
    Cohort.objects.all().delete()
    Team.objects.all().delete()
    Neighbourhood.objects.filter(kind="buurt").delete()
    Neighbourhood.objects.all().delete()
    call_command("seed_demo", "--force", verbosity=0)
    assert (
        list(User.objects.order_by("email").values_list("email", "first_name", "last_name"))
        == names
    )
    assert (
        list(Neighbourhood.objects.order_by("cbs_code").values_list("centroid_latitude"))
        == centroids
    )


@override_settings(DEBUG=False)
def test_refuses_without_debug_unless_forced():
    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 0


def test_the_large_generator_keeps_its_promises_at_a_small_scale(monkeypatch):
    """The large set's shape, on 60 clients instead of 100,000 (benchmarks use the real size)."""
    from django.utils import timezone

    from apps.dossiers import demo
    from apps.dossiers.models import ContactMoment

    monkeypatch.setattr(demo, "LARGE_CLIENTS", 60)
    monkeypatch.setattr(demo, "LARGE_RETURNING_CLIENTS", 12)
    monkeypatch.setattr(demo, "LARGE_CHUNK", 25)
    from apps.socialmap import demo as social_map_demo
    from apps.socialmap.models import Service

    monkeypatch.setattr(social_map_demo, "LARGE_SERVICES", 150)
    call_command("seed_demo", "--force", "--size", "large", verbosity=0)

    # The social map spreads its services over the large set's districts.
    assert Service.objects.count() == 150
    assert Service.objects.values("neighbourhoods__municipality").distinct().count() > 5

    small_set = 42  # the named demo workers' dossiers
    assert Dossier.objects.count() == small_set + 60 + 12
    assert Client.objects.count() == small_set + 60
    closed = Dossier.objects.filter(status="closed")
    assert not closed.filter(ended_on__isnull=True).exists()
    assert not closed.filter(closing_reason="").exists()
    assert not ContactMoment.objects.filter(occurred_at__gt=timezone.now()).exists()
    per_dossier = ContactMoment.objects.count() / Dossier.objects.count()
    assert per_dossier > 8

    # Measurement pairs, staff surveys of every team and the statistics computed from them.
    from apps.effects.models import Figure, StatisticsRun
    from apps.questionnaires.models import Response

    later_zrm = Response.objects.filter(
        version__instrument__code="zrm", moment__in=("during", "closing")
    )
    assert later_zrm.filter(moment="closing", dossier__status="closed").exists()
    surveyed_teams = Response.objects.filter(
        version__instrument__code="staff-technology-acceptance"
    ).values("respondent__team_memberships__team")
    assert surveyed_teams.distinct().count() > 10
    assert Figure.objects.filter(measure="pair", key="intake_closing|zrm|").exists()
    assert StatisticsRun.objects.get().status == StatisticsRun.Status.SUCCEEDED


def test_the_demo_dossiers_have_measurements_scored_like_real_ones():
    from apps.questionnaires.models import Assignment, Response
    from apps.questionnaires.services.answering import response_scores

    call_command("seed_demo", "--force", verbosity=0)
    measurements = Response.objects.filter(dossier__isnull=False)
    count = measurements.count()
    call_command("seed_demo", "--force", verbosity=0)
    assert measurements.count() == count  # idempotent
    open_dossiers = Dossier.objects.filter(status__in=("intake", "active"))
    with_zrm = open_dossiers.filter(questionnaire_responses__version__instrument__code="zrm")
    assert with_zrm.distinct().count() == open_dossiers.count()
    assert measurements.filter(moment="during").exists()  # pairs to compare
    for response in measurements.order_by("?")[:10]:
        stored = {s.dimension.code: s.score for s in response.dimension_scores.all()}
        result = response_scores(response=response)
        assert stored == {code: d.score for code, d in result.dimensions.items()}
        assert response.overall_score == result.overall
    resident = User.objects.get(email="inwoner@demo.buurtkompas.nl")
    assert Response.objects.filter(
        respondent=resident, shared_with_worker=True, client__account=resident
    ).exists()
    assert Assignment.objects.open().filter(client__account=resident).count() == 1


def test_a_step_marked_last_runs_after_every_other_step(monkeypatch):
    from apps.core import demo

    monkeypatch.setattr(demo, "_steps", {})
    monkeypatch.setattr(demo, "autodiscover_modules", lambda name: None)
    demo.demo_step("summary", after=("base",), last=True)(lambda run: None)
    demo.demo_step("base")(lambda run: None)
    demo.demo_step("middle", after=("base",))(lambda run: None)
    demo.demo_step("top", after=("middle",))(lambda run: None)
    assert [step.name for step in demo.demo_steps()] == ["base", "middle", "top", "summary"]


def test_the_statistics_are_the_last_demo_step():
    from apps.core.demo import demo_steps

    steps = demo_steps()
    assert steps[-1].name == "statistics"
    assert [step.name for step in steps].index("measurements") < len(steps) - 1
