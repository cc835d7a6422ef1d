"""Who may do what over the API, by role (crm.models.Role).

Reads are scoped by the querysets (an enterprise user's queries only reach its own enterprises, so
anything else is a 404); these classes decide the writes. Service officers work requests,
investment officers work projects, managers read everything and change nothing, superusers do all.
The services still check what they own (who may take which transition, internal notes).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from crm.models import Role


def is_service_officer(user) -> bool:
    return user.is_superuser or user.has_role(Role.SERVICE_OFFICER)


def is_investment_officer(user) -> bool:
    return user.is_superuser or user.has_role(Role.INVESTMENT_OFFICER)


class IsStaff(BasePermission):
    """The committee's own endpoints (enterprises, projects): staff only, enterprise users get 403."""

    message = _("仅限园区工作人员访问。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class WorksRequests(BasePermission):
    """Writes on service requests: service officers, and enterprise users on their own enterprises' requests."""

    message = _("只有企业服务专员或企业用户可以办理诉求。")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return is_service_officer(user) or user.is_enterprise_user


class WorksProjects(BasePermission):
    """Writes on projects and their follow-ups: investment officers."""

    message = _("只有招商专员可以修改项目。")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_investment_officer(request.user)


class WorksEnterprises(BasePermission):
    """Registering an enterprise: the officers who meet companies (招商专员, 企业服务专员); not managers."""

    message = _("只有招商专员或企业服务专员可以登记企业。")

    def has_permission(self, request, view):
        user = request.user
        return request.method in SAFE_METHODS or is_investment_officer(user) or is_service_officer(user)
