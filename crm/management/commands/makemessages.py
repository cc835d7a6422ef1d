"""``makemessages`` that also collects ``_t("…")`` and ``_lazy("…")``: modules that use ``_`` for ``gettext_lazy``
import ``gettext`` as ``_t`` (and some ``gettext_lazy`` as ``_lazy``), which xgettext does not know by default."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_t", "--keyword=_lazy"]
