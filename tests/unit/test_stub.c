// SPDX-License-Identifier: MIT
/* stub: the emitted prologue answers ENOSYS exactly on the given ranges. */
#include "testlib.h"

#include <linux/audit.h>

static struct sock_filter buf[CBPF_MAX_INSNS];

/* Opcodes the kernel's constant-action cache emulator understands. */
static bool cache_friendly(const struct sock_filter *in)
{
	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		return in->k == CBPF_OFF_NR || in->k == CBPF_OFF_ARCH;
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_RET | BPF_K:
	case BPF_ALU | BPF_AND | BPF_K:
		return true;
	}
	return false;
}

static struct analyze_abi stubbed(const char *name, const struct analyze_range *r,
				  size_t n)
{
	struct analyze_abi a;

	memset(&a, 0, sizeof(a));
	a.abi = arch_by_name(name);
	assert_non_null(a.abi);
	a.verdict = ANALYZE_STUB;
	a.nranges = n;
	memcpy(a.ranges, r, n * sizeof(*r));
	return a;
}

static size_t simulated_longest(size_t len);

/* Build stub + "RET ALLOW" and check every number of every ABI. */
static size_t check_stub(const struct analyze_abi *abis, size_t n, bool reset)
{
	size_t all_n, i, j, len;
	const struct arch_abi *all = arch_all(&all_n);
	int s = stub_build(abis, n, RET_ENOSYS, reset, buf, CBPF_MAX_INSNS - 1);

	assert_true(s > 0);
	len = (size_t)s;
	buf[len++] = (struct sock_filter)ALLOW;
	assert_int_equal(cbpf_validate(buf, len), 0);
	for (i = 0; i < len; i++) {
		assert_true(cache_friendly(&buf[i]));
		/* only a conditional jump has jump offsets */
		if (BPF_CLASS(buf[i].code) != BPF_JMP || BPF_OP(buf[i].code) == BPF_JA)
			assert_true(buf[i].jt == 0 && buf[i].jf == 0);
	}
	assert_int_equal(stub_size(abis, n, reset), (size_t)s);
	/* the longest path it reports is the longest one any number takes */
	assert_int_equal(stub_longest_path(buf, (size_t)s), simulated_longest((size_t)s));
	for (i = 0; i < all_n; i++) {
		for (uint32_t nr = all[i].nr_base; nr <= all[i].nr_last + 2; nr++) {
			struct seccomp_data d = mkdata(all[i].audit, nr);
			bool in = false;

			for (j = 0; j < n; j++)
				for (size_t k = 0; k < abis[j].nranges; k++)
					in |= abis[j].abi->audit == all[i].audit &&
					      nr >= abis[j].ranges[k].lo &&
					      nr <= abis[j].ranges[k].hi;
			assert_int_equal(cbpf_run(buf, len, &d),
					 in ? RET_ENOSYS : SECCOMP_RET_ALLOW);
		}
	}
	return (size_t)s;
}

static void test_every_abi(void **state)
{
	size_t n, i;
	const struct arch_abi *all = arch_all(&n);

	(void)state;
	for (i = 0; i < n; i++) {
		struct analyze_range r = { all[i].nr_base + 300, all[i].nr_last };
		struct analyze_abi a = stubbed(all[i].name, &r, 1);

		/* LD arch, JEQ, LD nr, JGE, JGT, JA end, RET */
		assert_int_equal(check_stub(&a, 1, false), 7);
	}
}

