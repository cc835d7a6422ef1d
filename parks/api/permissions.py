"""Who may write what in the parks API, on top of the crm role helpers (``crm.api.permissions``).

Reads are scoped by the querysets (an enterprise user reaches published policies and its own
enterprises' matches and grants only; anything else is a 404); staff-only endpoints use ``IsStaff``.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from crm.api.permissions import IsStaff, is_investment_officer, is_service_officer

__all__ = ["IsStaff", "RecordsGrants", "WorksLand"]


class WorksLand(BasePermission):
    """Parcel moves and landing commitments: investment officers (招商专员). Managers read only."""

    message = _("只有招商专员可以变更地块和落地承诺。")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_investment_officer(request.user)


class RecordsGrants(BasePermission):
    """Recording and deciding policy grants (政策兑现): service officers (企业服务专员)."""

    message = _("只有企业服务专员可以登记和审核政策兑现。")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_service_officer(request.user)
