/* SPDX-License-Identifier: MIT */
/*
 * cbpf: classic BPF programs as the seccomp filter mode accepts them.
 * Pure functions: no I/O, no allocation, no global state, no errno.
 */
#ifndef ENOSTUB_CBPF_H
#define ENOSTUB_CBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* The kernel's limit on one program (BPF_MAXINSNS). */
#define CBPF_MAX_INSNS 4096
/* Scratch memory words of classic BPF (BPF_MEMWORDS). */
#define CBPF_MEMWORDS 16
/* Size of struct seccomp_data, the only packet a seccomp filter sees. */
#define CBPF_DATA_SIZE 64u

/* Offsets of struct seccomp_data fields (fixed by the kernel ABI). */
#define CBPF_OFF_NR 0u
#define CBPF_OFF_ARCH 4u
#define CBPF_OFF_IP 8u
#define CBPF_OFF_ARGS 16u

#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif

/**
 * cbpf_validate() - check a program the way seccomp_attach_filter() would.
 * @prog: instructions
 * @len:  number of instructions
 *
 * Accepts only what the kernel's seccomp filter mode accepts: 1..4096
 * instructions, aligned 32-bit loads inside struct seccomp_data, no packet
 * loads of other sizes, no division by a zero constant, jumps inside the
 * program, scratch memory indices below 16 and written before read on every
 * path, and a return as the last instruction.
 *
 * Return: 0 if valid, -EINVAL if the kernel would reject it.
 */
int cbpf_validate(const struct sock_filter *prog, size_t len);

/**
 * cbpf_run() - run a validated program on one seccomp_data, as the kernel does.
 * @prog: instructions (must have passed cbpf_validate())
 * @len:  number of instructions
 * @data: the system call to filter
 *
 * Return: the 32-bit value the filter returns (action | data).
 */
uint32_t cbpf_run(const struct sock_filter *prog, size_t len,
		  const struct seccomp_data *data);

/**
 * cbpf_run_named() - cbpf_run(), also telling whether the number was named.
 * @prog, @len, @data: as for cbpf_run()
 * @named: set to true if, on the path taken, a JEQ/JGT/JGE with constant
 *         operand compared the freshly loaded syscall number with itself
 *         (the filter names this very number), false otherwise
 *
 * Return: as cbpf_run().
 */
uint32_t cbpf_run_named(const struct sock_filter *prog, size_t len,
			const struct seccomp_data *data, bool *named);

/**
 * cbpf_ret_errno() - the filter return value for "fail with this errno".
 * @err: errno value, 1..4095
 *
 * Return: SECCOMP_RET_ERRNO | @err.
 */
static inline uint32_t cbpf_ret_errno(uint32_t err)
{
	return SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA);
}

#endif /* ENOSTUB_CBPF_H */
