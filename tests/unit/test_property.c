// SPDX-License-Identifier: MIT
/*
 * The product's promise, checked by emulation: for every seccomp_data, the
 * patched filter returns what the original returns, except that a denial of
 * a number the filter does not name becomes ERRNO(ENOSYS). Nothing denied
 * becomes allowed, nothing allowed changes. Over the whole corpus and
 * libseccomp-generated filters, every number of every ABI, varied arguments,
 * and random inputs. Also: the kernel's constant-action cache is unchanged,
 * and the result matches runc's reference stub where runc is right.
 */
#include "testlib.h"
#include "oracle.h"

#include <linux/audit.h>

static struct patch_work work;
static struct sock_filter orig[CBPF_MAX_INSNS];
static struct sock_filter maxknown[CBPF_MAX_INSNS];

/* Both strategies; kernel-version with the baseline found and with an old
 * one given (more numbers stubbed); the fallback-safe rule with the
 * built-in set on both, and with every syscall name (the most ranges
 * below the largest known number). main() fills in the sets. */
static struct analyze_opts strategies[] = {
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS,
	  .strategy = ANALYZE_KERNEL_VERSION },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS,
	  .strategy = ANALYZE_KERNEL_VERSION, .baseline = SYSTAB_KV(3, 10) },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS,
	  .strategy = ANALYZE_KERNEL_VERSION },
	{ .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS },
};
static const char *const strategy_names[] = {
	"max-known", "kernel-version", "kernel-version 3.10", "max-known+fallback",
	"kernel-version+fallback", "max-known+all-fallback",
};

static const char *opts_name(const struct analyze_opts *o)
{
	size_t i;

	for (i = 0; i < N(strategies); i++)
		if (o == &strategies[i])
			return strategy_names[i];
	return o->strategy ? "kernel-version" : "max-known";
}

/* Every name offset of every table, ascending. */
static uint16_t every_name[2048];

static size_t collect_every_name(void)
{
	size_t n, na, i, j, k = 0;
	const struct arch_abi *all = arch_all(&na);
	const struct systab_ent *t;
	uint16_t v;

	for (i = 0; i < na; i++) {
		t = systab_abi(&all[i], &n);
		for (j = 0; j < n; j++) {
			size_t m = 0;

			while (m < k && every_name[m] != t[j].name)
				m++;
			if (m == k && k < N(every_name))
				every_name[k++] = t[j].name;
		}
	}
	for (i = 1; i < k; i++) {	/* insertion sort */
		v = every_name[i];
		for (j = i; j > 0 && every_name[j - 1] > v; j--)
			every_name[j] = every_name[j - 1];
		every_name[j] = v;
	}
	return k;
}

struct tally {
	unsigned long runs, enosys;
	struct patch_opts opts;			/* what the filter was patched with */
};

/* The promise for one seccomp_data, judged by oracle.h. */
static void check_one(const struct sock_filter *p, size_t plen, size_t olen,
		      struct seccomp_data *d, struct tally *t)
{
	struct oracle_case c;
	enum oracle_verdict v = oracle_check(orig, olen, p, plen, d, &t->opts, &c);

	t->runs++;
	if (v == ORACLE_SAME)
		return;
	if (v != ORACLE_STUBBED)
		fail_msg("arch %#x nr %#x args %#llx: original %#x, patched %#x%s",
			 d->arch, (unsigned)d->nr, (unsigned long long)d->args[0],
			 c.orig, c.patched, c.named ? " (number named by the filter)" : "");
	t->enosys++;
}

static const uint64_t arg_patterns[] = { 0, ~0ULL, 0x0000000100000002ULL };

/* $ENOSTUB_QUICK (tests/mutants): one argument pattern, the corpus on the
 * native ABIs only, and the sweeps only over the architectures whose ABIs
 * got a stub (and x86_64 and one no ABI has); the same checks, on less. */
static bool quick;
/* Sweep only the architectures whose ABIs got a stub, quick or not. */
static bool narrow;
static const uint32_t special_nrs[] = {
	0x3fffffff, 0x40000000, 0x40000001, 0x7fffffff, 0x80000000,
	0xbfffffff, 0xffffffff, 0xfffffffe, 0x0f0000, 0x0f0005, 0x1ebe,
};

static void check_nr(const struct sock_filter *p, size_t plen, size_t olen,
		     uint32_t arch, uint32_t nr, struct tally *t)
{
	struct seccomp_data d = mkdata(arch, nr);
	size_t i, j;

	for (i = 0; i < (quick ? 1 : N(arg_patterns)); i++) {
		for (j = 0; j < 6; j++)
			d.args[j] = arg_patterns[i] ^ j;
		d.instruction_pointer = arg_patterns[i];
		check_one(p, plen, olen, &d, t);
	}
}

/* Every number of every ABI sharing @arch, the low numbers, and specials. */
static void sweep_arch(const struct sock_filter *p, size_t plen, size_t olen,
		       uint32_t arch, struct tally *t)
{
	size_t n, i;
	const struct arch_abi *all = arch_all(&n);
	uint32_t nr;

	for (nr = 0; nr < 0x1100; nr++)
		check_nr(p, plen, olen, arch, nr, t);
	for (i = 0; i < n; i++) {
		if (all[i].audit != arch || all[i].nr_base == 0)
			continue;
		for (nr = all[i].nr_base; nr <= all[i].nr_last + 16; nr++)
			check_nr(p, plen, olen, arch, nr, t);
	}
	for (i = 0; i < N(special_nrs); i++)
		check_nr(p, plen, olen, arch, special_nrs[i], t);
}

/* Random seccomp_data, with a small fixed-seed generator (xorshift). */
static void sweep_random(const struct sock_filter *p, size_t plen, size_t olen,
			 struct tally *t)
{
	size_t n, i, j;
	const struct arch_abi *all = arch_all(&n);
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	for (i = 0; i < (quick ? 2000 : 20000); i++) {
		struct seccomp_data d;

		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		d = mkdata(all[s % n].audit, (uint32_t)(s >> 32) % (i & 1 ? 0x1000u : ~0u));
		if (i % 7 == 0)
			d.arch = (uint32_t)s;
		if (i % 3 == 0)
			d.nr |= 0x40000000;
		for (j = 0; j < 6; j++)
			d.args[j] = s * (j + 1);
		d.instruction_pointer = s;
		check_one(p, plen, olen, &d, t);
	}
}

/* Did an ABI of @audit get a stub (or is it x86_64)? */
static bool stubbed_audit(const struct patch_report *rep, uint32_t audit)
{
	size_t i;

	for (i = 0; i < rep->nabis; i++)
		if (rep->abi[i].abi->audit == audit && rep->abi[i].verdict == ANALYZE_STUB)
			return true;
	return audit == AUDIT_ARCH_X86_64;
}

/* What the report claims holds together: a stub only with a STUB verdict,
 * its ranges ascending, apart, inside the ABI's span and above no number
 * the filter names; every ABI asked for reported once, in order. */
static void check_report(const struct patch_report *rep,
			 const struct arch_abi *const *abis, size_t nabis)
{
	size_t i, j;

	assert_int_equal(rep->nabis, nabis);
	for (i = 0; i < nabis; i++) {
		const struct analyze_abi *a = &rep->abi[i];

		assert_ptr_equal(a->abi, abis[i]);
		assert_true(a->verdict == ANALYZE_STUB ? a->nranges > 0 : a->nranges == 0);
		for (j = 0; j < a->nranges; j++) {
			const struct analyze_range *r = &a->ranges[j];

			assert_true(r->lo <= r->hi);
			assert_true(r->lo >= a->abi->nr_base && r->hi <= a->abi->nr_last);
			assert_true(j == 0 || a->ranges[j - 1].hi + 1 < r->lo);
			assert_false(analyze_is_known(a, r->lo));
			assert_false(analyze_is_known(a, r->hi));
		}
	}
}

/* Patch @olen instructions of orig[] for @abis with @opts, check the promise. */
static struct tally check_filter_popts(const char *what,
				       const struct arch_abi *const *abis, size_t nabis,
				       size_t olen, const struct patch_opts *opts)
{
	size_t n, i, plen;
	const struct arch_abi *all = arch_all(&n);
	struct tally t = { 0, 0, *opts };

	assert_int_equal(patch_filter(orig, olen, abis, nabis, opts, &work,
				      &plen), 0);
	check_report(&work.rep, abis, nabis);
	if (plen == 0) {
		memcpy(work.out, orig, olen * sizeof(orig[0]));
		plen = olen;
	} else {
		assert_int_equal(cbpf_validate(work.out, plen), 0);
		assert_memory_equal(work.out + work.rep.stub_len, orig,
				    olen * sizeof(orig[0]));
	}
	for (i = 0; i < n; i++) {
		if ((i == 0 || all[i].audit != all[i - 1].audit) &&
		    (!(quick || narrow) || stubbed_audit(&work.rep, all[i].audit)))
			sweep_arch(work.out, plen, olen, all[i].audit, &t);
	}
	sweep_arch(work.out, plen, olen, 0x12345678, &t);
	sweep_random(work.out, plen, olen, &t);
	print_message("  %-48s %-19s %5zu+%-3zu insns %8lu runs %7lu ENOSYS\n",
		      what, opts_name(&opts->an), olen, plen - olen,
		      t.runs, t.enosys);
	return t;
}

