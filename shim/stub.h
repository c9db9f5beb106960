/* SPDX-License-Identifier: MIT */
/*
 * stub: emit the cBPF prologue that answers ERRNO(ENOSYS) for the proven
 * number ranges of each ABI and otherwise falls through to the original
 * filter. Only instructions the kernel's constant-action cache emulator
 * understands are used (LD W ABS of nr/arch, JEQ/JGE/JGT K, JA, RET K,
 * ALU AND K), so the patched filter caches exactly what the original did.
 * Conditional jumps are kept within 255 instructions: long blocks use JA.
 */
#ifndef ENOSTUB_STUB_H
#define ENOSTUB_STUB_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze.h"

/* Ranges per conditional-jump segment: keeps every jt/jf below 256. */
#define STUB_SEG_RANGES 100
/* Most ranges that one audit arch (e.g. x86_64 + x32) may gather. */
#define STUB_MAX_GROUP_RANGES (2 * ANALYZE_MAX_RANGES)

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

#endif /* ENOSTUB_STUB_H */
