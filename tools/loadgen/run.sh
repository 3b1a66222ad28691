#!/usr/bin/env bash
# Runs one load scenario against the platform started by `./scripts/livedrop up` (in another
# terminal): tools/loadgen/run.sh <scenario> [flags], e.g. tools/loadgen/run.sh fan-out
# --connections=1000,5000. The binary is taken from $LIVEDROP_BUILD_DIR (default build/dev); the
# exit code is the scenario's (3 also when the binary is missing or the gateway does not answer).
set -euo pipefail
if [ $# -lt 1 ] || [[ "$1" == -* ]]; then
  echo "usage: $0 <scenario> [flags]   (scenarios: livedrop-loadgen --help)" >&2
  exit 2
fi
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
exec "$bin" "$@"
