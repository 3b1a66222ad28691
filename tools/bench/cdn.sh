#!/usr/bin/env bash
# CDN benchmark for product images, self-contained (its own store and nginx on free loopback
# ports, nothing of `up` touched), each figure next to a baseline measured in the same run:
#   MISS    first fetch of each of N distinct objects through the CDN (nginx with
#           deploy/cdn/cdn.conf.template, rendered as scripts/livedrop renders it) from the dev
#           object store (tools/s3-check/dev-store.mjs: s3rver, as `up` runs it)
#   HIT     the same N objects again, from the CDN's cache
#   static  the same bytes as N files on disk, served by a second server block of the same
#           nginx (same worker, same http settings) with `root`: the baseline for HIT
#   origin  the same N objects straight from the store (what a MISS pays before caching)
# Latency: one curl per phase on one keep-alive connection, one request at a time (p50/p99 of
# curl's time_total). Throughput: wrk -t2 -cC --latency on one object, HIT and static.
# Ratios: HIT/static (latency and req/s) and MISS/HIT (latency).
# Needs nginx, wrk, curl and tools/s3-check's node_modules (scripts/livedrop setup).
# Usage: tools/bench/cdn.sh [objects] [seconds] [connections]
#   OBJECT_FILE=path   the bytes stored (default: OBJECT_BYTES random bytes, 25 KiB: the size of
#                      the 768-wide WebP of livedrop-bench-images' photo)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OBJECTS="${1:-300}"
SECONDS_PER_RUN="${2:-10}"
CONNECTIONS="${3:-16}"
OBJECT_BYTES="${OBJECT_BYTES:-25730}"
BUCKET=livedrop-media
WORK="$(mktemp -d)"

for tool in nginx wrk curl node; do
  command -v "$tool" >/dev/null || { echo "no $tool: run scripts/livedrop setup" >&2; exit 1; }
