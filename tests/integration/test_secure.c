// SPDX-License-Identifier: MIT
/*
 * Safe in every process: what distribution-wide use (the library in
 * /etc/ld.so.preload) exercises. Each test fails on the code before the
 * fix it covers (issue 12).
 *
 * Group "in force" (LD_PRELOAD): a log line can never kill, hang or signal
 * a program under filters already in force (a strict earlier KILL filter,
 * a user-notification listener that is the process itself, RLIMIT_FSIZE 0
 * as in sshd, a stderr pipe nobody reads), whatever the target and with a
 * broken configuration; fork() while other threads install filters; a
 * patched filter the kernel refuses for a full filter stack; filter
 * pointers in the kernel half.
 *
 * Group "setuid" (/etc/ld.so.preload): in a private mount namespace with
 * an overlay on /etc (the real files are never touched), a copy of the
 * helper made setuid root is run as nobody: through a symlink named after a
 * comm rule, with the user's ENOSTUB_* variables, with a root log file in
 * a user-writable directory where the user planted a symlink, with a
 * newline in argv[0].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NOBODY 65534
#define OLD "prctl:builtin:old close_range"

static char dir[] = "/tmp/enostub-secure-XXXXXX";

static void path_in(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static void rm_rf(const char *path)
{
	assert_int_equal(remove_tree(path), 0);
}

/* Run the helper with @steps and @env (NULL-terminated) as @uid, with
 * argv[0] @arg0; fails the test on a timeout of 30 s. */
static void run_as(struct run *r, uid_t uid, const char *path, const char *arg0,
		   const char *steps, char *const env[])
{
	char buf[1024], *argv[16] = { (char *)arg0 };

	split_steps(buf, sizeof(buf), steps, argv, 1, 16);
	run_as_uid(uid, 30, path, argv, env, r);
}

static void assert_ok(const struct run *r)
{
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0)
		fail_msg("status 0x%x (signal %d), output:%s", r->status,
			 WIFSIGNALED(r->status) ? WTERMSIG(r->status) : 0, r->out);
	assert_true(has(r, "done=ok"));
}

/* ---- filters in force: the log can never change what happens --------- */

static char log_env[512], conf_env[512];

static void run_log(struct run *r, const char *target, const char *steps)
{
	char *env[] = { "LD_PRELOAD=" SHIM_PATH, "GLIBC_TUNABLES=glibc.pthread.rseq=0",
			log_env, NULL };

	snprintf(log_env, sizeof(log_env), "ENOSTUB_LOG=%s", target);
	run_as(r, 0, HELPER_PATH, "helper", steps, env);
}

