"""Landing commitments at a glance (落地承诺, 三色预警) in the admin.

- The project list gets a column of four lights (交地 开工 竣工 达产) and a 落地预警 filter; the lights
  are read for the page's rows in one query once the page is cut (``attach_milestone_dates``), so no query per row.
- The project page gets the milestones inline with their light (its read-only panels, the policies it may
  apply for and the parcels that fit its land need, are in ``crm.admin.parks_panels``).
- The milestone list (落地节点) shows each milestone's light and filters by colour
  (``MilestoneLightColumnMixin``, ``MilestoneLightFilter``).

The colours are computed by ``crm.pipeline.lights``. Writes — the milestone,
capital-arrival and annual-commitment pages and their inlines on the project page — go through
``crm.pipeline.commitments``: the forms run its ``*_check`` functions (the API's rules and words) before
anything of a submit is saved, then the services save, with the officer at the keyboard as the actor.
"""

from html import escape

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from crm.errors import DomainError
from crm.models import AnnualCommitment, CapitalArrival, ProjectMilestone
from crm.pipeline.commitments import (
    annual_commitment_check,
    annual_commitment_review,
    annual_commitment_set,
    annual_review_check,
    capital_arrival_check,
    capital_arrival_record,
    commitments_refusal,
    milestone_actual_check,
    milestone_order_error,
    milestone_plan,
    milestone_record_actual,
    milestones_plan,
    milestones_plan_check,
)
from crm.pipeline.lights import (
    AT_RISK_DAYS,
    GREEN,
    NONE,
    RED,
    YELLOW,
    milestone_colour_conditions,
    milestone_light,
    milestone_lights,
)

from .common import show_refusal


def _light_badge(label: str, light) -> str:
    """A small square in the light's colour with the milestone's first character (交 开 竣 达); details on hover.

    Built with ``html.escape`` and one ``mark_safe``, not ``format_html``: the project list draws four per row, 400 a
    page, and ``format_html``'s lazy-aware escaping of six arguments each was a tenth of the list's time (profiled)."""
    label = str(label)
    return mark_safe(  # noqa: S308 - every value below is escaped, the level is one of four known words
        f'<span class="zj-light zj-light--{light.level}" title="{escape(label)}：{escape(str(light.label))}" '
        f'style="display:inline-block;width:1.5em;line-height:1.5em;margin-right:2px;border-radius:3px;font-size:11px;'
        f'text-align:center;background:{light.colour};color:{"#475569" if light.level == NONE else "#fff"}">'
        f"{escape(label[:1])}</span>"
    )


class MilestoneAlertFilter(admin.SimpleListFilter):
    """落地预警: projects with a red milestone (overdue, or done late), or else a yellow one (due within
    ``AT_RISK_DAYS``), by ``crm.pipeline.lights``."""

    title = _("落地预警")
    parameter_name = "milestones"

    def lookups(self, request, model_admin):
        return ((RED, _("红：有节点逾期或逾期完成")), (YELLOW, _("黄：%(days)s 天内到期") % {"days": AT_RISK_DAYS}))

    def queryset(self, request, queryset):
        colours = milestone_colour_conditions(timezone.localdate())
        milestones = ProjectMilestone.objects.filter(project=OuterRef("pk"))
        if self.value() == RED:
            return queryset.filter(Exists(milestones.filter(colours[RED])))
        if self.value() == YELLOW:
            return queryset.filter(Exists(milestones.filter(colours[YELLOW]))).exclude(
                Exists(milestones.filter(colours[RED]))
            )
        return queryset


class ProjectCommitmentsColumnMixin:
    """The list column; the rows carry their milestone dates (``attach_milestone_dates``)."""

    @admin.display(description=_("落地节点"))
    def commitments(self, obj):
        if not any(getattr(obj, f"{kind}_planned", None) for kind in ("land_delivery", "construction_start",
                                                                      "completion", "full_production")):
            return "—"
        lights = milestone_lights(obj, today=getattr(obj, "list_today", None), labels=getattr(obj, "list_labels", None))
        badges = "".join(_light_badge(label, light) for label, light in lights)
        return mark_safe(f'<span style="white-space:nowrap">{badges}</span>')  # noqa: S308 - badges are escaped


