// SPDX-License-Identifier: MIT
/*
 * `enostub run --trace` against the real kernel: the static tracee
 * (tracee.c: glibc linked in, installs by prctl(), an inline syscall
 * instruction, int $0x80) runs once as it is and once under the tracer.
 * Every test compares the two runs, so it fails if the tracer does
 * nothing, does too much, or changes an answer it must pass through; the
 * tracer's log (-v) says what it did, and is checked too.
 *
 * Most runs set GLIBC_TUNABLES=glibc.pthread.rseq=0 (see test_kernel.c);
 * test_rseq covers what happens without it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DOCKER_2019 CORPUS_DIR "/docker-default-v19.03.0.bpf"
#define NOBODY 65534

static char *const env_plain[] = {
	"PATH=/usr/bin:/bin", "GLIBC_TUNABLES=glibc.pthread.rseq=0", NULL,
};
static char *const env_rseq[] = { "PATH=/usr/bin:/bin", NULL };

enum how { PLAIN, TRACED };

/*
 * Run the tracee with @steps, as it is (PLAIN) or as `enostub run --trace
 * -v @opts -- tracee @steps` (TRACED). @env: NULL for env_plain.
 */
static void tracee(enum how how, struct run *r, const char *opts, const char *steps,
		   char *const env[])
{
	char buf[2048], *argv[40];
	int argc = 0;

	if (how == TRACED) {
		argv[argc++] = CLI_PATH;
		argv[argc++] = "run";
		argv[argc++] = "--trace";
		argv[argc++] = "-v";
		argc = split_steps(buf, sizeof(buf) / 2, opts ? opts : "", argv, argc, 20);
		argv[argc++] = "--";
	}
	argv[argc++] = TRACEE_PATH;
	split_steps(buf + sizeof(buf) / 2, sizeof(buf) / 2, steps, argv, argc, N(argv));
	run_argv(argv, env ? env : env_plain, r);
}

/* How many times @text occurs in the output. */
static int count(const struct run *r, const char *text)
{
	const char *p = r->out;
	int n = 0;

	while ((p = strstr(p, text))) {
		n++;
		p += strlen(text);
	}
	return n;
}

/* ---- the three ways in, with Docker's 2019 profile --------------------- */

static void check_way(const char *load, const char *via)
{
	struct run r;
	char steps[512];

	snprintf(steps, sizeof(steps), "%s:%s clone3 i386-clone3 pthread", load, DOCKER_2019);
	tracee(PLAIN, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has(&r, "i386-clone3=EPERM"));
	assert_true(has(&r, "pthread=EPERM"));

	tracee(TRACED, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_true(has(&r, "i386-clone3=ENOSYS"));
	assert_true(has(&r, "pthread=ok"));
	/* one patch, through one scratch area made for it */
	assert_int_equal(count(&r, "filter of 880 instructions: patched"), 1);
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 1);
	assert_true(has_text(&r, via));
	/* every register of the call came back as the kernel leaves it */
	assert_null(strstr(r.out, "regs=changed"));
}

static void test_prctl(void **state)
{
	(void)state;
	check_way("prctl", "]: prctl filter of 880");
}

static void test_inline_syscall(void **state)
{
	(void)state;
	check_way("asm", "]: seccomp filter of 880");
}

/* int $0x80 from a 64-bit process: a 32-bit sock_fprog, and a scratch
 * area below 4 GiB */
static void test_i386(void **state)
{
	struct run r;

	(void)state;
	check_way("i386", "]: seccomp (x86) filter of 880");
	/* a 64-bit install first: its area is above 4 GiB, so the 32-bit one
	 * gets a second, which then serves both */
	tracee(TRACED, &r, NULL, "asm:" DOCKER_2019 " i386:" DOCKER_2019 " asm:"
	       DOCKER_2019 " i386-clone3 scratch:count", NULL);
	assert_exited_ok(&r);
	assert_int_equal(count(&r, "\nload=ok"), 3);
	assert_int_equal(count(&r, "filter of 880 instructions: patched"), 3);
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 2);
	assert_true(has(&r, "i386-clone3=ENOSYS"));
}

