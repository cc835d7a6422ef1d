"""Routing (分办/转办) on the request's admin page, and the department liaison's admin (承办单位联络员).

``RoutingAdminMixin`` is mixed into ``ServiceRequestAdmin``. For the desk and the station head it adds the 承办单位
panel: each routing with its due time in the queue's three colours (the one reading, ``clock.routing_time_left``),
its record, and the forms to route (分办), transfer (转办) and decide a pending extension (延期审批, asked first). For
a liaison it makes the same admin the liaison's: only the requests routed to its departments (the request queryset's
one scope, ``ServiceRequest.objects.visible_to``; anything else is a 404), reduced to title, category, enterprise and
status, the messages the desk shares with departments and its own department's, its own routings and steps, and the
forms to hand back (退回), ask an extension (延期申请), complete its routing and its steps, and write a message.

Every form posts to its own URL and calls one service of ``crm.service_requests.routing`` (or the approval-step and
thread services); the services decide who may do what and their refusals are shown as messages (``show_refusal``).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from crm.models import ApprovalStep, Routing, RoutingEvent, RoutingExtension
from crm.models.departments import ROUTING_STATUSES_VISIBLE_TO_DEPARTMENT
from crm.roles import Work, may
from crm.service_requests import clock
from crm.service_requests import routing as routing_services
from crm.service_requests.approval_steps import approval_step_complete
from crm.service_requests.selectors import (
    approval_steps_visible,
    extensions_of,
    message_list,
    routing_list,
    routings_of,
)

from .common import ReadOnlyAdminMixin, show_refusal
from .routing_forms import (
    DepartmentMessageForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    HandBackForm,
    RouteForm,
    RoutingCompleteForm,
    StepCompleteForm,
    TransferForm,
)

# The queue's colour classes (crm.admin.service_requests.CLOCK_CLASSES), for a routing's clock too.
CLOCK_CLASSES = {clock.RED: "zj-late", clock.YELLOW: "zj-at-risk", clock.GREEN: "zj-on-time"}


def is_liaison_view(user) -> bool:
    """Whether the admin shows ``user`` the liaison's reduced request pages: the role table's reading of a liaison who
    reads only what is routed to its departments (``User.reads_routed_requests_only``). A liaison who is also on the
    desk, a station head or a manager gets the desk's pages."""
    return getattr(user, "reads_routed_requests_only", False)


def routing_clock_html(routing, *, now=None):
    """A routing's time left in the queue's colours, “—” once it is no longer active."""
    reading = clock.routing_time_left(routing, now=now or timezone.now())
    if reading.colour == clock.NONE:
        return "—"
    return format_html('<span class="{}">{}</span>', CLOCK_CLASSES[reading.colour], reading.label)


