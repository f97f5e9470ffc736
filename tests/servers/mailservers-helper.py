#!/usr/bin/env python3
"""Small helpers for mailservers.sh (Python 3 standard library only).

  ports N ADDR...                 print N distinct TCP ports, each free on every ADDR
  wait SECONDS SPEC...            poll until every SPEC answers; SPEC is ADDR:PORT,
                                  ADDR:PORT:tls (a TLS handshake must complete,
                                  certificate not checked) or ADDR:PORT:imap-starttls
                                  (greeting must advertise STARTTLS and LOGINDISABLED)
  deliver MAILDIR UID GID FLAGS PATH...
                                  put message files (or every file of a directory) into
                                  MAILDIR/cur; FLAGS is a maildir flag string ("" = take
                                  flags from names like 0000001,FS.eml)
"""

import os
import re
import socket
import ssl
import stat
import sys
import time


def cmd_ports(args):
    count, addrs = int(args[0]), args[1:]
    held, ports = [], []
    attempts = 0
    while len(ports) < count:
        attempts += 1
        if attempts > 500:
            sys.exit("mailservers-helper: no free port found on %s" % " ".join(addrs))
        first = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        first.bind((addrs[0], 0))
        port = first.getsockname()[1]
        group = [first]
        try:
            for addr in addrs[1:]:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                group.append(sock)
                sock.bind((addr, port))
        except OSError:
            for sock in group:
                sock.close()
            continue
        held.extend(group)  # keep them bound so the next pick differs
        ports.append(port)
    for sock in held:
        sock.close()
    print(" ".join(str(p) for p in ports))


def probe(spec):
    """Return None when SPEC answers as expected, else a reason string."""
    parts = spec.split(":")
    addr, port = parts[0], int(parts[1])
    kind = parts[2] if len(parts) > 2 else ""
    try:
        with socket.create_connection((addr, port), timeout=2) as sock:
            if kind == "tls":
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                with ctx.wrap_socket(sock) as tls:
                    tls.do_handshake()
                return None
            if kind != "imap-starttls":
                return None
            sock.settimeout(2)
            greeting = b""
            while b"\n" not in greeting:
                chunk = sock.recv(4096)
                if not chunk:
                    return "connection closed before greeting"
                greeting += chunk
            line = greeting.split(b"\n")[0].decode("ascii", "replace").strip()
            if "STARTTLS" not in line or "LOGINDISABLED" not in line:
                return "greeting lacks STARTTLS/LOGINDISABLED: %s" % line
            sock.sendall(b"z LOGOUT\r\n")
            return None
    except OSError as err:
        return str(err)


def cmd_wait(args):
    deadline = time.monotonic() + float(args[0])
    pending = list(args[1:])
    reasons = {}
    while pending:
        still = []
        for spec in pending:
            reason = probe(spec)
            if reason is not None:
                reasons[spec] = reason
                still.append(spec)
        pending = still
        if not pending:
            break
        if time.monotonic() > deadline:
            for spec in pending:
                print("not ready: %s (%s)" % (spec, reasons[spec]), file=sys.stderr)
            sys.exit(1)
        time.sleep(0.02)


NAME_FLAGS = re.compile(r",([A-Za-z]*)\.eml$")


def list_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if os.path.isfile(full):
                    yield full
        else:
            yield path


def cmd_deliver(args):
    maildir, uid, gid, flags = args[0], int(args[1]), int(args[2]), args[3]
    files = args[4:]
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        os.chown(os.path.join(maildir, sub), uid, gid)
    cur = os.path.join(maildir, "cur")
    tmp = os.path.join(maildir, "tmp")
    # Dovecot gives new maildir files UIDs in the order of the time stamp and
    # microsecond parts of their names, so those encode the sequence number.
    base = int(time.time())
    pid = os.getpid()
    host = "petrel"
    count = 0
    for src in list_files(files):
        with open(src, "rb") as fh:
            data = fh.read()
        size = len(data)
        info = "S=%d" % size
        if b"\r" not in data:
            info += ",W=%d" % (size + data.count(b"\n"))
        if flags:
            mflags = flags
        else:
            match = NAME_FLAGS.search(src)
            mflags = match.group(1) if match else ""
        mflags = "".join(sorted(set(mflags.upper())))
        name = "%d.M%06dP%dQ%d.%s,%s:2,%s" % (
            base + count // 1000000, count % 1000000, pid, count, host, info, mflags)
        dest = os.path.join(cur, name)
        st = os.stat(src)
        linked = False
        if st.st_mode & stat.S_IROTH:
            # A hard link costs no copy and leaves the source untouched:
            # Dovecot only reads, renames and unlinks message files, and it
            # can read a file that every user may read.
            try:
                os.link(src, dest)
                linked = True
            except OSError:
                pass
        if not linked:
            staged = os.path.join(tmp, name)
            with open(staged, "wb") as out:
                out.write(data)
            os.utime(staged, ns=(st.st_atime_ns, st.st_mtime_ns))
            os.chown(staged, uid, gid)
            os.chmod(staged, 0o600)
            os.rename(staged, dest)
        count += 1
    print(count)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "ports":
        cmd_ports(args)
    elif cmd == "wait":
        cmd_wait(args)
    elif cmd == "deliver":
        cmd_deliver(args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
