"""Writes the demo world of ``demo.data`` into the database, idempotently.

Reference rows (parks, enterprises, policy, parcels, spaces, events, categories, accounts) are keyed on
their natural keys (name, code, username, …) and saved only when a value differs, so a second run writes
nothing; a new enterprise is registered through ``enterprise_create``. Projects and service requests are keyed on their name/title: a new one is created through the
product's services (``project_create`` and ``project_change_stage`` step by step; ``service_request_submit``
and ``service_request_transition``), so its history is real; one that exists is left as it is — with its
follow-ups, milestones and messages — because a demo user may have moved it on since.
"""

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from stdnum.cn import uscc

from crm.enterprises import enterprise_create
from crm.figures.services import figure_record, figure_submit
from crm.models import (
    KEY_PROJECT_THRESHOLD,
    AnnualCommitment,
    CapitalArrival,
    CapitalSource,
    ChainSegment,
    Contact,
    Department,
    Enterprise,
    EnterpriseFigure,
    EnterpriseQualification,
    Event,
    ExchangeRate,
    IndustryChain,
    Milestone,
    Project,
    ProjectCredit,
    ProjectMilestone,
    Role,
    Routing,
    RoutingExtension,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestMessage,
    Stage,
    User,
    YearlyTarget,
    forget_lists,
)
from crm.pipeline.services import follow_up_create, project_change_stage, project_create
from crm.service_requests.approval_steps import approval_step_complete, approval_step_plan
from crm.service_requests.presets import category_presets_apply
from crm.service_requests.routing import (
    routing_complete,
    routing_create,
    routing_decide_extension,
    routing_hand_back,
    routing_message_post,
    routing_request_extension,
    routing_transfer,
)
from crm.service_requests.services import service_request_assign, service_request_submit, service_request_transition
from crm.service_requests.thread import message_post
from demo import data
from demo.visits import build_visits
from parks.models import (
    EligibilityCriterion,
    GrantInstalment,
    LandParcel,
    Park,
    Policy,
    PolicyClause,
    PolicyGrant,
    Space,
)
from parks.services.instalments import instalments_refresh
from parks.services.proposals import clause_propose_grants

# GB 32100-2015: the characters a unified social credit code may use (no I, O, Z, S, V).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
M2_PER_MU = Decimal("666.67")


# A one-page PDF, the evidence of the demo's self-reported figures (the upload check reads the content).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
    b"endobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
    b"%%EOF\n"
)


def credit_code(spec: data.EnterpriseSpec) -> str:
    """A valid, deterministic 统一社会信用代码: kind + area + "MA2" + six characters from the name + check character."""
    digest = hashlib.sha256(spec.name.encode()).digest()
    serial = "".join(CREDIT_CODE_ALPHABET[b % len(CREDIT_CODE_ALPHABET)] for b in digest[:6])
    body = f"{spec.registration_kind}{spec.area_code}MA2{serial}"
    return body + uscc.calc_check_digit(body)


def upsert(
    model: type[models.Model], lookup: dict, values: dict, *, create=None, actor: User | None = None
) -> tuple[models.Model, bool]:
    """Get the row matching ``lookup`` and bring ``values`` up to date, saving only what differs; or create it
    (through ``create(**lookup, **values)`` where the product has a door for a new row). A history-tracked row
    is saved as ``actor``'s change: there is no web request to take the user from.

    Unlike ``update_or_create`` a row already up to date is not saved, so a second run changes nothing
    (no new ``updated_at``, no history row).
    """
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        if create is not None:
            return create(**lookup, **values), True
        obj, changed = model(**lookup, **values), None
    else:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            return obj, False
        for name in changed:
            setattr(obj, name, values[name])
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            changed.append("updated_at")
    obj.full_clean()
    if actor is not None:
        obj._history_user = actor
    obj.save(update_fields=changed)
    return obj, created


@dataclass
class BuildResult:
    """What a run did, for the command to print."""

    created_accounts: list[str] = field(default_factory=list)
    existing_accounts: list[str] = field(default_factory=list)
    generated_password: str | None = None
    created_projects: int = 0
    created_requests: int = 0