/* A real 32-bit process, its install through the vDSO (sysenter or
 * syscall): compat sock_fprog, mmap2, and the re-run through int $0x80
 * two bytes back. Built here; skipped where nothing can build or run it. */
static void test_32bit_process(void **state)
{
	char dir[] = "/tmp/enostub-trace-XXXXXX", bin[128];
	char *cc[] = { "/usr/bin/cc", "-m32", "-nostdlib", "-static", "-ffreestanding",
		       "-fno-pic", "-fno-stack-protector", "-O1", "-o", bin,
		       CORPUS_DIR "/../integration/tracee32.c", NULL };
	char *plain[] = { bin, DOCKER_2019, NULL };
	char *traced[] = { CLI_PATH, "run", "--trace", "-v", "--", bin, DOCKER_2019, NULL };
	struct run r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(bin, sizeof(bin), "%s/tracee32", dir);
	run_argv(cc, env_plain, &r);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
		rmdir(dir);
		skip();	/* no 32-bit code generation here */
	}
	run_argv(plain, env_plain, &r);
	if (!has(&r, "done=ok")) {
		unlink(bin);
		rmdir(dir);
		skip();	/* a kernel without 32-bit support */
	}
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=EPERM"));

	run_argv(traced, env_plain, &r);
	unlink(bin);
	rmdir(dir);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_null(strstr(r.out, "regs=changed"));
	assert_true(has_text(&r, "]: seccomp (x86) filter of 880 instructions: patched"));
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 1);
}

/* Without log options, the tracer says nothing. */
static void test_quiet(void **state)
{
	char *argv[] = { CLI_PATH, "run", "--trace", "--", TRACEE_PATH,
			 "asm:" DOCKER_2019, "clone3", NULL };
	struct run r;

	(void)state;
	run_argv(argv, env_plain, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_null(strstr(r.out, "enostub"));
}

/* ---- processes and threads -------------------------------------------- */

/* A child installs (prctl), then execs: the filter of a new program. */
static void test_fork_exec(void **state)
{
	struct run r;
	const char *steps = "forkexec:" DOCKER_2019 " clone3 pthread";

	(void)state;
	tracee(PLAIN, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "child-load=ok"));
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has(&r, "pthread=EPERM"));
	assert_true(has(&r, "child=exit 0"));

	tracee(TRACED, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "child-load=ok"));
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_true(has(&r, "pthread=ok"));
	assert_true(has(&r, "child=exit 0"));
}

/* After fork, the child's install uses the scratch area it inherited. */
static void test_fork_inherits_scratch(void **state)
{
	struct run r;
	const char *steps = "asm:" DOCKER_2019 " fork scratch:count asm:" DOCKER_2019
			    " clone3 pthread";

	(void)state;
	tracee(PLAIN, &r, NULL, steps, NULL);
	assert_true(has(&r, "scratch=0"));
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has(&r, "child=exit 0"));

	tracee(TRACED, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "scratch=1"));
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_true(has(&r, "pthread=ok"));
	assert_true(has(&r, "child=exit 0"));
	assert_int_equal(count(&r, "filter of 880 instructions: patched"), 2);
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 1);
}

/* Eight threads install at once, each on itself: one scratch area, one
 * install at a time in it, every one patched. */
static void test_threads(void **state)
{
	struct run r;
	const char *steps = "threads:8:" DOCKER_2019;

	(void)state;
	tracee(PLAIN, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_int_equal(count(&r, "\nthread-load=ok"), 8);
	assert_int_equal(count(&r, "\nthread-clone3=EPERM"), 8);

	tracee(TRACED, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_int_equal(count(&r, "\nthread-load=ok"), 8);
	assert_int_equal(count(&r, "\nthread-clone3=ENOSYS"), 8);
	assert_int_equal(count(&r, "filter of 880 instructions: patched"), 8);
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 1);
}

/* TSYNC: the patched filter reaches a thread started before it. */
static void test_tsync(void **state)
{
	struct run r;
	const char *steps = "tsync:" DOCKER_2019 " pthread";

	(void)state;
	tracee(PLAIN, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "other-thread-clone3=EPERM"));
	assert_true(has(&r, "pthread=EPERM"));

	tracee(TRACED, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "other-thread-clone3=ENOSYS"));
	assert_true(has(&r, "pthread=ok"));
}

