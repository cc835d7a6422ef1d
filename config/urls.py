from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

import crm.views
from config import health, metrics
from crm.api.exceptions import page_not_found

admin.site.site_header = _("招商与企业服务平台")  # the park's name comes first from 站点信息 (admin/base_site.html)
admin.site.site_title = _("Zijin CRM")
admin.site.index_title = _("工作台")

# A route under /api/ that does not exist answers JSON like any other API 404 (crm.api.exceptions).
handler404 = page_not_found

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    # Health for the front server and probes (config/health.py): alive, and ready to work.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),  # Prometheus, closed to the public (config/metrics.py)
    path("i18n/", include("django.conf.urls.i18n")),
    # The workbench (/admin/), the app list (/admin/apps/) and the inbox come before the ModelAdmins.
    path("admin/", include("crm.admin.urls")),
    path("admin/imports/", include("onboarding.urls")),  # 数据导入 (onboarding/views.py)
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("portal/policies/", include("parks.portal_urls")),
    path("portal/", include("crm.portal.urls")),
    path("land/", include("parks.urls")),
    path("reports/", include("reports.urls")),
    path("attachments/<int:pk>/", crm.views.attachment_download, name="attachment-download"),
    path("figures/<int:pk>/evidence/", crm.views.figure_evidence_download, name="figure-evidence"),
    path("capital-arrivals/<int:pk>/evidence/", crm.views.capital_evidence_download, name="capital-evidence"),
    path("calendar/<str:token>.ics", crm.views.calendar_feed, name="calendar-feed"),
    path("site/logo/", crm.views.site_logo, name="site-logo"),
    # Browsers ask for /favicon.ico whatever the page links: the same icon, from the static files.
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg", permanent=True)),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# The scale-out test's ceiling (config.bench): a constant JSON, only when DJANGO_BENCH_CEILING_VIEW=true.
if settings.BENCH_CEILING_VIEW:
    import config.bench

    urlpatterns += [path("bench/ceiling/", config.bench.ceiling, name="bench-ceiling")]
