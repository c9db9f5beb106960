// SPDX-License-Identifier: MIT
/*
 * analyze: abstract interpretation of seccomp cBPF over (arch, nr interval).
 *
 * Values are tracked as one of: a constant, the architecture word (a known
 * constant here), the syscall number (in [lo, hi]), data the filter cannot
 * predict (arguments, instruction pointer, merged constants), or something
 * derived from the number (arithmetic on it, or a merge of it with anything
 * else). Only the first kinds are ever used to decide a branch; everything
 * the engine does not understand widens to "both ways" or is reported, never
 * guessed.
 */
#include "analyze.h"

#include <stddef.h>
#include <string.h>

#include "systab.h"

enum kind { V_CONST, V_ARCH, V_NR, V_DATA, V_NRX };

/* Most ABIs one pass records known numbers for (x86_64 and x32 share one
 * audit arch, MIPS o32/n32/n64 do not). */
#define MAX_SINKS 4

struct ctx {
	const struct sock_filter *prog;
	size_t len;
	uint32_t audit;
	uint32_t lo, hi;
	struct analyze_work *w;
	struct analyze_flow *out;
	bool ret_seen;
	size_t nmem;    /* scratch words tracked: 0 unless the program stores */
	size_t nslots;  /* states stored so far */
	/* ABIs whose compared numbers are recorded (none for a proof) */
	size_t nsinks;
	const struct arch_abi *sink_abi[MAX_SINKS];
	uint32_t *sink_known[MAX_SINKS];
};

static const struct analyze_val V_DATA_VAL = { 0, V_DATA };
static const struct analyze_val V_NRX_VAL = { 0, V_NRX };

static bool nr_like(struct analyze_val v)
{
	return v.kind == V_NR || v.kind == V_NRX;
}

static bool is_const(struct analyze_val v)
{
	return v.kind == V_CONST || v.kind == V_ARCH;
}

static struct analyze_val join(struct analyze_val p, struct analyze_val q)
{
	if (p.kind == q.kind && p.v == q.v)
		return p;
	return nr_like(p) || nr_like(q) ? V_NRX_VAL : V_DATA_VAL;
}

struct analyze_state {
	struct analyze_val a, x, m[CBPF_MEMWORDS];
};

/* Merge state @s into the stored entry state of jump target @pc. */
static void flow_to(struct ctx *c, size_t pc, const struct analyze_state *s)
{
	struct analyze_work *w = c->w;
	struct analyze_val *r, *m;
	size_t i;

	if (!w->slot[pc]) {
		r = w->reg[ANALYZE_STATES - 1 - c->nslots];
		m = w->mem[ANALYZE_STATES - 1 - c->nslots];
		w->slot[pc] = (uint16_t)++c->nslots;
		r[0] = s->a;
		r[1] = s->x;
		for (i = 0; i < c->nmem; i++)
			m[i] = s->m[i];
		return;
	}
	r = w->reg[ANALYZE_STATES - w->slot[pc]];
	m = w->mem[ANALYZE_STATES - w->slot[pc]];
	r[0] = join(r[0], s->a);
	r[1] = join(r[1], s->x);
	for (i = 0; i < c->nmem; i++)
		m[i] = join(m[i], s->m[i]);
}

/* Merge the stored state of @pc into the live state @s (or take it). */
static void flow_from(struct ctx *c, size_t pc, struct analyze_state *s, bool live)
{
	const struct analyze_val *r = c->w->reg[ANALYZE_STATES - c->w->slot[pc]];
	const struct analyze_val *m = c->w->mem[ANALYZE_STATES - c->w->slot[pc]];
	size_t i;

	s->a = live ? join(s->a, r[0]) : r[0];
	s->x = live ? join(s->x, r[1]) : r[1];
	for (i = 0; i < c->nmem; i++)
		s->m[i] = live ? join(s->m[i], m[i]) : m[i];
}

static void note_ret(struct ctx *c, uint32_t v)
{
	if (!c->ret_seen) {
		c->ret_seen = true;
		c->out->ret = v;
	} else if (c->out->ret != v) {
		c->out->ret_many = true;
	}
}

