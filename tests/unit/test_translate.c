// SPDX-License-Identifier: MIT
/* Trap and translate, the pure part: every rule of the table with its exact
 * argument conditions, which calls a filter gets trapped, the trap block
 * the patch writes (emulated), patch_verify()'s view of it, and the
 * handler's decision against the original filter. */
#define _GNU_SOURCE
#include "testlib.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "translate.h"

static struct patch_work work;
static struct analyze_work scratch;

static const struct arch_abi *x86_64(void)
{
	return arch_by_name("x86_64");
}

static uint32_t nr(const char *name)
{
	const struct systab_ent *e = systab_by_name(x86_64(), name);

	assert_non_null(e);
	return e->nr;
}

/* translate_prepare() on (@from, args) gives @to with @want, or nothing. */
static void expect(const char *from, const uint64_t a[6], const char *to,
		   const uint64_t *want, size_t nwant)
{
	struct translate_call c;
	size_t i;
	bool ok = translate_prepare(x86_64(), nr(from), a, &c);

	if (!to) {
		if (ok)
			fail_msg("%s: translated to nr %u, expected none", from, c.nr);
		return;
	}
	if (!ok)
		fail_msg("%s: not translated, expected %s", from, to);
	assert_int_equal(c.nr, nr(to));
	assert_string_equal(c.rule->to, to);
	for (i = 0; i < nwant; i++)
		assert_int_equal(c.args[i], want[i]);
	for (; i < 6; i++)
		assert_int_equal(c.args[i], 0);
}

#define ARGS(...) ((const uint64_t[6]){ __VA_ARGS__ })
#define WANT(...) ((const uint64_t[]){ __VA_ARGS__ }), \
	(sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))
#define FDCWD ((uint64_t)(int64_t)AT_FDCWD)

static void test_table(void **state)
{
	size_t n, i, j;
	const struct translate_rule *t = translate_rules(x86_64(), &n);

	(void)state;
	assert_int_equal(n, 17);
	for (i = 0; i < n; i++) {	/* every name is a syscall of x86_64, its number */
		assert_non_null(systab_by_name(x86_64(), t[i].from));
		assert_non_null(systab_by_name(x86_64(), t[i].to));
		assert_int_equal(systab_by_name(x86_64(), t[i].from)->nr, t[i].from_nr);
		assert_int_equal(systab_by_name(x86_64(), t[i].to)->nr, t[i].to_nr);
		for (j = 0; j < i; j++)	/* one rule per kind */
			assert_int_not_equal(t[i].kind, t[j].kind);
	}
	/* no legacy calls elsewhere: aarch64, x32 and i386 have no table */
	assert_null(translate_rules(arch_by_name("aarch64"), &n));
	assert_int_equal(n, 0);
	assert_null(translate_rules(arch_by_name("x32"), &n));
	assert_null(translate_rules(arch_by_name("x86"), &n));
}

