// SPDX-License-Identifier: MIT
#include "patch.h"
#include "systab.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* Take @nr out of the stub ranges of @a; the filter keeps its verdict. */
static void keep_number(struct analyze_abi *a, uint32_t nr)
{
	size_t i;

	for (i = 0; i < a->nranges; i++) {
		struct analyze_range *r = &a->ranges[i];

		if (nr < r->lo || nr > r->hi)
			continue;
		if (r->lo == r->hi || a->nranges == ANALYZE_MAX_RANGES) {
			/* drop the whole range: fewer ENOSYS, never wrong */
			memmove(r, r + 1, (a->nranges - i - 1) * sizeof(*r));
			a->nranges--;
		} else if (nr == r->lo) {
			r->lo++;
		} else if (nr == r->hi) {
			r->hi--;
		} else {
			memmove(r + 1, r, (a->nranges - i) * sizeof(*r));
			a->nranges++;
			r[0].hi = nr - 1;
			r[1].lo = nr + 1;
		}
		break;
	}
	if (a->nranges == 0) {
		a->verdict = ANALYZE_FULL;
		a->why = "the only number to stub is left to the filter";
	}
}

/* Syscalls the allow block lists: at most PATCH_MAX_ALLOW. */
static size_t allow_count(const struct patch_opts *o)
{
	return o->nallow < PATCH_MAX_ALLOW ? o->nallow : PATCH_MAX_ALLOW;
}

/* Instructions list_block() writes for @n numbers (0 without any). */
static size_t list_len(size_t n, bool reset_a)
{
	return n ? 5 + n + (reset_a ? 1 : 0) : 0;
}

/*
 * "LD arch; JEQ audit; LD nr; JEQ n -> RET @ret ...", in front of the
 * stub: cache-friendly. allow_syscalls (RET ALLOW, a deliberate
 * weakening) and trap and translate (RET TRAP with enostub's data).
 */
static void list_block(uint32_t audit, const uint32_t *nrs, size_t n, uint32_t ret,
		       bool reset_a, struct sock_filter *out)
{
	size_t i;

	if (n == 0)
		return;
	out[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_ARCH);
	out[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, audit,
					      0, (uint8_t)(3 + n));
	out[2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_NR);
	for (i = 0; i < n; i++)
		out[3 + i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							  nrs[i], (uint8_t)(n - i), 0);
	out[3 + n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0);
	out[4 + n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret);
	if (reset_a)
		out[5 + n] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0);
}

/* Instructions trap_block() writes for @n calls (0 without any). */
static size_t trap_len(size_t n, bool ip, bool reset_a)
{
	return n ? 4 + n + (ip ? 5 : 0) + 1 + (reset_a ? 1 : 0) : 0;
}

/*
 * Trap and translate: "LD arch; JEQ audit; LD nr; JEQ n -> [IP in the C
 * library's code ->] RET TRAP|data", else on to the stub.
 */
static void trap_block(const struct patch_opts *o, const uint32_t *nrs, size_t n,
		       bool reset_a, struct sock_filter *out)
{
	bool ip = o->ip_hi != 0;
	size_t len = trap_len(n, ip, reset_a), skip = len - (reset_a ? 1 : 0), i, k;

	if (n == 0)
		return;
	out[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_ARCH);
	out[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      o->translate_abi->audit, 0, (uint8_t)(skip - 2));
	out[2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_NR);
	for (i = 0; i < n; i++)		/* to the instruction after the JA */
		out[3 + i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							  nrs[i], (uint8_t)(n - i), 0);
	k = 3 + n;
	out[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)(skip - k - 1), 0, 0);
	k++;
	if (ip) {
		out[k] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      CBPF_OFF_IP + 4);
		out[k + 1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			(uint32_t)(o->ip_lo >> 32), 0, (uint8_t)(skip - k - 2));
		out[k + 2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_IP);
		out[k + 3] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
			(uint32_t)o->ip_lo, 0, (uint8_t)(skip - k - 4));
		out[k + 4] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
			(uint32_t)o->ip_hi, (uint8_t)(skip - k - 5), 0);
		k += 5;
	}
	out[k] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | o->trap_data);
	if (reset_a)
		out[k + 1] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0);
}

/* The calls to trap for translation, in rep (opts->translate_abi). */
static void pick_translated(size_t len, const struct arch_abi *const *abis, size_t nabis,
			    const struct patch_opts *opts, struct patch_work *work)
{
	struct patch_report *rep = &work->rep;
	size_t i;

	rep->ntranslated = 0;
	for (i = 0; opts->translate_abi && i < nabis; i++) {
		if (abis[i] != opts->translate_abi)
			continue;
		rep->ntranslated = translate_candidates(work->in, len, &rep->abi[i],
							&work->analysis, rep->translated,
							rep->translated_ret);
		break;
	}
}

/* Analyse every ABI with @strategy and write the stub in front of work->in.
 * Return: stub length (0 if none), or -E2BIG if it does not fit. */
