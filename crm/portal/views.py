"""Enterprise portal (企业服务门户): thin views over the service-request selectors and services.

Every view that takes a request id looks it up through ``service_request_list(user=...)``, so a
request of another enterprise is a 404 before anything else happens. Services raise
``DomainError``; ``access.show_refusal`` shows its message next to the field it names, or as a page message.
"""

import re

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from crm.figures.services import figure_submit
from crm.models import EnterpriseFigure, Notification, ServiceCategory, ServiceRequest
from crm.notifications.inbox import notifications_mark_read
from crm.service_requests.attachments import attachment_refused, attachments_add
from crm.service_requests.category_forms import category_forms_current
from crm.service_requests.clock import time_left
from crm.service_requests.details import details_for_display, details_form_for, details_labels
from crm.service_requests.satisfaction import service_request_rate
from crm.service_requests.selectors import message_list, service_request_detail_queryset, service_request_list
from crm.service_requests.services import (
    ACTIONS,
    allowed_actions,
    service_request_submit,
    service_request_transition,
    transition_label,
)
from crm.service_requests.thread import message_post, message_refused
from crm.service_requests.timeline import enterprise_timeline, handling_departments

from .access import enterprise_required, portal_render, show_refusal
from .forms import (
    AttachmentAddForm,
    FigureSubmitForm,
    MessageForm,
    PortalAuthenticationForm,
    RatingForm,
    ServiceRequestForm,
    TransitionForm,
)

PAGE_SIZE = 20
# What an enterprise may do from the portal with a plain button; ``close`` goes through the rating form.
BUTTON_ACTIONS = ("withdraw", "reopen")


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm
    next_page = reverse_lazy("portal:request-list")


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:login")


def _visible_request(user, pk, *, detail=False) -> ServiceRequest:
    queryset = service_request_detail_queryset(user=user) if detail else service_request_list(user=user)
    try:
        return queryset.get(pk=pk)
    except ServiceRequest.DoesNotExist:
        raise Http404 from None


def _back(request_obj):
    return redirect("portal:request-detail", pk=request_obj.pk)


@require_safe
@enterprise_required
def request_list(request):
    # Queries: session, user, user's groups (role check), unread badge, page count, page rows.
    page = Paginator(service_request_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(obj, time_left(obj, now=now)) for obj in page.object_list]
    many_enterprises = len({obj.enterprise_id for obj, _ in rows}) > 1
    return portal_render(
        request, "portal/request_list.html", {"page": page, "rows": rows, "many_enterprises": many_enterprises}
    )


def _detail_forms(categories, *, data=None, selected=None):
    """One form of own fields per category that has them, bound only for the chosen category."""
    forms = {}
    versions = category_forms_current(categories)
    for category in categories:
        form = details_form_for(
            versions.get(category.pk), data if category.code == selected else None, prefix=f"details-{category.code}"
        )
        if form is not None:
            forms[category.code] = form
    return forms


def _raw_details(form) -> dict:
    """The submitted values of a details form under their own field names, as the service expects them."""
    return {name: form.data.get(form.add_prefix(name), "") for name in form.fields}


def _submit(form, details_form, user) -> ServiceRequest:
    service_request, _warnings = service_request_submit(
        enterprise=form.chosen_enterprise(),
        category=form.cleaned_data["category"],
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        details=_raw_details(details_form) if details_form is not None else None,
        attachments=form.cleaned_data["attachments"],
        submitted_by=user,
    )
    return service_request


@require_http_methods(["GET", "HEAD", "POST"])
@enterprise_required
def request_create(request):
    user = request.user
    categories = list(ServiceCategory.objects.filter(is_active=True))
    codes = {category.code for category in categories}
    selected = (request.POST if request.method == "POST" else request.GET).get("category")
    selected = selected if selected in codes else None

    if request.method == "POST":
        form = ServiceRequestForm(request.POST, request.FILES, user=user)
        detail_forms = _detail_forms(categories, data=request.POST, selected=selected)
        details_form = detail_forms.get(selected)
        form_ok = form.is_valid()
        details_ok = details_form.is_valid() if details_form is not None else True
        if form_ok and details_ok and form.enterprises:
            with show_refusal(request, form, details_form):
                service_request = _submit(form, details_form, user)
                messages.success(
                    request,
                    _("诉求已提交，办理时限：%(due)s。")
                    % {"due": timezone.localtime(service_request.due_at).strftime("%Y-%m-%d %H:%M")},
                )
                return redirect("portal:request-detail", pk=service_request.pk)
    else:
        form = ServiceRequestForm(user=user, initial={"category": selected} if selected else None)
        detail_forms = _detail_forms(categories)

    return portal_render(
        request,
        "portal/request_form.html",
        {
            "form": form,
            "detail_forms": [(c, detail_forms[c.code]) for c in categories if c.code in detail_forms],
            "selected": selected,
            "categories": categories,
        },
        status=400 if request.method == "POST" else 200,
    )


def _with_files(thread, attachments):
    """Each message with the files sent with it (``message.files``), from the request's files already loaded."""
    by_message = {}
    for attachment in attachments:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    thread = list(thread)
    for message in thread:
        message.files = by_message.get(message.pk, [])
    return thread


