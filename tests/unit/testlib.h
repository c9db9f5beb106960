/* SPDX-License-Identifier: MIT */
/* Helpers shared by the unit tests: corpus files, libseccomp exports,
 * readable instruction macros. Header-only, static functions. */
#ifndef ENOSTUB_TESTLIB_H
#define ENOSTUB_TESTLIB_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <seccomp.h>
#include <linux/audit.h>

#include "analyze.h"
#include "arch.h"
#include "cbpf.h"
#include "patch.h"
#include "stub.h"
#include "systab.h"
#include "oracle.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Readable fixtures, in the style of the kernel's samples/seccomp. */
#define LD_NR    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_NR)
#define LD_ARCH  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_ARCH)
#define LD_ARG0  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CBPF_OFF_ARGS)
#define RET(v)   BPF_STMT(BPF_RET | BPF_K, (v))
#define RET_A    BPF_STMT(BPF_RET | BPF_A, 0)
#define ALLOW    RET(SECCOMP_RET_ALLOW)
#define EPERM_   RET(SECCOMP_RET_ERRNO | EPERM)
#define KILL     RET(SECCOMP_RET_KILL_PROCESS)
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define JGE(k, t, f) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (t), (f))
#define JGT(k, t, f) BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (k), (t), (f))
#define JSET(k, t, f) BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (t), (f))
#define JGT_X(t, f) BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, (t), (f))
#define JA(k)    BPF_JUMP(BPF_JMP | BPF_JA, (k), 0, 0)
#define LD_IMM(v)  BPF_STMT(BPF_LD | BPF_IMM, (v))
#define LDX_IMM(v) BPF_STMT(BPF_LDX | BPF_IMM, (v))

#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)

static const struct analyze_opts test_opts = { .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS };
/* the same as patch options: no allow list, no number kept, no rseq guard */
static const struct patch_opts test_popts = {
	.an = { .deny = ANALYZE_DENY_DEFAULT, .stub_ret = RET_ENOSYS },
};

/* The corpus of real-world filters (copied from shared/corpus). */
static const char *const corpus_files[] = {
	"docker-default-v19.03.0.bpf",
	"docker-default-v20.10.0.bpf",
	"docker-default.bpf",
	"systemd-252-system-service.bpf",
	"containers-common-seccomp.bpf",
	"containers-common-debian12-0.50.1-seccomp.bpf",
	"flatpak-default.bpf",
	"runc-1.1.5-patched-docker-default-v19.03.0.bpf",
};

static inline size_t load_corpus(const char *name, struct sock_filter *f)
{
	char path[512];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(f, sizeof(*f), CBPF_MAX_INSNS, fp);
	fclose(fp);
	assert_true(n > 0);
	return n;
}

/* Export a libseccomp context as raw cBPF (what seccomp_load would load). */
static inline size_t export_ctx(scmp_filter_ctx ctx, struct sock_filter *f)
{
	FILE *tmp = tmpfile();
	size_t n;

	assert_non_null(tmp);
	assert_int_equal(seccomp_export_bpf(ctx, fileno(tmp)), 0);
	rewind(tmp);
	n = fread(f, sizeof(*f), CBPF_MAX_INSNS, tmp);
	fclose(tmp);
	return n;
}

/* An allow-list into @f: "LD arch; JEQ @audit else KILL; LD nr; JEQ each
 * of @nrs -> ALLOW; RET @deflt". Returns its length. */
static inline size_t allow_list(struct sock_filter *f, uint32_t audit, const uint32_t *nrs,
				size_t n, uint32_t deflt)
{
	size_t i, k = 0;

	f[k++] = (struct sock_filter)LD_ARCH;
	f[k++] = (struct sock_filter)JEQ(audit, 1, 0);
	f[k++] = (struct sock_filter)KILL;
	f[k++] = (struct sock_filter)LD_NR;
	for (i = 0; i < n; i++)
		f[k++] = (struct sock_filter)JEQ(nrs[i], (uint8_t)(n - i), 0);
	f[k++] = (struct sock_filter)RET(deflt);
	f[k++] = (struct sock_filter)ALLOW;
	return k;
}

static inline struct seccomp_data mkdata(uint32_t arch, uint32_t nr)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = (int)nr;
	return d;
}

