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


def titled(base, *readers):
    """A drill-down title naming the figure's own parameters, ``base（part · part）`` (``reports.drill.title_of``):
    each reader gives its part from the parameters, or nothing."""

    def title(params: dict) -> str:
        parts = [str(part) for part in (read(params) for read in readers) if part]
        return f"{base}（{' · '.join(parts)}）" if parts else str(base)

    return title


def label_of(name: str, labels):
    """The label of ``params[name]`` among ``labels`` (a dict, or TextChoices)."""
    labels = labels if isinstance(labels, dict) else dict(labels.choices)
    return lambda params: labels.get(params.get(name) or "")


def name_of(name: str, model, *, none_label=None):
    """What the row of ``model`` whose primary key is ``params[name]`` is called (``none_label`` for ``none``)."""

    def read(params):
        value = params.get(name) or ""
        if value == "none" and none_label is not None:
            return none_label
        found = model.objects.filter(pk=int(value)).first() if value.isdigit() and len(value) <= 18 else None
        return str(found) if found is not None else None

    return read