@require_safe
@enterprise_required
def request_detail(request, pk):
    # Queries: session, user, groups, the request with enterprise/category/assignee/submitter, its attachments,
    # approval steps and transitions (with actors), the thread, the membership check of allowed_actions, the badge.
    user = request.user
    obj = _visible_request(user, pk, detail=True)
    labels = details_labels(obj)
    details = [(labels.get(key, key), value) for key, value in details_for_display(service_request=obj, user=user).items()]
    actions = allowed_actions(service_request=obj, user=user)
    return portal_render(
        request,
        "portal/request_detail.html",
        {
            "obj": obj,
            "details": details,
            "time_left": time_left(obj, now=timezone.now()),
            "thread": _with_files(message_list(service_request=obj, user=user), obj.attachments.all()),
            # A row that keeps the status (an assignment) is shown by its name, the others by the status reached.
            "history": [
                (t, transition_label(t.action) if t.from_status == t.to_status else None) for t in obj.transitions.all()
            ],
            "button_actions": [(name, ACTIONS[name].label) for name in BUTTON_ACTIONS if name in actions],
            "can_rate": "close" in actions,
            # The forms are offered when the services would take what they send (a finished request: neither).
            "can_write": message_refused(service_request=obj, author=user) is None,
            "can_upload": attachment_refused(service_request=obj, user=user) is None,
            "message_form": MessageForm(),
            "attachment_form": AttachmentAddForm(),
            "rating_form": RatingForm(),
            "transition_form": TransitionForm(),
            # 承办单位 and 承办进度: the enterprise's reading of routing (never a note, crm.service_requests.timeline).
            "handling": handling_departments(service_request=obj),
            "routing_timeline": enterprise_timeline(service_request=obj),
        },
    )


@require_POST
@enterprise_required
def message_create(request, pk):
    obj = _visible_request(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _back(obj)
    with show_refusal(request):
        message_post(
            service_request=obj, author=request.user, body=form.cleaned_data["body"],
            uploads=form.cleaned_data["attachments"],
        )
        messages.success(request, _("留言已发送。"))
    return redirect(reverse("portal:request-detail", kwargs={"pk": obj.pk}) + "#thread")


@require_POST
@enterprise_required
def attachment_create(request, pk):
    obj = _visible_request(request.user, pk)
    form = AttachmentAddForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["attachments"]))
        return _back(obj)
    with show_refusal(request):
        saved = attachments_add(service_request=obj, uploads=form.cleaned_data["attachments"], user=request.user)
        messages.success(request, _("已上传 %(n)s 个附件。") % {"n": len(saved)})
    return _back(obj)


@require_POST
@enterprise_required
def request_transition(request, pk, action):
    if action not in BUTTON_ACTIONS:
        raise Http404
    obj = _visible_request(request.user, pk)
    form = TransitionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    with show_refusal(request):
        service_request_transition(service_request=obj, action=action, actor=request.user, note=note)
        messages.success(request, _("已%(label)s。") % {"label": ACTIONS[action].label})
    return _back(obj)


@require_POST
@enterprise_required
def request_rate(request, pk):
    obj = _visible_request(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        field = "rating" if "rating" in form.errors else "comment"
        messages.error(request, _("%(field)s：%(errors)s") % {
            "field": form.fields[field].label, "errors": " ".join(form.errors[field]),
        })
        return _back(obj)
    with show_refusal(request):
        service_request_rate(
            service_request=obj, user=request.user, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("感谢您的评价，诉求已关闭。"))
    return _back(obj)


@require_safe
@enterprise_required
def notification_list(request):
    notifications = Notification.objects.filter(
        recipient=request.user, channel=Notification.Channel.IN_APP
    ).select_related("content_type")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for notification in page.object_list:
        content_type = notification.content_type
        link = None
        kind = (content_type.app_label, content_type.model) if content_type else None
        if kind == ("crm", "servicerequest"):
            link = reverse("portal:request-detail", kwargs={"pk": notification.object_id})
        elif kind == ("parks", "policyclause"):  # 新的可申请政策: the enterprise's own matches
            link = reverse("parks_portal:policy-matches")
        notification.shown_body = text_without_links(notification.body)
        rows.append((notification, link))
    return portal_render(request, "portal/notification_list.html", {"page": page, "rows": rows})


_URL = re.compile(r"https?://\S+")


def text_without_links(body: str) -> str:
    """A notification's text as the portal shows it: the subject is the link, so a raw address written for an e-mail
    is not shown — a line that only labels it (“查看并申请：http://…”) is dropped, an address within a sentence removed."""
    lines = []
    for line in body.splitlines():
        found = _URL.search(line)
        if found:
            before = line[: found.start()].rstrip()
            if not before or before.endswith(("：", ":")):
                continue
            line = _URL.sub("", line).rstrip()
        lines.append(line)
    return "\n".join(lines).strip()


@require_POST
@enterprise_required
def notification_mark_read(request):
    notifications_mark_read(user=request.user)
    return redirect("portal:notifications")


@require_http_methods(["GET", "HEAD", "POST"])
@enterprise_required
def figure_list(request):
    """年度指标: the user's enterprises' yearly figures with their status (and a returned report's reason), and the
    form to report a year's figures with an evidence file; staff confirm them before they count."""
    user = request.user
    if request.method == "POST":
        form = FigureSubmitForm(request.POST, request.FILES, user=user)
        if form.is_valid() and form.enterprises:
            with show_refusal(request, form):
                figure = figure_submit(
                    enterprise=form.chosen_enterprise(),
                    year=form.cleaned_data["year"],
                    values=form.values(),
                    evidence=form.cleaned_data["evidence"],
                    actor=user,
                )
                messages.success(
                    request, _("%(year)s 年度指标已提交，园区工作人员确认后生效。") % {"year": figure.year}
                )
                return redirect("portal:figures")
    else:
        form = FigureSubmitForm(user=user)
    # Queries: session, user, groups (role check), unread badge, the user's enterprises (form), the rows.
    rows = (
        EnterpriseFigure.objects.visible_to(user)
        .select_related("enterprise")
        .order_by("-year", "enterprise__name", "source")
    )
    return portal_render(
        request,
        "portal/figures.html",
        {"form": form, "rows": rows, "many_enterprises": len(form.enterprises) > 1},
        status=400 if request.method == "POST" else 200,
    )
