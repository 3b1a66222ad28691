#!/usr/bin/env bash
# Builds the fuzzing harnesses with clang (libFuzzer, ASan, UBSan) and runs each for a bounded
# time over its seeds, keeping what it finds new in the build directory. The harnesses: the
# GraphQL parser and engine, the HTTP request path and WebSocket frames of libs/http (a real
# server on loopback), the JWT verifier, the JSON bodies of the REST writes.
#
#   tools/fuzz/run.sh [--build-dir DIR] [SECONDS_PER_HARNESS]   (default build/dev/fuzz, 60 s)
#
# A crash stops the run with the input that caused it in DIR/artifacts/ (replay it with
# DIR/fuzz_<harness> DIR/artifacts/<file>). ctest's fuzz_harnesses runs this for a few seconds.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD_DIR="$ROOT/build/dev/fuzz"
if [ "${1:-}" = "--build-dir" ]; then
  BUILD_DIR="$2"
  shift 2
fi
SECONDS_EACH="${1:-60}"
# harness:seeds[:dictionary]
HARNESSES=(graphql_parser:graphql:graphql.dict graphql_engine:graphql:graphql.dict
  http_request:http:http.dict websocket_frames:websocket jwt:jwt json_bodies:json:json.dict)

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (apt-get install clang)" >&2; exit 77; }
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$HERE/project" -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
fi
cmake --build "$BUILD_DIR" >/dev/null

mkdir -p "$BUILD_DIR/artifacts"
for entry in "${HARNESSES[@]}"; do
  IFS=: read -r harness seeds dict <<<"$entry"
  dict_flag=()
  [ -n "$dict" ] && dict_flag=(-dict="$HERE/$dict")
  found="$BUILD_DIR/corpus/$harness"  # new inputs go to the first directory, never the seeds
  mkdir -p "$found"
  echo "fuzz: $harness for ${SECONDS_EACH}s"
  log="$BUILD_DIR/$harness.log"
  status=0
  "$BUILD_DIR/fuzz_$harness" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 "${dict_flag[@]}" -artifact_prefix="$BUILD_DIR/artifacts/$harness-" \
    -print_final_stats=1 "$found" "$HERE/seeds/$seeds" >"$log" 2>&1 || status=$?
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" | sed 's/^/  /' || true
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|artifact|runtime error' "$log" | head -20 >&2 || true
    echo "fuzz: $harness failed (exit $status): the input is in $BUILD_DIR/artifacts/, the log in $log" >&2
    exit 1
  fi
done
echo "fuzz: no crash"
