"""The registry of reminder rules: each domain package registers its rules at start-up (``AppConfig.ready``).

A rule is a ``ReminderRule`` row (thresholds, recipients, channels — edited in the admin) and, here, what the
engine needs from the package that owns it: the defaults of a new row and, for a swept rule, the function that
finds what is due. The engine (``crm.notifications.sweep``, ``crm.notifications.setup``) reads only this
registry, so it knows no domain: service requests
(``crm.service_requests.reminders``), the pipeline (``crm.pipeline.reminders``) and parks (``parks.reminders``)
register theirs, and each app's own data migration creates its rows (``reminders_setup(apps, app_label=...)``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from crm.models import ReminderRule


@dataclass(frozen=True)
class RegisteredRule:
    code: str
    app_label: str  # whose data migration creates the row
    defaults: dict  # ReminderRule fields of a new row, and "groups": names of its recipient groups
    evaluate: Callable | None = None  # (sweep, rule, lower) -> list[Due]; None for an immediate event's rule


_REGISTRY: dict[str, RegisteredRule] = {}


def rules_register(*, app_label: str, rules: dict[str, tuple[Callable | None, dict]]) -> None:
    """Register an app's rules, ``{code: (evaluate or None, defaults)}``; a re-import replaces them. Every code
    must be a ``ReminderRule.Code``, registered by one app only."""
    for code, (evaluate, defaults) in rules.items():
        if code not in ReminderRule.Code.values:
            raise ValueError(f"unknown reminder rule code: {code}")
        if code in _REGISTRY and _REGISTRY[code].app_label != app_label:
            raise ValueError(f"reminder rule {code} is registered by {_REGISTRY[code].app_label} already")
        _REGISTRY[code] = RegisteredRule(code=code, app_label=app_label, defaults=defaults, evaluate=evaluate)


def registered_rules(*, app_label: str | None = None) -> list[RegisteredRule]:
    """The registered rules in ``ReminderRule.Code`` order — the order in which a sweep evaluates them and
    ``send_reminders`` prints what they found."""
    order = {code: i for i, code in enumerate(ReminderRule.Code.values)}
    rules = sorted(_REGISTRY.values(), key=lambda r: order[r.code])
    return [r for r in rules if app_label is None or r.app_label == app_label]
