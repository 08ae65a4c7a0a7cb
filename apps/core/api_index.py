"""GET /api/v1/: what the API offers, read from the URLconf so it cannot drift from it.

It holds no personal data (like the schema), so anyone may read it.
"""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

PREFIX = "api/v1/"
HIDDEN_METHODS = {"head", "options"}


class ApiEndpointSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The endpoint's URL name.")
    url = serializers.CharField(help_text="Path, with {placeholders} as in the schema.")
    methods = serializers.ListField(child=serializers.CharField())


class ApiIndexSerializer(serializers.Serializer):
    title = serializers.CharField()
    version = serializers.CharField()
    schema = serializers.CharField(help_text="The OpenAPI schema.")
    docs = serializers.CharField(help_text="The schema in Swagger UI.")
    endpoints = ApiEndpointSerializer(many=True)


class ApiIndex(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The endpoints of this API, and where its schema and documentation are",
        responses=ApiIndexSerializer,
        operation_id="api_index",
        auth=[],
    )
    def get(self, request):
        endpoints = [
            {"name": name, "url": "/" + route, "methods": methods}
            for name, route, methods in _endpoints(get_resolver().url_patterns)
            if route.startswith(PREFIX) and route != PREFIX
        ]
        return Response(
            {
                "title": settings.SPECTACULAR_SETTINGS["TITLE"],
                "version": settings.SPECTACULAR_SETTINGS["VERSION"],
                "schema": reverse("api-schema"),
                "docs": reverse("api-docs"),
                "endpoints": endpoints,
            }
        )


def _endpoints(patterns, prefix="", namespace=""):
    """(name, route with {placeholders}, methods) of every DRF view in `patterns`."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _endpoints(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            view = pattern.callback.cls
            methods = [
                method.upper()
                for method in view.http_method_names
                if method not in HIDDEN_METHODS and hasattr(view, method)
            ]
            yield f"{namespace}{pattern.name}", _placeholders(route), methods


def _placeholders(route: str) -> str:
    """dossiers/<int:pk>/ -> dossiers/{id}/, the way the schema writes paths."""
    parts = []
    for part in route.split("<"):
        if ">" in part:
            converter, rest = part.split(">", 1)
            name = converter.rsplit(":", 1)[-1]
            parts.append("{" + ("id" if name == "pk" else name) + "}" + rest)
        else:
            parts.append(part)
    return "".join(parts)
