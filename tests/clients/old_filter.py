# SPDX-License-Identifier: MIT
"""A program with a seccomp filter written the way old programs wrote them.

Built with python3-seccomp (Debian's module, libseccomp linked into it):
default ERRNO(EPERM), an allow list of the system calls a program written
around 2018 would name, nothing newer (no faccessat2, close_range, clone3,
rseq). After loading it, the program checks whether PATH is readable with
the effective ids, the way a current glibc does it: faccessat2 first,
faccessat only when faccessat2 answers ENOSYS.

Prints "name=RESULT" lines (RESULT: ok, True/False, or an errno name) and
"done=ok" at the end. Starts no thread after the load: the filter refuses
rseq, which glibc registered at startup (see README, "rseq").

    python3 old_filter.py PATH
"""
import ctypes
import errno
import os
import sys

import seccomp

# What an old daemon that reads files and answers on stdout would list.
OLD_ALLOW = [
    "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
    "open", "openat", "close", "stat", "fstat", "lstat", "newfstatat",
    "access", "faccessat", "readlink", "getdents64", "fcntl", "ioctl",
    "dup", "dup2", "dup3", "pipe2", "mmap", "munmap", "mprotect", "mremap",
    "brk", "madvise", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
    "sigaltstack", "futex", "getpid", "gettid", "getuid", "geteuid",
    "getgid", "getegid", "getcwd", "uname", "clock_gettime",
    "clock_nanosleep", "nanosleep", "getrandom", "prlimit64", "exit",
    "exit_group",
]

AT_FDCWD = -100
AT_EACCESS = 0x200


def say(name, value):
    print(f"{name}={value}", flush=True)


def errno_name(ret):
    return "ok" if ret >= 0 else errno.errorcode[ctypes.get_errno()]


def main():
    path = os.fsencode(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    arch = seccomp.Arch.NATIVE
    nr_faccessat2 = seccomp.resolve_syscall(arch, "faccessat2")

    filt = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
    for name in OLD_ALLOW:
        filt.add_rule(seccomp.ALLOW, name)
    filt.load()
    say("load", "ok")

    # the raw system call, as glibc makes it first
    say("faccessat2", errno_name(libc.syscall(nr_faccessat2, AT_FDCWD, path,
                                              os.R_OK, AT_EACCESS)))
    # glibc's faccessat(), then Python's os.access on top of it
    say("eaccess", errno_name(libc.faccessat(AT_FDCWD, path, os.R_OK,
                                             AT_EACCESS)))
    say("os.access", os.access(path, os.R_OK, effective_ids=True))
    # an old system call the filter names, for comparison
    say("access", os.access(path, os.R_OK))
    say("done", "ok")


if __name__ == "__main__":
    main()
