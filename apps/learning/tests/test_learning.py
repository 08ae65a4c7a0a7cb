"""Following a learning path: enrolling once, doing each kind of step, resuming where you
stopped, finishing with a certificate. Nobody else reads your progress; drafts stay with
those who write paths; a learner keeps the version they started."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.core.tests.pdfs import pdf_text
from apps.learning import services
from apps.learning.models import Enrolment, QuizAnswer, Step, StepProgress
from apps.learning.tests.paths import path_data, path_file, png_bytes

pytestmark = pytest.mark.django_db
PATH = "/leren/grip-op-post/"


@pytest.fixture
def author():
    return UserFactory(role=Role.TEAM_LEADER)


@pytest.fixture
def version(author):
    draft = services.path_import(actor=author, content=path_file())
    return services.version_publish(actor=author, version=draft)


@pytest.fixture
def resident():
    return UserFactory(role=Role.RESIDENT, first_name="Fatima", last_name="El Amrani")


def steps_of(version) -> list[Step]:
    return list(
        Step.objects.filter(module__version=version).order_by("module__position", "position")
    )


def enrolled(client, resident, version) -> Enrolment:
    client.force_login(resident)
    assert client.post(f"{PATH}starten/").status_code == 302
    return Enrolment.objects.get(learner=resident)


def test_everyone_finds_the_published_paths(client, version):
    page = client.get("/leren/").content.decode()
    assert "Grip op je post" in page
    detail = client.get(PATH).content.decode()
    assert "Begin aan dit leerpad" in detail
    assert "Drie bakjes" in detail  # the outline, before enrolling


def test_a_draft_is_a_preview_for_authors_only(client, author):
    services.path_import(actor=author, content=path_file())
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert client.get(PATH).status_code == 404
    assert "Grip op je post" not in client.get("/leren/").content.decode()
    client.force_login(UserFactory(role=Role.SOCIAL_WORKER))
    assert "Voorbeeld: dit leerpad is een concept" in client.get(PATH).content.decode()


def test_enrolling_takes_the_resident_to_the_first_step_once(client, resident, version):
    client.force_login(resident)
    first = client.post(f"{PATH}starten/", follow=True)
    assert first.redirect_chain[-1][0] == f"{PATH}stap/{steps_of(version)[0].pk}/"
    again = client.post(f"{PATH}starten/", follow=True)
    assert "Je volgt dit leerpad al." in again.content.decode()
    assert Enrolment.objects.count() == 1


def test_visitors_log_in_to_enrol(client, version):
    assert client.post(f"{PATH}starten/").url.startswith("/account/login/")
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER, Role.VOLUNTEER])
def test_staff_do_not_enrol_themselves(client, version, role):
    client.force_login(UserFactory(role=role))
    assert client.post(f"{PATH}starten/").status_code == 403
    assert not Enrolment.objects.exists()


def test_a_quiz_answered_wrong_then_right(client, resident, version):
    enrolment = enrolled(client, resident, version)
    quiz = steps_of(version)[1]
    first, second = quiz.quiz_questions.order_by("position")
    wrong = first.options.get(correct=False)
    url = f"{PATH}stap/{quiz.pk}/"
    answered = client.post(url, {"option": wrong.pk}, follow=True).content.decode()
    assert "Niet helemaal." in answered and "huur en energie gaan voor" in answered
    client.post(url, {"option": first.options.get(correct=True).pk})
    assert not StepProgress.objects.get(step=quiz).completed_at  # one question still open
    client.post(url, {"option": second.options.get(correct=True).pk})
    progress = StepProgress.objects.get(step=quiz, enrolment=enrolment)
    assert progress.completed_at is not None
    assert float(progress.quiz_score) == 0.5  # the first answer counts
    assert QuizAnswer.objects.filter(progress=progress).count() == 3


def test_a_quiz_answer_of_another_step_changes_nothing(client, author, resident, version):
    other = services.path_import(actor=author, content=path_file(path_data("ander-pad")))
    foreign = Step.objects.filter(module__version=other, kind="quiz").get()
    enrolled(client, resident, version)
    quiz = steps_of(version)[1]
    option = foreign.quiz_questions.first().options.first()
    answer = client.post(f"{PATH}stap/{quiz.pk}/", {"option": option.pk}, follow=True)
    assert "Kies een van de antwoorden." in answer.content.decode()
    for bad in ("", "abc", "99999"):
        client.post(f"{PATH}stap/{quiz.pk}/", {"option": bad})
    assert not QuizAnswer.objects.exists()


def test_a_step_of_another_path_is_not_found(client, author, resident, version):
    other = services.path_import(actor=author, content=path_file(path_data("ander-pad")))
    enrolled(client, resident, version)
    assert client.get(f"{PATH}stap/{steps_of(other)[0].pk}/").status_code == 404


def test_a_reflection_needs_words_and_stays_private_unless_shared(client, resident, version):
    enrolment = enrolled(client, resident, version)
    reflection = steps_of(version)[3]
    url = f"{PATH}stap/{reflection.pk}/"
    assert client.post(url, {"reflection": "  "}).status_code == 400
    assert not StepProgress.objects.filter(step=reflection).exists()
    client.post(url, {"reflection": "Op zondagavond."})
    progress = StepProgress.objects.get(step=reflection, enrolment=enrolment)
    assert (progress.reflection, progress.reflection_shared) == ("Op zondagavond.", False)


def test_an_exercise_takes_a_photo_and_refuses_other_files(client, resident, version):
    enrolment = enrolled(client, resident, version)
    exercise = steps_of(version)[4]
    url = f"{PATH}stap/{exercise.pk}/"
    script = SimpleUploadedFile("overzicht.png", b"<script>alert(1)</script>", "image/png")
    assert client.post(url, {"upload": script}).status_code == 400
    assert not StepProgress.objects.filter(step=exercise, completed_at__isnull=False).exists()
    photo = SimpleUploadedFile("overzicht.png", png_bytes(), "image/png")
    client.post(url, {"upload": photo})
    progress = StepProgress.objects.get(step=exercise, enrolment=enrolment)
    assert progress.completed_at and progress.upload_content_type == "image/png"


def test_resume_where_you_stopped_and_finish_with_a_certificate(client, resident, version):
    enrolment = enrolled(client, resident, version)
    steps = steps_of(version)
    client.post(f"{PATH}stap/{steps[0].pk}/")
    client.get(f"{PATH}stap/{steps[3].pk}/")  # looked ahead, then left
    assert client.get(f"{PATH}verder/").url == f"{PATH}stap/{steps[3].pk}/"
    assert client.get(f"{PATH}certificaat.pdf").url == PATH  # not finished yet
    for question in steps[1].quiz_questions.all():
        client.post(f"{PATH}stap/{steps[1].pk}/", {"option": question.options.get(correct=True).pk})
    client.post(f"{PATH}stap/{steps[2].pk}/")
    client.post(f"{PATH}stap/{steps[3].pk}/", {"reflection": "Zondag.", "share": "on"})
    client.post(f"{PATH}stap/{steps[4].pk}/")
    assert client.post(f"{PATH}stap/{steps[5].pk}/", {"ticked": ["0", "7"]}).status_code == 400
    client.post(f"{PATH}stap/{steps[5].pk}/", {"ticked": ["0", "1"]})
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert StepProgress.objects.get(step=steps[5]).checklist_done == [0, 1]
    assert "Goed gedaan!" in client.get(PATH).content.decode()
    certificate = client.get(f"{PATH}certificaat.pdf")
    assert certificate["Content-Type"] == "application/pdf"
    text = pdf_text(certificate.content)
    assert "Fatima El Amrani" in text and "Grip op je post" in text


def test_another_resident_sees_nothing_of_your_progress(client, resident, version):
    enrolled(client, resident, version)
    step = steps_of(version)[0]
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert client.get(f"{PATH}stap/{step.pk}/").status_code == 404
    assert client.post(f"{PATH}stap/{step.pk}/").status_code == 404
    assert client.get(f"{PATH}certificaat.pdf").status_code == 404
    assert not StepProgress.objects.exists()


def test_a_learner_keeps_the_version_they_started(client, author, resident, version):
    enrolment = enrolled(client, resident, version)
    data = path_data()
    data["path"]["title"] = "Grip op je post, nieuwe versie"
    services.version_publish(
        actor=author, version=services.path_import(actor=author, content=path_file(data))
    )
    version.refresh_from_db()
    assert version.status == "retired"
    assert "Grip op je post, nieuwe versie" not in client.get(PATH).content.decode()
    assert client.get(f"{PATH}stap/{steps_of(enrolment.version)[0].pk}/").status_code == 200
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert "nieuwe versie" in client.get(PATH).content.decode()


def test_pictures_are_served_for_published_paths_only(client, author, version):
    picture = version.media.get()
    url = f"/leren/afbeelding/{version.pk}/{picture.name}"
    shown = client.get(url)
    assert shown["Content-Type"] == "image/png"
    draft = services.path_import(actor=author, content=path_file(path_data("concept-pad")))
    assert client.get(f"/leren/afbeelding/{draft.pk}/bakjes.png").status_code == 404
    assert client.get(f"/leren/afbeelding/{version.pk}/weg.png").status_code == 404


def test_the_step_page_reads_the_same_whatever_the_length_of_the_path(
    client, author, resident, django_assert_max_num_queries
):
    small = path_data("kort-pad")
    large = path_data("lang-pad")
    module = large["path"]["modules"][0]
    module["steps"] = module["steps"] * 12
    counts = []
    for data in (small, large):
        version = services.version_publish(
            actor=author, version=services.path_import(actor=author, content=path_file(data))
        )
        client.force_login(resident)
        client.post(f"/leren/{data['path']['slug']}/starten/")
        step = steps_of(version)[1]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/leren/{data['path']['slug']}/stap/{step.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_worker_gives_their_client_a_path_from_the_dossier(client, version):
    from apps.dossiers.tests.factories import DossierFactory
    from apps.organisation.tests.factories import TeamMembershipFactory

    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    resident = UserFactory(role=Role.RESIDENT)
    dossier = DossierFactory(team=worker.teams.get(), client__account=resident)
    client.force_login(worker)
    section = client.get(f"/werk/dossiers/{dossier.pk}/deel/leerpaden/").content.decode()
    assert "Geef de cliënt een leerpad" in section
    client.post(f"/werk/leerpaden/dossier/{dossier.pk}/aanmelden/", {"path": "grip-op-post"})
    enrolment = Enrolment.objects.get(learner=resident)
    assert enrolment.enrolled_by == worker
    again = client.post(
        f"/werk/leerpaden/dossier/{dossier.pk}/aanmelden/", {"path": "grip-op-post"}, follow=True
    )
    assert "volgt dit leerpad al" in again.content.decode()
    # Another team's worker cannot, and a client without an account cannot be enrolled.
    stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(stranger)
    other = client.post(
        f"/werk/leerpaden/dossier/{dossier.pk}/aanmelden/", {"path": "grip-op-post"}
    )
    assert other.status_code in (403, 404)
    no_account = DossierFactory(team=worker.teams.get())
    client.force_login(worker)
    client.post(f"/werk/leerpaden/dossier/{no_account.pk}/aanmelden/", {"path": "grip-op-post"})
    assert Enrolment.objects.count() == 1


def test_a_path_with_measurements_points_to_the_self_scan_at_start_and_end(
    client, author, resident
):
    from apps.questionnaires.services.instruments import instruments_load

    instruments_load()
    data = path_data("met-meting")
    data["path"]["pre_measurement"] = data["path"]["post_measurement"] = "positive-health-short"
    version = services.version_publish(
        actor=author, version=services.path_import(actor=author, content=path_file(data))
    )
    client.force_login(resident)
    client.post("/leren/met-meting/starten/")
    assert "/zelfscan/positive-health-short/" in client.get("/leren/met-meting/").content.decode()
    enrolment = Enrolment.objects.get(learner=resident)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=version.published_at)
    finished = client.get("/leren/met-meting/").content.decode()
    assert "Vul de zelfscan nog een keer in" in finished