static void test_rules(void **state)
{
	static const char empty[] = "", path[] = "/etc";
	uint64_t e = (uintptr_t)empty, p = (uintptr_t)path, buf = 0x1000;

	(void)state;
	/* newfstatat: fstat, stat, lstat, or nothing */
	expect("newfstatat", ARGS(3, e, buf, AT_EMPTY_PATH), "fstat", WANT(3, buf));
	expect("newfstatat", ARGS(3, p, buf, AT_EMPTY_PATH), NULL, NULL, 0);
	expect("newfstatat", ARGS(FDCWD, e, buf, AT_EMPTY_PATH), NULL, NULL, 0);
	expect("newfstatat", ARGS(3, 0, buf, AT_EMPTY_PATH), NULL, NULL, 0);
	expect("newfstatat", ARGS(FDCWD, p, buf, 0), "stat", WANT(p, buf));
	expect("newfstatat", ARGS(FDCWD, p, buf, AT_SYMLINK_NOFOLLOW), "lstat", WANT(p, buf));
	expect("newfstatat", ARGS(3, p, buf, 0), NULL, NULL, 0);
	expect("newfstatat", ARGS(FDCWD, p, buf, AT_NO_AUTOMOUNT), NULL, NULL, 0);
	/* the upper half of an int argument does not count, as for the kernel */
	expect("newfstatat", ARGS(0xffffffff00000000ull | (uint32_t)AT_FDCWD, p, buf,
				  0x100000000ull), "stat", WANT(p, buf));
	expect("openat", ARGS(FDCWD, p, O_RDONLY, 0644), "open", WANT(p, O_RDONLY, 0644));
	expect("openat", ARGS(4, p, O_RDONLY, 0), NULL, NULL, 0);
	expect("epoll_pwait", ARGS(5, buf, 8, 100, 0, 8), "epoll_wait", WANT(5, buf, 8, 100));
	expect("epoll_pwait", ARGS(5, buf, 8, 100, buf, 8), NULL, NULL, 0);
	expect("pipe2", ARGS(buf, 0), "pipe", WANT(buf));
	expect("pipe2", ARGS(buf, O_CLOEXEC), NULL, NULL, 0);
	expect("dup3", ARGS(3, 4, 0), "dup2", WANT(3, 4));
	expect("dup3", ARGS(3, 3, 0), NULL, NULL, 0);	/* dup3: EINVAL, dup2: 3 */
	expect("dup3", ARGS(3, 4, O_CLOEXEC), NULL, NULL, 0);
	expect("accept4", ARGS(3, buf, buf + 8, 0), "accept", WANT(3, buf, buf + 8));
	expect("accept4", ARGS(3, buf, buf + 8, SOCK_NONBLOCK), NULL, NULL, 0);
	expect("clock_nanosleep", ARGS(CLOCK_REALTIME, 0, buf, buf + 16), "nanosleep",
	       WANT(buf, buf + 16));
	expect("clock_nanosleep", ARGS(CLOCK_MONOTONIC, 0, buf, 0), NULL, NULL, 0);
	expect("clock_nanosleep", ARGS(CLOCK_REALTIME, TIMER_ABSTIME, buf, 0), NULL, NULL, 0);
	expect("epoll_create1", ARGS(0), "epoll_create", WANT(1));
	expect("epoll_create1", ARGS(EPOLL_CLOEXEC), NULL, NULL, 0);
	expect("eventfd2", ARGS(7, 0), "eventfd", WANT(7));
	expect("eventfd2", ARGS(7, EFD_NONBLOCK), NULL, NULL, 0);
	expect("inotify_init1", ARGS(0), "inotify_init", WANT());
	expect("inotify_init1", ARGS(IN_CLOEXEC), NULL, NULL, 0);
	expect("prlimit64", ARGS(0, RLIMIT_NOFILE, 0, buf), "getrlimit", WANT(RLIMIT_NOFILE, buf));
	expect("prlimit64", ARGS(0, RLIMIT_NOFILE, buf, 0), "setrlimit", WANT(RLIMIT_NOFILE, buf));
	expect("prlimit64", ARGS(0, RLIMIT_NOFILE, buf, buf), NULL, NULL, 0);
	expect("prlimit64", ARGS(42, RLIMIT_NOFILE, 0, buf), NULL, NULL, 0);
	/* not a replacement call at all */
	expect("read", ARGS(0, buf, 1), NULL, NULL, 0);
}

