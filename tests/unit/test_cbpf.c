// SPDX-License-Identifier: MIT
/* cbpf: the validator agrees with the kernel, the emulator computes as it. */
#include "testlib.h"

static const struct sock_filter valid_min[] = { ALLOW };

struct bad_case {
	const char *what;
	struct sock_filter prog[5];
	size_t len;
};

static const struct bad_case bad[] = {
	{ "last is not RET", { LD_NR }, 1 },
	{ "byte load", { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), ALLOW }, 2 },
	{ "half load", { BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), ALLOW }, 2 },
	{ "unaligned load", { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), ALLOW }, 2 },
	{ "unaligned load (1)", { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1), ALLOW }, 2 },
	{ "unaligned load (61)", { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 61), ALLOW }, 2 },
	{ "load past seccomp_data", { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), ALLOW }, 2 },
	{ "indirect load", { BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), ALLOW }, 2 },
	{ "msh load", { BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), ALLOW }, 2 },
	{ "division by constant zero", { BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), ALLOW }, 2 },
	{ "modulo (not allowed in seccomp)", { BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), ALLOW }, 2 },
	{ "shift by 32", { BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), ALLOW }, 2 },
	{ "scratch index 16", { BPF_STMT(BPF_ST, 16), ALLOW }, 2 },
	{ "load of unwritten scratch", { BPF_STMT(BPF_LD | BPF_MEM, 3), ALLOW }, 2 },
	{ "JA past the end", { BPF_STMT(BPF_JMP | BPF_JA, 1), ALLOW }, 2 },
	{ "jt past the end", { JEQ(0, 1, 0), ALLOW }, 2 },
	{ "jf past the end", { JEQ(0, 0, 5), ALLOW, ALLOW }, 3 },
	{ "unknown opcode", { BPF_STMT(0xff, 0), ALLOW }, 2 },
	{ "scratch written on one path only", {
		JEQ(0, 0, 1), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_LD | BPF_MEM, 0), ALLOW }, 4 },
	{ "scratch written on the other path only", {
		JEQ(0, 1, 0), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_LD | BPF_MEM, 0), ALLOW }, 4 },
	{ "scratch skipped by JA", {
		JA(1), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_LD | BPF_MEM, 0), ALLOW }, 4 },
	{ "scratch written on one path, another instruction before the load", {
		JEQ(0, 0, 1), BPF_STMT(BPF_ST, 0), LD_IMM(1), BPF_STMT(BPF_LD | BPF_MEM, 0), ALLOW },
	  5 },
	{ "jf to the end", { JEQ(0, 0, 1), ALLOW }, 2 },
	{ "ALU opcode with a bit more", { BPF_STMT(BPF_ALU | BPF_ADD | BPF_K | 0x100, 1), ALLOW },
	  2 },
	{ "JMP opcode with a bit more", { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K | 0x100, 1, 0, 0),
	  ALLOW }, 2 },
};

/* What the kernel accepts: every shift below 32; a load of scratch memory
 * reached only by jumps that stored it, after a JA or a RET that did not
 * (what falls through from a jump or a return starts afresh). */
static const struct bad_case good[] = {
	{ "shift by 31", { BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 31), ALLOW }, 2 },
};

static const struct sock_filter after_ja[] = {
	JEQ(0, 0, 2), BPF_STMT(BPF_ST, 0), JEQ(0, 2, 0), LD_IMM(1), JA(1),
	BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A,
};

static const struct sock_filter after_ret[] = {
	JEQ(0, 0, 2), BPF_STMT(BPF_ST, 0), JEQ(0, 2, 0), LD_IMM(1), RET_A,
	BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A,
};

static void test_validate_rejects(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		if (cbpf_validate(bad[i].prog, bad[i].len) != -EINVAL)
			fail_msg("accepted: %s", bad[i].what);
	}
	for (i = 0; i < N(good); i++) {
		if (cbpf_validate(good[i].prog, good[i].len) != 0)
			fail_msg("refused: %s", good[i].what);
	}
	assert_int_equal(cbpf_validate(after_ja, N(after_ja)), 0);
	assert_int_equal(cbpf_validate(after_ret, N(after_ret)), 0);
}

static void test_validate_lengths(void **state)
{
	static struct sock_filter big[CBPF_MAX_INSNS + 1];
	size_t i;

	(void)state;
	for (i = 0; i < N(big); i++)
		big[i] = (struct sock_filter)ALLOW;
	assert_int_equal(cbpf_validate(valid_min, 0), -EINVAL);
	assert_int_equal(cbpf_validate(NULL, 1), -EINVAL);
	assert_int_equal(cbpf_validate(valid_min, 1), 0);
	assert_int_equal(cbpf_validate(big, CBPF_MAX_INSNS), 0);
	assert_int_equal(cbpf_validate(big, CBPF_MAX_INSNS + 1), -EINVAL);
}

static void test_validate_corpus(void **state)
{
	static struct sock_filter f[CBPF_MAX_INSNS];
	size_t i;

	(void)state;
	for (i = 0; i < N(corpus_files); i++)
		assert_int_equal(cbpf_validate(f, load_corpus(corpus_files[i], f)), 0);
}

