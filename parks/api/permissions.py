"""Who may write what in the parks API: the table of ``crm.roles`` (through ``crm.api.permissions.DoesWork``).

Who may read each endpoint at all is its ``work_area`` (``crm.api.permissions.ReadsArea``: parcels and the
pipeline for investment officers and managers, spaces for all staff, policies and grants for everyone); within
it the querysets scope the rows (an enterprise user reaches published policies and its own enterprises'
matches and grants only; anything else is a 404).
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
