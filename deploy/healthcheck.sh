#!/bin/sh
# The image's HEALTHCHECK: the container's own /readyz, found from the configuration the binary
# runs with: its LIVEDROP_ADMIN_LISTEN (services and gateways), else the gateway's
# LIVEDROP_HTTP_LISTEN (which serves /readyz too).
listen="${LIVEDROP_ADMIN_LISTEN:-${LIVEDROP_HTTP_LISTEN:-}}"
[ -n "$listen" ] || { echo "no LIVEDROP_ADMIN_LISTEN or LIVEDROP_HTTP_LISTEN to check" >&2; exit 1; }
exec curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${listen##*:}/readyz"