static inline const struct analyze_abi *report_abi(const struct patch_report *r,
						   const char *name)
{
	size_t i;

	for (i = 0; i < r->nabis; i++) {
		if (strcmp(r->abi[i].abi->name, name) == 0)
			return &r->abi[i];
	}
	fail_msg("no ABI %s in report", name);
	return NULL;
}

/* Every architecture libseccomp 2.5 supports, with its name in enostub. */
static const struct { uint32_t token; const char *abi; } scmp_arches[] __attribute__((unused)) = {
	{ SCMP_ARCH_X86_64, "x86_64" }, { SCMP_ARCH_X86, "x86" },
	{ SCMP_ARCH_X32, "x32" }, { SCMP_ARCH_ARM, "arm" },
	{ SCMP_ARCH_AARCH64, "aarch64" }, { SCMP_ARCH_MIPS, "mips" },
	{ SCMP_ARCH_MIPSEL, "mipsel" }, { SCMP_ARCH_MIPS64, "mips64" },
	{ SCMP_ARCH_MIPSEL64, "mipsel64" }, { SCMP_ARCH_MIPS64N32, "mips64n32" },
	{ SCMP_ARCH_MIPSEL64N32, "mipsel64n32" }, { SCMP_ARCH_PPC, "ppc" },
	{ SCMP_ARCH_PPC64, "ppc64" }, { SCMP_ARCH_PPC64LE, "ppc64le" },
	{ SCMP_ARCH_S390, "s390" }, { SCMP_ARCH_S390X, "s390x" },
	{ SCMP_ARCH_PARISC, "parisc" }, { SCMP_ARCH_PARISC64, "parisc64" },
	{ SCMP_ARCH_RISCV64, "riscv64" },
};

static const char *const allowed_names[] = {
	"read", "write", "close", "exit_group", "openat", "mmap", "futex",
	"clone", "getpid", "rt_sigreturn", "fstat", "socket", "ppoll",
};

/* An allowlist for one arch, as libseccomp compiles it (a blocklist of the
 * same names when @deflt is ALLOW). */
static inline size_t generated(uint32_t token, uint32_t deflt, struct sock_filter *f,
			int *maxnr)
{
	scmp_filter_ctx ctx = seccomp_init(deflt);
	uint32_t act = deflt == SCMP_ACT_ALLOW ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_ALLOW;
	size_t i, n;

	assert_non_null(ctx);
	assert_int_equal(seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE), 0);
	assert_int_equal(seccomp_arch_add(ctx, token), 0);
	*maxnr = -1;
	for (i = 0; i < N(allowed_names); i++) {
		int nr = seccomp_syscall_resolve_name_arch(token, allowed_names[i]);

		if (nr < 0)
			continue;
		assert_int_equal(seccomp_rule_add(ctx, act,
			seccomp_syscall_resolve_name(allowed_names[i]), 0), 0);
		if (nr > *maxnr)
			*maxnr = nr;
	}
	/* an argument rule too: personality(0) only */
	seccomp_rule_add(ctx, act, SCMP_SYS(personality), 1,
			 SCMP_A0(SCMP_CMP_EQ, 0));
	n = export_ctx(ctx, f);
	seccomp_release(ctx);
	/* libseccomp writes a big-endian arch's program in that arch's byte
	 * order, as its kernel will read it: bring it to host order. */
	if (!(token & __AUDIT_ARCH_LE))
		for (i = 0; i < n; i++) {
			f[i].code = __builtin_bswap16(f[i].code);
			f[i].k = __builtin_bswap32(f[i].k);
		}
	return n;
}

/* cmocka writes to stdout and stderr: keep its lines in order in a pipe.
 * $ENOSTUB_TEST names the one test to run (tests/mutants runs each test
 * on its own, so a failing one ends the run and is known by name). */
static inline int run_group(const char *name, const struct CMUnitTest *t, size_t n)
{
	const char *only = getenv("ENOSTUB_TEST");

	setvbuf(stdout, NULL, _IONBF, 0);
	if (only && *only)
		cmocka_set_test_filter(only);
	return _cmocka_run_group_tests(name, t, n, NULL, NULL);
}

#endif /* ENOSTUB_TESTLIB_H */
