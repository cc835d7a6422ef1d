"""pytest plugin for `.ci/previous-release`: the previous release's tests flush with CASCADE.

Its transactional tests empty the tables they know between tests (Django's `flush`, TRUNCATE without CASCADE). On
this release's schema, tables it does not know (e.g. crm_categoryfield) point at tables it knows (crm_servicecategory),
and PostgreSQL refuses to truncate a table another one references. A running previous release never flushes, so this
is a test harness matter, not a compatibility one: truncate the referencing new tables along with it.
"""

from django.core.management.commands import flush

_handle = flush.Command.handle


def _handle_with_cascade(self, **options):
    options["allow_cascade"] = True
    return _handle(self, **options)


flush.Command.handle = _handle_with_cascade
