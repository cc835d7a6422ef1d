"""Supply side in the staff admin: parks, land parcels, spaces, policies and policy money.

Parcel status moves and grant decisions go through ``parks.services`` from a small form on the change
page (``admin/parks/<model>/change_form.html``); criteria are edited with selects, never raw codes.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from crm.admin.common import NoRevertHistoryAdmin, ServiceFormViewMixin, money_wan, show_refusal
from crm.admin.exports import ListExportMixin
from crm.admin.lists import ListEntryAdmin
from crm.figures.services import figure_confirm, figure_reject

from .exports import LandParcelExportResource, PolicyGrantExportResource, SpaceExportResource
from .forms import (
    ApplicationDecisionForm,
    EligibilityCriterionForm,
    GrantDecisionForm,
    GrantInstalmentForm,
    GrantRecordForm,
    ParcelMoveForm,
    PolicyClauseForm,
)
from .instalments import commitments_by_project, grant_standing
from .models import (
    BenefitKind,
    EligibilityCriterion,
    GrantInstalment,
    LandParcel,
    MuMethod,
    ParcelStatus,
    Park,
    Policy,
    PolicyApplication,
    PolicyClause,
    PolicyGrant,
    Space,
    SuppliedFact,
)
from .selectors.parcels import STATUS_COLOURS
from .services.applications import (
    policy_application_approve,
    policy_application_refuse,
    supplied_fact_confirm,
    supplied_fact_reject,
)
from .services.grants import (
    policy_grant_approve,
    policy_grant_disburse,
    policy_grant_record,
    policy_grant_reject,
)
from .services.instalments import grant_instalment_pay, grant_instalment_record_clawback, grant_instalments_plan
from .services.parcels import allowed_parcel_moves, parcel_change_status, parcel_reserve, parcel_transfer
from .services.proposals import (
    clause_propose_grants,
    grant_confirm_proposal,
    grant_dismiss_proposal,
    grants_confirm_proposals,
    proposals_total,
)


class ChildParkInline(admin.TabularInline):
    model = Park
    fk_name = "parent"
    fields = ("name", "short_name", "kind")
    extra = 0
    show_change_link = True
    verbose_name_plural = _("下级园区")


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "parent", "planned_area_km2", "target_enterprises", "established_on")
    list_select_related = ("parent",)
    list_filter = ("kind", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "short_name")
    autocomplete_fields = ("parent",)
    inlines = [ChildParkInline]


# ---------------------------------------------------------------------------------------------------
# Land parcels
# ---------------------------------------------------------------------------------------------------


@admin.register(LandParcel)
class LandParcelAdmin(ServiceFormViewMixin, ListExportMixin, NoRevertHistoryAdmin):
    """地块: the status, the project and the transfer date move only through the parcel services, from the
    “变更状态” form on the change page; every move is in the parcel's history."""

    resource_classes = [LandParcelExportResource]
    export_file_stem = ("地块", "parcels")

    list_display = ("code", "name", "park", "land_use", "area_m2", "reserve_price_display", "status_display", "project")
    list_select_related = ("park", "project")
    list_filter = ("status", "land_use", ("park", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "address")
    autocomplete_fields = ("park",)
    readonly_fields = ("status", "project", "transferred_on", "transfer_price")
    fieldsets = (
        (None, {"fields": ("code", "name", "park", "land_use", "area_m2", "far_min", "far_max", "address")}),
        (_("出让"), {"fields": ("status", "project", "reserve_price", "transfer_price", "transferred_on")}),
        (_("地图"), {"classes": ["collapse"], "fields": ("outline",)}),
    )

    class Media:
        css = {"all": ["parks/admin.css"]}

    @admin.display(description=_("起始价"), ordering="reserve_price")
    def reserve_price_display(self, obj):
        return money_wan(obj.reserve_price)

    @admin.display(description=_("状态"), ordering="status")
    def status_display(self, obj):
        return format_html('<span class="zj-dot" style="background:{}"></span>{}', STATUS_COLOURS[obj.status],
                           obj.get_status_display())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj) and allowed_parcel_moves(obj):
            move_form = ParcelMoveForm(parcel=obj)
            context["move_form"] = move_form
            context["move_form_url"] = reverse("admin:parks_landparcel_move", args=[obj.pk])
            context["media"] = context["media"] + move_form.media
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        own = [path("<path:object_id>/move/", self.admin_site.admin_view(self.move_view), name="parks_landparcel_move")]
        return own + super().get_urls()

    def move_view(self, request, object_id):
        """POST from the change page: one legal move through the parcel services; refusals come back as messages."""
        def move(parcel, data):
            to = data["to"]
            if to == ParcelStatus.RESERVED:
                moved = parcel_reserve(parcel=parcel, project=data["project"], actor=request.user, note=data["note"])
            elif to == ParcelStatus.TRANSFERRED:
                moved = parcel_transfer(
                    parcel=parcel, project=data["project"], on=data["transferred_on"], price=data["price"],
                    actor=request.user, note=data["note"],
                )
            else:
                moved = parcel_change_status(parcel=parcel, to=to, actor=request.user, note=data["note"])
            return _t("地块 %(code)s 已转为“%(status)s”。") % {"code": moved.code, "status": moved.get_status_display()}

        return self.service_form_view(request, object_id, ParcelMoveForm, move, object_kwarg="parcel")