/* x86_64 and x32 share AUDIT_ARCH_X86_64: one block, split by number. */
static void test_x32_shares_block(void **state)
{
	struct analyze_range r64 = { 334, 4095 }, rx32 = { 0x40000224, 0x40000fff },
			     r32 = { 403, 4095 };
	struct analyze_abi a[3];
	size_t jeq = 0, i, len;

	(void)state;
	a[0] = stubbed("x86_64", &r64, 1);
	a[1] = stubbed("x86", &r32, 1);
	a[2] = stubbed("x32", &rx32, 1);
	len = check_stub(a, 3, false);
	for (i = 0; i < len; i++)
		jeq += buf[i].code == (BPF_JMP | BPF_JEQ | BPF_K);
	assert_int_equal(jeq, 2);
	assert_int_equal(len, 15);   /* runc's stub for the same filter: 14 */
	/* in any order of the ABIs, and with several ranges each, the same
	 * numbers answer ENOSYS: the block sorts the ranges it gathers */
	{
		struct analyze_range m64[] = { { 100, 120 }, { 334, 4095 } };
		struct analyze_range mx32[] = { { 0x400001b3, 0x400001b4 },
						{ 0x40000224, 0x40000fff } };
		struct analyze_abi b[3];

		b[0] = stubbed("x32", mx32, 2);
		b[1] = stubbed("x86", &r32, 1);
		b[2] = stubbed("x86_64", m64, 2);
		assert_int_equal(check_stub(b, 3, false), 26);
		/* x32's one range first, then x86_64's two: the second must
		 * move in front of it as well */
		b[0] = stubbed("x32", &rx32, 1);
		check_stub(b, 3, false);
	}
}

/* The most ranges two ABIs may have (x86_64 and x32 together, 128): a
 * binary search per arch, blocks longer than a conditional jump can skip
 * (JEQ + JA), left subtrees too (JGE + JA); the longest path stays
 * logarithmic. */
static void test_long_jumps(void **state)
{
	static struct analyze_abi a[3];
	struct analyze_range r[ANALYZE_MAX_RANGES];
	size_t i, len, skips = 0;

	(void)state;
	for (i = 0; i < ANALYZE_MAX_RANGES; i++)
		r[i] = (struct analyze_range){ 3 * i, 3 * i + 1 };
	a[0] = stubbed("x86_64", r, ANALYZE_MAX_RANGES);
	a[1] = stubbed("x32", r, ANALYZE_MAX_RANGES);
	for (i = 0; i < ANALYZE_MAX_RANGES; i++) {
		a[1].ranges[i].lo = 0x40000000 + 5 * i;
		a[1].ranges[i].hi = 0x40000000 + 5 * i + (i % 3);
	}
	r[0] = (struct analyze_range){ 7, 9 };
	a[2] = stubbed("x86", r, 1);
	len = check_stub(a, 3, true);
	assert_true(len > 2 * 256);
	assert_int_equal(buf[1].code, BPF_JMP | BPF_JEQ | BPF_K);
	assert_int_equal(buf[2].code, BPF_JMP | BPF_JA);   /* skips > 255 */
	for (i = 0; i + 1 < len; i++)
		skips += buf[i].code == (BPF_JMP | BPF_JGE | BPF_K) &&
			 buf[i].jt == 0 && buf[i].jf == 1 &&
			 buf[i + 1].code == (BPF_JMP | BPF_JA) && buf[i + 1].k > 255;
	assert_true(skips >= 1);
	/* 257 intervals: 9 levels of JGE, plus the long-jump JAs */
	_Static_assert(ANALYZE_MAX_RANGES == 64, "the bound assumes 64 ranges per ABI");
	assert_true(stub_longest_path(buf, len) <= 4 + 9 + 4 + 2);
}

/* Most instructions run for any number, found by running every number. */
static size_t simulated_longest(size_t len)
{
	size_t n, i, best = 0;
	const struct arch_abi *all = arch_all(&n);

	for (i = 0; i < n; i++) {
		for (uint32_t nr = all[i].nr_base; nr <= all[i].nr_last + 1; nr++) {
			struct seccomp_data d = mkdata(all[i].audit, nr);
			size_t steps = 0, pc = 0;

			uint32_t acc = 0;

			while (pc < len && ++steps) {
				const struct sock_filter *in = &buf[pc++];
				bool t;

				if (BPF_CLASS(in->code) == BPF_RET)
					break;
				if (BPF_CLASS(in->code) == BPF_LD)
					acc = in->k == CBPF_OFF_NR ? (uint32_t)d.nr : d.arch;
				else if (BPF_CLASS(in->code) == BPF_ALU)
					acc &= in->k;
				else if (BPF_OP(in->code) == BPF_JA)
					pc += in->k;
				else {
					t = BPF_OP(in->code) == BPF_JEQ ? acc == in->k :
					    BPF_OP(in->code) == BPF_JGE ? acc >= in->k :
					    acc > in->k;
					pc += t ? in->jt : in->jf;
				}
			}
			best = steps > best ? steps : best;
		}
	}
	return best;
}

