/* SPDX-License-Identifier: MIT */
/*
 * patch: analyse a filter for a set of ABIs and prepend the ENOSYS stub
 * where it is proven to change nothing but denials of unknown numbers.
 * Pure: the caller provides all memory.
 */
#ifndef ENOSTUB_PATCH_H
#define ENOSTUB_PATCH_H

#include "analyze.h"
#include "stub.h"
#include "translate.h"

/* Room for every ABI arch_all() knows. */
#define PATCH_MAX_ABIS 24
/* allow_syscalls numbers the allow block can hold */
#define PATCH_MAX_ALLOW 16

/* What one patch is asked to do (policy_opts() fills it from settings). */
struct patch_opts {
	struct analyze_opts an;   /* denial set, the stub's answer, strategy,
				   * baseline, fallback-safe set */
	/* An opt-in weakening: these numbers of allow_audit are allowed
	 * outright, in front of everything, whatever the filter says. */
	uint32_t allow_audit;
	size_t nallow;
	uint32_t allow[PATCH_MAX_ALLOW];
	/* Leave keep_nr of keep_audit to the filter (never stubbed). */
	bool keep;
	uint32_t keep_audit, keep_nr;
	/* The process registered rseq (glibc 2.35+) in this ABI, its own;
	 * NULL if not, or not known. Then the report says whether new threads
	 * would abort (see patch_threads_abort()) and, with rseq_guard, clone3
	 * is left to the filter in that case. */
	const struct arch_abi *rseq_abi;
	bool rseq_guard;
	/* Trap and translate: in this ABI, the replacement calls of the
	 * translation table that the filter kills or traps without naming
	 * them answer SECCOMP_RET_TRAP | trap_data (NULL: off). */
	const struct arch_abi *translate_abi;
	uint16_t trap_data;
	/* ... and only when made from [ip_lo, ip_hi] (the C library's code in
	 * this process: after exec, in a new image, the original answers);
	 * ip_hi 0: from anywhere. The range must not cross a 4 GiB line. */
	uint64_t ip_lo, ip_hi;
};

struct patch_report {
	size_t orig_len;   /* instructions of the original */
	size_t stub_len;   /* instructions prepended, 0 if none */
	uint8_t strategy;  /* enum analyze_strategy used (max-known if the
			    * other would not fit in 4096 instructions) */
	size_t nallowed;   /* allow_syscalls applied (a weakening) */
	bool narrowed;     /* the stub asked for would not fit in 4096
			    * instructions: plain max-known used */
	const uint16_t *fallback;  /* the fallback-safe set applied (opts') */
	size_t nfallback;
	const char *why;   /* the outcome in a few words, never NULL */
	bool threads;      /* with this patch, threads started through clone
			    * would abort (opts->rseq_abi registered rseq) */
	bool guarded;      /* ... so clone3 was left to the filter (rseq_guard) */
	size_t ntranslated;                 /* calls trapped for translation */
	uint32_t translated[TRANSLATE_MAX]; /* their numbers, ascending */
	uint32_t translated_ret[TRANSLATE_MAX]; /* the original's answer to each */
	size_t nabis;
	struct analyze_abi abi[PATCH_MAX_ABIS];	/* last: few are used */
};

/* Everything one patch needs; about 700 KiB, keep it static. A patch
 * touches little of it (first use faults each page in): the private copy
 * of the original is made where it stays, at the end of buf, and the
 * stub is written just in front of it. */
struct patch_work {
	struct sock_filter *in;   /* after patch_filter(): the private copy */
	struct sock_filter *out;  /* the patched program (the copy if no stub) */
	struct patch_report rep;
	struct analyze_work analysis;	/* scratch memory of the analysis */
	struct sock_filter buf[CBPF_MAX_INSNS];
};

/**
 * patch_filter() - analyse @prog and, where proven safe, prepend the stub.
 * @prog, @len: the original program
 * @abis, @nabis: the ABIs to consider (e.g. arch_native())
 * @opts: what to do (see struct patch_opts)
 * @work: scratch memory; on success work->out points to the patched program
 * @out_len: set to the patched length, or 0 when no stub is needed
 *
 * work->rep tells, per ABI, what was found and why. With opts->nallow,
 * those numbers of opts->allow_audit are allowed in front of everything:
 * the one deliberate exception to the never-weaker promise. With
 * opts->rseq_abi, it tells whether new threads would abort, and with
 * opts->rseq_guard the patch then leaves clone3 to the filter.
 *
 * Return: 0 on success (patched or not), -EINVAL if the kernel would
 * reject @prog, -E2BIG if stub and filter would exceed 4096 instructions.
 */
int patch_filter(const struct sock_filter *prog, size_t len,
		 const struct arch_abi *const *abis, size_t nabis,
		 const struct patch_opts *opts, struct patch_work *work,
		 size_t *out_len);

/**
 * patch_threads_abort() - would the patch make new threads abort?
 * @orig, @olen:       the original program (validated)
 * @patched, @plen:    the patched program
 * @audit:             the process's own audit arch
 * @clone3_nr, @rseq_nr: those syscalls' numbers in that ABI
 *
 * glibc 2.35+ registers rseq in every thread when the main thread did at
 * startup, and aborts ("rseq registration failed") when a new thread's
 * registration is refused. While clone3 is denied, pthread_create() fails
 * cleanly; once the stub answers ENOSYS for clone3, glibc falls back to
 * clone and the new thread aborts if rseq is refused. The caller checks
 * that rseq is registered (__rseq_size > 0).
 *
 * Return: true if the patch changes clone3's answer and rseq is refused.
 */
bool patch_threads_abort(const struct sock_filter *orig, size_t olen,
			 const struct sock_filter *patched, size_t plen,
			 uint32_t audit, uint32_t clone3_nr, uint32_t rseq_nr);

/**
 * patch_verify() - check the never-weaker promise by emulation.
 * @orig, @olen:    the original program (validated)
 * @patched, @plen: the patched program
 * @opts:           the stub's return value, which actions are denials, and
 *                  the allow_syscalls numbers (allowed outright, as asked)
 * @bad:            set to the first input that breaks the promise
 * @checked:        set to the number of (arch, nr) pairs run
 *
 * For every ABI of arch_all(), every number of its span (and 16 beyond)
 * and a few special numbers, with three argument patterns: patched answers
 * what orig answers, or the stub's value where orig refuses a number it
 * does not name, or ALLOW for an allow_syscalls number, or the trap of
 * opts->trap_data for a replacement call of the translation table that
 * orig kills or traps without naming it. Slow (about a second): for
 * offline use.
 *
 * Return: 0 if it holds, -EPERM if not (see @bad), -EINVAL if the kernel
 * would reject @patched.
 */
int patch_verify(const struct sock_filter *orig, size_t olen,
		 const struct sock_filter *patched, size_t plen,
		 const struct patch_opts *opts, struct seccomp_data *bad,
		 unsigned long *checked);

#endif /* ENOSTUB_PATCH_H */