class ThroughServicesFormSet(BaseInlineFormSet):
    """An inline of the project page whose rows the commitment services write, never ``formset.save()``.

    ``clean`` runs the services' checks, so a refused row stops the whole submit before anything is saved;
    ``ProjectAdmin.save_formset`` then calls ``save_through_services(actor=request.user)``, which deletes the
    rows marked for deletion and hands each changed row to ``save_rows``. ``fixed_fields`` are shown but not
    editable on rows already saved.
    """

    fixed_fields: tuple[str, ...] = ()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is not None:
            for name in self.fixed_fields:
                if name in form.fields:
                    form.fields[name].disabled = True

    def live_forms(self):
        """The rows as submitted, without those marked for deletion (for checks across rows)."""
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def refuse_unless_signed(self) -> None:
        """The project-level rule of every commitment service, said once above the rows."""
        if any(f.has_changed() for f in self.live_forms()):
            refusal = commitments_refusal(self.instance)
            if refusal:
                raise ValidationError(refusal)

    def save(self, commit=True):
        raise TypeError(f"{type(self).__name__} saves through the commitment services: save_through_services(actor=…)")

    def save_through_services(self, *, actor) -> None:
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.deleted_forms:
            if form.instance.pk is not None:
                self.deleted_objects.append(form.instance)
                self.delete_existing(form.instance)
        changed = [f for f in self.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]
        added = [f for f in changed if f.instance.pk is None]
        for form, saved in self.save_rows(changed, actor=actor):
            if form in added:
                self.new_objects.append(saved)
            else:
                self.changed_objects.append((saved, form.changed_data))

    def save_rows(self, forms, *, actor):
        """Write the changed rows through the services; yield each form with the row as stored."""
        raise NotImplementedError


class MilestoneForm(forms.ModelForm):
    """A milestone row: an actual date entered is checked as ``milestone_record_actual`` checks it."""

    class Meta:
        model = ProjectMilestone
        fields = ("project", "kind", "planned_on", "actual_on")

    def clean(self):
        data = super().clean()
        if "actual_on" in self.changed_data and "actual_on" not in self.errors:
            with show_refusal(form=self):
                milestone_actual_check(actual_on=data.get("actual_on"))
        return data


class MilestoneAdminForm(MilestoneForm):
    """The milestone page: also the project's rules that ``milestone_plan`` applies (signed, dates in order)."""

    def clean(self):
        data = super().clean()
        project = self.instance.project if self.instance.pk else data.get("project")
        kind = self.instance.kind if self.instance.pk else data.get("kind")
        if project is None or kind is None or not self.has_changed():
            return data
        refusal = commitments_refusal(project)
        if refusal:
            self.add_error(None, refusal)
        elif "planned_on" not in self.errors and (self.instance.pk is None or "planned_on" in self.changed_data):
            with show_refusal(form=self):
                milestones_plan_check(project=project, planned={kind: data.get("planned_on")})
        return data

    def save_through_services(self, *, actor) -> ProjectMilestone:
        data = self.cleaned_data
        milestone = self.instance
        if milestone.pk is None or "planned_on" in self.changed_data:
            project = milestone.project if milestone.pk else data["project"]
            milestone = milestone_plan(project=project, kind=data.get("kind", milestone.kind),
                                       planned_on=data["planned_on"], actor=actor)
        if "actual_on" in self.changed_data:
            milestone = milestone_record_actual(milestone=milestone, actual_on=data["actual_on"], actor=actor)
        return milestone


