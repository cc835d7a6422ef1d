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
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from crm.models import Enterprise, Project
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


def _similar_keys(enterprises, key: str):
    """PostgreSQL: the enterprises whose key is trigram-similar to ``key`` (the ``%`` operator, answered by the GIN
    index), at least ``TRIGRAM_THRESHOLD`` similar, with the same digits and numerals in the same order."""
    from django.contrib.postgres.lookups import TrigramSimilar
    from django.contrib.postgres.search import TrigramSimilarity

    enterprises = enterprises.alias(
        similarity=TrigramSimilarity("name_key", Value(key)),
        numerals=Func(F("name_key"), Value(f"[^{NUMERALS}]"), Value(""), Value("g"), function="regexp_replace"),
    )
    similar = Q(TrigramSimilar(F("name_key"), Value(key))) & Q(
        similarity__gte=TRIGRAM_THRESHOLD, numerals=numeral_signature(key)
    )
    return enterprises, similar


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
    enterprises = Enterprise.objects.alias(code_upper=Upper("credit_code"))
    matching = (Q(code_upper=code) if code else nothing) | (Q(name_key=key) if key else nothing)
    if key and _uses_trigrams():
        enterprises, similar = _similar_keys(enterprises, key)
        matching |= similar

    projects = (
        Project.objects.active()
        .filter(enterprise__in=enterprises.filter(matching).values("pk"))
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
