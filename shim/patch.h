/* SPDX-License-Identifier: MIT */
/*
 * patch: analyse a filter for a set of ABIs and prepend the ENOSYS stub
 * where it is proven to change nothing but denials of unknown numbers.
 * Pure: the caller provides all memory.
 */
#ifndef ENOSTUB_PATCH_H
#define ENOSTUB_PATCH_H

#include "analyze.h"
#include "stub.h"

/* Room for every ABI arch_all() knows. */
#define PATCH_MAX_ABIS 24

struct patch_report {
	size_t nabis;
	struct analyze_abi abi[PATCH_MAX_ABIS];
	size_t orig_len;   /* instructions of the original */
	size_t stub_len;   /* instructions prepended, 0 if none */
	const char *why;   /* the outcome in a few words, never NULL */
};

/* Everything one patch needs; about 700 KiB, keep it static. */
struct patch_work {
	struct analyze_work flow;
	struct patch_report rep;
	struct sock_filter in[CBPF_MAX_INSNS];
	struct sock_filter out[CBPF_MAX_INSNS];
};

/**
 * patch_filter() - analyse @prog and, where proven safe, prepend the stub.
 * @prog, @len: the original program
 * @abis, @nabis: the ABIs to consider (e.g. arch_native())
 * @opts: denial set and stub return value
 * @work: scratch memory; on success work->out holds the patched program
 * @out_len: set to the patched length, or 0 when no stub is needed
 *
 * work->rep tells, per ABI, what was found and why.
 *
 * Return: 0 on success (patched or not), -EINVAL if the kernel would
 * reject @prog, -E2BIG if stub and filter would exceed 4096 instructions.
 */
int patch_filter(const struct sock_filter *prog, size_t len,
		 const struct arch_abi *const *abis, size_t nabis,
		 const struct analyze_opts *opts, struct patch_work *work,
		 size_t *out_len);

#endif /* ENOSTUB_PATCH_H */
