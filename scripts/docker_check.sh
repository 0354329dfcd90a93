#!/usr/bin/env bash
# Builds the container image from the Dockerfile and checks it as an operator would use it: the
# container starts as an unprivileged user, makes its admin key in the volume, answers /readyz and
# an authenticated request on the published port, keeps an acknowledged member across a
# `docker stop` / `docker start`, and stops with status 0 on SIGTERM.
#
#   scripts/docker_check.sh            (needs a running Docker daemon; not part of CI)
#
# Uses the image tag subex:check, a throwaway volume and a free port on 127.0.0.1; removes the
# container and the volume when done.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

docker info >/dev/null 2>&1 || { echo "docker_check: no Docker daemon answers" >&2; exit 1; }

tag=subex:check
name="subex-check-$$"
volume="subex-check-$$"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm "$volume" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() {
  echo "docker_check: $*" >&2
  docker logs "$name" 2>&1 | tail -20 >&2 || true
  exit 1
}

echo "docker_check: building $tag"
docker build -q -t "$tag" . >/dev/null

docker run -d --name "$name" -p "127.0.0.1:$port:8080" -v "$volume:/var/lib/subex" "$tag" >/dev/null
wait_ready() {
  for _ in $(seq 1 100); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" == 200 ]] && return 0
    sleep 0.2
  done
  fail "/readyz did not answer 200"
}
wait_ready

[[ "$(docker exec "$name" id -un)" == subex ]] || fail "the server does not run as the user subex"
key=$(docker exec "$name" cat /var/lib/subex/admin.key) || fail "no admin key in the volume"
mode=$(docker exec "$name" stat -c %a /var/lib/subex/admin.key)
[[ "$mode" == 600 ]] || fail "admin.key has mode $mode, not 600"

reply=$(curl -s -X POST "http://127.0.0.1:$port/v1/members" -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' \
  -d '{"name":"Yelets Gear Works","inn":"4821000047","region":"RU-LIP",
       "location":{"lat":52.6208,"lon":38.5018},"roles":["supplier"],
       "processes":["machining.milling"],"certifications":["ISO9001"]}')
member=$(grep -o '"id":"m_[^"]*"' <<<"$reply" | cut -d'"' -f4)
[[ -n "$member" ]] || fail "registering a member answered: $reply"

docker stop -t 60 "$name" >/dev/null
status=$(docker inspect -f '{{.State.ExitCode}}' "$name")
[[ "$status" == 0 ]] || fail "SIGTERM ended the server with status $status"
docker logs "$name" 2>&1 | grep -q '"msg":"snapshot written on stop"' ||
  fail "the stop wrote no snapshot"

docker start "$name" >/dev/null
wait_ready
got=$(curl -s "http://127.0.0.1:$port/v1/members/$member" -H "Authorization: Bearer $key")
grep -q '"name":"Yelets Gear Works"' <<<"$got" || fail "the member is gone after a restart: $got"

echo "docker_check: the image builds, runs as subex, keeps its journal in the volume and stops cleanly"
