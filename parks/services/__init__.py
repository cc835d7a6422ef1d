"""Writes of the parks app — every state change goes through one function here.

Parcels (``parcels``), spaces (``spaces``), policy grants (``grants``) and the landing commitments of
signed projects (``commitments``). Each is atomic, validates, and raises ``crm.errors.DomainError``.
"""

from .grants import policy_grant_approve, policy_grant_disburse, policy_grant_record, policy_grant_reject
from .parcels import allowed_parcel_moves, parcel_change_status, parcel_reserve, parcel_transfer

__all__ = [
    "allowed_parcel_moves", "parcel_change_status", "parcel_reserve", "parcel_transfer",
    "policy_grant_approve", "policy_grant_disburse", "policy_grant_record", "policy_grant_reject",
]
