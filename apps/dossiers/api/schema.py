"""Additions to the generated OpenAPI schema: the error answers every operation can give,
and that an empty filter value is allowed (it means "no filter").

drf-spectacular documents the successful answer only; a client (and the schema fuzzing)
also needs to know what a refusal looks like.
"""

ERROR = {
    "type": "object",
    "description": "What went wrong, in the user's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Messages per field (`non_field_errors` for the whole payload), or `detail` when the "
        "request could not be read at all."
    ),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _answer(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def add_error_responses(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = {"anyOf": [FIELD_ERRORS, {"$ref": "#/components/schemas/Error"}]}
    for operation in (op for item in result["paths"].values() for op in item.values()):
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            # An empty value means "not given": django-filter leaves the filter out
            # (`?status=`), the pagination shows the first page (`?page=`).
            if parameter["in"] == "query":
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        if parameters or "requestBody" in operation:
            responses.setdefault("400", _answer("Invalid input; nothing changed.", "FieldErrors"))
        responses.setdefault("401", _answer("No valid session or token.", "Error"))
        responses.setdefault("403", _answer("Not allowed for this account.", "Error"))
        if any(
            parameter["in"] == "path" or parameter["name"] == "page" for parameter in parameters
        ):
            responses.setdefault(
                "404", _answer("No such record, or not yours; or no such page.", "Error")
            )
        if "requestBody" in operation:
            responses.setdefault("415", _answer("Send JSON (application/json).", "Error"))
    return result