static int setup_force(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown_force(void **state)
{
	(void)state;
	rm_rf(dir);
	return 0;
}

/* The first filter allows only what the program itself needs later
 * (write, read, prctl, seccomp, exit, close_range, ioctl): the log's calls
 * (rt_sigprocmask, openat, socket, ...) would kill it. Its own line, made
 * before that filter, is written; the second filter's is dropped. */
static void test_strict_earlier_filter(void **state)
{
	static const char steps[] = "seccomp:builtin:kill-min seccomp:builtin:old close_range";
	char file[128], target[3][128] = { "stderr", "syslog", "" }, text[4096];
	struct run r;
	size_t i;

	(void)state;
	path_in(file, sizeof(file), "strict.log");
	snprintf(target[2], sizeof(target[2]), "%s", file);
	for (i = 0; i < N(target); i++) {
		run_log(&r, target[i], steps);
		assert_ok(&r);
		assert_true(has(&r, "close_range=ENOSYS"));
	}
	run_log(&r, "stderr", steps);
	assert_true(has_text(&r, "enostub: helper["));
	assert_null(strstr(r.out, "seccomp filter of 344 instructions"));
	read_file(file, text, sizeof(text));
	assert_non_null(strstr(text, "enostub: helper["));
	assert_null(strstr(text, "seccomp filter of 344 instructions"));
}

/* A process that starts under a filter (here, one it installed before an
 * exec) logs nothing from the install path: the shim cannot know what
 * that filter lets through ("Seccomp:" in /proc/self/status, read when
 * the library loads). Its filters are still patched. */
static void test_started_under_filter(void **state)
{
	struct run r;

	(void)state;
	run_log(&r, "stderr", "prctl:builtin:allow exec prctl:builtin:old close_range");
	assert_ok(&r);
	assert_true(has_text(&r, "prctl filter of 9 instructions: forwarded untouched"));
	assert_true(has(&r, "close_range=ENOSYS"));
	assert_null(strstr(r.out, "prctl filter of 344 instructions"));
	/* the same filter, no filter before: logged */
	run_log(&r, "stderr", "prctl:builtin:old close_range");
	assert_true(has_text(&r, "prctl filter of 344 instructions: patched"));
}

/* A broken configuration forces a line to stderr: it too is dropped
 * under the strict filter, which the program survives; the filters go in
 * untouched. */
static void test_strict_broken_config(void **state)
{
	char conf[128];
	char *env[] = { "LD_PRELOAD=" SHIM_PATH, conf_env, NULL };
	struct run r;

	(void)state;
	path_in(conf, sizeof(conf), "broken.conf");
	write_file(conf, "errno = \"ENOPE\";\n", 0644);
	snprintf(conf_env, sizeof(conf_env), "ENOSTUB_CONFIG=%s", conf);
	run_as(&r, 0, HELPER_PATH, "helper",
	       "seccomp:builtin:kill-min seccomp:builtin:old close_range", env);
	assert_ok(&r);
	assert_true(has(&r, "close_range=EPERM"));
	/* the first filter's line only */
	assert_true(has_text(&r, "configuration ignored"));
	assert_null(strstr(strstr(r.out, "configuration ignored") + 1,
			   "configuration ignored"));
}

/* libseccomp's 51-live-user_notification: the first filter sends getpid
 * to a listener that is the process itself. A getpid() from the log would
 * wait forever; the log asks for no pid at install time. */
static void test_listener_is_self(void **state)
{
	struct run r;

	(void)state;
	run_log(&r, "stderr", "seccomp+listener:builtin:notify-getpid " OLD);
	assert_ok(&r);
	assert_true(has(&r, "close_range=ENOSYS"));
	assert_true(has_text(&r, "prctl filter of 344 instructions: patched"));
}

/* sshd's privsep child sets RLIMIT_FSIZE to 0 before its filter: a write
 * to a regular file raises SIGXFSZ. A stderr pipe nobody reads raises
 * SIGPIPE. Neither may reach the program. */
static void test_write_signals(void **state)
{
	char file[128], text[4096];
	struct run r;

	(void)state;
	run_log(&r, "stderr", "stderr-tmp fsize0 " OLD);
	assert_ok(&r);
	assert_true(has(&r, "close_range=ENOSYS"));
	run_log(&r, "stderr", "stderr-broken " OLD);
	assert_ok(&r);
	assert_true(has(&r, "close_range=ENOSYS"));
	path_in(file, sizeof(file), "fsize.log");
	write_file(file, "before\n", 0644);
	run_log(&r, file, "fsize0 " OLD);
	assert_ok(&r);
	assert_true(has(&r, "close_range=ENOSYS"));
	read_file(file, text, sizeof(text));
	assert_string_equal(text, "before\n");
}

/* Eight threads keep the shim busy installing filters while the main
 * thread forks 200 children that each install one: a child never inherits
 * a held lock, so each is patched (a child that did would spin, give up
 * and forward its filter untouched). How many took over 50 ms is printed,
 * not asserted: that is the machine's load. */
static void test_fork_while_installing(void **state)
{
	char *env[] = { "LD_PRELOAD=" SHIM_PATH, "GLIBC_TUNABLES=glibc.pthread.rseq=0", NULL };
	struct run r;

	(void)state;
	run_as(&r, 0, HELPER_PATH, "helper", "forkstorm", env);
	assert_ok(&r);
	assert_true(has_text(&r, " patched, 0 unpatched, "));
	assert_true(has_text(&r, " slow, 0 failed\n"));
	printf("  %s", strstr(r.out, "forkstorm="));
}

/* The stack is filled with ALLOW filters (left untouched) so that the old
 * filter just fits, unpatched: the patched one does not, and the kernel's
 * ENOMEM makes the shim forward the original, and say so. */
static void test_full_stack(void **state)
{
	char *off[] = { "LD_PRELOAD=" SHIM_PATH, "ENOSTUB_MODE=off", NULL };
	char edge[64], *on[] = { "LD_PRELOAD=" SHIM_PATH, "ENOSTUB_LOG=stderr", edge, NULL };
	const char *l;
	struct run r;
	int len;

	(void)state;
	run_as(&r, 0, HELPER_PATH, "helper", "stackedge", off);
	assert_ok(&r);
	l = strstr(r.out, "\nstackedge=");
	assert_non_null(l);
	len = atoi(l + 11);
	assert_true(len > 0);
	snprintf(edge, sizeof(edge), "STACKEDGE_L=%d", len);
	run_as(&r, 0, HELPER_PATH, "helper", "stackedge", on);
	assert_ok(&r);
	assert_true(has(&r, "stackedge=ok"));
	assert_true(has_text(&r, "refused the patched filter with ENOMEM"));
	/* one more instruction: the original does not fit either */
	snprintf(edge, sizeof(edge), "STACKEDGE_L=%d", len + 1);
	run_as(&r, 0, HELPER_PATH, "helper", "stackedge", on);
	assert_true(has(&r, "stackedge=refused"));
}

/* Programs in the kernel half or at non-canonical addresses: the kernel
 * answers EFAULT, the shim does not touch them. */
static void test_wild_pointers(void **state)
{
	char *env[] = { "LD_PRELOAD=" SHIM_PATH, NULL };
	struct run r;

	(void)state;
	run_as(&r, 0, HELPER_PATH, "helper", "wild", env);
	assert_ok(&r);
	assert_true(has(&r, "wild=0xffffffff81000000 EFAULT EFAULT EFAULT"));
	assert_true(has(&r, "wild=0xffff800000000000 EFAULT EFAULT EFAULT"));
	assert_true(has(&r, "wild=0x800000000000 EFAULT EFAULT EFAULT"));
	assert_true(has(&r, "wild=0xff000000000000 EFAULT EFAULT EFAULT"));
	assert_true(has(&r, "wild=0x7ffffffffff8 EFAULT EFAULT EFAULT"));
}

/* Outside secure mode too, a log file is never reached through a
 * symlink, and must be a regular file. */
static void test_log_file_nofollow(void **state)
{
	char victim[128], link[128], fifo[128], text[256];
	struct run r;

	(void)state;
	path_in(victim, sizeof(victim), "victim");
	path_in(link, sizeof(link), "link.log");
	path_in(fifo, sizeof(fifo), "fifo.log");
	write_file(victim, "secret\n", 0600);
	assert_int_equal(symlink(victim, link), 0);
	run_log(&r, link, OLD);
	assert_ok(&r);
	read_file(victim, text, sizeof(text));
	assert_string_equal(text, "secret\n");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	run_log(&r, fifo, OLD);		/* no reader: would block or fail */
	assert_ok(&r);
}

/* ---- setuid root, run by nobody, with /etc/ld.so.preload --------------- */

static char suid[128], user[64], legacy[128];

/* A private mount namespace with an overlay on /etc: ld.so.preload and
 * enostub.conf exist only for this process and its children. */
static int setup_setuid(void **state)
{
	char upper[128], work[128], opts[512], cmd[512];

	(void)state;
	if (!mkdtemp(dir) || chmod(dir, 0755))
		return -1;
	path_in(upper, sizeof(upper), "upper");
	path_in(work, sizeof(work), "work");
	path_in(suid, sizeof(suid), "bin");
	path_in(user, sizeof(user), "user");
	if (strlen(user) > 40)
		return -1;
	if (mkdir(upper, 0755) || mkdir(work, 0755) || mkdir(suid, 0755) ||
	    mkdir(user, 0755) || chown(user, NOBODY, NOBODY))
		return -1;
	snprintf(legacy, sizeof(legacy), "%s/legacyapp", user);
	snprintf(cmd, sizeof(cmd), "install -o root -m 4755 %s %s/helper", HELPER_PATH, suid);
	if (system(cmd) != 0)
		return -1;
	snprintf(suid + strlen(suid), sizeof(suid) - strlen(suid), "/helper");
	if (symlink(suid, legacy))
		return -1;
	snprintf(opts, sizeof(opts), "lowerdir=/etc,upperdir=%s,workdir=%s", upper, work);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("overlay", "/etc", "overlay", 0, opts)) {
		perror("namespace");
		return -1;
	}
	write_file("/etc/ld.so.preload", SHIM_PATH "\n", 0644);
	return mkdir("/etc/enostub-log", 0755);
}

