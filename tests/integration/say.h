/* SPDX-License-Identifier: MIT */
/* say(): a line to stdout with one write(), for the test programs (the
 * helper, the static tracee) whose output the tests read. */
#ifndef ENOSTUB_SAY_H
#define ENOSTUB_SAY_H

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(90);
}

#endif /* ENOSTUB_SAY_H */
