// SPDX-License-Identifier: MIT
/*
 * bench: figures for enostub, each measured as a ratio within one run
 * (interleaved rounds) because the machines are noisy.
 *
 *   startup   fork+exec of /bin/true: no preload, an empty preload library,
 *             libenostub.so without and with a configuration file
 *   patch     analysis + patch time per corpus filter (warm, repeated),
 *             next to the kernel's own attach time for the same filter,
 *             and the stub's size and longest path, for both strategies
 *   install   a program's first prctl(SECCOMP_MODE_FILTER) in a fresh
 *             process, with an empty preload and with libenostub.so: what
 *             a program really pays (cold caches, first-touch page faults)
 *   sets      the x86_64 syscalls each strategy turns into ENOSYS
 *   cache     the kernel's always-allow bitmap (emulated) before and after
 *   hot path  ns per call of cached syscalls and of one the filter must run
 *             for, under the original and the patched filter
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oracle.h"
#include "patch.h"
#include "systab.h"
#include "timing.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Aligned as in shim/preload/shim.c, so the first patch faults as many pages in. */
static struct patch_work work __attribute__((aligned(4096)));


static double spawn_true(const char *preload, const char *conf)
{
	double t0 = now_ns();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char env[512], cenv[4200];
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

/* @confdir holds enostub.conf copies: plain.conf (no snapshot),
 * fresh.conf (a fresh one), stale.conf (changed after its snapshot) and
 * distro.conf (the distro-wide example: rules by exe and comm, syslog),
 * translate.conf (translate = true: a SIGSYS handler in every process). */
static void bench_startup(const char *empty, const char *shim, const char *confdir)
{
	static const struct {
		const char *name, *conf;
		int lib;	/* 0 none, 1 empty.so, 2 libenostub.so */
	} v[] = {
		{ "no preload", NULL, 0 },
		{ "empty preload", NULL, 1 },
		{ "libenostub.so, no file", NULL, 2 },
		{ "  + file, no snapshot", "plain.conf", 2 },
		{ "  + file, fresh snapshot", "fresh.conf", 2 },
		{ "  + file, stale snapshot", "stale.conf", 2 },
		{ "  + distro-wide, fresh", "distro.conf", 2 },
		{ "  + translate = true, fresh", "translate.conf", 2 },
	};
	enum { NV = sizeof(v) / sizeof(v[0]) };
	const char *lib[] = { NULL, empty, shim };
	char conf[NV][512];
	double sum[NV] = { 0 };
	uint64_t seed = 1;
	int order[NV], round, i, j, k, rounds = getenv("BENCH_ROUNDS") ? atoi(getenv("BENCH_ROUNDS")) : 1000;

	for (i = 0; i < NV; i++)
		snprintf(conf[i], sizeof(conf[i]), "%s/%s", confdir, v[i].conf ? v[i].conf : "");
	/* each round in a new random order: a variant that parses leaves the
	 * caches colder for the one after it, so no variant may always
	 * follow the same one (a fixed or rotated order does that) */
	for (round = 0; round < rounds; round++) {
		for (k = 0; k < NV; k++)
			order[k] = k;
		for (k = NV - 1; k > 0; k--) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			j = (int)((seed >> 33) % (uint64_t)(k + 1));
			i = order[k];
			order[k] = order[j];
			order[j] = i;
		}
		for (k = 0; k < NV; k++) {
			i = order[k];
			sum[i] += spawn_true(lib[v[i].lib], v[i].conf ? conf[i] : NULL);
		}
	}
	printf("startup: fork+exec /bin/true, %d interleaved rounds, each in a random order "
	       "(ENOSTUB_CONFIG=FILE)\n", rounds);
	for (i = 0; i < NV; i++)
		printf("  %-26s %8.1f us   x%.3f of no preload   x%.3f of empty preload\n",
		       v[i].name, sum[i] / rounds / 1e3, sum[i] / sum[0], sum[i] / sum[1]);
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
	uint64_t arg;
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

/* ns per call of j->nr (argument j->arg) under the filter. */
static double call_ns(const struct job *j)
{
	struct utsname u;
	double t0;
	int i, reps = 200000;

	if (install(j))
		return -1;
	t0 = now_ns();
	for (i = 0; i < reps; i++)
		syscall(j->nr, j->arg ? (void *)(uintptr_t)j->arg : (void *)&u);
	return (now_ns() - t0) / reps;
}

static double syscall_ns(const struct sock_filter *f, size_t len, long nr, uint64_t arg)
{
	struct job j = { f, len, nr, arg };

	return in_child(call_ns, &j);
}

static const char *const corpus[] = {
	"docker-default-v19.03.0.bpf", "docker-default-v20.10.0.bpf",
	"docker-default.bpf", "systemd-252-system-service.bpf",
};

/* Both strategies alone (fallback_safe = false), then with the built-in
 * fallback-safe set (main() fills it in): the library's default is [2]. */
static struct analyze_opts strategies[] = {
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = SECCOMP_RET_ERRNO | ENOSYS },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = SECCOMP_RET_ERRNO | ENOSYS,
	  .strategy = ANALYZE_KERNEL_VERSION },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = SECCOMP_RET_ERRNO | ENOSYS },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = SECCOMP_RET_ERRNO | ENOSYS,
	  .strategy = ANALYZE_KERNEL_VERSION },
};
static const char *const strategy_names[] = {
	"max-known", "kernel-version", "max-known+fb", "kernel-vers+fb",
};

