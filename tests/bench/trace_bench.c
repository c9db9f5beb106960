// SPDX-License-Identifier: MIT
/*
 * trace_bench: what `enostub run --trace` costs a program, next to the
 * preload library (`enostub run`) and to nothing, measured in one run:
 * the three run in turns (each goes first in turn), and each figure is a
 * median, with the fastest next to it, because the machines are shared
 * and noisy (a fork+exec's slowest tenth can take ten times its median).
 *
 *   trace_bench CLI FILTER        the figures
 *   trace_bench work KIND N FILTER
 *                                 one workload: install FILTER with prctl()
 *                                 (timed), then N iterations of KIND, and
 *                                 print "install_ns=... med_ns=... min_ns=..."
 * KIND: spawn (fork + exec /bin/true: a fork and an exec stop each, for
 * the tracer), syscalls (getppid, in batches of BATCH: the hot path, where
 * the tracer's own filter must cost nothing), start (no install, no loop:
 * the whole command is timed from outside, enostub's own start included).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

#define ROUNDS 8
#define SPAWNS 100
#define BATCH 1000
#define CALLS (200 * BATCH)
#define STARTS 20

enum cfg { PLAIN, PRELOAD, TRACE, NCFG };
static const char *const cfg_name[NCFG] = { "plain", "preload", "--trace" };




/* ---- the workload ----------------------------------------------------- */

static double install(const char *path)
{
	static struct sock_filter f[4096];
	struct sock_fprog prog;
	double t0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	n = fd < 0 ? -1 : read(fd, f, sizeof(f));
	if (n <= 0 || n % 8 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		exit(2);
	close(fd);
	prog.len = (unsigned short)(n / 8);
	prog.filter = f;
	t0 = now_ns();
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		exit(3);
	return now_ns() - t0;
}

static void spawn_true(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid)
		exit(4);
}

/* ns per iteration: spawn one at a time, getppid per batch */
static int work(const char *kind, long n, const char *filter)
{
	const int spawn = strcmp(kind, "spawn") == 0;
	const long each = spawn ? 1 : BATCH;
	double *t, ins, t0;
	long i, j, k = 0;

	if (strcmp(kind, "start") == 0)
		return 0;
	t = malloc((size_t)(n / each) * sizeof(*t));
	if (!t || n < each)
		return 5;
	ins = install(filter);
	for (i = 0; i + each <= n; i += each) {
		t0 = now_ns();
		for (j = 0; j < each; j++) {
			if (spawn)
				spawn_true();
			else
				syscall(SYS_getppid);
		}
		t[k++] = (now_ns() - t0) / (double)each;
	}
	qsort(t, (size_t)k, sizeof(*t), cmp_double);
	printf("install_ns=%.0f med_ns=%.1f min_ns=%.1f\n", ins, t[k / 2], t[0]);
	return 0;
}

/* ---- the driver ------------------------------------------------------- */

struct fig {
	double install, med, min, whole;
};

/* The command line of the workload under @c. */
static void command(enum cfg c, const char *cli, const char *self, const char *kind,
		    char *num, const char *filter, char **argv)
{
	if (c != PLAIN) {
		*argv++ = (char *)cli;
		*argv++ = "run";
		if (c == TRACE)
			*argv++ = "--trace";
		*argv++ = "--";
	}
	*argv++ = (char *)self;
	*argv++ = "work";
	*argv++ = (char *)kind;
	*argv++ = num;
	*argv++ = (char *)filter;
	*argv = NULL;
}

/* Run the workload under @c: its own figures, and the whole run's time. */
static struct fig run(enum cfg c, const char *cli, const char *self, const char *kind,
		      long n, const char *filter)
{
	char num[32], out[256] = "", *argv[12];
	struct fig f = { 0, 0, 0, 0 };
	int fds[2], st;
	ssize_t r;
	double t0;
	pid_t pid;

	snprintf(num, sizeof(num), "%ld", n);
	command(c, cli, self, kind, num, filter, argv);
	if (pipe(fds))
		exit(1);
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	r = read(fds[0], out, sizeof(out) - 1);
	out[r > 0 ? r : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &st, 0);
	f.whole = now_ns() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) ||
	    (strcmp(kind, "start") && sscanf(out, "install_ns=%lf med_ns=%lf min_ns=%lf",
					     &f.install, &f.med, &f.min) != 3)) {
		fprintf(stderr, "trace_bench: %s %s failed (status %#x): %s\n",
			cfg_name[c], kind, st, out);
		exit(1);
	}
	return f;
}