/* ---- the scratch area ------------------------------------------------- */

/* A program that unmaps the area, or puts its own mapping of the same
 * shape there, gets a new one; its own data is never written. */
static void test_scratch_replaced(void **state)
{
	struct run r;

	(void)state;
	tracee(TRACED, &r, NULL, "asm:" DOCKER_2019 " scratch:unmap asm:" DOCKER_2019
	       " scratch:replace asm:" DOCKER_2019 " scratch:intact scratch:count clone3", NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "unmapped=1"));
	assert_true(has(&r, "replaced=1"));
	assert_true(has(&r, "intact=yes"));
	assert_true(has(&r, "scratch=1"));
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_int_equal(count(&r, "\nload=ok"), 3);
	assert_int_equal(count(&r, "filter of 880 instructions: patched"), 3);
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 3);
}

/* The injected mmap runs under the filters in force: under one that
 * kills mmap it is not made (the install goes untouched, the process
 * lives); made before that filter, the area serves later installs. */
static void test_mmap_proof(void **state)
{
	struct run r;

	(void)state;
	tracee(TRACED, &r, NULL, "asm:builtin:kill-mmap asm:" DOCKER_2019 " clone3", NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "forwarded untouched (no scratch area in the tracee"));
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 0);

	tracee(TRACED, &r, NULL, "asm:" DOCKER_2019 " asm:builtin:kill-mmap asm:"
	       DOCKER_2019 " clone3", NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_int_equal(count(&r, "filter of 880 instructions: patched"), 2);
	assert_int_equal(count(&r, "scratch area of 36864 bytes mapped"), 1);
}

/* A stack of filters so full that only the original fits: the kernel
 * refuses the patched one (ENOMEM), the tracer re-runs the call with the
 * original, which goes in (as the library does). */
static void test_full_stack(void **state)
{
	char dir[] = "/tmp/enostub-trace-XXXXXX", conf[128], opt[160];
	struct run r;
	const char *steps = "stackedge:" DOCKER_2019 " clone3";

	(void)state;
	tracee(PLAIN, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=EPERM"));

	/* notices only: not a line for each of the ALLOW filters it takes */
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/enostub.conf", dir);
	snprintf(opt, sizeof(opt), "-c %s", conf);
	put_file(conf, "log = { target = \"stderr\"; level = \"notice\"; };\n");
	tracee(TRACED, &r, opt, steps, NULL);
	unlink(conf);
	rmdir(dir);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "the kernel refused the patched filter with ENOMEM"));
	assert_null(strstr(r.out, "regs=changed"));
}

/* ---- what passes through ---------------------------------------------- */

/* The same steps give the same output with and without the tracer (log
 * lines aside). */
static void same_output(const char *steps)
{
	struct run plain, traced;
	char *p, *q;

	tracee(PLAIN, &plain, NULL, steps, NULL);
	tracee(TRACED, &traced, NULL, steps, NULL);
	assert_exited_ok(&plain);
	assert_exited_ok(&traced);
	/* drop the tracer's lines */
	for (p = q = traced.out; *p; ) {
		size_t n = strcspn(p + 1, "\n") + 1;

		if (strncmp(p, "\nenostub: ", 10) != 0) {
			memmove(q, p, n);
			q += n;
		}
		p += n;
	}
	*q = '\0';
	if (strcmp(plain.out, traced.out) != 0) {
		fprintf(stderr, "plain:%s\ntraced:%s\n", plain.out, traced.out);
		fail();
	}
}

/* Programs the kernel refuses: its own answers (EINVAL, EFAULT). */
static void test_kernel_answers(void **state)
{
	struct run r;

	(void)state;
	same_output("bad:jump bad:null bad:fault bad:empty");
	tracee(TRACED, &r, NULL, "bad:jump bad:null bad:fault bad:empty", NULL);
	assert_true(has(&r, "jump=EINVAL"));
	assert_true(has(&r, "null=EFAULT"));
	assert_true(has(&r, "fault=EFAULT"));
	assert_true(has(&r, "empty=EINVAL"));
	assert_int_equal(count(&r, "forwarded untouched"), 4);
}

