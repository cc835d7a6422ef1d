"""The project pipeline: legal and illegal stage moves, and the history each move leaves."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from crm.errors import DomainError
from crm.models import PIPELINE, Project, ProjectStageChange, Stage
from crm.pipeline.services import allowed_stages, follow_up_create, project_change_stage, projects_assign_owner
from tests.factories import ProjectFactory, investment_lead, officer

pytestmark = pytest.mark.django_db


def _project_at(stage):
    """A project moved legally, step by step, to ``stage``."""
    project = ProjectFactory()
    if stage in PIPELINE:
        for nxt in PIPELINE[1 : PIPELINE.index(stage) + 1]:
            project = project_change_stage(project=project, to=nxt, actor=project.owner)
    elif stage == Stage.ON_HOLD:
        project = project_change_stage(project=project, to=Stage.CONTACTED, actor=project.owner)
        project = project_change_stage(project=project, to=Stage.ON_HOLD, actor=project.owner, note="投资方预算冻结")
    elif stage == Stage.LOST:
        project = project_change_stage(project=project, to=Stage.LOST, actor=project.owner, note="落户外地")
    return project


def test_new_project_starts_as_lead_with_one_history_row():
    project = ProjectFactory()
    assert project.stage == Stage.LEAD
    assert list(project.stage_changes.values_list("from_stage", "to_stage")) == [("", "lead")]


LEGAL = {
    Stage.LEAD: {Stage.CONTACTED, Stage.ON_HOLD, Stage.LOST},
    Stage.CONTACTED: {Stage.NEGOTIATING, Stage.ON_HOLD, Stage.LOST},
    Stage.NEGOTIATING: {Stage.SIGNED, Stage.ON_HOLD, Stage.LOST},
    Stage.SIGNED: {Stage.REGISTERED, Stage.ON_HOLD, Stage.LOST},
    Stage.REGISTERED: {Stage.CONSTRUCTION, Stage.ON_HOLD, Stage.LOST},
    Stage.CONSTRUCTION: {Stage.PRODUCTION, Stage.ON_HOLD, Stage.LOST},
    Stage.PRODUCTION: set(),
    Stage.ON_HOLD: {Stage.CONTACTED, Stage.LOST},  # resumes where it stopped (contacted, see _project_at)
    Stage.LOST: {Stage.LEAD},
}


@pytest.mark.parametrize("source", list(Stage))
@pytest.mark.parametrize("target", list(Stage))
def test_every_stage_move_is_allowed_exactly_when_the_pipeline_says_so(source, target):
    project = _project_at(source)
    history_before = project.stage_changes.count()
    if target in LEGAL[source]:
        moved = project_change_stage(project=project, to=target, actor=project.owner, note="原因说明")
        assert moved.stage == target
        last = moved.stage_changes.order_by("-id").first()
        assert (last.from_stage, last.to_stage, last.actor) == (source, target, project.owner)
        assert moved.stage_changes.count() == history_before + 1
    else:
        with pytest.raises(DomainError) as err:
            project_change_stage(project=project, to=target, actor=project.owner, note="原因说明")
        assert err.value.code == DomainError.ILLEGAL_TRANSITION
        project.refresh_from_db()
        assert project.stage == source
        assert project.stage_changes.count() == history_before


def test_allowed_stages_lists_the_legal_moves():
    assert allowed_stages(_project_at(Stage.NEGOTIATING)) == [Stage.SIGNED, Stage.ON_HOLD, Stage.LOST]


def test_losing_a_project_requires_a_reason_and_records_it():
    project = ProjectFactory()
    with pytest.raises(DomainError) as err:
        project_change_stage(project=project, to=Stage.LOST, actor=project.owner, note="  ")
    assert err.value.field == "note"
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    lost = project_change_stage(project=project, to=Stage.LOST, actor=project.owner, note="已在余杭落地")
    assert lost.lost_reason == "已在余杭落地"


def test_database_refuses_a_lost_project_without_reason():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(stage=Stage.LOST, lost_reason="")


def test_database_refuses_negative_amounts():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(total_investment=-1, fixed_asset_investment=0)


def test_unknown_stage_is_a_field_error():
    project = ProjectFactory()
    with pytest.raises(DomainError) as err:
        project_change_stage(project=project, to="landed", actor=project.owner)
    assert err.value.field == "stage"


def test_stage_change_writes_an_audit_history_entry():
    project = ProjectFactory()
    project_change_stage(project=project, to=Stage.CONTACTED, actor=project.owner)
    assert list(project.history.order_by("history_id").values_list("stage", flat=True)) == ["lead", "contacted"]


def test_follow_up_sets_the_projects_next_step_and_date():
    project = ProjectFactory()
    follow_up_create(
        project=project, officer=project.owner, occurred_on=dt.date(2026, 11, 20), note="面谈用地需求",
        next_step="报送用地方案", next_follow_up_on=dt.date(2026, 12, 1),
    )
    # An older follow-up logged afterwards does not overwrite the newer plan.
    follow_up_create(project=project, officer=project.owner, occurred_on=dt.date(2026, 11, 1), note="电话初聊", next_step="约面谈")
    project.refresh_from_db()
    assert (project.next_step, project.next_follow_up_on) == ("报送用地方案", dt.date(2026, 12, 1))


def test_a_follow_up_without_a_next_step_keeps_the_projects_typed_one():
    project = ProjectFactory(next_step="约见董事长", next_follow_up_on=dt.date(2026, 12, 10))
    follow_up_create(project=project, officer=project.owner, occurred_on=dt.date(2026, 11, 20), note="电话初聊")
    project.refresh_from_db()
    assert (project.next_step, project.next_follow_up_on, project.followed_up_on) == (
        "约见董事长", dt.date(2026, 12, 10), dt.date(2026, 11, 20)
    )


def test_a_follow_up_with_only_a_next_date_replaces_the_date_and_keeps_the_step():
    project = ProjectFactory(next_step="约见董事长", next_follow_up_on=dt.date(2026, 12, 10))
    follow_up_create(
        project=project, officer=project.owner, occurred_on=dt.date(2026, 11, 20), note="电话初聊",
        next_follow_up_on=dt.date(2026, 12, 3),
    )
    project.refresh_from_db()
    assert (project.next_step, project.next_follow_up_on) == ("约见董事长", dt.date(2026, 12, 3))


def test_bulk_assign_owner_changes_owner_and_leaves_an_audit_row_per_project():
    first, second = ProjectFactory(), ProjectFactory()
    new_owner = officer()
    count = projects_assign_owner(
        projects=Project.objects.filter(pk__in=[first.pk, second.pk]), owner=new_owner, actor=investment_lead()
    )
    assert count == 2
    assert set(Project.objects.values_list("owner", flat=True)) == {new_owner.pk}
    assert first.history.filter(owner=new_owner).count() == 1


def test_history_is_ordered_and_dated_as_given():
    project = ProjectFactory()
    at = dt.datetime(2024, 5, 6, 10, 0, tzinfo=dt.UTC)
    project_change_stage(project=project, to=Stage.CONTACTED, actor=project.owner, at=at)
    change = ProjectStageChange.objects.get(project=project, to_stage=Stage.CONTACTED)
    assert change.changed_at == at
