// SPDX-License-Identifier: MIT
/*
 * Kernel integration tests: the helper program installs real filters in a
 * forked child, with and without LD_PRELOAD=libenostub.so, makes real system
 * calls and prints what the kernel answered. Every assertion compares the
 * two runs, so a test fails if the shim does nothing, does too much, or
 * breaks a call it should pass through.
 *
 * Most runs set GLIBC_TUNABLES=glibc.pthread.rseq=0: a filter installed
 * after startup meets rseq already registered, and glibc 2.36 aborts a new
 * thread whose rseq registration is refused; test_rseq_hazard covers what
 * enostub does then. bwrap installs its filter before exec, so the bwrap
 * test runs without the tunable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_INSNS 4096
#define DOCKER_2019 CORPUS_DIR "/docker-default-v19.03.0.bpf"

/* WITH logs to stderr (the log line costs getpid and write); QUIET is the
 * shim as deployed by default: no system call of its own. */
enum preload { WITHOUT, WITH, QUIET };

struct filter {
	struct sock_filter insn[MAX_INSNS];
	long len;
};

static char *const env_plain[] = {
	"PATH=/usr/bin:/bin", "GLIBC_TUNABLES=glibc.pthread.rseq=0", NULL,
};
static char *const env_shim[] = {
	"PATH=/usr/bin:/bin", "GLIBC_TUNABLES=glibc.pthread.rseq=0",
	"LD_PRELOAD=" SHIM_PATH, "ENOSTUB_LOG=stderr", NULL,
};
static char *const env_quiet[] = {
	"PATH=/usr/bin:/bin", "GLIBC_TUNABLES=glibc.pthread.rseq=0",
	"LD_PRELOAD=" SHIM_PATH, NULL,
};
static char *const env_bwrap_plain[] = { "PATH=/usr/bin:/bin", NULL };
static char *const env_bwrap_shim[] = {
	"PATH=/usr/bin:/bin", "LD_PRELOAD=" SHIM_PATH, "ENOSTUB_LOG=stderr", NULL,
};

/* Run the helper with up to 10 steps. */
static void helper(enum preload p, struct run *r, const char *steps)
{
	run_steps(r, HELPER_PATH, steps,
		  p == WITH ? env_shim : p == QUIET ? env_quiet : env_plain);
}

/* ---- every load path, a 2019-era deny-by-default filter ---------------- */

static const char *const old_loads[] = {
	"prctl:builtin:old",
	"sysprctl:builtin:old",
	"seccomp:builtin:old",
	"seccomp+tsync:builtin:old",
	"seccomp+log:builtin:old",
	"seccomp+spec:builtin:old",
	"seccomp+tsync,log,spec:builtin:old",
	"seccomp+tsync,16:builtin:old",		/* TSYNC_ESRCH */
	"libseccomp:old",
	"prctl:" DOCKER_2019,
	"sysprctl:" DOCKER_2019,
	"seccomp+tsync:" DOCKER_2019,
};

#define PROBES "clone3 faccessat2 close_range pthread faccessat closefrom"

static void test_paths(void **state)
{
	struct run r;
	char steps[512];
	size_t i;

	(void)state;
	for (i = 0; i < N(old_loads); i++) {
		snprintf(steps, sizeof(steps), "%s " PROBES, old_loads[i]);

		helper(WITHOUT, &r, steps);
		assert_exited_ok(&r);
		assert_true(has(&r, "load=ok"));
		assert_true(has(&r, "clone3=EPERM"));
		assert_true(has(&r, "faccessat2=EPERM"));
		assert_true(has(&r, "close_range=EPERM"));
		assert_true(has(&r, "pthread=EPERM"));
		assert_true(has(&r, "faccessat=EPERM"));
		assert_null(strstr(r.out, "enostub:"));

		helper(WITH, &r, steps);
		assert_exited_ok(&r);
		assert_true(has(&r, "load=ok"));
		assert_true(has(&r, "clone3=ENOSYS"));
		assert_true(has(&r, "faccessat2=ENOSYS"));
		assert_true(has(&r, "close_range=ENOSYS"));
		assert_true(has(&r, "pthread=ok"));
		assert_true(has(&r, "faccessat=ok"));
		assert_true(has(&r, "closefrom=ok"));
		/* one log line: patched once, whatever the path */
		assert_non_null(strstr(r.out, "instructions: patched"));
		assert_null(strstr(strstr(r.out, "instructions: patched") + 1, "enostub:"));
		printf("  %-40s EPERM without, ENOSYS with the shim\n", old_loads[i]);
	}
}

