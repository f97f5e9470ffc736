#!/usr/bin/env python3
"""fakedns.py: a tiny authoritative DNS server for petrel's tests.

    fakedns.py ADDR PORT ZONEFILE [READYFILE]

Answers UDP queries on ADDR:PORT (a loopback address) from ZONEFILE,
whose lines are

    NAME TYPE DATA...
    _imaps._tcp.srv.test  SRV  0 5 993 imap.srv.test
    mx.test               MX   10 aspmx.l.google.com
    mail.guess.test       A    127.0.0.1

Names not in the file get NXDOMAIN; a known name asked for another type
gets an empty answer (NODATA).  Writes READYFILE once it listens.  Only
the Python standard library.
"""
import socket
import struct
import sys

TYPES = {"A": 1, "MX": 15, "SRV": 33, "AAAA": 28, "TXT": 16}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def read_name(msg, off):
    labels = []
    while True:
        n = msg[off]
        if n == 0:
            return ".".join(labels), off + 1
        if n & 0xC0:
            raise ValueError("compressed question names are not expected")
        labels.append(msg[off + 1 : off + 1 + n].decode("ascii"))
        off += 1 + n


def rdata(rtype, data):
    if rtype == "A":
        return socket.inet_aton(data[0])
    if rtype == "MX":
        return struct.pack("!H", int(data[0])) + encode_name(data[1])
    if rtype == "SRV":
        prio, weight, port = (int(x) for x in data[:3])
        return struct.pack("!HHH", prio, weight, port) + encode_name(data[3])
    raise ValueError("unsupported type " + rtype)


def load(path):
    zone = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            name, rtype, data = line[0].lower().rstrip("."), line[1].upper(), line[2:]
            zone.setdefault(name, []).append((rtype, data))
    return zone


def answer(zone, query):
    qid, _flags, qdcount = struct.unpack("!HHH", query[:6])
    if qdcount != 1:
        return None
    name, off = read_name(query, 12)
    qtype, qclass = struct.unpack("!HH", query[off : off + 4])
    question = query[12 : off + 4]
    name = name.lower()
    records = zone.get(name)
    rcode = 0 if records is not None else 3
    answers = b""
    count = 0
    for rtype, data in records or []:
        if TYPES[rtype] != qtype:
            continue
        rd = rdata(rtype, data)
        answers += b"\xc0\x0c" + struct.pack("!HHIH", qtype, qclass, 60, len(rd)) + rd
        count += 1
    flags = 0x8400 | rcode  # response, authoritative
    return struct.pack("!HHHHHH", qid, flags, 1, count, 0, 0) + question + answers


def main():
    addr, port, zonefile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    zone = load(zonefile)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w") as f:
            f.write("ready\n")
    while True:
        query, peer = sock.recvfrom(4096)
        try:
            reply = answer(zone, query)
        except (ValueError, IndexError, struct.error):
            reply = None
        if reply is not None:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
