#!/usr/bin/env bash
# Build dockui-test/python:3.11, a real Debian bookworm + Python 3.11 base image, without a
# registry: debootstrap from the machine's own Debian mirror, then `docker import`.
#
# The image is the cache: when it already exists the script exits 0 at once. Progress goes to
# stderr. Needs root (debootstrap) and a Docker engine (DOCKER_HOST or the default socket).
#
# Environment:
#   DOCKUI_PYTHON_IMAGE   tag to build (default dockui-test/python:3.11-1)
#   DOCKUI_DEBIAN_MIRROR  mirror URL (default: the first bookworm/main URI in the apt sources)
#   PYTHON                python with docker-py, used when the docker CLI is missing
set -euo pipefail

image=${DOCKUI_PYTHON_IMAGE:-dockui-test/python:3.11-1}
suite=bookworm
packages=python3,python3-pip,python3-venv,passwd
image_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
py=${PYTHON:-python3}
lock=${TMPDIR:-/tmp}/dockui-python-base.lock
root_dir=""

say() { echo "python_base_image: $*" >&2; }
die() { say "error: $*"; exit 1; }

have_cli() { command -v docker >/dev/null 2>&1; }

image_exists() {
  if have_cli; then
    docker image inspect "$image" >/dev/null 2>&1
  else
    "$py" - "$image" <<'PY' 2>/dev/null
import sys, docker
try:
    docker.from_env().api.inspect_image(sys.argv[1])
except docker.errors.ImageNotFound:
    sys.exit(1)
PY
  fi
}

# Import a root filesystem tar read from stdin as $image.
import_tar() {
  if have_cli; then
    docker import --change "ENV PATH=$image_path" --change 'CMD ["python3"]' - "$image" >&2
  else
    # Stream stdin in 1 MiB chunks (a file object would be sent line by line, slowly), so
    # the tar never sits in memory. -c, not a heredoc: stdin carries the tar.
    "$py" -c '
import sys, docker
repo, _, tag = sys.argv[1].rpartition(":")
chunks = iter(lambda: sys.stdin.buffer.read(1 << 20), b"")
docker.from_env(timeout=600).api.import_image_from_stream(
    chunks, repository=repo, tag=tag, changes=sys.argv[2:])
' "$image" "ENV PATH=$image_path" 'CMD ["python3"]'
  fi
}

# The first bookworm/main URI in the apt sources, one-line (.list) files first as apt reads them.
mirror_from_sources() {
  local lists=() sources=()
  [ -r /etc/apt/sources.list ] && lists+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [ -r "$f" ] && lists+=("$f"); done
  for f in /etc/apt/sources.list.d/*.sources; do [ -r "$f" ] && sources+=("$f"); done
  {
    if [ ${#lists[@]} -gt 0 ]; then
      # deb [options] URI suite component...
      awk -v suite="$suite" '$1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) != suite) next
        for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; exit }
      }' "${lists[@]}"
    fi
    if [ ${#sources[@]} -gt 0 ]; then
      # deb822 stanzas: Types/URIs/Suites/Components fields, blank-line separated.
      awk -v suite="$suite" 'BEGIN { RS = ""; FS = "\n" } {
        types = uris = suites = comps = ""; enabled = "yes"
        for (k = 1; k <= NF; k++) {
          line = $k
          if (line ~ /^#/) continue
          split(line, kv, ":"); key = tolower(kv[1]); sub(/^[^:]*:[ \t]*/, "", line)
          if (key == "types") types = line
          else if (key == "uris") uris = line
          else if (key == "suites") suites = line
          else if (key == "components") comps = line
          else if (key == "enabled") enabled = tolower(line)
        }
        if (enabled == "no" || (" " types " ") !~ / deb /) next
        if ((" " suites " ") !~ (" " suite " ") || (" " comps " ") !~ / main /) next
        split(uris, u, " "); print u[1]; exit
      }' "${sources[@]}"
    fi
  } | grep -E '^(https?|file)://' | head -n 1
}

cleanup() {
  [ -n "$root_dir" ] && [ -d "$root_dir" ] || return 0
  # An interrupted debootstrap can leave /dev, /proc or /sys mounted inside the tree.
  awk -v d="$root_dir" 'index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$root_dir"
}

main() {
  if image_exists; then
    exit 0
  fi
  [ "$(id -u)" = 0 ] || die "debootstrap needs root; run as root to build $image"

  # Two test sessions at once must not both spend minutes on the same build.
  exec 9>"$lock"
  flock 9
  if image_exists; then
    exit 0
  fi

  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap with apt-get..."
    apt-get install -y debootstrap >&2 || die "apt-get install debootstrap failed"
  fi

  local mirror=${DOCKUI_DEBIAN_MIRROR:-$(mirror_from_sources || true)}
  mirror=${mirror:-http://deb.debian.org/debian}

  local start=$SECONDS
  root_dir=$(mktemp -d "${TMPDIR:-/var/tmp}/dockui-python-root.XXXXXX")
  trap cleanup EXIT
  say "debootstrap $suite from $mirror into $root_dir (a few minutes)..."
  debootstrap --variant=minbase --include="$packages" "$suite" "$root_dir" "$mirror" \
    >"$root_dir.log" 2>&1 || { tail -n 20 "$root_dir.log" >&2; rm -f "$root_dir.log"; \
                               die "debootstrap failed"; }
  rm -f "$root_dir.log"
  say "debootstrap done after $((SECONDS - start)) s"

  # pip into the system interpreter is what a python base image is for (PEP 668 opt-out).
  rm -f "$root_dir"/usr/lib/python3*/EXTERNALLY-MANAGED
  # The official python images answer to `python` too; Dockerfiles written for them use it.
  ln -sf python3 "$root_dir"/usr/bin/python
  # Downloaded packages and package lists are dead weight in an image (as in Debian's own
  # images, `apt-get update` comes first in a Dockerfile).
  rm -f "$root_dir"/var/cache/apt/archives/*.deb "$root_dir"/var/cache/apt/*.bin
  rm -rf "$root_dir"/var/lib/apt/lists/*

  say "importing $image..."
  # Leave device nodes and kernel trees out: the engine provides /dev, /proc and /sys.
  tar -C "$root_dir" --numeric-owner \
      --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* -c . | import_tar
  say "built $image in $((SECONDS - start)) s"
}

main "$@"
