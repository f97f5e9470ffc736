#!/usr/bin/env python3
"""faultsrv.py: small misbehaving mail servers for petrel's tests.

Python 3 standard library only.  Listens on 127.0.0.0/8 only, serves
every connection in a thread, records every byte each client sent, and
runs until killed.

    faultsrv.py MODE [--addr 127.0.0.1] [--port 0] --port-file FILE
                [--log FILE] [--cert CRT --key KEY]

The chosen port is written to --port-file once the socket listens (write
then rename, so a reader never sees half of it).  --log receives every
byte clients sent, plain text and (after a STARTTLS with --cert) the
decrypted bytes too, so a test can assert that a password never reached
the server.

Modes:
    imap-nostarttls   IMAP that does not offer STARTTLS (accepts LOGIN)
    imap-inject       offers STARTTLS, and sends an extra line in the same
                      packet as its OK (CVE-2020-15953 response injection)
    imap-starttls     a correct STARTTLS (needs --cert/--key)
    imap-preauth      greets with PREAUTH in plain text
    imap-stall        answers everything but LOGIN, which hangs forever
    imap-xoauth2      offers AUTH=XOAUTH2 without SASL-IR: AUTHENTICATE
                      XOAUTH2 gets an empty continuation, then takes the
                      token "good-token" (OK) or sends the base64 JSON
                      error challenge and, after the client's empty line,
                      NO; answers a second challenge's line with BAD
    smtp-nostarttls   SMTP whose EHLO offers AUTH but no STARTTLS
    smtp-inject       offers STARTTLS, sends an extra line with its 220
    smtp-starttls     a correct STARTTLS (needs --cert/--key)
    plain-imap        a plain-text IMAP greeting (a STARTTLS-style port)
  SMTP transactions (every smtp- mode takes MAIL, RCPT, DATA; these
  differ at one step; no STARTTLS, so the client uses security none):
    smtp-accept       accepts everything (250 after DATA)
    smtp-authfail     refuses AUTH with 535
    smtp-rcpt-refuse  refuses RCPT TO for local parts starting "nobody"
                      with 550 5.1.1, accepts the others
    smtp-data-452     answers the end of DATA with 452 4.3.1
    smtp-data-552     answers the end of DATA with 552 5.3.4
    smtp-drop-after-data  closes the connection after the end of DATA,
                      without a reply
    smtp-silent-after-data  never replies to the end of DATA
    tls-silent        TLS handshake, then never says anything
    blackhole         accepts connections and never sends a byte
    filtered          never accepts, and its accept queue is kept full, so
                      the kernel drops new SYNs: connects time out, as
                      behind a firewall
"""

import argparse
import base64
import os
import socket
import ssl
import sys
import threading

LOG_LOCK = threading.Lock()


class Conn:
    """One client connection, with line reading and byte recording."""

    def __init__(self, sock, log):
        self.sock = sock
        self.log = log
        self.buf = b""

    def record(self, data):
        if self.log and data:
            with LOG_LOCK:
                with open(self.log, "ab") as f:
                    f.write(data)

    def send(self, text):
        self.sock.sendall(text.encode() if isinstance(text, str) else text)

    def readline(self):
        while b"\n" not in self.buf:
            try:
                data = self.sock.recv(4096)
            except (OSError, ssl.SSLError):
                return None
            if not data:
                return None
            self.record(data)
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def starttls(self, ctx):
        self.sock = ctx.wrap_socket(self.sock, server_side=True)
        self.buf = b""


def imap_xoauth2(c, tag):
    c.send("+ \r\n")
    line = c.readline()
    if line is None:
        return False
    try:
        blob = base64.b64decode(line, validate=True).decode("utf-8", "replace")
    except ValueError:
        c.send("%s BAD not base64\r\n" % tag)
        return True
    if "\x01auth=Bearer good-token\x01\x01" in blob:
        c.send("%s OK logged in\r\n" % tag)
        return True
    err = base64.b64encode(b'{"status":"401","schemes":"bearer",'
                           b'"scope":"https://mail.google.com/"}')
    c.send("+ %s\r\n" % err.decode())
    line = c.readline()
    if line is None:
        return False
    if line != "":
        c.send("%s BAD expected an empty line\r\n" % tag)
    else:
        c.send("%s NO [AUTHENTICATIONFAILED] Invalid credentials\r\n" % tag)
    return True


def imap_serve(c, mode, ctx):
    caps = "IMAP4rev1 AUTH=PLAIN"
    if mode == "imap-xoauth2":
        caps = "IMAP4rev1 AUTH=XOAUTH2"
    if mode in ("imap-inject", "imap-starttls"):
        caps += " STARTTLS"
    if mode == "imap-preauth":
        c.send("* PREAUTH [CAPABILITY %s] logged in already\r\n" % caps)
    else:
        c.send("* OK [CAPABILITY %s] fault server ready\r\n" % caps)
    tls = False
    while True:
        line = c.readline()
        if line is None:
            return
        parts = line.split(" ", 2)
        if len(parts) < 2:
            c.send("* BAD what?\r\n")
            continue
        tag, cmd = parts[0], parts[1].upper()
        if cmd == "CAPABILITY":
            shown = caps.replace(" STARTTLS", "") if tls else caps
            c.send("* CAPABILITY %s\r\n%s OK done\r\n" % (shown, tag))
        elif cmd == "STARTTLS" and "STARTTLS" in caps and not tls:
            if mode == "imap-inject":
                c.send("%s OK begin TLS now\r\n* OK [CAPABILITY IMAP4rev1 "
                       "AUTH=PLAIN] injected\r\n" % tag)
            else:
                c.send("%s OK begin TLS now\r\n" % tag)
            if ctx is None:
                return
            try:
                c.starttls(ctx)
            except (OSError, ssl.SSLError):
                return
            tls = True
        elif cmd == "AUTHENTICATE" and mode == "imap-xoauth2":
            if not imap_xoauth2(c, tag):
                return
        elif cmd == "LOGIN" and mode == "imap-stall":
            while c.readline() is not None:
                pass
            return
        elif cmd == "LOGIN":
            c.send("%s OK logged in\r\n" % tag)
        elif cmd in ("SELECT", "EXAMINE"):
            c.send("* 3 EXISTS\r\n* 0 RECENT\r\n%s OK [READ-ONLY] done\r\n"
                   % tag)
        elif cmd == "LOGOUT":
            c.send("* BYE bye\r\n%s OK done\r\n" % tag)
            return
        elif cmd == "NOOP":
            c.send("%s OK done\r\n" % tag)
        else:
            c.send("%s BAD unknown command\r\n" % tag)