/* A listener fd comes back and works; the filter is still patched. */
static void test_listener(void **state)
{
	static const char *const loads[] = {
		"seccomp+listener:builtin:old close_range",
		"seccomp+listener,32:builtin:old close_range",	/* WAIT_KILLABLE_RECV */
		"seccomp+listener,tsync,16:builtin:old close_range",
	};
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < N(loads); i++) {
		helper(WITHOUT, &r, loads[i]);
		assert_exited_ok(&r);
		assert_true(has(&r, "load=ok"));
		assert_true(has(&r, "listener=ENOENT"));
		assert_true(has(&r, "close_range=EPERM"));

		helper(WITH, &r, loads[i]);
		assert_exited_ok(&r);
		assert_true(has(&r, "load=ok"));
		assert_true(has(&r, "listener=ENOENT"));
		assert_true(has(&r, "close_range=ENOSYS"));
	}
}

/* Calls the kernel refuses are refused the same way through the shim, and
 * the process goes on: flags it rejects, malformed programs, NULL. */
static void test_refused_alike(void **state)
{
	static const struct { const char *steps, *want[2]; } cases[] = {
		{ "seccomp+0x80000000:builtin:old close_range", { "load=EINVAL", "close_range=ok" } },
		{ "seccomp+tsync,listener:builtin:old close_range", { "load=EINVAL", "close_range=ok" } },
		{ "prctl:builtin:bad-jump close_range", { "load=EINVAL", "close_range=ok" } },
		{ "seccomp:builtin:bad-jump close_range", { "load=EINVAL", "close_range=ok" } },
		{ "sysprctl:builtin:empty close_range", { "load=EINVAL", "close_range=ok" } },
		{ "seccomp:builtin:empty close_range", { "load=EINVAL", "close_range=ok" } },
		{ "null-prctl null-seccomp", { "null-prctl=EFAULT", "null-seccomp=EFAULT" } },
	};
	struct run r;
	size_t i, j;
	int p;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		for (p = WITHOUT; p <= WITH; p++) {
			helper(p, &r, cases[i].steps);
			assert_exited_ok(&r);
			for (j = 0; j < 2; j++)
				assert_true(has(&r, cases[i].want[j]));
		}
	}
}

/* A second filter installed under a first KILL-by-default filter that
 * allows only what the program needs: the shim must make no call of its own
 * (the first filter is patched too, and its stub still kills nothing). */
static void test_stacked_under_kill(void **state)
{
	static const char *const steps[] = {
		"seccomp:builtin:kill-min seccomp:builtin:old close_range",
		"prctl:builtin:kill-min prctl:" DOCKER_2019 " close_range",
		"prctl:builtin:kill-min sysprctl:builtin:old seccomp+listener:builtin:old close_range",
	};
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < N(steps); i++) {
		helper(WITHOUT, &r, steps[i]);
		assert_exited_ok(&r);
		assert_true(has(&r, "close_range=EPERM"));

		helper(QUIET, &r, steps[i]);
		assert_exited_ok(&r);
		assert_true(has(&r, "close_range=ENOSYS"));
	}
}

/* Filters that need no stub answer the same with and without the shim. */
static void test_untouched(void **state)
{
	static const struct { const char *load, *want; } cases[] = {
		{ "prctl:builtin:allow", "close_range=ok" },
		{ "libseccomp:allow", "close_range=ok" },
		{ "seccomp:builtin:enosys", "close_range=ENOSYS" },
		{ "libseccomp:enosys", "close_range=ENOSYS" },
		{ "prctl:" CORPUS_DIR "/flatpak-default.bpf", "close_range=ok" },
		{ "prctl:" CORPUS_DIR "/containers-common-seccomp.bpf", "close_range=ok" },
	};
	struct run r;
	char steps[512];
	size_t i;
	int p;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		snprintf(steps, sizeof(steps), "%s close_range clone3 pthread", cases[i].load);
		for (p = WITHOUT; p <= WITH; p++) {
			helper(p, &r, steps);
			assert_exited_ok(&r);
			assert_true(has(&r, "load=ok"));
			assert_true(has(&r, cases[i].want));
			assert_true(has(&r, "pthread=ok"));
		}
	}
}

/* ---- what the kernel really holds: PTRACE_SECCOMP_GET_FILTER ----------- */

