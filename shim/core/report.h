/* SPDX-License-Identifier: MIT */
/*
 * report: what one patch did, in the words of enostub's log line, from the
 * options it was asked for and its report. The library's log and the
 * tracer of `enostub run --trace` both write it. Pure: formatting only.
 */
#ifndef ENOSTUB_REPORT_H
#define ENOSTUB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "patch.h"

/* A line being written: never overflows, cuts instead. */
struct report_buf {
	char *p;
	size_t size, n;
};

/**
 * report_add() - append printf-style text to @b (cut at its size).
 */
void report_add(struct report_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * report_outcome() - "patched, 15 stub instructions answer ENOSYS; x86_64:
 * nr 334-4095 (default 0x50001, largest known 333); ...", or "dry-run,
 * forwarded untouched; would patch, ...", or "forwarded untouched (why)",
 * then the ABIs left alone, an allow_syscalls weakening and the calls
 * trapped for translation. No newline.
 * @buf, @size: destination (always NUL-terminated when @size > 0); appended
 *              to from its current string length
 * @opts:    the options (the stub's errno, the allow list); may be NULL
 * @rep:     patch_filter()'s report
 * @rc:      patch_filter()'s result
 * @out_len: the patched length, 0 if untouched
 * @dry_run: mode dry-run: the patch was not used
 *
 * Return: the string's length.
 */
size_t report_outcome(char *buf, size_t size, const struct patch_opts *opts,
		      const struct patch_report *rep, int rc, size_t out_len, bool dry_run);

/**
 * report_rseq() - "; rseq_guard: clone3 left to the filter, ..." or
 * "; warning: glibc registered rseq before this filter, ...", when the
 * report says new threads would abort (rep->threads), with the remedies
 * that work for the process (@secure: a setuid program ignores
 * GLIBC_TUNABLES).
 */
void report_rseq(struct report_buf *b, const struct patch_report *rep, bool secure);

/**
 * report_errno() - "ENOSYS" for 38; the number for a value with no name.
 * @err: errno value; @buf, @size: room for the number
 */
const char *report_errno(int err, char *buf, size_t size);

#endif /* ENOSTUB_REPORT_H */
