// SPDX-License-Identifier: MIT
/*
 * The library as deployed (shim/libenostub.so, not instrumented) preloaded
 * into the helper running under valgrind's memcheck: every hook, the copy,
 * the analysis and patch, the configuration file (dlopen of libconfig,
 * parse, unload) and the log targets run on valgrind's synthetic CPU.
 * Any memcheck error, and any leak definitely or indirectly lost, makes
 * valgrind exit 99; every run must exit 0. Each case also runs under
 * valgrind without the shim, so the answers show that the filter really
 * reached the kernel and what the shim changed.
 *
 * valgrind 3.19 (Debian 12) knows prctl(PR_SET_SECCOMP) but has no wrapper
 * for seccomp(2): it answers ENOSYS itself, after the shim has copied,
 * analysed and patched the program (libseccomp then falls back to prctl).
 * It also answers clone3 with ENOSYS and starts threads with clone, so the
 * clone3 and pthread probes say nothing here; test_kernel covers them.
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DOCKER_2019 CORPUS_DIR "/docker-default-v19.03.0.bpf"
#define MAX_WANT 4

/* "valgrind ... HELPER" and up to 10 steps */
#define VALGRIND_ARGS "valgrind", "-q", "--error-exitcode=99", \
	"--leak-check=full", "--errors-for-leak-kinds=definite,indirect", \
	"--show-leak-kinds=definite,indirect", HELPER_PATH

static char dir[] = "/tmp/enostub-valgrind-test-XXXXXX";
static char conf_path[128], conf_env[160], log_path[128];

/* Run the helper under valgrind with @steps; @preload adds the shim, @conf
 * sets ENOSTUB_CONFIG (else the log goes to stderr). */
static void vg_run(struct run *r, bool preload, const char *steps, bool conf)
{
	char buf[512], *save = NULL, *tok;
	char *argv[24] = { VALGRIND_ARGS }, *envp[5];
	int argc = 0, envc = 0;

	envp[envc++] = "PATH=/usr/bin:/bin";
	envp[envc++] = "GLIBC_TUNABLES=glibc.pthread.rseq=0";
	envp[envc++] = conf ? conf_env : "ENOSTUB_LOG=stderr";
	if (preload)
		envp[envc++] = "LD_PRELOAD=" SHIM_PATH;
	envp[envc] = NULL;
	while (argv[argc])
		argc++;
	snprintf(buf, sizeof(buf), "%s", steps);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 23; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	run_argv(argv, envp, r);
	assert_exited_ok(r);	/* no memcheck error, no leak */
}

static void assert_lines(const struct run *r, const char *const *want)
{
	size_t i;

	for (i = 0; i < MAX_WANT && want[i]; i++)
		assert_true(has(r, want[i]));
}

#define PROBES "close_range faccessat2 faccessat"
#define OLD_PLAIN { "load=ok", "close_range=EPERM", "faccessat2=EPERM", "faccessat=EPERM" }
#define OLD_SHIM  { "load=ok", "close_range=ENOSYS", "faccessat2=ENOSYS", "faccessat=ok" }

/* The key loading cases: lines expected without and with the shim, and
 * whether the shim says it patched a filter. */
static const struct {
	const char *steps, *plain[MAX_WANT], *shim[MAX_WANT];
	bool patched;
} cases[] = {
	{ "prctl:builtin:old " PROBES, OLD_PLAIN, OLD_SHIM, true },
	{ "sysprctl:builtin:old " PROBES, OLD_PLAIN, OLD_SHIM, true },
	{ "prctl:" DOCKER_2019 " " PROBES, OLD_PLAIN, OLD_SHIM, true },
	{ "libseccomp:old " PROBES, OLD_PLAIN, OLD_SHIM, true },
	{ "prctl:builtin:allow prctl:builtin:old close_range",
	  { "close_range=EPERM" }, { "close_range=ENOSYS" }, true },
	{ "seccomp+tsync,log,spec:builtin:old close_range",
	  { "load=ENOSYS", "close_range=ok" }, { "load=ENOSYS", "close_range=ok" }, true },
	{ "prctl:builtin:enosys close_range",
	  { "load=ok", "close_range=ENOSYS" }, { "load=ok", "close_range=ENOSYS" }, false },
	{ "prctl:builtin:bad-jump close_range",
	  { "load=EINVAL", "close_range=ok" }, { "load=EINVAL", "close_range=ok" }, false },
	{ "sysprctl:builtin:empty close_range",
	  { "load=EINVAL", "close_range=ok" }, { "load=EINVAL", "close_range=ok" }, false },
	{ "null-prctl null-seccomp",
	  { "null-prctl=EFAULT", "null-seccomp=ENOSYS" },
	  { "null-prctl=EFAULT", "null-seccomp=ENOSYS" }, false },
};

static void test_load_paths(void **state)
{
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		vg_run(&r, false, cases[i].steps, false);
		assert_lines(&r, cases[i].plain);
		assert_null(strstr(r.out, "enostub:"));

		vg_run(&r, true, cases[i].steps, false);
		assert_lines(&r, cases[i].shim);
		assert_int_equal(strstr(r.out, "instructions: patched") != NULL,
				 cases[i].patched);
		printf("  %-52s memcheck clean\n", cases[i].steps);
	}
}

static void write_conf(const char *text)
{
	put_file(conf_path, text);
}

/* A configuration file: libconfig loaded, used and unloaded by the
 * constructor; a rule on the executable; a log file; a broken file. */
static void test_config(void **state)
{
	char text[512], logged[2048] = "";
	struct run r;
	ssize_t n;
	int fd;

	(void)state;
	snprintf(text, sizeof(text), "errno = \"EOPNOTSUPP\";\n"
		 "programs = ( { exe = \"*/integration/helper\"; errno = 95;\n"
		 "               log = { target = \"%s\"; }; } );\n", log_path);
	write_conf(text);
	vg_run(&r, true, "prctl:builtin:old close_range", true);
	assert_true(has(&r, "close_range=EOPNOTSUPP"));
	fd = open(log_path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, logged, sizeof(logged) - 1);
	close(fd);
	assert_true(n > 0);
	assert_non_null(strstr(logged, "prctl filter of 344 instructions: patched"));

	write_conf("mode = \"dry-run\";\nlog = { target = \"stderr\"; };\n");
	vg_run(&r, true, "prctl:" DOCKER_2019 " close_range", true);
	assert_true(has(&r, "close_range=EPERM"));
	assert_true(has_text(&r, "dry-run, forwarded untouched; would patch"));

	write_conf("mode = \"patch\"\nerrno = ;\n");
	vg_run(&r, true, "prctl:builtin:old close_range", true);
	assert_true(has(&r, "close_range=EPERM"));
	assert_true(has_text(&r, "enostub.conf:2: syntax error"));
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(conf_path, sizeof(conf_path), "%s/enostub.conf", dir);
	snprintf(conf_env, sizeof(conf_env), "ENOSTUB_CONFIG=%s", conf_path);
	snprintf(log_path, sizeof(log_path), "%s/enostub.log", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(conf_path);
	unlink(log_path);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_paths),
		cmocka_unit_test(test_config),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("valgrind", tests, setup, teardown);
}
