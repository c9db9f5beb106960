// SPDX-License-Identifier: MIT
#include "stub.h"

#include <errno.h>

struct emit {
	struct sock_filter *out;
	size_t cap, n;
	bool overflow;
};

static void put(struct emit *e, uint16_t code, uint8_t jt, uint8_t jf,
		uint32_t k)
{
	if (e->n >= e->cap) {
		e->overflow = true;
		return;
	}
	e->out[e->n++] = (struct sock_filter){ code, jt, jf, k };
}

/* Gather and sort the ranges of every stubbed ABI with this audit arch. */
static size_t gather(const struct analyze_abi *abis, size_t n, uint32_t audit,
		     struct analyze_range *r)
{
	size_t i, j, m = 0;

	for (i = 0; i < n; i++) {
		if (abis[i].verdict != ANALYZE_STUB || abis[i].abi->audit != audit)
			continue;
		for (j = 0; j < abis[i].nranges && m < STUB_MAX_GROUP_RANGES; j++)
			r[m++] = abis[i].ranges[j];
	}
	for (i = 1; i < m; i++) {  /* insertion sort: a handful of ranges */
		struct analyze_range t = r[i];

		for (j = i; j > 0 && r[j - 1].lo > t.lo; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
	return m;
}

/*
 * An arch block starts with "LD nr". A few ranges are checked in a chain:
 * per range "JGE lo" and "JGT hi", then "JA end" and the RET. More ranges
 * become a binary search: the 2m range bounds split the numbers into 2m + 1
 * intervals, odd ones stubbed; each node is "JGE bound", the leaves are the
 * RET or "JA end". A left subtree beyond a conditional jump's reach (255) is
 * skipped with an extra JA.
 */
static bool use_tree(size_t m)
{
	return m >= STUB_TREE_MIN;
}

/* Bound i of the sorted ranges: lo of range i/2, or one past its hi. */
static uint32_t bound(const struct analyze_range *r, size_t i)
{
	return i % 2 ? r[i / 2].hi + 1 : r[i / 2].lo;
}

/* Instructions of the subtree deciding intervals l..h. */
static size_t tree_len(size_t l, size_t h)
{
	size_t mid = (l + h) / 2, left, right;

	if (l == h)
		return 1;
	left = tree_len(l, mid);
	right = tree_len(mid + 1, h);
	return 1 + (left > 255 ? 1 : 0) + left + right;
}

static void emit_tree(struct emit *e, const struct analyze_range *r, size_t l,
		      size_t h, uint32_t stub_ret, size_t end)
{
	size_t mid = (l + h) / 2, left;

	if (l == h) {
		if (l % 2)
			put(e, BPF_RET | BPF_K, 0, 0, stub_ret);
		else
			put(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)(end - e->n - 1));
		return;
	}
	left = tree_len(l, mid);
	if (left <= 255) {
		put(e, BPF_JMP | BPF_JGE | BPF_K, (uint8_t)left, 0, bound(r, mid));
	} else {
		put(e, BPF_JMP | BPF_JGE | BPF_K, 0, 1, bound(r, mid));
		put(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)left);
	}
	emit_tree(e, r, l, mid, stub_ret, end);
	emit_tree(e, r, mid + 1, h, stub_ret, end);
}

static size_t block_len(size_t m)
{
	return 1 + (use_tree(m) ? tree_len(0, 2 * m) : 2 * m + 2);
}

/* One arch block; @end is where the stub's fall-through paths meet. */
static void emit_block(struct emit *e, const struct analyze_range *r, size_t m,
		       uint32_t stub_ret, size_t end)
{
	size_t i;

	put(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, CBPF_OFF_NR);
	if (use_tree(m)) {
		emit_tree(e, r, 0, 2 * m, stub_ret, end);
		return;
	}
	for (i = 0; i < m; i++) {
		/* from the JGE this lands on "JA end", from the JGT on the RET */
		uint8_t to_out = (uint8_t)(2 * (m - i) - 1);

		put(e, BPF_JMP | BPF_JGE | BPF_K, 0, to_out, r[i].lo);
		put(e, BPF_JMP | BPF_JGT | BPF_K, 0, to_out, r[i].hi);
	}
	put(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)(end - e->n - 1));
	put(e, BPF_RET | BPF_K, 0, 0, stub_ret);
}

