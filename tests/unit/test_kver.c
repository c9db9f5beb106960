// SPDX-License-Identifier: MIT
/*
 * The kernel-version strategy: syscalls newer than the filter's baseline
 * answer ENOSYS even when they are numbered below the largest one the filter
 * knows (runc's FIXME: close_range, 436, Linux 5.9, under openat2, 437, 5.6).
 */
#include "testlib.h"

static struct patch_work work;
static struct sock_filter orig[CBPF_MAX_INSNS];

static const struct arch_abi *x86_64(void)
{
	return arch_by_name("x86_64");
}

/* x86_64 only, EPERM by default, a filter of 2020 (Linux 5.6) that knows
 * openat2 and pidfd_getfd but was written before close_range. */
static size_t filter_2020(void)
{
	static const char *const allow[] = {
		"read", "write", "exit_group", "openat2", "pidfd_getfd",
		"clone", "openat", "close", "mmap",
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	size_t i, n;

	assert_non_null(ctx);
	assert_int_equal(seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE), 0);
	assert_int_equal(seccomp_arch_add(ctx, SCMP_ARCH_X86_64), 0);
	for (i = 0; i < N(allow); i++)
		assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
				 seccomp_syscall_resolve_name(allow[i]), 0), 0);
	n = export_ctx(ctx, orig);
	seccomp_release(ctx);
	return n;
}

/* What the filter patched with @strategy/@baseline answers for @name. */
static uint32_t answer(size_t olen, uint8_t strategy, uint16_t baseline,
		       const char *name)
{
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	struct seccomp_data d;
	size_t plen;

	o.strategy = strategy;
	o.baseline = baseline;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	assert_true(plen > olen);
	d = mkdata(AUDIT_ARCH_X86_64, systab_by_name(abi, name)->nr);
	return cbpf_run(work.out, plen, &d);
}

static void test_close_range_hole(void **state)
{
	size_t olen = filter_2020();
	const struct analyze_abi *a;

	(void)state;
	/* max-known (runc's rule): 436 is below 438, the largest known */
	assert_int_equal(answer(olen, ANALYZE_MAX_KNOWN, 0, "close_range"),
			 SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "close_range"),
			 RET_ENOSYS);
	a = report_abi(&work.rep, "x86_64");
	assert_int_equal(a->strategy, ANALYZE_KERNEL_VERSION);
	assert_int_equal(a->baseline, SYSTAB_KV(5, 6));    /* openat2, pidfd_getfd */
	assert_int_equal(a->max_known, 438);
	/* what the filter names keeps its verdict */
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "openat2"),
			 SECCOMP_RET_ALLOW);
	/* above the largest known: ENOSYS with both */
	assert_int_equal(answer(olen, ANALYZE_MAX_KNOWN, 0, "faccessat2"), RET_ENOSYS);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "faccessat2"), RET_ENOSYS);
	/* older than the baseline and not named: denied on purpose */
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "clone3"),
			 SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "statx"),
			 SECCOMP_RET_ERRNO | EPERM);
	/* ... unless the configured baseline is older */
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, SYSTAB_KV(5, 2), "clone3"),
			 RET_ENOSYS);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, SYSTAB_KV(5, 2), "statx"),
			 SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, SYSTAB_KV(4, 10), "statx"),
			 RET_ENOSYS);
	/* a newer baseline than close_range: back to max-known's set */
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, SYSTAB_KV(5, 9), "close_range"),
			 SECCOMP_RET_ERRNO | EPERM);
}

/* Docker's v20.10 profile knows faccessat2 (439) but not close_range:
 * the real-world case. runc's own stub rule is max-known (test_property's
 * test_against_runc shows they agree). */
static void test_docker_v20_10(void **state)
{
	size_t olen = load_corpus("docker-default-v20.10.0.bpf", orig);
	const struct analyze_abi *a;

	(void)state;
	assert_int_equal(answer(olen, ANALYZE_MAX_KNOWN, 0, "close_range"),
			 SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "close_range"),
			 RET_ENOSYS);
	a = report_abi(&work.rep, "x86_64");
	assert_int_equal(a->baseline, SYSTAB_KV(5, 8));    /* faccessat2 */
	assert_true(a->nadded >= 1);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "faccessat2"),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(answer(olen, ANALYZE_KERNEL_VERSION, 0, "fchmodat2"), RET_ENOSYS);
}

