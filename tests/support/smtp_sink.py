"""aiosmtpd handler for the e-mail tests: each message received is written to DIRECTORY as
N.json ({"from", "to", "data"}), and each RCPT command is logged in DIRECTORY/rcpt.log.

Faults by recipient: reject@... gets 550 (permanent), busy@... gets 451 (transient), and a
message to slow@... is answered only after 3 seconds (past the client's timeout).

    python -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIRECTORY   (PYTHONPATH=tests/support)
"""
import asyncio
import json
import os


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the directory to write messages to")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(os.path.join(self.directory, "rcpt.log"), "a") as log:
            log.write(address + "\n")
        if address.startswith("reject@"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("busy@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(a.startswith("slow@") for a in envelope.rcpt_tos):
            await asyncio.sleep(3)
        self.count += 1
        path = os.path.join(self.directory, "%d.json" % self.count)
        with open(path + ".tmp", "w") as out:
            json.dump(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "data": envelope.content.decode("utf-8", "replace"),
                },
                out,
            )
        os.replace(path + ".tmp", path)
        return "250 Message accepted for delivery"
