// SPDX-License-Identifier: MIT
/*
 * helper: a small program that installs seccomp filters the way real
 * programs do, then makes real system calls and prints what happened as
 * "name=RESULT" lines (RESULT is "ok", a number, or an errno name).
 * The integration tests run it with and without LD_PRELOAD=libenostub.so.
 *
 *   helper [-n] STEP...
 *   load steps:  prctl:FILTER  seccomp[+FLAGS]:FILTER  sysprctl:FILTER
 *                libseccomp:old|allow|enosys
 *   FILTER:      a .bpf file, or builtin:old | builtin:allow | builtin:enosys
 *                | builtin:y2020 (old + rseq, openat2, pidfd_getfd: a hole
 *                at close_range, below the largest number it knows)
 *                | builtin:kill-min (KILL by default; allows only what a
 *                stacked second install and the probes below need)
 *                | builtin:bad-jump (a jump past the end: invalid)
 *                | builtin:empty (zero instructions: invalid)
 *                | builtin:notify-getpid (ALLOW by default; getpid goes to
 *                the listener, which is this very process: load it with
 *                seccomp+listener, and a getpid() then hangs)
 *                Filters are all built before the first step runs, so a
 *                load under an earlier KILL filter makes no other syscall.
 *   FLAGS:       tsync, log, spec, listener (comma separated), or numbers
 *   probe steps: clone3 faccessat2 close_range pthread faccessat closefrom
 *                closefrom-check (descriptor 1000 open, closefrom(1000), gone?)
 *                openat2
 *                null-prctl null-seccomp hold (prints "ready", waits for a
 *                byte on stdin: the test reads the installed filters)
 *                jail (as sshd does before its filter: chroot into an empty
 *                directory, RLIMIT_NOFILE 0)
 *                mark (every later load step calls getppid() right before
 *                its install request: a marker for a tracer, test_trace)
 *                exec (execs the helper with the steps after it: their
 *                process starts under the filters installed before)
 *                fork (fork(), the child exits at once: "fork=ok")
 *                daemon (daemon(3): the C library's own fork; the later
 *                steps run in the child, which prints "pid=PID")
 *                rodata (how many pages of the preloaded libenostub.so's
 *                .rodata are mapped: "rodata=N", "rodata=none" without it)
 *   safety steps (test_secure):
 *                env (which ENOSTUB_* variables this process has)
 *                reexec-root (as a setuid wrapper does: setresuid(0,0,0),
 *                then exec itself as "helper -n env prctl:builtin:old
 *                close_range", no longer in secure mode)
 *                timeout (SIGALRM ends the process after 10 s)
 *                stderr-tmp (stderr becomes an unnamed regular file)
 *                stderr-broken (stderr becomes a pipe nobody reads)
 *                fsize0 (RLIMIT_FSIZE 0, as sshd's privsep child)
 *                stack (installs builtin:old until the kernel refuses:
 *                "stack=COUNT ERRNO")
 *                stackedge (fills the stack with ALLOW filters, the last of
 *                L instructions, then installs builtin:old. Without
 *                $STACKEDGE_L: prints the largest L for which that works,
 *                "stackedge=L"; with it: "stackedge=ok" or the errno)
 *                wild (prctl and seccomp with programs in the kernel half
 *                and at non-canonical addresses: EFAULT expected)
 *                forkstorm (8 threads install filters while the main
 *                thread forks children that each install one: each must
 *                be patched, and quickly)
 *                mixstack=N (N filters, oldest first, that each answer the
 *                common syscalls of `enostub dump` in their own way: ERRNO
 *                with various errnos, ALLOW, LOG, one KILL_PROCESS; ties
 *                between ERRNO answers decided by the newest filter)
 *                verdicts (each common syscall in a forked child:
 *                "verdict:NAME=RESULT", RESULT the errno name, "ok", or
 *                "KILL" when SIGSYS killed the child)
 *   -n           do not set no_new_privs first
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/select.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "say.h"

#define MAX_INSNS 4096
#define MAX_STEPS 16
/* The newest x86_64 number Docker's 2019 profile knows (io_pgetevents). */
#define OLD_MAX_NR 333

