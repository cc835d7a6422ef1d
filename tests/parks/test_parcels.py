"""The life of a land parcel: legal moves through the parcel services only, every illegal one refused with
nothing changed, one parcel for at most one project (under concurrency too), and the candidates for a
project's land need, ranked with reasons."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from crm.errors import DomainError
from crm.models import Stage
from parks.models import LandParcel, LandUse, ParcelStatus
from parks.selectors.parcels import parcel_candidates
from parks.services import parcels as parcel_services
from parks.services.parcels import allowed_parcel_moves, parcel_change_status, parcel_reserve, parcel_transfer
from tests.factories import LandParcelFactory, ProjectFactory, officer, project_at

pytestmark = pytest.mark.django_db
S = ParcelStatus

# The lifecycle of PRODUCT.md, as the officers know it.
LEGAL = {
    S.PLANNED: {S.AVAILABLE},
    S.AVAILABLE: {S.PLANNED, S.RESERVED, S.LISTED},
    S.RESERVED: {S.AVAILABLE, S.LISTED},
    S.LISTED: {S.AVAILABLE, S.TRANSFERRED},
    S.TRANSFERRED: {S.UNDER_CONSTRUCTION},
    S.UNDER_CONSTRUCTION: {S.DELIVERED},
    S.DELIVERED: set(),
}
PATH = [S.PLANNED, S.AVAILABLE, S.RESERVED, S.LISTED, S.TRANSFERRED, S.UNDER_CONSTRUCTION, S.DELIVERED]
TRANSFER_DAY = dt.date(2026, 5, 28)


def _snapshot(parcel):
    parcel = LandParcel.objects.get(pk=parcel.pk)
    return (parcel.status, parcel.project_id, parcel.transferred_on, parcel.transfer_price, parcel.history.count())


def parcel_in(status, *, project=None, actor=None, **kwargs):
    """A parcel brought to ``status`` through the services, as an officer would."""
    actor = actor or officer()
    parcel = LandParcelFactory(reserve_price=Decimal("3000"), **kwargs)
    project = project or ProjectFactory()
    for step in PATH[1 : PATH.index(status) + 1]:
        if step == S.RESERVED:
            parcel = parcel_reserve(parcel=parcel, project=project, actor=actor)
        elif step == S.TRANSFERRED:
            parcel = parcel_transfer(parcel=parcel, project=project, on=TRANSFER_DAY, price=Decimal("3200"), actor=actor)
        else:
            parcel = parcel_change_status(parcel=parcel, to=step, actor=actor)
    return parcel


def test_a_parcel_goes_the_whole_way_from_planned_to_delivered_with_its_history():
    me = officer(username="qian")
    project = ProjectFactory(name="科聪控制智造中心项目")

    parcel = parcel_in(S.DELIVERED, project=project, actor=me)

    assert (parcel.status, parcel.project, parcel.transferred_on, parcel.transfer_price) == (
        S.DELIVERED, project, TRANSFER_DAY, Decimal("3200")
    )
    history = list(parcel.history.order_by("history_date").values_list("status", "history_user__username"))
    assert history == [(S.PLANNED, None)] + [(s, "qian") for s in PATH[1:]]


@pytest.mark.parametrize("status", PATH)
def test_the_moves_offered_are_exactly_the_lifecycle(status):
    assert set(allowed_parcel_moves(parcel_in(status))) == LEGAL[status]


ILLEGAL = [(s, to) for s in PATH for to in PATH if to not in LEGAL[s]]


@pytest.mark.parametrize(("status", "to"), ILLEGAL, ids=[f"{s}->{t}" for s, t in ILLEGAL])
def test_every_illegal_move_is_refused_and_changes_nothing(status, to):
    parcel = parcel_in(status)
    other = ProjectFactory(name="另一个项目")
    before = _snapshot(parcel)

    with pytest.raises(DomainError) as refused:
        if to == S.RESERVED:
            parcel_reserve(parcel=parcel, project=other, actor=officer())
        elif to == S.TRANSFERRED:
            parcel_transfer(parcel=parcel, project=parcel.project or other, on=TRANSFER_DAY, price=Decimal("5000"),
                            actor=officer())
        else:
            parcel_change_status(parcel=parcel, to=to, actor=officer())

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert _snapshot(parcel) == before


def test_a_transferred_parcel_is_never_available_again_and_says_what_it_may_become():
    parcel = parcel_in(S.TRANSFERRED, code="杭政工出〔2024〕12号")

    with pytest.raises(DomainError) as refused:
        parcel_change_status(parcel=parcel, to=S.AVAILABLE, actor=officer())

    assert refused.value.message == "地块 杭政工出〔2024〕12号 当前“已出让”，不能转为“可供地”。可转为：在建。"


def test_reserving_or_transferring_needs_its_own_service_with_a_project():
    available, listed = parcel_in(S.AVAILABLE), parcel_in(S.LISTED)

    with pytest.raises(DomainError) as reserve:
        parcel_change_status(parcel=available, to=S.RESERVED, actor=officer())
    with pytest.raises(DomainError) as transfer:
        parcel_change_status(parcel=listed, to=S.TRANSFERRED, actor=officer())

    assert (reserve.value.field, reserve.value.message) == ("project", "预留地块需要指定项目，请使用“预留给项目”。")
    assert transfer.value.field == "project"
    assert LandParcel.objects.get(pk=available.pk).status == S.AVAILABLE
    assert LandParcel.objects.get(pk=listed.pk).status == S.LISTED


def test_a_parcel_reserved_for_one_project_is_refused_to_another_naming_the_first():
    first = ProjectFactory(name="云谷智算中心项目")
    parcel = parcel_in(S.RESERVED, project=first, code="ZJG-YG-M0-03")

    with pytest.raises(DomainError) as refused:
        parcel_reserve(parcel=parcel, project=ProjectFactory(name="后来者项目"), actor=officer())

    assert refused.value.message == "地块 ZJG-YG-M0-03 已归属项目“云谷智算中心项目”（已预留），不能再预留给其他项目。"
    assert LandParcel.objects.get(pk=parcel.pk).project == first


def test_a_parcel_listed_for_a_reserved_project_is_transferred_to_that_project_only():
    first = ProjectFactory(name="云谷智算中心项目")
    parcel = parcel_in(S.LISTED, project=first)
    before = _snapshot(parcel)

    with pytest.raises(DomainError) as refused:
        parcel_transfer(parcel=parcel, project=ProjectFactory(), on=TRANSFER_DAY, price=Decimal("5000"), actor=officer())

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert _snapshot(parcel) == before


def test_an_open_listing_goes_to_whichever_project_wins_it():
    parcel = parcel_change_status(parcel=parcel_in(S.AVAILABLE), to=S.LISTED, actor=officer())
    winner = ProjectFactory(name="竞得项目")

    parcel = parcel_transfer(parcel=parcel, project=winner, on=TRANSFER_DAY, price=Decimal("3600"), actor=officer())

    assert (parcel.status, parcel.project) == (S.TRANSFERRED, winner)


@pytest.mark.parametrize(("price", "on", "field", "message"), [
    (Decimal("2999"), TRANSFER_DAY, "price", "成交价 2,999 万元低于起始价 3,000 万元。"),
    (Decimal("3000"), None, "on", "出让日期不能晚于今天。"),
])
def test_a_transfer_below_the_reserve_price_or_without_a_past_date_is_refused(price, on, field, message):
    parcel = parcel_in(S.LISTED)
    before = _snapshot(parcel)
    on = on or timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(DomainError) as refused:
        parcel_transfer(parcel=parcel, project=parcel.project, on=on, price=price, actor=officer())

    assert (refused.value.field, refused.value.message) == (field, message)
    assert _snapshot(parcel) == before


def test_releasing_a_reservation_frees_the_parcel_of_its_project():
    parcel = parcel_change_status(parcel=parcel_in(S.RESERVED), to=S.AVAILABLE, actor=officer(), note="项目改选他址")

    assert (parcel.status, parcel.project) == (S.AVAILABLE, None)
    assert parcel.history.first().history_change_reason == "项目改选他址"


@pytest.mark.parametrize("stage", [Stage.LOST, Stage.ON_HOLD])
def test_a_lost_or_held_project_is_given_no_land(stage):
    parcel = parcel_in(S.AVAILABLE)
    before = _snapshot(parcel)

    with pytest.raises(DomainError) as refused:
        parcel_reserve(parcel=parcel, project=project_at(stage), actor=officer())

    assert refused.value.field == "project"
    assert _snapshot(parcel) == before


# ---- enforced by the database ---------------------------------------------------------------------


def test_the_database_refuses_a_reserved_parcel_without_a_project():
    parcel = parcel_in(S.AVAILABLE)

    with pytest.raises(IntegrityError), transaction.atomic():
        LandParcel.objects.filter(pk=parcel.pk).update(status=S.RESERVED)
    assert LandParcel.objects.get(pk=parcel.pk).status == S.AVAILABLE


def test_the_database_refuses_to_make_a_transferred_parcel_free_again():
    parcel = parcel_in(S.TRANSFERRED)

    with pytest.raises(IntegrityError), transaction.atomic():
        LandParcel.objects.filter(pk=parcel.pk).update(status=S.AVAILABLE, project=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        LandParcel.objects.filter(pk=parcel.pk).update(status=S.LISTED)
    assert _snapshot(parcel)[:2] == (S.TRANSFERRED, parcel.project_id)


def test_the_database_refuses_a_transferred_parcel_without_its_project():
    with pytest.raises(IntegrityError), transaction.atomic():
        LandParcelFactory(status=S.TRANSFERRED, transferred_on=TRANSFER_DAY)
    assert LandParcel.objects.count() == 0


# ---- two officers at once (PostgreSQL) --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # see tests/conftest.py
def test_two_concurrent_reservations_of_one_parcel_for_different_projects_one_wins(monkeypatch):
    """Each officer's request runs in its own thread and connection. The first to lock the row holds it a
    moment (the decision is slowed down); the second waits for the lock, then finds the parcel reserved."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite serialises writes anyway")
    parcel = parcel_in(S.AVAILABLE, code="ZJG-XK-RD-05")
    projects = [ProjectFactory(name="甲项目"), ProjectFactory(name="乙项目")]
    officers = [officer(username="qian"), officer(username="sun")]
    decide = parcel_services._reservable

    def slow_decision(locked, project):
        time.sleep(0.3)  # without the row lock, the other request would read "available" meanwhile
        decide(locked, project)

    monkeypatch.setattr(parcel_services, "_reservable", slow_decision)
    start = threading.Barrier(2)
    outcomes = {}

    def reserve(i):
        try:
            start.wait()
            parcel_reserve(parcel=parcel, project=projects[i], actor=officers[i])
            outcomes[i] = "reserved"
        except DomainError as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    winners = [i for i, outcome in outcomes.items() if outcome == "reserved"]
    (loser,) = [outcome for outcome in outcomes.values() if outcome != "reserved"]
    assert len(winners) == 1
    assert loser.code == DomainError.ILLEGAL_TRANSITION
    assert loser.message == f"地块 ZJG-XK-RD-05 已归属项目“{projects[winners[0]].name}”（已预留），不能再预留给其他项目。"
    parcel.refresh_from_db()
    assert (parcel.status, parcel.project) == (S.RESERVED, projects[winners[0]])
    assert parcel.history.filter(status=S.RESERVED).count() == 1


