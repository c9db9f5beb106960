// SPDX-License-Identifier: MIT
/*
 * Trap and translate (translate = true), end to end: the helper installs a
 * 2010-era allow-list that names fstat, stat, select and nanosleep but not
 * the calls glibc 2.33+ makes for them (newfstatat, pselect6,
 * clock_nanosleep), and kills (or traps) everything else. Each case runs
 * without enostub, with translate = false and with translate = true, and
 * compares what the kernel did: the exit status and every line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

static char dir[] = "/tmp/enostub-translate-XXXXXX";
static char conf_on[160], conf_off[160];

enum how { PLAIN, OFF, ON };

static void run_how(struct run *r, enum how how, const char *steps)
{
	char *envp[] = { how == PLAIN ? "X=1" : "LD_PRELOAD=" SHIM_PATH,
			 how == ON ? conf_on : conf_off, NULL };

	run_steps(r, HELPER_PATH, steps, envp);
}

static bool killed_by_sigsys(const struct run *r)
{
	return WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGSYS;
}

/* The same exit status and the same lines (the log aside). */
static void assert_same(const struct run *a, const struct run *b)
{
	char la[OUT_MAX], lb[OUT_MAX], *p, *q;
	size_t na = 0, nb = 0;

	assert_int_equal(a->status, b->status);
	for (p = strtok_r(strcpy(la, a->out), "\n", &q); p; p = strtok_r(NULL, "\n", &q))
		na += strncmp(p, "enostub:", 8) != 0 ? strlen(p) : 0;
	for (p = strtok_r(strcpy(lb, b->out), "\n", &q); p; p = strtok_r(NULL, "\n", &q)) {
		if (strncmp(p, "enostub:", 8) == 0)
			continue;
		nb += strlen(p);
		if (!strstr(a->out, p))
			fail_msg("\"%s\" only in:\n%s\nnot in:\n%s", p, b->out, a->out);
	}
	assert_int_equal(na, nb);
}