/* Set by the "mark" step. getppid() is a call nothing else here makes, and
 * not through syscall(), which the shim interposes. */
static int marking;

static void mark(void)
{
	if (marking)
		getppid();
}

static void result(const char *name, long ret, int err)
{
	if (ret < 0)
		say("%s=%s\n", name, strerrorname_np(err));
	else
		say("%s=ok\n", name);
}

static size_t read_file(const char *path, struct sock_filter *f)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		say("error=open %s\n", path);
		_exit(91);
	}
	n = read(fd, f, MAX_INSNS * sizeof(*f));
	close(fd);
	if (n <= 0 || n % 8) {
		say("error=read %s\n", path);
		_exit(91);
	}
	return (size_t)n / 8;
}

/* Export a libseccomp filter as raw cBPF. */
static size_t export_ctx(scmp_filter_ctx ctx, struct sock_filter *f)
{
	int fds[2];
	ssize_t n;

	if (pipe(fds) || seccomp_export_bpf(ctx, fds[1]))
		_exit(92);
	close(fds[1]);
	n = read(fds[0], f, MAX_INSNS * sizeof(*f));
	close(fds[0]);
	return n > 0 ? (size_t)n / 8 : 0;
}

static scmp_filter_ctx build_ctx(const char *kind)
{
	scmp_filter_ctx ctx;
	int nr;

	if (strcmp(kind, "allow") == 0) {
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(acct), 0);
		return ctx;
	}
	ctx = seccomp_init(strcmp(kind, "enosys") == 0 ? SCMP_ACT_ERRNO(ENOSYS)
						       : SCMP_ACT_ERRNO(EPERM));
	/* A 2019-era allowlist: every x86_64 syscall up to io_pgetevents. */
	for (nr = 0; nr <= OLD_MAX_NR; nr++)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	if (strcmp(kind, "y2020") == 0) {
		/* Linux 5.6 era: rseq, openat2 and pidfd_getfd too, but it
		 * predates clone3's use by glibc and close_range (5.9) */
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rseq), 0);
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat2), 0);
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pidfd_getfd), 0);
	}
	return ctx;
}

static size_t builtin_kill_min(struct sock_filter *f)
{
	static const int allow[] = {
		SCMP_SYS(seccomp), SCMP_SYS(prctl), SCMP_SYS(write),
		SCMP_SYS(exit_group), SCMP_SYS(exit), SCMP_SYS(close_range),
		SCMP_SYS(read), SCMP_SYS(ioctl),
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	size_t i, n;

	for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0);
	n = export_ctx(ctx, f);
	seccomp_release(ctx);
	return n;
}

/*
 * A 2010-era allow-list that kills everything else: fstat, stat, select and
 * nanosleep, but none of the calls glibc 2.33+ makes for them (newfstatat,
 * pselect6, clock_nanosleep). legacy-trap: TRAP instead of KILL.
 */
static size_t builtin_legacy(struct sock_filter *f, uint32_t deflt, bool mt, bool exec)
{
	/* legacy-exec: exec and a static program's start-up too */
	static const int allow_exec[] = {
		SCMP_SYS(execve), SCMP_SYS(arch_prctl), SCMP_SYS(set_tid_address),
		SCMP_SYS(mprotect), SCMP_SYS(readlink),
	};
	/* legacy-mt: threads and fork too (clone3 is then the largest known) */
	static const int allow_mt[] = {
		SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(mprotect), SCMP_SYS(rseq),
		SCMP_SYS(set_robust_list), SCMP_SYS(futex), SCMP_SYS(madvise),
		SCMP_SYS(wait4), SCMP_SYS(exit),
		/* what the ASan runtime calls when a thread starts (make asan) */
		SCMP_SYS(sched_getaffinity), SCMP_SYS(sigaltstack), SCMP_SYS(getrlimit),
		SCMP_SYS(prlimit64), SCMP_SYS(mremap), SCMP_SYS(sched_yield),
	};
	static const int allow[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(fstat),
		SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(select), SCMP_SYS(nanosleep),
		SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(brk),
		SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(tgkill), SCMP_SYS(prctl),
		SCMP_SYS(clock_gettime),
	};
	scmp_filter_ctx ctx = seccomp_init(deflt);
	size_t i, n;

	for (i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0);
	for (i = 0; mt && i < sizeof(allow_mt) / sizeof(allow_mt[0]); i++)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow_mt[i], 0);
	for (i = 0; exec && i < sizeof(allow_exec) / sizeof(allow_exec[0]); i++)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow_exec[i], 0);
	n = export_ctx(ctx, f);
	seccomp_release(ctx);
	return n;
}

