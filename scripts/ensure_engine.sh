#!/usr/bin/env bash
# Find a Docker engine or start one. Used by `make run`, `make test` and the benches.
# Never starts a second engine when one already answers.
set -u
want_test_tools=${DOCKUI_TEST_TOOLS:-0}
log_dir=${DOCKUI_ENGINE_LOG_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/dockui}
py=${PYTHON:-python3}

answers() {
  # The docker CLI may be absent (users may have only docker-py), so ask the socket directly.
  "$py" - "$@" <<'PY' 2>/dev/null
import os, socket, sys
host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
if not host.startswith("unix://"):
    sys.exit(0)  # a remote engine: leave it to the app to say whether it answers
path = host[len("unix://"):]
try:
    s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(path)
    s.sendall(b"GET /_ping HTTP/1.0\r\n\r\n"); ok = b"OK" in s.recv(4096)
except OSError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
if [ "$want_test_tools" = 1 ]; then
  [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || \
    dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
  command -v tmux >/dev/null || need_pkgs+=(tmux)
fi

if answers && [ ${#need_pkgs[@]} -eq 0 ]; then
  exit 0
fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "dockui: installing ${need_pkgs[*]} with apt-get..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1
    apt-get install -y -qq "${need_pkgs[@]}" >/dev/null 2>&1 || {
      echo "dockui: apt-get install ${need_pkgs[*]} failed" >&2; exit 1; }
  elif ! answers; then
    cat >&2 <<MSG
dockui: no Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}.
Start one, for example:
  sudo apt-get install docker.io && sudo systemctl start docker
or point dockui at a remote engine with --host ssh://user@host or --context NAME.
MSG
    exit 1
  fi
fi

answers && exit 0

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "dockui: no engine answers and starting dockerd needs root: sudo systemctl start docker" >&2
  exit 1
fi

mkdir -p "$log_dir"
echo "dockui: starting dockerd (log: $log_dir/dockerd.log)..." >&2
# setsid: the engine outlives the shell that started it, as a service would.
setsid dockerd >"$log_dir/dockerd.log" 2>&1 < /dev/null &
for _ in $(seq 1 120); do
  answers && exit 0
  sleep 0.5
done
echo "dockui: dockerd did not answer within 60 s; see $log_dir/dockerd.log" >&2
tail -n 20 "$log_dir/dockerd.log" >&2
exit 1