class DemoBuilder:
    def __init__(self, *, password: str | None = None, now: dt.datetime | None = None):
        self.password = password
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.result = BuildResult()
        self.users: dict[str, User] = {}
        self.parks: dict[str, Park] = {}
        self.enterprises: dict[str, Enterprise] = {}
        self.enterprise_areas = {spec.short_name: spec.area_code for spec in data.ENTERPRISES}
        self.events: dict[str, Event] = {}
        self.projects: dict[str, Project] = {}
        self.clauses: dict[int, PolicyClause] = {}
        self.categories: dict[str, ServiceCategory] = {}
        self.departments: dict[str, Department] = {}

    # -- time -------------------------------------------------------------------------------------

    def moment(self, when: data.When, hour: int = 10) -> dt.datetime:
        """An aware datetime (Asia/Shanghai) for an absolute date, a day relative to today, or hours from now."""
        if isinstance(when, data.FromNow):
            return self.now + dt.timedelta(hours=when.hours)
        if isinstance(when, data.Ago):
            day, hour = self.today - dt.timedelta(days=when.days), when.hour
        else:
            day = when
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    def day(self, when: data.When | None) -> dt.date | None:
        if when is None:
            return None
        return timezone.localdate(self.moment(when))

    # -- the build --------------------------------------------------------------------------------

    @transaction.atomic
    def build(self) -> BuildResult:
        self.build_lists()
        self.build_accounts()
        self.build_parks()
        self.build_enterprises()
        self.link_enterprise_accounts()
        self.build_spaces()
        self.build_policy()
        self.build_events()
        self.build_exchange_rates()
        self.build_projects()
        self.build_parcels()
        self.build_grants()
        self.build_categories()
        self.build_departments()
        self.build_requests()
        build_visits(self)
        self.build_targets()
        self.build_figures()
        return self.result

    def build_lists(self) -> None:
        """The demo's chain segments (the lists themselves are seeded by the migrations)."""
        chains = {chain.code: chain for chain in IndustryChain.objects.all()}
        for chain, code, name, order in data.CHAIN_SEGMENTS:
            upsert(ChainSegment, {"code": code}, {"chain": chains[chain], "name": name, "order": order})
        forget_lists()

    def build_targets(self) -> None:
        """The yearly targets managers set: 2024's 32 landed projects of ≥ 1 亿 park-wide (the article's figure), and the
        2024 targets of the two officers, two towns (the credit splits name them) and 西科园, for the 业绩考核 page."""
        M, H = YearlyTarget.Metric, YearlyTarget.Holder
        upsert(YearlyTarget, {"year": 2024, "metric": M.LANDED_KEY_PROJECTS, "holder_kind": H.PARK_WIDE},
               {"target": Decimal("32")})
        for metric, holder, target in [
            (M.LANDED_KEY_PROJECTS, {"holder_kind": H.OFFICER, "officer": self.users["officer"]}, "18"),
            (M.SIGNED_INVESTMENT, {"holder_kind": H.OFFICER, "officer": self.users["officer"]}, "500000"),
            (M.LANDED_KEY_PROJECTS, {"holder_kind": H.OFFICER, "officer": self.users["officer2"]}, "14"),
            (M.SIGNED_PROJECTS, {"holder_kind": H.OFFICER, "officer": self.users["officer2"]}, "15"),
            (M.LANDED_KEY_PROJECTS, {"holder_kind": H.UNIT, "unit": "三墩镇"}, "2"),
            (M.CAPITAL_ARRIVED, {"holder_kind": H.UNIT, "unit": "三墩镇"}, "20000"),
            (M.SIGNED_PROJECTS, {"holder_kind": H.UNIT, "unit": "蒋村街道"}, "2"),
            (M.LANDED_KEY_PROJECTS, {"holder_kind": H.PARK, "park": self.parks[data.XIKE]}, "10"),
        ]:
            upsert(YearlyTarget, {"year": 2024, "metric": metric, **holder}, {"target": Decimal(target)})

    def build_figures(self) -> None:
        """企业年度指标 for 2023–2025 (统计, and the tax office's 税收 for 2025), recorded by the service desk; 西湖阳光's
        2025 self-reported in the portal, waiting for confirmation. Fixed years, so a rerun on another day (or in
        another year) changes nothing: a row already there with the same figures is left alone, a waiting or handled
        self-report is never touched again."""
        first, last = data.FIGURE_YEARS[0], data.FIGURE_YEARS[-1]
        officer = self.users["service"]
        Source = EnterpriseFigure.Source

        def values(spec: data.FigureSpec, scale: Decimal = Decimal(1)) -> dict:
            def scaled(number):
                return None if number is None else (Decimal(number) * scale).quantize(Decimal("0.01"))

            return {
                "land_mu": Decimal(spec.land_mu).quantize(Decimal("0.01")),
                "employees": spec.employees,
                **{name: scaled(getattr(spec, name)) for name in (
                    "revenue", "tax", "value_added", "energy_tce", "rd_expense", "industrial_output", "financing")},
            }

        def record(enterprise, year, source, given):
            row = EnterpriseFigure.objects.filter(enterprise=enterprise, year=year, source=source).first()
            if row is None or any(getattr(row, name) != value for name, value in given.items()):
                figure_record(enterprise=enterprise, year=year, source=source, values=given, actor=officer,
                              note="演示数据")

        for short_name, spec in data.FIGURES.items():
            enterprise = self.enterprises[short_name]
            for year, scale in zip(data.FIGURE_YEARS, data.FIGURE_YEAR_SCALES, strict=True):
                record(enterprise, year, Source.STATISTICS, values(spec, scale))
            tax = (Decimal(spec.tax) * Decimal("1.02")).quantize(Decimal("0.01"))  # the tax office's own count
            record(enterprise, last, Source.TAX, {"tax": tax})
        for short_name, spec in data.SELF_REPORTED_EARLIER.items():
            for year in range(first, last):
                record(self.enterprises[short_name], year, Source.STATISTICS, values(spec))
        short_name, spec = data.SELF_REPORTED_FIGURES
        enterprise = self.enterprises[short_name]
        if not EnterpriseFigure.objects.filter(enterprise=enterprise, year=last, source=Source.SELF_REPORTED).exists():
            user = next(u for u in self.users.values() if not u.is_staff and enterprise in u.enterprises.all())
            evidence = ContentFile(DEMO_PDF, name=f"{last}年度财务报表.pdf")
            figure_submit(enterprise=enterprise, year=last, values=values(spec), evidence=evidence, actor=user)

    def build_accounts(self) -> None:
        """Demo accounts: ``--password`` sets every one; without it only new accounts get one random password."""
        hashed_given = make_password(self.password) if self.password else None
        hashed_new = None
        for spec in data.ACCOUNTS:
            # A department's liaison signs in to the admin (/admin/), where it sees only what is routed to it.
            is_staff = spec.is_superuser or spec.role in (*Role.STAFF_ROLES, Role.DEPARTMENT_LIAISON)
            values = {
                "display_name": spec.display_name,
                "is_staff": is_staff,
                "is_superuser": spec.is_superuser,
                "is_active": True,
                "email": f"{spec.username}@example.com",
            }
            user = User.objects.filter(username=spec.username).first()
            created = user is None
            if created:
                user = User(username=spec.username)
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, values[name])
            if hashed_given:
                user.password = hashed_given
                changed.append("password")
            elif created:
                if hashed_new is None:
                    self.result.generated_password = secrets.token_urlsafe(12)
                    hashed_new = make_password(self.result.generated_password)
                user.password = hashed_new
            if created:
                user.save()
                self.result.created_accounts.append(spec.username)
            else:
                if changed:
                    user.save(update_fields=changed)
                self.result.existing_accounts.append(spec.username)
            for group in filter(None, (spec.role, *spec.extra_groups)):
                user.groups.add(Group.objects.get(name=group))
            self.users[spec.username] = user

    def build_parks(self) -> None:
        for spec in data.PARKS:
            park, _ = upsert(Park, {"name": spec.name}, {
                "short_name": spec.short_name,
                "kind": spec.kind,
                "parent": self.parks[spec.parent] if spec.parent else None,
                "planned_area_km2": spec.planned_area_km2,
                "target_built_area_m2": spec.target_built_area_m2,
                "target_enterprises": spec.target_enterprises,
                "established_on": spec.established_on,
                "description": spec.description,
            })
            self.parks[spec.name] = park

    def build_enterprises(self) -> None:
        for spec in data.ENTERPRISES:
            enterprise, _ = upsert(Enterprise, {"name": spec.name}, {
                "short_name": spec.short_name,
                "credit_code": credit_code(spec),
                "status": spec.status,
                "industry_chain": spec.chain,
                "chain_segment": data.ENTERPRISE_SEGMENTS.get(spec.short_name, ""),
                "registered_capital": spec.registered_capital,
                "jurisdiction": spec.jurisdiction,
                "park": self.parks[spec.park] if spec.park else (self.parks[data.CITY] if spec.status == "in_park" else None),
                "headcount": spec.headcount,
                "rd_headcount": spec.rd_headcount,
                "founded_on": spec.founded_on,
                "address": spec.address,
                "description": spec.description,
            }, create=self.register_enterprise)
            self.enterprises[spec.short_name] = enterprise
            for kind, awarded_on in spec.qualifications:
                upsert(EnterpriseQualification, {"enterprise": enterprise, "kind": kind}, {"awarded_on": awarded_on})
            for contact in spec.contacts:
                upsert(Contact, {"enterprise": enterprise, "name": contact.name}, {
                    "title": contact.title, "is_primary": contact.is_primary, "email": contact.email, "notes": contact.notes,
                })

    def register_enterprise(self, **fields) -> Enterprise:
        """A company the demo does not have yet is registered by its investment officer 王志远, as in the product."""
        return enterprise_create(actor=self.users["officer"], **fields)

    def link_enterprise_accounts(self) -> None:
        for spec in data.ACCOUNTS:
            for short_name in spec.enterprises:
                self.users[spec.username].enterprises.add(self.enterprises[short_name])

    def build_spaces(self) -> None:
        for spec in data.SPACES:
            upsert(Space, {"park": self.parks[spec.park], "building": spec.building, "unit": spec.unit}, {
                "kind": spec.kind,
                "area_m2": spec.area_m2,
                "rent_per_m2_day": spec.rent_per_m2_day,
                "status": spec.status,
                "occupant": self.enterprises[spec.occupant] if spec.occupant else None,
                "lease_start": spec.lease_start,
                "lease_end": spec.lease_end,
                "rent_free_months": spec.rent_free_months,
            })

    def _application_window(self, spec, policy) -> dict:
        """网上申报 open around the demo's today for the clauses that have a window (人才安家补贴).

        Dated when the clause first gets its window, like the open pipeline: a rerun days later keeps the dates
        (and changes nothing), as an administrator's own window would be kept."""
        if spec.application_window is None:
            return {"application_opens_on": None, "application_closes_on": None, "required_documents": ""}
        kept = (PolicyClause.objects.filter(policy=policy, number=spec.number, application_opens_on__isnull=False)
                .values("application_opens_on", "application_closes_on").first())
        if kept:
            return {**kept, "required_documents": spec.required_documents}
        opens, closes = spec.application_window
        return {"application_opens_on": self.today + dt.timedelta(days=opens),
                "application_closes_on": self.today + dt.timedelta(days=closes),
                "required_documents": spec.required_documents}

    def build_policy(self) -> None:
        spec = data.POLICY
        policy, _ = upsert(Policy, {"name": spec["name"]}, {
            **{k: v for k, v in spec.items() if k not in ("name", "park")},
            "park": self.parks[spec["park"]],
            "is_published": True,
        })
        for clause_spec in data.CLAUSES:
            clause, _ = upsert(PolicyClause, {"policy": policy, "number": clause_spec.number}, {
                "title": clause_spec.title,
                "text": clause_spec.text,
                "benefit_kind": clause_spec.benefit_kind,
                "amount_cap": clause_spec.amount_cap,
                "formula": clause_spec.formula,
                **dict(zip(("amount_rule", "amount_basis", "amount_value"), clause_spec.amount or ("", "", None), strict=True)),
                "valid_from": policy.valid_from,
                "valid_until": policy.valid_until,
                **self._application_window(clause_spec, policy),
                "no_application": clause_spec.no_application,
            })
            self.clauses[clause_spec.number] = clause
            for criterion in clause_spec.criteria:
                lookup = {
                    "clause": clause,
                    "kind": criterion.kind,
                    "number": criterion.number,
                    "choice": criterion.choice,
                    "park": self.parks[criterion.park] if criterion.park else None,
                }
                if not EligibilityCriterion.objects.filter(**lookup).exists():
                    EligibilityCriterion.objects.create(**lookup)

    def build_events(self) -> None:
        for spec in data.EVENTS:
            event, _ = upsert(Event, {"name": spec.name, "held_on": spec.held_on}, {
                "kind": spec.kind,
                "location": spec.location,
                "organizer": spec.organizer,
                "park": self.parks[spec.park] if spec.park else None,
                "description": spec.description,
            })
            self.events[spec.name] = event

    # -- projects ---------------------------------------------------------------------------------

    def build_projects(self) -> None:
        for spec in data.PROJECTS:
            existing = Project.objects.filter(name=spec.name).first()
            if existing is not None:
                self.projects[spec.name] = existing
                continue
            self.projects[spec.name] = self.create_project(spec)
            self.result.created_projects += 1

    def create_project(self, spec: data.ProjectSpec) -> Project:
        owner = self.users[spec.owner]
        first, *moves = spec.path
        project = project_create(
            actor=owner,
            owner=owner,
            at=self.moment(first.when),
            name=spec.name,
            enterprise=self.enterprises[spec.enterprise],
            industry_chain=spec.chain,
            segment=spec.segment,
            chain_segment=data.SEGMENT_OF.get(spec.segment, ""),
            source_channel=spec.source,
            source_event=self.events[spec.event] if spec.event else None,
            park=self.parks[spec.park] if spec.park else None,
            total_investment=spec.total,
            fixed_asset_investment=spec.fai,
            expected_annual_output=Decimal(str(spec.output)),
            expected_annual_tax=Decimal(str(spec.tax)),
            land_need_m2=spec.land_m2,
            land_use_need=spec.land_use if spec.land_use in ("M1", "M0", "B", "RD") else "",
            space_need_m2=spec.space_m2,
            headcount_planned=spec.headcount,
            expected_signing_on=self.day(spec.expected_signing),
            co_officers=[self.users[name] for name in spec.co_officers],
        )
        # Follow-ups and stage moves interleave in time; the order of writing does not matter to the
        # history (each row carries its own date), only the stage path must be walked in order.
        for step in moves:
            project = project_change_stage(project=project, to=step.stage, actor=owner, note=step.note, at=self.moment(step.when))
        for fu in sorted(spec.follow_ups, key=lambda f: self.day(f.when)):
            follow_up_create(
                project=project, officer=owner, occurred_on=self.day(fu.when), note=fu.note, kind=fu.kind,
                next_step=fu.next_step, next_follow_up_on=self.day(fu.next_on),
                event=self.events[fu.event] if fu.event else None,
            )
        for credit in spec.credits:
            ProjectCredit.objects.create(
                project=project, officer=self.users[credit.officer] if credit.officer else None, unit=credit.unit,
                share_percent=credit.share_percent,
            )
        if spec.reached(Stage.REGISTERED):
            self.add_landing_records(project, spec)
        return project

    def build_exchange_rates(self) -> None:
        """汇率中间价: one a month (its first day) for each currency in ``data.DEMO_RATES``, from 2023 to today; a
        second run adds only the months since."""
        month = dt.date(2023, 1, 1)
        while month <= self.today:
            for currency in data.DEMO_RATES:
                ExchangeRate.objects.get_or_create(day=month, currency=currency,
                                                   defaults={"rate": data.demo_rate(currency, month)})
            month = (month + dt.timedelta(days=32)).replace(day=1)

    def add_landing_records(self, project: Project, spec: data.ProjectSpec) -> None:
        """Milestones, capital arrivals and yearly commitments of a landed project, derived from its dates.

        A parcel-based project plans 交地 a month after registering; construction of a ≥ 1 亿 fixed-asset
        project is planned to take two years, smaller ones ten months; 达产 a year after 投产. Some planned
        dates have passed without an actual date: those are the red items of the 三色预警.
        """
        registered = self.day(spec.reached(Stage.REGISTERED))
        construction = self.day(spec.reached(Stage.CONSTRUCTION))
        production = self.day(spec.reached(Stage.PRODUCTION))
        big = spec.fai >= KEY_PROJECT_THRESHOLD
        plan: dict[str, tuple[dt.date, dt.date | None]] = {}
        if spec.land_m2 and spec.land_use:
            delivery = registered + dt.timedelta(days=30)
            plan[Milestone.LAND_DELIVERY] = (delivery, delivery + dt.timedelta(days=6) if construction else None)
        if construction:
            plan[Milestone.CONSTRUCTION_START] = (construction - dt.timedelta(days=14), construction)
            completion = construction + dt.timedelta(days=720 if big else 300)
            plan[Milestone.COMPLETION] = (completion, production - dt.timedelta(days=20) if production else None)
            plan[Milestone.FULL_PRODUCTION] = ((production or completion) + dt.timedelta(days=365), None)
        elif spec.land_m2 and spec.land_use:
            plan[Milestone.CONSTRUCTION_START] = (registered + dt.timedelta(days=180), None)
        for kind, (planned_on, actual_on) in plan.items():
            ProjectMilestone.objects.create(project=project, kind=kind, planned_on=planned_on, actual_on=actual_on)

        # 实际到资: 30 % a month after registering, 25 % two months after 开工, 20 % at 投产. The source is
        # data.FOREIGN_FUNDED's or data.FROM_OUTSIDE_THE_PROVINCE's, else where the investor is registered (浙江 →
        # 内资（省内）); a foreign-funded project's arrivals come in its currency, a round sum at the day's 中间价.
        area = self.enterprise_areas.get(spec.enterprise, "330106")
        outside = spec.name in data.FROM_OUTSIDE_THE_PROVINCE or not area.startswith("33")
        source = CapitalSource.OUT_OF_PROVINCE if outside else CapitalSource.IN_PROVINCE
        currency = data.FOREIGN_FUNDED.get(spec.name)
        arrivals = [(registered + dt.timedelta(days=30), Decimal("0.30"), "首期注册资本金到位")]
        if construction:
            arrivals.append((construction + dt.timedelta(days=60), Decimal("0.25"), "工程建设资金"))
        if production:
            arrivals.append((production, Decimal("0.20"), "设备购置资金"))
        for arrived_on, share, note in arrivals:
            if arrived_on > self.today:
                continue
            amount = (spec.total * share).quantize(Decimal("0.01"))
            if currency is None:
                CapitalArrival.objects.create(project=project, arrived_on=arrived_on, amount=amount, note=note,
                                              source=source, original_amount=amount * 10_000)
                continue
            rate = data.demo_rate(currency, arrived_on)
            original = (amount * 10 / rate).quantize(Decimal("1")) * 1000  # a round sum: whole thousands
            CapitalArrival.objects.create(
                project=project, arrived_on=arrived_on, source=CapitalSource.FOREIGN, currency=currency,
                original_amount=original, rate=rate, amount=(original * rate / 10_000).quantize(Decimal("0.01")),
                note=note,
            )

        # 亩均 commitments for producing projects on their own land, reviewed for the years gone by.
        if production and spec.land_m2:
            mu = spec.land_m2 / M2_PER_MU
            output_per_mu = (Decimal(str(spec.output)) / mu).quantize(Decimal("0.01"))
            tax_per_mu = (Decimal(str(spec.tax)) / mu).quantize(Decimal("0.01"))
            for year in range(production.year, self.today.year + 1):
                reviewed = year < self.today.year
                AnnualCommitment.objects.create(
                    project=project, year=year, output_per_mu=output_per_mu, tax_per_mu=tax_per_mu,
                    headcount=spec.headcount or 0,
                    actual_output_per_mu=(output_per_mu * Decimal("0.62")).quantize(Decimal("0.01")) if reviewed else None,
                    actual_tax_per_mu=(tax_per_mu * Decimal("0.55")).quantize(Decimal("0.01")) if reviewed else None,
                    actual_headcount=int((spec.headcount or 0) * 0.8) if reviewed else None,
                    reviewed_on=dt.date(year + 1, 3, 31) if reviewed else None,
                )

    # -- parcels and grants -----------------------------------------------------------------------

    def build_parcels(self) -> None:
        """Parcels with their status set directly, within the model's constraints: the demo says where each parcel
        stands, not the moves that took it there; recorded as changes by the investment officer 王志远."""
        for index, spec in enumerate(data.PARCELS):
            upsert(LandParcel, {"code": spec.code}, {
                "name": spec.name,
                "park": self.parks[spec.park],
                "land_use": spec.land_use,
                "area_m2": spec.area_m2,
                "far_min": spec.far_min,
                "far_max": spec.far_max,
                "reserve_price": spec.reserve_price,
                "status": spec.status,
                "project": self.projects[spec.project] if spec.project else None,
                "transferred_on": spec.transferred_on,
                "transfer_price": spec.transfer_price,
                "address": spec.address,
                "outline": outline(index, spec.area_m2),
            }, actor=self.users["officer"])

    def build_grants(self) -> None:
        for spec in data.GRANTS:
            upsert(PolicyGrant, {
                "clause": self.clauses[spec.clause],
                "enterprise": self.enterprises[spec.enterprise],
                "project": self.projects[spec.project] if spec.project else None,
            }, {
                "status": spec.status,
                "applied_amount": spec.applied_amount,
                "applied_on": spec.applied_on,
                "approved_amount": spec.approved_amount,
                "approved_on": spec.approved_on,
                "disbursed_amount": spec.disbursed_amount,
                "disbursed_on": spec.disbursed_on,
            }, actor=self.users["service"])
        # 免申即享: the proposals of the demo's 免申 clause, waiting for the officer (a second run proposes nothing).
        clause_propose_grants(clause=self.clauses[data.NO_APPLICATION_CLAUSE], today=self.today,
                              actor=self.users["service"])
        # 双兑现: one grant in instalments tied to its project's commitment years; the rule sets their standing.
        number, enterprise = data.INSTALMENT_GRANT
        grant = PolicyGrant.objects.get(clause=self.clauses[number], enterprise=self.enterprises[enterprise])
        for sequence, (year, amount) in enumerate(data.INSTALMENTS, start=1):
            upsert(GrantInstalment, {"grant": grant, "sequence": sequence}, {"commitment_year": year, "amount": amount},
                   actor=self.users["service"])
        instalments_refresh(grants=[grant], today=self.today, actor=self.users["service"])

    # -- service requests -------------------------------------------------------------------------

    def build_categories(self) -> None:
        for order, spec in enumerate(data.CATEGORIES, start=1):
            category, _ = upsert(ServiceCategory, {"code": spec.code}, {
                "name": spec.name,
                "description": spec.description,
                "sla_unit": spec.sla_unit,
                "sla_value": spec.sla_value,
                "pause_while_waiting_external": spec.pause_while_waiting_external,
                "is_active": True,
                "sort_order": order * 10,
                **(dict(zip(("routing_limit_unit", "lead_limit", "assist_limit"), spec.routing_limits, strict=True))
                   if spec.routing_limits else {}),
            })
            # The work permit's and talent housing's forms, and the work permit's approval-step template.
            category_presets_apply(category=category)
            self.categories[spec.code] = category

    def build_departments(self) -> None:
        """承办单位 of the article's story, and the liaison accounts' departments."""
        for order, spec in enumerate(data.DEPARTMENTS, start=1):
            department, _ = upsert(Department, {"name": spec.name}, {
                "short_name": spec.short_name, "kind": spec.kind, "is_active": True, "sort_order": order * 10,
            })
            self.departments[spec.short_name] = department
        for spec in data.ACCOUNTS:
            for short_name in spec.departments:
                self.departments[short_name].liaisons.add(self.users[spec.username])

    def build_requests(self) -> None:
        for spec in data.REQUESTS:
            enterprise = self.enterprises[spec.enterprise]
            category = self.categories[spec.category]
            if ServiceRequest.objects.filter(enterprise=enterprise, category=category, title=spec.title).exists():
                continue
            self.create_request(spec, enterprise, category)
            self.result.created_requests += 1

    def create_request(self, spec: data.RequestSpec, enterprise: Enterprise, category: ServiceCategory) -> None:
        submitted_at = self.moment(spec.submitted_at, hour=9)
        details = {
            key: self.day(value).isoformat() if isinstance(value, data.Ago) else value
            for key, value in spec.details.items()
        }
        request, _warnings = service_request_submit(
            enterprise=enterprise, category=category, title=spec.title, submitted_by=self.users[spec.submitted_by],
            description=spec.description, details=details or None, at=submitted_at,
        )
        if spec.assignee:
            service_request_assign(
                service_request=request, assignee=self.users[spec.assignee], actor=self.users[spec.assignee], at=submitted_at
            )
        # Everything in the order it happened, through the services: a finished request takes no more messages
        # and no step changes. The approval steps are planned by the officer who first handles the request, then;
        # at the same hour a step is completed before a status change, and planned after one.
        planner = spec.steps[0] if spec.steps else None
        events = [(step.hours, 1, step) for step in spec.steps] + [(m.hours, 3, m) for m in spec.messages]
        # Routings after the messages of the same hour; a routing's own steps in their order (after a transfer, the
        # steps are the new routing's).
        for index, routing in enumerate(spec.routings):
            events.append((routing.hours, 4, ("route", index, routing)))
            events.extend((step.hours, 5, ("routing_step", index, step)) for step in routing.steps)
        routings = {}
        for sequence, approval in enumerate(spec.approvals if planner else (), start=1):
            events.append((planner.hours, 2, ("plan", sequence, approval)))
            if approval.completed is not None:
                events.append((approval.completed, 0, ("complete", sequence, approval)))
        planned = {}
        for hours, _rank, event in sorted(events, key=lambda e: (e[0], e[1])):
            at = submitted_at + dt.timedelta(hours=hours)
            if isinstance(event, data.MessageSpec):
                self.post_message(request, event, submitted_at)
            elif isinstance(event, data.StepSpec):
                request = service_request_transition(
                    service_request=request, action=event.action, actor=self.users[event.actor], note=event.note, at=at
                )
            elif event[0] == "route":
                _kind, index, routing = event
                routings[index] = routing_create(
                    service_request=request, department=self.departments[routing.department], role=routing.role,
                    note=routing.note, actor=self.users["service"], at=at,
                )
            elif event[0] == "routing_step":
                _kind, index, step = event
                routings[index] = self.routing_step(routings[index], step, submitted_at=submitted_at, at=at)
            elif event[0] == "plan":
                _kind, sequence, approval = event
                due = approval.due
                due_at = self.moment(due) if isinstance(due, data.FromNow) else submitted_at + dt.timedelta(hours=due)
                existing = request.approval_steps.filter(sequence=sequence).first()
                if existing is not None:  # planned at the acceptance from the category's template (the work permit)
                    planned[sequence] = existing
                    continue
                planned[sequence] = approval_step_plan(
                    service_request=request, name=approval.name, authority=approval.authority, sequence=sequence,
                    due_at=due_at, actor=self.users[planner.actor], at=at,
                )
            else:
                approval_step_complete(step=planned[event[1]], actor=self.users[planner.actor], at=at)
        if spec.satisfaction:
            # What ``service_request_rate`` stores, written here because the close above carries its
            # historical time and that service always closes "now".
            request.satisfaction = spec.satisfaction
            request.satisfaction_comment = spec.satisfaction_comment
            request._history_user = self.users[spec.submitted_by]
            request._change_reason = "rate"
            request.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])

    def routing_step(self, routing: Routing, step: data.RoutingStepSpec, *, submitted_at: dt.datetime, at: dt.datetime):
        """One step of a routing through its service; the routing worked on afterwards (after a transfer, the new one).
        The desk transfers, the station head decides, the department's first liaison does the rest."""
        desk = head = self.users["service"]  # the station head is a service officer in the station-head group too
        liaison = routing.department.liaisons.order_by("username").first()
        if step.kind == "transfer":
            return routing_transfer(
                routing=routing, to_department=self.departments[step.department], note=step.note, actor=desk, at=at
            )
        if step.kind == "hand_back":
            return routing_hand_back(routing=routing, reason=step.note, actor=liaison, at=at)
        if step.kind == "extension":
            routing_request_extension(
                routing=routing, due_at=submitted_at + dt.timedelta(hours=step.due_hours), reason=step.note,
                actor=liaison, at=at,
            )
        elif step.kind in ("approve", "refuse"):
            pending = routing.extensions.get(status=RoutingExtension.Status.PENDING)
            routing_decide_extension(extension=pending, approve=step.kind == "approve", note=step.note, actor=head, at=at)
        elif step.kind == "complete":
            routing_complete(routing=routing, note=step.note, actor=liaison, at=at)
        routing.refresh_from_db()
        return routing

    def post_message(self, request: ServiceRequest, message: data.MessageSpec, submitted_at: dt.datetime) -> None:
        if message.department:
            posted = routing_message_post(
                routing=request.routings.get(department=self.departments[message.department]), body=message.body,
                actor=self.users[message.author],
            )
        else:
            posted = message_post(
                service_request=request, author=self.users[message.author], body=message.body,
                is_internal=message.is_internal, shared_with_departments=message.shared_with_departments,
            )
        # Messages are stamped "now" on creation; give them their place in the thread.
        ServiceRequestMessage.objects.filter(pk=posted.pk).update(created_at=submitted_at + dt.timedelta(hours=message.hours))


def outline(index: int, area_m2: Decimal) -> dict:
    """A GeoJSON Polygon: a rectangle of about ``area_m2`` in grid cell ``index`` (cells never overlap)."""
    lng0, lat0 = data.OUTLINE_ORIGIN
    step_lng, step_lat = data.OUTLINE_STEP
    col, row = index % data.OUTLINE_COLUMNS, index // data.OUTLINE_COLUMNS
    west, south = lng0 + col * step_lng, lat0 + row * step_lat
    width_m = math.sqrt(float(area_m2) * 1.3)
    height_m = float(area_m2) / width_m
    metres_per_degree_lat = 110_900
    metres_per_degree_lng = 111_320 * math.cos(math.radians(lat0))
    east = west + width_m / metres_per_degree_lng
    north = south + height_m / metres_per_degree_lat
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}