/* Record @k as a number the filter compares, for each ABI whose span
 * holds it. "nr >= base" of a non-zero-based ABI (x32 bit, MIPS bases)
 * separates ABIs and names no syscall of that ABI. */
static void note_known(struct ctx *c, uint32_t k, bool jge)
{
	size_t i;

	if (c->nsinks == 0)
		return;	/* a proof */
	for (i = 0; i < c->nsinks; i++) {
		const struct arch_abi *a = c->sink_abi[i];
		uint32_t bit = k - a->nr_base;

		if (k < a->nr_base || k > a->nr_last || (jge && k == a->nr_base && k))
			continue;
		c->sink_known[i][bit / 32] |= 1u << (bit % 32);
	}
}

/* Does (nr & k) != 0 give one answer over [lo, hi]? 1 true, 0 false, -1 no. */
static int jset_uniform(uint32_t lo, uint32_t hi, uint32_t k)
{
	bool first = (lo & k) != 0;
	uint64_t v;

	if (hi - lo > 0x10000u)
		return -1;
	for (v = lo; v <= hi; v++) {
		if ((((uint32_t)v & k) != 0) != first)
			return -1;
	}
	return first;
}

/* A branch on the number against constant @k: 1 taken, 0 not, -1 both. */
static int branch_on_nr(struct ctx *c, uint16_t op, uint32_t k)
{
	uint32_t lo = c->lo, hi = c->hi;
	int r = -1;

	switch (op) {
	case BPF_JEQ:
		note_known(c, k, false);
		if (k < lo || k > hi)
			return 0;
		c->out->nr_split = true;
		return lo == hi ? 1 : -1;
	case BPF_JGT:
		note_known(c, k, false);
		r = lo > k ? 1 : hi <= k ? 0 : -1;
		break;
	case BPF_JGE:
		note_known(c, k, true);
		r = lo >= k ? 1 : hi < k ? 0 : -1;
		break;
	case BPF_JSET:
		r = jset_uniform(lo, hi, k);
		break;
	}
	if (r < 0)
		c->out->nr_split = true;
	return r;
}

/* Which way does a conditional jump go: 1 taken, 0 not taken, -1 both. */
static int branch(struct ctx *c, const struct sock_filter *in,
		  const struct analyze_state *s)
{
	struct analyze_val src = BPF_SRC(in->code) == BPF_X ? s->x :
				 (struct analyze_val){ in->k, V_CONST };
	uint16_t op = BPF_OP(in->code);

	if (s->a.kind == V_ARCH || src.kind == V_ARCH)
		c->out->arch_checked = true;
	if (is_const(s->a) && is_const(src)) {
		switch (op) {
		case BPF_JEQ: return s->a.v == src.v;
		case BPF_JGT: return s->a.v > src.v;
		case BPF_JGE: return s->a.v >= src.v;
		default: return (s->a.v & src.v) != 0;
		}
	}
	if (s->a.kind == V_NR && src.kind == V_CONST)
		return branch_on_nr(c, op, src.v);
	if (nr_like(s->a) || nr_like(src))
		c->out->nr_opaque = true;
	return -1;
}

static struct analyze_val load_abs(const struct ctx *c, uint32_t k)
{
	if (k == CBPF_OFF_NR)
		return (struct analyze_val){ 0, V_NR };
	if (k == CBPF_OFF_ARCH)
		return (struct analyze_val){ c->audit, V_ARCH };
	return V_DATA_VAL;
}

static uint32_t alu_const(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV: return a / v;
	case BPF_AND: return a & v;
	case BPF_OR:  return a | v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return a << (v & 31);
	case BPF_RSH: return a >> (v & 31);
	default:      return -a; /* BPF_NEG */
	}
}

/* An ALU instruction. Return: false when the program certainly ends here
 * (a division by a register that holds 0 returns 0), else true. */
static bool step_alu(struct ctx *c, const struct sock_filter *in,
		     struct analyze_state *s)
{
	uint16_t op = BPF_OP(in->code);
	struct analyze_val src = BPF_SRC(in->code) == BPF_X ? s->x :
				 (struct analyze_val){ in->k, V_CONST };

