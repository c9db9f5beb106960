// SPDX-License-Identifier: MIT
/*
 * Real Debian programs that install seccomp filters, each run without and
 * with LD_PRELOAD=libenostub.so on the real kernel. Every test compares the
 * two runs: the old filter must break the program without the shim (EPERM,
 * as the kernel answers) and the program must work with it, or, for a
 * filter that needs no stub, both runs must be the same and the shim's log
 * must say it left the filter alone.
 *
 * A test whose program is not installed, or that this machine cannot run,
 * is skipped with the reason printed; `make deps` installs the packages
 * (CLIENT_PKGS in tests/clients/clients.mk).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../integration/runner.h"

#define DOCKER_2019 CORPUS_DIR "/docker-default-v19.03.0.bpf"

/* No GLIBC_TUNABLES: these are the programs as they run. */
static char *const env_plain[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
static char *const env_shim[] = {
	"PATH=/usr/bin:/bin", "LANG=C", "LD_PRELOAD=" SHIM_PATH,
	"ENOSTUB_LOG=stderr", NULL,
};

/* How many times @needle occurs in @hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* ---- a threaded program installs Docker's 2019 profile with TSYNC ----- */

#define TSYNC_THREADS 4

static void test_tsync(void **state)
{
	char nthreads[8], want[120];	/* has() takes lines under 126 */
	char *argv[] = { TSYNC_PATH, DOCKER_2019, nthreads, NULL };
	struct run r;
	int i;

	(void)state;
	snprintf(nthreads, sizeof(nthreads), "%d", TSYNC_THREADS);

	/* Every thread ran before the install, every one is filtered after it,
	 * and every one gets EPERM: glibc's faccessat does not fall back. */
	run_argv(argv, env_plain, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	for (i = 0; i <= TSYNC_THREADS; i++) {
		snprintf(want, sizeof(want), "thread%d: before=0 seccomp=2 filters=1 "
			 "faccessat2=EPERM close_range=EPERM faccessat=EPERM", i);
		assert_true(has(&r, want));
	}
	assert_int_equal(count(r.out, "enostub:"), 0);

	/* With the shim the one filter TSYNC gave every thread is the patched
	 * one: ENOSYS everywhere, and glibc's fallback works in every thread. */
	run_argv(argv, env_shim, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	for (i = 0; i <= TSYNC_THREADS; i++) {
		snprintf(want, sizeof(want), "thread%d: before=0 seccomp=2 filters=1 "
			 "faccessat2=ENOSYS close_range=ENOSYS faccessat=ok", i);
		assert_true(has(&r, want));
	}
	assert_int_equal(count(r.out, "enostub:"), 1);
	assert_true(has_text(&r, "enostub: tsync["));
	assert_true(has_text(&r, "seccomp filter of 880 instructions: patched"));
	printf("  %d threads + main, TSYNC: EPERM without, ENOSYS with the shim\n",
	       TSYNC_THREADS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsync),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("clients", tests, NULL, NULL);
}
