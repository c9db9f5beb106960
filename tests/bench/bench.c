// SPDX-License-Identifier: MIT
/*
 * bench: figures for enostub, each measured as a ratio within one run
 * (interleaved rounds) because the machines are noisy.
 *
 *   startup   fork+exec of /bin/true: no preload, an empty preload library,
 *             libenostub.so without and with a configuration file
 *   patch     analysis + patch time per corpus filter, next to the kernel's
 *             own attach time for the same filter,
 *   hot path  ns per getppid() (cached by the kernel) and per uname()
 *             under the original and the patched filter
 *             and the stub's size and longest path, for both strategies
 *   sets      the x86_64 syscalls each strategy turns into ENOSYS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "patch.h"
#include "systab.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct patch_work work;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double spawn_true(const char *preload, const char *conf)
{
	double t0 = now_ns();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char env[512], cenv[512];
		char *envp[] = { env, conf ? cenv : NULL, NULL };
		char *argv[] = { "/bin/true", NULL };

		snprintf(env, sizeof(env), "LD_PRELOAD=%s", preload ? preload : "");
		snprintf(cenv, sizeof(cenv), "ENOSTUB_CONFIG=%s", conf ? conf : "");
		execve(argv[0], argv, envp);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return now_ns() - t0;
}

static void bench_startup(const char *empty, const char *shim, const char *conf)
{
	const char *preload[] = { NULL, empty, shim, shim };
	const char *confs[] = { NULL, NULL, NULL, conf };
	const char *names[] = { "no preload", "empty preload", "libenostub.so",
				"  + config file" };
	double sum[4] = { 0 };
	int round, v, rounds = 1000;

	for (round = 0; round < rounds; round++)
		for (v = 0; v < 4; v++)
			sum[v] += spawn_true(preload[v], confs[v]);
	printf("startup: fork+exec /bin/true, %d interleaved rounds\n", rounds);
	for (v = 0; v < 4; v++)
		printf("  %-16s %8.1f us   x%.3f of no preload   x%.3f of empty preload\n",
		       names[v], sum[v] / rounds / 1e3, sum[v] / sum[0], sum[v] / sum[1]);
}

static size_t load(const char *dir, const char *name, struct sock_filter *f)
{
	char path[512];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		exit(1);
	}
	n = fread(f, sizeof(*f), CBPF_MAX_INSNS, fp);
	fclose(fp);
	return n;
}

/* Run @fn in a fresh child process and return the figure it measured
 * (-1 if it failed). Filters stay in the child. */
struct job {
	const struct sock_filter *f;
	size_t len;
	long nr;
};

static double in_child(double (*fn)(const struct job *), const struct job *j)
{
	int fds[2];
	double ns = -1;
	pid_t pid;

	if (pipe(fds))
		exit(1);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		ns = fn(j);
		if (write(fds[1], &ns, sizeof(ns)) != sizeof(ns))
			_exit(1);
		_exit(0);
	}
	if (read(fds[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	return ns;
}

static long install(const struct job *j)
{
	struct sock_fprog prog = { (unsigned short)j->len, (struct sock_filter *)j->f };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Kernel attach time of one filter (in a fresh child: some profiles deny
 * seccomp() itself, so a second attach in the same process would fail). */
static double attach_once(const struct job *j)
{
	double t0 = now_ns();

	return install(j) == 0 ? now_ns() - t0 : -1;
}

static double attach_ns(const struct sock_filter *f, size_t len, int reps)
{
	double sum = 0;
	int i;

	for (i = 0; i < reps; i++) {
		struct job j = { f, len, 0 };
		double ns = in_child(attach_once, &j);

		if (ns < 0) {
			fprintf(stderr, "bench: the kernel refused a corpus filter\n");
			exit(1);
		}
		sum += ns;
	}
	return sum / reps;
}

/* ns per call of j->nr under the filter. */
static double call_ns(const struct job *j)
{
	struct utsname u;
	double t0;
	int i, reps = 200000;

	if (install(j))
		return -1;
	t0 = now_ns();
	for (i = 0; i < reps; i++)
		syscall(j->nr, &u);
	return (now_ns() - t0) / reps;
}

static double syscall_ns(const struct sock_filter *f, size_t len, long nr)
{
	struct job j = { f, len, nr };

	return in_child(call_ns, &j);
}

static const char *const corpus[] = {
	"docker-default-v19.03.0.bpf", "docker-default-v20.10.0.bpf",
	"docker-default.bpf", "systemd-252-system-service.bpf",
};

static const struct analyze_opts strategies[] = {
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = SECCOMP_RET_ERRNO | ENOSYS },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = SECCOMP_RET_ERRNO | ENOSYS,
	  .strategy = ANALYZE_KERNEL_VERSION },
};
static const char *const strategy_names[] = { "max-known", "kernel-version" };

static void bench_filters(const char *dir)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	size_t i, s, nn, len, plen = 0;
	const struct arch_abi *const *native = arch_native(&nn);
	int r, reps = 200;

	printf("\npatch: analysis + stub per filter vs the kernel attaching the same filter\n");
	printf("  %-32s %-14s %6s %6s %8s %10s %10s %7s\n", "filter", "strategy",
	       "insns", "+stub", "longest", "patch us", "attach us", "ratio");
	for (i = 0; i < N(corpus); i++) {
		double t0, patch, attach;

		len = load(dir, corpus[i], f);
		attach = attach_ns(f, len, 50);
		for (s = 0; s < N(strategies); s++) {
			t0 = now_ns();
			for (r = 0; r < reps; r++)
				patch_filter(f, len, native, nn, &strategies[s], &work, &plen);
			patch = (now_ns() - t0) / reps;
			printf("  %-32s %-14s %6zu %6zu %8zu %10.1f %10.1f %6.1f%%\n",
			       corpus[i], strategy_names[s], len, work.rep.stub_len,
			       stub_longest_path(work.out, work.rep.stub_len),
			       patch / 1e3, attach / 1e3, 100 * patch / attach);
		}
	}
	printf("  (runc's stub for docker-default-v19.03.0: 14 instructions)\n");
}

