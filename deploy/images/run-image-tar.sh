#!/usr/bin/env bash
# Runs a docker-save image tarball (e.g. target/jib-image.tar) without a container engine: unpacks its
# layers into a temporary root, mounts /proc, and runs the image's entrypoint + args in a chroot as
# the image's user. Needs root (chroot, mount namespace). For checking images where no Docker exists.
#
#   deploy/images/run-image-tar.sh services/cli/target/jib-image.tar --version
#   deploy/images/run-image-tar.sh -e TC_HOTNESS_BOOTSTRAP_SERVERS=127.0.0.1:9092 services/hotness/target/jib-image.tar
# The container shares the host's network (like `docker run --network host`).
set -euo pipefail
EXTRA_ENV=()
while [ "${1:-}" = "-e" ]; do EXTRA_ENV+=("$2"); shift 2; done
[ $# -ge 1 ] || { echo "usage: $0 [-e NAME=VALUE]... IMAGE.tar [ARGS...]" >&2; exit 2; }
IMAGE="$(readlink -f "$1")"; shift
[ "$(id -u)" = 0 ] || { echo "needs root (chroot)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/img" "$WORK/root"
tar -xf "$IMAGE" -C "$WORK/img"
printf '%s\0' "${EXTRA_ENV[@]+"${EXTRA_ENV[@]}"}" > "$WORK/env"
# in the background so that a TERM/INT to this script reaches the container's process (java) too
unshare -m -- python3 - "$WORK/img" "$WORK/root" "$WORK/env" "$@" <<'PY' &
import json, os, sys, tarfile
img, root, env_file, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
manifest = json.load(open(os.path.join(img, "manifest.json")))[0]
for layer in manifest["Layers"]:
    with tarfile.open(os.path.join(img, layer)) as t:   # gzip or plain
        for m in t.getmembers():
            base = os.path.basename(m.name)
            if base.startswith(".wh."):                   # whiteout: delete from lower layers
                target = os.path.join(root, os.path.dirname(m.name), base[4:])
                os.system("rm -rf '%s'" % target)
                continue
            t.extract(m, root, numeric_owner=True)
cfg = json.load(open(os.path.join(img, manifest["Config"])))["config"]
argv = (cfg.get("Entrypoint") or []) + (args if args else (cfg.get("Cmd") or []))
env = dict(e.split("=", 1) for e in cfg.get("Env", []))
env.update(e.split("=", 1) for e in open(env_file).read().split("\0") if "=" in e)
user = (cfg.get("User") or "0:0").split(":")
os.makedirs(os.path.join(root, "proc"), exist_ok=True)
if os.system("mount -t proc proc '%s/proc'" % root) != 0:
    sys.exit("cannot mount /proc")
os.chroot(root)
os.chdir(cfg.get("WorkingDir") or "/")
os.setgroups([])
os.setgid(int(user[1]) if len(user) > 1 else int(user[0]))
os.setuid(int(user[0]))
os.execvpe(argv[0], argv, env)
PY
CHILD=$!
trap 'kill -TERM "$CHILD" 2>/dev/null' TERM INT
set +e
wait "$CHILD"; rc=$?
# a trapped signal interrupts wait: wait again for the process to exit
if kill -0 "$CHILD" 2>/dev/null; then wait "$CHILD"; rc=$?; fi
exit "$rc"