static int build(size_t len, const struct arch_abi *const *abis, size_t nabis,
		 const struct patch_opts *opts, uint8_t strategy,
		 struct patch_work *work)
{
	struct patch_report *rep = &work->rep;
	struct analyze_opts o = opts->an;
	bool reset_a;
	size_t i, ab, tb, ns;

	o.strategy = strategy;
	analyze_abis(work->in, len, abis, nabis, &o, &work->analysis, rep->abi);
	for (i = 0; i < nabis; i++) {
		if (opts->keep && rep->abi[i].verdict == ANALYZE_STUB &&
		    abis[i]->audit == opts->keep_audit)
			keep_number(&rep->abi[i], opts->keep_nr);
	}
	rep->nabis = nabis;
	rep->strategy = strategy;
	/* The kernel starts a filter with A == 0; restore it unless the
	 * original's first instruction loads A anyway. Without a stub, the
	 * original follows the allow block directly. */
	reset_a = BPF_CLASS(work->in[0].code) != BPF_LD;
	pick_translated(len, abis, nabis, opts, work);
	ns = stub_size(rep->abi, nabis, reset_a);
	tb = trap_len(rep->ntranslated, opts->ip_hi != 0, ns == 0 && reset_a);
	ab = list_len(allow_count(opts), tb == 0 && ns == 0 && reset_a);
	if (ab + tb + ns + len > CBPF_MAX_INSNS)
		return -E2BIG;
	work->out = work->in - ab - tb - ns;
	list_block(opts->allow_audit, opts->allow, allow_count(opts), SECCOMP_RET_ALLOW,
		   tb == 0 && ns == 0 && reset_a, work->out);
	trap_block(opts, rep->translated, rep->ntranslated, ns == 0 && reset_a,
		   work->out + ab);
	if (stub_build(rep->abi, nabis, opts->an.stub_ret, reset_a, work->out + ab + tb,
		       ns) != (int)ns)
		return -E2BIG;
	rep->nallowed = ab ? allow_count(opts) : 0;
	return (int)(ab + tb + ns);
}

/* A report with nothing in it yet, for one pass of patch_filter(). */
static void report_reset(struct patch_report *rep, const struct patch_opts *opts, size_t len)
{
	memset(rep, 0, offsetof(struct patch_report, abi));
	rep->orig_len = len;
	rep->fallback = opts->an.fallback;
	rep->nfallback = opts->an.nfallback;
	rep->strategy = opts->an.strategy;
}

/* One patch with @opts as they are (no rseq guard), its report reset
 * (report_reset()). Sets *out_len only when it patches. */
static int patch_once(size_t len, const struct arch_abi *const *abis, size_t nabis,
		      const struct patch_opts *opts, struct patch_work *work,
		      size_t *out_len)
{
	struct patch_report *rep = &work->rep;
	int n;

	n = build(len, abis, nabis, opts, opts->an.strategy, work);
	if (n == -E2BIG && (opts->an.strategy != ANALYZE_MAX_KNOWN || opts->an.nfallback)) {
		struct patch_opts plain = *opts;

		plain.an.nfallback = 0;	/* max-known alone: the smallest stub */
		n = build(len, abis, nabis, &plain, ANALYZE_MAX_KNOWN, work);
		rep->narrowed = true;
		rep->nfallback = 0;
	}
	if (n == 0) {
		work->out = work->in;
		rep->why = "no ABI needs a stub";
		return 0;
	}
	if (n < 0) {
		rep->why = "stub and filter would exceed 4096 instructions";
		return -E2BIG;
	}
	rep->stub_len = (size_t)n;
	rep->why = !rep->narrowed ? "patched" :
		   opts->an.strategy != ANALYZE_MAX_KNOWN ?
		   "patched with max-known: kernel-version would exceed 4096 instructions" :
		   "patched with plain max-known: fallback-safe syscalls would exceed "
		   "4096 instructions";
	*out_len = (size_t)n + len;
	return 0;
}

/* Would new threads abort with the patch in work->out? (opts->rseq_abi) */
static bool threads_abort(size_t len, size_t out_len, const struct patch_opts *opts,
			  const struct patch_work *work)
{
	const struct arch_abi *abi = opts->rseq_abi;
	const struct systab_ent *clone3, *rseq;

	if (!abi || !out_len)
		return false;
	clone3 = systab_by_name(abi, "clone3");
	rseq = systab_by_name(abi, "rseq");
	return clone3 && rseq &&
	       patch_threads_abort(work->in, len, work->out, out_len, abi->audit,
				   abi->nr_base + clone3->nr, abi->nr_base + rseq->nr);
}

