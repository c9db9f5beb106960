/* SPDX-License-Identifier: MIT */
/*
 * stub: emit the cBPF prologue that answers ERRNO(ENOSYS) for the proven
 * number ranges of each ABI and otherwise falls through to the original
 * filter. Only instructions the kernel's constant-action cache emulator
 * understands are used (LD W ABS of nr/arch, JEQ/JGE/JGT K, JA, RET K,
 * ALU AND K), so the patched filter caches exactly what the original did.
 * Conditional jumps are kept within 255 instructions: long blocks use JA.
 * Few ranges are a chain of compares, more a binary search.
 */
#ifndef ENOSTUB_STUB_H
#define ENOSTUB_STUB_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze.h"

/* From this many ranges on, an arch block is a binary search, not a chain. */
#define STUB_TREE_MIN 3
/* Most ranges that one audit arch (e.g. x86_64 + x32) may gather. */
#define STUB_MAX_GROUP_RANGES (2 * ANALYZE_MAX_RANGES)

/**
 * stub_size() - the length stub_build() would return for these arguments.
 * @abis, @n, @reset_a: as for stub_build()
 *
 * Return: instructions (0 if no ABI needs a stub).
 */
size_t stub_size(const struct analyze_abi *abis, size_t n, bool reset_a);

/**
 * stub_build() - write the stub for every ABI whose verdict is ANALYZE_STUB.
 * @abis:     analysis results (ABIs sharing an audit arch are merged)
 * @n:        number of results
 * @stub_ret: the value returned for stubbed numbers
 * @reset_a:  end with "A &= 0" so the original starts with A == 0
 * @out:      output buffer
 * @cap:      its size in instructions
 *
 * Return: instructions written (0 if no ABI needs a stub), or -ENOSPC if
 * @cap is too small.
 */
int stub_build(const struct analyze_abi *abis, size_t n, uint32_t stub_ret,
	       bool reset_a, struct sock_filter *out, size_t cap);

/**
 * stub_longest_path() - instructions executed on the stub's longest path.
 * @stub: a stub from stub_build() (jumps stay inside it or go to its end)
 * @n:    its length
 *
 * Return: the count, RET or the first instruction after the stub ending a
 * path (that one is not counted); 0 if @n is too large.
 */
size_t stub_longest_path(const struct sock_filter *stub, size_t n);

#endif /* ENOSTUB_STUB_H */
