"""gunicorn's configuration file, read by ``bin/serve`` (whose command line sets the bind address, workers,
threads and timeouts from the environment).

- Worker heartbeats in memory (``/dev/shm``), not on a disk that may stall under load.
- Prometheus multiprocess mode (config/metrics.py): the shared folder ``PROMETHEUS_MULTIPROC_DIR`` is emptied
  when the server starts (samples of a previous run would be summed in), and a worker's live gauges are dropped
  when it exits (a HUP's graceful reload replaces every worker; ``--max-requests`` recycles them).
- The access log prints the path without the query string (a search may hold a phone number) and the request
  id; the application's own line per request (``zijin.request``) has the user id.

A HUP reloads gracefully: new workers start with the new code, the old ones finish their requests and exit.
"""

import os
from pathlib import Path

worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's heartbeat files
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
