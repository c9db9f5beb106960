// SPDX-License-Identifier: MIT
/* analyze: known numbers, defaults and verdicts per ABI, from raw cBPF. */
#include "testlib.h"

#include <linux/audit.h>

static struct analyze_work work;

static void analyze_one(const struct sock_filter *p, size_t len, const char *abi,
			const struct analyze_opts *o, struct analyze_abi *out)
{
	const struct arch_abi *a = arch_by_name(abi);

	assert_non_null(a);
	assert_int_equal(cbpf_validate(p, len), 0);
	analyze_abi_maxknown(p, len, a, o, &work, out);
}

/* An arch-checked allowlist that kills everything else (bpf-direct style). */
static const struct sock_filter allowlist[] = {
	LD_ARCH,
	JEQ(AUDIT_ARCH_X86_64, 1, 0),
	KILL,
	LD_NR,
	JEQ(0, 4, 0),     /* read */
	JEQ(1, 3, 0),     /* write */
	JEQ(60, 2, 0),    /* exit */
	JEQ(231, 1, 0),   /* exit_group */
	KILL,
	ALLOW,
};

static void test_allowlist(void **state)
{
	struct analyze_abi r;

	(void)state;
	analyze_one(allowlist, N(allowlist), "x86_64", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_true(r.flow.arch_checked);
	assert_int_equal(r.flow.nknown, 4);
	assert_int_equal(r.max_known, 231);
	assert_int_equal(r.deflt, SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(r.nranges, 1);
	assert_int_equal(r.ranges[0].lo, 232);
	assert_int_equal(r.ranges[0].hi, ARCH_NR_SPAN - 1);
	assert_true(analyze_is_known(&r, 60));
	assert_false(analyze_is_known(&r, 59));
	/* i386 is killed wholesale and x32 numbers are never compared. */
	analyze_one(allowlist, N(allowlist), "x86", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_NO_NUMBERS);
	analyze_one(allowlist, N(allowlist), "x32", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_NO_NUMBERS);
}

/* No arch check: the filter applies to every ABI of the process. */
static void test_no_arch_check(void **state)
{
	static const struct sock_filter p[] = {
		LD_NR, JEQ(1, 2, 0), JEQ(60, 1, 0), EPERM_, ALLOW,
	};
	struct analyze_abi r;

	(void)state;
	analyze_one(p, N(p), "x86_64", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_false(r.flow.arch_checked);
	assert_int_equal(r.ranges[0].lo, 61);
	analyze_one(p, N(p), "x86", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_int_equal(r.deflt, SECCOMP_RET_ERRNO | EPERM);
}

struct verdict_case {
	const char *what;
	struct sock_filter prog[8];
	size_t len;
	uint32_t deny;
	enum analyze_verdict want;
};

#define DENY ANALYZE_DENY_DEFAULT
static const struct verdict_case verdicts[] = {
	{ "dropper: allow by default", { LD_NR, JEQ(59, 0, 1), EPERM_, ALLOW }, 4, DENY,
	  ANALYZE_PERMISSIVE },
	{ "default ERRNO(0) is no denial", { LD_NR, JEQ(1, 0, 1), ALLOW,
	  RET(SECCOMP_RET_ERRNO) }, 4, DENY, ANALYZE_PERMISSIVE },
	{ "default LOG", { LD_NR, JEQ(1, 0, 1), ALLOW, RET(SECCOMP_RET_LOG) }, 4, DENY,
	  ANALYZE_PERMISSIVE },
	{ "default TRACE", { LD_NR, JEQ(1, 0, 1), ALLOW, RET(SECCOMP_RET_TRACE) }, 4, DENY,
	  ANALYZE_PERMISSIVE },
	{ "default USER_NOTIF, not opted in", { LD_NR, JEQ(1, 0, 1), ALLOW,
	  RET(SECCOMP_RET_USER_NOTIF) }, 4, DENY, ANALYZE_PERMISSIVE },
	{ "default USER_NOTIF, opted in", { LD_NR, JEQ(1, 0, 1), ALLOW,
	  RET(SECCOMP_RET_USER_NOTIF) }, 4, DENY | ANALYZE_DENY_USER_NOTIF, ANALYZE_STUB },
	{ "default TRAP", { LD_NR, JEQ(1, 0, 1), ALLOW, RET(SECCOMP_RET_TRAP) }, 4, DENY,
	  ANALYZE_STUB },
	{ "default KILL_THREAD", { LD_NR, JEQ(1, 0, 1), ALLOW, RET(0) }, 4, DENY,
	  ANALYZE_STUB },
	{ "KILL_THREAD not counted", { LD_NR, JEQ(1, 0, 1), ALLOW, RET(0) }, 4,
	  ANALYZE_DENY_ERRNO, ANALYZE_PERMISSIVE },
	{ "default already ENOSYS", { LD_NR, JEQ(1, 0, 1), ALLOW, RET(RET_ENOSYS) }, 4,
	  DENY, ANALYZE_ALREADY },
	{ "arithmetic on the number", { LD_NR, BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
	  JEQ(1, 0, 1), ALLOW, EPERM_ }, 5, DENY, ANALYZE_UNSURE },
	{ "number compared with an argument", { LD_ARG0, BPF_STMT(BPF_MISC | BPF_TAX, 0),
	  LD_NR, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), ALLOW, EPERM_ }, 6, DENY,
	  ANALYZE_UNSURE },
	{ "default depends on an argument", { LD_NR, JEQ(1, 2, 0), LD_ARG0, JEQ(0, 0, 1),
	  ALLOW, EPERM_ }, 6, DENY, ANALYZE_UNSURE },
	{ "default returned from A", { LD_NR, JEQ(1, 1, 0), LD_ARG0, RET_A }, 4, DENY,
	  ANALYZE_UNSURE },
	{ "number spilled and reloaded is still the number", { LD_NR, BPF_STMT(BPF_ST, 2),
	  BPF_STMT(BPF_LD | BPF_IMM, 7), BPF_STMT(BPF_LD | BPF_MEM, 2), JEQ(1, 0, 1),
	  ALLOW, EPERM_ }, 7, DENY, ANALYZE_STUB },
	{ "nothing above the largest known", { LD_NR, JGT(ARCH_NR_SPAN - 1, 0, 1), ALLOW,
	  EPERM_ }, 4, DENY, ANALYZE_FULL },
	{ "no number compared at all", { EPERM_ }, 1, DENY, ANALYZE_NO_NUMBERS },
	/* a branch on the number is followed both ways unless the whole
	 * interval goes one way: here only 0xffffffff, or only 0, takes it */
	{ "the number changed where only 0xffffffff goes", { LD_NR,
	  JGE(0xffffffff, 0, 1), BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), JEQ(1, 0, 1), ALLOW,
	  EPERM_ }, 6, DENY, ANALYZE_UNSURE },
	{ "the number changed where only 0 goes", { LD_NR, JEQ(0, 0, 3),
	  BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), JEQ(1, 0, 1), ALLOW, EPERM_ }, 6, DENY,
	  ANALYZE_UNSURE },
};

static void test_verdicts(void **state)
{
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	struct analyze_opts o = test_opts;
	struct analyze_abi r, shared;
	size_t i;

	(void)state;
	for (i = 0; i < N(verdicts); i++) {
		o.deny = verdicts[i].deny;
		analyze_one(verdicts[i].prog, verdicts[i].len, "x86_64", &o, &r);
		if (r.verdict != verdicts[i].want)
			fail_msg("%s: verdict %d, want %d (%s)", verdicts[i].what,
				 r.verdict, verdicts[i].want, r.why);
		assert_non_null(r.why);
		/* the pass analyze_abis() shares between ABIs decides alike */
		analyze_abis(verdicts[i].prog, verdicts[i].len, &x86_64, 1, &o, &work, &shared);
		if (shared.verdict != verdicts[i].want)
			fail_msg("%s: analyze_abis() verdict %d, want %d (%s)", verdicts[i].what,
				 shared.verdict, verdicts[i].want, shared.why);
	}
}

/*
 * What the kernel ignores, the analysis ignores: jt and jf of every
 * instruction that is not a conditional jump, k of TAX, TXA and the
 * length loads. Each program computes its default (for numbers other
 * than 1) with one such instruction carrying jt = jf = 1 and, where
 * unused, k = 1; read as a jump, it would skip to "RET ALLOW".
 */
#define DIRTY(code, k) BPF_JUMP((code), (k), 1, 1)
#define RET_ERR (SECCOMP_RET_ERRNO | EPERM)

static const struct {
	const char *what;
	struct sock_filter prog[10];
	size_t len;
	uint32_t deflt;
} ignored[] = {
	{ "LD LEN", { LD_NR, JEQ(1, 0, 1), ALLOW, DIRTY(BPF_LD | BPF_W | BPF_LEN, 0x40),
	  RET_A, ALLOW }, 6, SECCOMP_RET_KILL_THREAD | 0x40 },
	{ "LDX LEN", { LD_NR, JEQ(1, 0, 1), ALLOW, DIRTY(BPF_LDX | BPF_W | BPF_LEN, 0x40),
	  BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A, ALLOW }, 7, SECCOMP_RET_KILL_THREAD | 0x40 },
	{ "LD IMM", { LD_NR, JEQ(1, 0, 1), ALLOW, DIRTY(BPF_LD | BPF_IMM, RET_ERR), RET_A,
	  ALLOW }, 6, RET_ERR },
	{ "LDX IMM", { LD_NR, JEQ(1, 0, 1), ALLOW, DIRTY(BPF_LDX | BPF_IMM, RET_ERR),
	  BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A, ALLOW }, 7, RET_ERR },
	{ "ST", { LD_NR, JEQ(1, 0, 1), ALLOW, LD_IMM(RET_ERR), DIRTY(BPF_ST, 1),
	  BPF_STMT(BPF_LD | BPF_MEM, 1), RET_A, ALLOW }, 8, RET_ERR },
	{ "STX", { LD_NR, JEQ(1, 0, 1), ALLOW, LDX_IMM(RET_ERR), DIRTY(BPF_STX, 1),
	  BPF_STMT(BPF_LD | BPF_MEM, 1), RET_A, ALLOW }, 8, RET_ERR },
	{ "LD MEM", { LD_NR, JEQ(1, 0, 1), ALLOW, LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 1),
	  LD_IMM(0), DIRTY(BPF_LD | BPF_MEM, 1), RET_A, ALLOW }, 9, RET_ERR },
	{ "LDX MEM", { LD_NR, JEQ(1, 0, 1), ALLOW, LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 1),
	  DIRTY(BPF_LDX | BPF_MEM, 1), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A, ALLOW }, 9,
	  RET_ERR },
	{ "TAX", { LD_NR, JEQ(1, 0, 1), ALLOW, LD_IMM(RET_ERR), DIRTY(BPF_MISC | BPF_TAX, 1),
	  LD_IMM(0), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A, ALLOW }, 9, RET_ERR },
	{ "TXA", { LD_NR, JEQ(1, 0, 1), ALLOW, LDX_IMM(RET_ERR), DIRTY(BPF_MISC | BPF_TXA, 1),
	  RET_A, ALLOW }, 7, RET_ERR },
	{ "ALU", { LD_NR, JEQ(1, 0, 1), ALLOW, LD_IMM(RET_ERR ^ 1),
	  DIRTY(BPF_ALU | BPF_XOR | BPF_K, 1), RET_A, ALLOW }, 7, RET_ERR },
	{ "NEG", { LD_NR, JEQ(1, 0, 1), ALLOW, LD_IMM(-RET_ERR),
	  DIRTY(BPF_ALU | BPF_NEG, 1), RET_A, ALLOW }, 7, RET_ERR },
	{ "RET K", { LD_NR, JEQ(1, 0, 1), ALLOW, DIRTY(BPF_RET | BPF_K, RET_ERR), ALLOW }, 5,
	  RET_ERR },
	{ "RET A", { LD_NR, JEQ(1, 0, 1), ALLOW, LD_IMM(RET_ERR), DIRTY(BPF_RET | BPF_A, 1),
	  ALLOW }, 6, RET_ERR },
};

