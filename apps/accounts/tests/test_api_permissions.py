"""The API's permission class (per method or action, default deny), its token
authentication for partner systems, and the command that issues tokens."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from apps.accounts.api.permissions import PolicyPermission
from apps.accounts.models import ApiToken, PartnerSystem, Role
from apps.accounts.tests.factories import PartnerSystemFactory, UserFactory
from apps.audit.models import AccessLogEntry
from apps.organisation.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
factory = APIRequestFactory()


class MappedView(APIView):
    permission_classes = [PolicyPermission]
    policy_permissions = {"GET": "core.access_reports", "POST": "core.access_admin"}

    def get(self, request):
        return Response("ok")

    def post(self, request):
        return Response("ok")

    def delete(self, request):
        return Response("ok")


class ObjectView(APIView):
    """Checks a user record: `?user=<pk>`."""

    permission_classes = [PolicyPermission]
    policy_permissions = {"GET": "core.access_workspace"}
    policy_object_permissions = {"GET": "accounts.view_user"}

    def get(self, request):
        from apps.accounts.models import User

        self.check_object_permissions(request, User.objects.get(pk=request.query_params["user"]))
        return Response("ok")


class MappedViewSet(viewsets.ViewSet):
    permission_classes = [PolicyPermission]
    policy_permissions = {"list": "core.access_reports", "POST": "core.access_admin"}

    def list(self, request):
        return Response("ok")

    def create(self, request):
        return Response("ok")

    def destroy(self, request, pk=None):
        return Response("ok")


class UnmappedView(APIView):
    permission_classes = [PolicyPermission]

    def get(self, request):
        return Response("ok")


def call(view, method, user, path="/", **kwargs):
    request = getattr(factory, method)(path)
    force_authenticate(request, user=user)
    return view(request, **kwargs).status_code


class TestPolicyPermission:
    def test_each_method_asks_its_own_permission(self):
        manager = UserFactory(role=Role.MANAGER)
        admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
        view = MappedView.as_view()
        assert call(view, "get", manager) == 200
        assert call(view, "post", manager) == 403
        assert call(view, "get", admin) == 403
        assert call(view, "post", admin) == 200

    def test_head_is_asked_as_get(self):
        assert call(MappedView.as_view(), "head", UserFactory(role=Role.MANAGER)) == 200

    def test_an_unmapped_method_is_refused_whoever_asks(self):
        for role in Role:
            user = UserFactory(role=role)
            assert call(MappedView.as_view(), "delete", user) == 403
            assert call(MappedView.as_view(), "options", user) == 403

    def test_a_method_the_view_does_not_handle_is_a_405_not_a_way_in(self):
        assert call(MappedView.as_view(), "put", UserFactory(role=Role.MANAGER)) == 405

    def test_a_view_that_maps_nothing_is_closed(self):
        assert call(UnmappedView.as_view(), "get", UserFactory(role=Role.FUNCTIONAL_ADMIN)) == 403

    def test_anonymous_is_refused(self):
        # 401: the token scheme comes first, so the answer says how to authenticate.
        assert call(MappedView.as_view(), "get", None) == 401

    def test_viewset_actions_win_over_methods_and_unmapped_actions_are_refused(self):
        manager = UserFactory(role=Role.MANAGER)
        admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
        collection = MappedViewSet.as_view({"get": "list", "post": "create"})
        detail = MappedViewSet.as_view({"delete": "destroy"})
        assert call(collection, "get", manager) == 200
        assert call(collection, "post", admin) == 200  # by its method
        assert call(collection, "post", manager) == 403
        assert call(detail, "delete", admin, pk=1) == 403

    def test_objects_are_checked_against_the_object_permission(self):
        worker = UserFactory(role=Role.SOCIAL_WORKER)
        view = ObjectView.as_view()
        assert call(view, "get", worker, path=f"/?user={worker.pk}") == 200
        assert call(view, "get", worker, path=f"/?user={UserFactory().pk}") == 403

    def test_an_object_check_without_mapping_is_refused(self):
        permission = PolicyPermission()
        request = factory.get("/")
        request.user = UserFactory(role=Role.FUNCTIONAL_ADMIN)
        request.method = "POST"
        assert permission.has_object_permission(request, ObjectView(), UserFactory()) is False


class TestCreateApiToken:
    def run(self, *args):
        out = StringIO()
        call_command("create_api_token", *args, stdout=out)
        return out.getvalue()

    def test_sets_up_a_partner_system_with_a_token(self):
        north, south = TeamFactory(name="Noord"), TeamFactory(name="Zuid")
        output = self.run(
            "--email", "koppeling@delinde.example", "--name", "Huisartsenpraktijk De Linde",
            "--kind", "gp", "--team", str(north.pk), "--team", str(south.pk),
        )  # fmt: skip
        partner = PartnerSystem.objects.get()
        account = partner.account
        assert account.role == Role.PARTNER_SYSTEM
        assert not account.has_usable_password()
        assert partner.kind == "gp"
        assert set(partner.teams.all()) == {north, south}
        token = ApiToken.objects.get(partner=partner)
        (printed,) = [
            line.rsplit(" ", 1)[-1] for line in output.splitlines() if "API token" in line
        ]
        # Only the digest is kept: the token itself is in the output and nowhere else.
        assert token.digest == ApiToken.digest_of(printed)
        assert printed.startswith(token.prefix) and len(printed) > len(token.prefix) + 30
        assert not ApiToken.objects.filter(digest=printed).exists()
        assert AccessLogEntry.objects.filter(
            action="update", object_type="accounts.user", object_id=str(account.pk)
        ).exists()

    def test_running_it_again_replaces_the_token(self):
        team = TeamFactory()
        args = ("--email", "k@school.example", "--name", "School", "--kind", "school")
        self.run(*args, "--team", str(team.pk))
        first = ApiToken.objects.get()
        self.run(*args, "--team", str(team.pk))
        assert ApiToken.objects.active().get() != first
        first.refresh_from_db()
        assert first.is_revoked
        assert PartnerSystem.objects.count() == 1

    def test_refuses_a_persons_account(self):
        person = UserFactory(role=Role.SOCIAL_WORKER)
        with pytest.raises(CommandError):
            self.run(
                "--email", person.email, "--name", "X", "--kind", "gp",
                "--team", str(TeamFactory().pk),
            )  # fmt: skip
        assert not ApiToken.objects.exists()
        person.refresh_from_db()
        assert person.role == Role.SOCIAL_WORKER and person.has_usable_password()

    def test_refuses_an_address_that_is_not_one(self):
        with pytest.raises(CommandError):
            self.run(
                "--email",
                "geen adres",
                "--name",
                "X",
                "--kind",
                "gp",
                "--team",
                str(TeamFactory().pk),
            )
        assert not PartnerSystem.objects.exists()

    def test_refuses_an_unknown_team(self):
        with pytest.raises(CommandError, match="999999"):
            self.run("--email", "a@b.example", "--name", "X", "--kind", "gp", "--team", "999999")
        assert not PartnerSystem.objects.exists()


def test_the_partner_factory_needs_no_second_factor():
    partner = PartnerSystemFactory()
    assert not partner.account.requires_mfa
    assert partner.account.is_staff_role