/* pselect6 -> select and ppoll -> poll: timeouts converted there and back. */
static void test_timeouts(void **state)
{
	struct timespec ts = { 2, 1500 }, bad = { 1, 1000000000 }, el = { 0, 500000000 };
	struct translate_call c;
	uint64_t a[6] = { 4, 0x1000, 0, 0, (uintptr_t)&ts, 0 };

	(void)state;
	assert_true(translate_prepare(x86_64(), nr("pselect6"), a, &c));
	assert_int_equal(c.nr, nr("select"));
	assert_ptr_equal((void *)(uintptr_t)c.args[4], &c.scratch.tv);
	assert_int_equal(c.scratch.tv.tv_sec, 2);
	assert_int_equal(c.scratch.tv.tv_usec, 2);	/* rounded up, never shorter */
	c.scratch.tv.tv_sec = 1;		/* select wrote the time left */
	c.scratch.tv.tv_usec = 250;
	assert_int_equal(translate_finish(&c, a, 3, &el), 3);
	assert_int_equal(ts.tv_sec, 1);
	assert_int_equal(ts.tv_nsec, 250000);
	a[5] = 0x2000;				/* a signal mask: no equivalent */
	assert_false(translate_prepare(x86_64(), nr("pselect6"), a, &c));
	a[5] = 0;
	a[4] = (uintptr_t)&bad;			/* pselect6 says EINVAL, select not */
	assert_false(translate_prepare(x86_64(), nr("pselect6"), a, &c));
	a[4] = 0;				/* no timeout */
	assert_true(translate_prepare(x86_64(), nr("pselect6"), a, &c));
	assert_int_equal(c.args[4], 0);

	ts = (struct timespec){ 1, 1 };
	a[0] = 0x3000, a[1] = 2, a[2] = (uintptr_t)&ts, a[3] = 0, a[4] = 8;
	assert_true(translate_prepare(x86_64(), nr("ppoll"), a, &c));
	assert_int_equal(c.nr, nr("poll"));
	assert_int_equal(c.args[2], 1001);	/* ms, rounded up */
	assert_int_equal(translate_finish(&c, a, 0, &el), 0);
	assert_int_equal(ts.tv_sec, 0);		/* ppoll writes the time left */
	assert_int_equal(ts.tv_nsec, 500000001);
	el.tv_sec = 5;
	translate_finish(&c, a, 0, &el);
	assert_int_equal(ts.tv_sec, 0);		/* never below zero */
	assert_int_equal(ts.tv_nsec, 0);
	a[2] = 0;				/* no timeout: forever */
	assert_true(translate_prepare(x86_64(), nr("ppoll"), a, &c));
	assert_int_equal((int)c.args[2], -1);
	a[3] = 0x2000;
	assert_false(translate_prepare(x86_64(), nr("ppoll"), a, &c));
}

