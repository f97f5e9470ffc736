#!/usr/bin/env python3
"""portmap.py: forwarded and black-holed TCP ports for petrel's tests.

    portmap.py READYFILE RULE...

    RULE  fwd:ADDR:PORT:TOADDR:TOPORT   relay each connection to TOADDR
          slow:ADDR:PORT:TOADDR:TOPORT:RATE
                                        the same, with what the server
                                        sends held to RATE bytes a
                                        second (a slow link)
          drop:ADDR:PORT                a port that never completes a
                                        connection, like a firewall that
                                        drops packets: a listener that
                                        never accepts, its queue filled

Loopback addresses only.  Writes READYFILE once every port is ready,
then runs until killed.  Only the Python standard library.
"""
import socket
import sys
import threading
import time


def pipe(src, dst, rate=0):
    try:
        while True:
            data = src.recv(16384 if rate else 65536)
            if not data:
                break
            dst.sendall(data)
            if rate:
                time.sleep(len(data) / rate)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def forward(addr, port, to_addr, to_port, rate=0):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)

    def serve():
        while True:
            c, _ = ls.accept()
            # Connect from 127.0.0.1 so that the server never takes the
            # client for itself.
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            s.connect((to_addr, to_port))
            threading.Thread(target=pipe, args=(c, s), daemon=True).start()
            threading.Thread(target=pipe, args=(s, c, rate),
                             daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return ls


def drop(addr, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(0)
    # Fill the accept queue: later SYNs are dropped, so a client's
    # connect() waits until its own timeout.
    fillers = []
    for _ in range(4):
        f = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        f.setblocking(False)
        try:
            f.connect((addr, port))
        except BlockingIOError:
            pass
        fillers.append(f)
    return [ls] + fillers


def main():
    ready, rules = sys.argv[1], sys.argv[2:]
    keep = []
    for rule in rules:
        kind, rest = rule.split(":", 1)
        parts = rest.split(":")
        if kind == "fwd":
            keep.append(forward(parts[0], int(parts[1]), parts[2], int(parts[3])))
        elif kind == "slow":
            keep.append(forward(parts[0], int(parts[1]), parts[2],
                                int(parts[3]), int(parts[4])))
        elif kind == "drop":
            keep.append(drop(parts[0], int(parts[1])))
        else:
            sys.exit("portmap.py: bad rule " + rule)
    with open(ready, "w") as f:
        f.write("ready\n")
    threading.Event().wait()


if __name__ == "__main__":
    main()
