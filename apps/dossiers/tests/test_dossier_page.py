import pytest
from django.utils import timezone
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import ContactMoment, Dossier
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    LifeEventFactory,
    NetworkMemberFactory,
    RegisteredQuestionFactory,
)
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker)


def url(dossier_or_pk, suffix=""):
    pk = getattr(dossier_or_pk, "pk", dossier_or_pk)
    return f"/werk/dossiers/{pk}/{suffix}"


def log_rows(action, pk):
    return AccessLogEntry.objects.filter(
        action=action, object_type="dossiers.dossier", object_id=str(pk)
    )


class TestReading:
    def test_the_owner_colleague_and_team_leader_read_it_and_each_read_is_logged(
        self, client, worker, dossier
    ):
        colleague = TeamMembershipFactory(team=dossier.team, user__role=Role.SOCIAL_WORKER).user
        leader = TeamMembershipFactory(team=dossier.team, user__role=Role.TEAM_LEADER).user
        for reader in (worker, colleague, leader):
            client.force_login(reader)
            response = client.get(url(dossier))
            assert response.status_code == 200
            assert escape(dossier.client.full_name) in response.content.decode()
        assert sorted(
            log_rows("read", dossier.pk).values_list("actor_user_id", flat=True)
        ) == sorted([worker.pk, colleague.pk, leader.pk])

    @pytest.mark.parametrize(
        "role",
        [
            Role.RESIDENT,
            Role.VOLUNTEER,
            Role.MANAGER,
            Role.MUNICIPALITY_VIEWER,
            Role.FUNCTIONAL_ADMIN,
        ],
    )
    def test_roles_without_casework_are_refused(self, client, dossier, role):
        client.force_login(UserFactory(role=role))
        response = client.get(url(dossier))
        assert response.status_code == 403
        assert escape(dossier.client.full_name) not in response.content.decode()

    def test_missing_and_not_yours_look_the_same_and_are_logged(self, client, dossier):
        volunteer_in_team = TeamMembershipFactory(team=dossier.team, user__role=Role.VOLUNTEER).user
        worker = TeamMembershipFactory(team=dossier.team, user__role=Role.SOCIAL_WORKER).user
        client.force_login(worker)
        assert client.get(url(999999)).status_code == 404
        assert log_rows("denied", 999999).exists()
        del volunteer_in_team  # volunteers do no casework: refused by the area check above

    def test_a_worker_of_another_team_must_break_the_glass_first(self, client, dossier):
        outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        client.force_login(outsider)

        response = client.get(url(dossier))
        assert response.status_code == 302
        assert response.url == url(dossier, "noodtoegang/")
        assert not log_rows("read", dossier.pk).exists()

        response = client.post(url(dossier, "noodtoegang/"), {"reason": "kort"})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert not log_rows("break_glass", dossier.pk).exists()

        response = client.post(
            url(dossier, "noodtoegang/"), {"reason": "Cliënt belt in crisis, eigen team is afwezig"}
        )
        assert response.url == url(dossier)
        response = client.get(url(dossier))
        assert response.status_code == 200
        assert "van een ander team" in response.content.decode()
        assert log_rows("break_glass", dossier.pk).get().reason.startswith("Cliënt belt")
        # Reading, not changing.
        response = client.post(url(dossier, "contact/"), {})
        assert response.status_code == 403

    def test_own_team_has_no_break_the_glass_page(self, client, worker, dossier):
        client.force_login(worker)
        assert client.get(url(dossier, "noodtoegang/")).status_code == 404

    @pytest.mark.parametrize("rows", [5, 60])
    def test_query_count_does_not_grow_with_the_timeline(
        self, client, django_assert_num_queries, worker, dossier, rows
    ):
        from apps.dossiers.models import Action, Attachment, Goal

        RegisteredQuestionFactory(dossier=dossier)
        NetworkMemberFactory.create_batch(rows // 5, dossier=dossier)
        LifeEventFactory.create_batch(rows // 5, dossier=dossier)
        for n in range(rows // 5):
            Attachment.objects.create(
                dossier=dossier,
                file=f"dossiers/{dossier.pk}/{n}.png",
                title=f"Foto {n}",
                original_name="foto.png",
                content_type="image/png",
                size=1000,
            )
        for n in range(max(rows // 10, 1)):
            goal = Goal.objects.create(dossier=dossier, question=f"Hoe kan ik {n}?")
            for m in range(3):
                Action.objects.create(goal=goal, description=f"Stap {m}", owner="client")
        for n in range(rows):
            ContactMomentFactory(
                dossier=dossier,
                worker=worker,
                occurred_at=timezone.now() - timezone.timedelta(hours=n + 1),
            )
        client.force_login(worker)
        client.get(url(dossier))
        # 1 session, 2 user, 3 the user's second factors (MFA check), 4 dossier with client,
        # team and worker, 5 team ids (policy), 6 insert the access-log row, 7 the next
        # action; the first section: 8 a page of contact moments (the photos linked to them
        # are one more query when there are any). Nothing else is rendered: the contact form
        # is fetched when it is opened.
        with django_assert_num_queries(8):
            response = client.get(url(dossier))
        timeline = response.content.decode().split('id="contacts"')[1].split("</section>")[0]
        assert timeline.count('class="bk-timeline__item"') == min(rows, 10)
        assert ("Oudere contactmomenten" in timeline) == (rows > 10)
        # Each section alone (htmx): 1-6 as above, then what the section shows.
        for section, queries in {
            "plan": 3,  # goals, their actions, photos of the plan
            "vragen": 1,  # questions with themes
            "netwerk": 1,
            "bijlagen": 1,
            "gebeurtenissen": 1,
            "gegevens": 0,
            # The policy's check that the client is the team's, completed measurements,
            # unfinished ones, requests to the client.
            "metingen": 4,
        }.items():
            with django_assert_num_queries(6 + queries):
                fragment = client.get(url(dossier, f"deel/{section}/"), HTTP_HX_REQUEST="true")
            assert fragment.status_code == 200
            assert "<html" not in fragment.content.decode()

    def test_older_contact_moments_come_a_page_at_a_time(self, client, worker, dossier):
        for n in range(23):
            ContactMomentFactory(
                dossier=dossier,
                worker=worker,
                notes=f"Gesprek nummer {n}",
                occurred_at=timezone.now() - timezone.timedelta(hours=n + 1),
            )
        client.force_login(worker)
        pages = [
            client.get(url(dossier, f"deel/contact/?pagina={number}")).content.decode()
            for number in (1, 2, 3)
        ]
        shown = [[n for n in range(23) if f"Gesprek nummer {n}<" in page] for page in pages]
        assert shown == [list(range(10)), list(range(10, 20)), list(range(20, 23))]
        assert "Oudere contactmomenten" not in pages[2]
        assert "Nieuwere contactmomenten" in pages[1]
        for nonsense in ("0", "-3", "abc", "99999999999999999999", "<script>"):
            response = client.get(url(dossier, "deel/contact/"), {"pagina": nonsense})
            assert response.status_code == 200

    def test_an_unknown_section_is_not_found(self, client, worker, dossier):
        client.force_login(worker)
        assert client.get(url(dossier, "deel/geheim/")).status_code == 404

    def test_a_section_of_another_teams_dossier_is_not_found_and_logged(self, client, dossier):
        stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        client.force_login(stranger)
        for section in ("contact", "plan", "gegevens", "metingen"):
            response = client.get(url(dossier, f"deel/{section}/"), HTTP_HX_REQUEST="true")
            assert response.status_code == 404
            assert escape(dossier.client.full_name) not in response.content.decode()
        assert log_rows("denied", dossier.pk).count() == 4
        assert not log_rows("read", dossier.pk).exists()

    def test_the_header_card_says_what_comes_next(self, client, worker, dossier):
        from apps.dossiers.models import Action, Goal

        goal = Goal.objects.create(dossier=dossier, question="Hoe krijg ik overzicht?")
        Action.objects.create(goal=goal, description="Later", owner="client")
        Action.objects.create(
            goal=goal,
            description="Post sorteren",
            owner="client",
            target_date=timezone.localdate() - timezone.timedelta(days=2),
        )
        Action.objects.create(
            goal=goal,
            description="Klaar",
            owner="worker",
            status=Action.Status.DONE,
            target_date=timezone.localdate() - timezone.timedelta(days=9),
        )
        client.force_login(worker)
        header = client.get(url(dossier)).content.decode().split('id="dossier-sections"')[0]
        assert "Post sorteren" in header and "Te laat" in header
        assert "Later" not in header and "Klaar" not in header
        assert escape(worker.get_full_name()) in header

    def test_sections_answer_htmx_with_the_section_only_and_vary_on_it(
        self, client, worker, dossier
    ):
        client.force_login(worker)
        page = client.get(url(dossier, "deel/plan/"))
        fragment = client.get(url(dossier, "deel/plan/"), HTTP_HX_REQUEST="true")
        restore = client.get(
            url(dossier, "deel/plan/"),
            HTTP_HX_REQUEST="true",
            HTTP_HX_HISTORY_RESTORE_REQUEST="true",
        )
        assert "<html" in page.content.decode() and "<html" in restore.content.decode()
        body = fragment.content.decode()
        assert body.lstrip().startswith('<div id="dossier-sections"')
        assert 'aria-current="page">Plan<' in body
        assert "HX-Request" in page["Vary"] and "HX-Request" in fragment["Vary"]


class TestChanging:
    def test_log_a_contact_moment(self, client, worker, dossier):
        client.force_login(worker)
        response = client.post(
            url(dossier, "contact/"),
            {
                "occurred_at": (timezone.localtime() - timezone.timedelta(hours=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "mode": "home_visit",
                "duration_minutes": "45",
                "notes": "Post doorgenomen.",
                "client_summary": "",
            },
        )
        assert response.status_code == 302
        moment = ContactMoment.objects.get()
        assert (moment.mode, moment.duration_minutes, moment.worker) == ("home_visit", 45, worker)

    def test_the_contact_form_starts_at_now_with_the_workers_last_kind_of_contact(
        self, client, worker, dossier
    ):
        client.force_login(worker)
        form = client.get(url(dossier, "contact/")).context["form"]
        now = timezone.localtime().replace(second=0, microsecond=0)
        assert abs(form.initial["occurred_at"] - now) <= timezone.timedelta(minutes=1)
        assert "mode" not in form.initial
        # The time as the phone's time field reads it, to the minute.
        assert f'value="{form.initial["occurred_at"]:%Y-%m-%dT%H:%M}"' in str(form["occurred_at"])
        ContactMomentFactory(dossier=dossier, worker=worker, mode="video")
        form = client.get(url(dossier, "contact/")).context["form"]
        assert form.initial["mode"] == "video"
        # Saved as it comes: kind, time and a duration are all the form needs.
        response = client.post(
            url(dossier, "contact/"),
            {
                "occurred_at": f"{form.initial['occurred_at']:%Y-%m-%dT%H:%M}",
                "mode": form.initial["mode"],
                "duration_minutes": "15",
            },
        )
        assert response.status_code == 302
        assert ContactMoment.objects.filter(dossier=dossier).count() == 2

    def test_a_double_tap_on_save_logs_one_contact_moment(self, client, worker, dossier):
        client.force_login(worker)
        form = client.get(url(dossier, "contact/")).context["form"]
        data = {
            "submission": str(form.initial["submission"]),
            "occurred_at": f"{form.initial['occurred_at']:%Y-%m-%dT%H:%M}",
            "mode": "phone",
            "duration_minutes": "10",
        }
        first = client.post(url(dossier, "contact/"), data)
        second = client.post(url(dossier, "contact/"), data)
        assert (first.status_code, second.status_code) == (302, 302)
        assert ContactMoment.objects.filter(dossier=dossier).count() == 1
        # A new form is a new contact moment.
        data["submission"] = str(
            client.get(url(dossier, "contact/")).context["form"].initial["submission"]
        )
        assert client.post(url(dossier, "contact/"), data).status_code == 302
        assert ContactMoment.objects.filter(dossier=dossier).count() == 2

    @pytest.mark.parametrize(
        "data",
        [
            {"occurred_at": "2099-01-01T10:00", "mode": "phone", "duration_minutes": "10"},
            {"occurred_at": "gisteren", "mode": "phone", "duration_minutes": "10"},
            {"occurred_at": "2026-11-01T10:00", "mode": "telepathy", "duration_minutes": "10"},
            {"occurred_at": "2026-11-01T10:00", "mode": "phone", "duration_minutes": "-5"},
            {},
        ],
    )
    def test_bad_contact_moments_get_field_messages_and_change_nothing(
        self, client, worker, dossier, data
    ):
        client.force_login(worker)
        response = client.post(url(dossier, "contact/"), data)
        assert response.status_code == 400
        assert response.context["contact_form"].errors
        assert 'class="utrecht-form-field-error-message"' in response.content.decode()
        assert not ContactMoment.objects.exists()

    def test_move_on_and_close_with_a_reason(self, client, worker):
        dossier = DossierFactory(team=worker.teams.get(), status="intake")
        client.force_login(worker)
        assert client.post(url(dossier, "status/")).status_code == 302
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.ACTIVE

        response = client.post(url(dossier, "status/"), {"closing_reason": ""})
        assert response.status_code == 400
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.ACTIVE

        response = client.post(url(dossier, "status/"), {"closing_reason": "goals_reached"})
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert (dossier.status, dossier.closing_reason) == ("closed", "goals_reached")

    def test_a_closed_dossier_has_no_next_step(self, client, worker):
        dossier = DossierFactory(
            team=worker.teams.get(),
            status="closed",
            ended_on=timezone.localdate(),
            closing_reason="moved",
        )
        client.force_login(worker)
        response = client.post(url(dossier, "status/"))
        assert response.status_code == 400
        dossier.refresh_from_db()
        assert dossier.status == Dossier.Status.CLOSED

    def test_get_is_not_allowed_on_the_change_urls(self, client, worker, dossier):
        client.force_login(worker)
        assert client.get(url(dossier, "status/")).status_code == 405
        assert client.get(url(dossier, "plan/doel/")).status_code == 405
        assert client.delete(url(dossier, "contact/")).status_code == 405

    @pytest.mark.parametrize(
        ("suffix", "field"),
        [
            ("contact/", "duration_minutes"),
            ("vraag/", "question-theme"),
            ("netwerk/", "network-name"),
            ("gebeurtenis/", "event-occurred_on"),
            ("bijlage/", "attachment-upload"),
        ],
    )
    def test_folded_forms_come_as_a_fragment_or_a_page_of_their_own(
        self, client, worker, dossier, suffix, field
    ):
        client.force_login(worker)
        fragment = client.get(url(dossier, suffix), HTTP_HX_REQUEST="true").content.decode()
        assert f'name="{field}"' in fragment and "<html" not in fragment
        page = client.get(url(dossier, suffix)).content.decode()
        assert f'name="{field}"' in page and "<html" in page
        assert escape(dossier.client.full_name) in page

    def test_folded_forms_are_not_given_to_another_team_or_a_manager(self, client, dossier):
        stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        client.force_login(stranger)
        assert client.get(url(dossier, "netwerk/")).status_code == 404
        client.force_login(UserFactory(role=Role.MANAGER))
        assert client.get(url(dossier, "netwerk/")).status_code == 403


class TestLongRunningExplanation:
    def test_the_worker_explains_a_long_trajectory(self, client, worker):
        dossier = DossierFactory(
            team=worker.teams.get(),
            responsible_worker=worker,
            started_on=timezone.localdate() - timezone.timedelta(days=250),
        )
        assert dossier.needs_long_running_explanation
        client.force_login(worker)
        html = client.get(url(dossier, "deel/gegevens/")).content.decode()
        assert "bk-panel--attention" in html

        response = client.post(url(dossier, "uitleg/"), {"explanation": "kort"})
        assert response.status_code == 400
        dossier.refresh_from_db()
        assert dossier.long_running_explanation == ""

        text = "Schuldhulp loopt nog; wachten op de rechter."
        assert client.post(url(dossier, "uitleg/"), {"explanation": text}).status_code == 302
        dossier.refresh_from_db()
        assert dossier.long_running_explanation == text
        assert not dossier.needs_long_running_explanation

    def test_another_team_cannot_explain(self, client, worker):
        dossier = DossierFactory(team=worker.teams.get())
        outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        client.force_login(outsider)
        assert client.post(url(dossier, "uitleg/"), {"explanation": "x" * 20}).status_code == 404
        dossier.refresh_from_db()
        assert dossier.long_running_explanation == ""


class TestPlan:
    def test_goals_and_actions_in_the_clients_words(self, client, worker, dossier):
        client.force_login(worker)
        response = client.post(
            url(dossier, "plan/doel/"), {"question": "Hoe kan ik mijn rekeningen op tijd betalen?"}
        )
        assert response.status_code == 302
        goal = dossier.goals.get()
        response = client.post(
            url(dossier, f"plan/doel/{goal.pk}/actie/"),
            {
                f"goal-{goal.pk}-description": "Samen een overzicht van vaste lasten maken",
                f"goal-{goal.pk}-owner": "worker",
                f"goal-{goal.pk}-target_date": "",
            },
        )
        assert response.status_code == 302
        action = goal.actions.get()
        assert (action.owner, action.status) == ("worker", "open")

        assert (
            client.post(
                url(dossier, f"plan/actie/{action.pk}/status/"), {"status": "done"}
            ).status_code
            == 302
        )
        action.refresh_from_db()
        assert action.status == "done"
        html = client.get(url(dossier, "deel/plan/")).content.decode()
        assert "Hoe kan ik mijn rekeningen op tijd betalen?" in html
        assert AccessLogEntry.objects.filter(action="create", object_type="dossiers.goal").exists()

    @pytest.mark.parametrize(
        ("path", "data"),
        [
            ("plan/doel/", {"question": ""}),
            ("plan/doel/", {"question": "x" * 301}),
        ],
    )
    def test_a_goal_without_text_changes_nothing(self, client, worker, dossier, path, data):
        client.force_login(worker)
        response = client.post(url(dossier, path), data)
        assert response.status_code == 400
        assert not dossier.goals.exists()

    @pytest.mark.parametrize(
        "data",
        [
            {"description": "", "owner": "worker"},
            {"description": "Bellen", "owner": "the-mayor"},
            {"description": "Bellen", "owner": "client", "target_date": "2001-01-01"},
            {"description": "Bellen", "owner": "client", "target_date": "morgen"},
        ],
    )
    def test_bad_actions_get_a_message_and_change_nothing(self, client, worker, dossier, data):
        from apps.dossiers.models import Goal

        goal = Goal.objects.create(dossier=dossier, question="Hoe kan ik rondkomen?")
        client.force_login(worker)
        prefixed = {f"goal-{goal.pk}-{key}": value for key, value in data.items()}
        response = client.post(url(dossier, f"plan/doel/{goal.pk}/actie/"), prefixed)
        assert response.status_code == 400
        assert 'class="utrecht-form-field-error-message"' in response.content.decode()
        assert not goal.actions.exists()

    def test_a_bad_status_or_another_dossiers_action_is_refused(self, client, worker, dossier):
        from apps.dossiers.models import Action, Goal

        goal = Goal.objects.create(dossier=dossier, question="Hoe kan ik rondkomen?")
        action = Action.objects.create(goal=goal, description="Bellen", owner="client")
        other = DossierFactory(team=dossier.team)
        client.force_login(worker)
        assert (
            client.post(
                url(dossier, f"plan/actie/{action.pk}/status/"), {"status": "hacked"}
            ).status_code
            == 400
        )
        assert (
            client.post(
                url(other, f"plan/actie/{action.pk}/status/"), {"status": "done"}
            ).status_code
            == 404
        )
        action.refresh_from_db()
        assert action.status == "open"

    def test_another_team_cannot_add_to_the_plan(self, client, dossier):
        outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        client.force_login(outsider)
        assert (
            client.post(url(dossier, "plan/doel/"), {"question": "Hoe kan ik?"}).status_code == 404
        )
        assert not dossier.goals.exists()


class TestQuestions:
    def test_register_another_question(self, client, worker, dossier):
        from apps.dossiers.models import RegisteredQuestion
        from apps.organisation.models import Theme

        theme = Theme.objects.get(code="huisvesting-wonen")
        client.force_login(worker)
        data = {"question-theme": theme.pk, "question-subcategory": "Overlast"}
        assert client.post(url(dossier, "vraag/"), data).status_code == 302
        question = RegisteredQuestion.objects.get(dossier=dossier)
        assert (question.theme, question.subcategory) == (theme, "Overlast")
        assert "Overlast" in client.get(url(dossier, "deel/vragen/")).content.decode()

    @pytest.mark.parametrize("data", [{}, {"question-theme": "999999"}, {"question-theme": "x"}])
    def test_a_question_needs_a_real_theme(self, client, worker, dossier, data):
        from apps.dossiers.models import RegisteredQuestion

        client.force_login(worker)
        response = client.post(url(dossier, "vraag/"), data)
        assert response.status_code == 400
        assert response.context["question_form"].errors["theme"]
        assert not RegisteredQuestion.objects.exists()

    def test_another_team_cannot(self, client, dossier):
        from apps.dossiers.models import RegisteredQuestion
        from apps.organisation.models import Theme

        stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
        client.force_login(stranger)
        data = {"question-theme": Theme.objects.first().pk}
        assert client.post(url(dossier, "vraag/"), data).status_code == 404
        assert not RegisteredQuestion.objects.exists()