static void test_ignored_fields(void **state)
{
	struct analyze_abi r;
	size_t i;

	(void)state;
	for (i = 0; i < N(ignored); i++) {
		struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 2);

		/* the emulator, as the kernel, returns the default */
		assert_int_equal(cbpf_run(ignored[i].prog, ignored[i].len, &d), ignored[i].deflt);
		analyze_one(ignored[i].prog, ignored[i].len, "x86_64", &test_opts, &r);
		if (r.verdict != ANALYZE_STUB || r.deflt != ignored[i].deflt)
			fail_msg("%s: verdict %d, default %#x (%s)", ignored[i].what, r.verdict,
				 r.deflt, r.why);
		assert_int_equal(r.ranges[0].lo, 2);
	}
}

/*
 * Each analysis finds out for itself whether the program stores to
 * scratch memory: after a program that does not, the merges of the next
 * one still carry the words its paths stored. Above 500, argument 0 == 0
 * returns scratch word 0, the other path stores the other answer there
 * and returns directly: both paths give the same answer.
 */
static void test_scratch_each_time(void **state)
{
	static const struct sock_filter no_scratch[] = { LD_NR, JEQ(1, 0, 1), ALLOW, EPERM_ };
	static const struct sock_filter denied[] = {
		LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 3),
		LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 0), JA(3),
		LD_IMM(SECCOMP_RET_ALLOW), BPF_STMT(BPF_ST, 0), EPERM_,
		BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A,
	};
	static const struct sock_filter allowed[] = {
		LD_NR, JGT(500, 1, 0), EPERM_,
		LD_ARG0, JEQ(0, 0, 3),
		LD_IMM(SECCOMP_RET_ALLOW), BPF_STMT(BPF_ST, 0), JA(3),
		LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 0), ALLOW,
		BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A,
	};
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	struct analyze_abi r;

	(void)state;
	assert_int_equal(cbpf_validate(allowed, N(allowed)), 0);
	assert_false(analyze_lets_through(no_scratch, N(no_scratch), x86_64, 2, &work));
	analyze_one(denied, N(denied), "x86_64", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_int_equal(r.deflt, RET_ERR);
	analyze_one(no_scratch, N(no_scratch), "x86_64", &test_opts, &r);
	assert_true(analyze_lets_through(allowed, N(allowed), x86_64, 600, &work));
	assert_false(analyze_lets_through(allowed, N(allowed), x86_64, 400, &work));
}

