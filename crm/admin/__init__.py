"""The staff admin (/admin/): every model of the CRM, registered by the modules below.

The admin stays thin: writes go through the domain packages' services (``crm.pipeline``,
``crm.service_requests``, ``crm.enterprises``), reads that cross models through their selectors.
"""

from . import commitments, enterprises, lists, notifications, projects, routing, service_requests, site, targets, users

__all__ = [
    "commitments", "enterprises", "lists", "notifications", "projects", "routing", "service_requests", "site", "targets",
    "users",
]