def _short(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class RoutingStatusFilter(admin.SimpleListFilter):
    """承办状态: the status of the liaison's own routing on the request (办理中, 已退回, 已转办, 已办结)."""

    title = _("承办状态")
    parameter_name = "routing_status"

    def lookups(self, request, model_admin):
        # Only what keeps a request the department's (being worked on, or its record once completed).
        return [(s, Routing.Status(s).label) for s in ROUTING_STATUSES_VISIBLE_TO_DEPARTMENT]

    def queryset(self, request, queryset):
        if self.value() not in Routing.Status.values:
            return queryset
        return queryset.filter(routings__status=self.value(), routings__department__liaisons=request.user).distinct()


class RoutingAdminMixin:
    """See the module's docstring. Mixed in before ``ServiceFormViewMixin`` in ``ServiceRequestAdmin``'s bases."""

    liaison_list_display = ("title", "status", "routing_due", "routing_time_left", "category", "enterprise")
    liaison_fieldsets = ((None, {"fields": ("title", "enterprise_name", "category", "status")}),)

    # ---- the queryset: the one scope of requests ----

    def get_queryset(self, request):
        queryset = super().get_queryset(request).visible_to(request.user)
        if is_liaison_view(request.user):
            own = Routing.objects.filter(department__liaisons=request.user).select_related("department")
            queryset = queryset.prefetch_related(Prefetch("routings", queryset=own, to_attr="my_routings"))
        return queryset

    # ---- the liaison's list and page ----

    def get_list_display(self, request):
        return self.liaison_list_display if is_liaison_view(request.user) else super().get_list_display(request)

    def get_list_display_links(self, request, list_display):
        return ("title",) if is_liaison_view(request.user) else super().get_list_display_links(request, list_display)

    def get_list_filter(self, request):
        return ("status", RoutingStatusFilter) if is_liaison_view(request.user) else super().get_list_filter(request)

    def get_search_fields(self, request):
        return ("title", "enterprise__name") if is_liaison_view(request.user) else super().get_search_fields(request)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if is_liaison_view(request.user):
            changelist.search_help_text = _("按标题或企业名称搜索。")
        return changelist

    def get_search_results(self, request, queryset, search_term):
        if is_liaison_view(request.user):
            # Title and enterprise only: not the request's number or the phone numbers in details it cannot read.
            return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)
        return super().get_search_results(request, queryset, search_term)

    def get_fieldsets(self, request, obj=None):
        return self.liaison_fieldsets if is_liaison_view(request.user) else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if is_liaison_view(request.user):
            return ("title", "enterprise_name", "category", "status")
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("企业"))
    def enterprise_name(self, obj):
        return obj.enterprise.name  # the full registered name: the department deals with the company, not its nickname

    def get_inlines(self, request, obj):
        # A liaison's page shows its messages, routings and steps in the 本单位承办 panel (``routing_context``).
        return [] if is_liaison_view(request.user) else super().get_inlines(request, obj)

    def get_actions(self, request):
        return {} if is_liaison_view(request.user) else super().get_actions(request)

    def has_export_permission(self, request):
        return not is_liaison_view(request.user) and super().has_export_permission(request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if is_liaison_view(request.user):
            # A request not routed to the liaison's departments is not there for it: 404, as in the API, rather than
            # the admin's “may have been deleted” redirect.
            raise Http404
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    def history_view(self, request, object_id, extra_context=None):
        if is_liaison_view(request.user):
            raise PermissionDenied  # the request's history holds what a liaison does not read (details, assignee)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if is_liaison_view(request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _my_routing(self, obj):
        routings = getattr(obj, "my_routings", [])
        active = [r for r in routings if r.status == Routing.Status.ACTIVE]
        return (active or routings[-1:] or [None])[0]

    @admin.display(description=_("本单位办理时限"))
    def routing_due(self, obj):
        routing = self._my_routing(obj)
        return _short(routing.due_at) if routing else "—"

    @admin.display(description=_("剩余时间"))
    def routing_time_left(self, obj):
        routing = self._my_routing(obj)
        if routing is None:
            return "—"
        if routing.status != Routing.Status.ACTIVE:
            return routing.get_status_display()
        return routing_clock_html(routing)

    # ---- the 承办单位 panel ----

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(self.routing_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def routing_context(self, request, obj) -> dict:
        user = request.user
        liaison = is_liaison_view(user)
        desk = not liaison and may(user, Work.ROUTING)
        open_request = obj.is_open
        now = timezone.now()
        rows = []
        for routing in routing_list(service_request=obj, user=user):  # a liaison's own departments' only
            active = routing.status == Routing.Status.ACTIVE
            pending = [e for e in routing.extensions.all() if e.status == RoutingExtension.Status.PENDING]
            rows.append({
                "routing": routing,
                "clock": routing_clock_html(routing, now=now),
                "pending": pending[0] if pending else None,
                "can_transfer": desk and active and open_request,
                "can_work": liaison and active,
                "can_ask_extension": liaison and active and not pending,  # one pending request at a time
            })
        context = {
            "routing_rows": rows,
            "routing_liaison": liaison,
            "can_decide_extensions": not liaison and may(user, Work.EXTENSION_DECISION),
            "transfer_form": TransferForm() if desk else None,
            "route_form": RouteForm() if desk and open_request else None,
            "routing_urls": {name: reverse(f"admin:crm_servicerequest_{name}", args=[obj.pk]) for name in ROUTING_VIEWS},
        }
        if liaison:
            context.update({
                "department_messages": list(message_list(service_request=obj, user=user)),
                "department_message_form": DepartmentMessageForm(),
                "my_steps": list(approval_steps_visible(service_request=obj, user=user)),
            })
        return context

    # ---- the panel's forms, each to its own URL and service ----

    def get_urls(self):
        own = [
            path(f"<path:object_id>/{name.replace('_', '-')}/", self.admin_site.admin_view(getattr(self, f"{name}_view")),
                 name=f"crm_servicerequest_{name}")
            for name in ROUTING_VIEWS
        ]
        return own + super().get_urls()

    def routing_form_view(self, request, object_id, form_class, call):
        """The request (404 beyond what the user may see: the queryset's scope), the form (its errors as messages),
        the service call (its success message or its refusal), back to the request's page."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:crm_servicerequest_change", args=[obj.pk])
        if request.method != "POST":
            return redirect(change_url)
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(change_url)
        with show_refusal(request):
            messages.success(request, call(obj, form.cleaned_data))
        return redirect(change_url)

    def _routing_of(self, request, obj, pk) -> Routing:
        """A routing of this request the user may act on (``routings_of``: a liaison's own departments'), else 404."""
        try:
            return routings_of(user=request.user).get(pk=pk, service_request=obj)
        except Routing.DoesNotExist:
            raise Http404 from None

    def route_view(self, request, object_id):
        def route(obj, data):
            routing = routing_services.routing_create(
                service_request=obj, department=data["department"], role=data["role"], note=data["note"],
                actor=request.user,
            )
            return _t("已分办给 %(department)s（%(role)s），办理时限 %(due)s。") % {
                "department": routing.department, "role": routing.get_role_display(), "due": _short(routing.due_at)}

        return self.routing_form_view(request, object_id, RouteForm, route)

    def transfer_view(self, request, object_id):
        def transfer(obj, data):
            routing = self._routing_of(request, obj, data["routing"])
            routing_services.routing_transfer(
                routing=routing, to_department=data["to_department"], note=data["note"], actor=request.user
            )
            return _t("已由 %(from)s 转办至 %(to)s。") % {"from": routing.department, "to": data["to_department"]}

        return self.routing_form_view(request, object_id, TransferForm, transfer)

    def hand_back_view(self, request, object_id):
        def hand_back(obj, data):
            routing = self._routing_of(request, obj, data["routing"])
            routing_services.routing_hand_back(routing=routing, reason=data["reason"], actor=request.user)
            return _t("已退回驿站。")

        return self.routing_form_view(request, object_id, HandBackForm, hand_back)

    def extension_view(self, request, object_id):
        def extension(obj, data):
            routing = self._routing_of(request, obj, data["routing"])
            routing_services.routing_request_extension(
                routing=routing, due_at=data["due_at"], reason=data["reason"], actor=request.user
            )
            return _t("延期申请已提交，等待驿站站长审批。")

        return self.routing_form_view(request, object_id, ExtensionRequestForm, extension)

    def complete_view(self, request, object_id):
        def complete(obj, data):
            routing = self._routing_of(request, obj, data["routing"])
            routing_services.routing_complete(routing=routing, note=data["note"], actor=request.user)
            return _t("本单位承办事项已办结。")

        return self.routing_form_view(request, object_id, RoutingCompleteForm, complete)

    def decide_view(self, request, object_id):
        def decide(obj, data):
            try:
                extension = extensions_of(user=request.user).get(pk=data["extension"], routing__service_request=obj)
            except RoutingExtension.DoesNotExist:
                raise Http404 from None
            routing_services.routing_decide_extension(
                extension=extension, approve=data["approve"], note=data["note"], actor=request.user
            )
            if data["approve"]:
                return _t("已批准 %(department)s 延期至 %(due)s。") % {
                    "department": extension.routing.department, "due": _short(extension.requested_due_at)}
            return _t("已不批准 %(department)s 的延期申请。") % {"department": extension.routing.department}

        return self.routing_form_view(request, object_id, ExtensionDecisionForm, decide)

    def step_complete_view(self, request, object_id):
        def complete_step(obj, data):
            try:
                step = approval_steps_visible(service_request=obj, user=request.user).get(pk=data["step"])
            except ApprovalStep.DoesNotExist:
                raise Http404 from None
            approval_step_complete(step=step, actor=request.user)
            return _t("审批环节“%(name)s”已完成。") % {"name": step.name}

        return self.routing_form_view(request, object_id, StepCompleteForm, complete_step)

    def department_message_view(self, request, object_id):
        def post(obj, data):
            # The liaison writes as its department on this request: its routing here (the one being worked on first).
            own = routings_of(user=request.user).filter(service_request=obj).order_by("status", "-routed_at", "-id")
            routing = next(iter(sorted(own, key=lambda r: r.status != Routing.Status.ACTIVE)), None)
            if routing is None:
                raise Http404
            routing_services.routing_message_post(routing=routing, body=data["body"], actor=request.user)
            return _t("留言已发送给驿站。")

        return self.routing_form_view(request, object_id, DepartmentMessageForm, post)


# The panel's views: URL name ``crm_servicerequest_<name>``, path ``<id>/<name with dashes>/``, method ``<name>_view``.
ROUTING_VIEWS = ("route", "transfer", "hand_back", "extension", "complete", "decide", "step_complete",
                 "department_message")


# ---- the lists across requests: looked up here, worked on the request's page ----


def _request_link(service_request):
    url = reverse("admin:crm_servicerequest_change", args=[service_request.pk])
    return format_html('<a href="{}">{}</a>', url, service_request.title)


@admin.register(Routing)
class RoutingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """分办: every routing the user may read (a liaison its own departments'), due time in the queue's colours; each is
    worked on its request's page (``RoutingAdminMixin``) through the routing services."""

    list_display = ("request_link", "department", "role", "status", "due_at", "clock", "routed_by", "routed_at")
    list_filter = ("status", "role", "department")
    search_fields = ("service_request__title", "department__name")
    ordering = ("due_at", "id")

    def get_queryset(self, request):
        # Queries: the page's routings with their request, department and routing officer, in one.
        return routings_of(user=request.user).select_related("routed_by")

    @admin.display(description=_("诉求"), ordering="service_request__title")
    def request_link(self, obj):
        return _request_link(obj.service_request)

    @admin.display(description=_("剩余时间"))
    def clock(self, obj):
        return routing_clock_html(obj)


@admin.register(RoutingExtension)
class RoutingExtensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """延期申请: the station head's list (待审批 first); decided on the request's page, asked first."""

    list_display = ("request_link", "department", "requested_due_at", "reason", "requested_by", "status", "decided_by")
    list_filter = ("status",)
    ordering = ("-status", "requested_at", "id")  # "pending" sorts after "approved"/"refused": descending first

    def get_queryset(self, request):
        return extensions_of(user=request.user).select_related("requested_by", "decided_by")

    @admin.display(description=_("诉求"))
    def request_link(self, obj):
        return _request_link(obj.routing.service_request)

    @admin.display(description=_("承办单位"))
    def department(self, obj):
        return obj.routing.department


@admin.register(RoutingEvent)
class RoutingEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """流转记录: every step of the routings the user may read, who and when."""

    list_display = ("created_at", "request_link", "department", "kind", "actor", "note")
    list_filter = ("kind",)
    ordering = ("-created_at", "-id")

    def get_queryset(self, request):
        return RoutingEvent.objects.filter(routing__in=routings_of(user=request.user)).select_related(
            "actor", "routing__department", "routing__service_request"
        )

    @admin.display(description=_("诉求"))
    def request_link(self, obj):
        return _request_link(obj.routing.service_request)

    @admin.display(description=_("承办单位"))
    def department(self, obj):
        return obj.routing.department
