#!/bin/bash
# Policy checks on docker-compose.yml that its own validator (docker-compose config) cannot make.
#   check_files.sh topics <repo>   deploy/compose/create-topics.sh creates exactly the topics of
#                                  libs/kafka/include/livedrop/kafka/topics.h
#   check_files.sh mounts <repo>   every file or directory docker-compose.yml mounts from the
#                                  repository exists (a typo mounts an empty directory instead)
#   check_files.sh npm <repo>      deploy/Dockerfile copies the package files of every npm tool
#                                  (tools/<x>/package-lock.json) before it runs the set-up, which
#                                  installs each of them
set -euo pipefail
mode="$1" root="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }

case "$mode" in
  topics)
    declared=$(grep -oE 'inline constexpr char k[A-Za-z]+\[\] = "livedrop\.[a-z_.]+"' \
      "$root/libs/kafka/include/livedrop/kafka/topics.h" | grep -oE 'livedrop\.[a-z_.]+' | sort -u)
    [ -n "$declared" ] || fail "no topics found in topics.h (has its format changed?)"
    created=$(sed -n '/^TOPICS=(/,/^)/p' "$root/deploy/compose/create-topics.sh" |
      grep -oE '^\s+livedrop\.[a-z_.]+' | tr -d ' ' | sort -u)
    missing=$(comm -23 <(echo "$declared") <(echo "$created"))
    extra=$(comm -13 <(echo "$declared") <(echo "$created"))
    [ -z "$missing" ] || fail "topics.h declares topics create-topics.sh does not create: $missing"
    [ -z "$extra" ] || fail "create-topics.sh creates topics topics.h does not declare: $extra"
    echo "ok: $(echo "$declared" | wc -l) topics, each with its .dlq"
    ;;
  mounts)
    sources=$(grep -oE '([" ]|^)\./[^:" ]+:' "$root/docker-compose.yml" | sed -E 's/^[" ]?\.\///; s/:$//' | sort -u)
    [ -n "$sources" ] || fail "no bind mounts found in docker-compose.yml"
    for s in $sources; do [ -e "$root/$s" ] || fail "docker-compose.yml mounts ./$s, which does not exist"; done
    echo "ok: $(echo "$sources" | wc -l) mounts exist"
    ;;
  npm)
    locks=$(cd "$root" && ls tools/*/package-lock.json)
    [ -n "$locks" ] || fail "no tools/*/package-lock.json found"
    for lock in $locks; do
      dir=$(dirname "$lock")
      grep -qE "^COPY $dir/package.json $dir/package-lock.json $dir/\$" "$root/deploy/Dockerfile" ||
        fail "deploy/Dockerfile does not copy $dir/package.json and package-lock.json before the set-up"
    done
    echo "ok: $(echo "$locks" | wc -l) npm tools copied"
    ;;
  *) fail "usage: check_files.sh topics|mounts|npm <repo>" ;;
esac
