"""The life of a land parcel (地块), and the only way its status moves.

    规划中 planned → 可供地 available → 已预留 reserved (for a project) → 挂牌中 listed → 已出让 transferred
    → 在建 under construction → 已交付 delivered

Also legal: an available parcel may be listed without a reservation (公开挂牌) or go back to planning;
a reservation may be released (→ available); a listing that found no buyer (流拍) goes back to available.
Nothing leaves 已出让 but forward: a transferred parcel is never available again.

Every move locks the parcel row (``SELECT … FOR UPDATE``) and re-reads its status before deciding, so two
officers reserving the same parcel for different projects at the same moment cannot both succeed: the
second waits for the first to commit, then finds the parcel reserved and is told for which project.
Each move is recorded in the parcel's history (who, when, note).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import Project, Stage, User
from crm.roles import Work, require_role
from crm.text import wan

from ..models import LandParcel, ParcelStatus

S = ParcelStatus

# Moves that need nothing but a note; reserving and transferring have their own functions.
_SIMPLE_MOVES = {
    S.PLANNED: {S.AVAILABLE},
    S.AVAILABLE: {S.PLANNED, S.LISTED},
    S.RESERVED: {S.AVAILABLE, S.LISTED},
    S.LISTED: {S.AVAILABLE},
    S.TRANSFERRED: {S.UNDER_CONSTRUCTION},
    S.UNDER_CONSTRUCTION: {S.DELIVERED},
    S.DELIVERED: set(),
}
_RESERVABLE_FROM = {S.AVAILABLE}
_TRANSFERABLE_FROM = {S.LISTED}
# A project on hold or lost is not given land.
_NO_LAND_STAGES = {Stage.ON_HOLD, Stage.LOST}


def allowed_parcel_moves(parcel: LandParcel) -> list[str]:
    """The statuses this parcel may move to now, in lifecycle order."""
    allowed = set(_SIMPLE_MOVES[parcel.status])
    if parcel.status in _RESERVABLE_FROM:
        allowed.add(S.RESERVED)
    if parcel.status in _TRANSFERABLE_FROM:
        allowed.add(S.TRANSFERRED)
    return [s for s in S.values if s in allowed]


def _illegal(parcel: LandParcel, to: str) -> DomainError:
    names = "、".join(str(S(s).label) for s in allowed_parcel_moves(parcel)) or _("无")
    return DomainError(
        _("地块 %(code)s 当前“%(current)s”，不能转为“%(to)s”。可转为：%(allowed)s。")
        % {"code": parcel.code, "current": parcel.get_status_display(), "to": S(to).label, "allowed": names},
        code=DomainError.ILLEGAL_TRANSITION,
    )


def _locked(parcel: LandParcel) -> LandParcel:
    # No join here: after waiting for the lock PostgreSQL re-reads the locked row only, so a joined project
    # could be the stale one of before the wait. ``parcel.project`` is loaded afterwards when needed.
    return LandParcel.objects.select_for_update().get(pk=parcel.pk)


def _save(parcel: LandParcel, *, actor: User, note: str, fields: list[str]) -> LandParcel:
    parcel._history_user = actor
    parcel._change_reason = (note or "").strip()[:100] or None
    parcel.save(update_fields=[*fields, "updated_at"])
    return parcel


@transaction.atomic
def parcel_change_status(*, parcel: LandParcel, to: str, actor: User, note: str = "") -> LandParcel:
    """Move a parcel along its lifecycle (not to 已预留 or 已出让: see ``parcel_reserve`` / ``parcel_transfer``).

    Releasing a reservation or a failed listing (→ 可供地) frees the parcel of its project.
    """
    require_role(actor, Work.LAND)
    if to not in S.values:
        raise DomainError(_("未知的地块状态：%(status)s") % {"status": to}, field="status")
    parcel = _locked(parcel)
    if to == S.RESERVED and parcel.status in _RESERVABLE_FROM:
        raise DomainError(_("预留地块需要指定项目，请使用“预留给项目”。"), field="project")
    if to == S.TRANSFERRED and parcel.status in _TRANSFERABLE_FROM:
        raise DomainError(_("出让地块需要填写受让项目、出让日期和成交价，请使用“出让”。"), field="project")
    if to not in _SIMPLE_MOVES[parcel.status]:
        raise _illegal(parcel, to)
    fields = ["status"]
    parcel.status = to
    if to in (S.AVAILABLE, S.PLANNED) and parcel.project_id is not None:
        parcel.project = None
        fields.append("project")
    return _save(parcel, actor=actor, note=note, fields=fields)


def _check_project_may_take_land(project: Project) -> None:
    if project.stage in _NO_LAND_STAGES:
        raise DomainError(
            _("项目“%(project)s”当前“%(stage)s”，不能预留或受让地块。") % {"project": project, "stage": project.get_stage_display()},
            field="project",
        )


def _reservable(parcel: LandParcel, project: Project) -> None:
    """Decide on the locked, freshly read row whether ``project`` may have it."""
    if parcel.status == S.RESERVED and parcel.project_id == project.pk:
        raise DomainError(
            _("地块 %(code)s 已预留给本项目。") % {"code": parcel.code}, code=DomainError.ILLEGAL_TRANSITION
        )
    if parcel.project_id is not None:
        raise DomainError(
            _("地块 %(code)s 已归属项目“%(project)s”（%(status)s），不能再预留给其他项目。")
            % {"code": parcel.code, "status": parcel.get_status_display(), "project": parcel.project},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if parcel.status not in _RESERVABLE_FROM:
        raise _illegal(parcel, S.RESERVED)


@transaction.atomic
def parcel_reserve(*, parcel: LandParcel, project: Project, actor: User, note: str = "") -> LandParcel:
    """预留: hold an available parcel for one project. Of two concurrent reservations exactly one wins."""
    require_role(actor, Work.LAND)
    project = Project.objects.get(pk=project.pk)
    _check_project_may_take_land(project)
    parcel = _locked(parcel)
    _reservable(parcel, project)
    parcel.status = S.RESERVED
    parcel.project = project
    return _save(parcel, actor=actor, note=note or _("预留给项目“%(p)s”") % {"p": project}, fields=["status", "project"])


@transaction.atomic
def parcel_transfer(
    *, parcel: LandParcel, project: Project, on: dt.date, price: Decimal, actor: User, note: str = ""
) -> LandParcel:
    """出让: a listed parcel goes to its project at ``price`` 万元 (not below the reserve price) on ``on``.

    A parcel listed for a reserved project goes to that project only.
    """
    require_role(actor, Work.LAND)
    project = Project.objects.get(pk=project.pk)
    _check_project_may_take_land(project)
    parcel = _locked(parcel)
    if parcel.status not in _TRANSFERABLE_FROM:
        raise _illegal(parcel, S.TRANSFERRED)
    if parcel.project_id is not None and parcel.project_id != project.pk:
        raise DomainError(
            _("地块 %(code)s 已预留给项目“%(project)s”，只能出让给该项目。") % {"code": parcel.code, "project": parcel.project},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if price is None or price < 0:
        raise DomainError(_("请填写成交价（万元）。"), field="price")
    if parcel.reserve_price is not None and price < parcel.reserve_price:
        raise DomainError(
            _("成交价 %(price)s低于起始价 %(reserve)s。") % {"price": wan(price), "reserve": wan(parcel.reserve_price)},
            field="price",
        )
    if on is None or on > timezone.localdate():
        raise DomainError(_("出让日期不能晚于今天。"), field="on")
    parcel.status = S.TRANSFERRED
    parcel.project = project
    parcel.transferred_on = on
    parcel.transfer_price = price
    return _save(
        parcel, actor=actor, note=note or _("出让给项目“%(p)s”") % {"p": project},
        fields=["status", "project", "transferred_on", "transfer_price"],
    )
