"""REST API of the parks app under /api/v1/: parcels, spaces, policies and clauses, policy matches, grants
and landing commitments. Mounted beside ``crm.api`` (config/urls.py); roles and error mapping are crm's."""
