// SPDX-License-Identifier: MIT
/*
 * The configuration file through the preload: the helper (see
 * test_kernel.c) installs a 2019-era deny-by-default filter with
 * ENOSTUB_CONFIG pointing at a file written by each test; the kernel's
 * answers and the log show what enostub did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static char dir[] = "/tmp/enostub-config-test-XXXXXX";
static char conf_path[128], conf_env[160], log_path[128];

static void write_conf(const char *text)
{
	put_file(conf_path, text);
}

/* Run @path (the helper or a link to it) with @steps, the shim preloaded
 * and ENOSTUB_CONFIG set; @extra is one more environment entry or NULL. */
static void run_env(struct run *r, const char *path, const char *steps,
		    const char *preload, const char *extra)
{
	char *envp[] = { "GLIBC_TUNABLES=glibc.pthread.rseq=0", (char *)preload,
			 conf_env, (char *)extra, NULL };

	run_steps(r, path, steps, envp);
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0)
		fail_msg("status 0x%x, output:%s", r->status, r->out);
}

static void run(struct run *r, const char *path, const char *steps, const char *extra)
{
	run_env(r, path, steps, "LD_PRELOAD=" SHIM_PATH, extra);
}

#define OLD "prctl:builtin:old close_range"

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
	return remove_tree(dir);
}

static void test_modes(void **state)
{
	struct run r;

	(void)state;
	write_conf("mode = \"patch\";\n");
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=ENOSYS\n"));
	assert_null(strstr(r.out, "enostub:"));		/* log target none */

	write_conf("mode = \"off\";\nlog = { target = \"stderr\"; };\n");
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	assert_true(has_text(&r, "prctl filter of 344 instructions: forwarded untouched (mode off)"));

	write_conf("mode = \"dry-run\";\nlog = { target = \"stderr\"; };\n");
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	assert_true(has_text(&r, "dry-run, forwarded untouched; would patch, 7 stub "
			"instructions would answer ENOSYS; x86_64: nr 334-4095"));

	write_conf("errno = \"EOPNOTSUPP\";\n");
	run(&r, HELPER_PATH, OLD " clone3", NULL);
	assert_true(has_text(&r, "\nclose_range=EOPNOTSUPP\n"));
	assert_true(has_text(&r, "\nclone3=EOPNOTSUPP\n"));

	/* EPERM is not counted as a denial: the filter is left alone */
	write_conf("deny_actions = [\"kill_process\", \"kill_thread\"];\n"
		   "log = { target = \"stderr\"; };\n");
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	assert_true(has_text(&r, "x86_64: the default action is not a denial"));
}

/* A rule for one program applies to it and not to another. */
static void test_program_rules(void **state)
{
	char other[160];
	struct run r;

	(void)state;
	snprintf(other, sizeof(other), "%s/other-helper", dir);
	assert_int_equal(symlink(HELPER_PATH, other), 0);
	/* comm is the base name of the file executed */
	write_conf("programs = ( { comm = \"helper\"; mode = \"off\"; } );\n");
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	run(&r, other, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=ENOSYS\n"));
	/* exe globs see the real executable, whatever the name */
	write_conf("programs = ( { exe = \"*/integration/help?r\"; errno = 95; } );\n");
	run(&r, other, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EOPNOTSUPP\n"));
	unlink(other);
}

/* A broken or missing configuration: the filter goes in untouched, the
 * program goes on, and stderr names the file and line. */
static void test_bad_config(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "mode = \"patch\"\nerrno = ;\n", "enostub.conf:2: syntax error" },
		{ "mode = \"fast\";\n", "enostub.conf:1: mode: \"fast\" is not one of" },
		{ "\n\nerrno = \"ENOPE\";\n", "enostub.conf:3: errno: \"ENOPE\" is not an errno name" },
		{ "programs = ( { mode = \"off\"; } );\n", "enostub.conf:1: programs: a rule needs exe or comm" },
	};
	char want[256];
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		write_conf(cases[i].text);
		run(&r, HELPER_PATH, OLD, NULL);
		assert_true(has_text(&r, "\nload=ok\n"));
		assert_true(has_text(&r, "\nclose_range=EPERM\n"));
		snprintf(want, sizeof(want), "configuration ignored, filters forwarded "
			 "untouched: %s/%s", dir, cases[i].want);
		assert_true(has_text(&r, want));
	}
	unlink(conf_path);
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	assert_true(has_text(&r, "enostub.conf: No such file or directory"));
	assert_int_equal(mkdir(conf_path, 0755), 0);
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	assert_true(has_text(&r, "enostub.conf: not a regular file"));
	assert_int_equal(rmdir(conf_path), 0);
}

