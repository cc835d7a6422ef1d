"""撞单 while typing: the JSON the project form and the enterprise form (also as the “+” quick-add popup) ask.

``static/js/collisions.js`` calls ``collisions_json`` (``admin:crm_project_collisions``) as soon as the officer
chooses an enterprise or types a name or credit code, and shows the answer above the form. The rule is
``crm.pipeline.collisions.project_collisions``; this view only reads the question and words the answer.
"""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _

from crm.models import Enterprise, Project, User
from crm.pipeline.collisions import project_collisions
from crm.roles import Area, may_read


def _id(request, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def collisions_json(request):
    """GET ?enterprise=ID | name=… | credit_code=… [&owner=ID][&project=ID] → {"results": [...], "title": ...}.

    ``owner`` is the officer the project is for (the form's 负责人; by default the user asking): their own projects
    are not collisions. ``project`` is the project being edited, never its own collision. Only those who read the
    pipeline ask (403 otherwise, e.g. a service officer on the enterprise form: no panel).
    """
    if not may_read(request.user, Area.PIPELINE):
        raise PermissionDenied
    enterprise_id, owner_id, project_id = _id(request, "enterprise"), _id(request, "owner"), _id(request, "project")
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first() if enterprise_id else None
    owner = User.objects.filter(pk=owner_id).first() if owner_id else None
    hits = project_collisions(
        enterprise=enterprise,
        name=request.GET.get("name", "")[:200],
        credit_code=request.GET.get("credit_code", "")[:40],
        exclude_owner=owner or request.user,
        exclude_project=Project(pk=project_id) if project_id else None,
    )
    return JsonResponse({
        "title": _("撞单提醒"),
        "results": [
            {
                "project": p.pk,
                "project_name": p.name,
                "enterprise_name": p.enterprise.name,
                "owner_name": str(p.owner),
                "stage": p.stage,
                "stage_display": p.get_stage_display(),
                "reason": p.collision_reason,
                "text": _("%(owner)s 已在跟进“%(enterprise)s”的项目“%(project)s”（%(stage)s）——%(reason)s。") % {
                    "owner": p.owner, "enterprise": p.enterprise.name, "project": p.name,
                    "stage": p.get_stage_display(), "reason": p.collision_reason,
                },
            }
            for p in hits
        ],
    })