	if (op == BPF_NEG)
		src = (struct analyze_val){ 0, V_CONST };
	/* Division by a register that may be zero ends the program with 0. */
	if (op == BPF_DIV && !(is_const(src) && src.v != 0)) {
		note_ret(c, 0);
		if (is_const(src))
			return false;
	}
	if (nr_like(s->a) || nr_like(src))
		s->a = V_NRX_VAL;
	else if (is_const(s->a) && is_const(src))
		s->a = (struct analyze_val){ alu_const(op, s->a.v, src.v), V_CONST };
	else
		s->a = V_DATA_VAL;
	return true;
}

/* Loads, stores and register moves; returns false for the rest. */
static bool step_data(struct ctx *c, const struct sock_filter *in,
		      struct analyze_state *s)
{
	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS: s->a = load_abs(c, in->k); return true;
	case BPF_LD | BPF_W | BPF_LEN:
		s->a = (struct analyze_val){ CBPF_DATA_SIZE, V_CONST }; return true;
	case BPF_LDX | BPF_W | BPF_LEN:
		s->x = (struct analyze_val){ CBPF_DATA_SIZE, V_CONST }; return true;
	case BPF_LD | BPF_IMM: s->a = (struct analyze_val){ in->k, V_CONST }; return true;
	case BPF_LDX | BPF_IMM: s->x = (struct analyze_val){ in->k, V_CONST }; return true;
	case BPF_LD | BPF_MEM: s->a = s->m[in->k]; return true;
	case BPF_LDX | BPF_MEM: s->x = s->m[in->k]; return true;
	case BPF_ST: s->m[in->k] = s->a; return true;
	case BPF_STX: s->m[in->k] = s->x; return true;
	case BPF_MISC | BPF_TAX: s->x = s->a; return true;
	case BPF_MISC | BPF_TXA: s->a = s->x; return true;
	}
	return false;
}

/* Run instruction @pc on the live state @s; jumps are stored at their
 * targets. Return: true if @s flows on to pc + 1. */
static bool step(struct ctx *c, size_t pc, struct analyze_state *s)
{
	const struct sock_filter *in = &c->prog[pc];
	bool next = false;
	int way;

	if (BPF_CLASS(in->code) == BPF_ALU)
		return step_alu(c, in, s);
	if (step_data(c, in, s))
		return true;
	if (BPF_CLASS(in->code) == BPF_RET) {
		if (BPF_RVAL(in->code) == BPF_K)
			note_ret(c, in->k);
		else if (is_const(s->a))
			note_ret(c, s->a.v);
		else
			c->out->ret_dynamic = true;
		return false;
	}
	if (BPF_OP(in->code) == BPF_JA) {
		if (in->k == 0)
			return true;
		flow_to(c, pc + 1 + in->k, s);
		return false;
	}
	way = branch(c, in, s);
	if (way != 0) {
		if (in->jt == 0)
			next = true;
		else
			flow_to(c, pc + 1 + in->jt, s);
	}
	if (way != 1) {
		if (in->jf == 0)
			next = true;
		else
			flow_to(c, pc + 1 + in->jf, s);
	}
	return next;
}

/*
 * One pass in instruction order: the state falling through from pc - 1 stays
 * live in @s, and is joined with what jumps stored for pc. Every edge goes
 * forward, so each state is complete when its instruction is reached.
 */
static void pass(struct ctx *c)
{
	struct analyze_work *work = c->w;
	struct analyze_state s;
	bool live = true;
	size_t pc;

	c->nmem = work->nmem;
	memset(c->out, 0, sizeof(*c->out));
	memset(work->slot, 0, c->len * sizeof(work->slot[0]));
	memset(&s, 0, sizeof(s));
	for (pc = 0; pc < c->len; pc++) {
		if (work->slot[pc]) {
			flow_from(c, pc, &s, live);
			live = true;
		}
		if (live)
			live = step(c, pc, &s);
	}
}

/* Scratch words a pass tracks for @prog: none unless it stores. Every
 * entry point sets work->nmem once for the passes it runs. */
static void prepare(const struct sock_filter *prog, size_t len,
		    struct analyze_work *work)
{
	size_t pc;