/* A filter naming no syscall of the table: the baseline is unknown, so
 * kernel-version does what max-known does. */
static void test_no_baseline(void **state)
{
	struct sock_filter f[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(400, 0, 1), ALLOW, EPERM_,
	};
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	size_t plen;

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	assert_int_equal(patch_an(f, N(f), &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.abi[0].strategy, ANALYZE_MAX_KNOWN);
	assert_int_equal(work.rep.abi[0].nranges, 1);
	assert_int_equal(work.rep.abi[0].ranges[0].lo, 401);
}

/* A range the filter does not deny as a whole is split until each part is
 * proven: with baseline 3.0, x86_64's 310-331 are all newer, but a JGE/JGT
 * window allows 305-315. */
static void test_split_ranges(void **state)
{
	struct sock_filter f[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR,
		JEQ(0, 5, 0),                   /* read */
		JEQ(332, 4, 0),                 /* statx: the largest known */
		JGE(305, 0, 2), JGT(315, 1, 0),
		ALLOW,
		EPERM_,
		ALLOW,
	};
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	size_t plen, i, stubbed = 0;
	uint32_t nr;

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(3, 0);
	assert_int_equal(patch_an(f, N(f), &abi, 1, &o, &work, &plen), 0);
	assert_true(plen > N(f));
	for (nr = 0; nr < 4200; nr++) {
		const struct systab_ent *e = systab_by_nr(abi, nr);
		struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, nr);
		bool named;
		uint32_t want = cbpf_run_named(f, N(f), &d, &named);
		uint32_t got = cbpf_run(work.out, plen, &d);

		if (want == (SECCOMP_RET_ERRNO | EPERM) && !named && nr < ARCH_NR_SPAN &&
		    (nr > 332 || (e && e->kver > SYSTAB_KV(3, 0))))
			want = RET_ENOSYS;
		if (got != want && !(nr < 332 && !e))
			fail_msg("nr %u: %#x, want %#x", nr, got, want);
		stubbed += nr < 332 && got == RET_ENOSYS;
	}
	for (i = 0; i < work.rep.abi[0].nranges; i++)
		print_message("  range %u-%u\n", work.rep.abi[0].ranges[i].lo,
			      work.rep.abi[0].ranges[i].hi);
	assert_true(stubbed >= 16);           /* 316-331 */
	/* exactly: 305-315 allowed, so the proof splits 310-331 down to 316 */
	assert_int_equal(work.rep.abi[0].nranges, 2);
	assert_int_equal(work.rep.abi[0].ranges[0].lo, 316);
	assert_int_equal(work.rep.abi[0].ranges[0].hi, 331);
	assert_int_equal(work.rep.abi[0].ranges[1].lo, 333);
	for (i = 0; i < work.rep.abi[0].nranges; i++) {
		assert_false(work.rep.abi[0].ranges[i].lo <= 315 &&
			     work.rep.abi[0].ranges[i].hi >= 305);
	}
}

/* aarch64's table starts at 3.7: with baseline 3.0 every syscall is newer.
 * A filter allowing every other one leaves one-number holes, more than one
 * ABI's stub may hold: kernel-version falls back to max-known, and the
 * promise holds. With a quarter as many holes it fits. */