static size_t builtin_notify_getpid(struct sock_filter *f)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	size_t n;

	seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getpid), 0);
	n = export_ctx(ctx, f);
	seccomp_release(ctx);
	return n;
}

static size_t get_filter(const char *spec, struct sock_filter *f)
{
	scmp_filter_ctx ctx;
	size_t n;

	if (strncmp(spec, "builtin:", 8) != 0)
		return read_file(spec, f);
	spec += 8;
	if (strcmp(spec, "notify-getpid") == 0)
		return builtin_notify_getpid(f);
	if (strcmp(spec, "kill-min") == 0)
		return builtin_kill_min(f);
	if (strcmp(spec, "legacy") == 0)
		return builtin_legacy(f, SCMP_ACT_KILL_PROCESS, false, false);
	if (strcmp(spec, "legacy-mt") == 0)
		return builtin_legacy(f, SCMP_ACT_KILL_PROCESS, true, false);
	if (strcmp(spec, "legacy-exec") == 0)
		return builtin_legacy(f, SCMP_ACT_KILL_PROCESS, false, true);
	if (strcmp(spec, "legacy-kill-thread") == 0)
		return builtin_legacy(f, SCMP_ACT_KILL_THREAD, false, false);
	if (strcmp(spec, "legacy-trap") == 0)
		return builtin_legacy(f, SCMP_ACT_TRAP, false, false);
	if (strcmp(spec, "empty") == 0)
		return 0;
	if (strcmp(spec, "bad-jump") == 0) {
		const struct sock_filter bad[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		};
		memcpy(f, bad, sizeof(bad));
		return sizeof(bad) / sizeof(bad[0]);
	}
	ctx = build_ctx(spec);
	n = export_ctx(ctx, f);
	seccomp_release(ctx);
	return n;
}

static unsigned long parse_flags(const char *s)
{
	unsigned long flags = 0;
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "tsync") == 0)
			flags |= SECCOMP_FILTER_FLAG_TSYNC;
		else if (strcmp(tok, "log") == 0)
			flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (strcmp(tok, "spec") == 0)
			flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		else if (strcmp(tok, "listener") == 0)
			flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		else
			flags |= strtoul(tok, NULL, 0);
	}
	return flags;
}

/* A listener fd answers NOTIF_ID_VALID for an unknown id with ENOENT. */
static void check_listener(long fd)
{
	__u64 id = 12345;
	int r = ioctl((int)fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id);

	result("listener", r, errno);
}

static void load(const char *how, struct sock_fprog prog)
{
	const char *plus = strchr(how, '+');
	unsigned long flags = plus ? parse_flags(plus + 1) : 0;
	long r;

	mark();
	if (strcmp(how, "prctl") == 0)
		r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	else if (strcmp(how, "sysprctl") == 0)
		r = syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	else
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	result("load", r, errno);
	if (r > 0 && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		check_listener(r);
	else if (r > 0)
		say("load_ret=%ld\n", r);
}

static void load_libseccomp(const char *kind)
{
	scmp_filter_ctx ctx = build_ctx(kind);
	int r;

	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	mark();
	r = seccomp_load(ctx);
	result("load", r < 0 ? -1 : 0, -r);
	seccomp_release(ctx);
}

static void *thread_main(void *arg)
{
	return arg;
}

static void env_step(void)
{
	static const char *const vars[] = { "ENOSTUB_CONFIG", "ENOSTUB_LOG", "ENOSTUB_MODE" };
	char buf[128] = "";
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (getenv(vars[i]))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 buf[0] ? "," : "", vars[i]);
	say("env=%s\n", buf[0] ? buf : "none");
}

