"""The admin's own pages beside the ModelAdmins (mounted at /admin/ before ``admin.site.urls``): the workbench is
the landing page, so ``admin:index`` (/admin/) opens it; Django's app list moves to /admin/apps/."""

from django.contrib import admin
from django.urls import path

from . import workbench

app_name = "workbench"
urlpatterns = [
    path("", admin.site.admin_view(workbench.workbench), name="index"),
    path("apps/", admin.site.admin_view(workbench.app_list), name="apps"),
    path("workbench/projects/<int:pk>/follow-up/", admin.site.admin_view(workbench.follow_up_quick), name="follow-up"),
    path("inbox/", admin.site.admin_view(workbench.inbox), name="inbox"),
    path("inbox/read/", admin.site.admin_view(workbench.inbox_mark_read), name="inbox-read"),
]
