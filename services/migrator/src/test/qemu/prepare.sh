#!/usr/bin/env bash
# Prepares the real-kernel integration test (LinuxKernelIT): installs qemu and busybox-static,
# and extracts Debian's linux-image-6.12.*-amd64 kernel + modules into a cache directory.
# Idempotent: a second run with everything in place does nothing but check.
#
#   services/migrator/src/test/qemu/prepare.sh            # default cache ~/.cache/thermocline/kernel
#   THERMOCLINE_KERNEL_CACHE=/some/dir prepare.sh
set -euo pipefail

CACHE="${THERMOCLINE_KERNEL_CACHE:-${HOME}/.cache/thermocline/kernel}"
META_PKG="linux-image-6.12-amd64"   # Debian meta-package that depends on the newest 6.12 image

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

need_pkgs=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need_pkgs+=(qemu-system-x86)
dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
apt_updated=0
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "prepare.sh: installing ${need_pkgs[*]}"
  $SUDO apt-get update -q
  apt_updated=1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need_pkgs[@]}"
fi

if [ -f "${CACHE}/vmlinuz" ] && [ -f "${CACHE}/kernel-version" ] \
   && [ -d "${CACHE}/root/lib/modules/$(cat "${CACHE}/kernel-version")" ]; then
  echo "prepare.sh: kernel $(cat "${CACHE}/kernel-version") already in ${CACHE}"
  exit 0
fi

if [ "$apt_updated" = 0 ]; then $SUDO apt-get update -q; fi
# The meta-package names the exact image package, e.g. linux-image-6.12.117+deb12-amd64.
PKG="$(apt-cache depends "${META_PKG}" | awk '/Depends: linux-image-6\.12\.[0-9]+.*-amd64$/ {print $2; exit}')"
if [ -z "${PKG}" ]; then
  PKG="$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1)"
fi
if [ -z "${PKG}" ]; then
  echo "prepare.sh: no linux-image-6.12.*-amd64 package found in the apt sources" >&2
  exit 1
fi
echo "prepare.sh: fetching ${PKG}"
mkdir -p "${CACHE}"
WORK="$(mktemp -d "${CACHE}/dl.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT
(cd "${WORK}" && apt-get download -q "${PKG}")
DEB="$(ls "${WORK}"/*.deb)"
rm -rf "${CACHE}/root"
mkdir -p "${CACHE}/root"
dpkg-deb -x "${DEB}" "${CACHE}/root"
VMLINUZ="$(ls "${CACHE}"/root/boot/vmlinuz-* | head -1)"
VERSION="${VMLINUZ##*/vmlinuz-}"
cp "${VMLINUZ}" "${CACHE}/vmlinuz.tmp" && mv "${CACHE}/vmlinuz.tmp" "${CACHE}/vmlinuz"
echo "${PKG}" > "${CACHE}/package"
echo "${VERSION}" > "${CACHE}/kernel-version"
echo "prepare.sh: kernel ${VERSION} ready in ${CACHE}"
