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
 *   -n           do not set no_new_privs first
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_INSNS 4096
#define MAX_STEPS 16
/* The newest x86_64 number Docker's 2019 profile knows (io_pgetevents). */
#define OLD_MAX_NR 333

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

static size_t get_filter(const char *spec, struct sock_filter *f)
{
	scmp_filter_ctx ctx;
	size_t n;

	if (strncmp(spec, "builtin:", 8) != 0)
		return read_file(spec, f);
	spec += 8;
	if (strcmp(spec, "kill-min") == 0)
		return builtin_kill_min(f);
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
	struct sock_fprog progs[MAX_STEPS] = { { 0, NULL } };
	int i, first = 1;

	if (argc > MAX_STEPS)
		return 95;
	if (first < argc && strcmp(argv[first], "-n") == 0)
		first++;
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