static size_t read_log(char *buf, size_t size)
{
	int fd = open(log_path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

static void test_log_targets_and_levels(void **state)
{
	char text[512], logged[4096];
	struct run r;

	(void)state;
	snprintf(text, sizeof(text), "log = { target = \"%s\"; level = \"notice\"; };\n", log_path);
	write_conf(text);
	run(&r, HELPER_PATH, "prctl:builtin:allow " OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=ENOSYS\n"));
	assert_null(strstr(r.out, "enostub:"));		/* not on stderr */
	read_log(logged, sizeof(logged));
	/* notice: the patched filter only, not the untouched allow filter */
	assert_non_null(strstr(logged, "enostub: helper["));
	assert_non_null(strstr(logged, "prctl filter of 344 instructions: patched"));
	assert_null(strstr(logged, "forwarded untouched"));
	unlink(log_path);

	snprintf(text, sizeof(text), "log = { target = \"%s\"; level = \"error\"; };\n", log_path);
	write_conf(text);
	run(&r, HELPER_PATH, OLD, NULL);
	assert_int_equal(read_log(logged, sizeof(logged)), 0);

	/* $ENOSTUB_LOG overrides the target; info also tells what was left */
	write_conf("log = { target = \"none\"; level = \"info\"; };\n");
	run(&r, HELPER_PATH, "prctl:builtin:allow " OLD, "ENOSTUB_LOG=stderr");
	assert_true(has_text(&r, "instructions: forwarded untouched (no ABI needs a stub)"));
	assert_true(has_text(&r, "instructions: patched"));
}

/* Logged to syslog: a private /dev/log in a mount namespace receives it. */
static void test_syslog(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	char msg[2048];
	struct run r;
	int fds[2], st, s;
	ssize_t n;
	pid_t pid;

	(void)state;
	write_conf("log = { target = \"syslog\"; };\n");
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tmpfs", "/dev", "tmpfs", 0, NULL))
			_exit(10);
		s = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof(sun)))
			_exit(11);
		run(&r, HELPER_PATH, OLD, NULL);
		if (!strstr(r.out, "\nclose_range=ENOSYS\n"))
			_exit(12);
		n = recv(s, msg, sizeof(msg) - 1, MSG_DONTWAIT);
		if (n <= 0)
			_exit(13);
		if (write(fds[1], msg, (size_t)n) != n)
			_exit(14);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(st, 0);
	/* LOG_USER | LOG_NOTICE, one datagram, no newline */
	assert_int_equal(strncmp(msg, "<13>enostub: helper[", 20), 0);
	assert_non_null(strstr(msg, "prctl filter of 344 instructions: patched"));
	assert_null(strchr(msg, '\n'));
}

/* The configuration is read when the library loads: a program that drops
 * into an empty chroot with no file descriptors allowed (sshd), or that
 * stacks its filter under a KILL filter, is still served, and a log file
 * it can no longer open costs it nothing. */
static void test_read_before_jail(void **state)
{
	char text[512];
	struct run r;

	(void)state;
	write_conf("errno = \"EOPNOTSUPP\";\n");
	run(&r, HELPER_PATH, "jail " OLD, NULL);
	assert_true(has_text(&r, "\njail=ok\n"));
	assert_true(has_text(&r, "\nclose_range=EOPNOTSUPP\n"));

	snprintf(text, sizeof(text), "errno = \"EOPNOTSUPP\";\n"
		 "log = { target = \"%s\"; };\n", log_path);
	write_conf(text);
	run(&r, HELPER_PATH, "jail " OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EOPNOTSUPP\n"));
	unlink(log_path);

	write_conf("programs = ( { comm = \"helper\"; errno = \"EOPNOTSUPP\"; } );\n");
	run(&r, HELPER_PATH, "seccomp:builtin:kill-min seccomp:builtin:old close_range", NULL);
	assert_true(has_text(&r, "\nclose_range=EOPNOTSUPP\n"));
}

/* Another library's constructor installs a filter before enostub's own
 * constructor has run: it is forwarded untouched (reading the configuration
 * then would put system calls in the install path); later ones are patched.
 * A filter enostub could not read is in force, so it logs nothing more:
 * a log call could be one that filter refuses. */
static void test_filter_before_constructor(void **state)
{
	struct run r;

	(void)state;
	write_conf("errno = \"EOPNOTSUPP\";\nlog = { target = \"stderr\"; };\n");
	run_env(&r, HELPER_PATH, "-n close_range prctl:builtin:old close_range",
		"LD_PRELOAD=" SHIM_PATH " " EARLY_PATH,
		"EARLY_FILTER=" CORPUS_DIR "/docker-default-v19.03.0.bpf");
	/* the early filter went in untouched, silently: logging would be a
	 * system call in the install path */
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	assert_null(strstr(r.out, "prctl filter of 880 instructions"));
	/* the program's own filter, installed later, is patched as configured,
	 * silently */
	assert_null(strstr(r.out, "enostub:"));
	assert_true(has_text(&r, "\nload=ok\nclose_range=EOPNOTSUPP\n"));
	assert_true(strstr(r.out, "close_range=EPERM") < strstr(r.out, "load=ok"));
}

/* The kernel-version strategy in a real process: a filter that knows
 * openat2 and pidfd_getfd (Linux 5.6) but not close_range (5.9, numbered
 * below them). max-known leaves close_range's EPERM; kernel-version answers
 * ENOSYS, globally or by a program rule, unless the baseline covers it. */
#define Y2020 "prctl:builtin:y2020 close_range closefrom-check openat2"

static void test_kernel_version(void **state)
{
	struct run r;

	(void)state;
	run_env(&r, HELPER_PATH, Y2020, "LD_PRELOAD=", NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	/* glibc 2.36's closefrom falls back to /proc/self/fd on any error */
	assert_true(has_text(&r, "\nclosefrom-check=ok\n"));
	/* max-known alone (close_range is fallback-safe, see below) */
	write_conf("fallback_safe = false;\nlog = { target = \"stderr\"; };\n");
	run(&r, HELPER_PATH, Y2020, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));
	assert_true(has_text(&r, "x86_64: nr 439-4095 (default 0x50001, largest known 438)"));

	write_conf("strategy = \"kernel-version\"; fallback_safe = false;\n"
		   "log = { target = \"stderr\"; };\n");
	run(&r, HELPER_PATH, Y2020, NULL);
	assert_true(has_text(&r, "\nclose_range=ENOSYS\n"));
	assert_true(has_text(&r, "\nclosefrom-check=ok\n"));
	assert_true(has_text(&r, "\nopenat2=ok\n"));    /* named: still allowed */
	assert_true(has_text(&r, "x86_64: nr 335-336,436-436,439-4095 (default 0x50001, "
			     "largest known 438, baseline 5.6, 3 newer syscalls below it)"));

	write_conf("strategy = \"kernel-version\"; baseline = \"5.9\"; fallback_safe = false;\n");
	run(&r, HELPER_PATH, Y2020, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));

	write_conf("programs = ( { comm = \"helper\"; strategy = \"kernel-version\"; } );\n");
	run(&r, HELPER_PATH, Y2020, NULL);
	assert_true(has_text(&r, "\nclose_range=ENOSYS\n"));
}

/* Docker's v20.10.0 profile (until 20.10.10) names faccessat2 but not
 * clone3: with the default configuration clone3 answers ENOSYS through the
 * fallback-safe rule and threads start; fallback_safe = false restores
 * the old answer, per program too. */
#define V20 "prctl:" CORPUS_DIR "/docker-default-v20.10.0.bpf clone3 faccessat2 pthread"

static void test_fallback_safe(void **state)
{
	struct run r;

	(void)state;
	run_env(&r, HELPER_PATH, V20, "LD_PRELOAD=", NULL);
	assert_true(has_text(&r, "\nclone3=EPERM\nfaccessat2=ok\npthread=EPERM\n"));
	write_conf("log = { target = \"stderr\"; };\n");
	run(&r, HELPER_PATH, V20, NULL);
	assert_true(has_text(&r, "\nclone3=ENOSYS\nfaccessat2=ok\npthread=ok\n"));
	assert_true(has_text(&r, "x86_64: nr 435-436,440-4095 (default 0x50001, largest "
			     "known 439, fallback-safe: clone3 close_range)"));
	write_conf("fallback_safe = [\"close_range\"];\n");
	run(&r, HELPER_PATH, V20 " close_range", NULL);
	assert_true(has_text(&r, "\nclone3=EPERM\nfaccessat2=ok\npthread=EPERM\n"
			     "close_range=ENOSYS\n"));
	write_conf("programs = ( { comm = \"helper\"; fallback_safe = false; } );\n");
	run(&r, HELPER_PATH, V20 " close_range", NULL);
	assert_true(has_text(&r, "\nclone3=EPERM\nfaccessat2=ok\npthread=EPERM\n"
			     "close_range=EPERM\n"));
}

/* allow_syscalls: the opt-in weakening, the rseq remedy inside the
 * library. A thread started after the install aborts without it and works
 * with it; the log says the filter was weakened. */
static void test_allow_syscalls(void **state)
{
	char *envp[] = { "LD_PRELOAD=" SHIM_PATH, conf_env, NULL };
	struct run r;

	(void)state;
	write_conf("log = { target = \"stderr\"; };\n");
	run_steps(&r, HELPER_PATH, "prctl:builtin:old pthread", envp);
	assert_true(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGABRT);
	assert_true(has_text(&r, "rseq registration failed"));
	write_conf("programs = ( { exe = \"*/helper\"; allow_syscalls = [\"rseq\"]; } );\n"
		   "log = { target = \"stderr\"; };\n");
	run_steps(&r, HELPER_PATH, "prctl:builtin:old pthread close_range", envp);
	assert_exited_ok(&r);
	assert_true(has(&r, "pthread=ok"));
	assert_true(has(&r, "close_range=ENOSYS"));
	assert_true(has_text(&r, "weakened as configured (allow_syscalls): rseq allowed"));
}

/* A log line carries the pid of the process that writes it, also in a
 * child of the C library's own fork (daemon(3): not through the fork()
 * hook, through the pthread_atfork handler a log registers). */
static void test_log_pid_after_daemon(void **state)
{
	char want[64];
	const char *p;
	struct run r;

	(void)state;
	write_conf("mode = \"patch\";\n");
	run(&r, HELPER_PATH, "daemon " OLD, "ENOSTUB_LOG=stderr");
	p = strstr(r.out, "\npid=");
	assert_non_null(p);
	snprintf(want, sizeof(want), "helper[%d]: ", atoi(p + 5));
	assert_true(has(&r, "close_range=ENOSYS"));
	if (!strstr(r.out, want))
		fail_msg("no log line with %s in:%s", want, r.out);
}

/* Another library after enostub that wraps prctl() and fork() (as a
 * sanitizer's runtime does) gets every call: enostub forwards to the next
 * definition, the patched filter included, not past it. */
static void test_next_definitions(void **state)
{
	struct run r;

	(void)state;
	write_conf("mode = \"patch\";\n");
	run_env(&r, HELPER_PATH, "fork " OLD, "LD_PRELOAD=" SHIM_PATH " " CHAIN_PATH, NULL);
	assert_true(has(&r, "fork=ok"));
	assert_true(has_text(&r, "chain: fork\n"));
	assert_true(has_text(&r, "chain: prctl\n"));
	assert_true(has(&r, "close_range=ENOSYS"));
}

/* Compile the configuration's snapshot with the command. */
static void compile_conf(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s check-config --compile %s >/dev/null", CLI_PATH,
		 conf_path);
	assert_int_equal(system(cmd), 0);
}

