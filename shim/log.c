// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool to_stderr, initialised;

void log_init(void)
{
	const char *v;

	if (initialised)
		return;
	v = secure_getenv("ENOSTUB_LOG");
	to_stderr = v && strcmp(v, "stderr") == 0;
	initialised = true;
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

static void add_abis(struct buf *b, const struct patch_report *rep, bool stubbed)
{
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
		    " (default %#x, largest known %#x)" : " (default %#x, largest known %u)",
		    a->deflt, a->max_known);
	}
}

size_t log_format(char *out, size_t size, const char *via,
		  const struct patch_report *rep, int rc, size_t out_len)
{
	struct buf b = { out, size, 0 };

	if (size == 0)
		return 0;
	out[0] = '\0';
	add(&b, "enostub: %s[%d]: %s filter of %zu instructions: ",
	    program_invocation_short_name, (int)getpid(), via, rep->orig_len);
	if (out_len) {
		add(&b, "patched, %zu stub instructions answer ENOSYS",
		    rep->stub_len);
		add_abis(&b, rep, true);
	} else {
		add(&b, "forwarded untouched (%s", rep->why);
		if (rc < 0 && rc != -EINVAL && rc != -E2BIG)
			add(&b, ", error %d", -rc);
		add(&b, ")");
	}
	add_abis(&b, rep, false);
	add(&b, "\n");
	return b.n;
}

void log_filter(const char *via, const struct patch_report *rep, int rc,
		size_t out_len)
{
	char line[1024];
	int saved = errno;
	size_t n;

	if (!to_stderr)
		return;
	n = log_format(line, sizeof(line), via, rep, rc, out_len);
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nothing to do: logging must never affect the program */
	}
	errno = saved;
}