static int setup(void **state)
{
	char path[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/on.conf", dir);
	put_file(path, "translate = true;\nlog = { target = \"stderr\"; };\n");
	snprintf(conf_on, sizeof(conf_on), "ENOSTUB_CONFIG=%s", path);
	snprintf(path, sizeof(path), "%s/off.conf", dir);
	put_file(path, "translate = false;\n");
	snprintf(conf_off, sizeof(conf_off), "ENOSTUB_CONFIG=%s", path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

/* The case: glibc's fstat() and select() under a KILL filter that
 * allows fstat and select: killed without enostub, ENOSYS from the stub
 * with translate = false, the right results with translate = true. */
static void test_fstat_select(void **state)
{
	struct run r;

	(void)state;
	run_how(&r, PLAIN, "prctl:builtin:legacy fstat select");
	assert_true(killed_by_sigsys(&r));
	assert_true(has(&r, "load=ok"));
	assert_false(has_text(&r, "fstat="));

	run_how(&r, OFF, "prctl:builtin:legacy fstat select");
	assert_exited_ok(&r);
	assert_true(has(&r, "fstat=ENOSYS"));
	assert_true(has(&r, "select=ENOSYS"));

	run_how(&r, ON, "prctl:builtin:legacy fstat stat select sleep");
	assert_exited_ok(&r);
	assert_true(has(&r, "fstat=ok"));
	assert_true(has(&r, "stat=ok"));	/* a directory, as stat("/") says */
	assert_true(has(&r, "select=ok"));
	assert_true(has(&r, "sleep=ok"));	/* clock_nanosleep -> nanosleep */
	assert_true(has_text(&r, "trapped to translate into older calls the filter "
			     "allows: getdents64, clock_nanosleep, openat, newfstatat, pselect6,"));
}

/* No classic equivalent for these arguments, or one the filter refuses:
 * exactly the original's answer (killed by SIGSYS). */
static void test_original_answer(void **state)
{
	static const char *const cases[] = {
		"prctl:builtin:legacy fstat-cwd-empty",	/* fstatat(AT_FDCWD, "", AT_EMPTY_PATH) */
		"prctl:builtin:legacy open",		/* openat -> open: refused */
		"prctl:builtin:legacy-kill-thread open",
	};
	struct run plain, on;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_how(&plain, PLAIN, cases[i]);
		run_how(&on, ON, cases[i]);
		assert_true(killed_by_sigsys(&plain));
		assert_same(&plain, &on);
	}
}

/* A program with its own SIGSYS handler and its own TRAP filter gets its
 * own signals, with the filter's data, exactly as without enostub, and
 * sigaction() reports its handler; without a handler a TRAP kills, so the
 * calls are translated as for a KILL. */
static void test_own_trap(void **state)
{
	const char *steps = "own-sigsys prctl:builtin:legacy-trap fstat select sleep";
	struct run plain, on;

	(void)state;
	run_how(&plain, PLAIN, steps);
	run_how(&on, ON, steps);
	assert_exited_ok(&plain);
	assert_true(has(&plain, "sigsys=262/0"));
	assert_true(has(&plain, "fstat=EPERM"));
	assert_true(has(&on, "own-sigsys-kept=yes"));
	assert_same(&plain, &on);

	run_how(&plain, PLAIN, "prctl:builtin:legacy-trap fstat select");
	run_how(&on, ON, "prctl:builtin:legacy-trap fstat select");
	assert_true(killed_by_sigsys(&plain));
	assert_exited_ok(&on);
	assert_true(has(&on, "fstat=ok"));
	assert_true(has(&on, "select=ok"));
}

/* KILL_THREAD in a one-thread process: translated as well. */
static void test_kill_thread(void **state)
{
	struct run r;

	(void)state;
	run_how(&r, PLAIN, "prctl:builtin:legacy-kill-thread fstat");
	assert_true(killed_by_sigsys(&r));
	run_how(&r, ON, "prctl:builtin:legacy-kill-thread fstat select");
	assert_exited_ok(&r);
	assert_true(has(&r, "fstat=ok"));
	assert_true(has(&r, "select=ok"));
}

/* Threads and fork() children have the handler and the copy too. */
static void test_threads_and_fork(void **state)
{
	struct run r;

	(void)state;
	run_how(&r, PLAIN, "prctl:builtin:legacy-mt thread-fstat");
	assert_true(killed_by_sigsys(&r));
	run_how(&r, ON, "prctl:builtin:legacy-mt thread-fstat fork-fstat fstat");
	assert_exited_ok(&r);
	assert_true(has(&r, "thread-fstat=ok"));
	assert_true(has(&r, "child-fstat=ok"));
	assert_true(has(&r, "fork-fstat=exited"));
	assert_true(has(&r, "fstat=ok"));
}

/* After exec the filter stays and the handler is gone: a program enostub
 * is not in (static) is not trapped (the trap is only for calls from the
 * C library's code of the image that installed the filter), so it gets
 * the stub's ENOSYS as without translation, not a SIGSYS it cannot
 * handle. */
static void test_exec(void **state)
{
	struct run r;

	(void)state;
	run_how(&r, ON, "prctl:builtin:legacy-exec fstat exec=" STATIC_FSTAT_PATH);
	assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	assert_true(has(&r, "fstat=ok"));
	assert_true(has(&r, "static-fstat=ENOSYS"));
	run_how(&r, PLAIN, "prctl:builtin:legacy-exec exec=" STATIC_FSTAT_PATH);
	assert_true(killed_by_sigsys(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fstat_select),
		cmocka_unit_test(test_original_answer),
		cmocka_unit_test(test_own_trap),
		cmocka_unit_test(test_kill_thread),
		cmocka_unit_test(test_threads_and_fork),
		cmocka_unit_test(test_exec),
	};

	return cmocka_run_group_tests_name("translate", tests, setup, teardown);
}