static void reexec_root(void)
{
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0)) {
		result("reexec-root", -1, errno);
		return;
	}
	execl("/proc/self/exe", "helper", "-n", "env", "prctl:builtin:old",
	      "close_range", (char *)NULL);
	result("reexec-root", -1, errno);
}

/* A generic program of the old builtin, built once (libseccomp allocates). */
static struct sock_fprog old_prog(void)
{
	static struct sock_filter f[MAX_INSNS];
	static struct sock_fprog p;

	if (!p.filter) {
		p.len = (unsigned short)get_filter("builtin:old", f);
		p.filter = f;
	}
	return p;
}

static void stack_step(void)
{
	struct sock_fprog p = old_prog();
	long n = 0;

	while (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p, 0, 0) == 0)
		n++;
	say("stack=%ld %s\n", n, strerrorname_np(errno));
}

static void wild_step(void)
{
	static const unsigned long where[] = {
		0xffffffff81000000ul, 0xffff800000000000ul, 0x0000800000000000ul,
		0x00ff000000000000ul, 0x7ffffffffff8ul,
	};
	struct sock_fprog inner;
	size_t i;
	long r1, r2, r3;
	int e1, e2, e3;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		r1 = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, where[i], 0, 0);
		e1 = errno;
		r2 = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, where[i]);
		e2 = errno;
		/* a readable program whose instructions are not */
		inner.len = 8;
		inner.filter = (struct sock_filter *)where[i];
		r3 = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &inner);
		e3 = errno;
		say("wild=%#lx %s %s %s\n", where[i], r1 ? strerrorname_np(e1) : "ok",
		    r2 ? strerrorname_np(e2) : "ok", r3 ? strerrorname_np(e3) : "ok");
	}
}

/* An ALLOW filter of @len instructions (padding loads, then RET ALLOW):
 * enostub leaves it untouched. */
static struct sock_fprog filler(unsigned short len)
{
	static struct sock_filter f[MAX_INSNS];
	unsigned short i;

	for (i = 0; i + 1 < len; i++)
		f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, 0);
	f[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return (struct sock_fprog){ len, f };
}

/* In a child: fill with 4000-instruction fillers, one of @len, then the
 * old filter. Exit status 0 if it went in, 1 if refused, 2 if the last
 * filler was. */
static int edge_try(unsigned short len, struct sock_fprog old)
{
	struct sock_fprog big = filler(4000), last;
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		while (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &big, 0, 0) == 0)
			;
		last = filler(len);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &last, 0, 0))
			_exit(2);
		_exit(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &old, 0, 0) ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 3;
	return WEXITSTATUS(st);
}

static void stackedge(void)
{
	struct sock_fprog old = old_prog();
	const char *l = getenv("STACKEDGE_L");
	unsigned short lo = 1, hi = 4000, mid;
	int r;

	if (l) {
		r = edge_try((unsigned short)atoi(l), old);
		say("stackedge=%s\n", r == 0 ? "ok" : r == 1 ? "refused" : "filler-refused");
		return;
	}
	if (edge_try(lo, old) != 0) {
		say("stackedge=none\n");
		return;
	}
	while (lo < hi) {	/* the largest len that works lies in [lo, hi] */
		mid = (unsigned short)(lo + (hi - lo + 1) / 2);
		if (edge_try(mid, old) == 0)
			lo = mid;
		else
			hi = (unsigned short)(mid - 1);
	}
	say("stackedge=%u\n", lo);
}

/* forkstorm: installing threads keep the shim busy while children fork */
static volatile int storm_on;

static void *storm_worker(void *arg)
{
	struct sock_fprog p = *(struct sock_fprog *)arg;
	int i;

	/* about 90 fit in one thread's stack of filters */
	for (i = 0; i < 60 && storm_on; i++)
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p, 0, 0))
			break;
	return NULL;
}

/* Keeps installing from fresh threads (each starts with no filter) for as
 * long as the storm lasts. */
