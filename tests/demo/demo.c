// SPDX-License-Identifier: MIT
/*
 * demo: an "unmodified program" with a 2019-era sandbox. It installs the
 * filter it is given (Docker's v19.03 default profile in `make demo`) with
 * prctl(PR_SET_SECCOMP), the way many programs do, re-executes itself inside
 * the sandbox, then does what a program does with a 2022 glibc: start a
 * thread (clone3), check access (faccessat2), close file descriptors
 * (close_range). Exit status 0 when everything works, 1 otherwise.
 *
 *   demo FILTER.bpf
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_INSNS 4096

static int failures;

static void report(const char *what, int err, const char *note)
{
	printf("    %-34s %s%s\n", what, err ? strerrorname_np(err) : "ok",
	       err ? note : "");
	if (err && err != ENOSYS)
		failures++;
}

static void *thread_main(void *arg)
{
	return arg;
}

/* Inside the sandbox: what a program built against glibc 2.36 does. */
static int work(void)
{
	pthread_t t;
	int e;

	e = pthread_create(&t, NULL, thread_main, NULL);
	if (e == 0)
		pthread_join(t, NULL);
	report("pthread_create()", e, "   (a thread could not start)");

	e = faccessat(AT_FDCWD, "/", R_OK, AT_EACCESS) ? errno : 0;
	report("faccessat(\"/\", AT_EACCESS)", e, "   (access check refused)");

	e = syscall(SYS_close_range, 100, 200, 0) ? errno : 0;
	report("close_range(100, 200) [raw]", e,
	       e == ENOSYS ? "   (callers fall back)" : "   (callers give up)");

	e = syscall(SYS_clone3, NULL, 0) ? errno : 0;
	report("clone3() [raw]", e == EFAULT || e == EINVAL ? 0 : e,
	       e == ENOSYS ? "   (glibc falls back to clone)" : "   (glibc gives up)");
	return failures ? 1 : 0;
}

static int install(const char *path)
{
	static struct sock_filter insn[MAX_INSNS];
	struct sock_fprog prog = { 0, insn };
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		perror(path);
		return -1;
	}
	n = read(fd, insn, sizeof(insn));
	close(fd);
	if (n <= 0 || n % sizeof(insn[0])) {
		fprintf(stderr, "%s: not a cBPF program\n", path);
		return -1;
	}
	prog.len = (unsigned short)(n / sizeof(insn[0]));
	printf("    installing %s (%u instructions) with prctl\n", path, prog.len);
	fflush(stdout);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0)) {
		perror("prctl");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--work") == 0)
		return work();
	if (argc != 2) {
		fprintf(stderr, "usage: demo FILTER.bpf\n");
		return 2;
	}
	if (install(argv[1]))
		return 2;
	/* Start afresh inside the sandbox, as a sandboxed service would. */
	execl("/proc/self/exe", argv[0], "--work", (char *)NULL);
	perror("execl");
	return 2;
}
