"""Additions to the generated OpenAPI schema: the error answers every operation can give,
and that an empty filter value is allowed (it means "no filter").

drf-spectacular documents the successful answer only; a client (and the schema fuzzing)
also needs to know what a refusal looks like. Every error is a problem document
(RFC 9457, apps/core/problems.py) with content type application/problem+json; a 400 for
wrong input adds `errors`, the messages per field.
"""

from apps.core.problems import CONTENT_TYPE

MESSAGES = {"type": "array", "items": {"type": "string"}}
PROBLEM = {
    "type": "object",
    "description": (
        "A problem document (RFC 9457). `title` and `detail` are in the reader's language "
        "(Dutch unless English was chosen); `code` is the machine-readable reason."
    ),
    "properties": {
        "type": {
            "type": "string",
            "description": '"about:blank": the status says what kind of problem it is.',
        },
        "title": {"type": "string", "description": "The status, in words."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong and what to do."},
        "instance": {"type": "string", "description": "The path that was asked for."},
        "code": {
            "type": "string",
            "description": (
                "For example `invalid`, `not_authenticated`, `token_invalid`, "
                "`token_expired`, `token_revoked`, `permission_denied`, `not_found`, "
                "`method_not_allowed`, `throttled`, `server_error`."
            ),
        },
        "retry_after": {
            "type": "integer",
            "description": "With a 429: seconds to wait, as in the Retry-After header.",
        },
        "errors": {
            "type": "object",
            "description": "With a 400: messages per field (`non_field_errors` for all).",
            "additionalProperties": {
                "anyOf": [MESSAGES, {"type": "object", "additionalProperties": MESSAGES}]
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance", "code"],
}

# The errors every operation can give, with when they apply.
ERRORS = {
    "400": "Invalid input; nothing changed. `errors` holds the messages per field.",
    "401": "No valid session or token (missing, unknown, expired or revoked).",
    "403": "Not allowed for this account.",
    "404": "No such record, or not yours; or no such page.",
    "415": "Send JSON (application/json).",
    "429": "Too many requests: wait as long as the Retry-After header says.",
    "500": "Something went wrong on our side; nothing about the cause is shown.",
}


PROBLEM_CONTENT = {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
RETRY_AFTER = {
    "schema": {"type": "integer"},
    "description": "Seconds to wait before the next request.",
}


def _applies(code: str, operation: dict, public: bool) -> bool:
    parameters = operation.get("parameters", [])
    if code == "400":
        return bool(parameters) or "requestBody" in operation
    if code == "403":
        return not public
    if code == "404":
        return any(p["in"] == "path" or p["name"] == "page" for p in parameters)
    if code == "415":
        return "requestBody" in operation
    return True


def add_error_responses(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    for operation in (op for item in result["paths"].values() for op in item.values()):
        for parameter in operation.get("parameters", []):
            # An empty value means "not given": django-filter leaves the filter out
            # (`?status=`), the pagination shows the first page (`?page=`).
            if parameter["in"] == "query":
                parameter["allowEmptyValue"] = True
        # An operation open to anyone (an empty security requirement) has no 403; a wrong
        # token is a 401 everywhere.
        anyone = {} in operation.get("security", [{}])
        responses = operation["responses"]
        for code, description in ERRORS.items():
            if code not in responses and _applies(code, operation, anyone):
                responses[code] = {"description": description}
        for code, response in responses.items():
            # Also an error a view describes itself (a 409): its body is a problem too.
            if code.startswith(("4", "5")):
                response["content"] = PROBLEM_CONTENT
        responses["429"]["headers"] = {"Retry-After": RETRY_AFTER}
    return result
