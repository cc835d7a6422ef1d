"""Writing the summary tables (``reports.models``): one project at a time, or all of them.

``refresh_project(project_id)`` recomputes one project's ``ProjectFact`` and ``StageStay`` rows from its raw rows
(a deleted project's rows go with it: they cascade). The services that change what the rows copy call it in
their own transaction — ``project_create`` / ``project_change_stage`` / ``projects_assign_owner``, the project
admin's edit (park, chain, channel, investment, enterprise) and the project import — so a page never reads a
summary older than the data it stands for. ``rebuild()`` recomputes every row in chunks
(the nightly task ``reports.rebuild_summaries`` and ``manage.py rebuild_summaries``); running it twice gives
the same rows. Both write ``SummaryState``; while that row does not exist (a fresh install, before the first
rebuild) ``summaries_ready()`` is False and the page reads the raw rows.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from crm.models import PIPELINE, Project, ProjectStageChange
from reports.models import ProjectFact, StageStay, SummaryState

CHUNK = 2_000


def summaries_ready() -> SummaryState | None:
    """The state row when the summaries are built (the page reads them), else None (the page reads the raw rows)."""
    return SummaryState.objects.order_by("pk").first()


def _facts_and_stays(project_ids: Iterable[int]) -> tuple[list[ProjectFact], list[StageStay]]:
    projects = {
        p["id"]: p
        for p in Project.objects.filter(pk__in=project_ids).values(
            "id", "park_id", "owner_id", "industry_chain", "source_channel", "enterprise_id", "stage",
            "total_investment",
        )
    }
    history: dict[int, list[tuple]] = {pk: [] for pk in projects}
    for row in (
        ProjectStageChange.objects.filter(project_id__in=list(projects))
        .order_by("project_id", "changed_at", "id")
        .values_list("project_id", "id", "from_stage", "to_stage", "changed_at")
    ):
        history[row[0]].append(row)
    facts, stays = [], []
    for pk, p in projects.items():
        rows = history[pk]
        # As the raw selector reads it: entered = the first history row (from_stage ""), whatever its position.
        entered = min((r[4] for r in rows if r[2] == ""), default=None)
        reached = {r[3] for r in rows}
        facts.append(ProjectFact(
            id=pk, project_id=pk, park_id=p["park_id"], owner_id=p["owner_id"],
            industry_chain=p["industry_chain"] or "", source_channel=p["source_channel"] or "", enterprise_id=p["enterprise_id"],
            stage=p["stage"], total_investment=p["total_investment"], entered_at=entered,
            **{f"reached_{stage}": stage in reached for stage in PIPELINE},
        ))
        for row, following in zip(rows, [*rows[1:], None], strict=True):
            seconds = (following[4] - row[4]).total_seconds() if following is not None else None
            stays.append(StageStay(
                project_id=pk, change_id=row[1], stage=row[3], entered_at=row[4], seconds=seconds,
                park_id=p["park_id"], owner_id=p["owner_id"], industry_chain=p["industry_chain"] or "",
                project_entered_at=entered,
            ))
    return facts, stays


def _write(project_ids: list[int]) -> None:
    facts, stays = _facts_and_stays(project_ids)
    ProjectFact.objects.filter(project_id__in=project_ids).delete()
    StageStay.objects.filter(project_id__in=project_ids).delete()
    ProjectFact.objects.bulk_create(facts, batch_size=CHUNK)
    StageStay.objects.bulk_create(stays, batch_size=CHUNK)


def _touch(now: dt.datetime, *, rebuilt: bool) -> None:
    state = SummaryState.objects.select_for_update().order_by("pk").first()
    if state is None:
        if not rebuilt:
            return  # never built: the page reads the raw rows; the first rebuild writes every project
        SummaryState.objects.create(rebuilt_at=now, refreshed_at=now)
        return
    state.refreshed_at = now
    state.version += 1
    if rebuilt:
        state.rebuilt_at = now
    state.save(update_fields=["refreshed_at", "version", "rebuilt_at"] if rebuilt else ["refreshed_at", "version"])


@transaction.atomic
def refresh_projects(project_ids: Iterable[int]) -> None:
    """Recompute the summary rows of these projects from their raw rows (in the caller's transaction)."""
    ids = sorted(set(project_ids))
    if not ids or not SummaryState.objects.exists():
        return  # not built yet: nothing to keep current, the page reads the raw rows
    _write(ids)
    _touch(timezone.now(), rebuilt=False)


def refresh_project(project_id: int) -> None:
    refresh_projects([project_id])


def rebuild(*, now: dt.datetime | None = None, chunk: int = CHUNK) -> int:
    """Recompute every summary row from the raw rows, ``chunk`` projects per transaction; returns the project count.

    Rows of projects that no longer exist are removed first (their cascade already did; this is for safety).
    Each chunk is its own transaction, so a rebuild of 100,000 projects holds no long lock; a project changed
    meanwhile is refreshed by its service in its own transaction either before or after its chunk, both right.
    """
    ProjectFact.objects.exclude(project_id__in=Project.objects.values("pk")).delete()
    StageStay.objects.exclude(project_id__in=Project.objects.values("pk")).delete()
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            _write(ids[start:start + chunk])
    with transaction.atomic():
        _touch(now or timezone.now(), rebuilt=True)
    return len(ids)


def freshness_text(summaries: dict | None, now: dt.datetime) -> str:
    """What the page says about where its figures come from: "汇总数据更新于 … （N 分钟前）", or that it read the raw rows."""
    from django.utils.translation import gettext as _

    if not summaries:
        return ""
    if not summaries["from_summaries"]:
        return _("汇总数据尚未生成：本页按原始数据计算（结果相同，较慢）。")
    refreshed = summaries["refreshed_at"]
    minutes = max(int((now - refreshed).total_seconds() // 60), 0)
    return _("汇总数据更新于 %(moment)s（%(minutes)s 分钟前）") % {
        "moment": timezone.localtime(refreshed).strftime("%Y-%m-%d %H:%M"), "minutes": minutes,
    }


# -- the service page's version (reports.selectors.service caches its figures that do not depend on the clock) ----

SERVICE = "service"


def service_figures_changed() -> None:
    """Raise the service page's version, in the caller's transaction (``crm.service_requests.figures_version``).

    The ``UPDATE`` locks the row until the caller commits, so two writes never share a version, and a page that
    reads the version before the commit caches under the old one, which no later view asks for."""
    from django.db.models import F

    from reports.models import ReportVersion

    if not ReportVersion.objects.filter(name=SERVICE).update(version=F("version") + 1):
        ReportVersion.objects.get_or_create(name=SERVICE, defaults={"version": 1})


def service_version() -> tuple | None:
    """(token, version) of the service page's figures, or None without the row (then nothing is cached)."""
    from reports.models import ReportVersion

    return ReportVersion.objects.filter(name=SERVICE).values_list("token", "version").first()