/* The library reads a fresh snapshot and not the file: a snapshot of
 * "mode off" whose source was then rewritten in place, same size and
 * modification time, still rules; once the file's time changes the
 * snapshot is stale, the file is parsed, and the log says so. */
static void test_snapshot(void **state)
{
	struct stat st;
	struct timespec times[2];
	struct run r;

	(void)state;
	write_conf("mode = \"off\";  \nlog = { target = \"stderr\"; level = \"notice\"; };\n");
	compile_conf();
	assert_int_equal(stat(conf_path, &st), 0);
	write_conf("mode = \"patch\";\nlog = { target = \"stderr\"; level = \"notice\"; };\n");
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, conf_path, times, 0), 0);
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=EPERM\n"));	/* the snapshot's mode off */
	assert_null(strstr(r.out, "is stale"));

	times[1].tv_sec--;
	assert_int_equal(utimensat(AT_FDCWD, conf_path, times, 0), 0);
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=ENOSYS\n"));	/* the file's patch */
	assert_true(has_text(&r, "enostub.conf.snap is stale (the file changed since, "
			     "or another build's): parsed "));

	compile_conf();
	run(&r, HELPER_PATH, OLD, NULL);
	assert_true(has_text(&r, "\nclose_range=ENOSYS\n"));
	assert_null(strstr(r.out, "is stale"));
}