/* An allow-list of fstat and select that kills the rest (or @deflt). */
static size_t legacy(struct sock_filter *f, uint32_t deflt, bool names_newfstatat)
{
	struct sock_filter p[] = {
		LD_ARCH,
		JEQ(AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		LD_NR,
		JEQ(5, 3, 0),		/* fstat */
		JEQ(23, 2, 0),		/* select */
		JEQ(names_newfstatat ? 262 : 4, 0, 2),
		BPF_STMT(BPF_RET | BPF_K, deflt),
		ALLOW,
		BPF_STMT(BPF_RET | BPF_K, deflt),
	};

	memcpy(f, p, sizeof(p));
	return N(p);
}

static void test_candidates(void **state)
{
	struct sock_filter f[16];
	uint32_t nrs[TRANSLATE_MAX], rets[TRANSLATE_MAX];
	struct analyze_abi a;
	struct analyze_opts o = test_opts;
	size_t len, n, i;

	(void)state;
	len = legacy(f, SECCOMP_RET_KILL_PROCESS, false);
	analyze_abi_maxknown(f, len, x86_64(), &o, &scratch, &a);
	n = translate_candidates(f, len, &a, &scratch, nrs, rets);
	assert_int_equal(n, 14);	/* every replacement call: all killed */
	for (i = 1; i < n; i++)
		assert_true(nrs[i - 1] < nrs[i]);
	assert_int_equal(nrs[0], nr("getdents64"));
	/* one the filter names stays the filter's; an ERRNO default is the
	 * ENOSYS stub's business; TRAP and KILL_THREAD are trapped too */
	len = legacy(f, SECCOMP_RET_KILL_PROCESS, true);
	analyze_abi_maxknown(f, len, x86_64(), &o, &scratch, &a);
	n = translate_candidates(f, len, &a, &scratch, nrs, rets);
	assert_int_equal(n, 13);
	for (i = 0; i < n; i++)
		assert_int_not_equal(nrs[i], nr("newfstatat"));
	len = legacy(f, SECCOMP_RET_ERRNO | EPERM, false);
	analyze_abi_maxknown(f, len, x86_64(), &o, &scratch, &a);
	assert_int_equal(translate_candidates(f, len, &a, &scratch, nrs, rets), 0);
	len = legacy(f, SECCOMP_RET_TRAP | 9, false);
	analyze_abi_maxknown(f, len, x86_64(), &o, &scratch, &a);
	assert_int_equal(translate_candidates(f, len, &a, &scratch, nrs, rets), 14);
	for (i = 0; i < 14; i++)	/* the original's answer to each */
		assert_int_equal(rets[i], SECCOMP_RET_TRAP | 9);
	len = legacy(f, SECCOMP_RET_KILL_THREAD, false);
	analyze_abi_maxknown(f, len, x86_64(), &o, &scratch, &a);
	assert_int_equal(translate_candidates(f, len, &a, &scratch, nrs, rets), 14);
	/* an answer that depends on the arguments is never trapped */
	{
		struct sock_filter g[] = {
			LD_NR, JEQ(5, 0, 1), ALLOW,
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_ARGS),
			JEQ(0, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
		};

		analyze_abi_maxknown(g, N(g), x86_64(), &o, &scratch, &a);
		assert_int_equal(translate_candidates(g, N(g), &a, &scratch, nrs, rets), 0);
	}
}

/* The patched filter: the trap only for the chosen calls, only from the
 * C library's range, on x86_64; everything else as the stub says. */
static void test_trap_block(void **state)
{
	struct sock_filter f[16];
	size_t len = legacy(f, SECCOMP_RET_KILL_PROCESS, false), plen, n;
	const struct arch_abi *const *abis = arch_native(&n);
	struct patch_opts o = { .an = test_opts, .translate_abi = x86_64(),
				.trap_data = TRANSLATE_DATA_TAG | 3,
				.ip_lo = 0x7f0000001000ull, .ip_hi = 0x7f0000200fffull };
	struct seccomp_data d;
	struct seccomp_data bad;
	unsigned long checked;
	const uint32_t trap = SECCOMP_RET_TRAP | TRANSLATE_DATA_TAG | 3;

	(void)state;
	assert_int_equal(patch_filter(f, len, abis, n, &o, &work, &plen), 0);
	assert_int_equal(work.rep.ntranslated, 14);
	d = mkdata(AUDIT_ARCH_X86_64, nr("newfstatat"));
	d.instruction_pointer = 0x7f0000001000ull;
	assert_int_equal(cbpf_run(work.out, plen, &d), trap);
	d.instruction_pointer = 0x7f0000200fffull;
	assert_int_equal(cbpf_run(work.out, plen, &d), trap);
	d.instruction_pointer = 0x7f0000201000ull;	/* past the end: the stub */
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
	d.instruction_pointer = 0x7f0000000fffull;
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
	d.instruction_pointer = 0x7e0000001000ull;	/* another 4 GiB */
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
	d.instruction_pointer = 0x7f0000001000ull;
	d.nr = 5;					/* fstat: the filter's */
	assert_int_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_ALLOW);
	d.nr = 0x40000000 + 262;			/* x32 newfstatat: not trapped */
	assert_int_not_equal(cbpf_run(work.out, plen, &d), trap);
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), 0);
	/* the never-weaker check refuses a trap for a call the filter allows */
	work.out[3 + 0].k = 5;	/* the first JEQ of the trap block: fstat */
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), -EPERM);
	/* without translation the same filter has no trap at all */
	o.translate_abi = NULL;
	assert_int_equal(patch_filter(f, len, abis, n, &o, &work, &plen), 0);
	assert_int_equal(work.rep.ntranslated, 0);
	d.nr = (int)nr("newfstatat");
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
}