# ---- candidates for a project's land need -----------------------------------------------------------


def test_candidates_fit_the_land_need_and_rank_reserved_then_in_park_then_closest(xike, xinchuang_park, elsewhere):
    project = ProjectFactory(name="机器人整机制造项目", land_need_m2=Decimal("20000"), land_use_need="M1", park=xike)
    reserved_here = parcel_in(S.RESERVED, project=project, code="G-预留", area_m2=Decimal("25000"), park=elsewhere)
    exact = parcel_in(S.AVAILABLE, code="A-等面积", area_m2=Decimal("20000"), park=xike)
    smaller = parcel_in(S.AVAILABLE, code="C-略小", area_m2=Decimal("19000"), park=xike)
    outside = parcel_in(S.AVAILABLE, code="B-园外", area_m2=Decimal("22000"), park=xinchuang_park)
    outside = parcel_change_status(parcel=outside, to=S.LISTED, actor=officer())
    parcel_in(S.AVAILABLE, code="D-过大", area_m2=Decimal("30000"), park=xike)
    parcel_in(S.AVAILABLE, code="E-用途不符", area_m2=Decimal("20000"), park=xike, land_use=LandUse.INDUSTRIAL_M0)
    parcel_in(S.TRANSFERRED, code="F-已出让", area_m2=Decimal("20000"), park=xike)
    parcel_in(S.RESERVED, code="H-他人预留", area_m2=Decimal("20000"), park=xike)
    parcel_in(S.PLANNED, code="I-规划中", area_m2=Decimal("20000"), park=xike)

    candidates = parcel_candidates(project=project)

    assert [(c.rank, c.parcel) for c in candidates] == [(1, reserved_here), (2, exact), (3, smaller), (4, outside)]
    assert [c.reason for c in candidates] == [
        "为本项目预留（已预留）；用地性质相符（工业用地 M1）；面积 25,000 m²，比需求 20,000 m² 大 25%；"
        "位于未来科技城，不在拟落地园区西科园；起始价 3,000 万元",
        "可供地；用地性质相符（工业用地 M1）；面积 20,000 m²，与需求相同；位于拟落地园区西科园；起始价 3,000 万元",
        "可供地；用地性质相符（工业用地 M1）；面积 19,000 m²，比需求 20,000 m² 小 5%；位于拟落地园区西科园；起始价 3,000 万元",
        "挂牌中；用地性质相符（工业用地 M1）；面积 22,000 m²，比需求 20,000 m² 大 10%；"
        "位于信创园，不在拟落地园区西科园；起始价 3,000 万元",
    ]


def test_a_project_without_a_land_need_has_no_candidates():
    parcel_in(S.AVAILABLE)

    assert parcel_candidates(project=ProjectFactory(land_need_m2=None)) == []
