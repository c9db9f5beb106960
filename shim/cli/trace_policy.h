/* SPDX-License-Identifier: MIT */
/*
 * trace_policy: what the tracer of `enostub run --trace` does with one
 * filter install: the configuration (read once, as the library reads it),
 * the rule for the installing program (its identity from /proc/TID/exe and
 * /proc/TID/comm), patch_filter(), and the log line. The tracer is outside
 * every sandbox it traces, so its log is always safe to write.
 */
#ifndef ENOSTUB_TRACE_POLICY_H
#define ENOSTUB_TRACE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config/conf.h"
#include "core/patch.h"
#include "trace.h"

#define TPOL_LINE_MAX 1024

struct tpol {
	struct conf_file file;          /* the configuration, if a file is used */
	bool have_file;
	char error[CONF_ERR_MAX];       /* non-empty: forward every filter untouched */
	int mode;                       /* --dry-run or $ENOSTUB_MODE, -1 if neither */
	struct conf_settings log;       /* -v or $ENOSTUB_LOG: its target, if log_set */
	bool log_set;
	struct patch_work work;         /* about 700 KiB */
};

/* The outcome for one install. */
struct tpol_result {
	const struct sock_filter *out;  /* the patched program, valid until the next call */
	size_t out_len;                 /* 0: forward the original untouched */
	struct conf_settings set;       /* the program's settings (log target, level) */
	int level;                      /* enum conf_level of the line */
	char line[TPOL_LINE_MAX];       /* the log line, "\n"-terminated */
};

/**
 * tpol_init() - read the configuration the library would read: @o->conf,
 * else $ENOSTUB_CONFIG, else ENOSTUB_SYSCONF, else the built-in settings;
 * --dry-run or $ENOSTUB_MODE override the mode, -v or $ENOSTUB_LOG the log
 * target. A file or variable that cannot be used is not fatal: as in the
 * library, every filter is then forwarded untouched, with a line on stderr.
 * @p: filled in
 * @o: the command's options
 */
void tpol_init(struct tpol *p, const struct trace_opts *o);

/**
 * tpol_decide() - analyse and patch the program of one install.
 * @p:    the configuration
 * @tid:  the installing thread (stopped)
 * @in:   the install
 * @prog, @len: its program, as read from the tracee
 * @r:    the outcome; nothing is logged yet (see tpol_emit())
 */
void tpol_decide(struct tpol *p, pid_t tid, const struct trace_install *in,
		 const struct sock_filter *prog, size_t len, struct tpol_result *r);

/**
 * tpol_untouched() - the outcome for an install whose program cannot be
 * read or patched by the tracer: forwarded untouched, with @why.
 */
void tpol_untouched(struct tpol *p, pid_t tid, const struct trace_install *in,
		    size_t len, const char *why, struct tpol_result *r);

/**
 * tpol_emit() - write @r's line, if @r's settings log at its level.
 */
void tpol_emit(const struct tpol_result *r);

/**
 * tpol_note() - log one line about @tid at @level with the settings of
 * its program (printf-style).
 */
void tpol_note(struct tpol *p, pid_t tid, int level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * tpol_say() - one line on the tracer's stderr, "enostub: " first, when
 * the global log target is not none (the start, the command's end).
 */
void tpol_say(const struct tpol *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* ENOSTUB_TRACE_POLICY_H */