/* Chains for one or two ranges, trees beyond: every number still right,
 * and stub_longest_path() equals the longest run really executed. */
static void test_tree_paths(void **state)
{
	struct analyze_range r[40];
	size_t m, i, len, path;

	(void)state;
	for (m = 1; m <= 40; m++) {
		struct analyze_abi a;

		for (i = 0; i < m; i++)
			r[i] = (struct analyze_range){ 7 * i + 2, 7 * i + 2 + i % 4 };
		a = stubbed("x86_64", r, m);
		len = check_stub(&a, 1, false);
		path = stub_longest_path(buf, len);
		assert_int_equal(path, simulated_longest(len));
		if (m < STUB_TREE_MIN)
			assert_int_equal(path, 3 + 2 * m + 1);
		else
			assert_true(path <= 3 + 1 + (size_t)(64 - __builtin_clzl(2 * m)));
	}
}

/* With reset, the original starts with A == 0 as the kernel promises. */
static void test_reset_a(void **state)
{
	struct analyze_range r = { 10, 20 };
	struct analyze_abi a = stubbed("x86_64", &r, 1);
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 5);
	int n = stub_build(&a, 1, RET_ENOSYS, true, buf, CBPF_MAX_INSNS);

	(void)state;
	assert_true(n > 0);
	buf[n] = (struct sock_filter)RET_A;   /* an original that returns A */
	assert_int_equal(cbpf_run(buf, (size_t)n + 1, &d), 0);
	n = stub_build(&a, 1, RET_ENOSYS, false, buf, CBPF_MAX_INSNS);
	buf[n] = (struct sock_filter)RET_A;
	assert_int_not_equal(cbpf_run(buf, (size_t)n + 1, &d), 0);
}

/*
 * Where conditional jumps run out of reach (255). A block of m >= 3
 * ranges is "LD nr" and a tree of 2m JGE nodes over 2m + 1 leaves:
 * 4m + 2 instructions, skipped by "JEQ arch" alone up to 255 and by
 * "JEQ; JA" beyond; a left subtree of k leaves is 2k - 1 instructions,
 * jumped over by its JGE alone up to 255 and with a JA beyond. So a block
 * is never 255 or 256 long and a subtree never 256: the edges are blocks
 * of 254 and 258 and left subtrees of 255 and 257, each checked here for
 * its exact shape and, by emulation, for every number.
 */
static void test_jump_edges(void **state)
{
	static const struct { size_t m64, mx32; } cases[] = {
		{ 63, 0 },      /* block of 254: JEQ jumps over it */
		{ 64, 0 },      /* block of 258: JEQ; JA */
		{ 62, 64 },     /* x86_64 + x32, 126 ranges: left subtree of 253 */
		{ 63, 64 },     /* 127: left subtree of 255, JGE jumps over it */
		{ 64, 64 },     /* 128: left subtree of 257, JGE; JA */
	};
	static struct analyze_abi a[2];
	struct analyze_range r64[ANALYZE_MAX_RANGES], rx32[ANALYZE_MAX_RANGES];
	size_t i, c, m, bl, left, len, at;

	(void)state;
	for (i = 0; i < ANALYZE_MAX_RANGES; i++) {
		r64[i] = (struct analyze_range){ 3 * i, 3 * i + 1 };
		rx32[i] = (struct analyze_range){ 0x40000000 + 5 * i, 0x40000000 + 5 * i + i % 3 };
	}
	for (c = 0; c < N(cases); c++) {
		a[0] = stubbed("x86_64", r64, cases[c].m64);
		a[1] = stubbed("x32", rx32, cases[c].mx32);
		len = check_stub(a, cases[c].mx32 ? 2 : 1, false);
		m = cases[c].m64 + cases[c].mx32;
		left = 2 * (m + 1) - 1;                 /* the root's left subtree */
		bl = 4 * m + 2 + (left > 255);
		assert_int_equal(len, 1 + (bl <= 255 ? 1 : 2) + bl);
		assert_int_equal(buf[1].code, BPF_JMP | BPF_JEQ | BPF_K);
		assert_int_equal(buf[1].k, AUDIT_ARCH_X86_64);
		if (bl <= 255) {
			assert_int_equal(buf[1].jt, 0);
			assert_int_equal(buf[1].jf, bl);
			at = 2;
		} else {
			assert_int_equal(buf[1].jt, 1);
			assert_int_equal(buf[1].jf, 0);
			assert_int_equal(buf[2].code, BPF_JMP | BPF_JA);
			assert_int_equal(buf[2].k, bl);
			at = 3;
		}
		assert_int_equal(buf[at].code, BPF_LD | BPF_W | BPF_ABS);
		assert_int_equal(buf[at].k, CBPF_OFF_NR);
		assert_int_equal(buf[at + 1].code, BPF_JMP | BPF_JGE | BPF_K);
		if (left <= 255) {
			assert_int_equal(buf[at + 1].jt, left);
			assert_int_equal(buf[at + 1].jf, 0);
		} else {
			assert_int_equal(buf[at + 1].jt, 0);
			assert_int_equal(buf[at + 1].jf, 1);
			assert_int_equal(buf[at + 2].code, BPF_JMP | BPF_JA);
			assert_int_equal(buf[at + 2].k, left);
		}
	}
}

