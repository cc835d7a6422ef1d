"""The admin's landing page (工作台), the app list one click away (全部功能), the quick follow-up form of the
workbench's rows, and the personal inbox (我的提醒).

Thin: the panels are ``crm.workbench``'s selectors, a follow-up is ``crm.pipeline.services.follow_up_create``,
the inbox is ``crm.notifications.inbox``. Every view is wrapped by ``admin.site.admin_view`` (staff only, signed in,
CSRF-protected, never cached) in ``crm/admin/urls.py``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.errors import DomainError
from crm.models import FollowUp, Notification, Project
from crm.notifications.inbox import notification_list, notifications_mark_read
from crm.notifications.outbox import Channel
from crm.pipeline.services import follow_up_create
from crm.roles import Area, may_read
from crm.templatetags.zj_admin import remember_unread
from crm.workbench import workbench_for

from .forms import FollowUpQuickForm

INBOX_PAGE_SIZE = 50
STATUS_OF_REFUSAL = {DomainError.FORBIDDEN: 403, DomainError.ILLEGAL_TRANSITION: 409, DomainError.INVALID: 400}


def _context(request, **extra) -> dict:
    return {**admin.site.each_context(request), **extra}


def workbench(request):
    """/admin/: the signed-in person's workbench, by role (``crm.workbench.workbench_for``)."""
    today = timezone.localdate()
    bench = workbench_for(user=request.user)
    remember_unread(request, bench.reminders.count)  # the header's badge: the panel has counted them already
    context = _context(
        request,
        title=_("工作台"),
        bench=bench,
        today=today,
        follow_up_kinds=FollowUp.Kind.choices,
        may_read_pipeline=may_read(request.user, Area.PIPELINE),
    )
    return TemplateResponse(request, "admin/index.html", context)


def app_list(request):
    """/admin/apps/: Django's own list of every model the person may open (全部功能)."""
    context = _context(request, title=_("全部功能"), app_list=admin.site.get_app_list(request))
    return TemplateResponse(request, "admin/apps.html", context)


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[name].label}：{'，'.join(errors)}" if name in form.fields else "，".join(errors)
        for name, errors in form.errors.items()
    )


PANELS_WITH_ROWS = ("due", "stale")  # the panels whose rows carry the form, and the anchors of their rows


def _back_to_row(request, project) -> str:
    panel = request.POST.get("panel")
    return reverse("admin:index") + (f"#{panel}-project-{project.pk}" if panel in PANELS_WITH_ROWS else "")


@require_POST
def follow_up_quick(request, pk):
    """Record a follow-up from a workbench row. Answers JSON to the page's script (``static/js/workbench.js``:
    the row is updated in place), or redirects back to the workbench with a message when posted without it."""
    if not may_read(request.user, Area.PIPELINE):
        raise PermissionDenied
    project = get_object_or_404(Project.objects.select_related("enterprise"), pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = FollowUpQuickForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            follow_up_create(project=project, officer=request.user, **form.cleaned_data)
        except DomainError as error:
            status = STATUS_OF_REFUSAL.get(error.code, 400)
            error.add_to_form(form)
    if form.errors:
        message = _form_errors(form)
        if wants_json:
            return JsonResponse({"ok": False, "message": message, "errors": form.errors}, status=status)
        messages.error(request, _t("“%(project)s”的跟进未保存：%(why)s") % {"project": project.name, "why": message})
        return redirect(_back_to_row(request, project))
    done = _t("已记录跟进：%(project)s") % {"project": project.name}
    if wants_json:
        return JsonResponse({
            "ok": True,
            "message": done,
            "project": project.pk,
            "followed_up_on": project.followed_up_on.isoformat() if project.followed_up_on else "",
            "next_step": project.next_step,
            "next_follow_up_on": project.next_follow_up_on.isoformat() if project.next_follow_up_on else "",
        })
    messages.success(request, done)
    return redirect(_back_to_row(request, project))


def inbox(request):
    """/admin/inbox/: 我的提醒 — the signed-in person's own in-app reminders, newest first (``?unread=1``: unread only)."""
    unread_only = request.GET.get("unread") == "1"
    notifications = notification_list(user=request.user).filter(channel=Channel.IN_APP)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(request, title=_("我的提醒"), page=page, unread_only=unread_only)
    return TemplateResponse(request, "admin/inbox.html", context)


@require_POST
def inbox_mark_read(request):
    """Mark one of my reminders read (``notification``), or all of them (no ``notification``); someone else's
    reminder is a 404 and stays as it was."""
    pk = request.POST.get("notification")
    if pk:
        if not pk.isdigit():
            raise Http404
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user, channel=Channel.IN_APP)
        notifications_mark_read(user=request.user, notification=notification)
    else:
        changed = notifications_mark_read(user=request.user)
        messages.success(request, _t("已将 %(n)s 条提醒标为已读。") % {"n": changed})
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("workbench:inbox")
