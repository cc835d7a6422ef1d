"""How figures read in Chinese (the pipeline's and the parks'): 10,000 万元, 1,300 m², 20 人."""

from decimal import Decimal


def number(value) -> str:
    """``Decimal("10000.00")`` → ``10,000``; ``Decimal("170.82")`` → ``170.82``; ``20`` → ``20``."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def wan(value) -> str:
    """An amount in 万元: ``8,000 万元``."""
    return f"{number(value)} 万元"


def percent(part, whole) -> str | None:
    """``3000`` of ``10000`` → ``30%``; None when there is nothing to divide by."""
    if not whole:
        return None
    return f"{Decimal(part) * 100 / Decimal(whole):.0f}%"