/* "--arch x86_64,x86_64,...": five times one ABI, more than one pass
 * records numbers for (4); each gets what the ABI gets alone. */
static void test_same_abi_five_times(void **state)
{
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	const struct arch_abi *const abis[] = { x86_64, x86_64, x86_64, x86_64, x86_64 };
	static struct analyze_abi five[5];
	struct analyze_abi alone;
	size_t i;

	(void)state;
	analyze_abis(allowlist, N(allowlist), abis, N(abis), &test_opts, &work, five);
	analyze_one(allowlist, N(allowlist), "x86_64", &test_opts, &alone);
	for (i = 0; i < N(abis); i++) {
		assert_ptr_equal(five[i].abi, x86_64);
		assert_int_equal(five[i].verdict, ANALYZE_STUB);
		assert_memory_equal(five[i].flow.known, alone.flow.known, sizeof(alone.flow.known));
		assert_int_equal(five[i].nranges, 1);
		assert_memory_equal(five[i].ranges, alone.ranges, sizeof(alone.ranges[0]));
	}
}

/* Constants that are not syscall numbers are not counted (x32 bit, MIPS
 * base, ARM private numbers), and the stub stays below them. */
static void test_special_constants(void **state)
{
	static const struct sock_filter x32_split[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JGE(0x40000000, 3, 0), JEQ(0, 1, 0), JEQ(1, 0, 1), ALLOW, KILL,
	};
	static const struct sock_filter arm_private[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_ARM, 1, 0), KILL,
		LD_NR, JEQ(0x0f0005, 2, 0), JEQ(4, 1, 0), EPERM_, ALLOW,
	};
	static const struct sock_filter mips_base[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_MIPSEL, 1, 0), KILL,
		LD_NR, JGE(4000, 1, 0), KILL, JEQ(4003, 0, 1), ALLOW, EPERM_,
	};
	struct analyze_abi r;

	(void)state;
	analyze_one(x32_split, N(x32_split), "x32", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_NO_NUMBERS);
	analyze_one(x32_split, N(x32_split), "x86_64", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_int_equal(r.max_known, 1);
	analyze_one(arm_private, N(arm_private), "arm", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_int_equal(r.max_known, 4);
	assert_true(r.ranges[0].hi < 0x0f0005);
	analyze_one(mips_base, N(mips_base), "mipsel", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_int_equal(r.flow.nknown, 1);
	assert_int_equal(r.ranges[0].lo, 4004);
	assert_int_equal(r.ranges[0].hi, 4000 + ARCH_NR_SPAN - 1);
}

/* s390x: nr 0 multiplexes; it answers ENOSYS too when denied and unknown. */
static void test_s390_nr0(void **state)
{
	static const struct sock_filter p[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_S390X, 1, 0), KILL,
		LD_NR, JEQ(3, 1, 0), EPERM_, ALLOW,
	};
	struct analyze_abi r;

	(void)state;
	analyze_one(p, N(p), "s390x", &test_opts, &r);
	assert_int_equal(r.verdict, ANALYZE_STUB);
	assert_int_equal(r.nranges, 2);
	assert_int_equal(r.ranges[0].lo, 0);
	assert_int_equal(r.ranges[0].hi, 0);
	assert_int_equal(r.ranges[1].lo, 4);
	/* a multiplexer the filter allows, without naming it, keeps its answer */
	{
		static const struct sock_filter q[] = {
			LD_ARCH, JEQ(AUDIT_ARCH_S390X, 1, 0), KILL,
			LD_NR, JEQ(3, 2, 0), JGT(1, 0, 1), EPERM_, ALLOW,
		};

		analyze_one(q, N(q), "s390x", &test_opts, &r);
		assert_int_equal(r.verdict, ANALYZE_STUB);
		assert_int_equal(r.nranges, 1);
		assert_int_equal(r.ranges[0].lo, 4);
	}
}

static void test_libseccomp_every_arch(void **state)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	struct analyze_abi r;
	size_t i, n;
	int maxnr;

	(void)state;
	for (i = 0; i < N(scmp_arches); i++) {
		n = generated(scmp_arches[i].token, SCMP_ACT_ERRNO(EPERM), f, &maxnr);
		analyze_one(f, n, scmp_arches[i].abi, &test_opts, &r);
		if (r.verdict != ANALYZE_STUB)
			fail_msg("%s: %s", scmp_arches[i].abi, r.why);
		assert_true(r.flow.arch_checked);
		assert_int_equal(r.deflt, SECCOMP_RET_ERRNO | EPERM);
		assert_true(maxnr > 0);
		assert_true(analyze_is_known(&r, (uint32_t)maxnr));
		assert_true(r.max_known >= (uint32_t)maxnr);
		assert_true(r.max_known < r.abi->nr_base + 600);
		assert_int_equal(r.ranges[r.nranges - 1].lo, r.max_known + 1);
		/* the same filter says nothing about another arch */
		analyze_one(f, n, i ? "x86_64" : "aarch64", &test_opts, &r);
		assert_int_equal(r.verdict, ANALYZE_NO_NUMBERS);
	}
}

