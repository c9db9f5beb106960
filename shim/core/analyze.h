/* SPDX-License-Identifier: MIT */
/*
 * analyze: what a raw seccomp cBPF filter does with syscall numbers, per ABI.
 * Pure: the caller provides all memory (struct analyze_work), nothing is
 * allocated, no I/O, no globals.
 *
 * The engine is a forward data-flow pass over the program (cBPF only jumps
 * forward, so one pass in instruction order reaches a fixed point). The
 * architecture is fixed, the syscall number is an interval [lo, hi], argument
 * and instruction-pointer words are unknown. A branch on the number that does
 * not go the same way for the whole interval, or any other use of the number
 * than comparing it with a constant, is reported; the caller then decides
 * nothing for that ABI.
 */
#ifndef ENOSTUB_ANALYZE_H
#define ENOSTUB_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "cbpf.h"
#include "systab.h"

/* Which default actions count as denials (bit set = may be stubbed). */
enum analyze_deny {
	ANALYZE_DENY_ERRNO = 1u << 0,
	ANALYZE_DENY_KILL_PROCESS = 1u << 1,
	ANALYZE_DENY_KILL_THREAD = 1u << 2,
	ANALYZE_DENY_TRAP = 1u << 3,
	ANALYZE_DENY_USER_NOTIF = 1u << 4,
};
#define ANALYZE_DENY_DEFAULT (ANALYZE_DENY_ERRNO | ANALYZE_DENY_KILL_PROCESS | \
			      ANALYZE_DENY_KILL_THREAD | ANALYZE_DENY_TRAP)

/* How the numbers to stub are chosen. */
enum analyze_strategy {
	ANALYZE_MAX_KNOWN = 0,  /* numbers above the largest known one (runc's) */
	ANALYZE_KERNEL_VERSION, /* also syscalls newer than the baseline */
};

/* Most number ranges one ABI's stub may hold. The corpus and libseccomp's
 * filters need at most 13 with kernel-version and baseline 3.0; a filter
 * that needs more falls back to max-known. Small, so that a report of
 * three ABIs fits in one page. */
#define ANALYZE_MAX_RANGES 64

/* Why an ABI gets a stub, or why not. */
enum analyze_verdict {
	ANALYZE_STUB = 0,       /* ranges[] proved: denial -> ENOSYS there */
	ANALYZE_NO_NUMBERS,     /* the filter never compares a number of this ABI */
	ANALYZE_FULL,           /* every number of the ABI's span is known */
	ANALYZE_PERMISSIVE,     /* default is not a denial (ALLOW, LOG, TRACE, ...) */
	ANALYZE_ALREADY,        /* default already returns the stub's errno */
	ANALYZE_UNSURE,         /* the number is used in a way not proven safe */
};

struct analyze_range {
	uint32_t lo, hi;        /* inclusive */
};

/* Facts of one data-flow pass, for one ABI and one number interval. */
struct analyze_flow {
	uint32_t known[ARCH_NR_SPAN / 32]; /* numbers compared, bit (nr - base) */
	uint32_t nknown;                  /* popcount of known[] */
	bool arch_checked;                /* the filter compared seccomp_data.arch */
	bool nr_split;                    /* a compare split [lo, hi] */
	bool nr_opaque;                   /* the number was used otherwise */
	bool ret_dynamic;                 /* RET A with an unknown A was reached */
	bool ret_many;                    /* more than one return value reached */
	uint32_t ret;                     /* the (first) return value reached */
};

struct analyze_abi {
	const struct arch_abi *abi;
	enum analyze_verdict verdict;
	const char *why;                  /* one line for humans, never NULL */
	struct analyze_flow flow;         /* the pass over every number */
	bool has_known;
	uint32_t max_known;               /* largest known number (absolute) */
	uint32_t deflt;                   /* default action for unknown numbers */
	uint8_t strategy;                 /* enum analyze_strategy applied */
	uint16_t baseline;                /* kernel-version: release used */
	uint32_t nadded;                  /* kernel-version: syscalls added below max_known */
	uint32_t nfallback;               /* fallback-safe syscalls added below max_known
					   * (not counted in nadded) */
	size_t nranges;
	/* last: only the first nranges entries are ever written, so a
	 * report touches little memory (first use faults pages in) */
	struct analyze_range ranges[ANALYZE_MAX_RANGES];
};

struct analyze_opts {
	uint32_t deny;                    /* enum analyze_deny bits */
	uint32_t stub_ret;                /* what the stub returns, e.g. ERRNO(ENOSYS) */
	uint8_t strategy;                 /* enum analyze_strategy */
	uint16_t baseline;                /* kernel-version: major << 8 | minor, 0 = auto */
	/* Fallback-safe syscalls (name offsets, systab_ent.name, ascending):
	 * under either strategy, those the filter does not compare and is
	 * proven to deny answer the stub's value too. */
	size_t nfallback;
	const uint16_t *fallback;
};

/* Abstract value of a register or scratch word. */
struct analyze_val {
	uint32_t v;
	uint8_t kind;
};

