#!/usr/bin/env bash
# Read benchmark of the gateway, each figure next to baselines measured in the same run:
#   nginx          Debian's nginx, one worker, `return 200 "ok\n"`, access_log off (NGINX_ACCESS_LOG=on
#                  writes one to a file in its temp dir instead): what a fast HTTP server does here
#   /healthz       the gateway's HTTP stack (routing, request id, metrics, access log), fixed body
#   /v1/drops/{id} a scheduled drop (from the gateway's memory when the drop-view store is on)
#   browse         GET /v1/drops?status=live (the default page; asks livedrop-drops every time)
# Ratios: /healthz / nginx (issue 12: >= 0.5), drop / /healthz (>= 0.6, p99 <= 10 ms at 64
# connections). Needs ./scripts/livedrop up running and nginx installed (scripts/livedrop setup).
# Usage: tools/bench/drop_reads.sh [seconds] [connections]
set -euo pipefail
GATEWAY="${GATEWAY:-http://127.0.0.1:8080}"
NGINX_PORT="${NGINX_PORT:-18089}"
NGINX_ACCESS_LOG="${NGINX_ACCESS_LOG:-off}"
SECONDS_PER_RUN="${1:-15}"
CONNECTIONS="${2:-64}"
THREADS=2
WORK="$(mktemp -d)"

command -v nginx >/dev/null || { echo "no nginx: run scripts/livedrop setup" >&2; exit 1; }

json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
# The first "id" of a view (nested objects such as a drop's product have their own).
first_id() { sed -n 's/^{"id":"\([^"]*\)".*/\1/p'; }

start_nginx() {
  local access="access_log off;"
  [ "$NGINX_ACCESS_LOG" = on ] && access="access_log $WORK/access.log;"
  mkdir -p "$WORK/tmp"
  cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 1024; }
http {
  $access
  client_body_temp_path $WORK/tmp/body;
  proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fastcgi;
  uwsgi_temp_path $WORK/tmp/uwsgi;
  scgi_temp_path $WORK/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    default_type text/plain;
    location / { return 200 "ok\n"; }
  }
}
EOF
  nginx -c "$WORK/nginx.conf" -e "$WORK/error.log" &
  nginx_pid=$!
  for _ in $(seq 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nginx did not start on port $NGINX_PORT: $(cat "$WORK/error.log" 2>/dev/null)" >&2
  exit 1
}
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ]; then
    kill -TERM "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

email="bench-$(date +%s%N)@example.com"
token=$(curl -fsS -X POST "$GATEWAY/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"bench-pass-1\",\"display_name\":\"Bench\",\"role\":\"creator\"}" |
  json access_token)
product=$(curl -fsS -X POST "$GATEWAY/v1/products" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d '{"title":"Bench tee","unit_amount":1000,"currency":"EUR"}' | first_id)
new_drop() {  # starts_at ends_at
  curl -fsS -X POST "$GATEWAY/v1/drops" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d "{\"product_id\":\"$product\",\"starts_at\":\"$1\",\"ends_at\":\"$2\",\"quantity\":100,\"per_buyer_limit\":1}" |
    first_id
}
drop=$(new_drop "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" "$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)")
# Browse must list at least one live drop: one that starts now.
live=$(new_drop "$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)" "$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)")
for _ in $(seq 100); do
  curl -fsS "$GATEWAY/v1/drops/$live" | grep -q '"status":"live"' && break
  sleep 0.2
done
curl -fsS "$GATEWAY/v1/drops?status=live" | grep -q "\"id\":\"" ||
  { echo "browse lists no live drop" >&2; exit 1; }
curl -fsS -o /dev/null "$GATEWAY/v1/drops/$drop" || { echo "cannot read drop $drop" >&2; exit 1; }
start_nginx
echo "drop $drop; wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency;" \
  "nginx access_log $NGINX_ACCESS_LOG"

run() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$1" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +90%/ {p90=$2} /^ +99%/ {p99=$2}
         /Non-2xx/ {bad=$5} END {printf "%s %s %s %s %s\n", rps, p50, p90, p99, bad+0}'
}
read -r nginx_rps nginx_p50 nginx_p90 nginx_p99 nginx_bad < <(run "http://127.0.0.1:$NGINX_PORT/")
read -r base_rps base_p50 base_p90 base_p99 base_bad < <(run "$GATEWAY/healthz")
read -r drop_rps drop_p50 drop_p90 drop_p99 drop_bad < <(run "$GATEWAY/v1/drops/$drop")
read -r browse_rps browse_p50 browse_p90 browse_p99 browse_bad < <(run "$GATEWAY/v1/drops?status=live")

row() { printf '%-32s %12s %9s %9s %9s %8s\n' "$@"; }
row target "requests/s" p50 p90 p99 non-2xx
row "nginx, 1 worker, fixed body" "$nginx_rps" "$nginx_p50" "$nginx_p90" "$nginx_p99" "$nginx_bad"
row "GET /healthz" "$base_rps" "$base_p50" "$base_p90" "$base_p99" "$base_bad"
row "GET /v1/drops/{id}" "$drop_rps" "$drop_p50" "$drop_p90" "$drop_p99" "$drop_bad"
row "GET /v1/drops?status=live" "$browse_rps" "$browse_p50" "$browse_p90" "$browse_p99" "$browse_bad"
awk -v n="$nginx_rps" -v h="$base_rps" -v d="$drop_rps" -v b="$browse_rps" 'BEGIN {
  printf "/healthz / nginx: %.2f (target >= 0.5)\n", h / n
  printf "drop reads / healthz: %.2f (target >= 0.6, p99 <= 10 ms)\n", d / h
  printf "browse / healthz: %.2f\n", b / h
}'