/* Run the helper up to its "hold" step, read the filters it installed
 * (index 0 is the newest), let it finish. Needs CAP_SYS_ADMIN. */
static int installed(enum preload p, const char *load, struct filter *f, size_t nf)
{
	char *argv[] = { HELPER_PATH, (char *)load, "hold", NULL };
	struct run r;
	int out, in, st, count = 0;
	pid_t pid = spawn(argv, p == WITH ? env_shim : env_plain, &out, &in);
	size_t i;

	strcpy(r.out, "\n");
	collect(out, &r, "ready\n");
	assert_true(has(&r, "ready"));
	assert_int_equal(ptrace(PTRACE_SEIZE, pid, 0, 0), 0);
	assert_int_equal(ptrace(PTRACE_INTERRUPT, pid, 0, 0), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSTOPPED(st));
	for (i = 0; i < nf; i++) {
		f[i].len = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, i, f[i].insn);
		if (f[i].len < 0 && errno == EPERM)
			fail_msg("PTRACE_SECCOMP_GET_FILTER needs CAP_SYS_ADMIN: run make check as root");
		if (f[i].len < 0) {
			assert_int_equal(errno, ENOENT);
			break;
		}
		count++;
	}
	assert_int_equal(ptrace(PTRACE_DETACH, pid, 0, 0), 0);
	release_held(pid, in, out, &r);
	return count;
}

static long read_corpus(const char *path, struct filter *f)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, f->insn, sizeof(f->insn));
	close(fd);
	assert_true(n > 0 && n % 8 == 0);
	f->len = n / 8;
	return f->len;
}

/* The patched program is the stub followed by the original, byte for byte;
 * the stub starts by loading the arch. */
