"""The staff admin (/admin/): every model of the CRM, registered by the modules below.

The admin stays thin: writes go through ``crm.services``, reads that cross models through ``crm.selectors``.
"""

from . import commitments, enterprises, notifications, projects, service_requests, targets, users

__all__ = ["commitments", "enterprises", "notifications", "projects", "service_requests", "targets", "users"]