static struct tally check_filter_opts(const char *what,
				      const struct arch_abi *const *abis, size_t nabis,
				      size_t olen, const struct analyze_opts *opts)
{
	struct patch_opts po = { .an = *opts };

	return check_filter_popts(what, abis, nabis, olen, &po);
}

static const struct arch_abi *const *all_abis(size_t *n)
{
	static const struct arch_abi *ptrs[PATCH_MAX_ABIS];
	const struct arch_abi *all = arch_all(n);
	size_t i;

	for (i = 0; i < *n; i++)
		ptrs[i] = &all[i];
	return ptrs;
}

/* Corpus: deny-by-default profiles gain ENOSYS, control cases do not.
 * runc's own stub answers ENOSYS above the largest number its profile
 * knows: plain max-known adds nothing to it, kernel-version and the
 * fallback-safe rule do below that number (x32's clone3 and co.). */
static void test_corpus(void **state)
{
	size_t i, s, nn, na, olen;
	const struct arch_abi *const *native = arch_native(&nn);
	const struct arch_abi *const *every = all_abis(&na);

	(void)state;
	for (i = 0; i < N(corpus_files); i++) {
		bool control = strstr(corpus_files[i], "containers-common") ||
			       strstr(corpus_files[i], "flatpak"),
		     runc = strstr(corpus_files[i], "runc");
		struct tally t;

		olen = load_corpus(corpus_files[i], orig);
		for (s = 0; s < N(strategies); s++) {
			bool none = control || (runc && s == 0);

			t = check_filter_opts(corpus_files[i], native, nn, olen,
					      &strategies[s]);
			assert_true(none ? t.enosys == 0 : t.enosys > 0);
			if (quick)
				continue;
			t = check_filter_opts(corpus_files[i], every, na, olen,
					      &strategies[s]);
			assert_true(none ? t.enosys == 0 : t.enosys > 0);
		}
	}
}

/*
 * Hand-made shapes the analysis must not get wrong (each x86_64 only,
 * others killed): an answer chosen by an argument and returned through A,
 * X or scratch memory after two paths merge; JSET on the number, uniform
 * and not, at the edges of the span; the number compared with X set
 * before a jump target; arithmetic on the number. On any of them, a
 * verdict claiming one answer where there are two makes a weaker filter,
 * which the oracle sees (the sweeps use argument 0 and others).
 */
#define X86_ONLY   LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL
#define RET_ERR    (SECCOMP_RET_ERRNO | EPERM)

struct shape {
	const char *what;
	struct sock_filter prog[24];
	size_t len;
	bool stub;	/* x86_64 gets a stub */
};

static const struct shape shapes[] = {
	{ "RET A after ALLOW and EPERM merge", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 2), LD_IMM(SECCOMP_RET_ALLOW), JA(1), LD_IMM(RET_ERR),
		RET_A }, 12, false },
	{ "RET A after EPERM and EACCES merge", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 2), LD_IMM(SECCOMP_RET_ERRNO | EACCES), JA(1),
		LD_IMM(RET_ERR), RET_A }, 12, false },
	{ "TXA after ALLOW and EPERM merge in X", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 2), LDX_IMM(SECCOMP_RET_ALLOW), JA(1), LDX_IMM(RET_ERR),
		BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A }, 13, false },
	{ "scratch word merged from ALLOW and EPERM", {
		X86_ONLY, LD_ARG0, JEQ(0, 0, 3), LD_IMM(SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_ST, 0), JA(2), LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 0),
		LD_NR, JGT(500, 1, 0), ALLOW, BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A },
	  15, false },
	{ "the same constant on both paths", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 2), LD_IMM(RET_ERR), JA(1), LD_IMM(RET_ERR),
		RET_A }, 12, true },
	{ "JSET on the number, not uniform above the largest known", {
		X86_ONLY, LD_NR, JGT(300, 1, 0), ALLOW, JSET(0x200, 1, 0), EPERM_, ALLOW },
	  9, false },
	{ "JSET on the number, uniform above the largest known", {
		X86_ONLY, LD_NR, JGT(300, 1, 0), ALLOW, JSET(0x1000, 0, 1), ALLOW, EPERM_ },
	  9, true },
	{ "JSET on the number, flips at the span's last number", {
		X86_ONLY, LD_NR, JGT(300, 1, 0), ALLOW, JSET(0x800, 1, 0), EPERM_, ALLOW },
	  9, false },
	{ "JSET on the number, bit 0", {
		X86_ONLY, LD_NR, JGT(300, 1, 0), ALLOW, JSET(1, 1, 0), EPERM_, ALLOW },
	  9, false },
	{ "number compared with X set before a jump target", {
		X86_ONLY, LDX_IMM(440), LD_NR, JEQ(5, 0, 1), ALLOW, JGT_X(0, 1), EPERM_,
		ALLOW }, 10, true },
	{ "arithmetic on the number", {
		X86_ONLY, LD_NR, JGT(300, 1, 0), ALLOW, BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 1),
		JEQ(0, 0, 1), EPERM_, ALLOW }, 10, false },
	{ "two jumps land on RET A, ALLOW and EPERM", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 2), LD_IMM(SECCOMP_RET_ALLOW), JA(3), LD_IMM(RET_ERR),
		JA(1), KILL, RET_A }, 14, false },
	{ "two jumps land on TXA, ALLOW and EPERM", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 2), LDX_IMM(SECCOMP_RET_ALLOW), JA(3), LDX_IMM(RET_ERR),
		JA(1), KILL, BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A }, 15, false },
	{ "two jumps land on a scratch load, ALLOW and EPERM", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 3), LD_IMM(SECCOMP_RET_ALLOW), BPF_STMT(BPF_ST, 2), JA(4),
		LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 2), JA(1), KILL,
		BPF_STMT(BPF_LD | BPF_MEM, 2), RET_A }, 17, false },
	{ "the number merged with a constant, then compared", {
		X86_ONLY, LD_NR, JEQ(2, 0, 1), ALLOW,
		LD_ARG0, JEQ(0, 0, 2), LD_NR, JA(1), LD_IMM(1000), JGT(400, 0, 1), EPERM_,
		EPERM_ }, 14, false },
	{ "JSET on the number, only the span's last number differs", {
		X86_ONLY, LD_NR, JGT(4093, 1, 0), ALLOW, JSET(1, 1, 0), EPERM_, ALLOW },
	  9, false },
	{ "a constant compared with itself: JGT not taken, JGE taken", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, LD_IMM(7), JGT(7, 2, 0), JGE(7, 0, 1),
		EPERM_, ALLOW }, 11, true },
	{ "EPERM computed by a right shift", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, LD_IMM(0xa0002),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 1), RET_A }, 9, true },
	{ "KILL_PROCESS computed by a left shift", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, LD_IMM(0x40000000),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 1), RET_A }, 9, true },
	{ "EPERM divided by an argument", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, LD_ARG0, BPF_STMT(BPF_MISC | BPF_TAX, 0),
		LD_IMM(RET_ERR), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), RET_A }, 11, false },
	{ "the length of seccomp_data returned", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		RET_A }, 8, true },
	{ "a store as the first instruction", {
		BPF_STMT(BPF_ST, 0), X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A }, 9, true },
	{ "two returns of the same answer", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, LD_ARG0, JEQ(0, 0, 1), EPERM_, EPERM_ },
	  10, true },
	{ "a division by a constant zero in X", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, LDX_IMM(0), LD_IMM(5),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), RET_A }, 10, true },
	{ "a division by an argument, then compared", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW, LD_ARG0, BPF_STMT(BPF_MISC | BPF_TAX, 0),
		LD_IMM(7), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), JEQ(7, 0, 1), RET(0), ALLOW },
	  13, false },
	{ "an argument branch over a number range", {
		X86_ONLY, LD_NR, JGE(400, 0, 4), LD_ARG0, JEQ(0, 1, 0), EPERM_,
		ALLOW, JEQ(5, 0, 1), ALLOW, EPERM_ }, 12, false },
	{ "two jumps land on a load of scratch word 0, EPERM first", {
		X86_ONLY, LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(0, 0, 3), LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 0), JA(4),
		LD_IMM(SECCOMP_RET_ALLOW), BPF_STMT(BPF_ST, 0), JA(1), KILL,
		BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A }, 17, false },
	/* the states of jump targets 13 and then 15 are stored; two more
	 * jumps land on 13: merging there must leave 15's state alone */
	{ "a merge at one jump target, another target's scratch word kept", {
		X86_ONLY, LD_IMM(RET_ERR), BPF_STMT(BPF_ST, 0), LD_NR, JGT(500, 1, 0), ALLOW,
		LD_ARG0, JEQ(1, 5, 0), JEQ(2, 2, 0), JEQ(3, 1, 1), KILL, JA(1), KILL,
		BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A }, 17, true },
};