/* Run this program again, fresh from execve(), as @argv with @preload,
 * and read the line it prints. Return: false if it failed. */
static bool rerun(const char *preload, char *const argv[], char *out, size_t size)
{
	char env[512];
	char *envp[] = { env, NULL };
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		exit(1);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		snprintf(env, sizeof(env), "LD_PRELOAD=%s", preload);
		execve("/proc/self/exe", argv, envp);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], out, size - 1);
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return false;
	out[n] = 0;
	return true;
}



#define FIRST_ROUNDS 41

/*
 * Child mode (bench --first DIR FILE STRATEGY o|p): in this fresh process,
 * the first patch_filter() (cold caches, an untouched work area, as in the
 * shim), then the kernel attaching the original (o) or the patched (p)
 * program. Prints "patch_ns faults attach_ns".
 */
static int first_child(const char *dir, const char *name, const char *strategy,
		       const char *which)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	const struct arch_abi *const *native;
	struct rusage a, b;
	struct job j = { f, 0, 0, 0 };
	size_t nn, plen;
	double t0, patch, attach;

	j.len = load(dir, name, f);
	native = arch_native(&nn);
	if (getrusage(RUSAGE_SELF, &a))
		return 1;
	t0 = now_ns();
	patch_an(f, j.len, native, nn, &strategies[(*strategy - '0') & 3], &work, &plen);
	patch = now_ns() - t0;
	if (getrusage(RUSAGE_SELF, &b) || plen == 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 1;
	if (*which == 'p') {
		j.f = work.out;
		j.len = plen;
	}
	t0 = now_ns();
	if (install(&j))
		return 1;
	attach = now_ns() - t0;
	printf("%.0f %ld %.0f\n", patch, b.ru_minflt - a.ru_minflt, attach);
	return 0;
}

struct first_fig {
	double patch, faults, attach[2], ratio;
};

/* Medians over 2 x FIRST_ROUNDS fresh processes, alternately attaching the
 * original and the patched program; the ratio is the first patch over the
 * original's attach in the same process. */
static struct first_fig first_patch(const char *dir, const char *name, size_t s)
{
	double patch[2 * FIRST_ROUNDS], faults[2 * FIRST_ROUNDS];
	double attach[2][FIRST_ROUNDS], ratio[FIRST_ROUNDS];
	char *argv[] = { "bench", "--first", (char *)dir, (char *)name,
			 (char []){ (char)('0' + s), '\0' }, NULL, NULL };
	struct first_fig r;
	char out[128];
	long nf;
	int i, w;

	for (i = 0; i < FIRST_ROUNDS; i++) {
		for (w = 0; w < 2; w++) {
			double *p = &patch[2 * i + w];

			argv[5] = w ? "p" : "o";
			if (!rerun("", argv, out, sizeof(out)) ||
			    sscanf(out, "%lf %ld %lf", p, &nf, &attach[w][i]) != 3) {
				fprintf(stderr, "bench: the first patch of %s failed\n", name);
				exit(1);
			}
			faults[2 * i + w] = (double)nf;
			if (w == 0)
				ratio[i] = *p / attach[0][i];
		}
	}
	r.patch = median(patch, 2 * FIRST_ROUNDS);
	r.faults = median(faults, 2 * FIRST_ROUNDS);
	r.attach[0] = median(attach[0], FIRST_ROUNDS);
	r.attach[1] = median(attach[1], FIRST_ROUNDS);
	r.ratio = median(ratio, FIRST_ROUNDS);
	return r;
}

