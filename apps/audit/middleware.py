from django.core.exceptions import PermissionDenied

from apps.audit.services import access_denied_record


class RefusalLogMiddleware:
    """Every page that refuses a signed-in user (a 403 from the policy) leaves a "denied"
    row, whichever role and whichever page. The record is the one the address names when
    the view says what its `pk` is (`area_required(..., record=...)`); the path is always
    in the row. A view that knows better sets `request.refused_record` to (type, id).
    Visitors who are not signed in are sent to the login page instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if not isinstance(exception, PermissionDenied) or user is None:
            return None
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        record_type = getattr(match.func, "record_type", "") if match else ""
        pk = str(match.kwargs.get("pk", "")) if match else ""
        object_type, object_id = getattr(request, "refused_record", None) or (
            (record_type, pk) if record_type and pk else ("page", "")
        )
        access_denied_record(
            object_type=object_type,
            object_id=object_id,
            reason=f"Refused: {match.view_name if match else request.path}",
        )
        return None
