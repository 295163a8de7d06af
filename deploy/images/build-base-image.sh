#!/usr/bin/env bash
# Builds a local Java 17 runtime base image as a docker-save tarball, for Jib's `tar://` base, on a
# machine without a Docker engine or registry access. The image is distroless-like: a jlink'ed
# runtime of the local JDK at /opt/java/openjdk (the path eclipse-temurin uses), the glibc/libstdc++
# libraries it links against, /etc/passwd with the non-root user 65532 ("nonroot"), a 1777 /tmp.
#
#   deploy/images/build-base-image.sh            # -> deploy/images/target/thermocline-jre17-base.tar
#   ./mvnw -B -Pimages,local-base -pl services/hotness package
#
# With registry access use the default (pinned eclipse-temurin) base instead: ./mvnw -Pimages ...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_DIR="${OUT_DIR:-$HERE/target}"
OUT="$OUT_DIR/thermocline-jre17-base.tar"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
JLINK="$JAVA_HOME/bin/jlink"
# what Kafka clients/Streams, RocksDB JNI, JNA, Avro, Jackson, Micrometer, logback, the JDK HTTP server need;
# java.desktop for java.beans only (its X11/sound libraries are removed below: the image is headless)
MODULES="java.base,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,\
java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,\
java.transaction.xa,java.xml,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,\
jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs"
# X11, sound, fonts, colour management and JPEG: not used by headless services, and they would pull
# freetype, harfbuzz, glib, libpng, libjpeg and lcms2 into the image
HEADLESS_DROP="libawt_xawt.so libjawt.so libsplashscreen.so libjsound.so libfontmanager.so liblcms.so libjavajpeg.so"

[ -x "$JLINK" ] || { echo "no jlink at $JLINK (set JAVA_HOME to a JDK 17 with jmods)" >&2; exit 1; }
"$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"17\.' || { echo "$JAVA_HOME is not a JDK 17" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/rootfs"
mkdir -p "$ROOT/opt/java" "$OUT_DIR"

echo "jlink from $JAVA_HOME ..."
"$JLINK" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$ROOT/opt/java/openjdk"
for lib in $HEADLESS_DROP; do rm -f "$ROOT/opt/java/openjdk/lib/$lib"; done

# the shared libraries the runtime links against, copied as real files under their sonames
copy_lib() {
  local src="$1" dest="$ROOT$1"
  [ -e "$dest" ] && return 0
  mkdir -p "$(dirname "$dest")"
  cp -L "$src" "$dest"
}
find "$ROOT/opt/java/openjdk" \( -name '*.so' -o -path '*/bin/*' \) -type f | while read -r f; do
  ldd "$f" 2>/dev/null | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}'
done | sort -u | grep -v "^$ROOT/" > "$WORK/libs" || true
# a library neither on the system nor in the runtime itself (libjvm.so, libjava.so are found at run time)
missing=$(find "$ROOT/opt/java/openjdk" -name '*.so' -type f -exec ldd {} \; 2>/dev/null \
  | awk '/not found/ {print $1}' | sort -u | while read -r so; do
      [ -n "$(find "$ROOT/opt/java/openjdk" -name "$so" -print -quit)" ] || echo "$so"; done)
[ -z "$missing" ] || { echo "unresolved libraries: $missing" >&2; exit 1; }
while read -r lib; do copy_lib "$lib"; done < "$WORK/libs"
# the dynamic loader itself (ldd prints it as a bare path)
copy_lib /lib64/ld-linux-x86-64.so.2
# glibc libraries that native code in the services' dependencies links against but the JDK does not:
# RocksDB JNI (librocksdbjni: libpthread, librt, libdl, libstdc++, libgcc_s), JNA (libc only), DNS (libresolv)
for lib in libpthread.so.0 librt.so.1 libdl.so.2 libresolv.so.2 libstdc++.so.6 libgcc_s.so.1; do
  src="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')"
  [ -n "$src" ] || { echo "missing $lib on this machine" >&2; exit 1; }
  copy_lib "$src"
done
# the system CA bundle (the jlink'ed cacerts may be a stub on distribution JDKs)
[ -f /etc/ssl/certs/java/cacerts ] && cp -L /etc/ssl/certs/java/cacerts "$ROOT/opt/java/openjdk/lib/security/cacerts"

mkdir -p "$ROOT/etc" "$ROOT/tmp" "$ROOT/home/nonroot" "$ROOT/app" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$ROOT/etc/group"
printf 'hosts: files dns\n' > "$ROOT/etc/nsswitch.conf"

python3 "$HERE/docker_save_tar.py" "$ROOT" "$OUT" "$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')"
echo "base image: $OUT ($(du -h "$OUT" | cut -f1))"