static void bench_filters(const char *dir)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	size_t i, s, nn, len, plen = 0;
	const struct arch_abi *const *native = arch_native(&nn);
	int r, reps = 200;

	printf("\npatch: analysis + stub per filter vs the kernel attaching the same filter\n"
	       "  warm: mean of %d patches in a row; first: the first patch in a fresh\n"
	       "  process (cold caches, work area faulted in, as in the shim); attach:\n"
	       "  the kernel's first attach in such a process, of the original and of\n"
	       "  the patched program; medians of %d processes each; the ratios are\n"
	       "  over the original's attach (first: in the same process)\n",
	       reps, FIRST_ROUNDS);
	printf("  %-30s %-14s %5s %5s %7s %7s %8s %6s %8s %8s %5s %6s\n", "filter",
	       "strategy", "insns", "+stub", "longest", "warm us", "first us", "faults",
	       "orig us", "patch us", "warm", "first");
	for (i = 0; i < N(corpus); i++) {
		len = load(dir, corpus[i], f);
		for (s = 0; s < N(strategies); s++) {
			struct first_fig first = first_patch(dir, corpus[i], s);
			double t0 = now_ns(), warm;

			for (r = 0; r < reps; r++)
				patch_an(f, len, native, nn, &strategies[s], &work, &plen);
			warm = (now_ns() - t0) / reps;
			printf("  %-30s %-14s %5zu %5zu %7zu %7.1f %8.1f %6.0f %8.1f %8.1f "
			       "%4.1f%% %5.1f%%\n",
			       corpus[i], strategy_names[s], len, work.rep.stub_len,
			       stub_longest_path(work.out, work.rep.stub_len), warm / 1e3,
			       first.patch / 1e3, first.faults, first.attach[0] / 1e3,
			       first.attach[1] / 1e3, 100 * warm / first.attach[0],
			       100 * first.ratio);
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
		patch_an(f, len, &abi, 1, &strategies[0], &work, &plen);
		for (j = 0; j < n; j++)
			above += a->verdict == ANALYZE_STUB && t[j].nr > a->max_known;
		printf("  %-32s max-known: %zu syscalls above %u", corpus[i], above,
		       a->max_known);
		patch_an(f, len, &abi, 1, &strategies[1], &work, &plen);
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
		patch_an(f, len, &abi, 1, &strategies[2], &work, &plen);
		printf("; fallback-safe adds %u:", a->nfallback);
		for (j = 0; j < n; j++)
			if (analyze_by_fallback(a, strategies[2].fallback,
						strategies[2].nfallback, &t[j]))
				printf(" %s", systab_name(&t[j]));
		printf("\n");
	}
}

/*
 * Child mode (bench --install DIR FILE): install the filter in DIR/FILE the way a
 * program does, once, and print "ns faults errno": the time prctl() took,
 * the page faults during it, and what a number the filter does not know
 * (1000) then gets. The parent runs it with each preload.
 */
static int install_child(const char *dir, const char *name)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	struct sock_fprog prog;
	struct rusage a, b;
	double t0, ns;
	long rc;

	prog.len = (unsigned short)load(dir, name, f);
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || getrusage(RUSAGE_SELF, &a))
		return 1;
	t0 = now_ns();
	rc = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
	ns = now_ns() - t0;
	if (rc || getrusage(RUSAGE_SELF, &b))
		return 1;
	errno = 0;
	syscall(1000);
	printf("%.0f %ld %d\n", ns, b.ru_minflt - a.ru_minflt, errno);
	return 0;
}

struct install_fig {
	double ns;
	long faults;
	int err;
};

static struct install_fig spawn_install(const char *preload, const char *dir,
					const char *name)
{
	struct install_fig r = { -1, 0, 0 };
	char *argv[] = { "bench", "--install", (char *)dir, (char *)name, NULL };
	char out[128];

	if (!rerun(preload, argv, out, sizeof(out)) ||
	    sscanf(out, "%lf %ld %d", &r.ns, &r.faults, &r.err) != 3)
		r.ns = -1;
	return r;
}

#define INSTALL_ROUNDS 101

static void bench_install(const char *dir, const char *empty, const char *shim)
{
	const char *preload[] = { empty, shim };
	double ns[3][INSTALL_ROUNDS], faults[2][INSTALL_ROUNDS];
	size_t i, v, round;

	printf("\ninstall: a program's first prctl(SECCOMP_MODE_FILTER) in a fresh process,\n"
	       "  empty preload vs libenostub.so (max-known), %d interleaved rounds:\n"
	       "  medians, and the median of the paired differences; page faults\n"
	       "  during the call (the shim's: first use of its static work area)\n",
	       INSTALL_ROUNDS);
	printf("  %-32s %9s %10s %9s %7s %8s   %s\n", "filter", "empty us",
	       "enostub us", "added us", "added", "faults", "nr 1000 gets");
	for (i = 0; i < N(corpus); i++) {
		int err[2] = { 0, 0 };
		double m[3], f[2];

		for (round = 0; round < INSTALL_ROUNDS; round++) {
			for (v = 0; v < 2; v++) {
				struct install_fig fig = spawn_install(preload[v], dir, corpus[i]);

				if (fig.ns < 0) {
					fprintf(stderr, "bench: installing %s failed\n", corpus[i]);
					exit(1);
				}
				ns[v][round] = fig.ns;
				faults[v][round] = (double)fig.faults;
				err[v] = fig.err;
			}
			ns[2][round] = ns[1][round] - ns[0][round];
		}
		for (v = 0; v < 3; v++)
			m[v] = median(ns[v], INSTALL_ROUNDS);
		for (v = 0; v < 2; v++)
			f[v] = median(faults[v], INSTALL_ROUNDS);
		printf("  %-32s %9.1f %10.1f %9.1f %6.1f%% %3.0f %3.0f   %s -> %s\n", corpus[i],
		       m[0] / 1e3, m[1] / 1e3, m[2] / 1e3, 100 * m[2] / m[0], f[0], f[1],
		       strerror(err[0]), strerror(err[1]));
	}
}

