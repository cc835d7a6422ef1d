"""Who may write what in the parks API: the table of ``crm.roles`` (through ``crm.api.permissions.DoesWork``).

Reads are scoped by the querysets (an enterprise user reaches published policies and its own
enterprises' matches and grants only; anything else is a 404); staff-only endpoints use ``IsStaff``.
"""

from crm.api.permissions import DoesWork, IsStaff
from crm.roles import Work

__all__ = ["IsStaff", "RecordsGrants", "WorksLand"]


class WorksLand(DoesWork):
    """Parcel moves and landing commitments: investment officers (招商专员). Managers read only."""

    work = Work.LAND


class RecordsGrants(DoesWork):
    """Recording and deciding policy grants (政策兑现): service officers (企业服务专员)."""

    work = Work.GRANTS
