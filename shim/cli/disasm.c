// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "disasm.h"

#include <stdio.h>
#include <string.h>

#include "core/systab.h"

const char *disasm_action(uint32_t ret, char *buf, size_t size)
{
	uint32_t data = ret & SECCOMP_RET_DATA;
	const char *e;

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: snprintf(buf, size, "KILL_PROCESS"); break;
	case SECCOMP_RET_KILL_THREAD:  snprintf(buf, size, "KILL_THREAD"); break;
	case SECCOMP_RET_TRAP:   snprintf(buf, size, "TRAP(%u)", data); break;
	case SECCOMP_RET_TRACE:  snprintf(buf, size, "TRACE(%u)", data); break;
	case SECCOMP_RET_LOG:    snprintf(buf, size, "LOG"); break;
	case SECCOMP_RET_ALLOW:  snprintf(buf, size, "ALLOW"); break;
	case SECCOMP_RET_USER_NOTIF: snprintf(buf, size, "USER_NOTIF"); break;
	case SECCOMP_RET_ERRNO:
		e = data && data < 4096 ? strerrorname_np((int)data) : NULL;
		if (e)
			snprintf(buf, size, "ERRNO(%s)", e);
		else
			snprintf(buf, size, "ERRNO(%u)", data);
		break;
	default:
		snprintf(buf, size, "%#x (unknown action: KILL_PROCESS)", ret);
	}
	return buf;
}

#define UNSEEN 0xffffffffu

static void merge(struct disasm_ctx *ctx, size_t to, uint32_t arch, uint8_t a)
{
	if (ctx[to].arch == UNSEEN) {
		ctx[to] = (struct disasm_ctx){ arch, a };
		return;
	}
	if (ctx[to].arch != arch)
		ctx[to].arch = 0;
	if (ctx[to].a != a)
		ctx[to].a = DISASM_A_OTHER;
}

static uint8_t a_after(const struct sock_filter *in, uint8_t a)
{
	if (in->code == (BPF_LD | BPF_W | BPF_ABS))
		return in->k == CBPF_OFF_ARCH ? DISASM_A_ARCH :
		       in->k == CBPF_OFF_NR ? DISASM_A_NR : DISASM_A_OTHER;
	if (BPF_CLASS(in->code) == BPF_LD || BPF_CLASS(in->code) == BPF_ALU ||
	    in->code == (BPF_MISC | BPF_TXA))
		return DISASM_A_OTHER;
	return a;
}

void disasm_context(const struct sock_filter *prog, size_t len,
		    struct disasm_ctx *ctx)
{
	size_t pc;

	for (pc = 0; pc < len; pc++)
		ctx[pc].arch = UNSEEN;
	if (len == 0)
		return;
	ctx[0] = (struct disasm_ctx){ 0, DISASM_A_OTHER };
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &prog[pc];
		uint32_t arch = ctx[pc].arch;
		uint8_t a;
		bool eq;

		if (arch == UNSEEN || BPF_CLASS(in->code) == BPF_RET)
			continue;
		a = a_after(in, ctx[pc].a);
		if (BPF_CLASS(in->code) != BPF_JMP) {
			merge(ctx, pc + 1, arch, a);
		} else if (BPF_OP(in->code) == BPF_JA) {
			merge(ctx, pc + 1 + in->k, arch, a);
		} else {
			eq = a == DISASM_A_ARCH && in->code == (BPF_JMP | BPF_JEQ | BPF_K);
			merge(ctx, pc + 1 + in->jt, eq ? in->k : arch, a);
			merge(ctx, pc + 1 + in->jf, arch, a);
		}
	}
	for (pc = 0; pc < len; pc++) {
		if (ctx[pc].arch == UNSEEN)
			ctx[pc] = (struct disasm_ctx){ 0, DISASM_A_OTHER };
	}
}

const struct arch_abi *disasm_abi_of(uint32_t audit, uint32_t nr)
{
	const struct arch_abi *all, *best = NULL;
	size_t n, i;

	all = arch_all(&n);
	for (i = 0; i < n; i++) {
		if (all[i].audit == audit && nr >= all[i].nr_base &&
		    (!best || all[i].nr_base > best->nr_base))
			best = &all[i];
	}
	return best;
}

static const char *field(uint32_t k, char *buf, size_t size)
{
	if (k == CBPF_OFF_NR)
		return "nr";
	if (k == CBPF_OFF_ARCH)
		return "arch";
	if (k == 8 || k == 12)
		return k == 8 ? "instruction_pointer" : "instruction_pointer >> 32";
	if (k >= CBPF_OFF_ARGS && k < CBPF_OFF_ARGS + 48) {
		snprintf(buf, size, "args[%u]%s", (k - CBPF_OFF_ARGS) / 8,
			 (k - CBPF_OFF_ARGS) % 8 ? " >> 32" : "");
		return buf;
	}
	return "?";
}