	work->nmem = 0;
	for (pc = 0; pc < len; pc++) {
		if (BPF_CLASS(prog[pc].code) == BPF_ST ||
		    BPF_CLASS(prog[pc].code) == BPF_STX)
			work->nmem = CBPF_MEMWORDS;
	}
}

static uint32_t count_known(const struct analyze_flow *f)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < ARCH_NR_SPAN / 32; i++)
		n += (uint32_t)__builtin_popcount(f->known[i]);
	return n;
}

/* One pass over [lo, hi] for @n ABIs of one audit arch: all that differs
 * between them is which compared numbers fall in their span. */
static void flow(const struct sock_filter *prog, size_t len,
		 const struct arch_abi *const *abis, size_t n, uint32_t lo,
		 uint32_t hi, struct analyze_work *work,
		 struct analyze_flow *const *out)
{
	struct ctx c = { .prog = prog, .len = len, .audit = abis[0]->audit,
			 .lo = lo, .hi = hi, .w = work, .out = out[0], .nsinks = n };
	size_t i;

	for (i = 0; i < n; i++) {
		memset(out[i]->known, 0, sizeof(out[i]->known));
		c.sink_abi[i] = abis[i];
		c.sink_known[i] = out[i]->known;
	}
	pass(&c);
	for (i = 1; i < n; i++) {
		out[i]->arch_checked = out[0]->arch_checked;
		out[i]->nr_split = out[0]->nr_split;
		out[i]->nr_opaque = out[0]->nr_opaque;
		out[i]->ret_dynamic = out[0]->ret_dynamic;
		out[i]->ret_many = out[0]->ret_many;
		out[i]->ret = out[0]->ret;
	}
	for (i = 0; i < n; i++)
		out[i]->nknown = count_known(out[i]);
}

static bool prove(const struct sock_filter *prog, size_t len,
		  const struct arch_abi *abi, uint32_t lo, uint32_t hi,
		  struct analyze_work *work, uint32_t *ret)
{
	struct analyze_flow f;
	struct ctx c = { .prog = prog, .len = len, .audit = abi->audit, .lo = lo,
			 .hi = hi, .w = work, .out = &f };

	pass(&c);
	if (f.nr_split || f.nr_opaque || f.ret_dynamic || f.ret_many)
		return false;
	*ret = f.ret;
	return true;
}

/* One pass over [lo, hi] for one ABI, from a fresh start. */
static void flow_one(const struct sock_filter *prog, size_t len,
		     const struct arch_abi *abi, uint32_t lo, uint32_t hi,
		     struct analyze_work *work, struct analyze_flow *out)
{
	prepare(prog, len, work);
	flow(prog, len, &abi, 1, lo, hi, work, &out);
}

bool analyze_is_denial(uint32_t ret, uint32_t deny)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: return deny & ANALYZE_DENY_KILL_PROCESS;
	case SECCOMP_RET_KILL_THREAD:  return deny & ANALYZE_DENY_KILL_THREAD;
	case SECCOMP_RET_TRAP:         return deny & ANALYZE_DENY_TRAP;
	case SECCOMP_RET_USER_NOTIF:   return deny & ANALYZE_DENY_USER_NOTIF;
	case SECCOMP_RET_ERRNO:
		return (deny & ANALYZE_DENY_ERRNO) && (ret & SECCOMP_RET_DATA);
	}
	return false;
}

bool analyze_lets_through(const struct sock_filter *prog, size_t len,
			  const struct arch_abi *abi, uint32_t nr,
			  struct analyze_work *work)
{
	struct analyze_flow f;

	flow_one(prog, len, abi, nr, nr, work, &f);
	return !f.ret_dynamic && !f.ret_many && analyze_runs_call(f.ret);
}

bool analyze_answer(const struct sock_filter *prog, size_t len,
		    const struct arch_abi *abi, uint32_t nr,
		    struct analyze_work *work, uint32_t *ret)
{
	struct analyze_flow f;

	flow_one(prog, len, abi, nr, nr, work, &f);
	*ret = f.ret;
	return !f.ret_dynamic && !f.ret_many;
}

bool analyze_runs_call(uint32_t ret)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;

	return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