static void *storm_thread(void *arg)
{
	pthread_t w;

	while (storm_on && pthread_create(&w, NULL, storm_worker, arg) == 0)
		pthread_join(w, NULL);
	return NULL;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* In the child: install, then 0 if patched (close_range ENOSYS) within
 * 50 ms, 1 if unpatched (a child that inherited a held lock gives up on it
 * and forwards the filter untouched), 2 if patched but slow (a loaded
 * machine), 3 if refused. */
static void storm_child(struct sock_fprog *p)
{
	struct timespec t0;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, p, 0, 0))
		_exit(3);
	ms = ms_since(&t0);
	if (syscall(SYS_close_range, 1000, 1000, 0) == 0 || errno != ENOSYS)
		_exit(1);
	_exit(ms > 50 ? 2 : 0);
}

static void forkstorm(void)
{
	struct sock_fprog p = old_prog();
	pthread_t t[8];
	int i, n = 0, bad[4] = { 0 }, st;
	pid_t pid;

	storm_on = 1;
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, storm_thread, &p);
	for (n = 0; n < 200; n++) {
		pid = fork();
		if (pid == 0)
			storm_child(&p);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
			bad[3]++;
		else
			bad[WEXITSTATUS(st) & 3]++;
	}
	storm_on = 0;
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	say("forkstorm=%d patched, %d unpatched, %d slow, %d failed\n", bad[0], bad[1],
	    bad[2], bad[3]);
}

/* The syscalls `enostub dump` gives verdicts for, in its order. */
static const char *const dump_common[] = {
	"clone3", "faccessat2", "close_range", "openat2", "fchmodat2", "statx",
	"rseq", "epoll_pwait2",
};
#define NCOMMON (sizeof(dump_common) / sizeof(dump_common[0]))
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
static const long dump_nr[NCOMMON] = {
	SYS_clone3, SYS_faccessat2, SYS_close_range, SYS_openat2, SYS_fchmodat2,
	SYS_statx, SYS_rseq, SYS_epoll_pwait2,
};

/* What filter @i of @n (0 the oldest) answers common syscall @j. */
static uint32_t mix_action(long i, long n, size_t j)
{
	static const uint32_t pick[] = {
		SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_ERRNO | ENOSYS,
		SECCOMP_RET_ERRNO | EACCES, SECCOMP_RET_LOG, SECCOMP_RET_ERRNO | EROFS,
	};

	if (j == 0)		/* clone3: the oldest EPERM, the newest ENOSYS */
		return SECCOMP_RET_ERRNO | (i == n - 1 ? ENOSYS : EPERM);
	if (j == NCOMMON - 1 && i == 0 && n > 1)
		return SECCOMP_RET_KILL_PROCESS;	/* the oldest kills: it wins */
	return pick[(size_t)(i * 7 + (long)j * 3 + n) % (sizeof(pick) / sizeof(pick[0]))];
}

/* mixstack=N: N filters of x86_64 that answer the common syscalls. */
static void mixstack(const char *what)
{
	struct sock_filter f[4 + 2 * NCOMMON];
	struct sock_fprog p = { sizeof(f) / sizeof(f[0]), f };
	long n = atol(what + strlen("mixstack=")), i;
	size_t j, k;

	for (i = 0; i < n; i++) {
		k = 0;
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4);
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      AUDIT_ARCH_X86_64, 0, 2 * NCOMMON + 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
		for (j = 0; j < NCOMMON; j++) {
			f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							      (uint32_t)dump_nr[j], 0, 1);
			f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							      mix_action(i, n, j));
		}
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p, 0, 0)) {
			result("mixstack", -1, errno);
			return;
		}
	}
	say("mixstack=%ld\n", n);
}

/* In a child: common syscall @j with arguments the kernel refuses or
 * ignores harmlessly; exits with its errno, 0 on success. */
static void verdict_child(size_t j)
{
	struct statx stx;
	char buf[64];
	long r;

	errno = 0;
	if (dump_nr[j] == SYS_clone3)
		r = syscall(SYS_clone3, NULL, 0);
	else if (dump_nr[j] == SYS_close_range)
		r = syscall(SYS_close_range, 1000, 1000, 0);
	else if (dump_nr[j] == SYS_openat2)
		r = syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0);
	else if (dump_nr[j] == SYS_statx)
		r = syscall(SYS_statx, -1, "x", 0, 0, &stx);
	else if (dump_nr[j] == SYS_rseq)
		r = syscall(SYS_rseq, NULL, 0, 0, 0);
	else if (dump_nr[j] == SYS_epoll_pwait2)
		r = syscall(SYS_epoll_pwait2, -1, buf, 1, NULL, NULL, 0);
	else	/* faccessat2, fchmodat2: a bad directory descriptor */
		r = syscall(dump_nr[j], -1, "x", 0, 0);
	_exit(r < 0 ? errno : 0);
}