/*
 * The trap block's edges, in a work area full of junk: with no stub after
 * it (a filter that names the last number) it leads straight into the
 * original, which stays exactly as it was (it loads A first: nothing to
 * reset); with a stub after it and a filter that does not load A first,
 * the block is as long as it is written, with no stale instruction in it.
 */
static void test_trap_block_edges(void **state)
{
	struct sock_filter f[] = {		/* no stub: it names 4095 */
		LD_NR, JEQ(5, 3, 0), JEQ(23, 2, 0), JEQ(4095, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), ALLOW,
	};
	struct sock_filter g[] = {		/* a stub; A is not loaded first */
		BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
		LD_NR, JEQ(5, 2, 0), JEQ(23, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), ALLOW,
	};
	const struct arch_abi *abi = x86_64();
	struct patch_opts o = { .an = test_opts, .translate_abi = abi,
				.trap_data = TRANSLATE_DATA_TAG | 3 };
	const uint32_t trap = SECCOMP_RET_TRAP | TRANSLATE_DATA_TAG | 3;
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, nr("newfstatat"));
	size_t plen;

	(void)state;
	memset(&work, 0xff, sizeof(work));
	assert_int_equal(patch_filter(f, N(f), &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.ntranslated, 14);
	assert_int_equal(work.rep.stub_len, 4 + 14 + 1);	/* the trap block alone */
	assert_int_equal(plen, work.rep.stub_len + N(f));
	assert_memory_equal(work.out + work.rep.stub_len, f, sizeof(f));
	assert_int_equal(cbpf_validate(work.out, plen), 0);
	assert_int_equal(cbpf_run(work.out, plen, &d), trap);
	d.nr = 5;
	assert_int_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_ALLOW);

	memset(&work, 0xff, sizeof(work));
	assert_int_equal(patch_filter(g, N(g), &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.ntranslated, 14);
	assert_int_equal(cbpf_validate(work.out, plen), 0);
	assert_memory_equal(work.out + plen - N(g), g, sizeof(g));
	d.nr = (int)nr("newfstatat");
	assert_int_equal(cbpf_run(work.out, plen, &d), trap);
	d.nr = 5;
	assert_int_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_ALLOW);
	d.nr = 1000;
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
	/* the trap block: no reset of A (the stub after it resets it) */
	assert_int_equal(work.out[4 + 14].code, BPF_RET | BPF_K);
	assert_int_not_equal(work.out[4 + 14 + 1].code, BPF_ALU | BPF_AND | BPF_K);
}

#define STMT(c, k) ((struct sock_filter)BPF_STMT((c), (k)))
#define JMP(c, k, t, f) ((struct sock_filter)BPF_JUMP((c), (k), (t), (f)))

/* The trap block instruction by instruction: with and without the range
 * check, with A reset when nothing else follows before a filter that
 * does not load A first. */
