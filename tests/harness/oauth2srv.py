#!/usr/bin/env python3
"""oauth2srv.py: the OAuth2 token introspection endpoint Dovecot's oauth2
passdb asks (introspection_mode = auth), for the XOAUTH2 tests.  Python 3
standard library only; listens on 127.0.0.1 only.

    oauth2srv.py --port-file FILE --tokens FILE [--user USER] [--log FILE]

A GET (or POST) with "Authorization: Bearer TOKEN" answers 200 with
{"email": USER, "active": "true"} when TOKEN is a line of the tokens file
(read again on every request), else {"active": "false"}, which Dovecot
turns into the XOAUTH2 error challenge {"status":"401",...}.  --log gets
one line per request, "active" or "inactive" (never the token).
"""

import argparse
import http.server
import json
import os


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--user", default="alice@example.test")
    ap.add_argument("--log")
    args = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            auth = self.headers.get("Authorization", "")
            token = auth[7:] if auth.startswith("Bearer ") else ""
            with open(args.tokens) as f:
                good = [x.strip() for x in f if x.strip()]
            active = "true" if token and token in good else "false"
            if args.log:
                with open(args.log, "a") as f:
                    f.write("active\n" if active == "true" else "inactive\n")
            body = json.dumps({"email": args.user, "active": active}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
