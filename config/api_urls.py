"""All of /api/v1/ in one place (``config.urls`` mounts it at /api/): crm's endpoints, parks', the reports',
the OpenAPI 3 schema at /api/schema/ and its docs at /api/docs/ and /api/redoc/.

Every URL name is under the ``api`` namespace (``api:service-request-list``, ``api:parks_api:parcel-list``,
``api:reports-api:pipeline``). The docs pages load Swagger UI and Redoc from drf_spectacular_sidecar's
static files — no CDN, as the product runs in government intranets.
"""

from django.urls import include, path, register_converter

from crm.api.base import IdConverter
from crm.api.docs import RedocView, SchemaView, SwaggerView, redoc_bundle

register_converter(IdConverter, "api_id")

app_name = "api"
urlpatterns = [
    path("v1/reports/", include("reports.api_urls")),
    path("v1/", include("crm.api.urls")),
    path("v1/", include("parks.api.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
]