static bool audit_seen(const struct analyze_abi *abis, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++) {
		if (abis[j].verdict == ANALYZE_STUB &&
		    abis[j].abi->audit == abis[i].abi->audit)
			return true;
	}
	return false;
}

/* From *@i on, the next audit arch with stubbed ranges: gather them into
 * @r and return how many; 0 when there is none left. */
static size_t next_group(const struct analyze_abi *abis, size_t n, size_t *i,
			 struct analyze_range *r, uint32_t *audit)
{
	size_t m;

	for (; *i < n; (*i)++) {
		if (abis[*i].verdict != ANALYZE_STUB || audit_seen(abis, *i))
			continue;
		*audit = abis[*i].abi->audit;
		m = gather(abis, n, *audit, r);
		if (m) {
			(*i)++;
			return m;
		}
	}
	return 0;
}

/* Total stub length, so that "JA end" offsets are known while emitting. */
static size_t stub_len(const struct analyze_abi *abis, size_t n, bool reset_a)
{
	struct analyze_range r[STUB_MAX_GROUP_RANGES];
	size_t i = 0, len = 1 + (reset_a ? 1 : 0), m, bl;
	uint32_t audit;

	while ((m = next_group(abis, n, &i, r, &audit))) {
		bl = block_len(m);
		len += bl + (bl > 255 ? 2 : 1);
	}
	return len;
}

size_t stub_size(const struct analyze_abi *abis, size_t n, bool reset_a)
{
	size_t len = stub_len(abis, n, reset_a);

	return len - (reset_a ? 1 : 0) == 1 ? 0 : len;
}

int stub_build(const struct analyze_abi *abis, size_t n, uint32_t stub_ret,
	       bool reset_a, struct sock_filter *out, size_t cap)
{
	struct emit e = { out, cap, 0, false };
	struct analyze_range r[STUB_MAX_GROUP_RANGES];
	size_t i = 0, m, bl, len = stub_size(abis, n, reset_a);
	size_t join = len - (reset_a ? 1 : 0); /* where every fall-through meets */
	uint32_t audit;

	if (len == 0)
		return 0;	/* no ABI needs a stub */
	if (len > cap)
		return -ENOSPC;
	put(&e, BPF_LD | BPF_W | BPF_ABS, 0, 0, CBPF_OFF_ARCH);
	while ((m = next_group(abis, n, &i, r, &audit))) {
		bl = block_len(m);
		if (bl <= 255) {
			put(&e, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)bl, audit);
		} else {
			put(&e, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, audit);
			put(&e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)bl);
		}
		emit_block(&e, r, m, stub_ret, join);
	}
	if (reset_a)
		put(&e, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0);
	return e.overflow ? -ENOSPC : (int)e.n;
}

size_t stub_longest_path(const struct sock_filter *stub, size_t n)
{
	/* cBPF only jumps forward: the longest path to each instruction, in
	 * one pass; the stub is left by falling or jumping to n. */
	size_t depth[CBPF_MAX_INSNS + 1] = { 0 }, pc, best = 0;

	if (n > CBPF_MAX_INSNS)
		return 0;
	depth[0] = 1;
	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *in = &stub[pc];
		size_t d = depth[pc], t[2], i, nt = 0;

		if (!d)
			continue;
		if (BPF_CLASS(in->code) == BPF_RET) {
			best = d > best ? d : best;
			continue;
		}
		if (BPF_CLASS(in->code) != BPF_JMP)
			t[nt++] = pc + 1;
		else if (BPF_OP(in->code) == BPF_JA)
			t[nt++] = pc + 1 + in->k;
		else {
			t[nt++] = pc + 1 + in->jt;
			t[nt++] = pc + 1 + in->jf;
		}
		for (i = 0; i < nt; i++) {
			size_t to = t[i] < n ? t[i] : n;
			size_t dd = t[i] < n ? d + 1 : d;

			if (depth[to] < dd)
				depth[to] = dd;
		}
	}
	return depth[n] > best ? depth[n] : best;
}