@admin.register(Space)
class SpaceAdmin(ListExportMixin, admin.ModelAdmin):
    resource_classes = [SpaceExportResource]
    export_file_stem = ("载体空间", "spaces")
    list_display = (
        "__str__", "park", "kind", "area_m2", "rent_per_m2_day", "status", "occupant", "rent_free_months", "rent_free_end",
    )
    list_select_related = ("park", "occupant")
    list_filter = ("status", "kind", ("park", admin.RelatedOnlyFieldListFilter))
    search_fields = ("building", "unit", "occupant__name")
    autocomplete_fields = ("park", "occupant")
    readonly_fields = ("rent_free_end",)
    fieldsets = (
        (None, {"fields": ("park", "building", "unit", "kind", "area_m2", "rent_per_m2_day")}),
        (_("入驻"), {"fields": ("status", "occupant", "lease_start", "lease_end", "rent_free_months", "rent_free_end")}),
    )

    @admin.display(description=_("免租期满日"))
    def rent_free_end(self, obj):
        """The day rent starts; 60 days before it, the rent-free reminder goes out."""
        return obj.rent_free_ends_on or "—"


# ---------------------------------------------------------------------------------------------------
# Policies, clauses and their criteria
# ---------------------------------------------------------------------------------------------------


def _criteria_summary(clause) -> str:
    """“产业链：信创与商用密码；注册在指定园区：信创园” from prefetched criteria (park included)."""
    criteria = list(clause.criteria.all())
    if not criteria:
        return _t("不限")
    return "；".join(str(c) for c in criteria)


