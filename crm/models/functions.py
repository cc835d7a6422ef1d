"""Database functions the domain's readings need in SQL (the ORM twins of rules written once in Python)."""

from django.db import NotSupportedError
from django.db.models import FloatField, Func


class SecondsBetween(Func):
    """``end - start`` in seconds (a float), for two timestamps; PostgreSQL and SQLite."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("SecondsBetween supports PostgreSQL and SQLite only.")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps timestamps as ISO text in UTC; julianday() reads them as fractional days.
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