static void row(const char *name, const double v[NCFG], double unit, const char *u)
{
	int c;

	printf("  %-24s", name);
	for (c = 0; c < NCFG; c++)
		printf(" %9.2f %-2s", v[c] / unit, u);
	printf("   x%-10.2f x%.2f\n", v[TRACE] / v[PLAIN], v[TRACE] / v[PRELOAD]);
}

/* Figures per configuration: medians and fastest of the rounds. */
struct figs {
	double spawn_med[ROUNDS], spawn_min, call_med[ROUNDS], call_min;
	double install[2 * ROUNDS], start[ROUNDS * STARTS];
};

static void measure(struct figs *fg, const char *cli, const char *self,
		    const char *filter)
{
	int round, i, c, s;
	struct fig f;

	for (c = 0; c < NCFG; c++)
		fg[c].spawn_min = fg[c].call_min = 1e18;
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < NCFG; i++) {
			c = (i + round) % NCFG;	/* each goes first in turn */
			f = run((enum cfg)c, cli, self, "spawn", SPAWNS, filter);
			fg[c].spawn_med[round] = f.med;
			fg[c].spawn_min = f.min < fg[c].spawn_min ? f.min : fg[c].spawn_min;
			fg[c].install[2 * round] = f.install;
			f = run((enum cfg)c, cli, self, "syscalls", CALLS, filter);
			fg[c].call_med[round] = f.med;
			fg[c].call_min = f.min < fg[c].call_min ? f.min : fg[c].call_min;
			fg[c].install[2 * round + 1] = f.install;
			for (s = 0; s < STARTS; s++)
				fg[c].start[round * STARTS + s] =
					run((enum cfg)c, cli, self, "start", 0, filter).whole;
		}
	}
}

int main(int argc, char **argv)
{
	static struct figs fg[NCFG];
	double v[6][NCFG];
	char *self = realpath("/proc/self/exe", NULL);
	int c;

	if (argc == 5 && strcmp(argv[1], "work") == 0)
		return work(argv[2], atol(argv[3]), argv[4]);
	if (argc != 3 || !self) {
		fprintf(stderr, "usage: trace_bench CLI FILTER\n");
		return 2;
	}
	measure(fg, argv[1], self, argv[2]);
	for (c = 0; c < NCFG; c++) {
		v[0][c] = median(fg[c].spawn_med, ROUNDS);
		v[1][c] = fg[c].spawn_min;
		v[2][c] = median(fg[c].call_med, ROUNDS);
		v[3][c] = fg[c].call_min;
		v[4][c] = median(fg[c].install, 2 * ROUNDS);
		v[5][c] = median(fg[c].start, ROUNDS * STARTS);
	}
	printf("trace: a program under %s;\n  %d rounds, the three in turns; medians "
	       "(fastest: the best of all)\n", argv[2], ROUNDS);
	printf("  %-24s %12s %12s %12s   %-11s %s\n", "", cfg_name[0], cfg_name[1],
	       cfg_name[2], "trace/plain", "trace/preload");
	row("fork+exec /bin/true", v[0], 1e3, "us");
	row("  fastest", v[1], 1e3, "us");
	row("getppid()", v[2], 1, "ns");
	row("  fastest batch", v[3], 1, "ns");
	row("first install (prctl)", v[4], 1e3, "us");
	row("start of the command", v[5], 1e3, "us");
	printf("  (per fork+exec of %d a round, per getppid of %d a round in batches of %d;\n"
	       "  install: a process's first filter, with --trace the injected scratch mmap\n"
	       "  and the re-run call included; start: a command that installs nothing,\n"
	       "  enostub's own start included)\n", SPAWNS, CALLS, BATCH);
	free(self);
	return 0;
}