/* The comment of a compare: a syscall name, or an arch name. */
static void compare_note(uint32_t k, uint32_t arch, const struct arch_abi *fallback,
			 bool on_arch, char *buf, size_t size)
{
	const struct arch_abi *abi = arch ? disasm_abi_of(arch, k) : fallback;
	const struct systab_ent *e;
	size_t n, i;

	buf[0] = '\0';
	if (on_arch) {
		const struct arch_abi *all = arch_all(&n);

		for (i = 0; i < n; i++) {
			if (all[i].audit == k) {
				snprintf(buf, size, "%s", all[i].name);
				return;
			}
		}
		return;
	}
	e = abi ? systab_by_nr(abi, k) : NULL;
	if (e)
		snprintf(buf, size, "%s%s%s", systab_name(e), arch ? "" : " (",
			 arch ? "" : abi->name);
	if (e && !arch)
		strncat(buf, ")", size - strlen(buf) - 1);
}

static const char *const jops[] = { "ja", "jeq", "jgt", "jge", "jset" };
static const char *const aops[] = { "add", "sub", "mul", "div", "or", "and",
				    "lsh", "rsh", "neg", "mod", "xor" };

const char *disasm_insn(const struct sock_filter *prog, size_t pc,
			const struct disasm_ctx *ctx, const struct arch_abi *fallback,
			char *buf, size_t size)
{
	const struct sock_filter *in = &prog[pc];
	char note[64] = "", tmp[32], ins[64];
	uint16_t op = BPF_OP(in->code);

	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
		if (BPF_MODE(in->code) == BPF_ABS) {
			snprintf(ins, sizeof(ins), "ld   [%u]", in->k);
			snprintf(note, sizeof(note), "%s", field(in->k, tmp, sizeof(tmp)));
		} else if (BPF_MODE(in->code) == BPF_MEM) {
			snprintf(ins, sizeof(ins), "ld   M[%u]", in->k);
		} else if (BPF_MODE(in->code) == BPF_LEN) {
			snprintf(ins, sizeof(ins), "ld   #len");
		} else {
			snprintf(ins, sizeof(ins), "ld   #%#x", in->k);
		}
		break;
	case BPF_LDX:
		snprintf(ins, sizeof(ins), BPF_MODE(in->code) == BPF_MEM ? "ldx  M[%u]" :
			 BPF_MODE(in->code) == BPF_LEN ? "ldx  #len" : "ldx  #%#x", in->k);
		break;
	case BPF_ST:
		snprintf(ins, sizeof(ins), "st   M[%u]", in->k);
		break;
	case BPF_STX:
		snprintf(ins, sizeof(ins), "stx  M[%u]", in->k);
		break;
	case BPF_ALU:
		if (op == BPF_NEG)
			snprintf(ins, sizeof(ins), "neg");
		else if (BPF_SRC(in->code) == BPF_X)
			snprintf(ins, sizeof(ins), "%-4s x", op >> 4 < 11 ? aops[op >> 4] : "alu?");
		else
			snprintf(ins, sizeof(ins), "%-4s #%#x", op >> 4 < 11 ? aops[op >> 4] : "alu?", in->k);
		break;
	case BPF_JMP:
		if (op == BPF_JA) {
			snprintf(ins, sizeof(ins), "ja   %zu", pc + 1 + in->k);
			break;
		}
		if (BPF_SRC(in->code) == BPF_X)
			snprintf(ins, sizeof(ins), "%-4s x, %zu, %zu", (op >> 4) < 5 ? jops[op >> 4] : "j?",
				 pc + 1 + in->jt, pc + 1 + in->jf);
		else
			snprintf(ins, sizeof(ins), in->k < 0x1000 ? "%-4s #%u, %zu, %zu" :
				 "%-4s #%#x, %zu, %zu", (op >> 4) < 5 ? jops[op >> 4] : "j?",
				 in->k, pc + 1 + in->jt, pc + 1 + in->jf);
		if (BPF_SRC(in->code) == BPF_K && op != BPF_JSET && ctx[pc].a != DISASM_A_OTHER)
			compare_note(in->k, ctx[pc].arch, fallback,
				     ctx[pc].a == DISASM_A_ARCH, note, sizeof(note));
		break;
	case BPF_RET:
		if (BPF_RVAL(in->code) == BPF_A) {
			snprintf(ins, sizeof(ins), "ret  a");
		} else {
			snprintf(ins, sizeof(ins), "ret  #%#x", in->k);
			disasm_action(in->k, note, sizeof(note));
		}
		break;
	default:
		snprintf(ins, sizeof(ins), in->code == (BPF_MISC | BPF_TAX) ? "tax" : "txa");
	}
	if (note[0])
		snprintf(buf, size, "%4zu: %-30s ; %s", pc, ins, note);
	else
		snprintf(buf, size, "%4zu: %s", pc, ins);
	return buf;
}
