from rest_framework.permissions import BasePermission

from apps.accounts import policy


class PolicyPermission(BasePermission):
    """Default deny for the API: a view names the policy permission of each thing it does.

        policy_permissions = {"GET": "dossiers.view_caseload", "POST": "dossiers.add_referral"}

    Keys are viewset actions ("list", "retrieve", "create", ...) or HTTP methods; an action
    wins over its method, and HEAD is asked as GET. `policy_object_permissions` maps the
    same keys to the permission checked against each object (`get_object()`). Anything the
    view handles but does not map is refused: OPTIONS, an object check without an entry. A
    method the view does not handle at all gets DRF's 405.
    """

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            return True  # nothing to guard: DRF answers 405 Method Not Allowed
        permission = _mapped(request, view, "policy_permissions")
        return permission is not None and policy.can(request.user, permission)

    def has_object_permission(self, request, view, obj):
        permission = _mapped(request, view, "policy_object_permissions")
        return permission is not None and policy.can(request.user, permission, obj)


def _mapped(request, view, attribute: str) -> str | None:
    mapping = getattr(view, attribute, None) or {}
    method = "GET" if request.method == "HEAD" else request.method
    for key in (getattr(view, "action", None), method):
        if key is not None and key in mapping:
            return mapping[key]
    return None
