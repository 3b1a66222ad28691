#!/usr/bin/env python3
"""deploy/haproxy/haproxy.cfg retries on the other gateway only what is safe to repeat.

Runs the real configuration in Debian's haproxy in front of two stand-in gateways on loopback:
one takes every request and closes the connection without an answer (a gateway that died
mid-request), the other answers 200. Round robin sends every other request to the dying one, so
a request that the load balancer retries always ends 200, and one it must not retry gets 502.

  lb_retry_test.py <haproxy> <haproxy.cfg>
"""
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.server.dies_mid_request and self.path != "/readyz":
            self.server.taken += 1
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


def gateway(dies_mid_request):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    server.dies_mid_request = dies_mid_request
    server.taken = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(port, method, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=b"{}" if method in ("POST", "PUT") else None,
                 headers=headers or {})
    code = conn.getresponse().status
    conn.close()
    return code


def main():
    haproxy, cfg = sys.argv[1], sys.argv[2]
    dying, healthy = gateway(True), gateway(False)
    port = free_port()
    env = dict(os.environ,
               LIVEDROP_LB_LISTEN=f"127.0.0.1:{port}",
               LIVEDROP_GATEWAY0=f"127.0.0.1:{dying.server_address[1]}",
               LIVEDROP_GATEWAY1=f"127.0.0.1:{healthy.server_address[1]}")
    lb = subprocess.Popen([haproxy, "-db", "-f", cfg], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # Both stand-ins pass /readyz; wait (bounded) until the load balancer answers through them.
        for _ in range(100):
            try:
                if status(port, "GET", "/readyz") == 200:
                    break
            except OSError:
                pass
            if lb.poll() is not None:
                break
            time.sleep(0.1)
        else:
            raise SystemExit("haproxy never answered /readyz")
        if lb.poll() is not None:
            raise SystemExit("haproxy exited:\n" + lb.stdout.read().decode())

        cases = [
            ("GET", "/v1/drops/d1", {}, "retried"),
            ("HEAD", "/v1/drops/d1", {}, "retried"),
            ("PUT", "/v1/things/t1", {}, "retried"),
            ("DELETE", "/v1/me/following/c1", {}, "retried"),
            ("POST", "/v1/orders", {"Idempotency-Key": "k-{i}"}, "retried"),
            ("POST", "/v1/orders", {}, "not retried"),
            ("POST", "/v1/auth/register", {"Idempotency-Key": "k-{i}"}, "not retried"),
            ("POST", "/v1/drops", {}, "not retried"),
        ]
        failures = []
        for method, path, headers, expected in cases:
            codes = []
            for i in range(6):
                h = {k: v.format(i=i) for k, v in headers.items()}
                codes.append(status(port, method, path, h))
            if expected == "retried":
                ok = all(c == 200 for c in codes)
            else:  # every other one reaches the dying gateway and must come back as a 502
                ok = codes.count(502) == 3 and codes.count(200) == 3
            line = f"{method} {path} {headers or ''}: {codes} ({expected})"
            print(("ok   " if ok else "FAIL ") + line)
            if not ok:
                failures.append(line)
        if dying.taken == 0:
            failures.append("the dying gateway never got a request: the test proved nothing")
        if failures:
            raise SystemExit("retry policy broken:\n  " + "\n  ".join(failures))
    finally:
        lb.terminate()
        lb.wait(timeout=10)


if __name__ == "__main__":
    main()
