from functools import wraps

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts import policy


class PolicyAdminSite(AdminSite):
    """The Django admin, open to functional administrators only (asks the policy).

    Its own password-only login form is replaced by the allauth login, so the admin is
    behind the same second factor as every other staff page.
    """

    site_header = _("Buurtkompas administration")
    site_title = _("Buurtkompas administration")
    index_title = _("Functional administration")

    def has_permission(self, request):
        return policy.can(request.user, "core.access_admin")

    def admin_view(self, view, cacheable=False):
        """Anonymous visitors go to the allauth login; signed-in users without access get a 403."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                # The admin holds personal records (accounts): the refusal is logged by
                # apps.audit.middleware.RefusalLogMiddleware, naming the record asked for.
                request.refused_record = ("admin", str(kwargs.get("object_id", "")))
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
        if not self.has_permission(request):
            raise PermissionDenied
        return redirect("admin:index")