static void test_shapes(void **state)
{
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	size_t i, s, nn, na;
	const struct arch_abi *const *native = arch_native(&nn);
	const struct arch_abi *const *every = all_abis(&na);
	struct tally t;

	(void)state;
	for (i = 0; i < N(shapes); i++) {
		memcpy(orig, shapes[i].prog, shapes[i].len * sizeof(orig[0]));
		if (cbpf_validate(orig, shapes[i].len))
			fail_msg("%s: not a valid program", shapes[i].what);
		for (s = 0; s < N(strategies); s++) {
			t = check_filter_opts(shapes[i].what, native, nn, shapes[i].len,
					      &strategies[s]);
			if ((work.rep.abi[0].verdict == ANALYZE_STUB) != shapes[i].stub)
				fail_msg("%s: x86_64 %s", shapes[i].what, work.rep.abi[0].why);
			assert_ptr_equal(work.rep.abi[0].abi, x86_64);
			assert_true(shapes[i].stub ? t.enosys > 0 : t.enosys == 0);
			check_filter_opts(shapes[i].what, every, na, shapes[i].len,
					  &strategies[s]);
		}
	}
}

/*
 * The analysis reads only states it wrote for this program: on a work area
 * left poisoned (zeros, ones, or every stored state the constant ALLOW,
 * EPERM or KILL_PROCESS, the number, or data),
 * patch_filter() gives the same program and report as on a clean one.
 * A state written to one slot and read from another would read the poison.
 */
static struct patch_work clean;

#define NPOISON 7

static void poison(struct patch_work *w, int how)
{
	/* stored states (value, kind: 0 constant, 2 the number, 3 data) */
	static const struct analyze_val states[] = {
		{ SECCOMP_RET_ALLOW, 0 }, { RET_ERR, 0 }, { SECCOMP_RET_KILL_PROCESS, 0 },
		{ 0, 2 }, { 0, 3 },
	};
	size_t i, j;

	if (how < 2) {
		memset(w, how ? 0xff : 0, sizeof(*w));
		return;
	}
	for (i = 0; i < ANALYZE_STATES; i++) {
		w->analysis.reg[i][0] = w->analysis.reg[i][1] = states[how - 2];
		for (j = 0; j < CBPF_MEMWORDS; j++)
			w->analysis.mem[i][j] = states[how - 2];
	}
}

static void same_on_poison(const char *what, size_t olen, const struct analyze_opts *o)
{
	size_t na, plen, clen, i;
	const struct arch_abi *const *every = all_abis(&na);
	int how, rc, crc;

	crc = patch_an(orig, olen, every, na, o, &clean, &clen);
	for (how = 0; how < NPOISON; how++) {
		poison(&work, how);
		rc = patch_an(orig, olen, every, na, o, &work, &plen);
		if (rc != crc || plen != clen ||
		    (plen && memcmp(work.out, clean.out, plen * sizeof(work.out[0]))))
			fail_msg("%s, %s: poison %d changes the patched program", what,
				 opts_name(o), how);
		for (i = 0; i < na; i++) {
			const struct analyze_abi *a = &work.rep.abi[i], *c = &clean.rep.abi[i];

			if (a->verdict != c->verdict || a->nranges != c->nranges ||
			    a->max_known != c->max_known || a->deflt != c->deflt ||
			    memcmp(a->ranges, c->ranges, a->nranges * sizeof(a->ranges[0])))
				fail_msg("%s, %s, %s: poison %d changes the report", what,
					 opts_name(o), a->abi->name, how);
		}
	}
}

static void test_poisoned_work(void **state)
{
	size_t i, s, olen;

	(void)state;
	for (i = 0; i < N(corpus_files); i++) {
		olen = load_corpus(corpus_files[i], orig);
		for (s = 0; s < N(strategies); s++)
			same_on_poison(corpus_files[i], olen, &strategies[s]);
	}
	for (i = 0; i < N(shapes); i++) {
		memcpy(orig, shapes[i].prog, shapes[i].len * sizeof(orig[0]));
		for (s = 0; s < N(strategies); s++)
			same_on_poison(shapes[i].what, shapes[i].len, &strategies[s]);
	}
}

/*
 * Random programs of every instruction the seccomp dialect has, a few
 * hundred from a fixed seed: the oracle judges each patched program, and
 * the reports (verdict, largest known number, default, ranges, for the
 * native ABIs and both strategies) must equal tests/unit/random-reports.txt,
 * reviewed when it was written and rewritten with ENOSTUB_UPDATE_GOLDEN=1.
 * So an analysis that turns less precise, not only one that turns unsound,
 * fails here.
 */
#define RANDOM_PROGRAMS 400
#define REPORTS_FILE CORPUS_DIR "/../unit/random-reports.txt"

static uint64_t rng_state;

static uint32_t rng(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32) % n;
}

/* A constant a filter might compare or return. */
static uint32_t some_k(void)
{
	static const uint32_t ks[] = {
		0, 1, 2, 3, 5, 231, 333, 334, 400, 435, 439, 440, 1000, 4095, 4096,
		0x200, 0x400, 0x800, 0x1000, 0x40000000, 0x4000001f, 0xffffffff,
		AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, SECCOMP_RET_ALLOW, RET_ERR,
		SECCOMP_RET_ERRNO | ENOSYS, SECCOMP_RET_KILL_PROCESS, 0x7fff, 16,
	};

	return rng(4) ? ks[rng(N(ks))] : rng(600);
}

static uint32_t some_ret(void)
{
	static const uint32_t rets[] = {
		SECCOMP_RET_ALLOW, RET_ERR, SECCOMP_RET_ERRNO | EACCES,
		SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP,
		SECCOMP_RET_LOG, SECCOMP_RET_ERRNO | ENOSYS, SECCOMP_RET_ERRNO,
		SECCOMP_RET_TRACE, SECCOMP_RET_USER_NOTIF,
	};

	return rets[rng(N(rets))];
}

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	return (struct sock_filter){ code, 0, 0, k };
}

static struct sock_filter jump(uint16_t code, uint32_t k, uint32_t jt, uint32_t jf)
{
	return (struct sock_filter){ code, (uint8_t)jt, (uint8_t)jf, k };
}

/* One instruction at @pc of @n (the last is a return). Scratch words 0-3
 * are written by the prologue, so every load of them is valid. */