static void assert_stub_then(const struct filter *patched, const struct filter *orig)
{
	long stub = patched->len - orig->len;

	assert_true(stub > 0 && stub < 64);
	assert_memory_equal(patched->insn + stub, orig->insn, orig->len * sizeof(orig->insn[0]));
	assert_int_equal(patched->insn[0].code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(patched->insn[0].k, offsetof(struct seccomp_data, arch));
}

static void test_installed_program(void **state)
{
	static struct filter orig, got[4], with_prctl[2], with_lib[2], file;

	(void)state;
	/* A corpus file: untouched without the shim, stub + file with it. */
	read_corpus(DOCKER_2019, &file);
	assert_int_equal(installed(WITHOUT, "prctl:" DOCKER_2019, got, 4), 1);
	assert_int_equal(got[0].len, file.len);
	assert_memory_equal(got[0].insn, file.insn, file.len * sizeof(file.insn[0]));
	assert_int_equal(installed(WITH, "seccomp+tsync:" DOCKER_2019, got, 4), 1);
	assert_stub_then(&got[0], &file);
	printf("  docker v19.03: %ld instructions, installed %ld\n", file.len, got[0].len);

	/* libseccomp's seccomp_load: patched exactly once, same as prctl. */
	assert_int_equal(installed(WITHOUT, "libseccomp:old", &orig, 1), 1);
	assert_int_equal(installed(WITH, "prctl:builtin:old", with_prctl, 2), 1);
	assert_int_equal(installed(WITH, "libseccomp:old", with_lib, 2), 1);
	assert_stub_then(&with_prctl[0], &orig);
	assert_int_equal(with_lib[0].len, with_prctl[0].len);
	assert_memory_equal(with_lib[0].insn, with_prctl[0].insn,
			    with_prctl[0].len * sizeof(orig.insn[0]));

	/* Filters that need no stub reach the kernel as they were. */
	assert_int_equal(installed(WITHOUT, "libseccomp:enosys", &orig, 1), 1);
	assert_int_equal(installed(WITH, "libseccomp:enosys", got, 4), 1);
	assert_int_equal(got[0].len, orig.len);
	assert_memory_equal(got[0].insn, orig.insn, orig.len * sizeof(orig.insn[0]));
	read_corpus(CORPUS_DIR "/flatpak-default.bpf", &file);
	assert_int_equal(installed(WITH, "prctl:" CORPUS_DIR "/flatpak-default.bpf", got, 4), 1);
	assert_int_equal(got[0].len, file.len);
	assert_memory_equal(got[0].insn, file.insn, file.len * sizeof(file.insn[0]));
}

/* ---- a real program: bubblewrap loads Docker's 2019 profile ------------ */

static void bwrap(enum preload p, struct run *r)
{
	char *argv[] = { "bwrap", "--bind", "/", "/", "--seccomp", "9",
			 HELPER_PATH, "pthread", "faccessat", "clone3", NULL };
	int fd = open(DOCKER_2019, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(dup2(fd, 9) == 9);	/* not close-on-exec: bwrap reads it */
	close(fd);
	run_argv(argv, p == WITH ? env_bwrap_shim : env_bwrap_plain, r);
	close(9);
	assert_exited_ok(r);
}

static void test_bwrap(void **state)
{
	struct run r;

	(void)state;
	bwrap(WITHOUT, &r);
	assert_true(has(&r, "pthread=EPERM"));
	assert_true(has(&r, "faccessat=EPERM"));
	assert_true(has(&r, "clone3=EPERM"));

	bwrap(WITH, &r);
	assert_true(has(&r, "pthread=ok"));
	assert_true(has(&r, "faccessat=ok"));
	assert_true(has(&r, "clone3=ENOSYS"));
	/* the filter bwrap installed is the one that was patched */
	assert_non_null(strstr(r.out, "enostub: bwrap["));
	assert_non_null(strstr(r.out, "prctl filter of 880 instructions: patched"));
}

/* ---- threads and rseq, without the tunable ---------------------------- */

static void helper_rseq(enum preload p, struct run *r, const char *filter, const char *conf)
{
	char load[256], confenv[256];
	char *argv[] = { HELPER_PATH, load, "close_range", "faccessat", "pthread", NULL };
	char *env_guard[] = { "PATH=/usr/bin:/bin", "LD_PRELOAD=" SHIM_PATH,
			      "ENOSTUB_LOG=stderr", confenv, NULL };

	snprintf(load, sizeof(load), "prctl:%s", filter);
	snprintf(confenv, sizeof(confenv), "ENOSTUB_CONFIG=%s", conf ? conf : "");
	run_argv(argv, conf ? env_guard : p == WITH ? env_bwrap_shim : env_bwrap_plain, r);
}

static void assert_aborted(const struct run *r)
{
	assert_true(WIFSIGNALED(r->status));
	assert_int_equal(WTERMSIG(r->status), SIGABRT);
	assert_true(has(r, "Fatal glibc error: rseq registration failed"));
}

/* A filter installed after startup, then a thread: glibc registered rseq
 * at startup, the filter refuses rseq (334, unknown to the 2019 profile). */
static void test_rseq_hazard(void **state)
{
	char conf[] = "/tmp/enostub-rseq-XXXXXX";
	struct run r;
	int fd;

	(void)state;
	/* runc's stub answers ENOSYS for clone3: glibc falls back to clone and
	 * the new thread aborts */
	helper_rseq(WITHOUT, &r, CORPUS_DIR "/runc-1.1.5-patched-docker-default-v19.03.0.bpf", NULL);
	assert_aborted(&r);

	/* without a stub, pthread_create fails cleanly */
	helper_rseq(WITHOUT, &r, DOCKER_2019, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "pthread=EPERM"));

	/* enostub by default serves the common case (filters installed just
	 * before exec) like runc, and says what will happen here */
	helper_rseq(WITH, &r, DOCKER_2019, NULL);
	assert_aborted(&r);
	assert_true(has(&r, "close_range=ENOSYS"));
	assert_true(has(&r, "faccessat=ok"));
	assert_non_null(strstr(r.out, "warning: glibc registered rseq before this filter"));

	/* rseq_guard: clone3 is left to the filter, nothing aborts */
	fd = mkstemp(conf);
	assert_true(fd >= 0);
	assert_true(write(fd, "rseq_guard = true;\n", 19) == 19);
	close(fd);
	helper_rseq(WITH, &r, DOCKER_2019, conf);
	unlink(conf);
	assert_exited_ok(&r);
	assert_true(has(&r, "close_range=ENOSYS"));
	assert_true(has(&r, "faccessat=ok"));
	assert_true(has(&r, "pthread=EPERM"));
	assert_non_null(strstr(r.out, "x86_64: nr 334-434,436-4095"));
	assert_non_null(strstr(r.out, "rseq_guard: clone3 left to the filter"));

	/* with rseq off in glibc no guard is needed: test_paths (tunable set)
	 * checks pthread=ok; before exec (test_bwrap) nothing is needed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_listener),
		cmocka_unit_test(test_refused_alike),
		cmocka_unit_test(test_stacked_under_kill),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_installed_program),
		cmocka_unit_test(test_bwrap),
		cmocka_unit_test(test_rseq_hazard),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
