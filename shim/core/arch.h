/* SPDX-License-Identifier: MIT */
/*
 * arch: the audit architectures libseccomp supports, as seen by a filter.
 * A filter sees (arch, nr); an "ABI" here is one syscall number space: a
 * value of seccomp_data.arch plus the range of numbers that belong to it.
 * x32 shares AUDIT_ARCH_X86_64 and is told apart by bit 30 of the number.
 */
#ifndef ENOSTUB_ARCH_H
#define ENOSTUB_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arch_abi {
	char name[12];      /* libseccomp's name: "x86_64", "x86", "x32", ... */
	uint32_t audit;     /* seccomp_data.arch */
	uint32_t nr_base;   /* first number of this ABI (x32 0x40000000, MIPS 4000/5000/6000) */
	uint32_t nr_last;   /* last number treated as a possible syscall of this ABI */
	bool nr0_mux;       /* nr 0 is not a syscall but a multiplexer (s390, s390x) */
};

/* Numbers per ABI that the stub may cover: base .. base + ARCH_NR_SPAN - 1.
 * Far above every syscall table (about 470 today) and below the non-syscall
 * constants filters compare with (ARM private 0x0f0000, ppc 0x1ebe, -1). */
#define ARCH_NR_SPAN 4096u

/**
 * arch_all() - every ABI known to enostub.
 * @count: set to the number of entries
 *
 * Return: a static table, never NULL.
 */
const struct arch_abi *arch_all(size_t *count);

/**
 * arch_by_name() - look an ABI up by libseccomp's name.
 * @name: "x86_64", "x86" (or "i386"), "aarch64", ...
 *
 * Return: the entry, or NULL if unknown.
 */
const struct arch_abi *arch_by_name(const char *name);

/**
 * arch_native() - the ABIs a process of this build can call syscalls with.
 * @count: set to the number of entries (native first, then compat ABIs)
 *
 * Return: a static table of pointers into arch_all(), never NULL.
 */
const struct arch_abi *const *arch_native(size_t *count);

#endif /* ENOSTUB_ARCH_H */
