// SPDX-License-Identifier: MIT
/*
 * cbpf: validation and emulation of seccomp cBPF programs.
 *
 * The validator mirrors what the kernel checks when a filter is attached
 * (bpf_check_classic() followed by seccomp_check_filter()), so that enostub
 * never works on a program the kernel would refuse: such programs are
 * forwarded untouched and the kernel reports the error itself.
 */
#include "cbpf.h"

#include <errno.h>
#include <string.h>

/* Is @code one of the opcodes seccomp accepts (seccomp_check_filter())? */
static bool code_allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_ALU | BPF_NEG:
		return true;
	}
	if (BPF_CLASS(code) == BPF_ALU) {
		if (code & ~(0x07 | 0xf0 | BPF_X))
			return false;
		switch (BPF_OP(code)) {
		case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV:
		case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH:
		case BPF_RSH:
			return true;
		}
		return false;
	}
	if (BPF_CLASS(code) == BPF_JMP) {
		if (code & ~(0x07 | 0xf0 | BPF_X))
			return false;
		switch (BPF_OP(code)) {
		case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET:
			return true;
		}
	}
	return false;
}

/* Per-instruction checks of bpf_check_classic() and seccomp_check_filter(). */
static int check_insn(const struct sock_filter *in, size_t pc, size_t len)
{
	size_t rest = len - pc - 1;

	if (!code_allowed(in->code))
		return -EINVAL;
	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (in->k >= CBPF_DATA_SIZE || (in->k & 3))
			return -EINVAL;
		break;
	case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
	case BPF_ST: case BPF_STX:
		if (in->k >= CBPF_MEMWORDS)
			return -EINVAL;
		break;
	case BPF_ALU | BPF_DIV | BPF_K:
		if (in->k == 0)
			return -EINVAL;
		break;
	case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_K:
		if (in->k >= 32)
			return -EINVAL;
		break;
	case BPF_JMP | BPF_JA:
		if (in->k >= rest)
			return -EINVAL;
		break;
	default:
		if (BPF_CLASS(in->code) == BPF_JMP &&
		    (in->jt >= rest || in->jf >= rest))
			return -EINVAL;
	}
	return 0;
}

/* Scratch memory must be written before it is read (check_load_and_stores). */
static int check_memory(const struct sock_filter *prog, size_t len)
{
	uint16_t masks[CBPF_MAX_INSNS];
	uint16_t valid = 0;
	size_t pc;

	memset(masks, 0xff, len * sizeof(masks[0]));
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &prog[pc];

		valid &= masks[pc];
		switch (in->code) {
		case BPF_ST: case BPF_STX:
			valid |= (uint16_t)(1u << in->k);
			break;
		case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << in->k)))
				return -EINVAL;
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + in->k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (BPF_CLASS(in->code) == BPF_JMP) {
				masks[pc + 1 + in->jt] &= valid;
				masks[pc + 1 + in->jf] &= valid;
				valid = 0xffff;
			} else if (BPF_CLASS(in->code) == BPF_RET) {
				valid = 0xffff;
			}
		}
	}
	return 0;
}

int cbpf_validate(const struct sock_filter *prog, size_t len)
{
	bool loads = false;
	size_t pc;
	uint16_t last;

	if (!prog || len == 0 || len > CBPF_MAX_INSNS)
		return -EINVAL;
	for (pc = 0; pc < len; pc++) {
		if (check_insn(&prog[pc], pc, len))
			return -EINVAL;
		loads |= prog[pc].code == (BPF_LD | BPF_MEM) ||
			 prog[pc].code == (BPF_LDX | BPF_MEM);
	}
	last = prog[len - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return -EINVAL;
	/* Only a load from scratch memory can read it before a store. */
	return loads ? check_memory(prog, len) : 0;
}

static uint32_t load_word(const struct seccomp_data *d, uint32_t off)
{
	uint32_t w;

	memcpy(&w, (const char *)d + off, sizeof(w));
	return w;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v, bool *div0)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV:
		if (v == 0) {
			*div0 = true;
			return 0;
		}
		return a / v;
	case BPF_AND: return a & v;
	case BPF_OR:  return a | v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return a << (v & 31);
	case BPF_RSH: return a >> (v & 31);
	case BPF_NEG: return -a;
	}
	return a;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	}
	return false;
}

static bool writes_a(uint16_t code)
{
	return BPF_CLASS(code) == BPF_LD || BPF_CLASS(code) == BPF_ALU ||
	       code == (BPF_MISC | BPF_TXA);
}

/* Does this jump compare the syscall number, just loaded into A, with
 * a constant equal to it? */
static bool names_nr(const struct sock_filter *in, bool a_is_nr, uint32_t a)
{
	uint16_t op = BPF_OP(in->code);

	return a_is_nr && BPF_SRC(in->code) == BPF_K && in->k == a &&
	       (op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE);
}

uint32_t cbpf_run(const struct sock_filter *prog, size_t len,
		  const struct seccomp_data *data)
{
	bool named;

	return cbpf_run_named(prog, len, data, &named);
}

uint32_t cbpf_run_named(const struct sock_filter *prog, size_t len,
			const struct seccomp_data *data, bool *named)
{
	uint32_t a = 0, x = 0, mem[CBPF_MEMWORDS] = { 0 };
	size_t pc = 0;
	bool a_is_nr = false;

	*named = false;
	while (pc < len) {
		const struct sock_filter *in = &prog[pc++];
		uint32_t src = BPF_SRC(in->code) == BPF_X ? x : in->k;
		bool div0 = false;

		if (BPF_CLASS(in->code) == BPF_JMP)
			*named |= names_nr(in, a_is_nr, a);
		else if (writes_a(in->code))
			a_is_nr = in->code == (BPF_LD | BPF_W | BPF_ABS) &&
				  in->k == CBPF_OFF_NR;
		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			if (BPF_MODE(in->code) == BPF_ABS)
				a = load_word(data, in->k);
			else if (BPF_MODE(in->code) == BPF_LEN)
				a = CBPF_DATA_SIZE;
			else if (BPF_MODE(in->code) == BPF_MEM)
				a = mem[in->k];
			else
				a = in->k;
			break;
		case BPF_LDX:
			if (BPF_MODE(in->code) == BPF_LEN)
				x = CBPF_DATA_SIZE;
			else if (BPF_MODE(in->code) == BPF_MEM)
				x = mem[in->k];
			else
				x = in->k;
			break;
		case BPF_ST:  mem[in->k] = a; break;
		case BPF_STX: mem[in->k] = x; break;
		case BPF_ALU:
			a = alu(BPF_OP(in->code), a, src, &div0);
			if (div0)
				return 0;
			break;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA)
				pc += in->k;
			else
				pc += jump_taken(BPF_OP(in->code), a, src) ?
				      in->jt : in->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(in->code) == BPF_A ? a : in->k;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return 0; /* unreachable for validated programs */
}