static void test_too_many_ranges(void **state)
{
	const struct arch_abi *abi = arch_by_name("aarch64");
	struct analyze_opts o = test_opts;
	size_t n, plen, len, step;
	const struct systab_ent *t = systab_abi(abi, &n);
	uint32_t top = t[n - 1].nr, nr;

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(3, 0);
	for (step = 2; step <= 8; step += 6) {
		len = 0;
		orig[len++] = (struct sock_filter)LD_ARCH;
		orig[len++] = (struct sock_filter)JEQ(abi->audit, 1, 0);
		orig[len++] = (struct sock_filter)KILL;
		orig[len++] = (struct sock_filter)LD_NR;
		for (nr = 0; nr <= top; nr += (uint32_t)step)	/* -> the ALLOW at the end */
			orig[len++] = (struct sock_filter)JEQ(nr, (uint8_t)((top - nr) / step + 1), 0);
		orig[len++] = (struct sock_filter)EPERM_;
		orig[len++] = (struct sock_filter)ALLOW;
		assert_int_equal(patch_an(orig, len, &abi, 1, &o, &work, &plen), 0);
		print_message("  one number in %zu allowed: %s, %zu ranges\n", step,
			      work.rep.abi[0].why, work.rep.abi[0].nranges);
		assert_true(plen > len);
		if (step == 2) {
			assert_int_equal(work.rep.abi[0].strategy, ANALYZE_MAX_KNOWN);
			assert_non_null(strstr(work.rep.abi[0].why, "too many ranges"));
			assert_int_equal(work.rep.abi[0].nranges, 1);
		} else {
			assert_int_equal(work.rep.abi[0].strategy, ANALYZE_KERNEL_VERSION);
			assert_true(work.rep.abi[0].nranges > 1);
		}
		for (nr = 0; nr < ARCH_NR_SPAN + 16; nr++) {
			struct seccomp_data d = mkdata(abi->audit, nr);
			bool named;
			uint32_t want = cbpf_run_named(orig, len, &d, &named);
			uint32_t got = cbpf_run(work.out, plen, &d);

			if (got != want && (named || got != RET_ENOSYS ||
					    want != (SECCOMP_RET_ERRNO | EPERM)))
				fail_msg("nr %u: %#x, was %#x", nr, got, want);
		}
	}
}

/* Stub and filter must fit in 4096 instructions: kernel-version falls back
 * to max-known, then to no stub. */
static void test_too_big(void **state)
{
	size_t olen = load_corpus("docker-default-v20.10.0.bpf", orig);
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	size_t pad, plen, mk, kv;

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	kv = work.rep.stub_len;
	o.strategy = ANALYZE_MAX_KNOWN;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	mk = work.rep.stub_len;
	assert_true(kv > mk + 1);
	/* "JA +0" in front changes nothing but the length (and the reset of A) */
	pad = CBPF_MAX_INSNS - olen - mk - 1;
	memmove(orig + pad, orig, olen * sizeof(orig[0]));
	for (size_t i = 0; i < pad; i++)
		orig[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0);
	olen += pad;
	o.strategy = ANALYZE_KERNEL_VERSION;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(plen, CBPF_MAX_INSNS);
	assert_int_equal(work.rep.strategy, ANALYZE_MAX_KNOWN);
	assert_non_null(strstr(work.rep.why, "max-known"));
	/* one more instruction and nothing fits */
	memmove(orig + 1, orig, olen * sizeof(orig[0]));
	olen++;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), -E2BIG);
	assert_int_equal(plen, 0);
}

/* What the filter patched with @o (x86_64 and i386) answers for @name. */
static uint32_t answer_o(size_t olen, const struct analyze_opts *o, const char *abi_name,
			 const char *name)
{
	const struct arch_abi *abis[] = { x86_64(), arch_by_name("x86") };
	const struct arch_abi *abi = arch_by_name(abi_name);
	struct seccomp_data d;
	size_t plen;

	assert_int_equal(patch_an(orig, olen, abis, 2, o, &work, &plen), 0);
	d = mkdata(abi->audit, abi->nr_base + systab_by_name(abi, name)->nr);
	return cbpf_run(plen ? work.out : orig, plen ? plen : olen, &d);
}

/* The names the report says got ENOSYS through the fallback-safe rule. */
static void by_fallback(const struct analyze_abi *a, const struct analyze_opts *o,
			char *buf, size_t size)
{
	size_t n, i;
	const struct systab_ent *t = systab_abi(a->abi, &n);

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (analyze_by_fallback(a, o->fallback, o->nfallback, &t[i]))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
				 buf[0] ? " " : "", systab_name(&t[i]));
}

/* Docker's v20.10.0 profile (used until 20.10.10) names faccessat2 but
 * not clone3: the fallback-safe rule gives clone3 ENOSYS under either
 * strategy, whatever the baseline; what the filter names keeps its answer. */
