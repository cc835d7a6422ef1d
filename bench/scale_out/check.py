"""Scale-out test, last step (``.ci/scale-out``): nothing lost, every client error explained, the figures.

    python bench/scale_out/check.py WORKDIR

reads ``WORKDIR/journal-main.jsonl`` and ``journal-ceiling.jsonl`` (the locustfile's samples, submissions and
failures), ``WORKDIR/kills`` (the moments a node was SIGKILLed, epoch seconds), ``wrk.txt``, the SMTP server's
record and the killed worker's log; waits until the reminders are all delivered (or the workers send nothing for ``SCALE_REMINDER_WAIT`` seconds, 150 by default), then prints:

- submissions: accepted by the client and found in the database (each exactly once) — a missing one is LOST;
  refused or failed ones counted by status and reason, and whether they were committed anyway (the answer lost);
- reminders: e-mail and robot notifications not sent — LOST if any is left; sent twice (at least once, a delivery in
  flight when its worker was killed) counted by the SMTP server (``smtp-received.txt``, bench/scale_out/smtp_sink.py);
- client errors: each explained by a kill (a 502/503/504, a broken connection or an answer cut short, from the
  moment a node died until ``EXPLAIN_AFTER_KILL`` seconds later) or UNEXPLAINED;
- the load test's table beside the ceiling's (requests per second, p50/p95/p99, errors, ratio), the load test's
  figures counted from the last client's log-in (before and after the kill too).

Exits 1 on a lost submission, a lost reminder or an unexplained error.
"""

import collections
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from crm.models import Notification, ServiceRequest  # noqa: E402

EXPLAIN_AFTER_KILL = 15.0  # seconds: nginx marks the dead node down at its first failure (max_fails=1)
KILL_STATUSES = {0, 502, 503, 504}
BROKEN = ("Incomplete response", "Connection reset", "Connection closed", "RemoteDisconnected")


def read_journal(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_submissions(entries: list[dict], run: str) -> int:
    ok = [e for e in entries if e["kind"] == "submission" and e["outcome"] == "ok"]
    failed = [e for e in entries if e["kind"] == "submission" and e["outcome"] == "failed"]
    in_db = collections.Counter(ServiceRequest.objects.filter(title__startswith=f"压测诉求 LT-{run}-").values_list("title", flat=True))
    lost = [e for e in ok if in_db[f"压测诉求 {e['marker']}"] == 0]
    twice = [title for title, n in in_db.items() if n > 1]
    known = {f"压测诉求 {e['marker']}" for e in ok + failed}
    print(f"\n== submissions (run {run})")
    print(f"  accepted by the client: {len(ok)}; found in the database: {len(ok) - len(lost)}; LOST: {len(lost)}")
    print(f"  in the database more than once: {len(twice)}; in the database with no answer at all: {len(set(in_db) - known)}")
    reasons = collections.Counter()
    for e in failed:
        committed = in_db[f"压测诉求 {e['marker']}"] > 0
        reasons[(e["status"], e.get("reason", "")[:90], "committed, the answer lost" if committed else "not committed")] += 1
    for (status, reason, fate), n in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"  failed {n:>4} × {status} ({fate}): {reason}")
    for e in lost[:10]:
        print(f"  LOST: {e['marker']} (pk {e.get('pk')})")
    return len(lost)


def wait_for_reminders(stall: float, cap: float) -> tuple[int, int]:
    """Unsent e-mail/robot notifications once all are sent, or once the workers have sent nothing for ``stall``
    seconds (what is left then is lost, not queued), or at ``cap``; and how many are sent.

    The surviving worker delivers at the slow SMTP sink's pace (2 s a message, 2 processes), so the backlog at the
    end of the load test — which grows with the demo world's date-relative reminders of the day — may take longer
    than any fixed wait; a notification orphaned by the kill is retried when its attempt falls due (2 minutes), so
    ``stall`` is longer than that."""
    outbound = Notification.objects.exclude(channel=Notification.Channel.IN_APP)
    last_sent, last_progress = -1, time.time()
    while True:
        unsent = outbound.exclude(status=Notification.Status.SENT).count()
        sent = outbound.filter(status=Notification.Status.SENT).count()
        now = time.time()
        if sent != last_sent:
            last_sent, last_progress = sent, now
        if unsent == 0 or now - last_progress > stall or now > cap:
            return unsent, sent
        time.sleep(2)


