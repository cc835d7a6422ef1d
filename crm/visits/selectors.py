"""Reads of 走访: how lists and exports show who was met (masked), and the officer's 待走访."""

import datetime as dt
import re

from django.db.models import F, QuerySet

from crm.models import Enterprise, User

from .reminders import DUE_SOON_DAYS, enterprise_visit_due_condition, visit_due_on, visit_periods

_SEPARATORS = "、，,;；"
_OPEN, _CLOSE = "（(", "）)"
_NAME_THEN_REST = re.compile(r"\s*([^（(]*)(.*)", re.S)


def _people(text: str) -> list[str]:
    """“王建国（总经理）、蓝振忠（创始人、首席科学家）” → the two people: separators inside brackets stay."""
    people, current, depth = [], "", 0
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        if char in _SEPARATORS and depth == 0:
            people.append(current)
            current = ""
        else:
            current += char
    return [person for person in [*people, current] if person.strip()]


def masked_met_with(text: str) -> str:
    """“王建国（总经理）、李娜” → “王**（总经理）、李*”: who was met, as lists and exports show it — each name keeps
    its surname, positions in brackets stay (the project masks names and phones outside an object's own page)."""
    shown = []
    for part in _people(text or ""):
        name, rest = _NAME_THEN_REST.match(part).groups()
        name = name.strip()
        shown.append((name[:1] + "*" * (len(name) - 1) if name else "") + rest.strip())
    return "、".join(shown)


def visits_due(*, user: User, today: dt.date, periods: tuple[int, int] | None = None) -> QuerySet[Enterprise]:
    """待走访: the in-park enterprises ``user`` is the 包联干部 of whose visit is due within ``DUE_SOON_DAYS`` or
    overdue — the reminder's condition, looked at that many days ahead; never visited first, then the longest
    unvisited. Each row gets ``visit_due_on`` and ``visit_overdue`` once the rows are read (``with_due_dates``)."""
    periods = periods or visit_periods()
    return (
        Enterprise.objects.filter(responsible_officer=user)
        .filter(enterprise_visit_due_condition(today=today, periods=periods, ahead_days=DUE_SOON_DAYS))
        .order_by(F("last_visited_on").asc(nulls_first=True), "created_at", "pk")
    )


def with_due_dates(enterprises, *, today: dt.date, periods: tuple[int, int]) -> list[Enterprise]:
    rows = list(enterprises)
    for enterprise in rows:
        enterprise.visit_due_on = visit_due_on(enterprise, periods=periods)
        enterprise.visit_overdue = enterprise.visit_due_on <= today
    return rows
