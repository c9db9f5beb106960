/* SPDX-License-Identifier: MIT */
/*
 * log: the only module of the preload library that writes anything.
 * Off unless configured; when on, it writes before the filter is forwarded,
 * never after (a write after installing a filter can kill the program).
 * Each message costs getpid() and the writing calls of its target: write()
 * to stderr; open(), write(), close() of a file; socket(), sendto(),
 * close() for syslog.
 */
#ifndef ENOSTUB_LOG_H
#define ENOSTUB_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "patch.h"

/* One filter on its way to the kernel. */
struct log_event {
	const char *via;                    /* "prctl", "seccomp", "seccomp_load" */
	size_t len;                         /* instructions of the original */
	const struct patch_report *rep;     /* NULL when not analysed */
	int rc;                             /* patch_filter()'s result */
	size_t out_len;                     /* patched length, 0 = untouched */
	const char *note;                   /* why untouched, when rep is NULL */
	bool threads;                       /* threads started via clone would abort */
	bool guarded;                       /* ... so clone3 was left to the filter */
};

/**
 * log_setup() - take the target and level from @s; $ENOSTUB_LOG (none,
 * stderr, syslog or an absolute path; ignored in secure mode) overrides the
 * target. Makes no system call.
 * @s: the effective settings (copied)
 */
void log_setup(const struct conf_settings *s);

/**
 * log_filter() - describe what happened to one filter, if the level allows:
 * notice for a filter patched (or that dry-run would patch), info for one
 * forwarded untouched. Preserves errno.
 * @ev: the event
 */
void log_filter(const struct log_event *ev);

/**
 * log_error() - report a problem (a configuration error) at level error.
 * @msg: one line without "enostub:" prefix or newline. Preserves errno.
 */
void log_error(const char *msg);

/**
 * log_format() - the line log_filter() writes, newline-terminated.
 * @buf, @size: destination (always NUL-terminated when @size > 0)
 * @ev: the event
 * @s: the settings in force (mode, errno)
 *
 * Return: the length written, excluding the NUL.
 */
size_t log_format(char *buf, size_t size, const struct log_event *ev,
		  const struct conf_settings *s);

#endif /* ENOSTUB_LOG_H */