static struct sock_filter random_insn(size_t pc, size_t n)
{
	static const uint16_t alu[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH,
		BPF_RSH,
	};
	static const uint16_t jmp[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	static const uint32_t offs[] = { 0, 0, 0, 4, 8, 12, 16, 20, 24, 60 };
	uint32_t room = (uint32_t)(n - pc - 2);
	uint16_t op;
	uint32_t k;

	if (pc == n - 1 || rng(9) == 0)
		return rng(4) ? stmt(BPF_RET | BPF_K, some_ret()) : stmt(BPF_RET | BPF_A, 0);
	switch (rng(12)) {
	case 0: case 1: case 2:
		return stmt(BPF_LD | BPF_W | BPF_ABS, offs[rng(N(offs))]);
	case 3:
		return stmt(rng(2) ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM, some_k());
	case 4:
		return stmt(rng(2) ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, rng(4));
	case 5:
		return stmt(rng(2) ? BPF_ST : BPF_STX, rng(4));
	case 6:
		return stmt(BPF_MISC | (rng(2) ? BPF_TAX : BPF_TXA), 0);
	case 7:
		op = alu[rng(N(alu))];
		k = op == BPF_LSH || op == BPF_RSH ? rng(32) : some_k();
		if (op == BPF_DIV && k == 0)
			k = 3;
		if (rng(5) == 0)
			return stmt(BPF_ALU | op | BPF_X, 0);
		return rng(9) ? stmt(BPF_ALU | op | BPF_K, k) : stmt(BPF_ALU | BPF_NEG, 0);
	case 8:
		return stmt(rng(2) ? BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN, 0);
	case 9:
		return stmt(BPF_JMP | BPF_JA, rng(room + 1));
	default:
		op = jmp[rng(N(jmp))];
		return jump(BPF_JMP | op | (rng(6) ? BPF_K : BPF_X), some_k(),
			    rng(room + 1), rng(room + 1));
	}
}

/* A random valid program in orig[]: sometimes an arch check first, then
 * the number loaded, then random instructions. Returns its length. */
static size_t random_program(void)
{
	size_t n, pc = 0, i;

	do {
		pc = 0;
		for (i = 0; i < 4; i++) {
			orig[pc++] = (struct sock_filter)LD_IMM(some_k());
			orig[pc++] = (struct sock_filter)BPF_STMT(BPF_ST, i);
		}
		if (rng(3)) {
			orig[pc++] = (struct sock_filter)LD_ARCH;
			orig[pc++] = (struct sock_filter)JEQ(AUDIT_ARCH_X86_64, 1, 0);
			orig[pc++] = (struct sock_filter)RET(some_ret());
		}
		orig[pc++] = (struct sock_filter)LD_NR;
		n = pc + 4 + rng(24);
		for (i = pc; i < n; i++)
			orig[i] = random_insn(i, n);
		/* then mostly compares of the number with numbers */
		for (i = pc; i < n - 2 && i < pc + 1 + rng(6); i++) {
			static const uint16_t ops[] = { BPF_JEQ, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
			uint32_t room = (uint32_t)(n - i - 2);

			/* numbers at the edges of the stub's ranges too */
			static const uint32_t edges[] = {
				332, 333, 334, 335, 403, 434, 435, 436, 437, 438, 439, 440,
				452, 456, 457, 4094, 4095,
			};
			uint32_t k = rng(3) ? rng(460) : rng(2) ? edges[rng(N(edges))] : some_k();

			orig[i] = jump(BPF_JMP | ops[rng(N(ops))] | BPF_K, k, rng(room + 1),
				       rng(room + 1));
		}
	} while (cbpf_validate(orig, n) != 0);
	/* what the kernel ignores, never 0: jt and jf of all but the
	 * conditional jumps, k where it is unused */
	for (i = 0; i < n; i++) {
		uint16_t c = orig[i].code;

		if (BPF_CLASS(c) == BPF_JMP && BPF_OP(c) != BPF_JA)
			continue;
		orig[i].jt = (uint8_t)(i + 1);
		orig[i].jf = (uint8_t)(2 * i + 1);
		if (c == (BPF_MISC | BPF_TAX) || c == (BPF_MISC | BPF_TXA) ||
		    c == (BPF_LD | BPF_W | BPF_LEN) || c == (BPF_LDX | BPF_W | BPF_LEN) ||
		    c == (BPF_RET | BPF_A) || c == (BPF_ALU | BPF_NEG))
			orig[i].k = (uint32_t)(i + 1) * 0x01010101u;
	}
	return n;
}

/* One line per ABI: verdict, largest known, default, ranges. */
static void describe_report(const struct patch_report *rep, char *buf, size_t size)
{
	size_t i, j, n = 0;

	buf[0] = '\0';
	for (i = 0; i < rep->nabis && n < size; i++) {
		const struct analyze_abi *a = &rep->abi[i];

		n += (size_t)snprintf(buf + n, size - n, " %s:%d", a->abi->name, a->verdict);
		if (a->has_known && n < size)
			n += (size_t)snprintf(buf + n, size - n, " k%#x d%#x", a->max_known,
					      a->deflt);
		for (j = 0; j < a->nranges && n < size; j++)
			n += (size_t)snprintf(buf + n, size - n, "%s%#x-%#x", j ? "," : " r",
					      a->ranges[j].lo, a->ranges[j].hi);
	}
}

static void test_random_programs(void **state)
{
	static char got[(RANDOM_PROGRAMS + N(shapes)) * 2][1100];
	const struct analyze_opts *two[] = { &strategies[3], &strategies[4] };
	size_t i, s, nn, olen, line = 0, stubbed = 0;
	const struct arch_abi *const *native = arch_native(&nn);
	bool update = getenv("ENOSTUB_UPDATE_GOLDEN") != NULL;
	char want[1024];
	FILE *fp;

	(void)state;
	rng_state = 0x2545f4914f6cdd1dULL;
	narrow = true;	/* x86_64-only or arch-blind programs */
	for (i = 0; i < RANDOM_PROGRAMS; i++) {
		olen = random_program();
		for (s = 0; s < N(two); s++) {
			struct tally t = check_filter_opts("random", native, nn, olen, two[s]);

			stubbed += t.enosys > 0;
			describe_report(&work.rep, want, sizeof(want));
			snprintf(got[line++], sizeof(got[0]), "%zu %s:%s\n", i,
				 s ? "kv+fb" : "mk+fb", want);
		}
	}
	narrow = false;
	for (i = 0; i < N(shapes); i++) {	/* and the hand-made ones, exactly */
		memcpy(orig, shapes[i].prog, shapes[i].len * sizeof(orig[0]));
		for (s = 0; s < N(two); s++) {
			assert_int_equal(patch_an(orig, shapes[i].len, native, nn, two[s],
						      &work, &olen), 0);
			describe_report(&work.rep, want, sizeof(want));
			snprintf(got[line++], sizeof(got[0]), "shape %zu %s:%s\n", i,
				 s ? "kv+fb" : "mk+fb", want);
		}
	}
	print_message("  %zu random programs, %zu patched reports with ENOSYS\n",
		      (size_t)RANDOM_PROGRAMS, stubbed);
	assert_true(stubbed > RANDOM_PROGRAMS / 10);
	fp = fopen(REPORTS_FILE, update ? "w" : "r");
	assert_non_null(fp);
	for (i = 0; i < line; i++) {
		if (update) {
			fputs(got[i], fp);
			continue;
		}
		if (!fgets(want, sizeof(want), fp) || strcmp(want, got[i]) != 0)
			fail_msg("%s, line %zu: got\n%swant\n%s", REPORTS_FILE, i + 1, got[i], want);
	}
	fclose(fp);
}

/* libseccomp's output for every arch it supports, several defaults. */
static void test_generated(void **state)
{
	static const uint32_t defaults[] = {
		SCMP_ACT_ERRNO(EPERM), SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP,
		SCMP_ACT_ALLOW,
	};
	size_t i, j, s, na;
	const struct arch_abi *const *every = all_abis(&na);
	char what[64];
	int maxnr;

	(void)state;
	for (i = 0; i < N(scmp_arches); i++) {
		for (j = 0; j < N(defaults); j++) {
			size_t olen = generated(scmp_arches[i].token, defaults[j], orig,
						&maxnr);
			struct tally t;

			snprintf(what, sizeof(what), "libseccomp %s default %#x",
				 scmp_arches[i].abi, defaults[j]);
			for (s = 0; s < N(strategies); s++) {
				if (quick && (s == 2 || s == 4))
					continue;	/* covered by 1 and 3 and 5 */
				t = check_filter_opts(what, every, na, olen, &strategies[s]);
				assert_true(defaults[j] == SCMP_ACT_ALLOW ? t.enosys == 0
									  : t.enosys > 0);
			}
		}
	}
}

/* runc 1.1.5's stub on Docker v19.03: same ENOSYS numbers on x86_64 and
 * x32; on i386 runc also answers ENOSYS for 393-402 (direct SysV IPC),
 * which the profile allows: enostub keeps them allowed. runc's i386 limit
 * (385) comes from syscall names, ours from the program itself. */
static void test_against_runc(void **state)
{
	static struct sock_filter runc[CBPF_MAX_INSNS];
	size_t nn, olen, rlen, plen;
	const struct arch_abi *const *native = arch_native(&nn);
	uint32_t nr, base;

	(void)state;
	olen = load_corpus("docker-default-v19.03.0.bpf", orig);
	rlen = load_corpus("runc-1.1.5-patched-docker-default-v19.03.0.bpf", runc);
	assert_int_equal(patch_an(orig, olen, native, nn, &test_opts, &work,
				      &plen), 0);
	assert_true(plen > olen);
	for (base = 0; base <= 0x40000000; base += 0x40000000) {
		for (nr = base; nr < base + ARCH_NR_SPAN; nr++) {
			struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, nr);

			if ((cbpf_run(work.out, plen, &d) == RET_ENOSYS) !=
			    (cbpf_run(runc, rlen, &d) == RET_ENOSYS))
				fail_msg("x86_64 nr %#x: enostub %#x, runc %#x", nr,
					 cbpf_run(work.out, plen, &d),
					 cbpf_run(runc, rlen, &d));
		}
	}
	for (nr = 0; nr < ARCH_NR_SPAN; nr++) {
		struct seccomp_data d = mkdata(AUDIT_ARCH_I386, nr);
		bool ours = cbpf_run(work.out, plen, &d) == RET_ENOSYS;
		bool theirs = cbpf_run(runc, rlen, &d) == RET_ENOSYS;

		if (nr >= 386 && nr <= 402) {
			/* runc: everything above 385. enostub: above 402, the
			 * largest number the filter names; 393-402 stay
			 * allowed, the holes 386-392 keep the filter's EPERM
			 * (the kernel-version strategy is for holes). */
			assert_true(theirs);
			assert_false(ours);
			assert_int_equal(cbpf_run(work.out, plen, &d),
					 nr >= 393 ? SECCOMP_RET_ALLOW
						   : SECCOMP_RET_ERRNO | EPERM);
		} else {
			assert_int_equal(ours, theirs);
		}
	}
}

static void test_same_cache(void **state)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };
	size_t i, s, a, nn, olen, plen;
	const struct arch_abi *const *native = arch_native(&nn);
	uint32_t nr;

	(void)state;
	for (i = 0; i < N(corpus_files) * N(strategies); i++) {
		size_t cached = 0;

		s = i % N(strategies);
		olen = load_corpus(corpus_files[i / N(strategies)], orig);
		assert_int_equal(patch_an(orig, olen, native, nn, &strategies[s],
					      &work, &plen), 0);
		if (plen == 0)
			continue;
		for (a = 0; a < N(arches); a++) {
			for (nr = 0; nr < ARCH_NR_SPAN; nr++) {
				bool o = oracle_const_allow(orig, olen, arches[a], nr);

				assert_int_equal(o, oracle_const_allow(work.out, plen, arches[a], nr));
				cached += o;
			}
		}
		assert_true(cached > 100);
	}
}