/* Arches libseccomp 2.5 cannot compile for: hand-written allowlists. */
static void test_hand_arches(void **state)
{
	static const struct { uint32_t audit; const char *abi; } hand[] = {
		{ AUDIT_ARCH_LOONGARCH64, "loongarch64" }, { AUDIT_ARCH_M68K, "m68k" },
		{ AUDIT_ARCH_SHEL, "sh" }, { AUDIT_ARCH_SH, "sheb" },
	};
	struct sock_filter p[] = {
		LD_ARCH, JEQ(0, 1, 0), KILL, LD_NR, JEQ(63, 2, 0), JEQ(435, 1, 0),
		RET(SECCOMP_RET_TRAP), ALLOW,
	};
	struct analyze_abi r;
	size_t i;

	(void)state;
	for (i = 0; i < N(hand); i++) {
		p[1].k = hand[i].audit;
		analyze_one(p, N(p), hand[i].abi, &test_opts, &r);
		assert_int_equal(r.verdict, ANALYZE_STUB);
		assert_int_equal(r.max_known, 435);
		assert_int_equal(r.deflt, SECCOMP_RET_TRAP);
	}
}

struct corpus_case {
	const char *file;
	enum analyze_verdict v64, v32, vx32;
	uint32_t max64, max32, maxx32;
};

