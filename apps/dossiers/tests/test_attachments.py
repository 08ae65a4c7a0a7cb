from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Attachment
from apps.dossiers.services import dossiers_purge_expired
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db(transaction=False)


def photo(kind="JPEG", exif=None, size=(40, 30)) -> bytes:
    image = Image.new("RGB", size, (245, 230, 163))
    data = BytesIO()
    image.save(data, kind, **({"exif": exif} if exif else {}))
    return data.getvalue()


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Telefoonmerk"  # camera make
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 0.0), 3: "E", 4: (5.0, 23.0, 0.0)}  # GPS
    return exif.tobytes()


PNG = photo("PNG")
JPEG = photo("JPEG")
PDF = b"%PDF-1.7\n" + b"0" * 200


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker)


def url(dossier, suffix=""):
    return f"/werk/dossiers/{dossier.pk}/{suffix}"


def upload(client, dossier, content, name="netwerk.png", title="Netwerkkaart"):
    return client.post(
        url(dossier, "bijlage/"),
        {"attachment-title": title, "attachment-upload": SimpleUploadedFile(name, content)},
    )


def stored(attachment) -> bool:
    return attachment.file.storage.exists(attachment.file.name)


@pytest.mark.parametrize(
    ("content", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")]
)
def test_a_photo_or_scan_is_stored_privately_and_served_to_the_team(
    client, worker, dossier, content, kind, settings
):
    client.force_login(worker)
    assert upload(client, dossier, content, name="Kaart van Jan de Vries.png").status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == kind
    # The stored name is random; the original name (personal data) stays in the database.
    assert "Jan" not in attachment.file.name
    assert attachment.original_name == "Kaart van Jan de Vries.png"
    assert str(settings.PRIVATE_MEDIA_ROOT) in attachment.file.path
    assert not attachment.file.path.startswith(str(settings.STATIC_ROOT))
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))

    response = client.get(url(dossier, f"bijlage/{attachment.pk}/"))
    assert response.status_code == 200
    assert response["Content-Type"] == kind
    served = b"".join(response.streaming_content)
    assert len(served) == attachment.size
    if kind == "application/pdf":
        assert served == content
    else:
        assert Image.open(BytesIO(served)).size == (40, 30)
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    assert AccessLogEntry.objects.filter(
        action="read", object_type="dossiers.attachment", object_id=str(attachment.pk)
    ).exists()
    download = client.get(url(dossier, f"bijlage/{attachment.pk}/") + "?download=1")
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("content", "name", "title"),
    [
        (b"<html><script>alert(1)</script></html>", "foto.png", "Netwerk"),  # lies about itself
        (b"MZ\x90\x00" + b"\x00" * 100, "setup.pdf", "Netwerk"),
        (b"", "leeg.png", "Netwerk"),
        (PNG, "netwerk.png", ""),  # no title
    ],
)
def test_anything_else_is_refused_with_a_message(client, worker, dossier, content, name, title):
    client.force_login(worker)
    response = upload(client, dossier, content, name=name, title=title)
    assert response.status_code == 400
    form = response.context["attachment_form"]
    assert form.errors
    # Only the reason: not also that the refused file has no kind.
    assert form.non_field_errors() == []
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_and_nothing_is_written(
    client, worker, dossier, settings, tmp_path
):
    settings.ATTACHMENT_MAX_MEGABYTES = 1
    client.force_login(worker)
    response = upload(client, dossier, PNG + b"\x00" * (1024 * 1024))  # too large, unread
    assert response.status_code == 400
    assert "1 MB" in str(response.context["attachment_form"].errors)
    assert not Attachment.objects.exists()


def test_no_file_at_all_is_a_field_error(client, worker, dossier):
    client.force_login(worker)
    response = client.post(url(dossier, "bijlage/"), {"attachment-title": "Scan"})
    assert response.status_code == 400
    assert response.context["attachment_form"].errors["upload"]
    assert not Attachment.objects.exists()


def test_other_teams_and_other_roles_get_nothing(client, worker, dossier):
    client.force_login(worker)
    upload(client, dossier, PNG)
    attachment = Attachment.objects.get()
    download = url(dossier, f"bijlage/{attachment.pk}/")

    stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(stranger)
    assert client.get(download).status_code == 404
    assert upload(client, dossier, PNG).status_code == 404
    assert client.post(url(dossier, f"bijlage/{attachment.pk}/weg/")).status_code == 404
    for role in (Role.MANAGER, Role.MUNICIPALITY_VIEWER, Role.RESIDENT, Role.VOLUNTEER):
        client.force_login(UserFactory(role=role))
        assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302  # to the login page
    # An attachment id of another dossier, reached through a dossier the worker may read.
    own_other = DossierFactory(team=dossier.team)
    client.force_login(worker)
    assert client.get(url(own_other, f"bijlage/{attachment.pk}/")).status_code == 404
    assert Attachment.objects.count() == 1 and stored(attachment)


def test_removing_deletes_the_file_after_the_commit(
    client, worker, dossier, django_capture_on_commit_callbacks
):
    client.force_login(worker)
    upload(client, dossier, PNG)
    attachment = Attachment.objects.get()
    assert stored(attachment)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(dossier, f"bijlage/{attachment.pk}/weg/")).status_code == 302
    assert not Attachment.objects.exists()
    assert not stored(attachment)