/* Working memory of one pass; about 600 KiB, so callers keep it static.
 * A state is stored only where a jump lands (a few dozen places in a
 * libseccomp filter). State k lives at index ANALYZE_STATES - 1 - k, so
 * the states in use, nmem and the slots in use are one run of a few KiB:
 * first use faults each page in, and one page is cheaper than three. */
#define ANALYZE_STATES CBPF_MAX_INSNS
struct analyze_work {
	uint8_t cls[ARCH_NR_SPAN];        /* kernel-version: class of each number */
	struct analyze_val mem[ANALYZE_STATES][CBPF_MEMWORDS]; /* scratch words */
	struct analyze_val reg[ANALYZE_STATES][2];             /* A, X */
	size_t nmem;                      /* scratch words tracked (0: no stores) */
	uint16_t slot[CBPF_MAX_INSNS];    /* jump target pc: 1 + its state's k */
};

/**
 * analyze_abi_maxknown() - decide the max-known stub of one ABI.
 * @prog, @len: a validated program
 * @abi:  the ABI
 * @opts: which defaults are denials, the stub's return value, and the
 *        fallback-safe syscalls to add below the largest known number
 * @work: scratch memory
 * @out:  verdict, reason, known numbers, default and ranges
 */
void analyze_abi_maxknown(const struct sock_filter *prog, size_t len,
			  const struct arch_abi *abi,
			  const struct analyze_opts *opts,
			  struct analyze_work *work, struct analyze_abi *out);

/**
 * analyze_abi() - analyze_abi_maxknown() or the kernel-version analysis, as
 * opts->strategy says.
 */
void analyze_abi(const struct sock_filter *prog, size_t len,
		 const struct arch_abi *abi, const struct analyze_opts *opts,
		 struct analyze_work *work, struct analyze_abi *out);

/**
 * analyze_abis() - analyze_abi() for @nabis ABIs at once (at most 32).
 * @prog, @len, @opts, @work: as for analyze_abi()
 * @abis, @nabis: the ABIs
 * @out:  one result per ABI, in the same order
 *
 * The same results as analyze_abi() on each, with one pass over every number
 * for all ABIs of one audit arch (x86_64 and x32) instead of one each.
 */
void analyze_abis(const struct sock_filter *prog, size_t len,
		  const struct arch_abi *const *abis, size_t nabis,
		  const struct analyze_opts *opts, struct analyze_work *work,
		  struct analyze_abi *out);

/**
 * analyze_is_denial() - may the stub replace this return value?
 * @ret:  a filter return value
 * @deny: enum analyze_deny bits
 *
 * Return: true for ERRNO (errno > 0), KILL_PROCESS, KILL_THREAD, TRAP and
 * USER_NOTIF, each only when @deny counts it.
 */
bool analyze_is_denial(uint32_t ret, uint32_t deny);

/**
 * analyze_runs_call() - does this filter answer run the system call?
 * @ret: a filter return value
 *
 * Return: true for ALLOW and LOG (the answers that run the call and raise
 * nothing), false for every other action.
 */
bool analyze_runs_call(uint32_t ret);

/**
 * analyze_lets_through() - does the program let one syscall through,
 * whatever its arguments and instruction pointer?
 * @prog, @len: a validated program
 * @abi:  the ABI the call is made with (its audit arch)
 * @nr:   the absolute syscall number
 * @work: scratch memory
 *
 * Return: true only if every path the call can take returns ALLOW or LOG
 * (the only answers that run the call and raise nothing); false when it
 * may be refused, trapped, killed, traced or notified, or cannot be told.
 */
bool analyze_lets_through(const struct sock_filter *prog, size_t len,
			  const struct arch_abi *abi, uint32_t nr,
			  struct analyze_work *work);

/**
 * analyze_answer() - the one answer the program gives a syscall, whatever
 * its arguments and instruction pointer.
 * @prog, @len, @abi, @nr, @work: as for analyze_lets_through()
 * @ret:  set to that answer
 *
 * Return: true if every path the call can take returns the same constant;
 * false when the answer depends on the arguments or cannot be told.
 */
bool analyze_answer(const struct sock_filter *prog, size_t len,
		    const struct arch_abi *abi, uint32_t nr,
		    struct analyze_work *work, uint32_t *ret);

/**
 * analyze_by_fallback() - does the stub answer syscall @e of a->abi
 * through the fallback-safe rule (not for being above the largest known
 * number, nor newer than a kernel-version baseline)?
 * @a:    a result of analyze_abi() (verdict ANALYZE_STUB)
 * @set, @n: the fallback-safe name offsets it was decided with, ascending
 * @e:    an entry of a->abi's table
 *
 * Return: true if so.
 */
bool analyze_by_fallback(const struct analyze_abi *a, const uint16_t *set,
			 size_t n, const struct systab_ent *e);

/**
 * analyze_is_known() - was @nr compared by the filter for this ABI?
 * @a:  a result of analyze_abi_maxknown()
 * @nr: absolute syscall number
 *
 * Return: true if the filter compares @nr, false otherwise or out of span.
 */
bool analyze_is_known(const struct analyze_abi *a, uint32_t nr);

#endif /* ENOSTUB_ANALYZE_H */
