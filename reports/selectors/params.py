"""A drill-down figure's own parameters (``reports.drill``), read back from the list's GET parameters.

They come from the links the layouts build, but a user may edit the address: a parameter that does not read
is a 400 with a Chinese message (``BadRequest``), never a 500 and never a silently different list.
"""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


def choice(params: dict, name: str, choices) -> str:
    """``params[name]``, one of ``choices``; required."""
    value = params.get(name) or ""
    if value not in choices:
        raise BadRequest(_("下钻参数 %(name)s 有误。") % {"name": name})
    return value


def optional_id(params: dict, name: str) -> int | None:
    """``params[name]`` as a primary key, or ``None`` when it is absent."""
    value = params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 18:
        raise BadRequest(_("下钻参数 %(name)s 有误。") % {"name": name})
    return int(value)


def required_id(params: dict, name: str) -> int:
    value = optional_id(params, name)
    if value is None:
        raise BadRequest(_("下钻参数 %(name)s 有误。") % {"name": name})
    return value