static int teardown_setuid(void **state)
{
	(void)state;
	unlink("/etc/ld.so.preload");
	umount("/etc");
	rm_rf(dir);
	return 0;
}

static void etc_conf(const char *text)
{
	write_file("/etc/enostub.conf", text, 0644);
}

static char *const no_env[] = { "PATH=/usr/bin:/bin", NULL };

/* As nobody, through @path (argv[0] @arg0), with @env. */
static void nobody(struct run *r, const char *path, const char *arg0,
		   const char *steps, char *const env[])
{
	run_as(r, NOBODY, path, arg0, steps, env);
	assert_ok(r);
}

/* comm is whatever the caller names the program: in secure mode a rule
 * with comm never matches. The same rule applies to root running the same
 * file (not secure), and an exe rule applies to nobody. */
static void test_comm_rule(void **state)
{
	char text[512];
	struct run r;

	(void)state;
	etc_conf("programs = ( { comm = \"legacyapp\"; errno = \"EOPNOTSUPP\"; } );\n");
	nobody(&r, legacy, "legacyapp", OLD, no_env);
	assert_true(has(&r, "close_range=ENOSYS"));
	run_as(&r, 0, legacy, "legacyapp", OLD, no_env);
	assert_ok(&r);
	assert_true(has(&r, "close_range=EOPNOTSUPP"));

	snprintf(text, sizeof(text), "programs = ( { exe = \"%s\"; errno = \"EOPNOTSUPP\"; } );\n",
		 suid);
	etc_conf(text);
	nobody(&r, legacy, "legacyapp", OLD, no_env);
	assert_true(has(&r, "close_range=EOPNOTSUPP"));

	/* a weakening selected by a name is a configuration error */
	etc_conf("programs = ( { comm = \"legacyapp\"; allow_syscalls = [\"rseq\"]; } );\n");
	nobody(&r, legacy, "legacyapp", OLD, no_env);
	assert_true(has(&r, "close_range=EPERM"));
	assert_true(has_text(&r, "allow_syscalls: a rule with comm cannot set it"));
	assert_int_equal(unlink("/etc/enostub.conf"), 0);
}

