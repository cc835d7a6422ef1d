"""Who may do what over the API, by role: the table of ``crm.roles``, which the services check too.

Reads are scoped by the querysets (an enterprise user's queries only reach its own enterprises, so
anything else is a 404); these classes decide the writes, each for one kind of work of the table, with the
table's refusal. Service officers work requests, investment officers work projects, managers read everything
and change nothing, superusers do all. The services still check what they own (who may take which transition,
internal notes).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from crm.roles import WHO_DOES, Work, may


class IsStaff(BasePermission):
    """The committee's own endpoints (enterprises, projects): staff only, enterprise users get 403."""

    message = _("仅限园区工作人员访问。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class DoesWork(BasePermission):
    """Reads for anyone the view lets in; writes for the roles that may do ``work`` (``crm.roles.WHO_DOES``)."""

    work: Work

    @property
    def message(self):
        return WHO_DOES[self.work].refusal

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or may(request.user, self.work)


class WorksRequests(DoesWork):
    """Writes on service requests: service officers, and enterprise users on their own enterprises' requests."""

    work = Work.REQUESTS


class WorksApprovalSteps(DoesWork):
    """审批环节 (plan, complete, reopen): service officers only — enterprise users follow them, they do not work them."""

    work = Work.APPROVAL_STEPS


class WorksProjects(DoesWork):
    """Writes on projects and their follow-ups: investment officers."""

    work = Work.PROJECTS


class WorksEnterprises(DoesWork):
    """Registering an enterprise: the officers who meet companies (招商专员, 企业服务专员); not managers."""

    work = Work.ENTERPRISES
