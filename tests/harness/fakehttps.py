#!/usr/bin/env python3
"""fakehttps.py: a small HTTPS server for petrel's autoconfig tests.

    fakehttps.py ADDR PORT CERT KEY DOCROOT [READYFILE]

Serves DOCROOT/<Host header>/<path> over TLS (HTTP/1.1, Connection:
close) on ADDR:PORT; unknown files get 404.  Writes READYFILE once it
listens.  Only the Python standard library.
"""
import http.server
import os
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = self.path.split("?", 1)[0]
        root = os.path.realpath(self.server.docroot)
        file = os.path.realpath(os.path.join(root, host, path.lstrip("/")))
        if not file.startswith(root + os.sep) or not os.path.isfile(file):
            body = b"not found\n"
            self.send_response(404)
        else:
            with open(file, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("fakehttps: " + (fmt % args) + "\n")


def main():
    addr, port, cert, key, docroot = sys.argv[1:6]
    server = http.server.ThreadingHTTPServer((addr, int(port)), Handler)
    server.docroot = docroot
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    if len(sys.argv) > 6:
        with open(sys.argv[6], "w") as f:
            f.write("ready\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