class MilestoneFormSet(ThroughServicesFormSet):
    """Milestones are a signed project's; planned dates keep the order 交地 ≤ 开工 ≤ 竣工 ≤ 达产 (checked on the
    rows as submitted, and planned together by ``milestones_plan``); a saved milestone keeps its kind."""

    fixed_fields = ("kind",)

    def clean(self):
        super().clean()
        self.refuse_unless_signed()
        live = self.live_forms()
        error = milestone_order_error({f.cleaned_data["kind"]: f.cleaned_data.get("planned_on") for f in live
                                       if f.cleaned_data.get("kind")})
        if error:
            raise ValidationError(error)

    def save_rows(self, forms, *, actor):
        planned = {f.cleaned_data["kind"]: f.cleaned_data["planned_on"] for f in forms
                   if f.instance.pk is None or "planned_on" in f.changed_data}
        stored = {m.kind: m for m in milestones_plan(project=self.instance, planned=planned, actor=actor)} if planned else {}
        for form in forms:
            milestone = stored.get(form.cleaned_data["kind"], form.instance)
            if "actual_on" in form.changed_data:
                milestone = milestone_record_actual(milestone=milestone, actual_on=form.cleaned_data["actual_on"],
                                                    actor=actor)
            yield form, milestone


class CapitalArrivalForm(forms.ModelForm):
    """A new arrival of capital, checked as ``capital_arrival_check`` checks it (the day's 中间价 included)."""

    evidence_upload = forms.FileField(
        label=_("到资凭证"), required=False,
        help_text=_("银行进账单或验资报告：PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB。"),
    )

    class Meta:
        model = CapitalArrival
        fields = ("project", "arrived_on", "source", "currency", "original_amount", "amount", "evidence_kind", "note")
        help_texts = {"amount": _("人民币到资可只填万元；外币到资填原币金额，按到资当日汇率中间价折算。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "amount" in self.fields:
            self.fields["amount"].required = False

    def _get_validation_exclusions(self):
        # 万元 is the service's to compute (from 原币金额 at the day's rate): its positivity is checked there.
        return {*super()._get_validation_exclusions(), "amount"}

    def _arrival(self, data) -> dict:
        return {
            "arrived_on": data.get("arrived_on"), "amount": data.get("amount"),
            "original_amount": data.get("original_amount"), "currency": data.get("currency") or "CNY",
            "source": data.get("source") or CapitalArrival._meta.get_field("source").default,
            "evidence": data.get("evidence_upload") or None, "evidence_kind": data.get("evidence_kind") or "",
        }

    def clean(self):
        data = super().clean()
        checked = {"arrived_on", "amount", "original_amount", "currency", "source", "evidence_upload", "evidence_kind"}
        if self.has_changed() and not checked & set(self.errors):
            with show_refusal(form=self):
                try:
                    capital_arrival_check(**self._arrival(data))
                except DomainError as error:
                    if error.field == "evidence":  # the service's name for the file; this form's upload field
                        error.field = "evidence_upload"
                    raise
        return data

    def save_through_services(self, *, actor) -> CapitalArrival:
        data = self.cleaned_data
        return capital_arrival_record(project=data["project"], note=data.get("note", ""), actor=actor,
                                      **self._arrival(data))


class CapitalArrivalAdminForm(CapitalArrivalForm):
    """The capital-arrival page: also the project's rule (signed only)."""

    def clean(self):
        data = super().clean()
        refusal = commitments_refusal(data["project"]) if data.get("project") else None
        if refusal:
            self.add_error(None, refusal)
        return data


class CapitalArrivalFormSet(ThroughServicesFormSet):
    """到资记录 on the project page: new rows are recorded by ``capital_arrival_record``; recorded ones are read
    only (``CapitalArrivalInline.has_change_permission``), a wrong one is deleted and recorded again."""

    def clean(self):
        super().clean()
        self.refuse_unless_signed()

    def save_rows(self, forms, *, actor):
        for form in forms:
            yield form, form.save_through_services(actor=actor)


COMMITTED_FIELDS = ("year", "output_per_mu", "tax_per_mu", "headcount")


REVIEW_FIELDS = ("actual_output_per_mu", "actual_tax_per_mu", "actual_headcount", "reviewed_on")


class AnnualCommitmentForm(forms.ModelForm):
    """A year's commitment and its review (年度考核): the figures are checked as ``annual_commitment_set`` checks
    them (a reviewed year's are final), the actuals as ``annual_commitment_review`` checks them."""

    class Meta:
        model = AnnualCommitment
        fields = ("project", *COMMITTED_FIELDS, *REVIEW_FIELDS)

    def _commits(self) -> bool:
        return self.instance.pk is None or bool(set(COMMITTED_FIELDS) & set(self.changed_data))

    def _reviews(self) -> bool:
        return bool(set(REVIEW_FIELDS) & set(self.changed_data))

    def _values(self, *names) -> dict:
        """The submitted values (None where one did not clean), and the saved ones of the fields not editable
        here (the project and year of a saved row)."""
        return {name: self.cleaned_data.get(name) if name in self.fields else getattr(self.instance, name)
                for name in names}

    def clean(self):
        data = super().clean()
        if not self.has_changed() or "project" in self.errors:
            return data
        with show_refusal(form=self):
            if self._commits() and not set(COMMITTED_FIELDS) & set(self.errors):
                annual_commitment_check(**self._values("project", *COMMITTED_FIELDS))
            if self._reviews() and not {"year", *REVIEW_FIELDS} & set(self.errors):
                annual_review_check(**self._values("year", *REVIEW_FIELDS))
        return data

    def save_through_services(self, *, actor) -> AnnualCommitment:
        commitment = self.instance
        if self._commits():
            commitment = annual_commitment_set(**self._values("project", *COMMITTED_FIELDS), actor=actor)
        if self._reviews():
            commitment = annual_commitment_review(commitment=commitment, **self._values(*REVIEW_FIELDS),
                                                  actor=actor).commitment
        return commitment


class AnnualCommitmentAdminForm(AnnualCommitmentForm):
    """The annual-commitment page: also the project's rule (signed only)."""

    def clean(self):
        data = super().clean()
        project = self._values("project")["project"]
        refusal = commitments_refusal(project) if project is not None and self.has_changed() else None
        if refusal:
            self.add_error(None, refusal)
        return data


class AnnualCommitmentFormSet(ThroughServicesFormSet):
    """年度承诺 on the project page, set and reviewed through the services; a saved row keeps its year."""

    fixed_fields = ("year",)

    def clean(self):
        super().clean()
        self.refuse_unless_signed()

    def save_rows(self, forms, *, actor):
        for form in forms:
            yield form, form.save_through_services(actor=actor)


class MilestoneColourInline(admin.TabularInline):
    """落地节点 on the project page, each with its light (green on time, yellow due within 30 days, red late)."""

    model = ProjectMilestone
    form = MilestoneForm
    formset = MilestoneFormSet
    fields = ("kind", "planned_on", "actual_on", "light")
    readonly_fields = ("light",)
    extra = 0
    classes = ["zj-milestones"]
    verbose_name_plural = _("落地节点（三色预警）")

    class Media:
        css = {"all": ["parks/admin.css"]}

    @admin.display(description=_("状态"))
    def light(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        light = milestone_light(planned_on=obj.planned_on, actual_on=obj.actual_on, today=timezone.localdate())
        return format_html('{} {}', _light_badge(obj.get_kind_display(), light), light.label)


class MilestoneLightFilter(admin.SimpleListFilter):
    """三色预警 of the milestone list, by ``crm.pipeline.lights.milestone_colour_conditions``."""

    title = _("三色预警")
    parameter_name = "light"

    def lookups(self, request, model_admin):
        return (
            (RED, _("红：逾期或逾期完成")),
            (YELLOW, _("黄：%(days)s 天内到期") % {"days": AT_RISK_DAYS}),
            (GREEN, _("绿：按期或按期完成")),
        )

    def queryset(self, request, queryset):
        condition = milestone_colour_conditions(timezone.localdate()).get(self.value())
        return queryset if condition is None else queryset.filter(condition)


class MilestoneLightColumnMixin:
    """The light column of the milestone list (落地节点); pair with ``MilestoneLightFilter``."""

    @admin.display(description=_("三色预警"))
    def light(self, obj):
        light = milestone_light(planned_on=obj.planned_on, actual_on=obj.actual_on, today=timezone.localdate())
        return format_html('{} {}', _light_badge(obj.get_kind_display(), light), light.label)
