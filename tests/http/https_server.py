#!/usr/bin/env python3
"""A small file server on 127.0.0.1 for tests/http/test-https.sh.

    https_server.py --dir DIR --port-file FILE [--cert PEM --key PEM [--ca PEM]]
                    [--lifetime SECONDS]

Serves the files of DIR (no listing, no subdirectories) at /NAME, over HTTPS
when --cert/--key are given (TLS 1.2 or later), requiring a client
certificate signed by --ca when it is given; over plain HTTP otherwise.
/slow/NAME?seconds=N serves NAME after waiting N seconds (at most 30), as a
Go service's /debug/pprof/profile?seconds=N does.  Any other path is a 404.

The port (chosen by the system) is written to FILE once the server listens.
The server exits by itself after --lifetime seconds (default 60).  Standard
library only.
"""
import argparse
import http.server
import os
import ssl
import sys
import threading
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = "."

    def log_message(self, fmt, *args):  # quiet: the test prints its own lines
        pass

    def send(self, code, body, ctype="text/plain; charset=utf-8"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        path = u.path
        wait = 0.0
        if path.startswith("/slow/"):
            path = path[len("/slow"):]
            q = urllib.parse.parse_qs(u.query)
            try:
                wait = min(float(q.get("seconds", ["0"])[0]), 30.0)
            except ValueError:
                wait = 0.0
        name = path[1:]
        file = os.path.join(self.directory, name)
        if not name or "/" in name or name.startswith(".") or not os.path.isfile(file):
            self.send(404, b"404 page not found\n")
            return
        if wait > 0:
            time.sleep(wait)
        with open(file, "rb") as f:
            body = f.read()
        self.send(200, body, "application/octet-stream")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    ctx = None  # the TLS context, None for plain HTTP

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the connection's thread, so that a client
        # that fails it (or never sends it) does not hold up the others.
        request.settimeout(10)
        if self.ctx is not None:
            try:
                request = self.ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--ca")
    ap.add_argument("--lifetime", type=float, default=60.0)
    a = ap.parse_args()

    Handler.directory = a.dir
    srv = Server(("127.0.0.1", 0), Handler)
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(a.cert, a.key)
        if a.ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(a.ca)
        srv.ctx = ctx

    # Bounded: exit after the lifetime whatever happens.
    t = threading.Timer(a.lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()

    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
