"""Celery beat, exactly one in the whole installation (``bin/beat``, the ``zijin-beat`` unit).

django-celery-beat takes no lock: two beats would each fire the reminder sweep. The sweep itself is harmless
twice (a unique key on what was sent), but not free, and nobody should have to reason about it. So on
PostgreSQL this process first takes a session-level advisory lock on a connection of its own and only then
starts the scheduler. A second beat — another host, or started by hand by mistake — waits, logging that it
stands by, and takes over when the first one's session ends (its process stopped, or its host gone: the
session's TCP keepalives below let PostgreSQL notice within about a minute). If this process loses its lock
connection, it exits at once (systemd restarts it, and it waits for the lock again) rather than run unlocked.

On SQLite (a laptop: ``make run``) there is one machine and no lock.
"""

import logging
import os
import sys
import threading
import time

LOCK_KEY = 0x7A696A696E0B  # "zijin" + beat: any constant, the same for every beat of one database
CHECK_SECONDS = int(os.environ.get("BEAT_LOCK_CHECK_SECONDS", "15"))

log = logging.getLogger("zijin.beat")


def _lock_connection(settings_db):
    import psycopg

    conn = psycopg.connect(
        dbname=settings_db["NAME"],
        user=settings_db.get("USER") or None,
        password=settings_db.get("PASSWORD") or None,
        host=settings_db.get("HOST") or None,
        port=settings_db.get("PORT") or None,
        autocommit=True,
        application_name="zijin-beat-lock",
    )
    # Let the server drop this session (and so free the lock) soon after this host disappears.
    conn.execute("SET tcp_keepalives_idle = 30")
    conn.execute("SET tcp_keepalives_interval = 10")
    conn.execute("SET tcp_keepalives_count = 3")
    return conn


def wait_for_lock(settings_db):
    """A connection holding the beat lock; blocks (polling) while another beat holds it."""
    conn = _lock_connection(settings_db)
    said = False
    while not conn.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
        if not said:
            log.warning("another beat holds the lock (pg advisory lock %s): standing by", LOCK_KEY)
            said = True
        time.sleep(CHECK_SECONDS)
    log.warning("beat lock taken (pg advisory lock %s): this is the one beat", LOCK_KEY)
    return conn


def _watch(conn):
    while True:
        time.sleep(CHECK_SECONDS)
        try:
            conn.execute("SELECT 1")
        except Exception:  # any failure means the lock may be gone
            log.error("beat lock connection lost: exiting so that no second beat runs unlocked")
            os._exit(3)


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s: %(levelname)s/%(name)s] %(message)s")
    import django

    django.setup()
    from django.conf import settings

    from config.celery_app import app

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        conn = wait_for_lock(db)
        threading.Thread(target=_watch, args=(conn,), daemon=True, name="beat-lock").start()
    app.start(["beat", "--loglevel=INFO", "--pidfile=", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
