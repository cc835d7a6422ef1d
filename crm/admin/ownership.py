"""The ownership rule (``crm.pipeline.ownership``) in the admin: a project's page, its inlines and the pages of its
records are editable by whoever may change the project — its owner, co-officers, the head of investment promotion —
and read-only for everyone else who reads them."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from crm.pipeline.ownership import may_change_project


def may_change(request, project) -> bool:
    """``may_change_project`` for the user at the keyboard, asked once per project and request: the page, its
    inlines and its stage form all ask."""
    if project is None or project.pk is None:
        return True
    answers = request.__dict__.setdefault("_zj_may_change_project", {})
    if project.pk not in answers:
        answers[project.pk] = may_change_project(request.user, project)
    return answers[project.pk]


class ChangedWithProjectInline:
    """An inline of the project page: editable by whoever may change the project, read-only for everyone else."""

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change(request, obj)


class ChangedWithItsProjectAdmin:
    """The page of a project's record (follow-up, milestone, arrival, credit, commitment): changed or deleted by
    whoever may change its project (``crm.pipeline.ownership``), read-only to everyone else. The bulk delete
    refuses, with a message, the rows of projects the user may not change and deletes the others."""

    actions = ["delete_selected"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_change(request, obj.project))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_change(request, obj.project))

    @admin.action(permissions=["delete"], description=_("删除所选的 %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        rows = list(queryset.select_related("project").prefetch_related("project__co_officers"))
        refused = [row for row in rows if not may_change(request, row.project)]
        if refused:
            names = "、".join(sorted({row.project.name for row in refused}))
            messages.warning(request, _t("%(n)s 条记录属于您无权修改的项目（%(projects)s），未删除。")
                             % {"n": len(refused), "projects": names})
        allowed = [row.pk for row in rows if row not in refused]
        if not allowed:
            return None
        return delete_selected(self, request, queryset.model.objects.filter(pk__in=allowed))
