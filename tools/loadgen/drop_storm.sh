#!/usr/bin/env bash
# tools/loadgen/run.sh drop-storm [flags], e.g. tools/loadgen/drop_storm.sh --buyers=500
exec "$(dirname "$0")/run.sh" drop-storm "$@"