/* verdicts: what the kernel answers each common syscall here. */
static void verdicts(void)
{
	size_t j;
	pid_t pid;
	int st;

	for (j = 0; j < NCOMMON; j++) {
		pid = fork();
		if (pid == 0)
			verdict_child(j);
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			say("verdict:%s=error\n", dump_common[j]);
		else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
			say("verdict:%s=KILL\n", dump_common[j]);
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			say("verdict:%s=ok\n", dump_common[j]);
		else if (WIFEXITED(st))
			say("verdict:%s=%s\n", dump_common[j],
			    strerrorname_np(WEXITSTATUS(st)));
		else
			say("verdict:%s=signal %d\n", dump_common[j], WTERMSIG(st));
	}
}

/* Safety steps; false if @what is none of them. */
static bool safety_step(const char *what)
{
	struct rlimit zero = { 0, 0 };
	int fd;

	if (strcmp(what, "env") == 0)
		env_step();
	else if (strcmp(what, "reexec-root") == 0)
		reexec_root();
	else if (strcmp(what, "timeout") == 0)
		alarm(10);
	else if (strcmp(what, "stderr-tmp") == 0) {
		fd = open("/tmp", O_TMPFILE | O_WRONLY, 0600);
		result(what, fd < 0 || dup2(fd, STDERR_FILENO) < 0 ? -1 : 0, errno);
	} else if (strcmp(what, "stderr-broken") == 0) {
		int p[2];

		result(what, pipe(p) || close(p[0]) || dup2(p[1], STDERR_FILENO) < 0 ?
		       -1 : 0, errno);
	} else if (strcmp(what, "fsize0") == 0)
		result(what, setrlimit(RLIMIT_FSIZE, &zero), errno);
	else if (strcmp(what, "stack") == 0)
		stack_step();
	else if (strcmp(what, "wild") == 0)
		wild_step();
	else if (strcmp(what, "forkstorm") == 0)
		forkstorm();
	else if (strcmp(what, "stackedge") == 0)
		stackedge();
	else
		return false;
	return true;
}

static void *fstat_thread(void *arg)
{
	struct stat st;
	long r = fstat(STDOUT_FILENO, &st);

	result("thread-fstat", r, errno);
	return arg;
}

/* own-sigsys: the program's own SIGSYS handler, as a sandboxed program
 * that traps calls itself has: it reports the call and its data, and the
 * call fails with EPERM. */
static void own_sigsys(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	say("sigsys=%d/%d\n", si->si_syscall, si->si_errno);
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
}

/* The address range of section @name of the ELF file @path, relative
 * to its load address; false if there is none. */
static bool elf_section(const char *path, const char *name, uint64_t *lo, uint64_t *hi)
{
	static char names[1 << 16];
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strs;
	int fd = open(path, O_RDONLY | O_CLOEXEC), i;
	bool found = false;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    pread(fd, &strs, sizeof(strs), (off_t)(eh.e_shoff + eh.e_shstrndx * sizeof(sh))) !=
	    sizeof(strs) || strs.sh_size >= sizeof(names) ||
	    pread(fd, names, strs.sh_size, (off_t)strs.sh_offset) != (ssize_t)strs.sh_size) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	for (i = 0; i < eh.e_shnum && !found; i++)
		if (pread(fd, &sh, sizeof(sh), (off_t)(eh.e_shoff + i * sizeof(sh))) == sizeof(sh) &&
		    sh.sh_name < strs.sh_size && strcmp(names + sh.sh_name, name) == 0) {
			*lo = sh.sh_addr;
			*hi = sh.sh_addr + sh.sh_size;
			found = true;
		}
	close(fd);
	return found;
}

/* Pages of libenostub.so's .rodata present in this process (pagemap): a
 * page is present once touched, or mapped around a touched one. */
