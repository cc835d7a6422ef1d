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
