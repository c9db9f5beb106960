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

static size_t seg_count(size_t m)
{
	return (m + STUB_SEG_RANGES - 1) / STUB_SEG_RANGES;
}

/* Instructions of one arch block: LD nr, then per segment its checks,
 * a hop to the next segment (all but the last), "JA end" and the RET. */
static size_t block_len(size_t m)
{
	size_t segs = seg_count(m);

	return 1 + 2 * m + (segs - 1) + 2 * segs;
}

/* One arch block; @end is where the stub's fall-through paths meet. */
static void emit_block(struct emit *e, const struct analyze_range *r, size_t m,
		       uint32_t stub_ret, size_t end)
{
	size_t s, i, segs = seg_count(m);

	put(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, CBPF_OFF_NR);
	for (s = 0; s < segs; s++) {
		size_t first = s * STUB_SEG_RANGES;
		size_t cnt = m - first < STUB_SEG_RANGES ? m - first : STUB_SEG_RANGES;
		size_t hop = s + 1 < segs ? 1 : 0;

		for (i = 0; i < cnt; i++) {
			/* distance from this pair to OUT and to the RET */
			uint8_t to_out = (uint8_t)(2 * (cnt - i) - 1 + hop);

			put(e, BPF_JMP | BPF_JGE | BPF_K, 0, to_out, r[first + i].lo);
			put(e, BPF_JMP | BPF_JGT | BPF_K, 0, to_out, r[first + i].hi);
		}
		if (hop)
			put(e, BPF_JMP | BPF_JA, 0, 0, 2);
		put(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)(end - e->n - 1));
		put(e, BPF_RET | BPF_K, 0, 0, stub_ret);
	}
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

int stub_build(const struct analyze_abi *abis, size_t n, uint32_t stub_ret,
	       bool reset_a, struct sock_filter *out, size_t cap)
{
	struct emit e = { out, cap, 0, false };
	struct analyze_range r[STUB_MAX_GROUP_RANGES];
	size_t i = 0, m, bl, len = stub_len(abis, n, reset_a);
	size_t join = len - (reset_a ? 1 : 0); /* where every fall-through meets */
	uint32_t audit;

	if (join == 1)
		return 0;
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
