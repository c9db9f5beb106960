// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: bytes -> cBPF program -> validate -> analyse -> patch,
 * judged by the never-weaker oracle of tests/unit/oracle.h (the same code
 * test_property uses). Built with clang -fsanitize=fuzzer,address,undefined;
 * any broken promise calls abort(), so libFuzzer keeps the input.
 *
 * Input: size / 8 instructions (struct sock_filter in host order, like the
 * .bpf files of tests/corpus, which are the seeds), then size % 8 option
 * bytes; a missing option byte reads as 0, which gives what the shim does
 * by default (native ABIs, the default denials, ENOSYS, nothing kept):
 *   opt[0]  ABIs: bits 0-1: 0 arch_native(), 1 every ABI, 2 a window of
 *           arch_all(), 3 one ABI; bit 2: reverse order; bits 3-7: first
 *   opt[1]  bits 0-4: window length - 1; bit 5: allow_syscalls, the
 *           program's first (up to 8) compared constants, for the first
 *           ABI's audit arch (its first number if there is none);
 *           bits 6-7: fallback-safe set, 0 the built-in one (the default),
 *           1 none, 2 every syscall name (the most ranges below the
 *           largest known number), 3 the built-in one
 *   opt[2]  errno, low byte (0: ENOSYS)
 *   opt[3]  bits 0-3: errno, high bits; bit 4: kernel-version strategy;
 *           bits 5-7: its baseline, 0 auto, else one of 3.0 ... 6.19
 *   opt[4]  bits 0-4: denials (enum analyze_deny bits), 0: the default set;
 *           bits 5-7: v > 0 appends "RET KILL_PROCESS" to the program up
 *           to 4096 - 4 (v - 1)^2 instructions, to meet the 4096 limit
 *   opt[5]  bit 0: keep a number for the filter; bits 1-7: its ABI's audit;
 *           without bit 0: bit 1 trap and translate (x86_64's table),
 *           bit 2 only from a fixed range of instruction pointers, bits
 *           3-7 the trap data's slot
 *   opt[6]  bit 7: keep that ABI's last number; else the constant of
 *           instruction (bits 0-6) % n, + 1
 *
 * What is checked, for every input:
 *  - patch_filter() fails with -EINVAL exactly when cbpf_validate() refuses
 *    the program, with -E2BIG only when some ABI needed a stub or an
 *    allow block was asked for, else 0;
 *  - the result does not depend on what the work area held before (pure);
 *  - one of the ABIs analysed alone gets the verdict and ranges it got in
 *    patch_filter()'s shared pass;
 *  - no stub without a STUB verdict; a patched program validates, is at most
 *    4096 instructions, and ends with the original, byte for byte;
 *  - on many seccomp_data (the architectures of the ABIs and of the
 *    program's constants, numbers around every ABI's bounds, the reported
 *    largest known numbers and ranges, the program's constants, single bits,
 *    random; arguments zero, all ones, or made of the program's constants):
 *    the oracle's verdict is never WEAKER (DESIGN.md invariant 1), no answer
 *    changes for a number the filter names on any of the paths tried, a
 *    changed answer lies in a range the report claims for that arch, and
 *    the kernel's constant-action cache is the same (invariant 3); except
 *    that a number allow_syscalls lists is allowed, and cached as such
 *    (the one deliberate weakening), and that with translation an unnamed
 *    replacement call the original kills or traps may trap for enostub's
 *    handler, which then makes a classic call only if the original runs
 *    it (translate_decide(), on arguments it can read).
 * The data are drawn from a generator seeded by the input, so a saved
 * input replays exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "arch.h"
#include "cbpf.h"
#include "oracle.h"
#include "patch.h"
#include "systab.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_CONSTS 32           /* program constants used for data */
#define MAX_ARCHES 8            /* architectures tried per input */
#define MAX_NRS 512             /* numbers tried per architecture */
#define MAX_ALLOW 8             /* allow_syscalls (the configuration's limit) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Two work areas: the second still holds the previous input's state. */
static struct patch_work work, again;

struct input {
	const struct sock_filter *prog;
	size_t len;                             /* instructions */
	const struct arch_abi *abis[PATCH_MAX_ABIS];
	size_t nabis;
	struct patch_opts opts;
	size_t plen;                            /* patched length */
	uint64_t rng;                           /* xorshift state */
	uint32_t consts[MAX_CONSTS];
	size_t nconsts;
	uint32_t allow[MAX_ALLOW];
	size_t nallow;
};

static void die(const struct input *in, const char *what, const struct seccomp_data *d,
		const struct oracle_case *c)
{
	fprintf(stderr, "enostub fuzz: %s\n  program of %zu instructions, %zu ABIs, "
		"deny %#x, stub_ret %#x, keep %d %#x/%u\n", what, in->len, in->nabis,
		in->opts.an.deny, in->opts.an.stub_ret, in->opts.keep, in->opts.keep_audit,
		in->opts.keep_nr);
	if (d)
		fprintf(stderr, "  arch %#x nr %#x args %#llx %#llx ip %#llx\n", d->arch,
			(unsigned)d->nr, (unsigned long long)d->args[0],
			(unsigned long long)d->args[1],
			(unsigned long long)d->instruction_pointer);
	if (c)
		fprintf(stderr, "  original %#x, patched %#x%s\n", c->orig, c->patched,
			c->named ? " (number named by the filter)" : "");
	abort();
}

static uint64_t rnd(struct input *in)
{
	in->rng ^= in->rng << 13;
	in->rng ^= in->rng >> 7;
	in->rng ^= in->rng << 17;
	return in->rng;
}

static uint8_t opt_byte(const uint8_t *opt, size_t nopt, size_t i)
{
	return i < nopt ? opt[i] : 0;
}

static void pick_abis(struct input *in, uint8_t mode, uint8_t count)
{
	size_t n, i, first = (size_t)(mode >> 3), many;
	const struct arch_abi *all = arch_all(&n);
	const struct arch_abi *const *native;

	switch (mode & 3) {
	case 0:
		native = arch_native(&many);
		for (i = 0; i < many; i++)
			in->abis[i] = native[i];
		break;
	default:
		many = (mode & 3) == 1 ? n : (mode & 3) == 2 ? count % n + 1 : 1;
		for (i = 0; i < many; i++)
			in->abis[i] = &all[(first + i) % n];
	}
	in->nabis = many;
	for (i = 0; (mode & 4) && i < many / 2; i++) {
		const struct arch_abi *t = in->abis[i];

		in->abis[i] = in->abis[many - 1 - i];
		in->abis[many - 1 - i] = t;
	}
}

/* Every name offset of every table, ascending, made once. */
static const uint16_t *every_name(size_t *count)
{
	static uint16_t names[2048];
	static size_t k;
	static int sorted;
	size_t n, na, i, j, m;
	const struct arch_abi *all = arch_all(&na);
	const struct systab_ent *t;
	uint16_t v;

	for (i = 0; k == 0 && i < na; i++) {
		t = systab_abi(&all[i], &n);
		for (j = 0; t && j < n; j++) {
			for (m = 0; m < k && names[m] != t[j].name; m++)
				;
			if (m == k && k < N(names))
				names[k++] = t[j].name;
		}
	}
	for (i = 1; sorted == 0 && i < k; i++) {	/* insertion sort, once */
		v = names[i];
		for (j = i; j > 0 && names[j - 1] > v; j--)
			names[j] = names[j - 1];
		names[j] = v;
	}
	sorted = 1;
	*count = k;
	return names;
}

static void pick_fallback(struct analyze_opts *o, uint8_t which)
{
	if (which == 1)
		o->nfallback = 0;
	else if (which == 2)
		o->fallback = every_name(&o->nfallback);
	else
		o->fallback = systab_fallback(&o->nfallback);
}

/* allow_syscalls: the program's compared constants, for the first ABI. */
static void pick_allow(struct input *in)
{
	size_t i;

	for (i = 0; i < in->nconsts && i < MAX_ALLOW; i++)
		in->allow[i] = in->consts[i];
	in->nallow = i ? i : 1;
	if (!i)
		in->allow[0] = in->abis[0]->nr_base;
	memcpy(in->opts.allow, in->allow, in->nallow * sizeof(in->allow[0]));
	in->opts.nallow = in->nallow;
	in->opts.allow_audit = in->abis[0]->audit;
}

/* Does allow_syscalls list (@arch, @nr)? */
static bool allowed(const struct input *in, uint32_t arch, uint32_t nr)
{
	size_t i;

	for (i = 0; arch == in->opts.allow_audit && i < in->nallow; i++)
		if (in->allow[i] == nr)
			return true;
	return false;
}

/* The options, from the bytes after the last whole instruction. */
static void pick_opts(struct input *in, const uint8_t *opt, size_t nopt)
{
	size_t n;
	const struct arch_abi *all = arch_all(&n);
	uint32_t err = opt_byte(opt, nopt, 2) | (opt_byte(opt, nopt, 3) & 0x0fu) << 8;
	uint8_t deny = opt_byte(opt, nopt, 4) & 0x1f, keep = opt_byte(opt, nopt, 5);
	uint8_t which = opt_byte(opt, nopt, 6);
	const struct arch_abi *kept = &all[(keep >> 1) % n];

	static const uint16_t baselines[] = { 0, SYSTAB_KV(3, 0), SYSTAB_KV(3, 10),
		SYSTAB_KV(4, 4), SYSTAB_KV(5, 4), SYSTAB_KV(5, 8), SYSTAB_KV(6, 1),
		SYSTAB_KV(6, 19) };
	uint8_t strat = opt_byte(opt, nopt, 3);

	pick_abis(in, opt_byte(opt, nopt, 0), opt_byte(opt, nopt, 1) & 0x1f);
	in->opts = (struct patch_opts){
		.an.strategy = strat & 0x10 ? ANALYZE_KERNEL_VERSION : ANALYZE_MAX_KNOWN,
		.an.baseline = baselines[strat >> 5],
		.an.deny = deny ? deny : ANALYZE_DENY_DEFAULT,
		.an.stub_ret = cbpf_ret_errno(err ? err : ENOSYS),
		.keep = keep & 1,
		.keep_audit = kept->audit,
		.keep_nr = which & 0x80 ? kept->nr_last :
			   in->len ? in->prog[(which & 0x7f) % in->len].k + 1 : 0,
	};
	pick_fallback(&in->opts.an, opt_byte(opt, nopt, 1) >> 6);
	if (!(keep & 1) && (keep & 2)) {	/* trap and translate, x86_64's table */
		in->opts.translate_abi = arch_by_name("x86_64");
		in->opts.trap_data = (uint16_t)(TRANSLATE_DATA_TAG | (keep >> 3));
		if (keep & 4) {
			in->opts.ip_lo = 0x7f0000001000ull;
			in->opts.ip_hi = 0x7f00002fffffull;
		}
	}
	if (opt_byte(opt, nopt, 1) & 0x20)
		pick_allow(in);
}

/*
 * The program: the input's @n instructions, then when @v > 0 returns
 * (unreachable unless a jump of the input lands there) up to
 * 4096 - 4 (v - 1)^2 instructions. An exact-size copy: ASan sees any read
 * past it.
 */
static struct sock_filter *load_program(const uint8_t *data, size_t n, unsigned int v,
					size_t *len)
{
	size_t target = v ? CBPF_MAX_INSNS - 4 * (size_t)(v - 1) * (v - 1) : 0;
	size_t pad = n && target > n ? target - n : 0, i;
	struct sock_filter *p = malloc(pad + n ? (pad + n) * sizeof(*p) : 1);

	if (!p)
		return NULL;
	memcpy(p, data, n * sizeof(*p));
	for (i = n; i < n + pad; i++)
		p[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	*len = pad + n;
	return p;
}

static void add(uint32_t *v, size_t *n, size_t cap, uint32_t x)
{
	if (*n < cap)
		v[(*n)++] = x;
}

static void add_around(uint32_t *v, size_t *n, size_t cap, uint32_t x)
{
	add(v, n, cap, x - 1);
	add(v, n, cap, x);
	add(v, n, cap, x + 1);
}

/* The constants the program compares with, for numbers, arches, args. */
static void collect_consts(struct input *in)
{
	size_t pc, i;

	in->nconsts = 0;
	for (pc = 0; pc < in->len && in->nconsts < MAX_CONSTS; pc++) {
		const struct sock_filter *f = &in->prog[pc];

		if (BPF_CLASS(f->code) != BPF_JMP || BPF_OP(f->code) == BPF_JA ||
		    BPF_SRC(f->code) != BPF_K)
			continue;
		for (i = 0; i < in->nconsts && in->consts[i] != f->k; i++)
			;
		if (i == in->nconsts)
			in->consts[in->nconsts++] = f->k;
	}
}

static uint32_t some_const(struct input *in)
{
	uint64_t r = rnd(in);

	return in->nconsts && (r & 3) ? in->consts[(r >> 2) % in->nconsts] : (uint32_t)(r >> 32);
}

/* Numbers worth trying for @arch. */
static size_t numbers(struct input *in, uint32_t arch, uint32_t *v)
{
	static const uint32_t special[] = {
		0x3fffffff, 0x40000000, 0x7fffffff, 0x80000000, 0xffffffff,
		0x0f0000, 0x0f0005, 0x1ebe, 4000, 5000, 6000,
	};
	size_t n = 0, na, i, j, r;
	const struct arch_abi *all = arch_all(&na);

	for (i = 0; i < na; i++) {
		if (all[i].audit != arch)
			continue;
		add_around(v, &n, MAX_NRS, all[i].nr_base);
		add_around(v, &n, MAX_NRS, all[i].nr_last);
	}
	for (i = 0; i < work.rep.nabis; i++) {
		const struct analyze_abi *a = &work.rep.abi[i];

		if (a->abi->audit != arch)
			continue;
		if (a->has_known)
			add_around(v, &n, MAX_NRS, a->max_known);
		for (r = 0; r < a->nranges; r++) {
			uint32_t lo = a->ranges[r].lo, hi = a->ranges[r].hi;

			add_around(v, &n, MAX_NRS, lo);
			add_around(v, &n, MAX_NRS, hi);
			for (j = 0; j < 4; j++)
				add(v, &n, MAX_NRS, lo + (uint32_t)(rnd(in) % ((uint64_t)hi - lo + 1)));
		}
	}
	for (i = 0; i < in->nconsts; i++)
		add_around(v, &n, MAX_NRS, in->consts[i]);
	for (i = 0; i < in->nallow; i++)
		add_around(v, &n, MAX_NRS, in->allow[i]);
	if (in->opts.keep)
		add_around(v, &n, MAX_NRS, in->opts.keep_nr);
	for (i = 0; i < work.rep.ntranslated; i++)	/* trapped, and their neighbours */
		add_around(v, &n, MAX_NRS, work.rep.translated[i]);
	for (i = 0; i < N(special); i++)
		add(v, &n, MAX_NRS, special[i]);
	for (i = 0; i < 32; i++)
		add(v, &n, MAX_NRS, 1u << i);
	for (i = 0; i < 8; i++)
		add(v, &n, MAX_NRS, (uint32_t)(rnd(in) >> 32) % (i & 1 ? 0x1000u : ~0u));
	return n;
}

/* Architectures worth trying: the chosen ABIs', the kept one, another
 * ABI's, one of the program's constants, a random value. */
static size_t arches(struct input *in, uint32_t *v)
{
	size_t n = 0, na, i, j;
	const struct arch_abi *all = arch_all(&na);
	uint32_t cand[PATCH_MAX_ABIS + 4];
	size_t nc = 0;

	for (i = 0; i < in->nabis; i++)
		cand[nc++] = in->abis[i]->audit;
	if (in->opts.keep)
		cand[nc++] = in->opts.keep_audit;
	cand[nc++] = all[rnd(in) % na].audit;
	cand[nc++] = some_const(in);
	cand[nc++] = (uint32_t)rnd(in);
	for (i = 0; i < nc && n < MAX_ARCHES; i++) {
		for (j = 0; j < n && v[j] != cand[i]; j++)
			;
		if (j == n)
			v[n++] = cand[i];
	}
	return n;
}

/* Does the report claim a stub range holding @nr for @arch? */
static bool claimed(uint32_t arch, uint32_t nr)
{
	size_t i, r;

	for (i = 0; i < work.rep.nabis; i++) {
		const struct analyze_abi *a = &work.rep.abi[i];

		if (a->abi->audit != arch || a->verdict != ANALYZE_STUB ||
		    analyze_is_known(a, nr))
			continue;
		for (r = 0; r < a->nranges; r++) {
			if (nr >= a->ranges[r].lo && nr <= a->ranges[r].hi)
				return true;
		}
	}
	return false;
}

/*
 * A call trapped for translation: enostub's handler makes the classic
 * call only if the original runs it for the classic call's own data.
 * The arguments are 0, AT_FDCWD or a zeroed buffer (a path "", a zero
 * timeout): the handler reads the call's memory, as the kernel would.
 */
static void check_translated(struct input *in, const struct seccomp_data *trapped)
{
	static const uint64_t zeros[8];
	struct seccomp_data d = *trapped, k;
	struct translate_call c;
	uint32_t orig;
	size_t j;
	int how;

	for (how = 0; how < 4; how++) {
		for (j = 0; j < 6; j++)
			d.args[j] = how & 1 ? (uintptr_t)zeros : 0;
		if (how & 2)
			d.args[0] = (uint64_t)(int64_t)AT_FDCWD;
		if (!translate_decide(in->prog, in->len, in->opts.translate_abi, &d, &c, &orig))
			continue;
		k = d;
		k.nr = (int)c.nr;
		for (j = 0; j < 6; j++)
			k.args[j] = c.args[j];
		if (!analyze_runs_call(cbpf_run(in->prog, in->len, &k)))
			die(in, "the handler would make a classic call the original refuses",
			    &k, NULL);
	}
}

static enum oracle_verdict check_data(struct input *in, struct seccomp_data *d,
				      struct oracle_case *c)
{
	enum oracle_verdict v = oracle_check(in->prog, in->len, work.out, in->plen,
					     d, &in->opts, c);

	if (v == ORACLE_WEAKER)
		die(in, "WEAKER: the patched filter breaks the never-weaker promise", d, c);
	if (v == ORACLE_TRAPPED)
		check_translated(in, d);
	if (v == ORACLE_STUBBED && !claimed(d->arch, (uint32_t)d->nr))
		die(in, "stubbed a number outside every range the report claims", d, c);
	return v;
}

static void fill_args(struct input *in, struct seccomp_data *d, int how)
{
	size_t j;

	for (j = 0; j < 6; j++)
		d->args[j] = how == 0 ? 0 : how == 1 ? ~0ULL :
			     (uint64_t)some_const(in) << 32 | some_const(in);
	/* from the trap's range when there is one (the C library's code) */
	d->instruction_pointer = how == 2 ? (uint64_t)some_const(in) << 32 | some_const(in) :
				 how == 0 && in->opts.ip_hi ? in->opts.ip_lo : d->args[0];
}

/*
 * One (arch, nr) with three kinds of arguments. The oracle judges "named"
 * on the path taken; a number the filter names on the path of other
 * arguments is not unknown to it either, so no answer may change then.
 */
static void check_nr(struct input *in, uint32_t arch, uint32_t nr)
{
	struct seccomp_data d;
	struct oracle_case c;
	bool named = false, stubbed = false;
	int how;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = (int)nr;
	if (allowed(in, arch, nr)) {
		for (how = 0; how < 3; how++) {
			fill_args(in, &d, how);
			if (cbpf_run(work.out, in->plen, &d) != SECCOMP_RET_ALLOW)
				die(in, "a number allow_syscalls lists is not allowed", &d, NULL);
		}
		if (!oracle_const_allow(work.out, in->plen, arch, nr))
			die(in, "a number allow_syscalls lists is not cached as allowed", &d, NULL);
		return;
	}
	for (how = 0; how < 3; how++) {
		fill_args(in, &d, how);
		stubbed |= check_data(in, &d, &c) == ORACLE_STUBBED;
		named |= c.named;
	}
	if (stubbed && named)
		die(in, "stubbed a number the filter names on another path", &d, &c);
	if (oracle_const_allow(in->prog, in->len, arch, nr) !=
	    oracle_const_allow(work.out, in->plen, arch, nr))
		die(in, "the constant-action cache changed", &d, NULL);
}

static void sweep(struct input *in)
{
	uint32_t av[MAX_ARCHES], nv[MAX_NRS];
	size_t na = arches(in, av), nn, a, i;

	for (a = 0; a < na; a++) {
		nn = numbers(in, av[a], nv);
		for (i = 0; i < nn; i++)
			check_nr(in, av[a], nv[i]);
	}
}

static bool any_stub_verdict(const struct patch_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nabis; i++) {
		if (rep->abi[i].verdict == ANALYZE_STUB && rep->abi[i].nranges)
			return true;
	}
	return false;
}

/* The same input on a work area dirty from the previous one: same result. */
static void check_pure(const struct input *in, int rc)
{
	size_t plen, i;
	int rc2 = patch_filter(in->prog, in->len, in->abis, in->nabis, &in->opts,
			       &again, &plen);

	if (rc2 != rc || plen != in->plen ||
	    memcmp(again.out, work.out, plen * sizeof(work.out[0])) ||
	    again.rep.nabis != work.rep.nabis)
		die(in, "patch_filter() depends on the work area's previous contents", NULL, NULL);
	for (i = 0; i < work.rep.nabis; i++) {
		if (again.rep.abi[i].verdict != work.rep.abi[i].verdict ||
		    again.rep.abi[i].nranges != work.rep.abi[i].nranges)
			die(in, "analysis depends on the work area's previous contents", NULL, NULL);
	}
}

/* One of the ABIs, analysed alone, gets what patch_filter() decided for it
 * in its shared pass (x86_64 and x32 are analysed together). */
static void check_alone(struct input *in)
{
	static struct analyze_abi alone;
	struct analyze_opts o = in->opts.an;
	const struct analyze_abi *a;

	if (work.rep.nabis == 0)
		return;
	a = &work.rep.abi[rnd(in) % work.rep.nabis];
	if (in->opts.keep && a->abi->audit == in->opts.keep_audit)
		return;	/* patch_filter() took keep_nr out of its ranges */
	o.strategy = work.rep.strategy;
	o.fallback = work.rep.fallback;	/* none if narrowed to plain max-known */
	o.nfallback = work.rep.nfallback;
	analyze_abi(in->prog, in->len, a->abi, &o, &again.analysis, &alone);
	if (alone.verdict != a->verdict || alone.flow.nknown != a->flow.nknown ||
	    memcmp(alone.flow.known, a->flow.known, sizeof(a->flow.known)) ||
	    alone.nranges != a->nranges ||
	    memcmp(alone.ranges, a->ranges, a->nranges * sizeof(a->ranges[0])))
		die(in, "an ABI analysed alone differs from the shared pass", NULL, NULL);
}

#ifdef FUZZ_SELFTEST
/*
 * Self-test build: weaken the stub on purpose, the oracle must object
 * (make fuzz-short checks that it does). $FUZZ_WEAKEN=allow: the stub
 * allows what it should answer with ENOSYS; =range: every stub range
 * starts one number lower, which takes in the largest known number.
 */
static void weaken(struct input *in)
{
	const char *how = getenv("FUZZ_WEAKEN");
	size_t i;

	for (i = 0; how && i < work.rep.stub_len; i++) {
		struct sock_filter *f = &work.out[i];

		if (!strcmp(how, "allow") && f->code == (BPF_RET | BPF_K) &&
		    f->k == in->opts.an.stub_ret)
			f->k = SECCOMP_RET_ALLOW;
		if (!strcmp(how, "range") && f->code == (BPF_JMP | BPF_JGE | BPF_K))
			f->k--;
	}
}
#endif

static void run(struct input *in)
{
	int rc = patch_filter(in->prog, in->len, in->abis, in->nabis, &in->opts,
			      &work, &in->plen);
	bool valid = cbpf_validate(in->prog, in->len) == 0;

	if (rc == -EINVAL && !valid)
		return;
	if (rc == -EINVAL || !valid)
		die(in, "patch_filter() and cbpf_validate() disagree", NULL, NULL);
	if (rc == -E2BIG && !any_stub_verdict(&work.rep) && !in->nallow &&
	    !work.rep.ntranslated)
		die(in, "-E2BIG without a stub, an allow or a trap block to add", NULL, NULL);
	if (rc != 0 && rc != -E2BIG)
		die(in, "patch_filter() returned an undocumented error", NULL, NULL);
	check_pure(in, rc);
	if (rc == 0)
		check_alone(in);
	if (rc || in->plen == 0) {
		if (rc == 0 && any_stub_verdict(&work.rep))
			die(in, "a STUB verdict but nothing patched", NULL, NULL);
		return;
	}
	if (in->plen != work.rep.stub_len + in->len || in->plen > CBPF_MAX_INSNS ||
	    cbpf_validate(work.out, in->plen) ||
	    memcmp(work.out + work.rep.stub_len, in->prog, in->len * sizeof(*in->prog)))
		die(in, "the patched program is not a valid stub + the original", NULL, NULL);
#ifdef FUZZ_SELFTEST
	weaken(in);
#endif
	sweep(in);
}

/* libFuzzer's entry point: one input, checked as above; aborts on a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	struct sock_filter *prog;
	size_t n = size / sizeof(*prog), i;
	const uint8_t *opt = data + n * sizeof(*prog);
	size_t nopt = size % sizeof(*prog);
	uint64_t h = 0xcbf29ce484222325ULL;     /* FNV-1a of the input */

	memset(&in, 0, sizeof(in));
	prog = load_program(data, n, opt_byte(opt, nopt, 4) >> 5, &in.len);
	if (!prog)
		return 0;
	in.prog = prog;
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	in.rng = h | 1;
	collect_consts(&in);
	pick_opts(&in, opt, nopt);
	run(&in);
	free(prog);
	return 0;
}