bool analyze_is_known(const struct analyze_abi *a, uint32_t nr)
{
	uint32_t bit;

	if (nr < a->abi->nr_base || nr > a->abi->nr_last)
		return false;
	bit = nr - a->abi->nr_base;
	return a->flow.known[bit / 32] & (1u << (bit % 32));
}

static uint32_t max_known(const struct analyze_abi *a)
{
	uint32_t w = ARCH_NR_SPAN / 32;

	while (w-- > 0) {
		if (a->flow.known[w])
			return a->abi->nr_base + w * 32 + 31 -
			       (uint32_t)__builtin_clz(a->flow.known[w]);
	}
	return 0;
}

static void verdict(struct analyze_abi *out, enum analyze_verdict v,
		    const char *why)
{
	out->verdict = v;
	out->why = why;
	out->nranges = 0;
}

/* s390 and s390x: nr 0 is a multiplexer, answer ENOSYS if it is denied. */
static void add_nr0(const struct sock_filter *prog, size_t len,
		    const struct analyze_opts *opts, struct analyze_work *work,
		    struct analyze_abi *out)
{
	uint32_t base = out->abi->nr_base, ret;

	if (!out->abi->nr0_mux || analyze_is_known(out, base))
		return;
	if (!prove(prog, len, out->abi, base, base, work, &ret))
		return;
	if (!analyze_is_denial(ret, opts->deny) || ret == opts->stub_ret)
		return;
	memmove(&out->ranges[1], &out->ranges[0],
		out->nranges * sizeof(out->ranges[0]));
	out->ranges[0] = (struct analyze_range){ base, base };
	out->nranges++;
}

/* Everything but ranges[], which is written only as far as nranges. */
static void init_abi(struct analyze_abi *out, const struct arch_abi *abi)
{
	memset(out, 0, offsetof(struct analyze_abi, ranges));
	out->abi = abi;
}

/* The max-known verdict of one ABI, from out->flow (the pass over every
 * number) and one proof. */
static void decide_maxknown(const struct sock_filter *prog, size_t len,
			    const struct analyze_opts *opts,
			    struct analyze_work *work, struct analyze_abi *out)
{
	const struct arch_abi *abi = out->abi;
	uint32_t lo;

	if (out->flow.nr_opaque) {
		verdict(out, ANALYZE_UNSURE,
			"the syscall number is transformed or compared with a non-constant");
		return;
	}
	if (out->flow.nknown == 0) {
		verdict(out, ANALYZE_NO_NUMBERS,
			"the filter compares no syscall number of this ABI");
		return;
	}
	out->has_known = true;
	out->max_known = max_known(out);
	if (out->max_known >= abi->nr_last) {
		verdict(out, ANALYZE_FULL, "no number above the largest known one");
		return;
	}
	lo = out->max_known + 1;
	if (!prove(prog, len, abi, lo, abi->nr_last, work, &out->deflt)) {
		verdict(out, ANALYZE_UNSURE,
			"numbers above the largest known one do not all get one answer");
		return;
	}
	if (!analyze_is_denial(out->deflt, opts->deny)) {
		verdict(out, ANALYZE_PERMISSIVE,
			"the default action is not a denial");
		return;
	}
	if (out->deflt == opts->stub_ret) {
		verdict(out, ANALYZE_ALREADY,
			"the default action already returns the stub's errno");
		return;
	}
	verdict(out, ANALYZE_STUB, "unknown numbers are denied by default");
	out->ranges[0] = (struct analyze_range){ lo, abi->nr_last };
	out->nranges = 1;
	add_nr0(prog, len, opts, work, out);
}

/* What each number below the max-known range is: kept, wanted (newer than
 * the baseline), fallback-safe, or no syscall at all. */
enum { CLS_KEEP, CLS_WANT, CLS_SAFE, CLS_FREE };

static bool wanted(uint8_t cls)
{
	return cls == CLS_WANT || cls == CLS_SAFE;
}

struct kver_ctx {
	const struct sock_filter *prog;
	size_t len;
	const struct analyze_opts *opts;
	struct analyze_work *work;
	struct analyze_abi *out;
	bool full;              /* ranges[] ran out of room */
};