/*
 * rseq_guard: a number kept out of the stub keeps the filter's verdict,
 * wherever it falls in a range (first, last, middle, a range of one), and
 * the promise holds for everything else. Docker v19.03 on x86_64 stubs
 * 334-4095; x86_64 is all_abis()[0].
 */
static void test_keep_number(void **state)
{
	static const struct {
		uint32_t keep;
		size_t nranges;
		struct analyze_range r[2];
	} cases[] = {
		{ 435, 2, { { 334, 434 }, { 436, 4095 } } },
		{ 334, 1, { { 335, 4095 } } },
		{ 4095, 1, { { 334, 4094 } } },
		{ 100, 1, { { 334, 4095 } } },	/* known to the filter: nothing to keep */
	};
	struct patch_opts o = { .an = test_opts };
	size_t i, n, olen = load_corpus("docker-default-v19.03.0.bpf", orig), plen;
	const struct arch_abi *const *abis = all_abis(&n);
	struct seccomp_data d;
	char what[64];

	(void)state;
	o.keep = true;
	o.keep_audit = AUDIT_ARCH_X86_64;
	for (i = 0; i < N(cases); i++) {
		o.keep_nr = cases[i].keep;
		snprintf(what, sizeof(what), "docker v19.03, x86_64 keeps %u", cases[i].keep);
		check_filter_popts(what, abis, 3, olen, &o);
		assert_int_equal(work.rep.abi[0].nranges, cases[i].nranges);
		assert_memory_equal(work.rep.abi[0].ranges, cases[i].r,
				    cases[i].nranges * sizeof(cases[i].r[0]));
		d = mkdata(AUDIT_ARCH_X86_64, cases[i].keep);
		assert_int_equal(cbpf_run(work.out, work.rep.stub_len + olen, &d),
				 cbpf_run(orig, olen, &d));
		/* the x32 ABI shares the audit arch but not the number */
		assert_int_equal(work.rep.abi[2].verdict, ANALYZE_STUB);
		assert_int_equal(work.rep.abi[2].ranges[0].lo, 0x40000224);
	}

	/* the hazard: clone3 changes, rseq refused */
	assert_int_equal(patch_an(orig, olen, abis, 3, &test_opts, &work, &plen), 0);
	assert_true(patch_threads_abort(orig, olen, work.out, plen, AUDIT_ARCH_X86_64, 435, 334));
	o.keep_nr = 435;
	assert_int_equal(patch_filter(orig, olen, abis, 3, &o, &work, &plen), 0);
	assert_false(patch_threads_abort(orig, olen, work.out, plen, AUDIT_ARCH_X86_64, 435, 334));
	/* no hazard when the filter lets "rseq" through (nr 0, read, is allowed) */
	assert_int_equal(patch_an(orig, olen, abis, 3, &test_opts, &work, &plen), 0);
	assert_false(patch_threads_abort(orig, olen, work.out, plen, AUDIT_ARCH_X86_64, 435, 0));
	(void)n;
}

/*
 * The rest of rseq_guard's cases: a range of one number is dropped
 * (s390x's multiplexer 0), so is an ABI's only range (then that ABI gets
 * no stub), and a range is dropped whole rather than split when the ABI
 * already has all the ranges it may hold (64).
 */
static void test_keep_edges(void **state)
{
	static const struct sock_filter s390x[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_S390X, 1, 0), KILL, LD_NR, JEQ(3, 1, 0), EPERM_, ALLOW,
	};
	static const struct sock_filter last[] = {
		X86_ONLY, LD_NR, JEQ(4094, 0, 1), ALLOW, EPERM_,
	};
	const struct arch_abi *s390x_abi = arch_by_name("s390x");
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	const struct arch_abi *aarch64 = arch_by_name("aarch64");
	struct patch_opts o = { .an = test_opts };
	size_t plen, len = 0, nt, i, olen;
	const struct systab_ent *t = systab_abi(aarch64, &nt);

	(void)state;
	o.keep = true;
	o.keep_audit = AUDIT_ARCH_S390X;
	o.keep_nr = 0;
	memcpy(orig, s390x, sizeof(s390x));
	check_filter_popts("s390x keeps 0", &s390x_abi, 1, N(s390x), &o);
	assert_int_equal(work.rep.abi[0].nranges, 1);
	assert_int_equal(work.rep.abi[0].ranges[0].lo, 4);
	assert_int_equal(work.rep.abi[0].ranges[0].hi, s390x_abi->nr_last);

	o.keep_audit = AUDIT_ARCH_X86_64;
	o.keep_nr = 4095;
	memcpy(orig, last, sizeof(last));
	assert_int_equal(patch_filter(orig, N(last), &x86_64, 1, &o, &work, &plen), 0);
	assert_int_equal(plen, 0);
	assert_int_equal(work.rep.abi[0].verdict, ANALYZE_FULL);
	assert_string_equal(work.rep.abi[0].why, "the only number to stub is left to the filter");
	assert_int_equal(work.rep.abi[0].nranges, 0);
	/* a number in no range of this report, but in one a report before
	 * had (Docker's v19.03 keeping 435: 334-434, 436-4095) */
	o.keep_nr = 435;
	olen = load_corpus("docker-default-v19.03.0.bpf", orig);
	assert_int_equal(patch_filter(orig, olen, &x86_64, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.abi[0].nranges, 2);
	o.keep_nr = 500;
	memcpy(orig, last, sizeof(last));
	check_filter_popts("x86_64 keeps 500", &x86_64, 1, N(last), &o);
	assert_int_equal(work.rep.abi[0].nranges, 1);
	assert_int_equal(work.rep.abi[0].ranges[0].lo, 4095);

	/* every second aarch64 syscall named, from the second to the 126th:
	 * with kernel-version from 3.0, 63 ranges between them and one above */
	orig[len++] = (struct sock_filter)LD_ARCH;
	orig[len++] = (struct sock_filter)JEQ(AUDIT_ARCH_AARCH64, 1, 0);
	orig[len++] = (struct sock_filter)KILL;
	orig[len++] = (struct sock_filter)LD_NR;
	for (i = 0; i < ANALYZE_MAX_RANGES - 1; i++)
		orig[len++] = (struct sock_filter)JEQ(t[2 * i + 1].nr,
						      (uint8_t)(ANALYZE_MAX_RANGES - i - 1), 0);
	orig[len++] = (struct sock_filter)EPERM_;
	orig[len++] = (struct sock_filter)ALLOW;
	o.an.strategy = ANALYZE_KERNEL_VERSION;
	o.an.baseline = SYSTAB_KV(3, 0);
	o.keep_audit = AUDIT_ARCH_AARCH64;
	o.keep_nr = 4000;
	check_filter_popts("aarch64 keeps 4000 of 64 ranges", &aarch64, 1, len, &o);
	assert_int_equal(work.rep.abi[0].nranges, ANALYZE_MAX_RANGES - 1);
	assert_int_equal(work.rep.abi[0].ranges[ANALYZE_MAX_RANGES - 2].hi,
			 t[2 * ANALYZE_MAX_RANGES - 4].nr);
}

/*
 * patch_verify(), the check 'enostub patch' runs before it writes: every
 * number of every ABI's span and 16 beyond, six special numbers each,
 * three argument patterns. It accepts a right patch, and finds a patched
 * program that differs where it must not, however narrowly: on one
 * number, for one value of one argument or of the instruction pointer.
 */
