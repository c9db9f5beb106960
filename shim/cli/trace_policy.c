// SPDX-License-Identifier: MIT
/*
 * trace_policy: configuration, patch decision and log of the tracer (see
 * trace_policy.h). The same rules as the library's decide() and log; the
 * line format is the library's (shim/preload/log.c), with the installing
 * thread's comm and id in front.
 */
#define _GNU_SOURCE
#include "trace_policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "core/report.h"
#include "core/systab.h"
#include "cli.h"
#include "trace_mem.h"


/* $ENOSTUB_MODE and $ENOSTUB_LOG (or the options that set them), by the
 * library's rules: a value it refuses makes the configuration unusable. */
static void overrides(struct tpol *p, const struct trace_opts *o)
{
	const char *mode = getenv("ENOSTUB_MODE"), *log = getenv("ENOSTUB_LOG"), *why;

	p->mode = -1;
	if (o->dry_run)
		mode = "dry-run";
	if (mode && *mode &&
	    (p->mode = policy_pick(POLICY_NAMES(policy_mode_names), mode)) < 0)
		snprintf(p->error, sizeof(p->error), "ENOSTUB_MODE: \"%.32s\" is not one "
			 "of patch, dry-run, off", mode);
	if (o->verbose)
		log = "stderr";
	if (!log || !*log || p->error[0])
		return;
	conf_defaults(&p->log);
	if (conf_log_target(log, &p->log, &why) == 0)
		p->log_set = true;
	else
		snprintf(p->error, sizeof(p->error), "ENOSTUB_LOG: \"%.64s\": %s", log, why);
}

void tpol_init(struct tpol *p, const struct trace_opts *o)
{
	const char *path = o->conf ? o->conf : conf_path(false);

	memset(p->error, 0, sizeof(p->error));
	p->have_file = false;
	p->log_set = false;
	if (path && conf_read(path, false, &p->file, p->error, sizeof(p->error)) == 0)
		p->have_file = true;
	if (!p->error[0])
		overrides(p, o);
	if (p->error[0]) {
		/* as the library: say so where it can be seen, patch nothing */
		conf_defaults(&p->log);
		p->log.target = CONF_LOG_STDERR;
		p->log_set = true;
	}
}

/* The settings for the program @tid runs: its rule, then the overrides. */
static void settings_of(const struct tpol *p, pid_t tid, struct conf_settings *s)
{
	struct conf_identity id;
	char path[64];
	unsigned int line;
	ssize_t n;

	conf_defaults(s);
	if (p->have_file) {
		memset(&id, 0, sizeof(id));
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
		n = readlink(path, id.exe, sizeof(id.exe) - 1);
		id.exe[n > 0 ? n : 0] = '\0';
		cli_proc_line(tid, "comm", id.comm, sizeof(id.comm));
		*s = *conf_match(&p->file, &id, &line);
	}
	if (p->mode >= 0)
		s->pol.mode = (uint8_t)p->mode;
	if (p->log_set) {
		s->target = p->log.target;
		memcpy(s->log_path, p->log.log_path, sizeof(s->log_path));
	}
}

/*
 * The policy step for a traced program: the core's policy_opts(), as the
 * library takes it, with the program's own ABI (its executable's): the
 * allow_syscalls names, stored as numbers of this build's ABI, are looked
 * up again in that one, and so is clone3 for rseq_guard. translate needs
 * enostub's SIGSYS handler inside the program: not under --trace.
 */
static void opts_for(const struct policy *pol, const struct arch_abi *own, bool rseq,
		     struct patch_opts *o)
{
	struct policy p = *pol;
	const struct arch_abi *native;
	const struct systab_ent *e, *f;
	size_t n, i;

	native = arch_native(&n)[0];
	p.nallow = 0;
	for (i = 0; i < pol->nallow; i++) {
		e = systab_by_nr(native, native->nr_base + pol->allow[i]);
		f = e ? systab_by_name(own, systab_name(e)) : NULL;
		if (f)
			p.allow[p.nallow++] = f->nr;
	}
	p.translate = false;
	policy_opts(&p, own, rseq, o);
}

/* "enostub: COMM[TID]: " */
static void prefix(struct report_buf *b, pid_t tid)
{
	char comm[CONF_COMM_MAX + 1];

	cli_proc_line(tid, "comm", comm, sizeof(comm));
	report_add(b, "enostub: %s[%d]: ", comm[0] ? comm : "?", (int)tid);
}

/* "seccomp (x86) filter of 880 instructions: "; without @len (unread)
 * "seccomp (x86) filter: " */
static void add_via(struct report_buf *b, const struct trace_install *in, size_t len)
{
	report_add(b, "%s%s%s%s filter", in->call == TRACE_PRCTL ? "prctl" : "seccomp",
	    in->compat ? " (" : "", in->compat ? in->abi->name : "", in->compat ? ")" : "");
	if (len)
		report_add(b, " of %zu instructions", len);
	report_add(b, ": ");
}

