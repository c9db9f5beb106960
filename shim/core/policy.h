/* SPDX-License-Identifier: MIT */
/*
 * policy: what enostub does with one program's filters, and the one step
 * that turns it into patch options. Pure: no system call, no allocation.
 *
 * The configuration (shim/config) fills a struct policy; the library, the
 * command and the tracer all get their patch options from policy_opts(),
 * so each shows exactly what the others do. Every setting's names live in
 * one table here.
 */
#ifndef ENOSTUB_POLICY_H
#define ENOSTUB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>

#include "patch.h"

#define POLICY_MAX_ALLOW    8   /* allow_syscalls entries */
#define POLICY_MAX_FALLBACK 32  /* fallback_safe entries */
#define POLICY_NAME_MAX     16  /* longest name in a table, with its NUL */

enum policy_mode { POLICY_PATCH, POLICY_DRY_RUN, POLICY_OFF };
/* fallback_safe: false, true (the built-in set) or a list of names */
enum policy_fallback { POLICY_FB_NONE, POLICY_FB_BUILTIN, POLICY_FB_LIST };

struct policy {
	uint8_t mode;                   /* enum policy_mode */
	uint8_t strategy;               /* enum analyze_strategy */
	uint16_t err;                   /* errno the stub returns, 1..4095 */
	uint16_t baseline;              /* kernel version major << 8 | minor; 0 = auto */
	uint32_t deny;                  /* enum analyze_deny bits */
	bool rseq_guard;                /* keep clone3 when threads would abort */
	bool translate;                 /* trap and translate (core/translate.h) */
	uint8_t nallow;                 /* allow_syscalls: an opt-in weakening */
	uint16_t allow[POLICY_MAX_ALLOW]; /* numbers in the process's own ABI,
					   * less its nr_base */
	uint8_t fallback;               /* enum policy_fallback */
	uint8_t nfallback;              /* POLICY_FB_LIST: entries of fallback_names */
	uint16_t fallback_names[POLICY_MAX_FALLBACK]; /* name offsets, ascending */
};

/* The built-in policy, as an initializer: patch, max-known, ENOSYS, the
 * default denial set, the built-in fallback-safe set. */
#define POLICY_DEFAULTS { .mode = POLICY_PATCH, .strategy = ANALYZE_MAX_KNOWN, \
	.err = ENOSYS, .deny = ANALYZE_DENY_DEFAULT, .fallback = POLICY_FB_BUILTIN }

/* One table per setting: index = the enum's value (deny: the bit's index). */
extern const char policy_mode_names[3][POLICY_NAME_MAX];
extern const char policy_strategy_names[2][POLICY_NAME_MAX];
extern const char policy_deny_names[5][POLICY_NAME_MAX];

#define POLICY_NAMES(t) (t), (sizeof(t) / sizeof((t)[0]))

/**
 * policy_pick() - the index of @v in a name table.
 * @names, @n: the table (POLICY_NAMES(policy_mode_names))
 * @v:         the name, may be NULL
 *
 * Return: the index, or -1 if @v is not in the table.
 */
int policy_pick(const char (*names)[POLICY_NAME_MAX], size_t n, const char *v);

/**
 * policy_list() - a table's names for a message: "a, b, c".
 * @names, @n: the table
 * @buf, @size: destination, always NUL-terminated
 *
 * Return: @buf.
 */
const char *policy_list(const char (*names)[POLICY_NAME_MAX], size_t n,
			char *buf, size_t size);

/**
 * policy_fallback_set() - the fallback-safe syscalls @p asks for.
 * @p: the policy
 * @n: set to the number of entries
 *
 * Return: name offsets, ascending (NULL with @n 0 for fallback_safe = false).
 */
const uint16_t *policy_fallback_set(const struct policy *p, size_t *n);

/**
 * policy_opts() - the patch options of @p: errno, denial set, strategy,
 * baseline, fallback-safe set, the allow_syscalls numbers, the rseq guard
 * and trap and translate (with slot 0 in the trap data: the library adds
 * its own), for a process whose own ABI is @own.
 * @p:               the policy (its mode is the caller's business)
 * @own:             the process's own ABI (allow_syscalls and rseq are its)
 * @rseq_registered: the process registered rseq at startup (glibc 2.35+),
 *                   so clone3's answer decides whether new threads abort
 * @o:               filled in
 */
void policy_opts(const struct policy *p, const struct arch_abi *own,
		 bool rseq_registered, struct patch_opts *o);

#endif /* ENOSTUB_POLICY_H */
