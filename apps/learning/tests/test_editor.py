"""Writing a learning path in the workspace: from nothing to a published path, the order of
parts and steps, quiz questions, pictures, the preview, and a new draft of a published
version. A published version never changes; only those who write paths edit; wrong input
changes nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.learning import selectors, services
from apps.learning.models import (
    Enrolment,
    LearningPath,
    Module,
    PathMedia,
    PathVersion,
    QuizOption,
    QuizQuestion,
    Step,
)
from apps.learning.tests.paths import path_data, path_file, png_bytes
from apps.learning.transfer import path_content, path_file_data, path_file_json, path_file_read
from apps.organisation.models import Theme

pytestmark = pytest.mark.django_db
WORK = "/werk/leerpaden"
NEW_PATH = {
    "title": "Je eerste baan",
    "slug": "je-eerste-baan",
    "theme": "",
    "summary": "Wat je moet regelen als je gaat werken.",
    "introduction": "",
    "level": "basic",
    "audience": "Jongeren",
    "duration_minutes": "30",
    "pre_measurement": "",
    "post_measurement": "",
}


@pytest.fixture
def author(client):
    user = UserFactory(role=Role.SOCIAL_WORKER)
    client.force_login(user)
    return user


@pytest.fixture
def leader():
    return UserFactory(role=Role.TEAM_LEADER)


@pytest.fixture
def draft(author):
    return services.path_import(actor=author, content=path_file())


def _theme():
    return Theme.objects.get(code="geldzaken-regelgeving")


def _theme_pk():
    return _theme().pk


def _messages(answer) -> str:
    return " ".join(str(message) for message in answer.context["messages"])


def _options(*rows, prefix="options"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "2",
        f"{prefix}-MAX_NUM_FORMS": "8",
    }
    for index, (text, correct, feedback) in enumerate(rows):
        data |= {f"{prefix}-{index}-text": text, f"{prefix}-{index}-feedback": feedback}
        if correct:
            data[f"{prefix}-{index}-correct"] = "on"
    return data


def test_an_author_writes_a_path_and_a_team_leader_publishes_it(client, author, leader):
    answer = client.post(f"{WORK}/nieuw/", NEW_PATH | {"theme": _theme_pk()})
    version = PathVersion.objects.get()
    assert answer.status_code == 302 and answer.url == f"{WORK}/versie/{version.pk}/#parts"
    assert (
        version.is_draft and version.updated_by == author and version.path.slug == NEW_PATH["slug"]
    )
    # Nothing in it yet: the page says what is missing before publishing.
    page = client.get(f"{WORK}/versie/{version.pk}/").content.decode()
    assert "Voordat dit concept gepubliceerd kan worden" in page
    assert "Delen: heeft er minstens 1 nodig." in page

    client.post(f"{WORK}/versie/{version.pk}/deel/", {"title": "Je contract"})
    module = Module.objects.get()
    steps = {}
    for kind in ("reading", "video", "reflection", "quiz", "exercise", "checklist"):
        answer = client.post(f"{WORK}/deel/{module.pk}/stap/", {"kind": kind, "title": kind})
        steps[kind] = Step.objects.get(kind=kind)
        assert answer.url == f"{WORK}/stap/{steps[kind].pk}/"
    assert [step.kind for step in module.steps.all()] == list(steps)

    def fill(kind, **fields):
        step = steps[kind]
        data = {"module": module.pk, "title": f"Stap {kind}", "minutes": "5", "body": ""} | fields
        answer = client.post(f"{WORK}/stap/{step.pk}/", data)
        assert answer.status_code == 302, answer.context["form"].errors

    fill("reading", body="Lees je contract **goed** door.")
    fill("video", video_url="https://video.example/contract", transcript="Wat je ziet.")
    fill("reflection", question="Wat vind je lastig?")
    fill("quiz", body="Test jezelf.")
    fill("exercise", body="Maak een foto van je loonstrook.", upload="optional")
    fill("checklist", body="Regel dit.", checklist_items="Bankrekening\n\nZorgverzekering\n")
    assert Step.objects.get(kind="checklist").checklist_items == ["Bankrekening", "Zorgverzekering"]

    answer = client.post(
        f"{WORK}/stap/{steps['quiz'].pk}/vraag/",
        {"text": "Wanneer krijg je loon?"}
        | _options(("Elke maand", True, "Klopt."), ("Nooit", False, "Jawel, elke maand.")),
    )
    assert answer.status_code == 302
    question = QuizQuestion.objects.get()
    assert [(o.text, o.correct) for o in question.options.all()] == [
        ("Elke maand", True),
        ("Nooit", False),
    ]

    page = client.get(f"{WORK}/versie/{version.pk}/").content.decode()
    assert "Voordat dit concept gepubliceerd kan worden" not in page
    # A social worker writes, a team leader publishes.
    assert client.post(f"{WORK}/versie/{version.pk}/publiceren/").status_code == 403
    client.force_login(leader)
    client.post(f"{WORK}/versie/{version.pk}/publiceren/")
    version.refresh_from_db()
    assert version.status == PathVersion.Status.PUBLISHED
    # What we publish, another organisation can import.
    exported = path_file_json(path_file_data(selectors.version_with_content(pk=version.pk)))
    assert path_file_read(exported).data["path"]["modules"][0]["steps"][1]["kind"] == "video"


def test_publishing_an_unfinished_draft_names_each_problem_in_the_editors_words(
    client, author, leader
):
    version = services.path_create(
        actor=author,
        slug="half",
        theme=_theme(),
        title="Half af",
        summary="Nog niet klaar.",
        level="basic",
        duration_minutes=20,
    )
    module = services.module_add(actor=author, version=version, title="Begin")
    services.step_add(actor=author, module=module, kind="video", title="Kijk")
    quiz = services.step_add(actor=author, module=module, kind="quiz", title="Toets")
    client.force_login(leader)
    answer = client.post(f"{WORK}/versie/{version.pk}/publiceren/", follow=True)
    text = _messages(answer)
    assert "Deel 1 “Begin”, stap 1 “Kijk”, tekstalternatief van de video: mag niet leeg" in text
    assert "stap 1 “Kijk”, webadres van de video: moet een webadres zijn dat begint met" in text
    assert "Deel 1 “Begin”, stap 2 “Toets”, quizvragen: heeft er minstens 1 nodig." in text
    version.refresh_from_db()
    assert version.is_draft
    assert quiz.quiz_questions.count() == 0


def test_parts_and_steps_move_up_and_down_and_to_another_part(client, draft):
    first, second = draft.modules.all()
    client.post(f"{WORK}/deel/{second.pk}/verplaatsen/", {"up": "yes"})
    assert list(draft.modules.all()) == [second, first]
    # The first cannot go further up: nothing changes.
    client.post(f"{WORK}/deel/{second.pk}/verplaatsen/", {"up": "yes"})
    assert list(draft.modules.all()) == [second, first]
    steps = list(first.steps.all())
    client.post(f"{WORK}/stap/{steps[0].pk}/verplaatsen/", {"up": "no"})
    assert list(first.steps.all()) == [steps[1], steps[0], *steps[2:]]
    # A step moved to another part comes last there.
    moving = steps[1]
    data = {"module": second.pk, "title": moving.title, "body": moving.body or "Tekst"}
    if moving.kind == "quiz":
        data = {"module": second.pk, "title": moving.title, "body": ""}
    client.post(f"{WORK}/stap/{moving.pk}/", data)
    assert list(second.steps.all())[-1] == moving


def test_deleting_a_part_takes_its_steps_and_deleting_the_only_draft_the_path(client, draft):
    first = draft.modules.first()
    step_count = first.steps.count()
    total = Step.objects.count()
    client.post(f"{WORK}/deel/{first.pk}/verwijderen/")
    assert Step.objects.count() == total - step_count
    client.post(f"{WORK}/versie/{draft.pk}/verwijderen/")
    assert not LearningPath.objects.exists()


def test_a_published_version_never_changes_and_a_new_draft_copies_it(client, author, leader, draft):
    services.version_publish(actor=leader, version=draft)
    learner = UserFactory(role=Role.RESIDENT)
    services.enrol(actor=learner, path=draft.path)
    step = Step.objects.filter(module__version=draft).first()
    module = step.module

    assert client.post(f"{WORK}/stap/{step.pk}/", {"title": "Anders"}).status_code == 403
    assert client.post(f"{WORK}/versie/{draft.pk}/", {"title": "Anders"}).status_code == 403
    answer = client.post(f"{WORK}/stap/{step.pk}/verwijderen/", follow=True)
    assert "Alleen een concept kan veranderd worden" in _messages(answer)
    client.post(f"{WORK}/deel/{module.pk}/stap/", {"kind": "reading", "title": "Nieuw"})
    client.post(f"{WORK}/deel/{module.pk}/verplaatsen/", {"up": "no"})
    assert Step.objects.filter(pk=step.pk, title=step.title).exists()
    assert draft.modules.first() == module

    answer = client.post(f"{WORK}/versie/{draft.pk}/nieuwe-versie/")
    copy = PathVersion.objects.get(status=PathVersion.Status.DRAFT)
    assert answer.url == f"{WORK}/versie/{copy.pk}/"
    assert copy.number == 2 and copy.updated_by == author
    before = selectors.version_with_content(pk=draft.pk)
    after = selectors.version_with_content(pk=copy.pk)
    assert path_content(after) == path_content(before)
    # The pictures are shared, not stored twice.
    assert {m.file.name for m in after.media.all()} == {m.file.name for m in before.media.all()}
    # Only one draft at a time.
    again = client.post(f"{WORK}/versie/{draft.pk}/nieuwe-versie/", follow=True)
    assert "heeft al een concept" in _messages(again)
    assert PathVersion.objects.count() == 2
    # Changing the copy leaves the learner's version alone.
    copied_step = Step.objects.filter(module__version=copy).first()
    client.post(f"{WORK}/stap/{copied_step.pk}/verwijderen/")
    assert Step.objects.filter(pk=step.pk).exists()
    assert Enrolment.objects.get().version == draft


def test_a_quiz_question_needs_two_answers_and_a_right_one(client, draft):
    quiz = Step.objects.get(module__version=draft, kind="quiz")
    before = QuizQuestion.objects.count()
    url = f"{WORK}/stap/{quiz.pk}/vraag/"
    none_right = client.post(
        url, {"text": "Vraag?"} | _options(("A", False, "x"), ("B", False, "y"))
    )
    assert none_right.status_code == 400
    assert "Geef minstens één antwoord aan als goed." in none_right.content.decode()
    one = client.post(url, {"text": "Vraag?"} | _options(("A", True, "x")))
    assert one.status_code == 400
    empty = client.post(url, {"text": ""} | _options(("A", True, "x"), ("B", False, "y")))
    assert empty.status_code == 400
    assert QuizQuestion.objects.count() == before
    # Only a quiz has questions.
    reading = Step.objects.filter(module__version=draft, kind="reading").first()
    assert client.get(f"{WORK}/stap/{reading.pk}/vraag/").status_code == 404


def test_a_question_and_its_answers_are_changed_together(client, draft):
    question = QuizQuestion.objects.filter(step__module__version=draft).first()
    options = list(question.options.all())
    data = {
        "text": "Nieuwe vraag?",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": str(len(options)),
        "options-MIN_NUM_FORMS": "2",
        "options-MAX_NUM_FORMS": "8",
    }
    for index, option in enumerate(options):
        data |= {
            f"options-{index}-id": option.pk,
            f"options-{index}-question": question.pk,
            f"options-{index}-text": f"{option.text}!",
            f"options-{index}-feedback": option.feedback,
        }
        if option.correct:
            data[f"options-{index}-correct"] = "on"
    answer = client.post(f"{WORK}/vraag/{question.pk}/", data)
    assert answer.status_code == 302
    question.refresh_from_db()
    assert question.text == "Nieuwe vraag?"
    assert all(o.text.endswith("!") for o in question.options.all())
    # Unticking the only right answer is refused, and nothing changes.
    right = next(i for i, o in enumerate(options) if o.correct)
    del data[f"options-{right}-correct"]
    data["text"] = "Nog anders?"
    assert client.post(f"{WORK}/vraag/{question.pk}/", data).status_code == 400
    question.refresh_from_db()
    assert question.text == "Nieuwe vraag?"
    assert QuizOption.objects.filter(question=question, correct=True).exists()


def test_a_step_refuses_wrong_fields_and_keeps_what_it_had(client, draft):
    video = Step.objects.get(module__version=draft, kind="video")
    answer = client.post(
        f"{WORK}/stap/{video.pk}/",
        {
            "module": video.module_id,
            "title": "",
            "video_url": "http://onveilig.example/x",
            "transcript": "t",
            "minutes": "999",
        },
    )
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert {"title", "video_url", "minutes"} <= set(errors)
    video.refresh_from_db()
    assert video.title and video.video_url.startswith("https://")
    other = services.path_import(
        actor=answer.wsgi_request.user, content=path_file(path_data("ander"))
    )
    foreign = other.modules.first()
    answer = client.post(
        f"{WORK}/stap/{video.pk}/",
        {"module": foreign.pk, "title": "x", "video_url": video.video_url, "transcript": "t"},
    )
    assert answer.status_code == 400
    assert Step.objects.get(pk=video.pk).module_id == video.module_id


def test_pictures_are_checked_named_after_their_file_and_shared_by_name(client, draft):
    url = f"{WORK}/versie/{draft.pk}/afbeelding/"
    before = PathMedia.objects.count()
    added = client.post(url, {"picture": SimpleUploadedFile("Mijn Loonstrook.PNG", png_bytes())})
    assert "media:mijn-loonstrook.png" in _messages(client.get(added.url))
    assert draft.media.filter(name="mijn-loonstrook.png", content_type="image/png").exists()
    twice = client.post(
        url, {"picture": SimpleUploadedFile("mijn-loonstrook.png", png_bytes())}, follow=True
    )
    assert "Er is al een afbeelding die mijn-loonstrook.png heet." in _messages(twice)
    pdf = SimpleUploadedFile("brief.png", b"%PDF-1.4 fake")
    assert "PNG- of JPEG" in _messages(client.post(url, {"picture": pdf}, follow=True))
    text = SimpleUploadedFile("x.png", b"not a picture")
    assert client.post(url, {"picture": text}, follow=True).status_code == 200
    nothing = client.post(url, {}, follow=True)
    assert "Kies een afbeelding" in _messages(nothing)
    assert PathMedia.objects.count() == before + 1
    # Deleting a picture keeps its file: an older version may show it.
    added_picture = draft.media.get(name="mijn-loonstrook.png")
    stored = added_picture.file.name
    client.post(f"{WORK}/afbeelding/{added_picture.pk}/verwijderen/")
    assert not draft.media.filter(name="mijn-loonstrook.png").exists()
    assert added_picture.file.storage.exists(stored)


def test_a_big_picture_is_refused(client, draft):
    big = io.BytesIO(png_bytes() + b"\0" * (2 * 1024 * 1024))
    upload = SimpleUploadedFile("groot.png", big.getvalue())
    answer = client.post(f"{WORK}/versie/{draft.pk}/afbeelding/", {"picture": upload}, follow=True)
    assert "groter dan 2 MB" in _messages(answer)
    assert not draft.media.filter(name="groot.png").exists()


def test_the_preview_shows_every_step_with_the_quiz_answers_and_saves_nothing(client, draft):
    page = client.get(f"{WORK}/versie/{draft.pk}/voorbeeld/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Voorbeeld van versie 1" in text
    quiz = Step.objects.get(module__version=draft, kind="quiz")
    assert f"{WORK}/versie/{draft.pk}/voorbeeld/{quiz.pk}/" in text
    step_page = client.get(f"{WORK}/versie/{draft.pk}/voorbeeld/{quiz.pk}/").content.decode()
    option = QuizOption.objects.filter(question__step=quiz, correct=False).first()
    assert option.feedback in step_page
    reflection = Step.objects.get(module__version=draft, kind="reflection")
    reflection_page = client.get(f"{WORK}/versie/{draft.pk}/voorbeeld/{reflection.pk}/")
    assert "disabled" in reflection_page.content.decode()
    other = services.path_import(
        actor=page.wsgi_request.user, content=path_file(path_data("ander"))
    )
    foreign = Step.objects.filter(module__version=other).first()
    assert client.get(f"{WORK}/versie/{draft.pk}/voorbeeld/{foreign.pk}/").status_code == 404
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.MANAGER, Role.VOLUNTEER])
def test_who_does_not_write_paths_cannot_open_or_change_the_editor(client, author, draft, role):
    step = Step.objects.filter(module__version=draft).first()
    module = step.module
    client.force_login(UserFactory(role=role))
    for url in (
        f"{WORK}/nieuw/",
        f"{WORK}/versie/{draft.pk}/",
        f"{WORK}/versie/{draft.pk}/voorbeeld/",
        f"{WORK}/stap/{step.pk}/",
        f"{WORK}/deel/{module.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    for url, data in (
        (f"{WORK}/nieuw/", NEW_PATH | {"theme": _theme_pk()}),
        (f"{WORK}/stap/{step.pk}/", {"title": "Weg"}),
        (f"{WORK}/stap/{step.pk}/verwijderen/", {}),
        (f"{WORK}/deel/{module.pk}/verplaatsen/", {"up": "no"}),
        (f"{WORK}/versie/{draft.pk}/verwijderen/", {}),
        (f"{WORK}/versie/{draft.pk}/deel/", {"title": "Extra"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert Step.objects.filter(pk=step.pk, title=step.title).exists()
    assert PathVersion.objects.count() == 1 and Module.objects.filter(version=draft).count() == 2


def test_anonymous_visitors_log_in_first(client, draft):
    client.logout()
    answer = client.get(f"{WORK}/versie/{draft.pk}/")
    assert answer.status_code == 302 and "/account/login/" in answer.url
    assert client.post(f"{WORK}/versie/{draft.pk}/verwijderen/").status_code == 302
    assert PathVersion.objects.filter(pk=draft.pk).exists()


def test_bad_addresses_and_input_are_refused_without_changes(client, author, draft):
    module = draft.modules.first()
    assert client.get(f"{WORK}/versie/999999/").status_code == 404
    assert client.post(f"{WORK}/boek/{module.pk}/verwijderen/").status_code == 404
    assert client.post(f"{WORK}/stap/999999/verplaatsen/", {"up": "yes"}).status_code == 404
    steps = module.steps.count()
    answer = client.post(f"{WORK}/deel/{module.pk}/stap/", {"kind": "dans", "title": "x"})
    assert answer.status_code == 302 and module.steps.count() == steps
    answer = client.post(f"{WORK}/versie/{draft.pk}/deel/", {"title": ""}, follow=True)
    assert "Geef het nieuwe deel een titel." in _messages(answer)
    assert draft.modules.count() == 2
    taken = client.post(f"{WORK}/nieuw/", NEW_PATH | {"slug": "grip-op-post", "theme": _theme_pk()})
    assert taken.status_code == 400 and "heeft dit webadres al" in taken.content.decode()
    wrong = client.post(f"{WORK}/nieuw/", NEW_PATH | {"slug": "Niet Goed", "theme": "x"})
    assert wrong.status_code == 400
    assert {"slug", "theme"} <= set(wrong.context["form"].errors)
    assert LearningPath.objects.count() == 1


def test_the_editor_reads_the_same_whatever_the_size_of_the_path(client, author):
    def queries(modules: int, slug: str) -> int:
        data = path_data(slug)
        data["path"]["modules"] = data["path"]["modules"] * modules
        version = services.path_import(actor=author, content=path_file(data))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{WORK}/versie/{version.pk}/").status_code == 200
        return len(captured)

    queries(1, "warm")  # the first page of a test reads what stays cached afterwards
    assert queries(1, "kort") == queries(6, "lang")


def test_pictures_have_no_order_to_change(client, draft):
    picture = draft.media.first()
    assert (
        client.post(f"{WORK}/afbeelding/{picture.pk}/verplaatsen/", {"up": "yes"}).status_code
        == 404
    )
    with pytest.raises(ValidationError):
        services.item_move(actor=draft.updated_by, item=picture, up=True)


def test_an_edit_of_a_draft_published_meanwhile_is_refused(author, leader, draft):
    stale = PathVersion.objects.get(pk=draft.pk)
    services.version_publish(actor=leader, version=draft)
    modules = Module.objects.filter(version=draft).count()
    with pytest.raises(ValidationError) as refused:
        services.module_add(actor=author, version=stale, title="Te laat")
    assert refused.value.code == "not_draft"
    assert Module.objects.filter(version=draft).count() == modules