class PolicyClauseInline(admin.TabularInline):
    model = PolicyClause
    fields = (
        "number", "title", "benefit_kind", "amount_cap", "formula", "no_application", "valid_from", "valid_until",
        "criteria_summary",
    )
    readonly_fields = ("criteria_summary",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("criteria", queryset=EligibilityCriterion.objects.select_related("park"))
        )

    @admin.display(description=_("申报条件"))
    def criteria_summary(self, obj):
        return format_html('<span class="zj-criteria-summary">{}</span>', _criteria_summary(obj)) if obj.pk else "—"


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "issuer", "issued_on", "valid_from", "valid_until", "park", "is_published")
    list_select_related = ("park",)
    list_filter = ("is_published", ("park", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "short_name", "issuer")
    autocomplete_fields = ("park",)
    inlines = [PolicyClauseInline]

    class Media:
        css = {"all": ["parks/admin.css"]}


class EligibilityCriterionInline(admin.TabularInline):
    """申报条件 of a clause: kind, then the option, number or park that kind needs (the rest greys out)."""

    model = EligibilityCriterion
    form = EligibilityCriterionForm
    fields = ("kind", "choice", "number", "park")
    autocomplete_fields = ("park",)
    extra = 0
    classes = ["zj-criteria"]
    verbose_name_plural = _("申报条件（同类条件满足其一即可，不同类条件须同时满足）")

    class Media:
        js = ["parks/criteria.js"]
        css = {"all": ["parks/admin.css"]}


@admin.register(BenefitKind)
class BenefitKindAdmin(ListEntryAdmin):
    """支持方式: a list the administrator edits, like the chains (crm.admin.lists)."""


@admin.register(PolicyClause)
class PolicyClauseAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "policy", "number", "benefit_kind", "amount_cap", "no_application", "valid_from", "valid_until",
        "application_closes_on", "criteria_summary",
    )
    list_select_related = ("policy",)
    list_filter = ("benefit_kind", "no_application", "policy")
    search_fields = ("title", "text", "policy__name", "policy__short_name")
    autocomplete_fields = ("policy",)
    form = PolicyClauseForm
    fieldsets = (
        (None, {"fields": ("policy", "number", "title", "text", "benefit_kind", "amount_cap", "formula")}),
        (_("预计可享"), {
            "fields": ("amount_rule", "amount_basis", "amount_value"),
            "description": _("给符合条件的企业估算可享金额，显示在政策匹配结果旁；封顶金额即上面的“最高金额”。"
                             "例：按研发投入的 20% → 算法“按指标比例”、依据“研发投入”、参数 20。"),
        }),
        (_("有效期"), {"fields": ("valid_from", "valid_until"), "description": _("留空表示随政策的有效期。")}),
        (_("网上申报"), {
            "fields": ("application_opens_on", "application_closes_on", "required_documents", "appeal_days"),
            "description": _("填写申报期后，符合条件（或信息待确认）的企业可在门户在线申报；申报即一条“政策兑现”类诉求。"),
        }),
        (_("免申即享"), {"fields": ("no_application",)}),
    )
    inlines = [EligibilityCriterionInline]
    actions = ["propose_grants"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("criteria", queryset=EligibilityCriterion.objects.select_related("park"))
        )

    @admin.display(description=_("申报条件"))
    def criteria_summary(self, obj):
        return _criteria_summary(obj)

    @admin.action(description=_("立即匹配并生成免申即享待确认记录"), permissions=["view"])
    def propose_grants(self, request, queryset):
        """What the daily task does, now, for the selected 免申即享 clauses (the others are skipped)."""
        total = 0
        with show_refusal(request):
            for clause in queryset.filter(no_application=True).order_by("pk"):
                total += len(clause_propose_grants(clause=clause, actor=request.user))
            messages.success(request, _t("已生成 %(n)s 条免申即享待确认记录。") % {"n": total})


@admin.register(EligibilityCriterion)
class EligibilityCriterionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "clause", "kind", "number", "choice", "park")
    list_select_related = ("clause__policy", "park")
    list_filter = ("kind",)
    search_fields = ("clause__title", "clause__policy__name", "choice")
    autocomplete_fields = ("clause", "park")
    form = EligibilityCriterionForm
    fields = ("clause", "kind", "choice", "number", "park")

    class Media:
        js = ["parks/criteria.js"]
        css = {"all": ["parks/admin.css"]}


# ---------------------------------------------------------------------------------------------------
# Policy money
# ---------------------------------------------------------------------------------------------------