static void test_trap_block_exact(void **state)
{
	/* an allow-list that starts with LDX: the kernel's A = 0 matters */
	static const struct sock_filter ldx[] = {
		LDX_IMM(0), LD_NR, JEQ(5, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), ALLOW,
	};
	struct sock_filter f[16], want[32];
	const struct arch_abi *abi = x86_64();
	struct patch_opts o = { .an = test_opts, .translate_abi = abi,
				.trap_data = TRANSLATE_DATA_TAG | 7,
				.ip_lo = 0x7f1200340000ull, .ip_hi = 0x7f12004fffffull };
	const uint32_t trap = SECCOMP_RET_TRAP | TRANSLATE_DATA_TAG | 7;
	size_t len = legacy(f, SECCOMP_RET_KILL_PROCESS, false), plen, n, k, i;
	struct seccomp_data d, bad;
	unsigned long checked;

	(void)state;
	assert_int_equal(patch_filter(f, len, &abi, 1, &o, &work, &plen), 0);
	n = work.rep.ntranslated;
	assert_int_equal(n, 14);
	k = 0;		/* LD arch; JEQ; LD nr; JEQ x n; JA; 5 of IP; RET */
	want[k++] = STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_ARCH);
	want[k++] = JMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, (uint8_t)(n + 8));
	want[k++] = STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_NR);
	for (i = 0; i < n; i++)
		want[k++] = JMP(BPF_JMP | BPF_JEQ | BPF_K, work.rep.translated[i],
				(uint8_t)(n - i), 0);
	want[k++] = JMP(BPF_JMP | BPF_JA, 6, 0, 0);
	want[k++] = STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_IP + 4);
	want[k++] = JMP(BPF_JMP | BPF_JEQ | BPF_K, 0x7f12, 0, 4);
	want[k++] = STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_IP);
	want[k++] = JMP(BPF_JMP | BPF_JGE | BPF_K, 0x00340000, 0, 2);
	want[k++] = JMP(BPF_JMP | BPF_JGT | BPF_K, 0x004fffff, 1, 0);
	want[k++] = STMT(BPF_RET | BPF_K, trap);
	assert_memory_equal(work.out, want, k * sizeof(want[0]));
	/* then the ENOSYS stub, then the original */
	assert_int_equal(work.out[k].code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(plen, work.rep.stub_len + len);
	assert_memory_equal(work.out + work.rep.stub_len, f, len * sizeof(f[0]));
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), 0);
	/* another trap value is not the trap asked for */
	work.out[k - 1].k = SECCOMP_RET_TRAP | TRANSLATE_DATA_TAG | 8;
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), -EPERM);

	/* no range: from anywhere, five instructions fewer */
	o.ip_lo = o.ip_hi = 0;
	assert_int_equal(patch_filter(f, len, &abi, 1, &o, &work, &plen), 0);
	want[1].jf = (uint8_t)(n + 3);
	want[3 + n] = JMP(BPF_JMP | BPF_JA, 1, 0, 0);
	want[4 + n] = STMT(BPF_RET | BPF_K, trap);
	assert_memory_equal(work.out, want, (5 + n) * sizeof(want[0]));
	d = mkdata(AUDIT_ARCH_X86_64, nr("pselect6"));
	d.instruction_pointer = 0x1234;
	assert_int_equal(cbpf_run(work.out, plen, &d), trap);

	/* nothing counts as a denial: no stub, so the trap block itself
	 * resets A for a filter that starts with LDX, and ends the patch */
	memcpy(f, ldx, sizeof(ldx));
	o.an.deny = 0;
	assert_int_equal(patch_filter(f, N(ldx), &abi, 1, &o, &work, &plen), 0);
	n = work.rep.ntranslated;
	assert_int_equal(work.rep.stub_len, 5 + n + 1);
	assert_int_equal(plen, 5 + n + 1 + N(ldx));
	assert_int_equal(work.out[1].jf, n + 3);	/* to the reset */
	assert_int_equal(work.out[3 + n].k, 1);
	assert_int_equal(work.out[5 + n].code, BPF_ALU | BPF_AND | BPF_K);
	assert_int_equal(work.out[5 + n].k, 0);
	assert_memory_equal(work.out + 6 + n, ldx, sizeof(ldx));
	d = mkdata(AUDIT_ARCH_X86_64, 5);		/* fstat: the original's */
	assert_int_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_ALLOW);
	d = mkdata(AUDIT_ARCH_I386, nr("pselect6"));	/* another arch: killed */
	assert_int_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(patch_verify(f, N(ldx), work.out, plen, &o, &bad, &checked), 0);
}

