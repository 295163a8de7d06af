#!/usr/bin/env python3
"""Packs a root filesystem directory as a one-layer image in `docker save` format (what Jib reads
from a `tar://` base). Reproducible: sorted entries, mtime 0, root ownership except the non-root
user's home; /tmp is 1777.

usage: docker_save_tar.py ROOTFS OUT.tar JAVA_RUNTIME_VERSION
"""
import hashlib
import io
import json
import os
import sys
import tarfile

NONROOT = 65532
IMAGE_TAG = "thermocline/jre17-base:local"
JAVA_HOME = "/opt/java/openjdk"
EPOCH = "1970-01-01T00:00:00Z"


def layer_bytes(root):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, root)
            for name in ([] if rel_dir == "." else [None]) + sorted(filenames):
                path = dirpath if name is None else os.path.join(dirpath, name)
                arc = os.path.relpath(path, root)
                info = tar.gettarinfo(path, arcname=arc)
                info.mtime = 0
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if arc == "tmp":
                    info.mode = 0o1777
                if arc == "home/nonroot" or arc.startswith("home/nonroot/"):
                    info.uid = info.gid = NONROOT
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def main():
    root, out, java_version = sys.argv[1], sys.argv[2], sys.argv[3]
    layer = layer_bytes(root)
    diff_id = hashlib.sha256(layer).hexdigest()
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": EPOCH,
        "config": {
            "Env": [
                "PATH=" + JAVA_HOME + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME=" + JAVA_HOME,
                "JAVA_VERSION=" + java_version,
                "LANG=C.UTF-8",
            ],
            "User": "%d:%d" % (NONROOT, NONROOT),
            "WorkingDir": "/home/nonroot",
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
        "history": [{"created": EPOCH, "created_by": "deploy/images/build-base-image.sh (jlink " + java_version + ")"}],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [IMAGE_TAG], "Layers": [diff_id + "/layer.tar"]}]
    with tarfile.open(out + ".tmp", mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in ((config_name, config_bytes), (diff_id + "/layer.tar", layer),
                           ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    os.replace(out + ".tmp", out)
    print("layer sha256:%s, %d bytes" % (diff_id, len(layer)))


if __name__ == "__main__":
    main()
