/* SPDX-License-Identifier: MIT */
/*
 * trace: `enostub run --trace`, the way in for filters a preload library
 * cannot see (static binaries, Go, inline syscall instructions).
 *
 * The command starts CMD as a tracee (PTRACE_SEIZE, following fork, vfork,
 * clone and exec). Before exec the child installs a tiny filter of its own
 * that answers SECCOMP_RET_TRACE for the filter installs only, ALLOW for
 * everything else; at each install stop the tracer reads the program from
 * the tracee, patches it with the same core and configuration rules as the
 * library, writes it into a scratch area of the tracee's address space and
 * points the call's argument at it. The pieces:
 *   trace_filter.c  the child's filter; what an install stop asks (pure)
 *   trace_mem.c     the tracee's registers and memory, the scratch area
 *   trace_policy.c  configuration, the patch decision, the log
 *   cli_trace.c     the tracer: the child, the event loop, the install
 *                   state machine
 * x86_64 only (its registers): elsewhere --trace says so and fails.
 */
#ifndef ENOSTUB_TRACE_H
#define ENOSTUB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/arch.h"
#include "core/cbpf.h"

/* SECCOMP_RET_DATA of the child's filter. A stop that carries another
 * value comes from a filter of the program's own (see cli_trace.c). */
#define TRACE_MARK 0x0e57u

/* Room for the child's filter: 2 + 2 per audit arch, 2 per ABI, 9 more. */
#define TRACE_FILTER_MAX 64

/**
 * trace_filter() - the filter the child installs before exec: for every
 * ABI of arch_native(), TRACE|TRACE_MARK for seccomp(SECCOMP_SET_MODE_FILTER,
 * ...) and prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ...), ALLOW for every
 * other call. Arguments are loaded only on the paths of those two numbers,
 * so the kernel's constant-action cache holds every other number.
 * @out:  room for the program
 * @size: entries of @out (TRACE_FILTER_MAX is enough)
 *
 * Return: the number of instructions, 0 if @size is too small.
 */
size_t trace_filter(struct sock_filter *out, size_t size);

enum trace_call { TRACE_NONE, TRACE_SECCOMP, TRACE_PRCTL };

/* One filter install as a seccomp stop shows it. */
struct trace_install {
	enum trace_call call;
	const struct arch_abi *abi;     /* the ABI the call was made with */
	bool compat;                    /* 32-bit sock_fprog (i386, x32) */
	uint64_t flags;                 /* seccomp(): its flags; prctl: 0 */
	uint64_t fprog;                 /* the struct sock_fprog pointer */
};

/**
 * trace_classify() - is (@arch, @nr, @args) a filter install, and which?
 * @arch, @nr, @args: seccomp_data of the stop
 * @out:  filled in when it is one
 *
 * Return: 0 for an install, -ENOENT for any other call, -ENOSYS for an ABI
 * this build does not know.
 */
int trace_classify(uint32_t arch, uint32_t nr, const uint64_t args[6],
		   struct trace_install *out);

/**
 * trace_abi_of() - the ABI of @arch and @nr among arch_native().
 * Return: the ABI, or NULL.
 */
const struct arch_abi *trace_abi_of(uint32_t arch, uint32_t nr);

/* What `enostub run --trace` was asked. */
struct trace_opts {
	const char *conf;               /* -c: the configuration file, or NULL */
	bool dry_run;                   /* --dry-run */
	bool verbose;                   /* -v: log to stderr */
};

/**
 * trace_run() - run @argv[0] with @argv as its arguments under the tracer.
 * @o:    the options
 * @argv: the command, NULL-terminated
 *
 * Returns when every traced process has ended.
 * Return: the command's exit status (128 + N if signal N killed it, after
 * the tracer re-raised it where it could), 1 if the tracer could not
 * start it, 126/127 if it could not be executed.
 */
int trace_run(const struct trace_opts *o, char *const argv[]);

#endif /* ENOSTUB_TRACE_H */