int patch_filter(const struct sock_filter *prog, size_t len,
		 const struct arch_abi *const *abis, size_t nabis,
		 const struct patch_opts *opts, struct patch_work *work,
		 size_t *out_len)
{
	struct patch_report *rep = &work->rep;
	struct patch_opts guard;
	int rc;

	*out_len = 0;
	report_reset(rep, opts, len);
	work->in = work->out = work->buf;
	if (len == 0 || len > CBPF_MAX_INSNS || nabis > PATCH_MAX_ABIS) {
		rep->why = "invalid program length";
		return -EINVAL;
	}
	/* Work on a private copy: the caller's memory may change under us. */
	work->in = work->out = work->buf + CBPF_MAX_INSNS - len;
	memcpy(work->in, prog, len * sizeof(*prog));
	if (cbpf_validate(work->in, len)) {
		rep->why = "the kernel would reject this program";
		return -EINVAL;
	}
	rc = patch_once(len, abis, nabis, opts, work, out_len);
	rep->threads = rc == 0 && threads_abort(len, *out_len, opts, work);
	if (!rep->threads || !opts->rseq_guard)
		return rc;
	/* pthread_create keeps failing cleanly instead of aborting in the
	 * new thread (see README, "rseq") */
	guard = *opts;
	guard.keep = true;
	guard.keep_audit = opts->rseq_abi->audit;
	guard.keep_nr = opts->rseq_abi->nr_base + systab_by_name(opts->rseq_abi, "clone3")->nr;
	*out_len = 0;
	report_reset(rep, &guard, len);
	rc = patch_once(len, abis, nabis, &guard, work, out_len);
	rep->threads = rep->guarded = true;
	return rc;
}

bool patch_threads_abort(const struct sock_filter *orig, size_t olen,
			 const struct sock_filter *patched, size_t plen,
			 uint32_t audit, uint32_t clone3_nr, uint32_t rseq_nr)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.arch = audit;
	d.nr = (int)clone3_nr;
	if (cbpf_run(orig, olen, &d) == cbpf_run(patched, plen, &d))
		return false;	/* thread creation fails or works as before */
	d.nr = (int)rseq_nr;
	return !analyze_runs_call(cbpf_run(patched, plen, &d));
}

/* Is @d a replacement call of the translation table, trapped for it? */
static bool trapped(const struct patch_opts *opts, const struct seccomp_data *d,
		    uint32_t orig, uint32_t patched, bool named)
{
	return opts->translate_abi && !named && d->arch == opts->translate_abi->audit &&
	       patched == (SECCOMP_RET_TRAP | opts->trap_data) && translate_kills(orig) &&
	       translate_replaces(opts->translate_abi, (uint32_t)d->nr);
}

/* Is @d a number allow_syscalls allows outright? */
static bool allowed(const struct patch_opts *opts, const struct seccomp_data *d)
{
	size_t i;

	for (i = 0; i < allow_count(opts); i++)
		if (d->arch == opts->allow_audit && (uint32_t)d->nr == opts->allow[i])
			return true;
	return false;
}

static bool verify_one(const struct sock_filter *orig, size_t olen,
		       const struct sock_filter *patched, size_t plen,
		       const struct patch_opts *opts, struct seccomp_data *d)
{
	static const uint64_t args[] = { 0, ~0ULL, 0x0000000100000002ULL };
	size_t i, j, k;
	bool named;

	if (allowed(opts, d))
		return cbpf_run(patched, plen, d) == SECCOMP_RET_ALLOW;
	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		for (k = 0; k < (opts->ip_hi ? 2u : 1u); k++) {
			uint32_t o, p;

			for (j = 0; j < 6; j++)
				d->args[j] = args[i] ^ j;
			/* and from the C library's code, where a trap may be */
			d->instruction_pointer = k ? opts->ip_lo : args[i];
			o = cbpf_run_named(orig, olen, d, &named);
			p = cbpf_run(patched, plen, d);
			if (o != p && !trapped(opts, d, o, p, named) &&
			    (named || p != opts->an.stub_ret ||
			     !analyze_is_denial(o, opts->an.deny)))
				return false;
		}
	}
	return true;
}

int patch_verify(const struct sock_filter *orig, size_t olen,
		 const struct sock_filter *patched, size_t plen,
		 const struct patch_opts *opts, struct seccomp_data *bad,
		 unsigned long *checked)
{
	static const uint32_t special[] = { 0x40000000u - 1, 0x7fffffff, 0x80000000u,
					    0xffffffffu, 0x0f0000, 0x0f0005 };
	const struct arch_abi *all;
	size_t n, i;
	uint32_t nr;

	*checked = 0;
	if (cbpf_validate(patched, plen))
		return -EINVAL;
	all = arch_all(&n);
	for (i = 0; i < n; i++) {
		memset(bad, 0, sizeof(*bad));
		bad->arch = all[i].audit;
		for (nr = all[i].nr_base; nr <= all[i].nr_last + 16; nr++) {
			bad->nr = (int)nr;
			++*checked;
			if (!verify_one(orig, olen, patched, plen, opts, bad))
				return -EPERM;
		}
		for (nr = 0; nr < sizeof(special) / sizeof(special[0]); nr++) {
			bad->nr = (int)special[nr];
			++*checked;
			if (!verify_one(orig, olen, patched, plen, opts, bad))
				return -EPERM;
		}
	}
	return 0;
}