/* A filter the analysis cannot prove is forwarded untouched. */
static void test_unproven(void **state)
{
	struct run r;

	(void)state;
	same_output("asm:builtin:unsure clone3");
	tracee(TRACED, &r, NULL, "asm:builtin:unsure clone3", NULL);
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "seccomp filter of 5 instructions: forwarded untouched"));
}

/* A program's own SECCOMP_RET_TRACE: as without a tracer, ENOSYS. */
static void test_foreign_trace(void **state)
{
	struct run r;

	(void)state;
	same_output("asm:builtin:foreign getppid clone3");
	tracee(TRACED, &r, NULL, "asm:builtin:foreign getppid", NULL);
	assert_true(has(&r, "getppid=ENOSYS"));
	assert_true(has_text(&r, "SECCOMP_RET_TRACE (data 0x1234)"));
}

/* Flags reach the kernel: a listener fd comes back (and LOG is taken). */
static void test_flags(void **state)
{
	struct run r;
	const char *steps = "asm+listener,log:" DOCKER_2019 " clone3";

	(void)state;
	tracee(PLAIN, &r, NULL, steps, NULL);
	assert_true(has(&r, "listener=anon_inode:seccomp notify"));
	assert_true(has(&r, "clone3=EPERM"));
	tracee(TRACED, &r, NULL, steps, NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "listener=anon_inode:seccomp notify"));
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=ENOSYS"));
}

/* The x32 ABI: whatever the kernel answers (ENOSYS without x32 support),
 * the same with the tracer. */
static void test_x32(void **state)
{
	(void)state;
	same_output("x32:" DOCKER_2019 " clone3");
}

/* ---- modes and configuration ------------------------------------------ */

static void test_modes(void **state)
{
	char dir[] = "/tmp/enostub-trace-XXXXXX", conf[128], opt[160], text[512];
	char *env_bad[] = { "PATH=/usr/bin:/bin", "GLIBC_TUNABLES=glibc.pthread.rseq=0",
			    "ENOSTUB_MODE=fast", NULL };
	struct run r;

	(void)state;
	tracee(TRACED, &r, "--dry-run", "asm:" DOCKER_2019 " clone3", NULL);
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "dry-run, forwarded untouched; would patch"));
	assert_int_equal(count(&r, "scratch area"), 0);

	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/enostub.conf", dir);
	snprintf(opt, sizeof(opt), "-c %s", conf);
	/* a rule for the program by its executable */
	snprintf(text, sizeof(text), "programs = ( { exe = \"%s\"; mode = \"off\"; } );\n",
		 TRACEE_PATH);
	put_file(conf, text);
	tracee(TRACED, &r, opt, "asm:" DOCKER_2019 " clone3", NULL);
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "forwarded untouched (mode off)"));
	/* ... by comm; a rule for another program changes nothing */
	put_file(conf, "programs = ( { comm = \"other\"; mode = \"off\"; },\n"
		   "  { comm = \"tracee\"; errno = \"EOPNOTSUPP\"; } );\n");
	tracee(TRACED, &r, opt, "asm:" DOCKER_2019 " clone3", NULL);
	assert_true(has(&r, "clone3=EOPNOTSUPP"));
	assert_true(has_text(&r, "stub instructions answer EOPNOTSUPP"));
	/* a variable the library refuses: every filter untouched, said */
	tracee(TRACED, &r, NULL, "asm:" DOCKER_2019 " clone3", env_bad);
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "configuration ignored, filters forwarded untouched: "
			     "ENOSTUB_MODE: \"fast\""));
	unlink(conf);
	rmdir(dir);
}

/* glibc registered rseq before the filter (no tunable): the log warns; a
 * thread then aborts, as with the library; the remedies work. */