/* What the patch did, in the library's words (core/report.h). */
static void add_outcome(struct report_buf *b, const struct patch_opts *opts,
			const struct patch_report *rep, int rc, size_t out_len,
			const struct conf_settings *s)
{
	b->n = report_outcome(b->p, b->size, opts, rep, rc, out_len,
			      s->pol.mode == POLICY_DRY_RUN);
}

/* patch_filter() with the program's policy (rseq_guard included). */
static int patch(struct tpol *p, pid_t tid, const struct trace_install *in,
		 const struct sock_filter *prog, size_t len, const struct conf_settings *s,
		 size_t *out_len, struct report_buf *b)
{
	const struct arch_abi *own = tmem_elf_abi(tid);
	const struct arch_abi *const *abis;
	struct patch_opts opts;
	size_t nabis;
	int rc;

	if (!own)
		own = in->abi;
	abis = arch_native(&nabis);
	opts_for(&s->pol, own, tmem_rseq_registered(tid), &opts);
	rc = patch_filter(prog, len, abis, nabis, &opts, &p->work, out_len);
	add_outcome(b, &opts, &p->work.rep, rc, rc ? 0 : *out_len, s);
	if (rc == 0 && *out_len)
		report_rseq(b, &p->work.rep, false);
	return rc;
}

void tpol_decide(struct tpol *p, pid_t tid, const struct trace_install *in,
		 const struct sock_filter *prog, size_t len, struct tpol_result *r)
{
	struct report_buf b = { r->line, sizeof(r->line), 0 };
	size_t out_len = 0;
	int rc;

	settings_of(p, tid, &r->set);
	r->out = NULL;
	r->out_len = 0;
	r->level = CONF_INFO;
	prefix(&b, tid);
	if (p->error[0]) {
		r->level = CONF_ERROR;
		report_add(&b, "configuration ignored, filters forwarded untouched: %s\n", p->error);
		return;
	}
	add_via(&b, in, len);
	if (r->set.pol.mode == POLICY_OFF) {
		report_add(&b, "forwarded untouched (mode off)\n");
		return;
	}
	rc = patch(p, tid, in, prog, len, &r->set, &out_len, &b);
	report_add(&b, "\n");
	if (rc == 0 && out_len)
		r->level = CONF_NOTICE;
	if (rc || !out_len || r->set.pol.mode == POLICY_DRY_RUN)
		return;
	r->out = p->work.out;
	r->out_len = out_len;
}

void tpol_untouched(struct tpol *p, pid_t tid, const struct trace_install *in,
		    size_t len, const char *why, struct tpol_result *r)
{
	struct report_buf b = { r->line, sizeof(r->line), 0 };

	settings_of(p, tid, &r->set);
	r->out = NULL;
	r->out_len = 0;
	r->level = CONF_INFO;
	prefix(&b, tid);
	add_via(&b, in, len);
	report_add(&b, "forwarded untouched (%s)\n", why);
}

/* Append @line to the log file of @s (never through a symlink). */
static void to_file(const struct conf_settings *s, const char *line)
{
	int fd = open(s->log_path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		      O_CLOEXEC | O_NOCTTY, 0640);

	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0) {
		/* nothing to do: the log is best effort */
	}
	close(fd);
}

static void emit(const struct conf_settings *s, int level, const char *line)
{
	static const int prio[] = { LOG_ERR, LOG_NOTICE, LOG_INFO };

	if (s->target == CONF_LOG_NONE || level > s->level)
		return;
	switch (s->target) {
	case CONF_LOG_STDERR:
		fputs(line, stderr);
		fflush(stderr);
		break;
	case CONF_LOG_FILE:
		to_file(s, line);
		break;
	case CONF_LOG_SYSLOG:
		syslog(LOG_USER | prio[level], "%.*s", (int)strcspn(line, "\n"), line);
		break;
	default:
		break;
	}
}

void tpol_emit(const struct tpol_result *r)
{
	emit(&r->set, r->level, r->line);
}

void tpol_note(struct tpol *p, pid_t tid, int level, const char *fmt, ...)
{
	char line[TPOL_LINE_MAX];
	struct report_buf b = { line, sizeof(line), 0 };
	struct conf_settings s;
	va_list ap;
	int r;

	settings_of(p, tid, &s);
	prefix(&b, tid);
	va_start(ap, fmt);
	r = vsnprintf(line + b.n, sizeof(line) - b.n - 1, fmt, ap);
	va_end(ap);
	if (r > 0)
		b.n += (size_t)r < sizeof(line) - b.n - 1 ? (size_t)r : sizeof(line) - b.n - 2;
	line[b.n++] = '\n';
	line[b.n] = '\0';
	emit(&s, level, line);
}

void tpol_say(const struct tpol *p, const char *fmt, ...)
{
	struct conf_settings s;
	va_list ap;

	conf_defaults(&s);
	if (p->have_file)
		s = p->file.global;
	if (p->log_set)
		s.target = p->log.target;
	if (s.target == CONF_LOG_NONE)
		return;
	fputs("enostub: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