def check_reminders(workdir: Path, run: str, started: float) -> int:
    stall = float(os.environ.get("SCALE_REMINDER_WAIT", "150"))
    began = time.time()
    unsent, sent = wait_for_reminders(stall, began + 4 * stall)
    submitted = ServiceRequest.objects.filter(title__startswith=f"压测诉求 LT-{run}-").values_list("pk", flat=True)
    keys = {f"request:{pk}:submitted" for pk in submitted}
    written = set(
        Notification.objects.filter(key__in=keys, channel=Notification.Channel.EMAIL).values_list("key", flat=True)
    )
    sent_by_workers = Notification.objects.filter(
        channel=Notification.Channel.EMAIL, status=Notification.Status.SENT, sent_at__gte=_aware(started)
    ).count()
    sink = workdir / "smtp-received.txt"
    received = len(sink.read_bytes().splitlines()) if sink.exists() else 0
    print("\n== reminders")
    print(f"  e-mail/robot notifications sent: {sent}; still unsent after {time.time() - began:.0f} s: {unsent}")
    print(f"  submitted requests with their 新诉求 e-mail written: {len(written)} of {len(keys)}")
    print(f"  e-mails sent by the workers in this run: {sent_by_workers} rows marked sent, {received} received by the "
          f"SMTP server (sent twice, a delivery in flight at the kill: {max(received - sent_by_workers, 0)})")
    print(f"  deliveries the killed worker left: {_left_by_kill(workdir)}")
    by_status = collections.Counter(
        Notification.objects.exclude(channel=Notification.Channel.IN_APP)
        .exclude(status=Notification.Status.SENT).values_list("status", flat=True)
    )
    for status, n in by_status.items():
        print(f"  LOST (still {status}): {n}")
    return unsent + (len(keys) - len(written))


def _left_by_kill(workdir: Path) -> str:
    """What the killed worker had started and not finished, from its log (Celery logs each task received)."""
    log = workdir / "zs-work1.log"
    if not log.exists():
        return "no log"
    text = log.read_text(encoding="utf-8", errors="replace")
    received = sum(line.rstrip().endswith("] received") for line in text.splitlines())
    done = text.count("] succeeded in")
    return f"{received} tasks received by it, {done} finished before the kill ({received - done} in flight or reserved)"


def _aware(epoch: float):
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


NGINX_ERROR = re.compile(r"\[(?:error|warn)\] .*?\*\d+ (?P<what>.+?) while .*?upstream: \"http://(?P<upstream>[^/\"]+)")


def print_nginx_causes(workdir: Path) -> None:
    """What nginx said about the upstreams: the cause behind each 502 the clients saw, and the ones it retried."""
    path = workdir / "nginx-error.log"
    causes = collections.Counter()
    for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
        found = NGINX_ERROR.search(line)
        if found:
            causes[(found["upstream"], re.sub(r"\(\d+: ", "(", found["what"]))] += 1
    print("  nginx's error log, by upstream and cause (GET/HEAD failures are retried on the other node):")
    for (upstream, what), n in causes.most_common():
        print(f"  {n:>5} × {upstream}: {what}")


def check_errors(entries: list[dict], kills: list[tuple[str, float]]) -> int:
    failures = [e for e in entries if e["kind"] == "failure"]
    explained, unexplained = collections.Counter(), collections.Counter()
    for e in failures:
        node = next((name for name, at in kills if at - 1 <= e["t"] <= at + EXPLAIN_AFTER_KILL), None)
        key = (e["name"], e["status"], e["error"][:80])
        if node and e["status"] in KILL_STATUSES:
            explained[(*key, f"{node} killed")] += 1
        elif node and any(mark in e["error"] for mark in BROKEN):
            # nginx had begun passing the answer on when the node died: it cannot retry, the client gets it cut short.
            explained[(*key, f"{node} killed mid-answer")] += 1
        else:
            unexplained[key] += 1
    print("\n== client errors")
    print(f"  {len(failures)} in all: {sum(explained.values())} explained, {sum(unexplained.values())} UNEXPLAINED")
    for (name, status, error, why), n in explained.most_common():
        print(f"  {n:>5} × {status} {name} — {why}: {error}")
    for (name, status, error), n in unexplained.most_common():
        print(f"  {n:>5} × {status} {name} — UNEXPLAINED: {error}")
    return sum(unexplained.values())


