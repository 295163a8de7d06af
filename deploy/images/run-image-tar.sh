#!/usr/bin/env bash
# Runs a docker-save image tarball (e.g. target/jib-image.tar) without a container engine: unpacks its
# layers into a temporary root, mounts /proc, and runs the image's entrypoint + args in a chroot as
# the image's user. Needs root (chroot, mount namespace). For checking images where no Docker exists.
#
#   deploy/images/run-image-tar.sh services/cli/target/jib-image.tar --version
#   deploy/images/run-image-tar.sh -e TC_HOTNESS_BOOTSTRAP_SERVERS=127.0.0.1:9092 services/hotness/target/jib-image.tar
#   deploy/images/run-image-tar.sh --user 0:0 --cap-add SYS_NICE --cap-add SYS_ADMIN services/migrator/target/jib-image.tar
# The container shares the host's network (like `docker run --network host`) and sees the host's
# /sys read-only. With --cap-add the process keeps exactly those capabilities (plus SYS_CHROOT, which
# the harness needs to enter the root; util-linux setpriv); without, it has none unless it runs as 0.
set -euo pipefail
EXTRA_ENV=()
CAPS=""
USER_OVERRIDE=""
while [ $# -gt 0 ]; do
  case "$1" in
    -e) EXTRA_ENV+=("$2"); shift 2 ;;
    --cap-add) CAPS="${CAPS:+$CAPS,}+$(echo "$2" | tr 'A-Z' 'a-z' | sed 's/^cap_//')"; shift 2 ;;
    --user) USER_OVERRIDE="$2"; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [-e NAME=VALUE]... [--user UID:GID] [--cap-add CAP]... IMAGE.tar [ARGS...]" >&2; exit 2; }
export RUN_IMAGE_CAPS="$CAPS" RUN_IMAGE_USER="$USER_OVERRIDE"
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
user = (os.environ.get("RUN_IMAGE_USER") or cfg.get("User") or "0:0").split(":")
caps = os.environ.get("RUN_IMAGE_CAPS", "")
for d in ("proc", "sys"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
if os.system("mount -t proc proc '%s/proc'" % root) != 0:
    sys.exit("cannot mount /proc")
if os.system("mount --rbind -o ro /sys '%s/sys' && mount -o remount,ro,bind '%s/sys'" % (root, root)) != 0:
    sys.exit("cannot mount /sys")
if caps:
    uid, gid = user[0], (user[1] if len(user) > 1 else user[0])
    keep = caps + ",+sys_chroot"
    launcher = ["setpriv", "--reuid", uid, "--regid", gid, "--clear-groups",
                "--bounding-set", "-all," + keep, "--inh-caps", "-all," + keep]
    if uid != "0":
        launcher += ["--ambient-caps", "-all," + keep]
    os.execvpe("setpriv", launcher + ["--", "chroot", root] + argv, env)
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