static const struct corpus_case corpus_cases[] = {
	{ "docker-default-v19.03.0.bpf", ANALYZE_STUB, ANALYZE_STUB, ANALYZE_STUB,
	  333, 402, 0x40000223 },
	{ "docker-default-v20.10.0.bpf", ANALYZE_STUB, ANALYZE_STUB, ANALYZE_STUB,
	  439, 439, 0x40000223 },
	{ "docker-default.bpf", ANALYZE_STUB, ANALYZE_STUB, ANALYZE_STUB,
	  456, 456, 0x40000223 },
	{ "systemd-252-system-service.bpf", ANALYZE_STUB, ANALYZE_STUB, ANALYZE_STUB,
	  452, 452, 0x40000223 },
	{ "containers-common-seccomp.bpf", ANALYZE_ALREADY, ANALYZE_ALREADY,
	  ANALYZE_ALREADY, 456, 456, 0x40000223 },
	{ "containers-common-debian12-0.50.1-seccomp.bpf", ANALYZE_ALREADY,
	  ANALYZE_ALREADY, ANALYZE_ALREADY, 448, 448, 0x40000223 },
	{ "flatpak-default.bpf", ANALYZE_PERMISSIVE, ANALYZE_NO_NUMBERS,
	  ANALYZE_NO_NUMBERS, 442, 0, 0 },
	{ "runc-1.1.5-patched-docker-default-v19.03.0.bpf", ANALYZE_ALREADY,
	  ANALYZE_ALREADY, ANALYZE_ALREADY, 333, 402, 0x40000223 },
};

