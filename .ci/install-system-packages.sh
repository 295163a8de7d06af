#!/usr/bin/env bash
# Installs the system packages the tests need (headless Chromium for the HTML report test,
# QEMU + a Debian kernel for the real-kernel IT). Idempotent; needs root (CI runs as root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
want=()
command -v chromium >/dev/null 2>&1 || want+=(chromium)
command -v qemu-system-x86_64 >/dev/null 2>&1 || want+=(qemu-system-x86)
command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ] || want+=(busybox-static)
if [ ${#want[@]} -gt 0 ]; then
  echo "== installing ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi
prep=services/migrator/src/test/qemu/prepare.sh
if [ -f "$prep" ]; then
  bash "$prep"
fi