def smtp_serve(c, mode, ctx):
    c.send("220 fault.test ESMTP fault server\r\n")
    tls = False
    while True:
        line = c.readline()
        if line is None:
            return
        cmd = line.split(" ", 1)[0].upper()
        if cmd in ("EHLO", "HELO"):
            lines = ["fault.test"]
            if mode in ("smtp-inject", "smtp-starttls") and not tls:
                lines.append("STARTTLS")
            lines += ["AUTH PLAIN LOGIN", "SIZE 1000000"]
            out = "".join("250-%s\r\n" % x for x in lines[:-1])
            c.send(out + "250 %s\r\n" % lines[-1])
        elif cmd == "STARTTLS" and mode in ("smtp-inject", "smtp-starttls"):
            if mode == "smtp-inject":
                c.send("220 go ahead\r\n250 injected\r\n")
            else:
                c.send("220 go ahead\r\n")
            if ctx is None:
                return
            try:
                c.starttls(ctx)
            except (OSError, ssl.SSLError):
                return
            tls = True
        elif cmd == "AUTH" and mode == "smtp-authfail":
            c.send("535 5.7.8 Error: authentication failed: bad secret\r\n")
        elif cmd == "AUTH":
            c.send("235 2.7.0 accepted\r\n")
        elif cmd in ("MAIL", "RSET", "NOOP"):
            c.send("250 2.1.0 Ok\r\n")
        elif cmd == "RCPT":
            if mode == "smtp-rcpt-refuse" and "<nobody" in line.lower():
                c.send("550 5.1.1 <%s>: Recipient address rejected: User "
                       "unknown in virtual mailbox table\r\n"
                       % line.split("<", 1)[1].split(">", 1)[0])
            else:
                c.send("250 2.1.5 Ok\r\n")
        elif cmd == "DATA":
            c.send("354 End data with <CR><LF>.<CR><LF>\r\n")
            while True:
                body = c.readline()
                if body is None:
                    return
                if body == ".":
                    break
            if mode == "smtp-data-452":
                c.send("452 4.3.1 Insufficient system storage\r\n")
            elif mode == "smtp-data-552":
                c.send("552 5.3.4 Message size exceeds fixed limit\r\n")
            elif mode == "smtp-drop-after-data":
                return
            elif mode == "smtp-silent-after-data":
                while c.readline() is not None:
                    pass
                return
            else:
                c.send("250 2.0.0 Ok: queued as FAULT1\r\n")
        elif cmd == "QUIT":
            c.send("221 bye\r\n")
            return
        else:
            c.send("502 5.5.2 unknown command\r\n")


def serve(sock, args, ctx):
    c = Conn(sock, args.log)
    try:
        if args.mode == "blackhole":
            while True:
                data = sock.recv(4096)
                if not data:
                    return
                c.record(data)
        elif args.mode == "tls-silent":
            c.starttls(ctx)
            while True:
                data = c.sock.recv(4096)
                if not data:
                    return
                c.record(data)
        elif args.mode.startswith("imap-") or args.mode == "plain-imap":
            imap_serve(c, args.mode, ctx)
        elif args.mode.startswith("smtp-"):
            smtp_serve(c, args.mode, ctx)
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            c.sock.close()
        except OSError:
            pass


MODES = ("imap-nostarttls", "imap-inject", "imap-starttls", "imap-preauth",
         "imap-stall", "imap-xoauth2",
         "smtp-nostarttls", "smtp-inject", "smtp-starttls", "plain-imap",
         "smtp-accept", "smtp-authfail", "smtp-rcpt-refuse", "smtp-data-452",
         "smtp-data-552", "smtp-drop-after-data", "smtp-silent-after-data",
         "tls-silent", "blackhole", "filtered")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=MODES)
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()

    if not args.addr.startswith("127."):
        sys.exit("faultsrv.py: refusing to listen outside 127.0.0.0/8")
    ctx = None
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
    elif args.mode == "tls-silent":
        sys.exit("faultsrv.py: tls-silent needs --cert and --key")

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((args.addr, args.port))
    fillers = []
    if args.mode == "filtered":
        lsock.listen(0)
        for _ in range(3):
            f = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            f.setblocking(False)
            try:
                f.connect(lsock.getsockname())
            except BlockingIOError:
                pass
            fillers.append(f)
    else:
        lsock.listen(16)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    os.rename(tmp, args.port_file)
    if args.mode == "filtered":
        while True:
            threading.Event().wait(3600)
    while True:
        sock, _ = lsock.accept()
        threading.Thread(target=serve, args=(sock, args, ctx),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