/* The kernel's always-allow cache (emulated by oracle.h), per arch. */
static void bench_cache(const char *dir)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };
	static const char *const names[] = { "x86_64", "i386" };
	size_t i, s, a, nn, len, plen;
	const struct arch_abi *const *native = arch_native(&nn);
	uint32_t nr;

	printf("\ncache: numbers 0-1023 the kernel caches as always allowed, "
	       "original / patched (differing)\n");
	for (i = 0; i < N(corpus); i++) {
		len = load(dir, corpus[i], f);
		for (s = 0; s < N(strategies); s++) {
			printf("  %-32s %-14s", corpus[i], strategy_names[s]);
			patch_an(f, len, native, nn, &strategies[s], &work, &plen);
			for (a = 0; a < N(arches); a++) {
				unsigned o = 0, p = 0, d = 0;

				for (nr = 0; nr < 1024; nr++) {
					bool co = oracle_const_allow(f, len, arches[a], nr);
					bool cp = oracle_const_allow(work.out, plen, arches[a], nr);

					o += co;
					p += cp;
					d += co != cp;
				}
				printf("  %s %u / %u (%u)", names[a], o, p, d);
			}
			printf("\n");
		}
	}
}

/* personality(0xffffffff) only queries; Docker's profiles allow it by its
 * argument, so the kernel cannot cache it and runs the filter each time. */
static void bench_hot_path(const char *dir)
{
	static struct sock_filter f[CBPF_MAX_INSNS], patched[CBPF_MAX_INSNS];
	static const struct { const char *name; long nr; uint64_t arg; } calls[] = {
		{ "getppid", SYS_getppid, 0 },
		{ "uname", SYS_uname, 0 },
		{ "personality(-1)", SYS_personality, 0xffffffff },
	};
	const struct analyze_opts opts = { .deny = ANALYZE_DENY_DEFAULT, .stub_ret = cbpf_ret_errno(ENOSYS) };
	size_t nn, len, plen, c;
	const struct arch_abi *const *native = arch_native(&nn);
	double sum[N(calls)][2] = { { 0 } };
	int round, rounds = 15;

	len = load(dir, corpus[0], f);
	patch_an(f, len, native, nn, &opts, &work, &plen);
	memcpy(patched, work.out, plen * sizeof(*f));
	for (round = 0; round < rounds; round++) {
		for (c = 0; c < N(calls); c++) {
			sum[c][0] += syscall_ns(f, len, calls[c].nr, calls[c].arg);
			sum[c][1] += syscall_ns(patched, plen, calls[c].nr, calls[c].arg);
		}
	}
	printf("\nhot path: %s, ns per call, %d interleaved rounds\n", corpus[0], rounds);
	for (c = 0; c < N(calls); c++) {
		printf("  %-16s %-10s original %7.1f  patched %7.1f  x%.3f\n", calls[c].name,
		       oracle_const_allow(patched, plen, AUDIT_ARCH_X86_64, (uint32_t)calls[c].nr)
		       ? "(cached)" : "(filtered)",
		       sum[c][0] / rounds, sum[c][1] / rounds, sum[c][1] / sum[c][0]);
	}
}

int main(int argc, char **argv)
{
	strategies[2].fallback = systab_fallback(&strategies[2].nfallback);
	strategies[3].fallback = systab_fallback(&strategies[3].nfallback);
	if (argc == 4 && !strcmp(argv[1], "--install"))
		return install_child(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "--first"))
		return first_child(argv[2], argv[3], argv[4], argv[5]);
	if (argc != 5) {
		fprintf(stderr, "usage: bench CORPUS_DIR EMPTY.so LIBENOSTUB.so CONFIG_DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_startup(argv[2], argv[3], argv[4]);
	if (getenv("BENCH_ONLY") && !strcmp(getenv("BENCH_ONLY"), "startup"))
		return 0;
	bench_filters(argv[1]);
	bench_install(argv[1], argv[2], argv[3]);
	bench_sets(argv[1]);
	bench_cache(argv[1]);
	bench_hot_path(argv[1]);
	return 0;
}