static void test_rseq(void **state)
{
	char dir[] = "/tmp/enostub-trace-XXXXXX", conf[128], opt[160];
	struct run r;

	(void)state;
	tracee(TRACED, &r, NULL, "asm:" DOCKER_2019 " rseq pthread", env_rseq);
	assert_true(has(&r, "rseq=registered"));
	assert_true(has_text(&r, "warning: glibc registered rseq before this filter"));
	assert_true(has_text(&r, "rseq registration failed"));
	assert_false(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);

	tracee(TRACED, &r, "--no-rseq", "asm:" DOCKER_2019 " rseq pthread", env_rseq);
	assert_exited_ok(&r);
	assert_true(has(&r, "rseq=none"));
	assert_true(has(&r, "pthread=ok"));

	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/enostub.conf", dir);
	snprintf(opt, sizeof(opt), "-c %s", conf);
	put_file(conf, "rseq_guard = true;\n");
	tracee(TRACED, &r, opt, "asm:" DOCKER_2019 " pthread clone3", env_rseq);
	assert_exited_ok(&r);
	assert_true(has(&r, "pthread=EPERM"));
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "rseq_guard: clone3 left to the filter"));
	unlink(conf);
	rmdir(dir);
}

/* ---- the tracer's limits ---------------------------------------------- */

/* A traced program cannot be traced again (gdb, strace, crash reporters). */
static void test_ptrace_twice(void **state)
{
	struct run r;

	(void)state;
	tracee(PLAIN, &r, NULL, "ptrace", NULL);
	assert_true(has(&r, "child=exit 0"));
	tracee(TRACED, &r, NULL, "ptrace", NULL);
	assert_exited_ok(&r);
	assert_true(has(&r, "child=exit 1"));	/* EPERM */
}

/* When the tracer dies, the tree dies with it (PTRACE_O_EXITKILL): no
 * process is left whose installs would fail with ENOSYS. */
static void test_tracer_death(void **state)
{
	char *argv[] = { CLI_PATH, "run", "--trace", "--", TRACEE_PATH, "hold", NULL };
	struct run r = { "\n", 0 };
	int out, in, st;
	pid_t tracer, child;
	const char *p;

	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	tracer = spawn(argv, env_plain, &out, &in);
	collect(out, &r, "\n");
	p = strstr(r.out, "ready pid=");
	assert_non_null(p);
	child = (pid_t)atoi(p + 10);
	assert_true(child > 0 && child != tracer);
	assert_int_equal(kill(tracer, SIGKILL), 0);
	assert_int_equal(waitpid(tracer, &st, 0), tracer);
	/* reparented to this process, the subreaper */
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGKILL);
	close(in);
	close(out);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

/* The command's exit status, a signal that ended it, a command that
 * cannot be executed. */
static void test_exit_status(void **state)
{
	char *exit7[] = { CLI_PATH, "run", "--trace", "--", "/bin/sh", "-c", "exit 7", NULL };
	char *term[] = { CLI_PATH, "run", "--trace", "--", "/bin/sh", "-c", "kill -TERM $$", NULL };
	char *none[] = { CLI_PATH, "run", "--trace", "--", "/nonexistent/cmd", NULL };
	struct run r;

	(void)state;
	run_argv(exit7, env_plain, &r);
	assert_true(WIFEXITED(r.status));
	assert_int_equal(WEXITSTATUS(r.status), 7);
	run_argv(term, env_plain, &r);
	assert_true(WIFSIGNALED(r.status));
	assert_int_equal(WTERMSIG(r.status), SIGTERM);
	run_argv(none, env_plain, &r);
	assert_true(WIFEXITED(r.status));
	assert_int_equal(WEXITSTATUS(r.status), 127);
	assert_true(has_text(&r, "/nonexistent/cmd: No such file or directory"));
}

/* Run @argv as nobody, its output in @r. */
static void run_nobody(char *const argv[], struct run *r)
{
	run_as_uid(NOBODY, 0, argv[0], argv, env_plain, r);
}

/* Not root: the child's filter needs no_new_privs, which the tracer sets
 * and says; the program (-n: it does not set it itself) can then install
 * its own filter too, which without it the kernel refuses (EACCES). A
 * process that is not dumpable cannot be read. */