/* A STUB verdict whose every range was taken out (patch_filter() keeping
 * a number for the filter) adds no block, and the ABIs after it still get
 * theirs: the stub is that of x86_64 alone. */
static void test_stub_without_ranges(void **state)
{
	struct analyze_range r = { 10, 20 };
	struct analyze_abi a[2];

	(void)state;
	a[0] = stubbed("x86", &r, 0);
	a[1] = stubbed("x86_64", &r, 1);
	assert_int_equal(check_stub(a, 2, false), 7);
	assert_int_equal(buf[1].k, AUDIT_ARCH_X86_64);
}

/* "enostub patch --arch aarch64,aarch64,aarch64" analyses one ABI three
 * times: 192 ranges for one audit arch, more than a block gathers (128,
 * two ABIs of 64). The stub still answers exactly for those ranges. */
static void test_same_abi_thrice(void **state)
{
	static struct analyze_abi a[3];
	struct analyze_range r[ANALYZE_MAX_RANGES];
	size_t i;

	(void)state;
	for (i = 0; i < ANALYZE_MAX_RANGES; i++)
		r[i] = (struct analyze_range){ 7 * i, 7 * i + 2 };
	for (i = 0; i < 3; i++)
		a[i] = stubbed("aarch64", r, ANALYZE_MAX_RANGES);
	check_stub(a, 3, true);
}

/* stub_longest_path() on small stubs: the longest path may end in the RET
 * (counted) or leave the stub (the next instruction is not counted). */
static void test_longest_path_ends(void **state)
{
	static const struct sock_filter ret_longest[] = {
		LD_NR, JGE(10, 0, 1), RET(RET_ENOSYS),
	};
	static const struct sock_filter out_longest[] = {
		LD_NR, JGE(10, 1, 0), RET(RET_ENOSYS), LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 0, 0),
	};

	(void)state;
	assert_int_equal(stub_longest_path(ret_longest, N(ret_longest)), 3);
	assert_int_equal(stub_longest_path(out_longest, N(out_longest)), 4);
}

static void test_nothing_and_no_room(void **state)
{
	struct analyze_range r = { 10, 20 };
	struct analyze_abi a = stubbed("x86_64", &r, 1);

	(void)state;
	assert_int_equal(stub_build(&a, 1, RET_ENOSYS, false, buf, 3), -ENOSPC);
	a.verdict = ANALYZE_PERMISSIVE;
	assert_int_equal(stub_build(&a, 1, RET_ENOSYS, true, buf, CBPF_MAX_INSNS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_abi),
		cmocka_unit_test(test_x32_shares_block),
		cmocka_unit_test(test_long_jumps),
		cmocka_unit_test(test_tree_paths),
		cmocka_unit_test(test_reset_a),
		cmocka_unit_test(test_nothing_and_no_room),
		cmocka_unit_test(test_jump_edges),
		cmocka_unit_test(test_stub_without_ranges),
		cmocka_unit_test(test_same_abi_thrice),
		cmocka_unit_test(test_longest_path_ends),
	};

	return run_group("stub", tests, N(tests));
}
