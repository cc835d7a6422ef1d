"""A slow SMTP server for the scale-out test: accepts every message, answers each after DELAY seconds, and writes one
line per message received (its Subject header) to LOG — so a worker killed mid-run is likely to die with deliveries
in flight, and ``check.py`` counts what really arrived (twice = sent again after the kill).

    python bench/scale_out/smtp_sink.py HOST PORT DELAY LOG
"""

import socketserver
import sys
import threading
import time

HOST, PORT, DELAY, LOG = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
_lock = threading.Lock()


class Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.reply("220 zs-sink ESMTP")
        while line := self.rfile.readline():
            verb = line.strip().upper()[:4]
            if verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                subject = b""
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    if data.lower().startswith(b"subject:"):
                        subject = data.strip()
                time.sleep(DELAY)  # the slow part of a real delivery
                with _lock, open(LOG, "ab") as log:
                    log.write(subject + b"\n")
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            elif verb == b"EHLO":
                self.reply("250 zs-sink")
            else:
                self.reply("250 ok")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    with Server((HOST, PORT), Session) as server:
        server.serve_forever()
