"""Template filters for the parks' figures: ``{{ amount|wan }}`` → “5,000 万元”, ``{{ n|number }}`` → “1,300”."""

from django import template

from crm import text

register = template.Library()


@register.filter
def wan(value):
    return "—" if value is None or value == "" else text.wan(value)


@register.filter
def number(value):
    return text.number(value) if value not in (None, "") else "—"


@register.filter
def lookup(mapping, key):
    """``{{ urls|lookup:match.clause.pk }}``: a dictionary's value for a key the template computes (None if absent)."""
    return mapping.get(key) if mapping else None