static void expect(const struct sock_filter *f, size_t n, const char *abi,
		   enum analyze_verdict v, uint32_t max, const char *file)
{
	struct analyze_abi r;

	analyze_one(f, n, abi, &test_opts, &r);
	if (r.verdict != v || r.max_known != max)
		fail_msg("%s %s: verdict %d max %#x, want %d %#x (%s)", file, abi,
			 r.verdict, r.max_known, v, max, r.why);
	if (v == ANALYZE_STUB)
		assert_int_equal(r.deflt, SECCOMP_RET_ERRNO | EPERM);
}

/* analyze_lets_through(): the calls the shim's log may still make under a
 * filter: only ALLOW or LOG on every path, whatever the arguments. */
static void test_lets_through(void **state)
{
	static const struct sock_filter f[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR,
		JEQ(1, 6, 0),                     /* write: allowed */
		JEQ(39, 6, 0),                    /* getpid: to a listener */
		JEQ(14, 6, 0),                    /* rt_sigprocmask: logged */
		JEQ(20, 6, 0),                    /* writev: by its argument */
		JEQ(2, 9, 0),                     /* open: ERRNO(0), runs nothing */
		JEQ(3, 9, 0),                     /* close: A after a merge */
		EPERM_,
		ALLOW,
		RET(SECCOMP_RET_USER_NOTIF),
		RET(SECCOMP_RET_LOG),
		LD_ARG0, JEQ(1, 0, 1), ALLOW, EPERM_,
		RET(SECCOMP_RET_ERRNO),
		LD_ARG0, JEQ(0, 0, 2), LD_IMM(SECCOMP_RET_ALLOW), JA(1), LD_IMM(SECCOMP_RET_ALLOW),
		RET_A,
	};
	static const struct { uint32_t nr; bool through; } cases[] = {
		{ 1, true }, { 39, false }, { 14, true }, { 20, false }, { 2, false },
		{ 3, true }, { 0, false }, { 4095, false },
	};
	const struct arch_abi *x86_64 = arch_by_name("x86_64"), *x86 = arch_by_name("x86");
	size_t i;

	(void)state;
	assert_int_equal(cbpf_validate(f, N(f)), 0);
	for (i = 0; i < N(cases); i++) {
		if (analyze_lets_through(f, N(f), x86_64, cases[i].nr, &work) != cases[i].through)
			fail_msg("nr %u: %s", cases[i].nr, cases[i].through ? "refused" : "let through");
	}
	/* another architecture is killed */
	assert_false(analyze_lets_through(f, N(f), x86, 1, &work));
	/* compares at the number itself: JGT 1 and JGE 2 not taken for 1 */
	{
		static const struct sock_filter g[] = {
			LD_NR, JGT(1, 2, 0), JGE(2, 1, 0), ALLOW, EPERM_,
		};

		assert_true(analyze_lets_through(g, N(g), x86_64, 1, &work));
		assert_false(analyze_lets_through(g, N(g), x86_64, 2, &work));
		assert_true(analyze_lets_through(g, N(g), x86_64, 0, &work));
	}
}