/* What every process pays: with a fresh snapshot the library's start-up
 * touches no page of its .rodata (its constants sit in RELRO, see
 * shim/preload/libenostub.ld), with or without rules that name programs,
 * with or without a log;
 * a first touch would map a dozen pages into every process. A property
 * of the library as built for release (RELEASE_LIB_DIR, also in the ASan
 * run: sanitizer instrumentation reads data of its own there). */
static void test_startup_rodata(void **state)
{
	static const char *const confs[] = {
		"mode = \"patch\";\n",
		"programs = ( { exe = \"/nonexistent/*\"; mode = \"off\"; },\n"
		"             { comm = \"nomatch\"; mode = \"off\"; } );\n",
		/* a log: the log's start-up (was the process started under a
		 * filter? /proc/self/status) */
		"log = { target = \"stderr\"; level = \"error\"; };\n"
		"programs = ( { comm = \"nomatch\"; mode = \"off\"; } );\n",
	};
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < N(confs); i++) {
		write_conf(confs[i]);
		compile_conf();
		run_env(&r, HELPER_PATH, "-n rodata " OLD,
			"LD_PRELOAD=" RELEASE_LIB_DIR "libenostub.so", NULL);
		assert_true(has(&r, "rodata=0"));
		assert_true(has(&r, "close_range=ENOSYS"));	/* and the settings apply */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_program_rules),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_log_targets_and_levels),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_read_before_jail),
		cmocka_unit_test(test_filter_before_constructor),
		cmocka_unit_test(test_kernel_version),
		cmocka_unit_test(test_fallback_safe),
		cmocka_unit_test(test_allow_syscalls),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_startup_rodata),
		cmocka_unit_test(test_log_pid_after_daemon),
		cmocka_unit_test(test_next_definitions),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
