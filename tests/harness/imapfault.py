#!/usr/bin/env python3
"""imapfault.py: a plain-text IMAP server that breaks in the middle of a
literal, for the engine's "never hang" tests.  Python 3 standard library
only; listens on 127.0.0.1 only; serves each connection in a thread.

    imapfault.py MODE --port-file FILE

It greets, accepts any LOGIN, has one folder INBOX with one message
(UID 1) and answers CAPABILITY, SELECT/EXAMINE, SEARCH, NOOP, LIST,
LSUB and LOGOUT.  Any FETCH starts a 100000-byte literal and then:

    literal-eof     sends 5000 bytes of it and closes the connection
    literal-stall   sends 5000 bytes of it and says nothing more
    literal-huge    announces a 1 GiB literal instead and sends it as
                    fast as the client reads, until the client hangs up

The structure modes answer FETCH properly, with a hostile BODYSTRUCTURE:

    bad-structure     one that does not parse
    deep-structure    multiparts nested 40 levels deep
    hostile-structure sizes of 4294967295, escapes and bidi controls in
                      names, headers and bodies
A FETCH of BODY[] gets a small whole message; other sections get the
parts of the hostile-structure message (nothing for the other modes).
"""

import argparse
import os
import re
import socket
import sys
import threading
import time


def serve(sock, mode):
    f = sock.makefile("rb")

    def send(text):
        sock.sendall(text.encode() if isinstance(text, str) else text)

    send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] imapfault ready\r\n")
    while True:
        line = f.readline()
        if not line:
            return
        parts = line.decode("utf-8", "replace").rstrip("\r\n").split(" ")
        if len(parts) < 2:
            send("* BAD what?\r\n")
            continue
        tag, cmd = parts[0], parts[1].upper()
        if cmd == "UID" and len(parts) > 2:
            cmd = parts[2].upper()
        if cmd == "CAPABILITY":
            send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%s OK done\r\n" % tag)
        elif cmd == "LOGIN":
            send("%s OK logged in\r\n" % tag)
        elif cmd in ("SELECT", "EXAMINE"):
            send("* 1 EXISTS\r\n* 0 RECENT\r\n"
                 "* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n"
                 "* FLAGS (\\Seen)\r\n%s OK [READ-WRITE] done\r\n" % tag)
        elif cmd == "SEARCH":
            send("* SEARCH 1\r\n%s OK done\r\n" % tag)
        elif cmd in ("LIST", "LSUB"):
            send('* %s () "/" INBOX\r\n%s OK done\r\n' % (cmd, tag))
        elif cmd == "NOOP":
            send("%s OK done\r\n" % tag)
        elif cmd == "LOGOUT":
            send("* BYE bye\r\n%s OK done\r\n" % tag)
            return
        elif cmd == "FETCH" and mode == "literal-huge":
            send("* 1 FETCH (UID 1 BODY[] {1073741824}\r\n")
            chunk = b"x" * 65536
            for _ in range(1073741824 // len(chunk)):
                send(chunk)
            send(")\r\n%s OK done\r\n" % tag)
        elif cmd == "FETCH" and mode.endswith("-structure"):
            send(structure_fetch(mode, line, tag))
        elif cmd == "FETCH":
            send("* 1 FETCH (UID 1 BODY[] {100000}\r\n")
            send(b"x" * 5000)
            if mode == "literal-eof":
                return
            while True:
                time.sleep(3600)
        else:
            send("%s BAD unknown command\r\n" % tag)


WHOLE = (b"From: whole@example.test\r\nSubject: whole\r\n\r\n"
         b"The whole message.\r\n")
HOSTILE = {
    "HEADER": b"From: \x1b[31mEvil\x1b[0m <e@example.test>\r\n"
              b"Subject: \x1b]52;c;QUFBQQ==\x07hi \xe2\x80\xae\r\n"
              b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n",
    "1.MIME": b"Content-Type: text/plain; charset=utf-8\r\n\r\n",
    "1": b"text \x1b[2J\x9b1m body \xe2\x80\xae end\r\n",
    "2.MIME": b"Content-Type: application/octet-stream; "
              b"name=\"\x1b[31mevil\xe2\x80\xae.exe\"\r\n"
              b"Content-Transfer-Encoding: base64\r\n\r\n",
}


def structure_fetch(mode, line, tag):
    """The answer to a UID FETCH in the structure modes."""
    text = line.decode("latin-1")
    out = b"* 1 FETCH (UID 1"
    if "BODYSTRUCTURE" in text:
        if mode == "bad-structure":
            out += b' BODYSTRUCTURE ("text" "plain" ((( 12 junk'
        elif mode == "deep-structure":
            body = b'("text" "plain" NIL NIL NIL "7bit" 5 1)'
            for _ in range(40):
                body = b"(" + body + b' "mixed" ("boundary" "x"))'
            out += b" BODYSTRUCTURE " + body
        else:
            out += (b' BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") '
                    b'NIL NIL "7bit" 4294967295 1)("application" '
                    b'"octet-stream" ("name" "\x1b[31mevil.exe") NIL NIL '
                    b'"base64" 4294967295) "mixed" ("boundary" "zz") NIL NIL)')
    for sec in re.findall(r"BODY\.PEEK\[([^\]]*)\]", text):
        if sec == "":
            data = WHOLE
        elif mode == "hostile-structure" and sec in HOSTILE:
            data = HOSTILE[sec]
        else:
            continue
        out += b" BODY[%s] {%d}\r\n" % (sec.encode(), len(data)) + data
    return out + b")\r\n" + tag.encode() + b" OK done\r\n"


def handle(sock, mode):
    try:
        serve(sock, mode)
    except OSError:
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=("literal-eof", "literal-stall",
                                     "literal-huge", "bad-structure",
                                     "deep-structure", "hostile-structure"))
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(8)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as fp:
        fp.write("%d\n" % lsock.getsockname()[1])
    os.rename(tmp, args.port_file)
    while True:
        sock, _ = lsock.accept()
        threading.Thread(target=handle, args=(sock, args.mode),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