/* analyze_is_known(): the numbers compared, inside the ABI's span only. */
static void test_is_known(void **state)
{
	static const struct sock_filter f[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(0, 4, 0), JEQ(4095, 3, 0), JGT(0x40000010, 2, 0),
		JEQ(0x40000000, 1, 0), EPERM_, ALLOW,
	};
	struct analyze_abi r, x32;

	(void)state;
	analyze_one(f, N(f), "x86_64", &test_opts, &r);
	analyze_one(f, N(f), "x32", &test_opts, &x32);
	assert_true(analyze_is_known(&r, 0));
	assert_true(analyze_is_known(&r, 4095));
	assert_false(analyze_is_known(&r, 1));
	assert_false(analyze_is_known(&r, 4094));
	assert_false(analyze_is_known(&r, 4096));
	assert_false(analyze_is_known(&r, 0x40000010));
	assert_true(analyze_is_known(&x32, 0x40000010));
	assert_true(analyze_is_known(&x32, 0x40000000));
	assert_false(analyze_is_known(&x32, 0));
	assert_false(analyze_is_known(&x32, 0x40000011));
	assert_false(analyze_is_known(&x32, 0x3fffffff));
	assert_int_equal(r.max_known, 4095);
	assert_int_equal(x32.max_known, 0x40000010);
}

static void test_corpus(void **state)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	size_t i, n;

	(void)state;
	for (i = 0; i < N(corpus_cases); i++) {
		const struct corpus_case *c = &corpus_cases[i];

		n = load_corpus(c->file, f);
		expect(f, n, "x86_64", c->v64, c->max64, c->file);
		expect(f, n, "x86", c->v32, c->max32, c->file);
		expect(f, n, "x32", c->vx32, c->maxx32, c->file);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowlist),
		cmocka_unit_test(test_no_arch_check),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_special_constants),
		cmocka_unit_test(test_s390_nr0),
		cmocka_unit_test(test_libseccomp_every_arch),
		cmocka_unit_test(test_hand_arches),
		cmocka_unit_test(test_lets_through),
		cmocka_unit_test(test_is_known),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_ignored_fields),
		cmocka_unit_test(test_scratch_each_time),
		cmocka_unit_test(test_same_abi_five_times),
	};

	return run_group("analyze", tests, N(tests));
}
