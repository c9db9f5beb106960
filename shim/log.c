// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "log.h"
#include "systab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#define LOG_LINE_MAX 1024
#define SYSLOG_PATH "/dev/log"

static struct conf_settings cfg;       /* target, level, log_path, mode, err */

void log_setup(const struct conf_settings *s)
{
	const char *v = secure_getenv("ENOSTUB_LOG");

	cfg = *s;
	if (!v || !v[0])
		return;
	if (strcmp(v, "none") == 0)
		cfg.target = CONF_LOG_NONE;
	else if (strcmp(v, "stderr") == 0)
		cfg.target = CONF_LOG_STDERR;
	else if (strcmp(v, "syslog") == 0)
		cfg.target = CONF_LOG_SYSLOG;
	else if (v[0] == '/' && strlen(v) < sizeof(cfg.log_path)) {
		cfg.target = CONF_LOG_FILE;
		strcpy(cfg.log_path, v);
	}
}

struct buf {
	char *p;
	size_t size, n;
};

static void add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (b->n + 1 >= b->size)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->p + b->n, b->size - b->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		b->n += (size_t)r < b->size - b->n ? (size_t)r : b->size - b->n - 1;
}

static void add_abis(struct buf *b, const struct patch_report *rep, bool stubbed,
		     uint8_t want)
{
	char kv[8];
	size_t i, j;

	for (i = 0; i < rep->nabis; i++) {
		const struct analyze_abi *a = &rep->abi[i];

		if (stubbed != (a->verdict == ANALYZE_STUB))
			continue;
		add(b, "; %s: ", a->abi->name);
		if (!stubbed) {
			add(b, "%s", a->why);
			continue;
		}
		for (j = 0; j < a->nranges; j++)
			add(b, a->abi->nr_base >= 0x10000 ? "%s%#x-%#x" : "%s%u-%u",
			    j ? "," : "nr ", a->ranges[j].lo, a->ranges[j].hi);
		add(b, a->abi->nr_base >= 0x10000 ?
		    " (default %#x, largest known %#x" : " (default %#x, largest known %u",
		    a->deflt, a->max_known);
		if (a->strategy == ANALYZE_KERNEL_VERSION)
			add(b, ", baseline %s, %u newer syscalls below it",
			    systab_kver_str(a->baseline, kv), a->nadded);
		add(b, ")");
	}
	if (stubbed && rep->strategy != want)
		add(b, "; kernel-version would not fit in 4096 instructions, "
		    "max-known used");
}

size_t log_format(char *out, size_t size, const struct log_event *ev,
		  const struct conf_settings *s)
{
	struct buf b = { out, size, 0 };
	const struct patch_report *rep = ev->rep;
	char num[16];
	const char *err = conf_errno_name(s->err, num, sizeof(num));
	uint8_t want;

	if (size == 0)
		return 0;
	out[0] = '\0';
	add(&b, "enostub: %s[%d]: %s filter of %zu instructions: ",
	    program_invocation_short_name, (int)getpid(), ev->via, ev->len);
	if (!rep) {
		add(&b, "forwarded untouched (%s)\n", ev->note);
		return b.n;
	}
	if (ev->out_len && s->mode == CONF_DRY_RUN)
		add(&b, "dry-run, forwarded untouched; would patch, %zu stub "
		    "instructions would answer %s", rep->stub_len, err);
	else if (ev->out_len)
		add(&b, "patched, %zu stub instructions answer %s", rep->stub_len, err);
	else {
		add(&b, "forwarded untouched (%s", rep->why);
		if (ev->rc < 0 && ev->rc != -EINVAL && ev->rc != -E2BIG)
			add(&b, ", error %d", -ev->rc);
		add(&b, ")");
	}
	want = s->strategy == CONF_KERNEL_VERSION ? ANALYZE_KERNEL_VERSION
						  : ANALYZE_MAX_KNOWN;
	if (ev->out_len)
		add_abis(&b, rep, true, want);
	add_abis(&b, rep, false, want);
	if (rep->nallowed && ev->out_len) {
		size_t i;

		add(&b, "; weakened as configured (allow_syscalls):");
		for (i = 0; i < s->nallow; i++)
			add(&b, " %s", conf_allow_name(s, i));
		add(&b, " allowed whatever the filter says");
	}
	if (ev->guarded)
		add(&b, "; rseq_guard: clone3 left to the filter, because glibc "
		    "registered rseq before this filter, which refuses it, and a "
		    "thread started through clone would abort");
	else if (ev->threads)
		add(&b, "; warning: glibc registered rseq before this filter, which "
		    "refuses it: if this process starts a thread before it execs, "
		    "the thread aborts (remedies: GLIBC_TUNABLES=glibc.pthread.rseq=0 "
		    "or enostub run --no-rseq, allow_syscalls = [\"rseq\"], or "
		    "rseq_guard = true)");
	add(&b, "\n");
	return b.n;
}

static void to_file(const char *line, size_t n)
{
	int fd = open(cfg.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		      O_NOCTTY | O_NONBLOCK, 0640);

	if (fd < 0)
		return;
	if (write(fd, line, n) < 0) {
		/* logging must never affect the program */
	}
	close(fd);
}

static void to_syslog(int level, const char *line, size_t n)
{
	static const int prio[] = { LOG_ERR, LOG_NOTICE, LOG_INFO };
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = SYSLOG_PATH };
	char msg[LOG_LINE_MAX + 8];
	int fd, len;

	len = snprintf(msg, sizeof(msg), "<%d>%.*s", LOG_USER | prio[level],
		       (int)(n && line[n - 1] == '\n' ? n - 1 : n), line);
	if (len <= 0)
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, (size_t)len < sizeof(msg) ? (size_t)len : sizeof(msg) - 1,
		   MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		/* no syslog daemon: nothing to do */
	}
	close(fd);
}

static void emit(int level, const char *line, size_t n)
{
	switch (cfg.target) {
	case CONF_LOG_STDERR:
		if (write(STDERR_FILENO, line, n) < 0) {
			/* logging must never affect the program */
		}
		break;
	case CONF_LOG_FILE:
		to_file(line, n);
		break;
	case CONF_LOG_SYSLOG:
		to_syslog(level, line, n);
		break;
	default:
		break;
	}
}

static bool enabled(int level)
{
	return cfg.target != CONF_LOG_NONE && level <= cfg.level;
}

void log_filter(const struct log_event *ev)
{
	char line[LOG_LINE_MAX];
	int saved = errno, level = ev->out_len ? CONF_NOTICE : CONF_INFO;

	if (!enabled(level))
		return;
	emit(level, line, log_format(line, sizeof(line), ev, &cfg));
	errno = saved;
}

void log_error(const char *msg)
{
	char line[LOG_LINE_MAX];
	int saved = errno, n;

	if (!enabled(CONF_ERROR))
		return;
	n = snprintf(line, sizeof(line), "enostub: %s[%d]: %s\n",
		     program_invocation_short_name, (int)getpid(), msg);
	if (n > 0)
		emit(CONF_ERROR, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	errno = saved;
}