/* Which ABI is translated, among several; what the original answers each
 * trapped call; patch_verify()'s view of traps it must refuse. */
static void test_trap_abis(void **state)
{
	struct sock_filter f[16];
	size_t len = legacy(f, SECCOMP_RET_KILL_THREAD, false), plen, n, k;
	const struct arch_abi *const *native = arch_native(&n);
	const struct arch_abi *x86_only = arch_by_name("x86");
	struct patch_opts o = { .an = test_opts, .translate_abi = x86_64(),
				.trap_data = TRANSLATE_DATA_TAG };
	struct seccomp_data bad, d;
	unsigned long checked;

	(void)state;
	assert_int_equal(n, 3);		/* x86_64, x86, x32: x86_64 not alone */
	assert_int_equal(patch_filter(f, len, native, n, &o, &work, &plen), 0);
	assert_int_equal(work.rep.ntranslated, 14);
	for (k = 0; k < work.rep.ntranslated; k++)
		assert_int_equal(work.rep.translated_ret[k], SECCOMP_RET_KILL_THREAD);
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), 0);
	/* a trap for a call of no rule (read), or for x32's newfstatat */
	work.out[3].k = 0;
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), -EPERM);
	assert_int_equal(bad.nr, 0);
	work.out[3].k = work.rep.translated[0];
	d = mkdata(AUDIT_ARCH_X86_64, 0x40000000u | nr("newfstatat"));
	assert_int_not_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_TRAP | TRANSLATE_DATA_TAG);
	/* the ABI to translate is not among those patched: no trap */
	assert_int_equal(patch_filter(f, len, &x86_only, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.ntranslated, 0);
	/* a TRAP original is trapped too, and verified */
	len = legacy(f, SECCOMP_RET_TRAP | 3, false);
	assert_int_equal(patch_filter(f, len, native, n, &o, &work, &plen), 0);
	assert_int_equal(work.rep.translated_ret[0], SECCOMP_RET_TRAP | 3);
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), 0);
}

/* patch_verify() with an allow list: the listed numbers must answer
 * ALLOW, on the listed arch only; anything else is judged as ever. */
static void test_verify_allow(void **state)
{
	struct sock_filter f[16];
	const struct arch_abi *abi = x86_64();
	struct patch_opts o = { .an = test_opts, .allow_audit = AUDIT_ARCH_X86_64,
				.nallow = 2, .allow = { 1000, 4 } };
	size_t len = legacy(f, SECCOMP_RET_KILL_PROCESS, false), plen;
	struct seccomp_data bad, d;
	unsigned long checked;

	(void)state;
	assert_int_equal(patch_filter(f, len, &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.nallowed, 2);
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), 0);
	d = mkdata(AUDIT_ARCH_X86_64, 4);
	assert_int_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_ALLOW);
	/* without the list, the same program is weaker than the original */
	o.nallow = 0;
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), -EPERM);
	assert_int_equal(bad.arch, AUDIT_ARCH_X86_64);
	assert_int_equal(bad.nr, 4);
	/* listed numbers that the program does not allow (the block's one RET) */
	o.nallow = 2;
	work.out[4 + 2].k = SECCOMP_RET_ERRNO | EPERM;
	assert_int_equal(patch_verify(f, len, work.out, plen, &o, &bad, &checked), -EPERM);
	assert_int_equal(bad.nr, 4);
}

/*
 * The handler's decision, against the original: the classic call only when
 * the original runs it, for every rule with arguments that apply; the
 * original's own answer otherwise.
 */