done
[ -d "$ROOT/tools/s3-check/node_modules/s3rver" ] ||
  { echo "no s3rver: run scripts/livedrop setup (npm, tools/s3-check)" >&2; exit 1; }

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1",
             () => { console.log(s.address().port); s.close(); });'
}
wait_http() {  # url name
  for _ in $(seq 100); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$2 did not start ($1): $(cat "$WORK"/*.log 2>/dev/null)" >&2
  exit 1
}

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

S3_PORT="$(free_port)"
CDN_PORT="$(free_port)"
STATIC_PORT="$(free_port)"
mkdir -p "$WORK/s3" "$WORK/cache" "$WORK/tmp" "$WORK/static/i"
node "$ROOT/tools/s3-check/dev-store.mjs" -d "$WORK/s3" -a 127.0.0.1 -p "$S3_PORT" --silent \
  --configure-bucket "$BUCKET" >"$WORK/store.log" 2>&1 &
pids+=($!)

sed -e "s|\${LIVEDROP_CDN_LISTEN}|127.0.0.1:$CDN_PORT|" \
    -e "s|\${LIVEDROP_CDN_ORIGIN}|127.0.0.1:$S3_PORT|" \
    -e "s|\${LIVEDROP_CDN_BUCKET}|$BUCKET|" \
    -e "s|\${LIVEDROP_CDN_CACHE_DIR}|$WORK/cache|" \
    "$ROOT/deploy/cdn/cdn.conf.template" >"$WORK/cdn.conf"
t="$WORK/tmp"
cat >"$WORK/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $WORK/nginx.pid;
$([ "$(id -u)" -eq 0 ] && echo "user root;")
error_log $WORK/nginx.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $t; proxy_temp_path $t; fastcgi_temp_path $t;
  uwsgi_temp_path $t; scgi_temp_path $t;
  keepalive_requests 1000000;
  include $WORK/cdn.conf;
  # The baseline: the same bytes from disk, with the CDN's own response header.
  server {
    listen 127.0.0.1:$STATIC_PORT;
    server_tokens off;
    location /i/ {
      root $WORK/static;
      types { image/webp webp; }
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
  }
}
EOF
nginx -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx.log" &
pids+=($!)
wait_http "http://127.0.0.1:$S3_PORT/" "the object store"
wait_http "http://127.0.0.1:$CDN_PORT/" "nginx"

body="$WORK/object"
if [ -n "${OBJECT_FILE:-}" ]; then cp "$OBJECT_FILE" "$body"; else head -c "$OBJECT_BYTES" /dev/urandom >"$body"; fi
size=$(stat -c %s "$body")
sha=$(sha256sum "$body" | cut -d' ' -f1)
# N keys shaped like content addresses (i/<64 hex>.webp, all the CDN serves) over the same bytes.
keys=()
for i in $(seq "$OBJECTS"); do
  keys+=("$(printf 'cdn-bench-%s-%d' "$sha" "$i" | sha256sum | cut -d' ' -f1)")
done
for key in "${keys[@]}"; do
  curl -fsS -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" -u S3RVER:S3RVER -T "$body" \
    -H 'Content-Type: image/webp' -H "x-amz-content-sha256: $sha" \
    "http://127.0.0.1:$S3_PORT/$BUCKET/i/$key.webp"
  cp "$body" "$WORK/static/i/$key.webp"
done

# phase <base URL> <expected X-Cache-Status or -> -> "p50_ms p99_ms requests" from one curl
# that fetches every key once, in order, on one keep-alive connection.
phase() {
  local list="$WORK/urls"
  : >"$list"
  for key in "${keys[@]}"; do
    printf 'url = "%s/i/%s.webp"\noutput = "/dev/null"\n' "$1" "$key" >>"$list"
  done
  curl -sS --config "$list" -w '%{http_code} %{size_download} %header{x-cache-status} %{time_total}\n' \
    >"$WORK/times"
  awk -v want="$2" -v size="$size" '
    $1 != 200 || $2 != size { bad++ } want != "-" && $3 != want { bad++ }
    { print $NF * 1000 }
    END { if (bad) { print "unexpected answers: " bad > "/dev/stderr"; exit 1 } }' "$WORK/times" |
    sort -n | awk '{ v[NR] = $1 } END {
      p50 = v[int(NR * 0.50 + 0.999)]; p99 = v[int(NR * 0.99 + 0.999)]
      printf "%.3f %.3f %d\n", p50, p99, NR }'
}
# (Assigned first: a failed phase then stops the script, as `read < <(...)` would not.)
out=$(phase "http://127.0.0.1:$CDN_PORT" MISS); read -r miss_p50 miss_p99 miss_n <<<"$out"
out=$(phase "http://127.0.0.1:$CDN_PORT" HIT); read -r hit_p50 hit_p99 _ <<<"$out"
out=$(phase "http://127.0.0.1:$STATIC_PORT" -); read -r static_p50 static_p99 _ <<<"$out"
out=$(phase "http://127.0.0.1:$S3_PORT/$BUCKET" -); read -r origin_p50 origin_p99 _ <<<"$out"

# wrk <url> -> "req/s p50_ms p99_ms non-2xx"
run() {
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$1" |
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
                          if (v ~ /s$/) return v * 1000; return v }
         /Requests\/sec/ {rps=$2} /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /Non-2xx/ {bad=$5}
         END {printf "%s %.3f %.3f %d\n", rps, p50, p99, bad+0}'
}
hit_url="http://127.0.0.1:$CDN_PORT/i/${keys[0]}.webp"
[ "$(curl -sS -o /dev/null -w '%header{x-cache-status}' "$hit_url")" = HIT ] ||
  { echo "$hit_url is not a CDN hit" >&2; exit 1; }
out=$(run "http://127.0.0.1:$STATIC_PORT/i/${keys[0]}.webp")
read -r static_rps static_wp50 static_wp99 static_bad <<<"$out"
out=$(run "$hit_url"); read -r hit_rps hit_wp50 hit_wp99 hit_bad <<<"$out"

echo "$OBJECTS objects of $size bytes; nginx $(nginx -v 2>&1 | sed 's|.*/||'), 1 worker;" \
  "sequential curl on one keep-alive connection; wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s;" \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
row() { printf '%-36s %9s %9s %11s %9s %9s %8s\n' "$@"; }
row "sequential, one request at a time" "p50 ms" "p99 ms" "wrk req/s" "p50 ms" "p99 ms" non-2xx
row "CDN MISS ($miss_n distinct objects)" "$miss_p50" "$miss_p99" - - - -
row "CDN HIT" "$hit_p50" "$hit_p99" "$hit_rps" "$hit_wp50" "$hit_wp99" "$hit_bad"
row "static file, same nginx (baseline)" "$static_p50" "$static_p99" "$static_rps" "$static_wp50" "$static_wp99" "$static_bad"
row "origin (the store, no CDN)" "$origin_p50" "$origin_p99" - - - -
awk -v mp="$miss_p50" -v hp="$hit_p50" -v sp="$static_p50" -v hr="$hit_rps" -v sr="$static_rps" \
    -v hw="$hit_wp50" -v sw="$static_wp50" -v op="$origin_p50" 'BEGIN {
  printf "HIT / static: p50 %.2f (sequential), %.2f (wrk); req/s %.2f\n", hp / sp, hw / sw, hr / sr
  printf "MISS / HIT p50: %.1f; origin / HIT p50: %.1f\n", mp / hp, op / hp
}'