static void test_fallback_safe(void **state)
{
	size_t olen = load_corpus("docker-default-v20.10.0.bpf", orig);
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;
	char names[256];

	(void)state;
	assert_int_equal(answer_o(olen, &o, "x86_64", "clone3"), SECCOMP_RET_ERRNO | EPERM);
	o.fallback = systab_fallback(&o.nfallback);
	assert_true(o.nfallback >= 5);
	assert_int_equal(answer_o(olen, &o, "x86_64", "clone3"), RET_ENOSYS);
	assert_int_equal(answer_o(olen, &o, "x86", "clone3"), RET_ENOSYS);
	assert_int_equal(answer_o(olen, &o, "x86_64", "close_range"), RET_ENOSYS);
	assert_int_equal(answer_o(olen, &o, "x86_64", "faccessat2"), SECCOMP_RET_ALLOW);
	assert_int_equal(answer_o(olen, &o, "x86_64", "statx"), SECCOMP_RET_ALLOW);
	/* not in the set, not named, below the largest known: kept */
	assert_int_equal(answer_o(olen, &o, "x86_64", "pidfd_getfd"), SECCOMP_RET_ERRNO | EPERM);
	a = report_abi(&work.rep, "x86_64");
	assert_int_equal(a->strategy, ANALYZE_MAX_KNOWN);
	assert_int_equal(a->nfallback, 2);
	assert_int_equal(a->nranges, 2);
	assert_int_equal(a->ranges[0].lo, 435);
	assert_int_equal(a->ranges[0].hi, 436);
	assert_string_equal(a->why, "unknown numbers are denied by default, and "
			    "fallback-safe syscalls too");
	by_fallback(a, &o, names, sizeof(names));
	assert_string_equal(names, "clone3 close_range");

	/* kernel-version, auto baseline 5.8: close_range (5.9) is newer,
	 * clone3 (5.3) is older and gets ENOSYS through the rule only */
	o.strategy = ANALYZE_KERNEL_VERSION;
	assert_int_equal(answer_o(olen, &o, "x86_64", "clone3"), RET_ENOSYS);
	a = report_abi(&work.rep, "x86_64");
	assert_int_equal(a->strategy, ANALYZE_KERNEL_VERSION);
	assert_int_equal(a->nfallback, 1);
	by_fallback(a, &o, names, sizeof(names));
	assert_string_equal(names, "clone3");
	o.baseline = SYSTAB_KV(6, 1);	/* older than nothing here */
	assert_int_equal(answer_o(olen, &o, "x86_64", "clone3"), RET_ENOSYS);
	assert_int_equal(answer_o(olen, &o, "x86_64", "close_range"), RET_ENOSYS);

	/* a named syscall keeps its answer, a permissive filter is left alone */
	struct sock_filter named[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(435, 3, 0), JEQ(439, 2, 0), JGT(440, 1, 0), ALLOW, EPERM_,
	};
	struct sock_filter permissive[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(440, 0, 1), EPERM_, ALLOW,
	};
	o.strategy = ANALYZE_MAX_KNOWN;
	o.baseline = 0;
	memcpy(orig, named, sizeof(named));
	assert_int_equal(answer_o(N(named), &o, "x86_64", "clone3"), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(answer_o(N(named), &o, "x86_64", "close_range"), SECCOMP_RET_ALLOW);
	memcpy(orig, permissive, sizeof(permissive));
	assert_int_equal(answer_o(N(permissive), &o, "x86_64", "clone3"), SECCOMP_RET_ALLOW);
}

/* A fallback-safe stub that would not fit in 4096 instructions: plain
 * max-known, and the report says why. */
static void test_fallback_too_big(void **state)
{
	size_t olen = load_corpus("docker-default-v20.10.0.bpf", orig);
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	size_t pad, plen, mk, fb, i;

	(void)state;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	mk = work.rep.stub_len;
	o.fallback = systab_fallback(&o.nfallback);
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	fb = work.rep.stub_len;
	assert_true(fb > mk);
	pad = CBPF_MAX_INSNS - olen - mk - 1;
	memmove(orig + pad, orig, olen * sizeof(orig[0]));
	for (i = 0; i < pad; i++)
		orig[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0);
	olen += pad;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(plen, CBPF_MAX_INSNS);
	assert_true(work.rep.narrowed);
	assert_int_equal(work.rep.abi[0].nfallback, 0);
	assert_string_equal(work.rep.why, "patched with plain max-known: fallback-safe "
			    "syscalls would exceed 4096 instructions");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_range_hole),
		cmocka_unit_test(test_docker_v20_10),
		cmocka_unit_test(test_no_baseline),
		cmocka_unit_test(test_split_ranges),
		cmocka_unit_test(test_too_many_ranges),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_fallback_safe),
		cmocka_unit_test(test_fallback_too_big),
	};

	return run_group("kver", tests, N(tests));
}
