#!/usr/bin/python3
"""A real SMTP server on loopback for the outbound-mail tests (aiosmtpd).

Run it with /usr/bin/python3: Debian's Python has aiosmtpd
(python3-aiosmtpd); a pyenv `python3` on PATH usually does not.

usage: smtp_sink.py --maildir DIR [--port 0] [--starttls CERT KEY]
                    [--auth USER:PASS] [--fail-code 451]
                    [--reject-code 550]

Prints "listening on 127.0.0.1:PORT" once it accepts connections.
Every accepted message is written to DIR/N.eml (the DATA bytes exactly
as received, after the server undid dot-stuffing) with DIR/N.json beside
it: {"mail_from", "rcpt_tos", "tls", "auth", "helo"}.  The .json appears last,
so a test waits for it.

--starttls   offer STARTTLS with CERT/KEY and refuse MAIL before it.
--auth       require AUTH (PLAIN or LOGIN) as USER:PASS (after STARTTLS:
             aiosmtpd does not offer AUTH in the clear).
--fail-code  answer every RCPT with this code (e.g. 451: try later).
--reject-code  answer every RCPT with this code (e.g. 550: no such user).
Stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, maildir, fail_code, reject_code):
        self.maildir = maildir
        self.fail_code = fail_code
        self.reject_code = reject_code
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if self.fail_code:
            return "%d 4.3.0 Try again later" % self.fail_code
        if self.reject_code:
            return "%d 5.1.1 No such user here" % self.reject_code
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.maildir, "%d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        login = getattr(session, "auth_data", None)
        if isinstance(login, bytes):
            login = login.decode("utf-8", "replace")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "auth": login,
            "helo": session.host_name,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 Message accepted"


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()):
            return AuthResult(success=True, auth_data=auth_data.login)
        return AuthResult(success=False, handled=False)
    return authenticator


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = Sink(args.maildir, args.fail_code, args.reject_code)
    kw = {"decode_data": False, "hostname": "sink.test",
          "ident": "vigil-test-sink"}
    if args.starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.starttls[0], args.starttls[1])
        kw["tls_context"] = ctx
        kw["require_starttls"] = True
    if args.auth:
        user, _, password = args.auth.partition(":")
        kw["authenticator"] = make_authenticator(user, password)
        kw["auth_required"] = True
        kw["auth_require_tls"] = True

    def factory():
        return SMTP(handler, **kw)

    server = await loop.create_server(factory, host="127.0.0.1",
                                      port=args.port)
    port = server.sockets[0].getsockname()[1]
    print("listening on 127.0.0.1:%d" % port, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    ap = argparse.ArgumentParser(description="loopback SMTP sink")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--auth", metavar="USER:PASS")
    ap.add_argument("--fail-code", type=int, default=0)
    ap.add_argument("--reject-code", type=int, default=0)
    args = ap.parse_args()
    if args.auth and ":" not in args.auth:
        ap.error("--auth needs USER:PASS")
    os.makedirs(args.maildir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
