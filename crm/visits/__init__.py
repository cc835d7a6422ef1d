"""安商 / 包联: the enterprises each officer is in charge of, the visits paid to them, and the problems heard there.

``services`` (the writes: record a visit, turn a problem into a service request, put an officer in charge),
``reminders`` (the "not visited for N days" rule, and its reading as a state for the workbench).
"""