LOG_IN = ("(log in)", "login/ (form)", "api: token")


def figures(samples: list[dict]) -> dict:
    """Requests per second over the samples' span, p50/p95/p99 in ms, errors."""
    if len(samples) < 2:
        return {"n": len(samples), "rps": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "errors": 0}
    times = sorted(e["ms"] for e in samples)
    span = max(e["t"] for e in samples) - min(e["t"] for e in samples)

    def pct(p):
        return times[min(len(times) - 1, round(p / 100 * (len(times) - 1)))]

    return {"n": len(samples), "rps": len(samples) / span if span else 0.0, "p50": pct(50), "p95": pct(95),
            "p99": pct(99), "errors": sum(not e["ok"] for e in samples)}


def print_figures(ours_all: list[dict], ceiling: list[dict], kills: list[tuple[str, float]]) -> None:
    ours_all = [e for e in ours_all if e["kind"] == "sample"]
    ceiling = [e for e in ceiling if e["kind"] == "sample"]
    print("\n== the load test, by request (through nginx; two web nodes, one killed in the middle)")
    print(f"  {'request':<30} {'count':>6} {'errors':>6} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
    for name in sorted({e["name"] for e in ours_all}):
        f = figures([e for e in ours_all if e["name"] == name])
        print(f"  {name[:30]:<30} {f['n']:>6} {f['errors']:>6} {f['p50']:>7.0f} {f['p95']:>7.0f} {f['p99']:>7.0f}")
    # Steady state: from the moment the last client finished logging in (PBKDF2 makes a log-in cost ~0.5 s of CPU).
    logins = [e["t"] for e in ours_all if any(mark in e["name"] for mark in LOG_IN)]
    since = max(logins, default=0.0)
    ours = [e for e in ours_all if e["t"] > since and not any(mark in e["name"] for mark in LOG_IN)]
    kill = min((at for _, at in kills), default=None)
    columns = [("ours", ours)]
    if kill:
        columns += [("before kill", [e for e in ours if e["t"] < kill]), ("after kill", [e for e in ours if e["t"] >= kill])]
    columns.append(("ceiling", ceiling))
    table = [(label, figures(samples)) for label, samples in columns]
    top = table[-1][1]
    print("\n== ours (log-ins apart) vs the ceiling (constant JSON; same nginx, gunicorn, Django, concurrency)")
    print("  " + f"{'':<10}" + "".join(f"{label:>13}" for label, _ in table) + f"{'ours/ceiling':>14}")
    for key, unit in (("rps", "req/s"), ("p50", "p50 ms"), ("p95", "p95 ms"), ("p99", "p99 ms"), ("errors", "errors"),
                      ("n", "requests")):
        row = "".join(f"{f[key]:>13.1f}" if isinstance(f[key], float) else f"{f[key]:>13}" for _, f in table)
        ratio = f"{table[0][1][key] / top[key]:.2f}" if key in ("rps", "p50", "p95", "p99") and top[key] else ""
        print(f"  {unit:<10}{row}{ratio:>14}")


def print_wrk(workdir: Path) -> None:
    wrk = workdir / "wrk.txt"
    if wrk.exists():
        line = next((x for x in wrk.read_text().splitlines() if x.startswith("Requests/sec")), "")
        print(f"  the ceiling with wrk instead of locust (same connections): {line.split(':')[-1].strip()} req/s")


def main(workdir: Path) -> int:
    run = os.environ["SCALE_RUN"]
    started = float(os.environ["SCALE_STARTED"])
    entries = read_journal(workdir / "journal-main.jsonl")
    kills = []
    if (workdir / "kills").exists():
        for line in (workdir / "kills").read_text().splitlines():
            name, at = line.split()
            kills.append((name, float(at)))
    lost_submissions = check_submissions(entries, run)
    lost_reminders = check_reminders(workdir, run, started)
    unexplained = check_errors(entries, kills)
    print_nginx_causes(workdir)
    print_figures(entries, read_journal(workdir / "journal-ceiling.jsonl"), kills)
    print_wrk(workdir)
    verdict = {"lost submissions": lost_submissions, "lost reminders": lost_reminders, "unexplained errors": unexplained}
    print("\n== verdict: " + ", ".join(f"{k} {v}" for k, v in verdict.items()))
    return 1 if any(verdict.values()) else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
