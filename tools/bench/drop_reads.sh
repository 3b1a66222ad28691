#!/usr/bin/env bash
# Read benchmark of GET /v1/drops/{id} through the gateway, next to a baseline measured in the
# same run: the gateway's /healthz (same HTTP stack, fixed body, no service call).
# Needs ./scripts/livedrop up running. Usage: tools/bench/drop_reads.sh [seconds] [connections]
set -euo pipefail
GATEWAY="${GATEWAY:-http://127.0.0.1:8080}"
SECONDS_PER_RUN="${1:-15}"
CONNECTIONS="${2:-64}"
THREADS=2

json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
# The first "id" of a view (nested objects such as a drop's product have their own).
first_id() { sed -n 's/^{"id":"\([^"]*\)".*/\1/p'; }

email="bench-$(date +%s%N)@example.com"
token=$(curl -fsS -X POST "$GATEWAY/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"bench-pass-1\",\"display_name\":\"Bench\",\"role\":\"creator\"}" |
  json access_token)
product=$(curl -fsS -X POST "$GATEWAY/v1/products" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d '{"title":"Bench tee","unit_amount":1000,"currency":"EUR"}' | first_id)
start=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
drop=$(curl -fsS -X POST "$GATEWAY/v1/drops" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d "{\"product_id\":\"$product\",\"starts_at\":\"$start\",\"ends_at\":\"$end\",\"quantity\":100,\"per_buyer_limit\":1}" |
  first_id)
echo "drop $drop; wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency"

run() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$1" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +90%/ {p90=$2} /^ +99%/ {p99=$2}
         /Non-2xx/ {bad=$5} END {printf "%s %s %s %s %s\n", rps, p50, p90, p99, bad+0}'
}
read -r base_rps base_p50 base_p90 base_p99 base_bad < <(run "$GATEWAY/healthz")
curl -fsS -o /dev/null "$GATEWAY/v1/drops/$drop" || { echo "cannot read drop $drop" >&2; exit 1; }
read -r drop_rps drop_p50 drop_p90 drop_p99 drop_bad < <(run "$GATEWAY/v1/drops/$drop")

printf '%-28s %12s %9s %9s %9s %8s\n' target "requests/s" p50 p90 p99 non-2xx
printf '%-28s %12s %9s %9s %9s %8s\n' "baseline GET /healthz" "$base_rps" "$base_p50" "$base_p90" "$base_p99" "$base_bad"
printf '%-28s %12s %9s %9s %9s %8s\n' "GET /v1/drops/{id}" "$drop_rps" "$drop_p50" "$drop_p90" "$drop_p99" "$drop_bad"
awk -v a="$drop_rps" -v b="$base_rps" 'BEGIN {printf "drop reads / baseline: %.2f\n", a / b}'
