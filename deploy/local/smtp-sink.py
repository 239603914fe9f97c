#!/usr/bin/python3
"""A real SMTP server for local runs and tests (aiosmtpd, from Debian's python3-aiosmtpd).

Every accepted message is written, byte for byte as received (CRLF kept), to a Maildir. Two kinds of recipient act
out the failures a mail server gives, so the tests can see Pactum handle them:
  <local>+451@<domain>  answered "451 try again later" the first time, accepted after;
  <local>+550@<domain>  always answered "550 no such user".

  smtp-sink.py --port 2525 --maildir .local/mail
"""

import argparse
import os
import pathlib
import signal
import threading
import time
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, maildir):
        for sub in ("tmp", "new", "cur"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        self.maildir = maildir
        self.refused_once = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.endswith("+550"):
            return "550 5.1.1 <%s>: no such user" % address
        if local.endswith("+451"):
            with self.lock:
                if address not in self.refused_once:
                    self.refused_once.add(address)
                    return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Maildir delivery: write under tmp/, then rename into new/ (atomic). Python's mailbox
        # module would turn CRLF into LF; the evidence tests compare the bytes exactly.
        key = "%d.%s.pactum" % (time.time_ns(), uuid.uuid4().hex)
        tmp = self.maildir / "tmp" / key
        tmp.write_bytes(envelope.original_content or envelope.content)
        os.rename(tmp, self.maildir / "new" / key)
        return "250 2.0.0 OK queued as %s" % key


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--maildir", type=pathlib.Path, required=True)
    args = parser.parse_args()
    controller = Controller(Sink(args.maildir), hostname=args.host, port=args.port, decode_data=False)
    controller.start()
    print("smtp-sink listening on %s:%d, mail in %s" % (args.host, args.port, args.maildir), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