def test_retention_purge_removes_the_files_too(
    client, worker, dossier, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    client.force_login(worker)
    upload(client, dossier, PNG)
    attachment = Attachment.objects.get()
    dossier.status, dossier.closing_reason = "closed", "moved"
    dossier.started_on = timezone.localdate().replace(year=2010)
    dossier.ended_on = timezone.localdate().replace(year=2011)
    dossier.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert dossiers_purge_expired() == 1
    assert not stored(attachment)


def test_a_photo_loses_its_metadata_such_as_a_gps_position(client, worker, dossier):
    original = photo("JPEG", exif=exif_with_gps())
    assert Image.open(BytesIO(original)).getexif().get(0x8825)  # it had a GPS block
    client.force_login(worker)
    assert upload(client, dossier, original, name="kaart.jpg").status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as stored:
        image = Image.open(BytesIO(stored.read()))
        assert image.format == "JPEG" and image.size == (40, 30)
        assert not image.getexif()


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,  # a PNG signature and nothing behind it
        b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>",
        photo("PNG")[:60],  # cut off
    ],
)
def test_something_that_only_starts_like_a_photo_is_refused(client, worker, dossier, content):
    client.force_login(worker)
    response = upload(client, dossier, content)
    assert response.status_code == 400
    assert response.context["attachment_form"].errors["upload"]
    assert not Attachment.objects.exists()


def test_an_image_bomb_is_refused(client, worker, dossier, monkeypatch):
    from apps.dossiers import uploads

    # Between the limit and twice the limit Pillow would only warn.
    monkeypatch.setattr(uploads.Image, "MAX_IMAGE_PIXELS", 1000)
    client.force_login(worker)
    response = upload(client, dossier, photo("PNG", size=(40, 30)))
    assert response.status_code == 400
    assert not Attachment.objects.exists()


class TestPhotoOfThePaperPlan:
    def test_the_photo_form_opens_the_camera_and_names_the_photo_already(
        self, client, worker, dossier
    ):
        client.force_login(worker)
        page = client.get(url(dossier, "bijlage/"), {"foto": "1"}).content.decode()
        assert 'capture="environment"' in page and 'accept="image/jpeg,image/png"' in page
        assert page.index('name="attachment-upload"') < page.index('name="attachment-title"')
        assert "Foto van " in page
        plain = client.get(url(dossier, "bijlage/")).content.decode()
        assert "capture=" not in plain and "application/pdf" in plain

    def test_a_photo_linked_to_a_goal_shows_with_the_goal(self, client, worker, dossier):
        from apps.dossiers.models import Goal

        goal = Goal.objects.create(dossier=dossier, question="Hoe houd ik overzicht?")
        client.force_login(worker)
        response = client.post(
            url(dossier, "bijlage/"),
            {
                "attachment-title": "Plan op papier",
                "attachment-upload": SimpleUploadedFile("IMG_0001.jpg", JPEG),
                "attachment-belongs_to": f"goal:{goal.pk}",
            },
        )
        assert response.status_code == 302
        attachment = Attachment.objects.get()
        assert attachment.goal == goal and attachment.contact_moment is None
        plan = client.get(url(dossier, "deel/plan/")).content.decode()
        goal_html = plan.split(f'id="goal-{goal.pk}"')[1].split("</article>")[0]
        assert f"/bijlage/{attachment.pk}/" in goal_html

    def test_a_photo_linked_to_a_contact_moment_shows_in_the_timeline(
        self, client, worker, dossier
    ):
        from apps.dossiers.tests.factories import ContactMomentFactory

        moment = ContactMomentFactory(dossier=dossier, worker=worker)
        client.force_login(worker)
        response = client.post(
            url(dossier, "bijlage/"),
            {
                "attachment-title": "Aantekeningen",
                "attachment-upload": SimpleUploadedFile("notes.png", PNG),
                "attachment-belongs_to": f"contact:{moment.pk}",
            },
        )
        assert response.status_code == 302
        assert Attachment.objects.get().contact_moment == moment
        timeline = client.get(url(dossier)).content.decode().split('id="contacts"')[1]
        assert f"/bijlage/{Attachment.objects.get().pk}/" in timeline

    @pytest.mark.parametrize("belongs_to", ["goal:999999", "contact:abc", "elsewhere:1", "x"])
    def test_a_link_to_something_of_another_dossier_or_nonsense_is_refused(
        self, client, worker, dossier, belongs_to
    ):
        from apps.dossiers.models import Goal

        other = Goal.objects.create(
            dossier=DossierFactory(team=dossier.team), question="Van een ander"
        )
        client.force_login(worker)
        for value in (belongs_to, f"goal:{other.pk}"):
            response = client.post(
                url(dossier, "bijlage/"),
                {
                    "attachment-title": "Plan",
                    "attachment-upload": SimpleUploadedFile("plan.jpg", JPEG),
                    "attachment-belongs_to": value,
                },
            )
            assert response.status_code == 400
        assert not Attachment.objects.exists()

    def test_the_service_refuses_a_goal_of_another_dossier(self, worker, dossier):
        from django.core.exceptions import ValidationError

        from apps.dossiers.models import Goal
        from apps.dossiers.services import attachment_add

        other = Goal.objects.create(dossier=DossierFactory(team=dossier.team), question="Ander")
        with pytest.raises(ValidationError) as refused:
            attachment_add(
                dossier=dossier,
                actor=worker,
                upload=SimpleUploadedFile("plan.jpg", JPEG),
                title="Plan",
                goal=other,
            )
        assert "belongs_to" in refused.value.message_dict
        assert not Attachment.objects.exists()

    def test_a_photo_that_is_not_an_image_is_refused_on_the_photo_form(
        self, client, worker, dossier
    ):
        client.force_login(worker)
        response = client.post(
            url(dossier, "bijlage/"),
            {
                "attachment-title": "Foto",
                "attachment-upload": SimpleUploadedFile("foto.jpg", b"GIF89a" + b"0" * 50),
            },
        )
        assert response.status_code == 400
        assert "Dit veld kan niet leeg zijn" not in response.content.decode()
        assert not Attachment.objects.exists()
