"""The schema and the interactive docs, served from drf_spectacular_sidecar's static files.

This product runs in government intranets: no page may reach a CDN. drf-spectacular's Redoc page
preloads Google Fonts, so its head is replaced here (Redoc falls back to the system fonts).
"""

from django.http import HttpResponse
from django.template import engines
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .base import ApiViewMixin

_REDOC = engines["django"].from_string(
    """{% extends "drf_spectacular/redoc.html" %}
{% block head %}<title>{{ title|default:"Redoc" }}</title>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>{% endblock head %}"""
)


class SchemaView(ApiViewMixin, SpectacularAPIView):
    pass


class SwaggerView(ApiViewMixin, SpectacularSwaggerView):
    pass


class RedocView(ApiViewMixin, SpectacularRedocView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        return HttpResponse(_REDOC.render(response.data, request))