static void test_not_root(void **state)
{
	char *traced[] = { CLI_PATH, "run", "--trace", "-v", "--", TRACEE_PATH, "-n",
			   "asm:" DOCKER_2019, "clone3", NULL };
	char *plain[] = { TRACEE_PATH, "-n", "asm:" DOCKER_2019, "clone3", NULL };
	struct run r;

	(void)state;
	run_nobody(plain, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=EACCES"));
	assert_true(has(&r, "clone3=EINVAL"));	/* no filter: the kernel's own check */

	run_nobody(traced, &r);
	assert_exited_ok(&r);
	assert_true(has_text(&r, "no_new_privs set"));
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_int_equal(count(&r, "filter of 880 instructions: patched"), 1);

	/* a process that made itself not dumpable (sshd, browsers): a tracer
	 * without CAP_SYS_PTRACE may not read it; the filter goes in untouched,
	 * and the log says why */
	traced[6] = "nodump";
	run_nobody(traced, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "nodump=ok"));
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has_text(&r, "forwarded untouched (the tracer may not read this "
			     "process's memory"));
}

/* ---- a real static binary from Debian --------------------------------- */

/*
 * busybox-static, a shell script in a bwrap sandbox with Docker's 2019
 * profile (bwrap installs it with prctl, then execs busybox): the same
 * output with and without the tracer, but for the filter stack (the
 * tracer's own filter is one more) and what the new syscalls get, probed
 * by the tracee that busybox's shell starts.
 */
static void busybox(enum how how, struct run *r)
{
	char *argv[] = { CLI_PATH, "run", "--trace", "-v", "--",
			 "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
			 "--seccomp", "9", "--", "/bin/busybox", "sh", "-c",
			 "busybox echo start; busybox ls -d /etc; busybox sleep 0.01 & wait; "
			 "busybox cat /proc/self/status | busybox grep Seccomp_filters; "
			 TRACEE_PATH " -n clone3 pthread", NULL };
	int fd = open(DOCKER_2019, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(dup2(fd, 9) == 9);	/* not close-on-exec: bwrap reads it */
	close(fd);
	run_argv(how == TRACED ? argv : argv + 5, env_rseq, r);
	close(9);
}

static void test_busybox_in_bwrap(void **state)
{
	struct run r;

	(void)state;
	if (access("/bin/busybox", X_OK) != 0)
		fail_msg("busybox-static is missing: make deps installs it");
	busybox(PLAIN, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "start"));
	assert_true(has(&r, "/etc"));
	assert_true(has(&r, "Seccomp_filters:\t1"));
	assert_true(has(&r, "clone3=EPERM"));
	assert_true(has(&r, "pthread=EPERM"));

	busybox(TRACED, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "start"));
	assert_true(has(&r, "/etc"));
	assert_true(has(&r, "Seccomp_filters:\t2"));
	assert_true(has(&r, "clone3=ENOSYS"));
	assert_true(has(&r, "pthread=ok"));
	assert_true(has_text(&r, "]: prctl filter of 880 instructions: patched"));
	assert_true(has_text(&r, "enostub: bwrap["));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prctl),
		cmocka_unit_test(test_inline_syscall),
		cmocka_unit_test(test_i386),
		cmocka_unit_test(test_32bit_process),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_fork_exec),
		cmocka_unit_test(test_fork_inherits_scratch),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_tsync),
		cmocka_unit_test(test_scratch_replaced),
		cmocka_unit_test(test_mmap_proof),
		cmocka_unit_test(test_full_stack),
		cmocka_unit_test(test_kernel_answers),
		cmocka_unit_test(test_unproven),
		cmocka_unit_test(test_foreign_trace),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_x32),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_rseq),
		cmocka_unit_test(test_ptrace_twice),
		cmocka_unit_test(test_tracer_death),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_not_root),
		cmocka_unit_test(test_busybox_in_bwrap),
	};

#if !defined(__x86_64__) || defined(__ILP32__)
	return 0;	/* the tracer is x86_64 only */
#endif
	alarm(300);	/* a hang fails the run instead of stopping it */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
