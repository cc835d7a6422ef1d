"""The drill-down figures of each report page, one module per page (``reports.drill.register``).

``ReportsConfig.ready`` imports every module here, so a page's figures are registered before any link is drawn.
"""
