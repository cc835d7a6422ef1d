"""Shared pieces of the staff admin: money display, read-only admins, 撞单 texts, and the one place a service's
DomainError becomes a message or a form error (``show_refusal``, ``ServiceFormViewMixin``)."""

from contextlib import contextmanager
from decimal import Decimal
from html import escape

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _t
from simple_history.admin import SimpleHistoryAdmin

from crm.errors import DomainError
from crm.models import KEY_PROJECT_THRESHOLD, MAJOR_PROJECT_THRESHOLD
from crm.pipeline.collisions import project_collisions

YI = Decimal("10000")  # 1 亿元 = 10,000 万元


def money_wan(amount: Decimal | None):
    """12000 → “12,000.00 万元 (1.20 亿)”: officers think in 万元, leaders in 亿元."""
    if amount is None:
        return "—"
    if amount >= YI:
        # Digits, commas and a point only: nothing to escape (a list draws one a row, without format_html's cost).
        wan, yi = _t("%(amount)s 万元") % {"amount": f"{amount:,.2f}"}, _t("（%(amount)s 亿）") % {"amount": f"{amount / YI:,.2f}"}
        return mark_safe(f'{escape(wan)}<br><span class="zj-yi">{escape(yi)}</span>')  # noqa: S308 - escaped
    return _t("%(amount)s 万元") % {"amount": f"{amount:,.2f}"}


def priority_badge(amount: Decimal | None):
    """重大 (≥ 10 亿) or 重点 (≥ 1 亿) as a coloured badge; nothing for an ordinary project."""
    if amount is None:
        return ""
    if amount >= MAJOR_PROJECT_THRESHOLD:
        label = escape(_t("重大"))
        return mark_safe(f'<span class="zj-badge zj-major">{label}</span>')  # noqa: S308 - escaped
    if amount >= KEY_PROJECT_THRESHOLD:
        label = escape(_t("重点"))
        return mark_safe(f'<span class="zj-badge zj-key">{label}</span>')  # noqa: S308 - escaped
    return ""


def collision_texts(projects) -> list[str]:
    """The 撞单 warning for each colliding project, naming it, its owner and its stage."""
    return [
        _t("撞单提醒：%(owner)s 已在跟进该企业的项目“%(project)s”（%(stage)s）。")
        % {"owner": p.owner, "project": p.name, "stage": p.get_stage_display()}
        for p in projects
    ]


def warn_collisions(request, *, enterprise, owner, exclude_project=None) -> None:
    """Show a 撞单 warning for every active project of another officer on the same company."""
    hits = project_collisions(enterprise=enterprise, exclude_owner=owner, exclude_project=exclude_project)
    for text in collision_texts(hits):
        messages.warning(request, text)


def run_each(request, objects, call, *, done_message) -> None:
    """Apply a service call to each selected row; a refused row shows its DomainError and does not stop the others."""
    done = 0
    for obj in objects:
        with show_refusal(request, about=obj) as refusal:
            call(obj)
        if refusal.error is None:
            done += 1
    if done:
        messages.success(request, done_message % {"n": done})


class ReadOnlyAdminMixin:
    """For records written only by services (history rows, transitions, notifications): look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    classes = ["zj-readonly"]  # the stylesheet hides the duplicate row title Django prints above read-only rows
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [f.name for f in self.model._meta.fields if f.name not in ("id",)]


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a revert would save an old status past the services."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def take_identity(obj, saved) -> None:
    """After a service wrote the row, the admin goes on with its own ``obj`` (inlines, log entry, redirect):
    give it the stored row's values and identity."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class Refusal:
    """What a ``show_refusal`` block ended with: the ``DomainError`` that stopped it, else ``None``."""

    error: DomainError | None = None


@contextmanager
def show_refusal(request=None, *, form=None, about=None):
    """The admin's one reading of a service's refusal: a ``DomainError`` raised in the block stops it and is shown —
    next to the field it names on ``form`` (else above the form), or as an error message, prefixed by the row it is
    ``about`` when several rows are worked on. The view goes on after the block; ``refusal.error`` says what stopped it.
    """
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        refusal.error = error
        if form is not None:
            error.add_to_form(form)
        else:
            messages.error(request, error.message if about is None else f"{about}：{error.message}")


class ServiceFormViewMixin:
    """The small forms on a change page (变更阶段, 办理, 分派, 地块状态, 兑现决定) posted to their own URL.

    ``service_form_view`` is the whole view: the row (404 if unknown, 403 without the change permission), a GET or
    an invalid form back to the change page with the form's errors as messages, then the service call — its success
    message or its refusal (``show_refusal``) — and back to the change page.
    """

    def service_form_view(self, request, object_id, form_class, call, *, object_kwarg=None, invalid_messages=None):
        """``call(obj, cleaned_data)`` runs the service and returns the success message. ``object_kwarg`` names the
        form's argument for the row; ``invalid_messages(form)`` replaces the form's own errors when it does not
        validate."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if request.method != "POST":
            return redirect(change_url)
        form = form_class(request.POST, request.FILES, **({object_kwarg: obj} if object_kwarg else {}))
        if not form.is_valid():
            shown = invalid_messages(form) if invalid_messages else [e for errors in form.errors.values() for e in errors]
            for message in shown:
                messages.error(request, message)
            return redirect(change_url)
        with show_refusal(request):
            messages.success(request, call(obj, form.cleaned_data))
        return redirect(change_url)


class ServiceRefusalsAsMessagesMixin:
    """A change form whose rows are saved by services.

    The forms run the services' checks first, so a refusal normally shows next to its field. One only the service
    can see at save time (the row changed meanwhile) propagates out of the admin's transaction, which rolls the
    whole submit back — nothing of it is stored — and comes back as an error message on the same page.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with show_refusal(request):
            return super().changeform_view(request, object_id, form_url, extra_context)
        return HttpResponseRedirect(request.get_full_path())