/* The kernel sample "dropper": fail one syscall with an errno, allow all. */
static void test_run_dropper(void **state)
{
	static const struct sock_filter p[] = {
		LD_ARCH,
		JEQ(AUDIT_ARCH_X86_64, 1, 0),
		KILL,
		LD_NR,
		JEQ(59, 0, 1),        /* execve */
		RET(SECCOMP_RET_ERRNO | 1),
		ALLOW,
	};
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 59);

	(void)state;
	assert_int_equal(cbpf_validate(p, N(p)), 0);
	assert_int_equal(cbpf_run(p, N(p), &d), SECCOMP_RET_ERRNO | 1);
	d.nr = 60;
	assert_int_equal(cbpf_run(p, N(p), &d), SECCOMP_RET_ALLOW);
	d.arch = AUDIT_ARCH_I386;
	assert_int_equal(cbpf_run(p, N(p), &d), SECCOMP_RET_KILL_PROCESS);
}

/* Registers, scratch memory, arithmetic, RET A, and division by X == 0. */
static void test_run_alu_mem(void **state)
{
	static const struct sock_filter p[] = {
		LD_ARG0,                                   /* A = arg0 low */
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 5),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),           /* X = arg0 + 5 */
		BPF_STMT(BPF_LD | BPF_MEM, 3),             /* A = arg0 */
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 1),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),    /* A = 2*arg0 - (arg0+5) */
		JSET(0x80000000, 2, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 0x00050000),
		RET_A,
		BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),    /* ends with 0 */
		ALLOW,
	};
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 0);

	(void)state;
	assert_int_equal(cbpf_validate(p, N(p)), 0);
	d.args[0] = 12;       /* 24 - 17 = 7 */
	assert_int_equal(cbpf_run(p, N(p), &d), 0x00050007);
	d.args[0] = 1;        /* 2 - 6 < 0: sign bit set, then 0 / 0 */
	assert_int_equal(cbpf_run(p, N(p), &d), 0);
}

/* Division by a register that is not 0; the length loads. */
static void test_run_div_len(void **state)
{
	static const struct sock_filter p[] = {
		LDX_IMM(4), LD_IMM(0x00050008), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), RET_A,
	};
	static const struct sock_filter q[] = {
		BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A,
	};
	static const struct sock_filter r[] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), RET_A };
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 0);

	(void)state;
	assert_int_equal(cbpf_run(p, N(p), &d), 0x00014002);
	assert_int_equal(cbpf_run(q, N(q), &d), CBPF_DATA_SIZE);
	assert_int_equal(cbpf_run(r, N(r), &d), CBPF_DATA_SIZE);
}

/*
 * cbpf_run_named(): the path names the number when a jump compares the
 * number just loaded into A with a constant equal to it. A move to X or a
 * store keeps A the number; arithmetic and TXA make A something else.
 */
static void test_run_named(void **state)
{
	static const struct {
		const char *what;
		struct sock_filter prog[6];
		size_t len;
		bool named;
	} cases[] = {
		{ "JEQ", { LD_NR, JEQ(5, 0, 0), ALLOW }, 3, true },
		{ "JGT", { LD_NR, JGT(5, 0, 0), ALLOW }, 3, true },
		{ "JSET", { LD_NR, JSET(5, 0, 0), ALLOW }, 3, false },
		{ "another number", { LD_NR, JEQ(6, 0, 0), ALLOW }, 3, false },
		{ "after TAX", { LD_NR, BPF_STMT(BPF_MISC | BPF_TAX, 0), JEQ(5, 0, 0), ALLOW }, 4,
		  true },
		{ "after ST and LDX", { LD_NR, BPF_STMT(BPF_ST, 0), LDX_IMM(1), JEQ(5, 0, 0), ALLOW },
		  5, true },
		{ "after arithmetic", { LD_NR, BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 0), JEQ(5, 0, 0),
		  ALLOW }, 4, false },
		{ "after TXA", { LD_NR, LDX_IMM(5), BPF_STMT(BPF_MISC | BPF_TXA, 0), JEQ(5, 0, 0),
		  ALLOW }, 5, false },
		{ "X holds it", { LD_NR, BPF_STMT(BPF_MISC | BPF_TAX, 0), LD_IMM(5),
		  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0), ALLOW }, 5, false },
	};
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 5);
	size_t i;
	bool named;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		assert_int_equal(cbpf_validate(cases[i].prog, cases[i].len), 0);
		assert_int_equal(cbpf_run_named(cases[i].prog, cases[i].len, &d, &named),
				 SECCOMP_RET_ALLOW);
		if (named != cases[i].named)
			fail_msg("%s: named %d", cases[i].what, named);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_rejects),
		cmocka_unit_test(test_validate_lengths),
		cmocka_unit_test(test_validate_corpus),
		cmocka_unit_test(test_run_dropper),
		cmocka_unit_test(test_run_alu_mem),
		cmocka_unit_test(test_run_div_len),
		cmocka_unit_test(test_run_named),
	};

	return run_group("cbpf", tests, N(tests));
}