/* Which x86_64 syscalls each strategy turns into ENOSYS. */
static void bench_sets(const char *dir)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	const struct arch_abi *abi = arch_by_name("x86_64");
	const struct systab_ent *t;
	size_t i, j, n, len, plen;
	char kv[8];

	t = systab_abi(abi, &n);
	printf("\nENOSYS sets on x86_64 (syscalls of the table)\n");
	for (i = 0; i < N(corpus); i++) {
		const struct analyze_abi *a = &work.rep.abi[0];
		size_t above = 0;

		len = load(dir, corpus[i], f);
		patch_filter(f, len, &abi, 1, &strategies[0], &work, &plen);
		for (j = 0; j < n; j++)
			above += a->verdict == ANALYZE_STUB && t[j].nr > a->max_known;
		printf("  %-32s max-known: %zu syscalls above %u", corpus[i], above,
		       a->max_known);
		patch_filter(f, len, &abi, 1, &strategies[1], &work, &plen);
		printf("; kernel-version (baseline %s) adds %u:",
		       systab_kver_str(a->baseline, kv), a->nadded);
		for (j = 0; j < n; j++) {
			for (size_t k = 0; k < a->nranges; k++) {
				if (t[j].nr <= a->max_known && t[j].nr >= a->ranges[k].lo &&
				    t[j].nr <= a->ranges[k].hi)
					printf(" %s (%s)", systab_name(&t[j]),
					       systab_kver_str(t[j].kver, kv));
			}
		}
		printf("\n");
	}
}

static void bench_hot_path(const char *dir)
{
	static struct sock_filter f[CBPF_MAX_INSNS], patched[CBPF_MAX_INSNS];
	const struct analyze_opts opts = { .deny = ANALYZE_DENY_DEFAULT, .stub_ret = cbpf_ret_errno(ENOSYS) };
	size_t nn, len, plen;
	const struct arch_abi *const *native = arch_native(&nn);
	double sum[2][2] = { { 0 } };
	int round, rounds = 15;

	len = load(dir, corpus[0], f);
	patch_filter(f, len, native, nn, &opts, &work, &plen);
	memcpy(patched, work.out, plen * sizeof(*f));
	for (round = 0; round < rounds; round++) {
		sum[0][0] += syscall_ns(f, len, SYS_getppid);
		sum[0][1] += syscall_ns(patched, plen, SYS_getppid);
		sum[1][0] += syscall_ns(f, len, SYS_uname);
		sum[1][1] += syscall_ns(patched, plen, SYS_uname);
	}
	printf("\nhot path: %s, ns per call, %d interleaved rounds\n", corpus[0], rounds);
	printf("  getppid (cached as always allowed): original %6.1f  patched %6.1f  x%.3f\n",
	       sum[0][0] / rounds, sum[0][1] / rounds, sum[0][1] / sum[0][0]);
	printf("  uname   (cached as always allowed): original %6.1f  patched %6.1f  x%.3f\n",
	       sum[1][0] / rounds, sum[1][1] / rounds, sum[1][1] / sum[1][0]);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: bench CORPUS_DIR EMPTY.so LIBENOSTUB.so CONFIG\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_startup(argv[2], argv[3], argv[4]);
	bench_filters(argv[1]);
	bench_sets(argv[1]);
	bench_hot_path(argv[1]);
	return 0;
}