@admin.register(PolicyGrant)
class PolicyGrantAdmin(ServiceFormViewMixin, ListExportMixin, NoRevertHistoryAdmin):
    """政策兑现: an application is recorded with ``policy_grant_record``; approval (within the clause's cap),
    instalments and refusals through the form on the change page. Amounts are never edited by hand."""

    resource_classes = [PolicyGrantExportResource]
    export_file_stem = ("政策兑现", "grants")

    list_display = (
        "enterprise", "clause", "project", "status", "applied_amount", "approved_amount", "disbursed_amount", "applied_on",
    )
    list_select_related = ("enterprise", "clause__policy", "project")
    list_filter = ("status", "clause__policy")
    search_fields = ("enterprise__name", "enterprise__short_name", "project__name", "clause__title")
    date_hierarchy = "applied_on"
    autocomplete_fields = ("clause", "enterprise", "project")
    form = GrantRecordForm
    add_fields = ("clause", "enterprise", "project", "applied_amount", "applied_on")
    decided_fields = (
        "status", "approved_amount", "approved_on", "disbursed_amount", "disbursed_on", "decision_note",
        "proposal_reasons_display", "instalments_display",
    )
    actions = ["confirm_proposals"]

    @admin.display(description=_("免申即享匹配依据"))
    def proposal_reasons_display(self, obj):
        reasons = obj.proposal_reasons if obj else None
        if not reasons:
            return "—"
        head = _t("%(day)s 匹配结论：%(verdict)s") % {"day": reasons.get("as_of", ""), "verdict": reasons.get("verdict_label", "")}
        return format_html(
            "<p>{}</p><ul>{}</ul>", head,
            format_html_join("", "<li>{}（{}）：{}</li>", [
                (c.get("kind_label", ""), c.get("outcome_label", ""), c.get("reason", "")) for c in reasons.get("criteria", [])
            ]) or format_html("<li>{}</li>", _t("本条款未设申报条件。")),
        )

    @admin.display(description=_("分期兑现"))
    def instalments_display(self, obj):
        """Each instalment with its standing by the one rule (``parks.instalments``), its reasons, and the clawback."""
        rows = list(obj.instalments.order_by("sequence")) if obj and obj.pk else []
        if not rows:
            return "—"
        commitments = commitments_by_project([obj.project_id]).get(obj.project_id, {})
        standing = grant_standing(rows, commitments, today=timezone.localdate())
        lines = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", [
            (i.sequence, i.commitment_year, money_wan(i.amount), i.Status(status).label,
             "；".join(year.reasons), money_wan(standing.clawback_of(i)) if standing.clawback_of(i) else "—")
            for i, status, year in standing.instalments
        ])
        table = format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _t("期次"), _t("承诺年度"), _t("金额"), _t("状态"), _t("依据"), _t("应追回"), lines,
        )
        if standing.clawback:
            return format_html(
                "{}<p><strong>{}</strong></p>", table,
                _t("承诺最终未兑现：应追回 %(amount)s（已拨付分期 × 最大差额比例 %(share)s%%）")
                % {"amount": money_wan(standing.clawback), "share": f"{standing.share * 100:.0f}"},
            )
        return table

    @admin.action(description=_("确认所选免申即享兑现"), permissions=["change"])
    def confirm_proposals(self, request, queryset):
        """Intermediate page with the count and the total; on “确认” every proposal is approved at its amount."""
        selection = PolicyGrant.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))).select_related(
            "enterprise", "clause__policy"
        ).order_by("pk")
        if "confirm" in request.POST:
            with show_refusal(request):
                done = grants_confirm_proposals(grants=list(selection), actor=request.user)
                messages.success(request, _t("已确认 %(n)s 条免申即享兑现，企业已收到通知。") % {"n": len(done)})
            return None
        count, total = proposals_total(selection)
        context = {
            **self.admin_site.each_context(request),
            "title": _t("确认免申即享兑现"),
            "opts": self.opts,
            "grants": selection,
            "count": count,
            "total": money_wan(total),
            "others": len(selection) - count,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "action_index": request.POST.get("index", "0"),
        }
        return TemplateResponse(request, "admin/parks/policygrant/confirm_proposals.html", context)

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else (*self.add_fields, *self.decided_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else (*self.add_fields, *self.decided_fields)

    def save_model(self, request, obj, form, change):
        if change:  # nothing is editable on a recorded grant; decisions go through decide_view
            return
        data = form.cleaned_data
        created = policy_grant_record(
            clause=data["clause"], enterprise=data["enterprise"], project=data.get("project"),
            applied_amount=data["applied_amount"], applied_on=data["applied_on"], actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing on a recorded grant is saved from the main form: no save buttons, the decision form instead.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A grant in instalments (双兑现) is paid instalment by instalment, from the instalments' form below.
        in_instalments = obj is not None and obj.pk and obj.instalments.exists()
        actions = [] if in_instalments and obj.status != PolicyGrant.Status.APPLIED else GrantDecisionForm.ACTIONS.get(
            obj.status if obj is not None else None, []
        )
        if obj is not None and obj.pk and self.has_change_permission(request, obj) and actions:
            context["decision_form"] = GrantDecisionForm(grant=obj)
            context["decision_form_url"] = reverse("admin:parks_policygrant_decide", args=[obj.pk])
            if obj.status == PolicyGrant.Status.PROPOSED:
                context["decision_form"].initial = {"amount": obj.applied_amount, "on": timezone.localdate()}
            cap = obj.clause.amount_cap
            context["decision_help"] = format_html_join(
                "；", "{}", [(t,) for t in (
                    _t("申请 %(a)s") % {"a": money_wan(obj.applied_amount)},
                    _t("条款最高 %(c)s") % {"c": money_wan(cap)} if cap is not None else _t("条款不设上限"),
                    _t("已核准 %(a)s") % {"a": money_wan(obj.approved_amount)} if obj.approved_amount is not None else "",
                    _t("已拨付 %(a)s") % {"a": money_wan(obj.disbursed_amount)} if obj.disbursed_amount is not None else "",
                ) if t]
            )
        if obj is not None and obj.pk and self.has_change_permission(request, obj) and obj.status in (
            PolicyGrant.Status.APPROVED, PolicyGrant.Status.DISBURSED
        ) and obj.project_id:
            context["instalment_form"] = GrantInstalmentForm(grant=obj)
            context["instalment_form_url"] = reverse("admin:parks_policygrant_instalments", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        own = [
            path("<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view), name="parks_policygrant_decide"),
            path("<path:object_id>/instalments/", self.admin_site.admin_view(self.instalments_view),
                 name="parks_policygrant_instalments"),
        ]
        return own + super().get_urls()

    def instalments_view(self, request, object_id):
        def act(grant, data):
            if data["action"] == GrantInstalmentForm.PLAN:
                rows = grant_instalments_plan(grant=grant, plan=data["plan_rows"], actor=request.user)
                return _t("已分为 %(n)s 期。") % {"n": len(rows)}
            instalment = grant.instalments.get(pk=data["instalment"])
            if data["action"] == GrantInstalmentForm.PAY:
                instalment = grant_instalment_pay(instalment=instalment, on=data["on"], actor=request.user)
                return _t("%(instalment)s 已拨付。") % {"instalment": instalment}
            instalment = grant_instalment_record_clawback(instalment=instalment, actor=request.user)
            return _t("%(instalment)s 已登记追回。") % {"instalment": instalment}

        return self.service_form_view(request, object_id, GrantInstalmentForm, act, object_kwarg="grant")

    def decide_view(self, request, object_id):
        def decide(grant, data):
            if data["action"] == GrantDecisionForm.CONFIRM:
                grant = grant_confirm_proposal(grant=grant, amount=data["amount"], on=data["on"], actor=request.user)
            elif data["action"] == GrantDecisionForm.DISMISS:
                grant = grant_dismiss_proposal(grant=grant, reason=data["note"], actor=request.user)
            elif data["action"] == GrantDecisionForm.APPROVE:
                grant = policy_grant_approve(grant=grant, amount=data["amount"], on=data["on"], actor=request.user,
                                             note=data["note"])
            elif data["action"] == GrantDecisionForm.DISBURSE:
                grant = policy_grant_disburse(grant=grant, amount=data["amount"], on=data["on"], actor=request.user)
            else:
                grant = policy_grant_reject(grant=grant, reason=data["note"], actor=request.user)
            return _t("已保存：%(status)s。") % {"status": grant.get_status_display()}

        return self.service_form_view(request, object_id, GrantDecisionForm, decide, object_kwarg="grant")


# ---------------------------------------------------------------------------------------------------
# Online applications (政策申报) and the facts enterprises supply with them
# ---------------------------------------------------------------------------------------------------


class SuppliedFactInline(admin.TabularInline):
    model = SuppliedFact
    fields = ("kind", "value", "evidence_link", "status", "decided_by", "decided_at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("证明材料"))
    def evidence_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("attachment-download", args=[obj.evidence_id]),
                           obj.evidence.original_name)


@admin.register(PolicyApplication)
class PolicyApplicationAdmin(ServiceFormViewMixin, NoRevertHistoryAdmin):
    """政策申报: read-only; the officer confirms supplied facts, approves (the grant, within the cap) or refuses
    through the form on the change page. The thread and SLA are the request's (linked)."""

    list_display = ("enterprise", "clause", "status", "applied_amount", "approved", "submitted_at", "request_link")
    list_select_related = ("enterprise", "clause__policy", "grant", "service_request")
    list_filter = ("status", "clause__policy")
    search_fields = ("enterprise__name", "enterprise__short_name", "clause__title")
    date_hierarchy = "submitted_at"
    fields = (
        "clause", "enterprise", "status", "applied_amount", "request_link", "documents_list", "figure", "current_match",
        "submitted_by", "submitted_at", "grant", "decided_by", "decided_at", "refusal_reason", "appealed_at",
        "appeal_reason", "appeal_outcome",
    )
    readonly_fields = fields
    inlines = [SuppliedFactInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "enterprise", "clause__policy", "grant", "service_request", "submitted_by", "decided_by", "figure"
        )

    @admin.display(description=_("核准金额（万元）"))
    def approved(self, obj):
        return money_wan(obj.grant.approved_amount) if obj.grant_id else "—"

    @admin.display(description=_("企业诉求"))
    def request_link(self, obj):
        request = obj.service_request
        return format_html('<a href="{}">#{} {}</a>', reverse("admin:crm_servicerequest_change", args=[request.pk]),
                           request.pk, request.get_status_display())

    @admin.display(description=_("申报材料"))
    def documents_list(self, obj):
        if not obj.documents:
            return "—"
        return format_html_join(
            mark_safe("<br>"), '{}：<a href="{}">{}</a>',
            [(d["name"], reverse("attachment-download", args=[d["attachment"]]), _t("下载")) for d in obj.documents],
        )

    @admin.display(description=_("当前比对结果"))
    def current_match(self, obj):
        from .selectors.policies import enterprise_policy_matches

        match = next((m for m in enterprise_policy_matches(enterprise=obj.enterprise) if m.clause.pk == obj.clause_id),
                     None)
        if match is None:
            return _t("条款当前不在有效期内。")
        return format_html('<strong class="zj-current-verdict">{}</strong>：{}', match.verdict_label,
                           "；".join(c.reason for c in match.criteria) or _t("本条款未设申报条件。"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            form = ApplicationDecisionForm(application=obj)
            if form.fields["action"].choices:
                context["decision_form"] = form
                context["decision_form_url"] = reverse("admin:parks_policyapplication_decide", args=[obj.pk])
                cap = obj.clause.amount_cap
                context["decision_help"] = "；".join([
                    _t("申请 %(a)s") % {"a": money_wan(obj.applied_amount)},
                    _t("条款最高 %(c)s") % {"c": money_wan(cap)} if cap is not None else _t("条款不设上限"),
                ])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        own = [path("<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view),
                    name="parks_policyapplication_decide")]
        return own + super().get_urls()

    def decide_view(self, request, object_id):
        def decide(application, data):
            action, _sep, fact_id = data["action"].partition(":")
            if action in (ApplicationDecisionForm.CONFIRM_FACT, ApplicationDecisionForm.REJECT_FACT):
                fact = application.supplied_facts.get(pk=fact_id)
                if action == ApplicationDecisionForm.CONFIRM_FACT:
                    fact = supplied_fact_confirm(fact=fact, actor=request.user)
                else:
                    fact = supplied_fact_reject(fact=fact, reason=data["note"], actor=request.user)
                return _t("补充信息“%(kind)s”：%(status)s。") % {"kind": fact.get_kind_display(),
                                                           "status": fact.get_status_display()}
            if action in (ApplicationDecisionForm.CONFIRM_FIGURE, ApplicationDecisionForm.REJECT_FIGURE):
                if action == ApplicationDecisionForm.CONFIRM_FIGURE:
                    figure = figure_confirm(figure=application.figure, actor=request.user)
                else:
                    figure = figure_reject(figure=application.figure, reason=data["note"], actor=request.user)
                return _t("%(year)s 年度自报指标：%(status)s。") % {"year": figure.year,
                                                              "status": figure.get_status_display()}
            if action == ApplicationDecisionForm.APPROVE:
                application = policy_application_approve(application=application, amount=data["amount"],
                                                         actor=request.user, note=data["note"])
            else:
                application = policy_application_refuse(application=application, reason=data["note"], actor=request.user)
            return _t("已保存：%(status)s。") % {"status": application.get_status_display()}

        return self.service_form_view(request, object_id, ApplicationDecisionForm, decide, object_kwarg="application")


@admin.register(SuppliedFact)
class SuppliedFactAdmin(admin.ModelAdmin):
    """企业补充信息: what enterprises supplied with their applications; confirm in bulk (each confirmation writes the
    value on the enterprise record through ``supplied_fact_confirm``)."""

    list_display = ("enterprise", "kind", "value", "status", "application", "created_at", "decided_by")
    list_select_related = ("enterprise", "application__clause__policy", "application__enterprise", "decided_by")
    list_filter = ("status", "kind")
    search_fields = ("enterprise__name", "enterprise__short_name")
    fields = ("enterprise", "application", "kind", "value", "evidence", "status", "submitted_by", "decided_by",
              "decided_at", "note")
    readonly_fields = fields
    actions = ["confirm_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("确认所选补充信息"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        done = 0
        for fact in queryset.filter(status=SuppliedFact.Status.SUBMITTED):
            with show_refusal(request, about=fact) as refusal:
                supplied_fact_confirm(fact=fact, actor=request.user)
            done += refusal.error is None
        self.message_user(request, _t("已确认 %(n)s 条补充信息。") % {"n": done})


class MuMethodForm(forms.ModelForm):
    class Meta:
        model = MuMethod
        fields = (
            "name", "is_active", "source_note", "weight_tax_per_mu", "weight_value_added_per_mu",
            "weight_value_added_per_energy", "weight_rd_ratio", "cap_ratio", "benchmark_tax_per_mu",
            "benchmark_value_added_per_mu", "benchmark_value_added_per_energy", "benchmark_rd_ratio", "class_by",
            "threshold_a", "threshold_b", "threshold_c", "share_a", "share_b", "share_c", "min_land_mu",
        )

    def clean_is_active(self):
        active = self.cleaned_data.get("is_active")
        other = MuMethod.objects.filter(is_active=True).exclude(pk=self.instance.pk).first()
        if active and other is not None:
            raise forms.ValidationError(
                _t("已有启用的办法“%(name)s”，请先停用它，再启用本办法。") % {"name": other.name}
            )
        return active


@admin.register(MuMethod)
class MuMethodAdmin(NoRevertHistoryAdmin):
    """亩均评价办法: superusers edit it (staff read it, crm.roles: Area.FIGURES); docs/mu-average.md explains it."""

    form = MuMethodForm
    list_display = ("name", "is_active", "class_by", "weight_tax_per_mu", "weight_value_added_per_mu",
                    "weight_value_added_per_energy", "weight_rd_ratio", "min_land_mu", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "is_active", "source_note")}),
        (_("权重（分）"), {
            "fields": ("weight_tax_per_mu", "weight_value_added_per_mu", "weight_value_added_per_energy",
                       "weight_rd_ratio", "cap_ratio"),
            "description": _("单项得分 = 指标值 ÷ 基准值 × 权重，最低 0 分，最高为权重 × 上限倍数；总分为四项之和。"),
        }),
        (_("基准值"), {
            "fields": ("benchmark_tax_per_mu", "benchmark_value_added_per_mu", "benchmark_value_added_per_energy",
                       "benchmark_rd_ratio"),
        }),
        (_("分类"), {
            "fields": ("class_by", "threshold_a", "threshold_b", "threshold_c", "share_a", "share_b", "share_c",
                       "min_land_mu"),
        }),
    )


@admin.register(GrantInstalment)
class GrantInstalmentAdmin(admin.ModelAdmin):
    """分期兑现 across grants, read-only: planned, paid and clawed back on the grant's own page (the services in
    ``parks.services.instalments``); the stored standing is the sweep's copy of ``parks.instalments``."""

    list_display = ("grant", "sequence", "amount", "commitment_year", "status", "released_on", "paid_on",
                    "clawback_amount")
    list_filter = ("status", "commitment_year")
    list_select_related = ("grant__clause__policy", "grant__enterprise")
    search_fields = ("grant__enterprise__name", "grant__clause__title")
    ordering = ("grant", "sequence")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