static int verify_against(const struct sock_filter *p, size_t plen, size_t olen,
			  struct seccomp_data *bad)
{
	unsigned long checked;

	return patch_verify(orig, olen, p, plen, &test_popts, bad, &checked);
}

static void test_verify(void **state)
{
	/* x86_64 allows write (1), denies the rest; other arches are killed */
	static const struct sock_filter f[] = {
		X86_ONLY, LD_NR, JEQ(1, 1, 0), EPERM_, ALLOW,
	};
	/* differs from f only where word @off of seccomp_data equals k */
	static const struct { uint32_t off, k; } pinpoint[] = {
		{ CBPF_OFF_ARGS, 0 },                   /* pattern 0: 0 */
		{ CBPF_OFF_ARGS, 0xffffffff },          /* pattern 1: ~0 */
		{ CBPF_OFF_ARGS + 12, 0x00000001 },     /* args[1] high: pattern 2 */
		{ CBPF_OFF_ARGS + 8, 0x00000003 },      /* args[1] low: pattern 2 ^ 1 */
		{ CBPF_OFF_ARGS + 40, 0xfffffffa },     /* args[5] low: pattern 1 ^ 5 */
		{ CBPF_OFF_IP, 0x00000002 },            /* the IP: pattern 2 */
	};
	static const uint32_t special[] = { 0x3fffffff, 0x7fffffff, 0x80000000,
					    0xffffffff, 0x0f0000, 0x0f0005 };
	static struct sock_filter p[CBPF_MAX_INSNS];
	struct seccomp_data bad;
	unsigned long checked = 12345, want = 0;
	size_t n, i, plen, olen = N(f);
	const struct arch_abi *all = arch_all(&n);
	const struct arch_abi *const *native;

	(void)state;
	native = arch_native(&i);
	memcpy(orig, f, sizeof(f));
	assert_int_equal(patch_filter(orig, olen, native, i, &test_popts, &work, &plen), 0);
	assert_int_equal(patch_verify(orig, olen, work.out, plen, &test_popts, &bad, &checked), 0);
	for (i = 0; i < n; i++)
		want += all[i].nr_last + 16 - all[i].nr_base + 1 + N(special);
	assert_int_equal(checked, want);
	/* the original itself, and an invalid program */
	assert_int_equal(verify_against(f, olen, olen, &bad), 0);
	assert_int_equal(verify_against(f, olen - 1, olen, &bad), -EINVAL);

	/* ENOSYS for write, which the filter names and allows */
	memcpy(p, work.out, plen * sizeof(p[0]));
	for (i = 0; i < work.rep.stub_len; i++)
		if (p[i].code == (BPF_JMP | BPF_JGE | BPF_K) && p[i].k == 2)
			p[i].k = 1;
	assert_int_equal(verify_against(p, plen, olen, &bad), -EPERM);
	assert_int_equal(bad.arch, AUDIT_ARCH_X86_64);
	assert_int_equal(bad.nr, 1);
	/* ALLOW instead of ENOSYS */
	memcpy(p, work.out, plen * sizeof(p[0]));
	for (i = 0; i < work.rep.stub_len; i++)
		if (p[i].code == (BPF_RET | BPF_K))
			p[i].k = SECCOMP_RET_ALLOW;
	assert_int_equal(verify_against(p, plen, olen, &bad), -EPERM);
	assert_int_equal(bad.arch, AUDIT_ARCH_X86_64);
	assert_int_equal(bad.nr, 2);

	/* "JEQ nr" or "JEQ word k" in front of the original, to EACCES */
	for (i = 0; i < N(special) + N(pinpoint); i++) {
		uint32_t off = i < N(special) ? CBPF_OFF_NR : pinpoint[i - N(special)].off;
		uint32_t k = i < N(special) ? special[i] : pinpoint[i - N(special)].k;

		p[0] = (struct sock_filter)LD_ARCH;
		p[1] = (struct sock_filter)JEQ(AUDIT_ARCH_X86_64, 0, 3);
		p[2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off);
		p[3] = (struct sock_filter)JEQ(k, 0, 1);
		p[4] = (struct sock_filter)RET(SECCOMP_RET_ERRNO | EACCES);
		memcpy(p + 5, f, sizeof(f));
		if (verify_against(p, olen + 5, olen, &bad) != -EPERM)
			fail_msg("word %u == %#x not found", off, k);
		assert_int_equal(bad.arch, AUDIT_ARCH_X86_64);
		if (i < N(special))
			assert_int_equal((uint32_t)bad.nr, k);
		else
			assert_int_equal(cbpf_run(p, 5, &bad), SECCOMP_RET_ERRNO | EACCES);
	}
}

/* Patch @olen instructions of orig[] with @o for every ABI; the result
 * (or the original, if nothing was patched) is in work.out. */
static size_t patched_len(size_t olen, const struct analyze_opts *o)
{
	size_t na, plen;
	const struct arch_abi *const *every = all_abis(&na);

	assert_int_equal(patch_an(orig, olen, every, na, o, &work, &plen), 0);
	if (plen)
		return plen;
	memcpy(work.out, orig, olen * sizeof(orig[0]));
	return olen;
}

/* Every number max-known turns into ENOSYS, kernel-version does too. */
static void check_superset(const char *what, size_t olen, uint16_t baseline,
			   unsigned long *more)
{
	struct analyze_opts kv = strategies[1];
	size_t n, i, mlen, klen;
	const struct arch_abi *all = arch_all(&n);
	uint32_t nr;

	kv.baseline = baseline;
	mlen = patched_len(olen, &strategies[0]);
	memcpy(maxknown, work.out, mlen * sizeof(maxknown[0]));
	klen = patched_len(olen, &kv);
	for (i = 0; i < n; i++) {
		for (nr = all[i].nr_base; nr <= all[i].nr_last + 1; nr++) {
			struct seccomp_data d = mkdata(all[i].audit, nr);
			uint32_t o = cbpf_run(orig, olen, &d);
			uint32_t m = cbpf_run(maxknown, mlen, &d);
			uint32_t k = cbpf_run(work.out, klen, &d);

			if (m == RET_ENOSYS && o != RET_ENOSYS && k != RET_ENOSYS)
				fail_msg("%s: %s nr %u: max-known ENOSYS, kernel-version %#x",
					 what, all[i].name, nr, k);
			*more += k == RET_ENOSYS && m != RET_ENOSYS;
		}
	}
}

static void test_superset(void **state)
{
	static const uint16_t baselines[] = { 0, SYSTAB_KV(3, 0), SYSTAB_KV(5, 4),
					      SYSTAB_KV(6, 19), SYSTAB_KV_NEWEST };
	unsigned long more = 0;
	size_t i, j, olen;
	int maxnr;

	(void)state;
	for (i = 0; i < N(corpus_files); i++) {
		olen = load_corpus(corpus_files[i], orig);
		for (j = 0; j < N(baselines); j++)
			check_superset(corpus_files[i], olen, baselines[j], &more);
	}
	for (i = 0; i < N(scmp_arches); i++) {
		olen = generated(scmp_arches[i].token, SCMP_ACT_ERRNO(EPERM), orig, &maxnr);
		for (j = 0; j < N(baselines); j++)
			check_superset(scmp_arches[i].abi, olen, baselines[j], &more);
	}
	print_message("  kernel-version adds %lu (arch, nr) pairs to max-known\n", more);
	assert_true(more > 0);
}

/* analyze_abis() (one pass for x86_64 and x32 together) must decide
 * exactly what analyze_abi() decides for each ABI alone. */
static unsigned long same_as_alone(const struct analyze_opts *o, size_t olen,
				   unsigned long *shared)
{
	static struct analyze_abi alone;
	size_t i, j, na;
	const struct arch_abi *const *every = all_abis(&na);
	unsigned long stubbed = 0;

	analyze_abis(orig, olen, every, na, o, &work.analysis, work.rep.abi);
	for (i = 0; i < na; i++) {
		const struct analyze_abi *b = &work.rep.abi[i];
		const struct analyze_flow *f = &alone.flow;

		analyze_abi(orig, olen, every[i], o, &work.analysis, &alone);
		assert_ptr_equal(b->abi, every[i]);
		assert_int_equal(b->verdict, alone.verdict);
		assert_string_equal(b->why, alone.why);
		assert_memory_equal(b->flow.known, f->known, sizeof(f->known));
		assert_int_equal(b->flow.nknown, f->nknown);
		assert_int_equal(b->flow.arch_checked, f->arch_checked);
		assert_int_equal(b->flow.nr_split, f->nr_split);
		assert_int_equal(b->flow.nr_opaque, f->nr_opaque);
		assert_int_equal(b->flow.ret_dynamic, f->ret_dynamic);
		assert_int_equal(b->flow.ret_many, f->ret_many);
		assert_int_equal(b->flow.ret, f->ret);
		assert_int_equal(b->has_known, alone.has_known);
		assert_int_equal(b->max_known, alone.max_known);
		assert_int_equal(b->deflt, alone.deflt);
		assert_int_equal(b->strategy, alone.strategy);
		assert_int_equal(b->baseline, alone.baseline);
		assert_int_equal(b->nadded, alone.nadded);
		assert_int_equal(b->nranges, alone.nranges);
		assert_memory_equal(b->ranges, alone.ranges,
				    alone.nranges * sizeof(alone.ranges[0]));
		stubbed += b->verdict == ANALYZE_STUB;
		for (j = 0; j < na && b->verdict == ANALYZE_STUB; j++) {
			if (j != i && every[j]->audit == every[i]->audit) {
				++*shared;
				break;
			}
		}
	}
	return stubbed;
}