/* The user's ENOSTUB_* never reach a process after the setuid boundary:
 * a wrapper that becomes root for good and execs a helper (no longer in
 * secure mode) would apply the user's configuration and log file. */
static void test_env_removed(void **state)
{
	char conf[192], logf[192], evil[128], logp[128];
	char *env[] = { "PATH=/usr/bin:/bin", conf, logf, "ENOSTUB_MODE=off", NULL };
	struct run r;

	(void)state;
	snprintf(evil, sizeof(evil), "%s/evil.conf", user);
	snprintf(logp, sizeof(logp), "%s/root-made.log", user);
	write_file(evil, "errno = \"EOPNOTSUPP\";\n", 0644);
	assert_int_equal(chown(evil, NOBODY, NOBODY), 0);
	snprintf(conf, sizeof(conf), "ENOSTUB_CONFIG=%s", evil);
	snprintf(logf, sizeof(logf), "ENOSTUB_LOG=%s", logp);
	nobody(&r, legacy, "legacyapp", "env reexec-root", env);
	assert_true(has_text(&r, "\nenv=none\nenv=none\nload=ok\nclose_range=ENOSYS\n"));
	assert_int_equal(access(logp, F_OK), -1);
}

/* A root log file configured in a directory the user can write: the user
 * plants a symlink there to a root-only file. In secure mode the log is
 * written only through root-owned directories nobody else can write, and
 * never through a symlink. */
