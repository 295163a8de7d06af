#!/usr/bin/env bash
# Runs a docker-save image tarball (e.g. target/jib-image.tar) without a container engine: unpacks its
# layers into a temporary root, mounts /proc, and runs the image's entrypoint + args in a chroot as
# the image's user. Needs root (chroot, mount namespace). For checking images where no Docker exists.
#
#   deploy/images/run-image-tar.sh services/cli/target/jib-image.tar --version
set -euo pipefail
IMAGE="$(readlink -f "$1")"; shift
[ "$(id -u)" = 0 ] || { echo "needs root (chroot)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/img" "$WORK/root"
tar -xf "$IMAGE" -C "$WORK/img"
unshare -m -- python3 - "$WORK/img" "$WORK/root" "$@" <<'PY'
import json, os, sys, tarfile
img, root, args = sys.argv[1], sys.argv[2], sys.argv[3:]
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
