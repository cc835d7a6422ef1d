"""Enterprise portal (企业服务门户) at /portal/."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/messages/", views.message_create, name="message-create"),
    path("requests/<int:pk>/attachments/", views.attachment_create, name="attachment-create"),
    path("requests/<int:pk>/rate/", views.request_rate, name="request-rate"),
    path("requests/<int:pk>/actions/<slug:action>/", views.request_transition, name="request-transition"),
    path("figures/", views.figure_list, name="figures"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications-read"),
]