static void test_log_planted_symlink(void **state)
{
	char text[512], victim[128], logp[128];
	struct run r;

	(void)state;
	path_in(victim, sizeof(victim), "victim");
	snprintf(logp, sizeof(logp), "%s/enostub.log", user);
	write_file(victim, "root only\n", 0600);
	snprintf(text, sizeof(text), "log = { target = \"%s\"; level = \"info\"; };\n", logp);
	etc_conf(text);
	nobody(&r, legacy, "legacyapp", OLD, no_env);	/* not even created */
	assert_int_equal(access(logp, F_OK), -1);
	assert_int_equal(symlink(victim, logp), 0);
	assert_int_equal(lchown(logp, NOBODY, NOBODY), 0);
	nobody(&r, legacy, "legacyapp", OLD, no_env);
	assert_true(has(&r, "close_range=ENOSYS"));
	read_file(victim, text, sizeof(text));
	assert_string_equal(text, "root only\n");
	assert_int_equal(unlink(logp), 0);
}

/* In a trusted place the line is written, and a newline in argv[0] cannot
 * make a line of its own (a cron entry was written this way). */
static void test_log_escaped(void **state)
{
	static const char arg0[] = "x\n* * * * * root touch pwned\n\x1b[2J";
	char text[2048];
	struct run r;

	(void)state;
	etc_conf("log = { target = \"/etc/enostub-log/enostub.log\"; level = \"info\"; };\n");
	nobody(&r, legacy, arg0, OLD, no_env);
	read_file("/etc/enostub-log/enostub.log", text, sizeof(text));
	assert_non_null(strstr(text, "enostub: x\\x0a* * * * * root touch pwned\\x0a\\x1b[2J["));
	assert_non_null(strstr(text, "prctl filter of 344 instructions: patched"));
	/* the rseq hazard: GLIBC_TUNABLES cannot help a setuid program */
	assert_non_null(strstr(text, "remedies: a setuid program ignores GLIBC_TUNABLES"));
	assert_null(strstr(text, "\n*"));
	assert_null(strchr(text, '\x1b'));
	assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));	/* one line */
	assert_int_equal(unlink("/etc/enostub.conf"), 0);
}

int main(void)
{
	const struct CMUnitTest in_force[] = {
		cmocka_unit_test(test_strict_earlier_filter),
		cmocka_unit_test(test_strict_broken_config),
		cmocka_unit_test(test_listener_is_self),
		cmocka_unit_test(test_write_signals),
		cmocka_unit_test(test_fork_while_installing),
		cmocka_unit_test(test_started_under_filter),
		cmocka_unit_test(test_full_stack),
		cmocka_unit_test(test_wild_pointers),
		cmocka_unit_test(test_log_file_nofollow),
	};
	const struct CMUnitTest setuid[] = {
		cmocka_unit_test(test_comm_rule),
		cmocka_unit_test(test_env_removed),
		cmocka_unit_test(test_log_planted_symlink),
		cmocka_unit_test(test_log_escaped),
	};
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	failed = cmocka_run_group_tests_name("in force", in_force, setup_force, teardown_force);
	strcpy(dir, "/tmp/enostub-secure-XXXXXX");
	return failed | cmocka_run_group_tests_name("setuid", setuid, setup_setuid,
						    teardown_setuid);
}
