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
"""

import argparse
import os
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
        elif cmd == "FETCH":
            send("* 1 FETCH (UID 1 BODY[] {100000}\r\n")
            send(b"x" * 5000)
            if mode == "literal-eof":
                return
            while True:
                time.sleep(3600)
        else:
            send("%s BAD unknown command\r\n" % tag)


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
    ap.add_argument("mode", choices=("literal-eof", "literal-stall"))
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
