// SPDX-License-Identifier: MIT
/*
 * tsync: a multi-threaded program that installs an old filter for all its
 * threads at once, as a server does after it started its workers.
 *
 *   tsync FILTER NTHREADS
 *
 * Starts NTHREADS threads, waits until they all run, sets no_new_privs and
 * installs FILTER (a raw cBPF file) with
 * syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC).
 * Then every thread, the main one included, reports on one line:
 *
 *   threadN: before=MODE seccomp=MODE filters=COUNT faccessat2=R close_range=R faccessat=R
 *
 * MODE and COUNT are the Seccomp and Seccomp_filters fields of
 * /proc/thread-self/status before and after the install; R is "ok" or an
 * errno name: faccessat2 and close_range raw, faccessat through glibc with
 * AT_EACCESS (which tries faccessat2 first and falls back only on ENOSYS).
 * No thread is started after the install (see README, "rseq").
 * Exit status 0 and a last line "done=ok" unless the program itself failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_INSNS 4096
#define MAX_THREADS 16
#define LINE_MAX_LEN 256

struct worker {
	pthread_t id;
	int index;
	char before[16];
	char line[LINE_MAX_LEN];
};

static struct worker workers[MAX_THREADS + 1];	/* [0] is the main thread */
static pthread_barrier_t started, installed;

/* Copy the value of a /proc/thread-self/status field, or "?". */
static void status_field(const char *field, char *out, size_t size)
{
	char buf[4096], key[64], *p;
	int fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	snprintf(out, size, "?");
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	snprintf(key, sizeof(key), "\n%s:", field);	/* never the first line */
	p = strstr(buf, key);
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, " \t");
	snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
}

static const char *outcome(long ret, int err)
{
	return ret < 0 ? strerrorname_np(err) : "ok";
}

/* The probes, run by every thread after the install. */
static void probe(struct worker *w)
{
	char mode[16], count[16];
	const char *fa2, *cr, *fa;
	long r;

	status_field("Seccomp", mode, sizeof(mode));
	status_field("Seccomp_filters", count, sizeof(count));
	r = syscall(SYS_faccessat2, AT_FDCWD, "/", R_OK, AT_EACCESS);
	fa2 = outcome(r, errno);
	r = syscall(SYS_close_range, 1000, 1000, 0);
	cr = outcome(r, errno);
	r = faccessat(AT_FDCWD, "/", R_OK, AT_EACCESS);
	fa = outcome(r, errno);
	snprintf(w->line, sizeof(w->line),
		 "thread%d: before=%s seccomp=%s filters=%s faccessat2=%s close_range=%s faccessat=%s",
		 w->index, w->before, mode, count, fa2, cr, fa);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	status_field("Seccomp", w->before, sizeof(w->before));
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&installed);
	probe(w);
	return NULL;
}

static int read_filter(const char *path, struct sock_filter *f, unsigned short *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, f, MAX_INSNS * sizeof(*f));
	close(fd);
	if (n <= 0 || n % (ssize_t)sizeof(*f))
		return -1;
	*len = (unsigned short)(n / (ssize_t)sizeof(*f));
	return 0;
}

int main(int argc, char **argv)
{
	static struct sock_filter insns[MAX_INSNS];
	struct sock_fprog prog = { 0, insns };
	int i, n = argc == 3 ? atoi(argv[2]) : 0;
	long r;

	if (n < 1 || n > MAX_THREADS) {
		fprintf(stderr, "usage: tsync FILTER NTHREADS (1-%d)\n", MAX_THREADS);
		return 2;
	}
	if (read_filter(argv[1], insns, &prog.len)) {
		fprintf(stderr, "tsync: cannot read a filter from %s\n", argv[1]);
		return 1;
	}
	pthread_barrier_init(&started, NULL, (unsigned)n + 1);
	pthread_barrier_init(&installed, NULL, (unsigned)n + 1);
	status_field("Seccomp", workers[0].before, sizeof(workers[0].before));
	for (i = 1; i <= n; i++) {
		workers[i].index = i;
		if (pthread_create(&workers[i].id, NULL, worker_main, &workers[i])) {
			fprintf(stderr, "tsync: pthread_create failed\n");
			return 1;
		}
	}
	pthread_barrier_wait(&started);	/* every thread runs */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 1;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	printf("load=%s\n", r == 0 ? "ok" : r > 0 ? "thread not synchronised" : strerrorname_np(errno));
	pthread_barrier_wait(&installed);
	probe(&workers[0]);
	for (i = 1; i <= n; i++)
		pthread_join(workers[i].id, NULL);
	for (i = 0; i <= n; i++)
		printf("%s\n", workers[i].line);
	printf("done=ok\n");
	return 0;
}
