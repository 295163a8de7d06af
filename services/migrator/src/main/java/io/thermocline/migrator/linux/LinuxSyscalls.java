package io.thermocline.migrator.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** libc's generic {@code syscall(2)} through JNA, for the NUMA calls glibc does not wrap (they live in libnuma). */
public interface LinuxSyscalls extends Library {

    /** x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
    long SYS_MBIND = 237;
    long SYS_SET_MEMPOLICY = 238;
    long SYS_GET_MEMPOLICY = 239;
    long SYS_MOVE_PAGES = 279;

    LinuxSyscalls INSTANCE = Native.load("c", LinuxSyscalls.class);

    /** Arguments are passed as 64-bit values (long or Pointer); errors raise {@link LastErrorException}. */
    long syscall(long number, Object... args) throws LastErrorException;
}
