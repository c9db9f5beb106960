/* SPDX-License-Identifier: MIT */
/*
 * log: the only module of the preload library that writes anything.
 *
 * A log line must never change what happens to the program. So:
 * - it is written before a filter is forwarded, never after;
 * - every system call it makes goes through the real syscall() with a
 *   fixed number, and is made only if every filter that may be in force
 *   provably lets that number through (log_admit() is told of each filter
 *   before it is forwarded; a process that started under a filter, or that
 *   got one the shim could not read, gets no more lines: log_blind());
 * - the pid is known without a system call at install time (read when the
 *   library loads, and again after fork() only where that is safe);
 * - writes cannot raise SIGPIPE, SIGXFSZ (RLIMIT_FSIZE) or SIGTTOU: those
 *   signals are blocked around the write and one it raised is consumed;
 * - a line that cannot be written safely is dropped.
 * Costs, per line: stderr rt_sigprocmask x2, rt_sigpending, write (and
 * rt_sigtimedwait when the write failed with EPIPE or EFBIG); a file adds
 * openat, statx and close (in secure mode per path component); syslog
 * socket, sendto, close.
 */
#ifndef ENOSTUB_LOG_H
#define ENOSTUB_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "config/conf.h"
#include "core/patch.h"

/* The real syscall(): the log calls nothing that the library exports. */
typedef long (*log_sys_fn)(long, ...);

/* One filter on its way to the kernel: everything a line says. */
struct log_event {
	const char *via;                    /* "prctl", "seccomp", "seccomp_load" */
	size_t len;                         /* instructions of the original */
	const struct patch_opts *opts;      /* what was asked; NULL when not analysed */
	const struct patch_report *rep;     /* what was done; NULL when not analysed */
	int rc;                             /* patch_filter()'s result */
	size_t out_len;                     /* patched length, 0 = untouched */
	const char *note;                   /* why untouched, when rep is NULL */
	bool dry_run;                       /* mode dry-run: forwarded untouched */
};

/**
 * log_setup() - take the target, level and file from @s (nothing else:
 * what a line says comes from its event); @env_log, $ENOSTUB_LOG (none,
 * stderr, syslog or an absolute path), overrides the target. With a target, reads the pid and whether the process started under
 * a filter (/proc/self/status: openat, read, close, the calls ld.so made
 * to load this library); without one, makes no system call.
 * @s:      the effective settings
 * @secure: secure mode: log files only in root-owned places
 * @env_log: $ENOSTUB_LOG, NULL if unset or in secure mode
 * @sys:    the real syscall()
 */
void log_setup(const struct conf_settings *s, bool secure, const char *env_log,
	       log_sys_fn sys);

/**
 * log_active() - will any line ever be written? (a target is set and no
 * filter of unknown content may be in force)
 */
bool log_active(void);

/**
 * log_admit() - a filter is about to be forwarded: from now on, make only
 * the calls it provably lets through. Pure computation, no system call.
 * @prog, @len: the program (validated)
 * @work:       scratch memory for the analysis
 */
void log_admit(const struct sock_filter *prog, size_t len, struct analyze_work *work);

/**
 * log_blind() - a filter the shim could not read may be in force: write
 * nothing more from this process (or its children).
 */
void log_blind(void);

/**
 * log_forked() - in the child after fork(): the pid changed. Asks for it
 * only if getpid() is provably allowed, else prints "?".
 */
void log_forked(void);

/**
 * log_filter() - describe what happened to one filter, if the level allows:
 * notice for a filter patched (or that dry-run would patch), info for one
 * forwarded untouched. Preserves errno.
 * @ev: the event
 */
void log_filter(const struct log_event *ev);

/**
 * log_config_error() - the configuration is unusable: say that filters are
 * forwarded untouched, and why, at level error.
 * @error: the configuration's error message
 */
void log_config_error(const char *error);

/**
 * log_message() - one line at @level (enum conf_level). Preserves errno.
 * @msg: without "enostub:" prefix or newline
 */
void log_message(int level, const char *msg);

/**
 * log_format() - the line log_filter() writes, newline-terminated.
 * @buf, @size: destination (always NUL-terminated when @size > 0)
 * @ev: the event
 *
 * Return: the length written, excluding the NUL.
 */
size_t log_format(char *buf, size_t size, const struct log_event *ev);

/**
 * log_escape() - make a line safe to append: every control character but
 * the final newline, and the backslash, become \xNN.
 * @out, @size: destination (always NUL-terminated when @size > 0)
 * @in:         the line
 *
 * Return: the length written, excluding the NUL (cut at @size, never
 * in the middle of an escape).
 */
size_t log_escape(char *out, size_t size, const char *in);

#endif /* ENOSTUB_LOG_H */
