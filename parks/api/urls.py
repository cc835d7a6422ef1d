"""Parks endpoints, mounted at /api/v1/ by ``config.api_urls`` beside crm's (whose paths they never repeat)."""

from django.urls import path

from . import views

app_name = "parks_api"
urlpatterns = [
    path("parcels/", views.ParcelListView.as_view(), name="parcel-list"),
    path("parcels/<api_id:pk>/", views.ParcelDetailView.as_view(), name="parcel-detail"),
    path("parcels/<api_id:pk>/status/", views.ParcelStatusView.as_view(), name="parcel-status"),
    path("parcels/<api_id:pk>/reserve/", views.ParcelReserveView.as_view(), name="parcel-reserve"),
    path("parcels/<api_id:pk>/transfer/", views.ParcelTransferView.as_view(), name="parcel-transfer"),
    path("spaces/", views.SpaceListView.as_view(), name="space-list"),
    path("spaces/<api_id:pk>/", views.SpaceDetailView.as_view(), name="space-detail"),
    path("policies/", views.PolicyListView.as_view(), name="policy-list"),
    path("policies/<api_id:pk>/", views.PolicyDetailView.as_view(), name="policy-detail"),
    path("clauses/", views.ClauseListView.as_view(), name="clause-list"),
    path("clauses/<api_id:pk>/", views.ClauseDetailView.as_view(), name="clause-detail"),
    path("grants/", views.GrantListCreateView.as_view(), name="grant-list"),
    path("grants/<api_id:pk>/", views.GrantDetailView.as_view(), name="grant-detail"),
    path("grants/<api_id:pk>/approve/", views.GrantApproveView.as_view(), name="grant-approve"),
    path("grants/<api_id:pk>/disburse/", views.GrantDisburseView.as_view(), name="grant-disburse"),
    path("grants/<api_id:pk>/reject/", views.GrantRejectView.as_view(), name="grant-reject"),
    path("policy-applications/", views.ApplicationListCreateView.as_view(), name="application-list"),
    path("policy-applications/<api_id:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path("policy-applications/<api_id:pk>/appeal/", views.ApplicationAppealView.as_view(), name="application-appeal"),
    path("enterprises/<api_id:pk>/policy-matches/", views.EnterprisePolicyMatchesView.as_view(),
         name="enterprise-policy-matches"),
    path("projects/<api_id:pk>/policy-matches/", views.ProjectPolicyMatchesView.as_view(), name="project-policy-matches"),
    path("projects/<api_id:pk>/parcel-candidates/", views.ParcelCandidatesView.as_view(), name="project-parcel-candidates"),
    path("projects/<api_id:pk>/commitments/", views.CommitmentsView.as_view(), name="project-commitments"),
    path("projects/<api_id:pk>/milestones/", views.MilestonePlanView.as_view(), name="project-milestones"),
    path("projects/<api_id:pk>/capital-arrivals/", views.CapitalArrivalView.as_view(), name="project-capital-arrivals"),
    path("projects/<api_id:pk>/annual-commitments/", views.AnnualCommitmentSetView.as_view(),
         name="project-annual-commitments"),
    path("milestones/<api_id:pk>/actual/", views.MilestoneActualView.as_view(), name="milestone-actual"),
    path("annual-commitments/<api_id:pk>/review/", views.AnnualReviewView.as_view(), name="annual-commitment-review"),
]
