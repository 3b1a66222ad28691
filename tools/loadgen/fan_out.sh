#!/usr/bin/env bash
# tools/loadgen/run.sh fan-out [flags], e.g. tools/loadgen/fan_out.sh --connections=1000,5000,10000
exec "$(dirname "$0")/run.sh" fan-out "$@"