static void test_shared_pass(void **state)
{
	unsigned long stubbed = 0, shared = 0;
	size_t i, s, olen;
	int maxnr;

	(void)state;
	for (i = 0; i < N(corpus_files); i++) {
		olen = load_corpus(corpus_files[i], orig);
		for (s = 0; s < N(strategies); s++)
			stubbed += same_as_alone(&strategies[s], olen, &shared);
	}
	for (i = 0; i < N(scmp_arches); i++) {
		olen = generated(scmp_arches[i].token, SCMP_ACT_ERRNO(EPERM), orig, &maxnr);
		for (s = 0; s < N(strategies); s++)
			stubbed += same_as_alone(&strategies[s], olen, &shared);
	}
	for (i = 0; i < N(shapes); i++) {
		memcpy(orig, shapes[i].prog, shapes[i].len * sizeof(orig[0]));
		for (s = 0; s < N(strategies); s++)
			stubbed += same_as_alone(&strategies[s], shapes[i].len, &shared);
	}
	print_message("  %lu stubbed ABIs decided alike alone and together, "
		      "%lu of them sharing their audit arch\n", stubbed, shared);
	assert_true(shared > 0);
	assert_true(stubbed > shared);
}

/*
 * allow_syscalls, the one opt-in weakening: the listed numbers of the
 * process's own arch are allowed, everything else keeps the promise; also
 * when no stub is needed (the original then follows with A reset).
 */
#define ALLOW_MAX 16	/* patch_filter() lists at most 16 (the configuration 8) */

static void check_allow(size_t olen, const uint32_t *allow, size_t nallow)
{
	struct patch_opts o = { .an = test_opts };
	size_t n, i, k, plen, applied = nallow < ALLOW_MAX ? nallow : ALLOW_MAX;
	const struct arch_abi *all = arch_all(&n);
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	unsigned long allowed = 0;
	uint32_t nr;

	memcpy(o.allow, allow, applied * sizeof(allow[0]));
	o.nallow = nallow;		/* more than fit: the first 16 apply */
	o.allow_audit = AUDIT_ARCH_X86_64;
	assert_int_equal(patch_filter(orig, olen, &x86_64, 1, &o, &work, &plen), 0);
	assert_true(plen > olen);
	assert_int_equal(work.rep.nallowed, applied);
	assert_int_equal(cbpf_validate(work.out, plen), 0);
	for (i = 0; i < n; i++) {
		for (nr = all[i].nr_base; nr <= all[i].nr_last + 1; nr++) {
			struct seccomp_data d = mkdata(all[i].audit, nr);
			bool named, listed = false;
			uint32_t want = cbpf_run_named(orig, olen, &d, &named);
			uint32_t got = cbpf_run(work.out, plen, &d);

			for (k = 0; k < applied; k++)
				listed |= all[i].audit == AUDIT_ARCH_X86_64 && nr == allow[k];
			if (listed) {
				assert_int_equal(got, SECCOMP_RET_ALLOW);
				allowed++;
			} else if (got != want && (!oracle_may_stub(want, o.an.deny) || named ||
						    got != RET_ENOSYS)) {
				fail_msg("%s nr %u: original %#x, patched %#x", all[i].name,
					 nr, want, got);
			}
		}
	}
	assert_int_equal(allowed, applied);
}

static void test_allow_list(void **state)
{
	static const uint32_t rseq_read[] = { 334, 0 };
	static const uint32_t read_nr[] = { 0 };
	static uint32_t many[ALLOW_MAX + 1];
	size_t olen, i;

	(void)state;
	olen = load_corpus("docker-default-v19.03.0.bpf", orig);
	check_allow(olen, rseq_read, N(rseq_read));
	/* allow-by-default, read denied by name: no stub, only the allow block,
	 * which overrides even the filter's own rule (that is what it is for) */
	olen = generated(SCMP_ARCH_X86_64, SCMP_ACT_ALLOW, orig, &(int){ 0 });
	assert_int_equal(cbpf_run(orig, olen, &(struct seccomp_data){ .nr = 0,
			 .arch = AUDIT_ARCH_X86_64 }), SECCOMP_RET_ERRNO | EPERM);
	check_allow(olen, read_nr, N(read_nr));
	assert_int_equal(work.out[work.rep.stub_len - 1].code,
			 BPF_CLASS(orig[0].code) == BPF_LD ? BPF_RET | BPF_K
							    : BPF_ALU | BPF_AND | BPF_K);
	/* 16 numbers, all allowed; of 17 the last is left to the filter */
	olen = load_corpus("docker-default-v19.03.0.bpf", orig);
	for (i = 0; i < N(many); i++)
		many[i] = 400 + (uint32_t)i;
	check_allow(olen, many, ALLOW_MAX - 1);
	check_allow(olen, many, ALLOW_MAX);
	check_allow(olen, many, ALLOW_MAX + 1);
	/* an original that returns A at once: no stub (no number compared),
	 * the allow block loaded A, so it must end with A = 0 */
	orig[0] = (struct sock_filter)RET_A;
	check_allow(1, read_nr, N(read_nr));
	assert_int_equal(work.rep.stub_len, 6 + N(read_nr));
	assert_int_equal(work.out[work.rep.stub_len - 1].code, BPF_ALU | BPF_AND | BPF_K);
}

/*
 * patch_filter()'s outcomes and the report of each, on a work area whose
 * report still holds another result: invalid lengths and ABI counts, a
 * program the kernel would refuse, nothing to patch, patched, too big.
 */
static void stale_report(struct patch_work *w)
{
	static const uint16_t names[] = { 1, 2, 3 };

	w->rep.orig_len = 12345;
	w->rep.stub_len = 777;
	w->rep.strategy = ANALYZE_KERNEL_VERSION;
	w->rep.nallowed = 9;
	w->rep.narrowed = true;
	w->rep.fallback = names;
	w->rep.nfallback = N(names);
	w->rep.why = "stale";
	w->rep.nabis = 3;
}

static void expect_report(int rc, size_t len, size_t nabis, const char *why,
			  const struct analyze_opts *o)
{
	const struct arch_abi *const *every;
	size_t na, plen = 99;

	every = all_abis(&na);
	stale_report(&work);
	assert_int_equal(patch_an(orig, len, every, nabis, o, &work, &plen), rc);
	if (rc == 0 && plen)
		assert_int_equal(plen, work.rep.stub_len + len);
	else
		assert_int_equal(plen, 0);
	assert_int_equal(work.rep.orig_len, len);
	if (rc == 0 && plen == 0) {
		assert_ptr_equal(work.out, work.in);
		assert_memory_equal(work.in, orig, len * sizeof(orig[0]));
	}
	if (!plen)
		assert_int_equal(work.rep.stub_len, 0);
	assert_int_equal(work.rep.nallowed, 0);
	assert_false(work.rep.narrowed);
	assert_ptr_equal(work.rep.fallback, o->fallback);
	assert_int_equal(work.rep.nfallback, o->nfallback);
	assert_int_equal(work.rep.strategy, o->strategy);
	assert_int_equal(work.rep.nabis, rc == -EINVAL ? 0 : nabis);
	assert_string_equal(work.rep.why, why);
}