static void rodata_pages(void)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), n = 0;
	char line[512], path[400] = "";
	unsigned long base = 0, a;
	uint64_t lo, hi, e;

	while (maps && fgets(line, sizeof(line), maps))
		if (strstr(line, "/libenostub.so") && !base &&
		    sscanf(line, "%lx-%*x %*s 00000000 %*s %*s %399s", &base, path) != 2)
			base = 0;
	if (maps)
		fclose(maps);
	if (!base || pm < 0 || !elf_section(path, ".rodata", &lo, &hi)) {
		say("rodata=none\n");
		return;
	}
	for (a = (base + lo) & ~4095ul; a < base + hi; a += 4096)
		if (pread(pm, &e, sizeof(e), (off_t)(a / 4096 * sizeof(e))) == sizeof(e) &&
		    (e >> 63))
			n++;
	close(pm);
	say("rodata=%d\n", n);
}

static void probe(const char *what)
{
	long r;

	errno = 0;
	if (strcmp(what, "clone3") == 0) {
		r = syscall(SYS_clone3, NULL, 0);
		result(what, r, errno);
	} else if (strcmp(what, "faccessat2") == 0) {
		r = syscall(SYS_faccessat2, AT_FDCWD, "/", F_OK, 0);
		result(what, r, errno);
	} else if (strcmp(what, "close_range") == 0) {
		r = syscall(SYS_close_range, 1000, 1000, 0);
		result(what, r, errno);
	} else if (strcmp(what, "pthread") == 0) {
		pthread_t t;
		int e = pthread_create(&t, NULL, thread_main, NULL);

		if (e == 0)
			pthread_join(t, NULL);
		result(what, e ? -1 : 0, e);
	} else if (strcmp(what, "faccessat") == 0) {
		r = faccessat(AT_FDCWD, "/", R_OK, AT_EACCESS);
		result(what, r, errno);
	} else if (strcmp(what, "closefrom") == 0) {
		closefrom(1000);
		say("closefrom=ok\n");
	} else if (strcmp(what, "fstat") == 0) {
		struct stat st;

		r = fstat(STDOUT_FILENO, &st);
		result(what, r, errno);
	} else if (strcmp(what, "stat") == 0) {
		struct stat st;

		r = stat("/", &st);
		if (r == 0 && !S_ISDIR(st.st_mode))
			say("stat=wrong\n");
		else
			result(what, r, errno);
	} else if (strcmp(what, "select") == 0) {
		struct timeval tv = { 0, 1000 };

		r = select(0, NULL, NULL, NULL, &tv);
		result(what, r, errno);
	} else if (strcmp(what, "sleep") == 0) {
		struct timespec ts = { 0, 1000000 };

		r = nanosleep(&ts, NULL);
		result(what, r, errno);
	} else if (strcmp(what, "fstat-cwd-empty") == 0) {
		/* newfstatat with no classic equivalent for these arguments */
		struct stat st;

		r = fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH);
		result(what, r, errno);
	} else if (strcmp(what, "open") == 0) {
		r = open("/", O_RDONLY | O_DIRECTORY);
		result(what, r, errno);
	} else if (strcmp(what, "thread-fstat") == 0) {
		pthread_t t;
		int e = pthread_create(&t, NULL, fstat_thread, NULL);

		if (e == 0)
			pthread_join(t, NULL);
		else
			result(what, -1, e);
	} else if (strcmp(what, "fork-fstat") == 0) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			struct stat sb;

			r = fstat(STDOUT_FILENO, &sb);
			result("child-fstat", r, errno);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			result(what, -1, errno);
		else
			say("fork-fstat=%s\n", WIFEXITED(st) ? "exited" : "killed");
	} else if (strncmp(what, "exec=", 5) == 0) {
		/* the filter stays; enostub comes along only in the environment */
		char *argv[] = { (char *)what + 5, NULL }, *envp[] = { NULL };

		execve(what + 5, argv, envp);
		result("exec", -1, errno);
	} else if (strcmp(what, "own-sigsys") == 0) {
		struct sigaction sa, old;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = own_sigsys;
		sa.sa_flags = SA_SIGINFO;
		r = sigaction(SIGSYS, &sa, NULL);
		result(what, r, errno);
		r = sigaction(SIGSYS, NULL, &old);
		say("own-sigsys-kept=%s\n", r == 0 && old.sa_sigaction == own_sigsys ? "yes" : "no");
	} else if (strcmp(what, "openat2") == 0) {
		struct open_how how = { .flags = O_RDONLY | O_DIRECTORY };

		r = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
		result(what, r, errno);
		if (r >= 0)
			close((int)r);
	} else if (strcmp(what, "closefrom-check") == 0) {
		/* closefrom really closed an open descriptor */
		if (dup2(STDIN_FILENO, 1000) != 1000) {
			result(what, -1, errno);
		} else {
			closefrom(1000);
			r = fcntl(1000, F_GETFD);
			say("closefrom-check=%s\n", r < 0 && errno == EBADF ? "ok" : "still-open");
		}
	} else if (strcmp(what, "null-prctl") == 0) {
		r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0);
		result(what, r, errno);
	} else if (strcmp(what, "null-seccomp") == 0) {
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, NULL);
		result(what, r, errno);
	} else if (strcmp(what, "jail") == 0) {
		char dir[] = "/tmp/enostub-jail-XXXXXX";
		struct rlimit none = { 0, 0 };

		/* an unlinked directory: nothing at all to open in there */
		r = mkdtemp(dir) && chdir(dir) == 0 && rmdir(dir) == 0 &&
		    chroot(".") == 0 && setrlimit(RLIMIT_NOFILE, &none) == 0 ? 0 : -1;
		result(what, r, errno);
	} else if (strcmp(what, "mark") == 0) {
		marking = 1;
	} else if (strcmp(what, "rodata") == 0) {
		rodata_pages();
	} else if (strcmp(what, "fork") == 0) {
		pid_t pid = fork();
		int st = 0;

		if (pid == 0)
			_exit(0);
		r = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? 0 : -1;
		result(what, r, errno);
	} else if (strcmp(what, "daemon") == 0) {
		r = daemon(1, 1);
		result(what, r, errno);
		say("pid=%d\n", (int)getpid());
	} else if (strncmp(what, "mixstack=", 9) == 0) {
		mixstack(what);
	} else if (strcmp(what, "verdicts") == 0) {
		verdicts();
	} else if (safety_step(what)) {
		/* done */
	} else if (strcmp(what, "hold") == 0) {
		char c;

		say("ready\n");
		r = read(STDIN_FILENO, &c, 1);
		(void)r;
	} else {
		say("error=unknown step %s\n", what);
		_exit(93);
	}
}