static void test_decide(void **state)
{
	static const char empty[] = "";
	static const uint64_t zeros[8];
	struct sock_filter f[16];
	size_t len = legacy(f, SECCOMP_RET_KILL_THREAD, false), i;
	struct translate_call c;
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, nr("newfstatat"));
	uint32_t orig;

	(void)state;
	d.args[0] = 3, d.args[1] = (uintptr_t)empty, d.args[3] = AT_EMPTY_PATH;
	assert_true(translate_decide(f, len, x86_64(), &d, &c, &orig));
	assert_int_equal(orig, SECCOMP_RET_KILL_THREAD);
	assert_int_equal(c.nr, 5);
	d.args[0] = (uint64_t)(int64_t)AT_FDCWD, d.args[3] = 0;	/* stat: refused */
	assert_false(translate_decide(f, len, x86_64(), &d, &c, &orig));
	assert_int_equal(orig, SECCOMP_RET_KILL_THREAD);
	d.nr = (int)nr("pselect6");
	memset(d.args, 0, sizeof(d.args));
	assert_true(translate_decide(f, len, x86_64(), &d, &c, &orig));
	assert_int_equal(c.nr, 23);
	/* every rule: whenever decide says make it, the original runs it */
	for (i = 0; i < 400; i++) {
		size_t nt;
		const struct translate_rule *t = translate_rules(x86_64(), &nt);
		struct seccomp_data e = mkdata(AUDIT_ARCH_X86_64, nr(t[i % nt].from));
		struct seccomp_data k;
		size_t j;

		/* 0 or a zeroed buffer (a path "", a zero timeout); the first
		 * argument also AT_FDCWD or AT_EMPTY_PATH-style small values */
		for (j = 0; j < 6; j++)
			e.args[j] = (i >> j) & 1 ? (uintptr_t)zeros : 0;
		if (i & 64)
			e.args[0] = (uint64_t)(int64_t)AT_FDCWD;
		if (i & 128)
			e.args[3] = AT_EMPTY_PATH;
		if (translate_decide(f, len, x86_64(), &e, &c, &orig)) {
			k = e;
			k.nr = (int)c.nr;
			for (j = 0; j < 6; j++)
				k.args[j] = c.args[j];
			assert_true(analyze_runs_call(cbpf_run(f, len, &k)));
		}
	}
}

/* getdents64 -> getdents: the records rewritten in place equal what
 * getdents64 itself gives for the same directory, field by field. */
static void test_getdents(void **state)
{
	static unsigned char old[4096], want[4096];
	char dir[] = "/tmp/enostub-dents-XXXXXX", path[64];
	const char *names[] = { "a", "fourteen-chars", "x1234567", "sub" };
	struct translate_call c;
	uint64_t a[6] = { 0, (uintptr_t)old, sizeof(old) };
	long n, m, at;
	size_t i;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < N(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (i == 3)
			assert_int_equal(mkdir(path, 0700), 0);
		else
			close(open(path, O_CREAT | O_WRONLY, 0600));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	a[0] = (uint64_t)fd;
	assert_true(translate_prepare(x86_64(), nr("getdents64"), a, &c));
	assert_int_equal(c.nr, nr("getdents"));
	n = syscall(c.nr, c.args[0], c.args[1], c.args[2]);
	assert_true(n > 0);
	assert_int_equal(translate_finish(&c, a, n, NULL), n);
	close(fd);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	m = syscall(SYS_getdents64, fd, want, sizeof(want));
	close(fd);
	assert_int_equal(n, m);
	for (at = 0, i = 0; at < n; i++) {	/* ino, off, reclen, type, name */
		uint16_t len;

		memcpy(&len, want + at + 16, 2);
		assert_memory_equal(old + at, want + at, 19);
		assert_string_equal((char *)old + at + 19, (char *)want + at + 19);
		at += len;
	}
	assert_int_equal(i, N(names) + 2);	/* with . and .. */
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_trap_block),
		cmocka_unit_test(test_trap_block_exact),
		cmocka_unit_test(test_trap_block_edges),
		cmocka_unit_test(test_verify_allow),
		cmocka_unit_test(test_trap_abis),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_getdents),
	};

	return run_group("translate", tests, N(tests));
}
