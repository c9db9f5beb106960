// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "report.h"
#include "systab.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void report_add(struct report_buf *b, const char *fmt, ...)
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


/* ", fallback-safe: clone3 close_range" */
static void add_fallback(struct report_buf *b, const struct patch_report *rep,
			 const struct analyze_abi *a)
{
	const struct systab_ent *t;
	size_t i, n, k = 0;

	if (!a->nfallback)
		return;
	t = systab_abi(a->abi, &n);
	for (i = 0; i < n; i++) {
		if (analyze_by_fallback(a, rep->fallback, rep->nfallback, &t[i]))
			report_add(b, "%s%s", k++ ? " " : ", fallback-safe: ", systab_name(&t[i]));
	}
}

static void add_abis(struct report_buf *b, const struct patch_report *rep, bool stubbed)
{
	char kv[8];
	size_t i, j;

	for (i = 0; i < rep->nabis; i++) {
		const struct analyze_abi *a = &rep->abi[i];

		if (stubbed != (a->verdict == ANALYZE_STUB))
			continue;
		report_add(b, "; %s: ", a->abi->name);
		if (!stubbed) {
			report_add(b, "%s", a->why);
			continue;
		}
		for (j = 0; j < a->nranges; j++)
			report_add(b, a->abi->nr_base >= 0x10000 ? "%s%#x-%#x" : "%s%u-%u",
			    j ? "," : "nr ", a->ranges[j].lo, a->ranges[j].hi);
		report_add(b, a->abi->nr_base >= 0x10000 ?
		    " (default %#x, largest known %#x" : " (default %#x, largest known %u",
		    a->deflt, a->max_known);
		if (a->strategy == ANALYZE_KERNEL_VERSION)
			report_add(b, ", baseline %s, %u newer syscalls below it",
			    systab_kver_str(a->baseline, kv), a->nadded);
		add_fallback(b, rep, a);
		report_add(b, ")");
	}
	if (stubbed && rep->narrowed)
		report_add(b, "; %s", rep->why);
}

/* "; weakened as configured (allow_syscalls): rseq allowed ..." */
static void add_allowed(struct report_buf *b, const struct patch_opts *o)
{
	const struct arch_abi *all, *abi = NULL;
	const struct systab_ent *e;
	size_t n, i;

	for (all = arch_all(&n), i = 0; i < n && !abi; i++)
		abi = all[i].audit == o->allow_audit ? &all[i] : NULL;
	report_add(b, "; weakened as configured (allow_syscalls):");
	for (i = 0; i < o->nallow; i++) {
		e = abi ? systab_by_nr(abi, o->allow[i]) : NULL;
		report_add(b, " %s", e ? systab_name(e) : "?");
	}
	report_add(b, " allowed whatever the filter says");
}

/* "; trapped to translate: newfstatat, pselect6 (killed by the filter)" */
static void add_translated(struct report_buf *b, const struct patch_report *rep,
			   const struct patch_opts *o)
{
	const struct systab_ent *e;
	size_t i;

	report_add(b, "; trapped to translate into older calls the filter allows:");
	for (i = 0; i < rep->ntranslated; i++) {
		e = o && o->translate_abi ? systab_by_nr(o->translate_abi, rep->translated[i])
					  : NULL;
		report_add(b, "%s %s", i ? "," : "", e ? systab_name(e) : "?");
	}
}

const char *report_errno(int err, char *buf, size_t size)
{
	const char *n = strerrorname_np(err);

	if (n)
		return n;
	snprintf(buf, size, "%d", err);
	return buf;
}

size_t report_outcome(char *buf, size_t size, const struct patch_opts *opts,
		      const struct patch_report *rep, int rc, size_t out_len, bool dry_run)
{
	size_t n = size ? strnlen(buf, size - 1) : 0;
	struct report_buf b = { buf, size, n };
	char num[16];
	const char *err = opts ? report_errno((int)(opts->an.stub_ret & SECCOMP_RET_DATA),
					      num, sizeof(num)) : "";

	if (size == 0)
		return 0;
	buf[n] = '\0';
	if (out_len && dry_run)
		report_add(&b, "dry-run, forwarded untouched; would patch, %zu stub "
		    "instructions would answer %s", rep->stub_len, err);
	else if (out_len)
		report_add(&b, "patched, %zu stub instructions answer %s", rep->stub_len, err);
	else {
		report_add(&b, "forwarded untouched (%s", rep->why);
		if (rc < 0 && rc != -EINVAL && rc != -E2BIG)
			report_add(&b, ", error %d", -rc);
		report_add(&b, ")");
	}
	if (out_len)
		add_abis(&b, rep, true);
	add_abis(&b, rep, false);
	if (rep->nallowed && out_len && opts)
		add_allowed(&b, opts);
	if (rep->ntranslated && out_len)
		add_translated(&b, rep, opts);
	return b.n;
}

void report_rseq(struct report_buf *b, const struct patch_report *rep, bool secure)
{
	if (rep->guarded)
		report_add(b, "; rseq_guard: clone3 left to the filter, because glibc "
			   "registered rseq before this filter, which refuses it, and a "
			   "thread started through clone would abort");
	else if (rep->threads)
		report_add(b, "; warning: glibc registered rseq before this filter, which "
			   "refuses it: if this process starts a thread before it execs, "
			   "the thread aborts (remedies: %s)", secure ?
			   "a setuid program ignores GLIBC_TUNABLES, so in a rule for its "
			   "exe, allow_syscalls = [\"rseq\"] or rseq_guard = true" :
			   "GLIBC_TUNABLES=glibc.pthread.rseq=0 or enostub run --no-rseq, "
			   "allow_syscalls = [\"rseq\"], or rseq_guard = true");
}
