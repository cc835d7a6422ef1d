"""The schema and the interactive docs, served from drf_spectacular_sidecar's static files.

This product runs in government intranets: no page may reach a CDN. drf-spectacular's Redoc page
preloads Google Fonts, so its head is replaced here (Redoc falls back to the system fonts), and Redoc's
bundle shows a logo from cdn.redoc.ly beside "API docs by Redocly": the bundle is served here with that
address replaced by the site's own icon (``static/favicon.svg``).

Neither page has inline script, as the Content-Security-Policy requires: Swagger UI is the "split" view,
whose start-up script is served by the same URL with ``?script``; Redoc starts itself from its
``<redoc spec-url=…>`` element (no ``REDOC_UI_SETTINGS``, which would make drf-spectacular write an inline
``Redoc.init``). Redoc's search runs in a Web Worker made from a blob: URL, allowed on its page only.

Who may read them: anyone while ``settings.API_DOCS_PUBLIC`` is true (the default, except in production);
otherwise any logged-in user (session or token). An anonymous client then gets 401 from the schema, and a
browser opening the docs is sent to the login page, back to the docs after it.
"""

import functools
from pathlib import Path

from csp.constants import SELF
from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

from crm.roles import Area

from .base import ApiViewMixin

_REDOC = engines["django"].from_string(
    """{% extends "drf_spectacular/redoc.html" %}
{% block head %}<title>{{ title|default:"Redoc" }}</title>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>{% endblock head %}"""
)
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


class DocsAccess(BasePermission):
    """Anyone while the docs are public (``API_DOCS_PUBLIC``), else any logged-in user."""

    def has_permission(self, request, view):
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)


class DocsPageMixin:
    """The docs pages are HTML for a browser: not logged in, it goes to the login page instead of a 401."""

    permission_classes = [DocsAccess]

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


class SchemaView(ApiViewMixin, SpectacularAPIView):
    permission_classes = [DocsAccess]
    work_area = Area.API_DOCS


class SwaggerView(DocsPageMixin, ApiViewMixin, SpectacularSwaggerSplitView):
    work_area = Area.API_DOCS


@method_decorator(csp_update({"worker-src": [SELF, "blob:"]}), name="dispatch")
class RedocView(DocsPageMixin, ApiViewMixin, SpectacularRedocView):
    work_area = Area.API_DOCS

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        return HttpResponse(_REDOC.render(response.data, request))

    @staticmethod
    def _redoc_standalone():
        return reverse("api:redoc-bundle")


@functools.cache
def _redoc_bundle() -> bytes:
    # The logo beside “API docs by Redocly” is the site's own icon, from its static files (never the CDN's).
    local_logo = static("favicon.svg").encode()
    return Path(finders.find(REDOC_BUNDLE)).read_bytes().replace(REDOC_CDN_LOGO, local_logo)


@require_safe
@cache_control(public=True, max_age=86400)
def redoc_bundle(request):
    """Redoc's standalone bundle from drf_spectacular_sidecar, without the address of its CDN logo."""
    return HttpResponse(_redoc_bundle(), content_type="application/javascript; charset=utf-8")
