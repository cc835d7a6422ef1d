"""Who may do what over the API, by role: the tables of ``crm.roles``, which the services check too.

Reads: every API view names its ``work_area`` (a ``crm.roles.Area``) and ``ReadsArea`` — put first on every
view by ``crm.api.base.ApiViewMixin`` — refuses with 403 (401 when not signed in) a role that may not read it
(``crm.roles.WHO_READS``); a view that names no area is refused to everyone, and
tests/security/test_least_privilege_schema.py names it. Within an area the querysets scope the rows (an
enterprise user's queries only reach its own enterprises, so anything else is a 404). The other classes decide
the writes, each for one kind of work of the table, with the table's refusal. Service officers work requests,
investment officers work projects, managers read everything and change nothing, superusers do all. The services still check what they own (who may take which transition,
internal notes).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from crm.roles import WHO_DOES, WHO_READS, Work, may, may_read


class ReadsArea(BasePermission):
    """Only the roles that may read this part of the product (the read table, crm.roles.WHO_READS).

    Any method on a view of ``view.work_area``; a view naming no area is refused to everyone.
    """

    message = _("该接口未声明所属范围，已拒绝访问。")

    def has_permission(self, request, view):
        area = getattr(view, "work_area", None)
        if area is None:
            return False
        if may_read(request.user, area):
            return True
        self.message = WHO_READS[area].refusal
        return False


class IsStaff(BasePermission):
    """The committee's own endpoints (enterprises, projects): staff only, enterprise users get 403."""

    message = _("仅限园区工作人员访问。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class DoesWork(BasePermission):
    """Reads for anyone ``ReadsArea`` lets in; writes for the roles that may do ``work`` (``crm.roles.WHO_DOES``)."""

    work: Work

    @property
    def message(self):
        return WHO_DOES[self.work].refusal

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or may(request.user, self.work)


class WorksRequests(DoesWork):
    """Writes on service requests: service officers, and enterprise users on their own enterprises' requests."""

    work = Work.REQUESTS


class WorksServiceDesk(DoesWork):
    """The station's side of a request (回访, …): service officers only."""

    work = Work.SERVICE_DESK


class WorksApprovalSteps(DoesWork):
    """审批环节 (plan, complete, reopen): service officers only — enterprise users follow them, they do not work them."""

    work = Work.APPROVAL_STEPS


class WorksProjects(DoesWork):
    """Writes on projects and their follow-ups: investment officers."""

    work = Work.PROJECTS


class WorksEnterprises(DoesWork):
    """Registering an enterprise: the officers who meet companies (招商专员, 企业服务专员); not managers."""

    work = Work.ENTERPRISES


class WorksRouting(DoesWork):
    """分办、转办: the service desk routes a request to departments and transfers a routing."""

    work = Work.ROUTING


class WorksForDepartment(DoesWork):
    """承办: a department's liaison hands back, asks an extension, completes, writes — on its own departments' routings
    (the querysets scope them: anything else is a 404)."""

    work = Work.DEPARTMENT_WORK


class DecidesExtensions(DoesWork):
    """延期审批: the station head (驿站站长)."""

    work = Work.EXTENSION_DECISION
class WorksVisits(DoesWork):
    """走访 (record a visit and its problems): investment and service officers; not managers, never enterprises."""

    work = Work.VISITS
