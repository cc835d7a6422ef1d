"""A database of a benchmark's own: created for one run, pointed at by ``DATABASE_URL``, removed after.

PostgreSQL when ``BENCH_DATABASE_URL`` or ``DATABASE_URL`` is ``postgres://…`` (a new database beside the one named,
dropped with ``FORCE`` even if the run fails; ``BENCH_KEEP=1`` keeps it to look at), else a temporary SQLite file.
Used by ``admin_bench.py`` and ``collisions_bench.py``.
"""

import contextlib
import os
import tempfile
from urllib.parse import urlsplit, urlunsplit


def postgres_source() -> str:
    """The PostgreSQL URL the benchmark was given, or ``""``."""
    source = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    return source if source.startswith(("postgres://", "postgresql://")) else ""


@contextlib.contextmanager
def scratch_database(prefix: str, *, postgres: bool):
    """Point ``DATABASE_URL`` at a new database for the ``with`` block; yields a line saying what and where."""
    if not postgres:
        handle, path = tempfile.mkstemp(prefix=f"{prefix}_", suffix=".sqlite3")
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        try:
            yield f"SQLite file {path} (created for this run, removed after)"
        finally:
            os.unlink(path)
        return
    import psycopg

    source = postgres_source()
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(source, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(source)._replace(path=f"/{name}"))
    try:
        yield f"PostgreSQL database {name} (created for this run, dropped after)"
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet; the drop below still runs
            pass
        if os.environ.get("BENCH_KEEP"):
            print(f"kept database {name} (BENCH_KEEP)")
        else:
            with psycopg.connect(source, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
