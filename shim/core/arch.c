// SPDX-License-Identifier: MIT
#include "arch.h"

#include <string.h>
#include <linux/audit.h>

#ifndef AUDIT_ARCH_LOONGARCH64
#define AUDIT_ARCH_LOONGARCH64 (EM_LOONGARCH | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE)
#endif
#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

#define X32_BIT 0x40000000u
#define ABI(n, a, base, mux) { n, a, base, (base) + ARCH_NR_SPAN - 1, mux }

static const struct arch_abi abis[] = {
	ABI("x86_64", AUDIT_ARCH_X86_64, 0, false),
	ABI("x86", AUDIT_ARCH_I386, 0, false),
	ABI("x32", AUDIT_ARCH_X86_64, X32_BIT, false),
	ABI("arm", AUDIT_ARCH_ARM, 0, false),
	ABI("aarch64", AUDIT_ARCH_AARCH64, 0, false),
	ABI("mips", AUDIT_ARCH_MIPS, 4000, false),
	ABI("mipsel", AUDIT_ARCH_MIPSEL, 4000, false),
	ABI("mips64", AUDIT_ARCH_MIPS64, 5000, false),
	ABI("mipsel64", AUDIT_ARCH_MIPSEL64, 5000, false),
	ABI("mips64n32", AUDIT_ARCH_MIPS64N32, 6000, false),
	ABI("mipsel64n32", AUDIT_ARCH_MIPSEL64N32, 6000, false),
	ABI("ppc", AUDIT_ARCH_PPC, 0, false),
	ABI("ppc64", AUDIT_ARCH_PPC64, 0, false),
	ABI("ppc64le", AUDIT_ARCH_PPC64LE, 0, false),
	ABI("s390", AUDIT_ARCH_S390, 0, true),
	ABI("s390x", AUDIT_ARCH_S390X, 0, true),
	ABI("parisc", AUDIT_ARCH_PARISC, 0, false),
	ABI("parisc64", AUDIT_ARCH_PARISC64, 0, false),
	ABI("riscv64", AUDIT_ARCH_RISCV64, 0, false),
	ABI("loongarch64", AUDIT_ARCH_LOONGARCH64, 0, false),
	ABI("m68k", AUDIT_ARCH_M68K, 0, false),
	ABI("sh", AUDIT_ARCH_SHEL, 0, false),
	ABI("sheb", AUDIT_ARCH_SH, 0, false),
};

#define NABIS (sizeof(abis) / sizeof(abis[0]))

const struct arch_abi *arch_all(size_t *count)
{
	*count = NABIS;
	return abis;
}

const struct arch_abi *arch_by_name(const char *name)
{
	size_t i;

	if (strcmp(name, "i386") == 0)
		name = "x86";
	for (i = 0; i < NABIS; i++) {
		if (strcmp(abis[i].name, name) == 0)
			return &abis[i];
	}
	return NULL;
}

#if defined(__x86_64__) && defined(__ILP32__)
#define NATIVE 2, 0, 1
#elif defined(__x86_64__)
#define NATIVE 0, 1, 2
#elif defined(__i386__)
#define NATIVE 1
#elif defined(__aarch64__)
#define NATIVE 4, 3
#elif defined(__arm__)
#define NATIVE 3
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE 13
#elif defined(__powerpc64__)
#define NATIVE 12, 11
#elif defined(__powerpc__)
#define NATIVE 11
#elif defined(__s390x__)
#define NATIVE 15, 14
#elif defined(__s390__)
#define NATIVE 14
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE 18
#elif defined(__loongarch64)
#define NATIVE 19
#elif defined(__mips__) && defined(__MIPSEL__) && _MIPS_SIM == _ABI64
#define NATIVE 8, 10, 6
#elif defined(__mips__) && _MIPS_SIM == _ABI64
#define NATIVE 7, 9, 5
#elif defined(__mips__) && defined(__MIPSEL__) && _MIPS_SIM == _ABIN32
#define NATIVE 10
#elif defined(__mips__) && _MIPS_SIM == _ABIN32
#define NATIVE 9
#elif defined(__mips__) && defined(__MIPSEL__)
#define NATIVE 6
#elif defined(__mips__)
#define NATIVE 5
#elif defined(__hppa__) && defined(__LP64__)
#define NATIVE 17, 16
#elif defined(__hppa__)
#define NATIVE 16
#elif defined(__m68k__)
#define NATIVE 20
#elif defined(__sh__) && defined(__LITTLE_ENDIAN__)
#define NATIVE 21
#elif defined(__sh__)
#define NATIVE 22
#else
#error "enostub: unsupported architecture"
#endif

const struct arch_abi *const *arch_native(size_t *count)
{
	/* Built on first use: a table of pointers would need relocating
	 * at load time, in every process the library is preloaded into. */
	static const struct arch_abi *native[3];
	static const size_t idx[] = { NATIVE };
	size_t i;

	*count = sizeof(idx) / sizeof(idx[0]);
	for (i = 0; i < *count; i++)
		native[i] = &abis[idx[i]];
	return native;
}