int main(int argc, char **argv)
{
	static struct sock_filter filters[MAX_STEPS][MAX_INSNS];
	static char *orig[MAX_STEPS + 1];
	struct sock_fprog progs[MAX_STEPS] = { { 0, NULL } };
	int i, first = 1;

	if (argc > MAX_STEPS)
		return 95;
	if (first < argc && strcmp(argv[first], "-n") == 0)
		first++;
	for (i = 0; i < argc; i++)
		orig[i] = strdup(argv[i]);
	orig[argc] = NULL;
	/* Build every filter first: later steps may run under a KILL filter. */
	for (i = first; i < argc; i++) {
		char *arg = strchr(argv[i], ':');

		if (!arg || strncmp(argv[i], "libseccomp:", 11) == 0)
			continue;
		*arg++ = '\0';
		progs[i].len = (unsigned short)get_filter(arg, filters[i]);
		progs[i].filter = filters[i];
	}
	if (first == 1 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 94;
	for (i = first; i < argc; i++) {
		if (strcmp(argv[i], "exec") == 0) {
			orig[i] = orig[0];
			execv("/proc/self/exe", orig + i);
			say("exec=%s\n", strerror(errno));
			_exit(92);
		}
		if (progs[i].filter)
			load(argv[i], progs[i]);
		else if (strncmp(argv[i], "libseccomp:", 11) == 0)
			load_libseccomp(argv[i] + 11);
		else
			probe(argv[i]);
	}
	say("done=ok\n");
	_exit(0);
}
