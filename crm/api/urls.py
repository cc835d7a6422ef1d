"""crm's REST endpoints, mounted at /api/v1/ by ``config.api_urls`` (which also serves the schema and docs)."""

from django.urls import path

from . import routing, views, visits
from .auth import LogoutView, TokenObtainView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    path("lists/", views.ListsView.as_view(), name="lists"),
    path("service-categories/", views.ServiceCategoryListView.as_view(), name="service-category-list"),
    path("service-requests/", views.ServiceRequestListCreateView.as_view(), name="service-request-list"),
    path("service-requests/<api_id:pk>/", views.ServiceRequestDetailView.as_view(), name="service-request-detail"),
    path(
        "service-requests/<api_id:pk>/transition/",
        views.ServiceRequestTransitionView.as_view(),
        name="service-request-transition",
    ),
    path("service-requests/<api_id:pk>/assign/", views.ServiceRequestAssignView.as_view(), name="service-request-assign"),
    path(
        "service-requests/<api_id:pk>/approval-steps/",
        views.ApprovalStepPlanView.as_view(),
        name="service-request-approval-steps",
    ),
    path(
        "service-requests/<api_id:pk>/approval-steps/<api_id:step_id>/complete/",
        views.ApprovalStepCompleteView.as_view(),
        name="approval-step-complete",
    ),
    path(
        "service-requests/<api_id:pk>/approval-steps/<api_id:step_id>/reopen/",
        views.ApprovalStepReopenView.as_view(),
        name="approval-step-reopen",
    ),
    path("service-requests/<api_id:pk>/messages/", views.MessageListCreateView.as_view(), name="service-request-messages"),
    path("service-requests/<api_id:pk>/callbacks/", views.CallBackListCreateView.as_view(), name="service-request-callbacks"),
    path(
        "service-requests/<api_id:pk>/attachments/",
        views.AttachmentListCreateView.as_view(),
        name="service-request-attachments",
    ),
    path("service-requests/<api_id:pk>/routings/", routing.RoutingListCreateView.as_view(), name="service-request-routings"),
    path("departments/", routing.DepartmentListView.as_view(), name="department-list"),
    path("routings/<api_id:pk>/hand-back/", routing.RoutingHandBackView.as_view(), name="routing-hand-back"),
    path("routings/<api_id:pk>/transfer/", routing.RoutingTransferView.as_view(), name="routing-transfer"),
    path("routings/<api_id:pk>/extensions/", routing.RoutingExtensionRequestView.as_view(), name="routing-extensions"),
    path("routings/<api_id:pk>/complete/", routing.RoutingCompleteView.as_view(), name="routing-complete"),
    path("routings/<api_id:pk>/messages/", routing.RoutingMessageView.as_view(), name="routing-messages"),
    path(
        "routings/<api_id:pk>/approval-steps/<api_id:step_id>/complete/",
        routing.RoutingStepCompleteView.as_view(),
        name="routing-step-complete",
    ),
    path(
        "routing-extensions/<api_id:pk>/decision/",
        routing.RoutingExtensionDecisionView.as_view(),
        name="routing-extension-decision",
    ),
    path("attachments/<api_id:pk>/download/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/<api_id:pk>/read/", views.NotificationReadView.as_view(), name="notification-read"),
    path("enterprises/", views.EnterpriseListCreateView.as_view(), name="enterprise-list"),
    path("visits/", visits.VisitListCreateView.as_view(), name="visit-list"),
    path("enterprises/<api_id:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path("projects/", views.ProjectListCreateView.as_view(), name="project-list"),
    path("projects/collisions/", views.ProjectCollisionView.as_view(), name="project-collisions"),
    path("projects/<api_id:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<api_id:pk>/stage/", views.ProjectStageView.as_view(), name="project-stage"),
    path("projects/<api_id:pk>/follow-ups/", views.FollowUpListCreateView.as_view(), name="project-follow-ups"),
]

