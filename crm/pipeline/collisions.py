"""撞单: which active projects of other officers are on the same company — one database query, by index.

The rule (docs/collisions.md):

1. **Same credit code** (统一社会信用代码相同): the normalised code (``normalize_credit_code``) equals the
   enterprise's code, whatever its case (index ``crm_enterprise_code_upper``).
2. **Same name key** (企业名称相同（忽略地区、组织形式、分公司）): ``Enterprise.name_key`` — the company name without
   region prefixes, legal forms, branch suffixes and punctuation (``crm.names.company_name_key``) — equals the
   key of the name asked about (b-tree index on ``name_key``). Digits and Chinese numerals stay in the key, so
   科技一号 and 科技二号 do not match, nor do names whose core word differs.
3. **Similar name, PostgreSQL only** (企业名称相近): trigram similarity (``pg_trgm``, GIN index
   ``crm_enterprise_name_key_trgm``) of the keys at least ``TRIGRAM_THRESHOLD``, and never when the two keys'
   digits and numerals differ (``numeral_signature``). On SQLite this step does not exist; rules 1 and 2 hold
   the same on both databases.

A project collides when it is active (``Project.objects.active()``), not the officer's own (``exclude_owner``) and
not the project being edited (``exclude_project``).
"""

from django.db import connection
from django.db.models import Case, CharField, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from crm.models import ACTIVE_STAGES, Enterprise, Project
from crm.names import NUMERALS, company_name_key, numeral_signature
from crm.validators import normalize_credit_code

# Trigram similarity (0–1) from which two keys are "similar": a word added to a name ("西湖阳光科技" and
# "西湖阳光科技发展" score 0.6) matches; one character changed in a short core word ("科聪控制技术" and
# "科达控制技术" score 0.4) does not.
TRIGRAM_THRESHOLD = 0.6

SAME_CODE, SAME_KEY, SIMILAR_NAME = 1, 2, 3


def collision_reason(kind: int) -> str:
    return {
        SAME_CODE: _("统一社会信用代码相同"),
        SAME_KEY: _("企业名称相同（忽略地区、组织形式、分公司）"),
        SIMILAR_NAME: _("企业名称相近"),
    }[kind]


def _uses_trigrams() -> bool:
    return connection.vendor == "postgresql"


def _matching_enterprises(*, code: str, key: str):
    """The ids of the enterprises matching by code, by key or (PostgreSQL) by trigrams: a UNION of one indexed
    lookup per rule, so that each is answered by its own index (an OR of them lets PostgreSQL scan the table)."""
    parts = []
    if code:
        parts.append(Enterprise.objects.alias(code_upper=Upper("credit_code")).filter(code_upper=code))
    if key:
        parts.append(Enterprise.objects.filter(name_key=key))
    if key and _uses_trigrams():
        parts.append(_similar_keys(key))
    ids = [part.order_by().values("pk") for part in parts]
    return ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0]


def _similar_keys(key: str):
    """PostgreSQL: the enterprises whose key is trigram-similar to ``key`` (the ``%`` operator, answered by the GIN
    index), at least ``TRIGRAM_THRESHOLD`` similar, with the same digits and numerals in the same order."""
    from django.contrib.postgres.lookups import TrigramSimilar
    from django.contrib.postgres.search import TrigramSimilarity

    return (
        Enterprise.objects.alias(
            similarity=TrigramSimilarity("name_key", Value(key)),
            numerals=Func(F("name_key"), Value(f"[^{NUMERALS}]"), Value(""), Value("g"), function="regexp_replace"),
        )
        .filter(TrigramSimilar(F("name_key"), Value(key)))
        .filter(similarity__gte=TRIGRAM_THRESHOLD, numerals=numeral_signature(key))
    )


def _active_projects():
    """``Project.objects.active()`` — on SQLite with the stage column hidden from its index (a unary ``+``).

    SQLite keeps no statistics: given the stage index it walks every active project and tests its enterprise,
    where the few matching enterprises should lead (through the index on ``enterprise_id``). PostgreSQL plans
    from its statistics and leads with the enterprises by itself.
    """
    if connection.vendor != "sqlite":
        return Project.objects.active()
    unindexed = Func(F("stage"), template="+%(expressions)s", output_field=CharField())
    return Project.objects.alias(stage_unindexed=unindexed).filter(stage_unindexed__in=ACTIVE_STAGES)


def project_collisions(*, enterprise: Enterprise | None = None, credit_code: str = "", name: str = "",
                       exclude_owner=None, exclude_project=None):
    """撞单 check: the active projects of other officers whose investor is the same company.

    ``enterprise`` gives its own name and code (an explicit ``name``/``credit_code`` wins). Returns a list of
    projects with ``owner`` and ``enterprise`` loaded, each with ``collision_reason`` (why it matched), in the
    order: same code, same name, similar name. One query whatever the number of projects.
    """
    if enterprise is not None:
        credit_code = credit_code or enterprise.credit_code
        name = name or enterprise.name
    code = normalize_credit_code(credit_code)
    key = company_name_key(name) if (name or "").strip() else ""
    if not code and not key:
        return []

    nothing = Q(pk__in=[])
    projects = (
        _active_projects()
        .filter(enterprise__in=_matching_enterprises(code=code, key=key))
        .select_related("owner", "enterprise")
        .alias(code_upper=Upper("enterprise__credit_code"))
        .annotate(match_kind=Case(
            When(Q(code_upper=code) if code else nothing, then=Value(SAME_CODE)),
            When(Q(enterprise__name_key=key) if key else nothing, then=Value(SAME_KEY)),
            default=Value(SIMILAR_NAME),
            output_field=IntegerField(),
        ))
    )
    if exclude_owner is not None:
        projects = projects.exclude(owner=exclude_owner)
    if exclude_project is not None and exclude_project.pk is not None:
        projects = projects.exclude(pk=exclude_project.pk)

    hits = list(projects.order_by("match_kind", "name", "id"))
    for project in hits:
        project.collision_reason = collision_reason(project.match_kind)
    return hits
