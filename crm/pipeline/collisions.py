"""Reads about projects."""

import difflib
import re

from crm.models import Enterprise, Project
from crm.validators import normalize_credit_code

# Legal-form words that differ between two spellings of the same company.
_NAME_NOISE = re.compile(
    r"[（）()\s·,，.。\-]|有限责任公司|股份有限公司|有限公司|集团|公司|科技|技术|杭州|浙江|中国"
)
SIMILAR_NAME_RATIO = 0.85


def _name_key(name: str) -> str:
    return _NAME_NOISE.sub("", name or "")


def project_collisions(*, enterprise: Enterprise | None = None, credit_code: str = "", name: str = "",
                       exclude_owner=None, exclude_project=None):
    """撞单 check: active projects whose investor is the same company (same credit code or a near-identical name).

    Returns a list of projects with ``owner`` and ``enterprise`` loaded, excluding those of
    ``exclude_owner`` (an officer does not collide with themself).
    """
    if enterprise is not None:
        credit_code = credit_code or enterprise.credit_code
        name = name or enterprise.name
    code = normalize_credit_code(credit_code)
    key = _name_key(name)
    if not code and not key:
        return []
    candidates = Project.objects.active().select_related("owner", "enterprise")
    if exclude_owner is not None:
        candidates = candidates.exclude(owner=exclude_owner)
    if exclude_project is not None:
        candidates = candidates.exclude(pk=exclude_project.pk)
    hits = []
    # The candidate set is the active pipeline (hundreds to a few thousand rows); names are compared
    # in Python because "near-identical" is a similarity, not an equality the database can index.
    for project in candidates.only(
        "id", "name", "stage", "owner__username", "owner__display_name", "owner__first_name", "owner__last_name",
        "enterprise__name", "enterprise__short_name", "enterprise__credit_code",
    ):
        other = project.enterprise
        if code and other.credit_code and normalize_credit_code(other.credit_code) == code:
            hits.append(project)
            continue
        other_key = _name_key(other.name)
        if key and other_key and (key == other_key or difflib.SequenceMatcher(None, key, other_key).ratio() >= SIMILAR_NAME_RATIO):
            hits.append(project)
    return hits
