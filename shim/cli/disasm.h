/* SPDX-License-Identifier: MIT */
/*
 * disasm: seccomp cBPF as text for people: instructions with syscall and
 * architecture names, return values as actions. Pure: output goes to the
 * caller's buffers. Used by the enostub command only.
 */
#ifndef ENOSTUB_DISASM_H
#define ENOSTUB_DISASM_H

#include <stddef.h>
#include <stdint.h>

#include "core/arch.h"
#include "core/cbpf.h"

#define DISASM_LINE_MAX 160

/* What the accumulator holds before an instruction, as far as naming goes. */
enum disasm_a { DISASM_A_OTHER, DISASM_A_ARCH, DISASM_A_NR };

/* Per instruction: the audit arch every path to it has compared equal to
 * seccomp_data.arch (0 if none or several), and what A holds. */
struct disasm_ctx {
	uint32_t arch;
	uint8_t a;        /* enum disasm_a */
};

/**
 * disasm_action() - a return value as text: "ALLOW", "ERRNO(EPERM)",
 * "KILL_PROCESS", "TRAP(5)", "TRACE(1)", "LOG", "USER_NOTIF".
 * @ret: the filter's return value
 * @buf, @size: output
 *
 * Return: @buf.
 */
const char *disasm_action(uint32_t ret, char *buf, size_t size);

/**
 * disasm_context() - what is known at each instruction, for naming.
 * @prog, @len: a validated program
 * @ctx: out, @len entries
 */
void disasm_context(const struct sock_filter *prog, size_t len,
		    struct disasm_ctx *ctx);

/**
 * disasm_insn() - one instruction as text, with a comment naming the
 * syscall compared (for @arch, or for @fallback when @arch is 0 and the
 * filter never checks the architecture), the field loaded, the action
 * returned.
 * @prog: the program; @pc: the instruction
 * @ctx: from disasm_context(); @fallback: ABI to name numbers with when no
 *       arch is known there (the filter never checks it), or NULL
 * @buf, @size: output, without newline
 *
 * Return: @buf.
 */
const char *disasm_insn(const struct sock_filter *prog, size_t pc,
			const struct disasm_ctx *ctx, const struct arch_abi *fallback,
			char *buf, size_t size);

/**
 * disasm_abi_of() - the ABI a number belongs to under an audit arch
 * (x32 for AUDIT_ARCH_X86_64 numbers with bit 30, MIPS by base).
 * Return: the ABI, or NULL.
 */
const struct arch_abi *disasm_abi_of(uint32_t audit, uint32_t nr);

#endif /* ENOSTUB_DISASM_H */
