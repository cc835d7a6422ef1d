"""企业诉求: what enterprises ask the park for and how the service desk works it.

``services`` (submit with its attachments, every transition, assignment), ``thread`` (messages),
``attachments``, ``approval_steps`` (审批环节), ``satisfaction`` and ``details`` (a category's own fields) are
the writes; ``selectors`` the reads; ``sla`` the due time and the working calendar; ``notify`` the immediate
events; ``reminders`` the rules registered with the reminder engine.
"""
