"""招商: the pipeline of investment projects — projects and their stages, follow-ups, events, landing commitments
(milestones, capital arrivals, yearly commitments) and their three-colour lights, 撞单, and their reminders.

``services`` and ``commitments`` are the writes (one door per change), ``selectors``, ``collisions`` and
``lights`` the reads, ``reminders`` the rules registered with the reminder engine.
"""
