#!/usr/bin/env bash
# Runs the fan-out scenario against the platform started by `./scripts/livedrop up` (in another
# terminal). Extra arguments go to the scenario: tools/loadgen/fan_out.sh --connections=1000,5000
# The binary is taken from $LIVEDROP_BUILD_DIR (default build/dev); exit code as the scenario's.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${LIVEDROP_BUILD_DIR:-$root/build/dev}/bin/livedrop-loadgen"
if [ ! -x "$bin" ]; then
  echo "no $bin: build it first (./scripts/livedrop build, or cmake --build <dir> --target loadgen)" >&2
  exit 3
fi
if ! curl -fsS -o /dev/null "${LIVEDROP_GATEWAY:-http://127.0.0.1:8080}/healthz"; then
  echo "the gateway does not answer: start ./scripts/livedrop up in another terminal" >&2
  exit 3
fi
exec "$bin" fan-out "$@"
