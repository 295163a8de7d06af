#!/bin/busybox sh
# /init of the LinuxKernelIT guest (busybox initramfs). LinuxKernelIT fills in the @...@ placeholders.
# Mounts the host's /usr and /etc (JDK + libraries) and the test classpath read-only over 9p into a tmpfs root,
# starts the workload JVM and the checks JVM, prints their TC-* lines on the serial console, powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
echo "TC-BOOT uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"
for m in netfs 9pnet 9pnet_virtio 9p; do
  unxz -c /modules/$m.ko.xz > /tmp/$m.ko && insmod /tmp/$m.ko || echo "TC-INFO insmod $m failed"
done
R=/newroot
mkdir -p $R/usr $R/etc $R/tc $R/proc $R/sys $R/dev $R/tmp $R/root
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose usr $R/usr || echo "TC-INFO mount usr failed"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose etc $R/etc || echo "TC-INFO mount etc failed"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose tc $R/tc || echo "TC-INFO mount tc failed"
@EXTRA_MOUNTS@
for d in bin lib lib64 sbin; do ln -s usr/$d $R/$d; done
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs dev $R/dev
mount -t tmpfs tmp $R/tmp
echo "TC-INFO numa_balancing=$(cat /proc/sys/kernel/numa_balancing) thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled)"
JAVA="@JAVA@"
JOPTS="-Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx192m -Djna.tmpdir=/tmp -Duser.home=/tmp"
CP="@CLASSPATH@"
echo "TC-INFO jvm-start uptime=$(cut -d' ' -f1 /proc/uptime)"
# QEMU's software TLB sets PTE accessed bits only when it refills an entry, and x86 Linux does not flush the TLB
# when DAMON clears accessed bits; QEMU flushes its whole TLB on every CR3 write. A co-runner process sharing the
# workload's vCPU forces those address-space switches every scheduler slice, as other processes would on a real host.
(while [ ! -f $R/tmp/workload.ready ]; do sleep 0.2; done; exec taskset -c 1 sh -c 'while :; do :; done') &
taskset -c 1 chroot $R /usr/bin/env HOME=/tmp $JAVA $JOPTS -cp "$CP" io.thermocline.migrator.kernel.GuestWorkload \
  /tmp/workload.ready @PAGES@ @HOT_PAGES@ 1 > /dev/console 2>&1 &
chroot $R /usr/bin/env HOME=/tmp $JAVA $JOPTS -cp "$CP" io.thermocline.migrator.kernel.GuestKernelChecks \
  /tmp/workload.ready > /dev/console 2>&1
echo "TC-EXIT code=$? uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