/* The newest release among the table's syscalls the filter compares,
 * 0 if it compares none of them. */
static uint16_t auto_baseline(const struct analyze_abi *a,
			      const struct systab_ent *t, size_t n)
{
	uint16_t b = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].kver > b && analyze_is_known(a, a->abi->nr_base + t[i].nr))
			b = t[i].kver;
	}
	return b;
}

/* Is name offset @name in the ascending list @set? */
static bool in_set(uint16_t name, const uint16_t *set, size_t n)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (set[mid] == name)
			return true;
		if (set[mid] < name)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Class of every number from 0 to @top (relative to the ABI's base);
 * @baseline 0: no syscall is wanted for being new. */
static void classify(const struct analyze_abi *a, const struct systab_ent *t,
		     size_t n, uint16_t baseline, const struct analyze_opts *opts,
		     uint32_t top, uint8_t *cls)
{
	size_t i;

	memset(cls, CLS_FREE, top + 1);
	for (i = 0; i < n && t[i].nr <= top; i++)
		cls[t[i].nr] = baseline && t[i].kver > baseline ? CLS_WANT :
			       in_set(t[i].name, opts->fallback, opts->nfallback) ?
			       CLS_SAFE : CLS_KEEP;
	for (i = 0; i <= top; i++) {
		if (analyze_is_known(a, a->abi->nr_base + (uint32_t)i))
			cls[i] = CLS_KEEP;
	}
	/* An ABI with a base (x32, MIPS) is told apart by "nr >= base". The
	 * analysis does not count that as naming a syscall, but the emulator
	 * (cbpf_run_named(), patch_verify()) does for the base number: it
	 * keeps the filter's answer, never more than one number. */
	if (a->abi->nr_base)
		cls[0] = CLS_KEEP;
}

/* Add [lo, hi] (relative; trimmed to wanted numbers) where the filter is
 * proven to deny all of it; otherwise try both halves. */
static void add_proven(struct kver_ctx *k, uint32_t lo, uint32_t hi)
{
	const uint8_t *cls = k->work->cls;
	struct analyze_abi *out = k->out;
	uint32_t base = out->abi->nr_base, ret, mid;

	while (lo <= hi && !wanted(cls[lo]))
		lo++;
	while (hi > lo && !wanted(cls[hi]))
		hi--;
	if (lo > hi || k->full)
		return;
	if (prove(k->prog, k->len, out->abi, base + lo, base + hi,
		  k->work, &ret)) {
		if (!analyze_is_denial(ret, k->opts->deny) || ret == k->opts->stub_ret)
			return;
		if (out->nranges == ANALYZE_MAX_RANGES) {
			k->full = true;
			return;
		}
		out->ranges[out->nranges++] = (struct analyze_range){ base + lo, base + hi };
		for (; lo <= hi; lo++) {
			out->nadded += cls[lo] == CLS_WANT;
			out->nfallback += cls[lo] == CLS_SAFE;
		}
		return;
	}
	if (lo == hi)
		return;
	mid = lo + (hi - lo) / 2;
	add_proven(k, lo, mid);
	add_proven(k, mid + 1, hi);
}

/* Sort by lo (ranges do not overlap) and join neighbours. */
static void sort_join(struct analyze_abi *out)
{
	size_t i, j, m = 0;

	for (i = 1; i < out->nranges; i++) {
		struct analyze_range t = out->ranges[i];

		for (j = i; j > 0 && out->ranges[j - 1].lo > t.lo; j--)
			out->ranges[j] = out->ranges[j - 1];
		out->ranges[j] = t;
	}
	for (i = 0; i < out->nranges; i++) {
		if (m > 0 && out->ranges[m - 1].hi + 1 == out->ranges[i].lo)
			out->ranges[m - 1].hi = out->ranges[i].hi;
		else
			out->ranges[m++] = out->ranges[i];
	}
	out->nranges = m;
}

bool analyze_by_fallback(const struct analyze_abi *a, const uint16_t *set,
			 size_t n, const struct systab_ent *e)
{
	uint32_t nr = a->abi->nr_base + e->nr;
	size_t i;

	if (a->verdict != ANALYZE_STUB || nr > a->max_known ||
	    !in_set(e->name, set, n) ||
	    (a->strategy == ANALYZE_KERNEL_VERSION && e->kver > a->baseline))
		return false;
	for (i = 0; i < a->nranges; i++) {
		if (a->ranges[i].lo <= nr && nr <= a->ranges[i].hi)
			return true;
	}
	return false;
}

/* Why a filter that needs no stub above its largest known number gets
 * one below it. */
static const char *below_why(const struct analyze_abi *out, enum analyze_verdict v0)
{
	if (v0 == ANALYZE_FULL)
		return out->nadded ? "no number above the largest known one; denied syscalls "
				     "newer than the baseline and fallback-safe ones below it "
				     "get the stub's errno"
				   : "no number above the largest known one; denied "
				     "fallback-safe syscalls below it get the stub's errno";
	return out->nadded ? "unknown numbers already get the stub's errno; denied syscalls "
			     "newer than the baseline and fallback-safe ones below them too"
			   : "unknown numbers already get the stub's errno; denied "
			     "fallback-safe syscalls below them too";
}

/* The reason once the stub is widened. */
static const char *widened_why(const struct analyze_abi *out, bool kv)
{
	if (kv && out->nadded)
		return out->nfallback ? "unknown numbers are denied by default, and "
					"syscalls newer than the baseline and "
					"fallback-safe ones too"
				      : "unknown numbers are denied by default, and "
					"syscalls newer than the baseline too";
	if (out->nfallback)
		return "unknown numbers are denied by default, and fallback-safe "
		       "syscalls too";
	return kv ? "unknown numbers are denied by default; no syscall newer than "
		    "the baseline is missing below them"
		  : out->why;
}

/* Widen a max-known stub decided in @out: kernel-version (syscalls newer
 * than the baseline) and the fallback-safe syscalls, below the largest
 * known number, each range proven denied. */
static void extend(const struct sock_filter *prog, size_t len,
		   const struct analyze_opts *opts, struct analyze_work *work,
		   struct analyze_abi *out)
{
	struct kver_ctx k = { prog, len, opts, work, out, false };
	const struct arch_abi *abi = out->abi;
	bool kv = opts->strategy == ANALYZE_KERNEL_VERSION;
	enum analyze_verdict v0 = out->verdict;
	const char *why0 = out->why;
	struct analyze_range mk[2];
	const struct systab_ent *t;
	size_t n, nmk, i, start;
	uint32_t top, r;

	/* Below the largest known number too when nothing above it needs a
	 * stub: it already answers the stub's errno, or nothing is above */
	t = systab_abi(abi, &n);
	if ((v0 != ANALYZE_STUB && v0 != ANALYZE_ALREADY && v0 != ANALYZE_FULL) || !t)
		return;
	if (kv)
		out->baseline = opts->baseline ? opts->baseline : auto_baseline(out, t, n);
	kv = kv && out->baseline;	/* none of the table compared: max-known */
	if (!kv && !opts->nfallback)
		return;
	nmk = out->nranges;
	memcpy(mk, out->ranges, nmk * sizeof(mk[0]));
	top = (out->max_known < abi->nr_last ? out->max_known : abi->nr_last) - abi->nr_base;
	classify(out, t, n, kv ? out->baseline : 0, opts, top, work->cls);
	out->nranges = 0;
	for (r = 0; r <= top; r++) {
		if (!wanted(work->cls[r]))
			continue;
		for (start = r; r < top && work->cls[r + 1] != CLS_KEEP; r++)
			;
		add_proven(&k, (uint32_t)start, r);
	}
	if (k.full || out->nranges + nmk > ANALYZE_MAX_RANGES) {
		memcpy(out->ranges, mk, nmk * sizeof(mk[0]));
		out->nranges = nmk;
		out->nadded = out->nfallback = 0;
		out->why = v0 != ANALYZE_STUB ? why0 :
			   kv ? "kernel-version needs too many ranges: max-known used"
			      : "fallback-safe syscalls need too many ranges: max-known used";
		return;
	}
	for (i = 0; i < nmk; i++)
		out->ranges[out->nranges++] = mk[i];
	sort_join(out);
	if (kv)
		out->strategy = ANALYZE_KERNEL_VERSION;
	if (v0 == ANALYZE_STUB) {
		out->why = widened_why(out, kv);
	} else if (out->nranges) {
		out->verdict = ANALYZE_STUB;
		out->why = below_why(out, v0);
	}
}

/* One ABI alone, with @strategy: the reference analyze_abis() matches. */
static void one_abi(const struct sock_filter *prog, size_t len,
		    const struct arch_abi *abi, const struct analyze_opts *opts,
		    uint8_t strategy, struct analyze_work *work,
		    struct analyze_abi *out)
{
	struct analyze_flow *f = &out->flow;
	struct analyze_opts o = *opts;

	o.strategy = strategy;
	prepare(prog, len, work);
	init_abi(out, abi);
	flow(prog, len, &abi, 1, 0, UINT32_MAX, work, &f);
	decide_maxknown(prog, len, &o, work, out);
	extend(prog, len, &o, work, out);
}

void analyze_abi_maxknown(const struct sock_filter *prog, size_t len,
			  const struct arch_abi *abi,
			  const struct analyze_opts *opts,
			  struct analyze_work *work, struct analyze_abi *out)
{
	one_abi(prog, len, abi, opts, ANALYZE_MAX_KNOWN, work, out);
}

/*
 * analyze_abi_kver(): decide the kernel-version stub of one ABI (with
 * opts->fallback, analyze_abi_maxknown() adds those syscalls the same way).
 * @prog, @len, @abi, @opts, @work, @out: as for analyze_abi_maxknown()
 *
 * The max-known ranges, plus every syscall of the ABI's table that the
 * filter does not compare, that was added after the baseline (opts->baseline,
 * or with 0 the newest release among the syscalls the filter compares) and
 * that the filter is proven to deny. Numbers that are no syscall of the table
 * may join a range. Falls back to max-known (out->strategy says so) when the
 * ABI has no table, the filter compares no syscall of it, or the ranges would
 * not fit. Fallback-safe syscalls (opts->fallback) are wanted whatever the
 * baseline.
 */
static void analyze_abi_kver(const struct sock_filter *prog, size_t len,
		      const struct arch_abi *abi, const struct analyze_opts *opts,
		      struct analyze_work *work, struct analyze_abi *out)
{
	one_abi(prog, len, abi, opts, ANALYZE_KERNEL_VERSION, work, out);
}

void analyze_abi(const struct sock_filter *prog, size_t len,
		 const struct arch_abi *abi, const struct analyze_opts *opts,
		 struct analyze_work *work, struct analyze_abi *out)
{
	if (opts->strategy == ANALYZE_KERNEL_VERSION)
		analyze_abi_kver(prog, len, abi, opts, work, out);
	else
		analyze_abi_maxknown(prog, len, abi, opts, work, out);
}

void analyze_abis(const struct sock_filter *prog, size_t len,
		  const struct arch_abi *const *abis, size_t nabis,
		  const struct analyze_opts *opts, struct analyze_work *work,
		  struct analyze_abi *out)
{
	const struct arch_abi *grp[MAX_SINKS];
	struct analyze_flow *flows[MAX_SINKS];
	uint32_t done = 0;	/* bit i: abis[i] has its pass */
	size_t i, j, n;

	prepare(prog, len, work);
	for (i = 0; i < nabis; i++)
		init_abi(&out[i], abis[i]);
	for (i = 0; i < nabis; i++) {
		if (done & (1u << i))
			continue;
		for (n = 0, j = i; j < nabis && n < MAX_SINKS; j++) {
			if (done & (1u << j) || abis[j]->audit != abis[i]->audit)
				continue;
			done |= 1u << j;
			grp[n] = abis[j];
			flows[n++] = &out[j].flow;
		}
		flow(prog, len, grp, n, 0, UINT32_MAX, work, flows);
	}
	for (i = 0; i < nabis; i++) {
		decide_maxknown(prog, len, opts, work, &out[i]);
		extend(prog, len, opts, work, &out[i]);
	}
}
