"""``makemessages`` that also collects ``_t("…")``, ``_lazy("…")`` and ``N_("…")`` (``gettext_noop``: the preset labels
of the category forms, stored in Chinese and translated when shown): modules that use ``_`` for ``gettext_lazy``
import ``gettext`` as ``_t`` (and some ``gettext_lazy`` as ``_lazy``), which xgettext does not know by default."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_t", "--keyword=_lazy", "--keyword=N_"]