static void test_patch_outcomes(void **state)
{
	static const struct arch_abi *many[PATCH_MAX_ABIS + 1];
	const struct arch_abi *const *every;
	const struct analyze_opts *kv = &strategies[4];
	size_t na, i, olen;

	(void)state;
	every = all_abis(&na);
	for (i = 0; i < N(many); i++)
		many[i] = every[i % na];
	olen = load_corpus("docker-default-v19.03.0.bpf", orig);
	expect_report(0, olen, na, "patched", kv);
	expect_report(-EINVAL, 0, na, "invalid program length", kv);
	expect_report(-EINVAL, 0, na, "invalid program length", &test_opts);
	expect_report(0, olen, na, "patched", &test_opts);
	expect_report(-EINVAL, CBPF_MAX_INSNS + 1, na, "invalid program length", kv);
	/* as many ABIs as fit, and one more */
	stale_report(&work);
	assert_int_equal(patch_an(orig, olen, many, PATCH_MAX_ABIS, kv, &work, &i), 0);
	assert_int_equal(work.rep.nabis, PATCH_MAX_ABIS);
	stale_report(&work);
	assert_int_equal(patch_an(orig, olen, many, PATCH_MAX_ABIS + 1, kv, &work, &i),
			 -EINVAL);
	assert_string_equal(work.rep.why, "invalid program length");
	/* one instruction, and 4096: no number compared, nothing to patch */
	orig[0] = (struct sock_filter)EPERM_;
	expect_report(0, 1, na, "no ABI needs a stub", kv);
	for (i = 0; i < CBPF_MAX_INSNS - 1; i++)
		orig[i] = (struct sock_filter)JA(0);
	orig[i] = (struct sock_filter)EPERM_;
	expect_report(0, CBPF_MAX_INSNS, na, "no ABI needs a stub", kv);
	/* the last instruction is no return */
	orig[0] = (struct sock_filter)LD_NR;
	expect_report(-EINVAL, 1, na, "the kernel would reject this program", kv);
	/* the stub would not fit */
	olen = load_corpus("docker-default-v19.03.0.bpf", orig);
	memmove(orig + CBPF_MAX_INSNS - olen, orig, olen * sizeof(orig[0]));
	for (i = 0; i < CBPF_MAX_INSNS - olen; i++)
		orig[i] = (struct sock_filter)JA(0);
	expect_report(-E2BIG, CBPF_MAX_INSNS, na, "stub and filter would exceed 4096 instructions",
		      &test_opts);
}

/*
 * The rseq guard as patch_filter() applies it (opts->rseq_abi: the process
 * registered rseq; opts->rseq_guard): Docker v19.03 refuses rseq, so the
 * stub's ENOSYS for clone3 would make new threads abort. The report says
 * so; with the guard clone3 keeps the filter's EPERM and the rest is
 * patched; with rseq allowed, or rseq not registered, nothing is said.
 */
static void test_rseq_guard(void **state)
{
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	struct patch_opts o = { .an = test_opts, .rseq_abi = x86_64 };
	size_t olen = load_corpus("docker-default-v19.03.0.bpf", orig), plen;
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 435);
	uint32_t clone3_orig = cbpf_run(orig, olen, &d);

	(void)state;
	assert_int_equal(patch_filter(orig, olen, &x86_64, 1, &o, &work, &plen), 0);
	assert_true(work.rep.threads);
	assert_false(work.rep.guarded);
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
	o.rseq_guard = true;
	assert_int_equal(patch_filter(orig, olen, &x86_64, 1, &o, &work, &plen), 0);
	assert_true(work.rep.threads);
	assert_true(work.rep.guarded);
	assert_int_equal(cbpf_run(work.out, plen, &d), clone3_orig);
	assert_int_equal(work.rep.abi[0].nranges, 2);		/* 334-434, 436-4095 */
	assert_int_equal(work.rep.abi[0].ranges[0].hi, 434);
	assert_int_equal(work.rep.stub_len + olen, plen);
	d.nr = 436;
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
	/* rseq not registered: nothing to guard */
	o.rseq_abi = NULL;
	assert_int_equal(patch_filter(orig, olen, &x86_64, 1, &o, &work, &plen), 0);
	assert_false(work.rep.threads);
	assert_false(work.rep.guarded);
	/* rseq allowed outright: threads do not abort, clone3 is stubbed */
	o.rseq_abi = x86_64;
	o.nallow = 1;
	o.allow[0] = 334;
	o.allow_audit = AUDIT_ARCH_X86_64;
	assert_int_equal(patch_filter(orig, olen, &x86_64, 1, &o, &work, &plen), 0);
	assert_false(work.rep.threads);
	assert_false(work.rep.guarded);
	d.nr = 435;
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
}

/* The largest number x86_64's table knows. */
static uint32_t x86_64_last(void)
{
	size_t n;
	const struct systab_ent *t = systab_abi(arch_by_name("x86_64"), &n);

	return t[n - 1].nr;
}

/*
 * Where patch_filter() leaves things, whatever was in its work area
 * before: the original copied unchanged to the end of the buffer, the
 * blocks just in front of it; the report of the rseq guard's second pass
 * its own (fallback-safe clone3 and the numbers above the last one the
 * filter knows are stubbed; the guard keeps clone3).
 */
static void test_patch_layout(void **state)
{
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	uint32_t nrs[] = { 0, 1, 231, x86_64_last() };
	uint16_t clone3 = (uint16_t)systab_name_id("clone3");
	struct patch_opts o = { .an = test_opts, .rseq_abi = x86_64 };
	struct sock_filter f[16];
	size_t len = allow_list(f, AUDIT_ARCH_X86_64, nrs, N(nrs), SECCOMP_RET_ERRNO | EPERM),
	       plen, first;
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 435);

	(void)state;
	o.an.fallback = &clone3;
	o.an.nfallback = 1;
	memset(&work, 0xa5, sizeof(work));
	assert_int_equal(patch_filter(f, len, &x86_64, 1, &o, &work, &plen), 0);
	assert_true(plen > len);
	assert_ptr_equal(work.out + plen, work.buf + CBPF_MAX_INSNS);
	assert_ptr_equal(work.in, work.buf + CBPF_MAX_INSNS - len);
	assert_memory_equal(work.in, f, len * sizeof(f[0]));
	assert_int_equal(cbpf_validate(work.out, plen), 0);
	assert_int_equal(cbpf_run(work.out, plen, &d), RET_ENOSYS);
	assert_int_equal(work.rep.abi[0].nranges, 2);	/* 435, 472-4095 */
	assert_true(work.rep.threads);		/* rseq: EPERM */
	assert_false(work.rep.guarded);
	assert_int_equal(work.rep.stub_len + len, plen);
	first = work.rep.stub_len;
	/* the guard's pass reports afresh */
	o.rseq_guard = true;
	memset(&work, 0xa5, sizeof(work));
	assert_int_equal(patch_filter(f, len, &x86_64, 1, &o, &work, &plen), 0);
	assert_true(work.rep.guarded);
	assert_int_equal(work.rep.abi[0].nranges, 1);
	assert_true(work.rep.stub_len < first);
	assert_int_equal(work.rep.stub_len + len, plen);
	assert_false(work.rep.narrowed);
	assert_ptr_equal(work.out + plen, work.buf + CBPF_MAX_INSNS);
	assert_memory_equal(work.in, f, len * sizeof(f[0]));
	assert_int_equal(cbpf_run(work.out, plen, &d), SECCOMP_RET_ERRNO | EPERM);
}

/*
 * Whether new threads would abort is asked of the filter as glibc asks
 * the kernel (arguments 0 where the filter compares them: flags 0): a
 * filter that allows rseq only with flags 0 lets threads run.
 */
static void test_threads_abort_args(void **state)
{
	struct sock_filter f[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), RET(SECCOMP_RET_KILL_PROCESS),
		LD_NR,
		JEQ(334, 0, 3),					/* rseq */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_ARGS + 2 * 8),	/* flags */
		JEQ(0, 0, 1),
		ALLOW,
		RET(SECCOMP_RET_ERRNO | EPERM),
	};
	const struct arch_abi *x86_64 = arch_by_name("x86_64");
	struct patch_opts o = { .an = test_opts, .rseq_abi = x86_64, .rseq_guard = true };
	size_t plen;

	(void)state;
	assert_int_equal(patch_filter(f, N(f), &x86_64, 1, &o, &work, &plen), 0);
	assert_false(work.rep.threads);
	assert_false(work.rep.guarded);
	assert_true(plen > N(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_patch_layout),
		cmocka_unit_test(test_threads_abort_args),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_poisoned_work),
		cmocka_unit_test(test_random_programs),
		cmocka_unit_test(test_against_runc),
		cmocka_unit_test(test_superset),
		cmocka_unit_test(test_shared_pass),
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_patch_outcomes),
		cmocka_unit_test(test_same_cache),
		cmocka_unit_test(test_keep_number),
		cmocka_unit_test(test_rseq_guard),
		cmocka_unit_test(test_keep_edges),
		cmocka_unit_test(test_verify),
	};

	quick = getenv("ENOSTUB_QUICK") != NULL;
	strategies[3].fallback = systab_fallback(&strategies[3].nfallback);
	strategies[4].fallback = systab_fallback(&strategies[4].nfallback);
	strategies[5].nfallback = collect_every_name();
	strategies[5].fallback = every_name;
	return run_group("property", tests, N(tests));
}
