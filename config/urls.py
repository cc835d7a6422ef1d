from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

import crm.views
from crm.api.exceptions import page_not_found

admin.site.site_header = _("紫金港科技城 招商与企业服务平台")
admin.site.site_title = _("Zijin CRM")
admin.site.index_title = _("工作台")

# A route under /api/ that does not exist answers JSON like any other API 404 (crm.api.exceptions).
handler404 = page_not_found

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
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
    path("calendar/<str:token>.ics", crm.views.calendar_feed, name="calendar-feed"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
