// SPDX-License-Identifier: MIT
/*
 * The child's filter for `enostub run --trace`, and what an install stop
 * asks for. Pure: no I/O, no allocation.
 *
 * The filter, for x86_64 (x32 shares the audit arch):
 *
 *       ld  [arch]
 *       jeq AUDIT_ARCH_X86_64, 0, next_arch
 *       ld  [nr]
 *       jeq 317 (seccomp), seccomp        x86_64
 *       jeq 157 (prctl), prctl
 *       jeq 0x4000013d, seccomp           x32
 *       jeq 0x4000009d, prctl
 *       ret ALLOW
 *   next_arch:
 *       ld  [arch]                        (the same for AUDIT_ARCH_I386:
 *       jeq AUDIT_ARCH_I386, 0, allow      354 seccomp, 172 prctl)
 *       ...
 *   allow: ret ALLOW                       any other arch
 *   seccomp:                               op is an unsigned int
 *       ld  [args[0] low]
 *       jeq SECCOMP_SET_MODE_FILTER, trace, allow
 *   prctl:                                 option an int, mode a long
 *       ld  [args[0] low]
 *       jeq PR_SET_SECCOMP, 0, allow
 *       ld  [args[1] low]
 *       jeq SECCOMP_MODE_FILTER, 0, allow
 *       ld  [args[1] high]
 *       jeq 0, trace, allow
 *   trace: ret TRACE | TRACE_MARK
 *   allow: ret ALLOW
 *
 * Only LD of arch and nr, JEQ K and RET K on the path of every other
 * number: the kernel's constant-action cache (seccomp_is_const_allow)
 * marks each of them always allowed, so they cost a bit test.
 */
#include "trace.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "core/systab.h"

#define LD_ABS(off) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define RET_K(v)    ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v)))
#define JEQ(k, t, f) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f)))

/* Offsets of the low and high words of argument @i (little endian). */
#define ARG_LO(i) (CBPF_OFF_ARGS + 8u * (i))
#define ARG_HI(i) (CBPF_OFF_ARGS + 8u * (i) + 4u)

/* Instructions of the tail, from the seccomp label: 2 + 6 + 2. */
#define TAIL_LEN 10u

/* The absolute number of syscall @name in @abi, or 0 when it has none. */
static uint32_t nr_of(const struct arch_abi *abi, const char *name)
{
	const struct systab_ent *e = systab_by_name(abi, name);

	return e ? abi->nr_base + e->nr : 0;
}

/* Is @abis[@i] the first of the list with its audit arch? */
static bool first_of_arch(const struct arch_abi *const *abis, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++) {
		if (abis[j]->audit == abis[i]->audit)
			return false;
	}
	return true;
}

/* Instructions of the head: per arch 2 + 1 + 1, per ABI 2; then 1. */
static size_t head_len(const struct arch_abi *const *abis, size_t n)
{
	size_t i, len = 1;

	for (i = 0; i < n; i++)
		len += 2 + (first_of_arch(abis, i) ? 4 : 0);
	return len;
}

/* The jump offset from the instruction at @pc to @target (forward only). */
static uint8_t off(size_t pc, size_t target)
{
	return (uint8_t)(target - pc - 1);
}

/* The block of one audit arch at @p (index @pc): its ABIs' two numbers
 * each jump to @sec or @prc. Return: instructions written. */
static size_t emit_arch(struct sock_filter *p, size_t pc, const struct arch_abi *const *abis,
			size_t n, size_t first, size_t sec, size_t prc)
{
	size_t i, k = 0, len = 4;

	for (i = first; i < n; i++)
		len += abis[i]->audit == abis[first]->audit ? 2 : 0;
	p[k++] = LD_ABS(CBPF_OFF_ARCH);
	p[k++] = JEQ(abis[first]->audit, 0, off(pc + 1, pc + len));
	p[k++] = LD_ABS(CBPF_OFF_NR);
	for (i = first; i < n; i++) {
		if (abis[i]->audit != abis[first]->audit)
			continue;
		p[k] = JEQ(nr_of(abis[i], "seccomp"), off(pc + k, sec), 0);
		k++;
		p[k] = JEQ(nr_of(abis[i], "prctl"), off(pc + k, prc), 0);
		k++;
	}
	p[k++] = RET_K(SECCOMP_RET_ALLOW);
	return k;
}

/* The argument checks from @sec on; see the comment on top. */
static void emit_tail(struct sock_filter *p, size_t sec)
{
	const size_t trace = sec + 8, allow = sec + 9;

	p[0] = LD_ABS(ARG_LO(0));
	p[1] = JEQ(SECCOMP_SET_MODE_FILTER, off(sec + 1, trace), off(sec + 1, allow));
	p[2] = LD_ABS(ARG_LO(0));
	p[3] = JEQ(PR_SET_SECCOMP, 0, off(sec + 3, allow));
	p[4] = LD_ABS(ARG_LO(1));
	p[5] = JEQ(SECCOMP_MODE_FILTER, 0, off(sec + 5, allow));
	p[6] = LD_ABS(ARG_HI(1));
	p[7] = JEQ(0, off(sec + 7, trace), off(sec + 7, allow));
	p[8] = RET_K(SECCOMP_RET_TRACE | TRACE_MARK);
	p[9] = RET_K(SECCOMP_RET_ALLOW);
}

size_t trace_filter(struct sock_filter *out, size_t size)
{
	size_t n, i, pc = 0, sec;
	const struct arch_abi *const *abis = arch_native(&n);

	sec = head_len(abis, n);
	if (sec + TAIL_LEN > size || sec + TAIL_LEN > 255)
		return 0;
	for (i = 0; i < n; i++) {
		if (first_of_arch(abis, i))
			pc += emit_arch(out + pc, pc, abis, n, i, sec, sec + 2);
	}
	out[pc++] = RET_K(SECCOMP_RET_ALLOW);
	emit_tail(out + pc, pc);
	return pc + TAIL_LEN;
}

const struct arch_abi *trace_abi_of(uint32_t arch, uint32_t nr)
{
	size_t n, i;
	const struct arch_abi *const *abis = arch_native(&n);

	for (i = 0; i < n; i++) {
		if (abis[i]->audit == arch && nr >= abis[i]->nr_base &&
		    nr <= abis[i]->nr_last)
			return abis[i];
	}
	return NULL;
}

int trace_classify(uint32_t arch, uint32_t nr, const uint64_t args[6],
		   struct trace_install *out)
{
	const struct arch_abi *abi = trace_abi_of(arch, nr);

	if (!abi)
		return -ENOSYS;
	out->abi = abi;
	out->compat = abi != arch_native(&(size_t){ 0 })[0];
	out->fprog = args[2];
	out->flags = 0;
	if (nr == nr_of(abi, "seccomp") && (uint32_t)args[0] == SECCOMP_SET_MODE_FILTER) {
		out->call = TRACE_SECCOMP;
		out->flags = out->compat ? (uint32_t)args[1] : args[1];
		return 0;
	}
	if (nr == nr_of(abi, "prctl") && (uint32_t)args[0] == PR_SET_SECCOMP &&
	    args[1] == SECCOMP_MODE_FILTER) {
		out->call = TRACE_PRCTL;
		return 0;
	}
	out->call = TRACE_NONE;
	return -ENOENT;
}
