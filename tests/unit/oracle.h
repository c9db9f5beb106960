/* SPDX-License-Identifier: MIT */
/*
 * The product's promise as a judge, shared by the property test and the
 * fuzzer (DESIGN.md, invariants 1 and 3). Header-only, pure, no cmocka:
 * the caller decides how to fail.
 *
 * Never weaker: for one seccomp_data, the patched filter returns what the
 * original returns, except that a denial of a number the filter does not
 * name may become the stub's return value. Which answers count as denials
 * is decided here from the action alone (what the kernel refuses to run),
 * restricted to the kinds the options count, not by asking the analyser.
 */
#ifndef ENOSTUB_ORACLE_H
#define ENOSTUB_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "cbpf.h"
#include "patch.h"
#include "systab.h"
#include "translate.h"

enum oracle_verdict {
	ORACLE_SAME,            /* patched(d) == original(d) */
	ORACLE_STUBBED,         /* a denial of an unnamed number became stub_ret */
	ORACLE_WEAKER,          /* anything else: the promise is broken */
	ORACLE_TRAPPED,         /* an unnamed replacement call of the translation
				 * table that the original kills or traps now
				 * traps for enostub's handler (translate) */
};

/* What one seccomp_data got, for messages. */
struct oracle_case {
	uint32_t orig, patched;
	bool named;             /* the original's path named d->nr */
};

/*
 * May @ret be replaced by the stub? Only what the kernel refuses to run:
 * ERRNO with a non-zero errno, KILL_PROCESS, KILL_THREAD, TRAP, and
 * USER_NOTIF when configured; each only if @deny (enum analyze_deny bits)
 * counts it. ALLOW, LOG, TRACE, ERRNO(0) and unknown actions: never.
 */
static inline bool oracle_may_stub(uint32_t ret, uint32_t deny)
{
	uint32_t kind = 0;

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: kind = ANALYZE_DENY_KILL_PROCESS; break;
	case SECCOMP_RET_KILL_THREAD:  kind = ANALYZE_DENY_KILL_THREAD; break;
	case SECCOMP_RET_TRAP:         kind = ANALYZE_DENY_TRAP; break;
	case SECCOMP_RET_USER_NOTIF:   kind = ANALYZE_DENY_USER_NOTIF; break;
	case SECCOMP_RET_ERRNO:
		if (ret & SECCOMP_RET_DATA)
			kind = ANALYZE_DENY_ERRNO;
		break;
	}
	return (deny & kind) != 0;
}

/* Is (@abi, @nr) the newer call of a rule of the translation table? */
static inline bool oracle_replacement(const struct arch_abi *abi, uint32_t nr)
{
	size_t n, i;
	const struct translate_rule *t = translate_rules(abi, &n);
	const struct systab_ent *e;

	for (i = 0; i < n; i++) {
		e = systab_by_name(abi, t[i].from);
		if (e && abi->nr_base + e->nr == nr)
			return true;
	}
	return false;
}

/* The answers after which the program dies or gets SIGSYS anyway. */
static inline bool oracle_kills_or_traps(uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_KILL_PROCESS || act == SECCOMP_RET_KILL_THREAD ||
	       act == SECCOMP_RET_TRAP;
}

/*
 * Run @orig and @patched on @d and judge the difference. @opts are the
 * options the filter was patched with: the denial set, the stub's return
 * value, and the number left to the filter (keep), which must not change.
 */
static inline enum oracle_verdict
oracle_check(const struct sock_filter *orig, size_t olen,
	     const struct sock_filter *patched, size_t plen,
	     const struct seccomp_data *d, const struct patch_opts *opts,
	     struct oracle_case *c)
{
	c->orig = cbpf_run_named(orig, olen, d, &c->named);
	c->patched = cbpf_run(patched, plen, d);
	if (c->orig == c->patched)
		return ORACLE_SAME;
	if (opts->keep && d->arch == opts->keep_audit &&
	    (uint32_t)d->nr == opts->keep_nr)
		return ORACLE_WEAKER;
	if (opts->translate_abi && c->patched == (SECCOMP_RET_TRAP | opts->trap_data) &&
	    !c->named && d->arch == opts->translate_abi->audit &&
	    oracle_kills_or_traps(c->orig) &&
	    oracle_replacement(opts->translate_abi, (uint32_t)d->nr))
		return ORACLE_TRAPPED;
	if (!oracle_may_stub(c->orig, opts->an.deny) || c->named ||
	    c->patched != opts->an.stub_ret)
		return ORACLE_WEAKER;
	return ORACLE_STUBBED;
}

/*
 * The kernel's seccomp_is_const_allow() (kernel/seccomp.c): is (arch, nr)
 * cached as always allowed when the filter is attached? One loop, one
 * switch; any instruction it does not know means "not cached".
 */
static inline bool oracle_const_allow(const struct sock_filter *p, size_t len,
				      uint32_t arch, uint32_t nr)
{
	uint32_t reg = 0;
	size_t pc;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &p[pc];
		bool taken;

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k != CBPF_OFF_NR && in->k != CBPF_OFF_ARCH)
				return false;
			reg = in->k == CBPF_OFF_NR ? nr : arch;
			break;
		case BPF_RET | BPF_K:
			return in->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			switch (BPF_OP(in->code)) {
			case BPF_JEQ: taken = reg == in->k; break;
			case BPF_JGE: taken = reg >= in->k; break;
			case BPF_JGT: taken = reg > in->k; break;
			default:      taken = (reg & in->k) != 0; break;
			}
			pc += taken ? in->jt : in->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			reg &= in->k;
			break;
		default:
			return false;
		}
	}
	return false;
}

/* patch_filter() with analysis options only: no allow list, no number
 * kept for the filter, no rseq guard. */
static inline int patch_an(const struct sock_filter *prog, size_t len,
			   const struct arch_abi *const *abis, size_t nabis,
			   const struct analyze_opts *an, struct patch_work *work,
			   size_t *out_len)
{
	struct patch_opts po = { .an = *an };

	return patch_filter(prog, len, abis, nabis, &po, work, out_len);
}

#endif /* ENOSTUB_ORACLE_H */
