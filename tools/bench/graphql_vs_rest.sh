#!/usr/bin/env bash
# What GraphQL costs over REST for the same data, through the same gateway, in the same run:
# a drop with its product and its creator's profile.
#   REST:    GET /v1/drops/{id} (the product is in the view) + GET /v1/creators/{creator_id}
#   GraphQL: POST /graphql { drop(id) { ... product { ... } creator { ... } } }
# Each is run with wrk at the same concurrency; the time one fetch costs the gateway is
# 1/throughput (REST: the two requests' sum). Ratio = GraphQL / REST (1.0 = no overhead).
# Needs ./scripts/livedrop up running. Usage: tools/bench/graphql_vs_rest.sh [seconds] [connections]
set -euo pipefail
GATEWAY="${GATEWAY:-http://127.0.0.1:8080}"
SECONDS_PER_RUN="${1:-10}"
CONNECTIONS="${2:-64}"
THREADS=2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
first_id() { sed -n 's/^{"id":"\([^"]*\)".*/\1/p'; }

email="bench-gql-$(date +%s%N)@example.com"
session=$(curl -fsS -X POST "$GATEWAY/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"bench-pass-1\",\"display_name\":\"Bench\",\"role\":\"creator\"}")
token=$(echo "$session" | json access_token)
creator=$(echo "$session" | sed -n 's/.*"user":{"id":"\([^"]*\)".*/\1/p')
product=$(curl -fsS -X POST "$GATEWAY/v1/products" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d '{"title":"Bench tee","unit_amount":1000,"currency":"EUR"}' | first_id)
start=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
drop=$(curl -fsS -X POST "$GATEWAY/v1/drops" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d "{\"product_id\":\"$product\",\"starts_at\":\"$start\",\"ends_at\":\"$end\",\"quantity\":100,\"per_buyer_limit\":1}" |
  first_id)

# The same fields REST answers, asked of GraphQL.
query="query Drop(\$id: ID!) { drop(id: \$id) { id creatorId productId startsAt endsAt quantity perBuyerLimit status available product { id creatorId title description unitAmount currency imageUrls createdAt } creator { id displayName followerCount followingCount } } }"
body=$(printf '{"query":"%s","variables":{"id":"%s"}}' "${query//\"/\\\"}" "$drop")
curl -fsS -H 'Content-Type: application/json' -d "$body" "$GATEWAY/graphql" | grep -q '"creator":{"id"' ||
  { echo "the GraphQL query did not answer the drop" >&2; exit 1; }
curl -fsS -o /dev/null "$GATEWAY/v1/drops/$drop" && curl -fsS -o /dev/null "$GATEWAY/v1/creators/$creator" ||
  { echo "the REST reads failed" >&2; exit 1; }
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$body]]
LUA
echo "drop $drop; wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency"

run() {  # run <url> [wrk args...]: "req/s p50 p90 p99 non-2xx"
  local url=$1
  shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" "$url" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +90%/ {p90=$2} /^ +99%/ {p99=$2}
         /Non-2xx/ {bad=$5} END {printf "%s %s %s %s %s\n", rps, p50, p90, p99, bad+0}'
}
read -r drop_rps drop_p50 drop_p90 drop_p99 drop_bad < <(run "$GATEWAY/v1/drops/$drop")
read -r creator_rps creator_p50 creator_p90 creator_p99 creator_bad < <(run "$GATEWAY/v1/creators/$creator")
read -r gql_rps gql_p50 gql_p90 gql_p99 gql_bad < <(run "$GATEWAY/graphql" -s "$WORK/post.lua")

printf '%-34s %12s %9s %9s %9s %8s\n' target "requests/s" p50 p90 p99 non-2xx
printf '%-34s %12s %9s %9s %9s %8s\n' "REST GET /v1/drops/{id}" "$drop_rps" "$drop_p50" "$drop_p90" "$drop_p99" "$drop_bad"
printf '%-34s %12s %9s %9s %9s %8s\n' "REST GET /v1/creators/{id}" "$creator_rps" "$creator_p50" "$creator_p90" "$creator_p99" "$creator_bad"
printf '%-34s %12s %9s %9s %9s %8s\n' "GraphQL drop + product + creator" "$gql_rps" "$gql_p50" "$gql_p90" "$gql_p99" "$gql_bad"
awk -v d="$drop_rps" -v c="$creator_rps" -v g="$gql_rps" 'BEGIN {
  rest = 1 / d + 1 / c; gql = 1 / g
  printf "one fetch: REST %.3f ms of platform time, GraphQL %.3f ms; GraphQL / REST: %.2f\n",
         rest * 1000, gql * 1000, gql / rest }'
