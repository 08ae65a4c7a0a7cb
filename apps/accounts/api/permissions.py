from rest_framework.permissions import BasePermission

from apps.accounts import policy
from apps.audit.services import access_denied_record


class PolicyPermission(BasePermission):
    """Default deny for the API: a view names the policy permission of each thing it does.

        policy_permissions = {"GET": "dossiers.view_caseload", "POST": "dossiers.add_referral"}

    Keys are viewset actions ("list", "retrieve", "create", ...) or HTTP methods; an action
    wins over its method, and HEAD is asked as GET. `policy_object_permissions` maps the
    same keys to the permission checked against each object (`get_object()`). Anything the
    view handles but does not map is refused: OPTIONS, an object check without an entry. A
    method the view does not handle at all gets DRF's 405. A refusal of a signed-in caller
    is on the access log.
    """

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            return True  # nothing to guard: DRF answers 405 Method Not Allowed
        permission = _mapped(request, view, "policy_permissions")
        allowed = permission is not None and policy.can(request.user, permission)
        return allowed or refused(request, view)

    def has_object_permission(self, request, view, obj):
        permission = _mapped(request, view, "policy_object_permissions")
        allowed = permission is not None and policy.can(request.user, permission, obj)
        return allowed or refused(request, view, obj)


def refused(request, view, obj=None) -> bool:
    """Log the refusal of a signed-in caller (a caller without credentials gets a 401 and
    is not on the log); False, for the permission check to return."""
    if request.user.is_authenticated:
        object_type, object_id = _record_asked(view, obj)
        access_denied_record(
            actor=request.user,
            object_type=object_type,
            object_id=object_id,
            reason=f"Refused: {request.method} {view.__class__.__name__}",
        )
    return False


def _record_asked(view, obj) -> tuple[str, str]:
    """The record the request named: the object, the dossier of a nested list, or the
    model of the view with the id from the address."""
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    kwargs = getattr(view, "kwargs", None) or {}
    if "dossier_pk" in kwargs:
        return "dossiers.dossier", str(kwargs["dossier_pk"])
    queryset = getattr(view, "queryset", None)
    meta = getattr(getattr(view, "serializer_class", None), "Meta", None)
    model = queryset.model if queryset is not None else getattr(meta, "model", None)
    return (model._meta.label_lower if model else "api"), str(kwargs.get("pk", ""))


def _mapped(request, view, attribute: str) -> str | None:
    mapping = getattr(view, attribute, None) or {}
    method = "GET" if request.method == "HEAD" else request.method
    for key in (getattr(view, "action", None), method):
        if key is not None and key in mapping:
            return mapping[key]
    return None
