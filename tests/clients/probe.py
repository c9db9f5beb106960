# SPDX-License-Identifier: MIT
"""What a Python program sees inside a sandbox: run by bwrap and crun.

    python3 probe.py STEP...
    thread         start a thread and join it (glibc: clone3, then clone
                   only if clone3 answers ENOSYS)
    eaccess:PATH   os.access(PATH, R_OK, effective_ids=True) (glibc:
                   faccessat2, then faccessat only on ENOSYS)
    syscall:NR     the raw system call NR with no arguments, as a program
                   built for a newer kernel would try it

Prints "name=RESULT" lines and "done=ok" at the end. A failure is printed
as Python reports it (e.g. "thread=can't start new thread").
"""
import ctypes
import errno
import os
import sys
import threading


def say(name, value):
    print(f"{name}={value}", flush=True)


def thread():
    ran = []
    try:
        t = threading.Thread(target=ran.append, args=("ran",))
        t.start()
        t.join()
    except RuntimeError as e:
        say("thread", e)
        return
    say("thread", ran[0])


def eaccess(path):
    say("eaccess", os.access(path, os.R_OK, effective_ids=True))


def raw_syscall(nr):
    libc = ctypes.CDLL(None, use_errno=True)
    ret = libc.syscall(int(nr))
    say(f"syscall{nr}", "ok" if ret >= 0 else errno.errorcode[ctypes.get_errno()])


def main():
    for step in sys.argv[1:]:
        name, _, arg = step.partition(":")
        if name == "thread":
            thread()
        elif name == "eaccess":
            eaccess(arg)
        elif name == "syscall":
            raw_syscall(arg)
        else:
            say("error", f"unknown step {step}")
            sys.exit(2)
    say("done", "ok")


if __name__ == "__main__":
    main()
