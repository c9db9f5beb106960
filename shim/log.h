/* SPDX-License-Identifier: MIT */
/*
 * log: the only module of the preload library that writes anything.
 * Off unless asked for; when on, it writes before the filter is forwarded,
 * never after (a write after installing a filter can kill the program).
 */
#ifndef ENOSTUB_LOG_H
#define ENOSTUB_LOG_H

#include <stddef.h>

#include "patch.h"

/**
 * log_init() - read the log target from the environment (ENOSTUB_LOG=stderr).
 *
 * Uses secure_getenv(): in secure mode (setuid) logging stays off.
 * Makes no system call and allocates nothing; the first call decides.
 */
void log_init(void);

/**
 * log_filter() - describe what happened to one filter, if logging is on.
 * @via:     the interposed entry point ("prctl", "seccomp", "seccomp_load")
 * @rep:     the patch report
 * @rc:      patch_filter()'s return value, or a negative errno of the shim
 * @out_len: patched length (0: forwarded untouched)
 *
 * Preserves errno.
 */
void log_filter(const char *via, const struct patch_report *rep, int rc,
		size_t out_len);

/**
 * log_format() - format the one-line description log_filter() writes.
 * @buf, @size: destination (always NUL-terminated when @size > 0)
 * @via, @rep, @rc, @out_len: as for log_filter()
 *
 * Return: the length written, excluding the NUL.
 */
size_t log_format(char *buf, size_t size, const char *via,
		  const struct patch_report *rep, int rc, size_t out_len);

#endif /* ENOSTUB_LOG_H */
