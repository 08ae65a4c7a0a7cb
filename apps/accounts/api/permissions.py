from rest_framework.permissions import BasePermission

from apps.accounts import policy


class PolicyPermission(BasePermission):
    """Default deny for the API: a view names the policy permission it needs.

    `policy_permission` guards the endpoint; `policy_object_permission` (optional) is
    checked against each object. A view that names neither is closed.
    """

    def has_permission(self, request, view):
        permission = getattr(view, "policy_permission", None)
        return bool(permission) and policy.can(request.user, permission)

    def has_object_permission(self, request, view, obj):
        permission = getattr(view, "policy_object_permission", None) or view.policy_permission
        return policy.can(request.user, permission, obj)
