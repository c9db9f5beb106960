// SPDX-License-Identifier: MIT
/*
 * The kernel-version strategy: syscalls newer than the filter's baseline
 * answer ENOSYS even when they are numbered below the largest one the filter
 * knows (runc's FIXME: close_range, 436, Linux 5.9, under openat2, 437, 5.6).
 */
#include "testlib.h"
#include "oracle.h"

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

/* With baseline 3.0, x86_64's 310-331 are all newer, but a JGE/JGT window
 * allows 305-315: its bounds are compared, so named, and kept; of the
 * syscalls between them, 316-331 are denied and answer ENOSYS. */
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
	/* exactly: 305-315 allowed, 316-331 denied */
	assert_int_equal(work.rep.abi[0].nranges, 2);
	assert_int_equal(work.rep.abi[0].ranges[0].lo, 316);
	assert_int_equal(work.rep.abi[0].ranges[0].hi, 331);
	assert_int_equal(work.rep.abi[0].ranges[1].lo, 333);
	for (i = 0; i < work.rep.abi[0].nranges; i++) {
		assert_false(work.rep.abi[0].ranges[i].lo <= 315 &&
			     work.rep.abi[0].ranges[i].hi >= 305);
	}
}

/* Is name offset @name in the list @set of @n? */
static bool listed(uint16_t name, const uint16_t *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == name)
			return true;
	return false;
}

/*
 * The promise of the widened stub, number by number, for a filter of one
 * ABI that ignores the arguments, patched with @o: a number the filter
 * names keeps its answer; a denial of a number above the largest known
 * one, of a syscall newer than the report's baseline (kernel-version) or
 * of a fallback-safe syscall answers ENOSYS; every other syscall keeps its
 * answer; a number that is no syscall, below the largest known one, may
 * answer either. The report's ranges are ascending and apart.
 */
static const struct analyze_abi *check_exact(const struct sock_filter *f, size_t len,
					     const struct arch_abi *abi,
					     const struct analyze_opts *o)
{
	const struct analyze_abi *a;
	size_t plen, i;
	uint32_t nr;

	assert_int_equal(cbpf_validate(f, len), 0);
	assert_int_equal(patch_an(f, len, &abi, 1, o, &work, &plen), 0);
	a = &work.rep.abi[0];
	if (a->verdict != ANALYZE_STUB || plen == 0)
		fail_msg("%s: %s", abi->name, a->why);
	for (i = 1; i < a->nranges; i++)
		assert_true(a->ranges[i - 1].hi + 1 < a->ranges[i].lo);
	for (nr = abi->nr_base; nr <= abi->nr_last + 16; nr++) {
		const struct systab_ent *e = systab_by_nr(abi, nr);
		struct seccomp_data d = mkdata(abi->audit, nr);
		bool named, wanted;
		uint32_t was = cbpf_run_named(f, len, &d, &named), got = cbpf_run(work.out, plen, &d);
		uint32_t want = was;

		wanted = nr > a->max_known ? nr <= abi->nr_last :
			 e && ((a->strategy == ANALYZE_KERNEL_VERSION && e->kver > a->baseline) ||
			       listed(e->name, o->fallback, o->nfallback));
		if (wanted && !named && oracle_may_stub(was, o->deny))
			want = o->stub_ret;
		if (got != want && !(nr < a->max_known && !e && !named && got == o->stub_ret &&
				     oracle_may_stub(was, o->deny)))
			fail_msg("%s nr %u: %#x, want %#x (was %#x%s)", abi->name, nr, got, want,
				 was, named ? ", named" : "");
	}
	return a;
}

/* A denied run of syscalls that the filter does not deny as a whole is
 * split into halves until each part is proven: JSET on the number (which
 * names no number) lets through those with bit 2 set, in runs of four. */
static void test_split_jset(void **state)
{
	static const struct sock_filter f[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR,
		JEQ(0, 4, 0),                   /* read */
		JGT(331, 2, 0),                 /* the largest known: 331 */
		JSET(4, 2, 0),
		EPERM_,
		EPERM_,
		ALLOW,
	};
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(3, 0);
	a = check_exact(f, N(f), abi, &o);
	assert_int_equal(a->strategy, ANALYZE_KERNEL_VERSION);
	assert_true(a->nranges >= 4);   /* 312-315, 320-323, 328-330, 332-4095 at least */
}

/*
 * The halves exactly, where it shows: riscv64 has no syscall 38 (a hole),
 * every syscall is newer than 3.0, the filter names 42 and lets 41
 * through by its bits alone (0b101001; nothing else below 42 has them).
 * 0-41 is not denied as a whole; its halves 0-20 and 21-41, theirs, ...
 * are: 0-20, 21-31, 32-36, 37-39 (the hole inside), 40. Joined: 0-40.
 */
static void test_split_halves(void **state)
{
	static const struct sock_filter f[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_RISCV64, 1, 0), KILL,
		LD_NR,
		JGE(42, 4, 0),
		JSET(0x20, 0, 3), JSET(0x8, 0, 2), JSET(0x1, 0, 1),
		ALLOW,
		EPERM_,
	};
	const struct arch_abi *abi = arch_by_name("riscv64");
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;

	(void)state;
	assert_null(systab_by_nr(abi, 38));
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(3, 0);
	a = check_exact(f, N(f), abi, &o);
	assert_int_equal(a->nranges, 2);
	assert_int_equal(a->ranges[0].lo, 0);
	assert_int_equal(a->ranges[0].hi, 40);
	assert_int_equal(a->ranges[1].lo, 43);
	assert_int_equal(a->ranges[1].hi, abi->nr_last);
}

/* An aarch64 allowlist (the ABI came with Linux 3.7, its table starts
 * there): read, write, and more as given. */
static size_t aarch64_filter(const uint32_t *named, size_t n)
{
	return allow_list(orig, AUDIT_ARCH_AARCH64, named, n, SECCOMP_RET_ERRNO | EPERM);
}

/*
 * The number 0 and the ends of the table. With baseline 3.0 every aarch64
 * syscall is newer, io_setup (0) too: it answers ENOSYS with the rest. The
 * baseline found is the newest syscall named, 3.7 when only 3.7's are,
 * also when io_setup is one of them; with 4.0 given and a number above the
 * table named (500), io_setup (3.7) keeps its answer. On x86_64 a filter
 * naming read (0) alone has baseline 3.0.
 */
static void test_table_edges(void **state)
{
	static const uint32_t rw[] = { 63, 64 }, rw0[] = { 0, 63, 64 }, above[] = { 63, 64, 500 };
	static const struct sock_filter read_only[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(0, 0, 1), ALLOW, EPERM_,
	};
	const struct arch_abi *abi = arch_by_name("aarch64");
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;
	size_t len;
	struct seccomp_data d = mkdata(AUDIT_ARCH_AARCH64, 0);

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(3, 0);
	len = aarch64_filter(rw, N(rw));
	a = check_exact(orig, len, abi, &o);
	assert_int_equal(a->ranges[0].lo, 0);
	assert_int_equal(cbpf_run(work.out, work.rep.stub_len + len, &d), RET_ENOSYS);

	o.baseline = 0;
	a = check_exact(orig, len, abi, &o);
	assert_int_equal(a->strategy, ANALYZE_KERNEL_VERSION);
	assert_int_equal(a->baseline, SYSTAB_KV(3, 7));
	len = aarch64_filter(rw0, N(rw0));
	a = check_exact(orig, len, abi, &o);
	assert_int_equal(a->baseline, SYSTAB_KV(3, 7));

	o.baseline = SYSTAB_KV(4, 0);
	len = aarch64_filter(above, N(above));
	a = check_exact(orig, len, abi, &o);
	assert_int_equal(a->max_known, 500);
	assert_int_equal(cbpf_run(work.out, work.rep.stub_len + len, &d),
			 SECCOMP_RET_ERRNO | EPERM);

	o.baseline = 0;
	a = check_exact(read_only, N(read_only), x86_64(), &o);
	assert_int_equal(a->strategy, ANALYZE_KERNEL_VERSION);
	assert_int_equal(a->baseline, SYSTAB_KV(3, 0));
}

/*
 * A filter that needs no stub above its largest known number still gets
 * one below it for the fallback-safe syscalls it denies: runc's own stub
 * in front of Docker's v20.10.0 profile answers ENOSYS above faccessat2
 * (439), and clone3 (435) keeps the profile's EPERM (glibc's
 * pthread_create then fails); a filter that names the last number has
 * nothing above it at all. Nothing denied below: the verdict stays.
 */
static void test_fallback_below(void **state)
{
	static const struct sock_filter runc[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JGT(439, 0, 1), RET(SECCOMP_RET_ERRNO | ENOSYS),
		JEQ(439, 2, 0), JEQ(1, 1, 0), EPERM_, ALLOW,
	};
	static const struct sock_filter last[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(4095, 2, 0), JEQ(1, 1, 0), EPERM_, ALLOW,
	};
	static const struct sock_filter enosys[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(439, 2, 0), JEQ(1, 1, 0), RET(SECCOMP_RET_ERRNO | ENOSYS), ALLOW,
	};
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;
	uint16_t clone3 = systab_by_name(x86_64(), "clone3")->name;
	size_t plen;

	(void)state;
	assert_int_equal(patch_an(runc, N(runc), &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.abi[0].verdict, ANALYZE_ALREADY);	/* no list: as before */
	assert_int_equal(plen, 0);
	o.fallback = &clone3;
	o.nfallback = 1;
	a = check_exact(runc, N(runc), x86_64(), &o);
	assert_int_equal(a->verdict, ANALYZE_STUB);
	assert_int_equal(a->nranges, 1);
	assert_int_equal(a->ranges[0].lo, 435);
	assert_int_equal(a->ranges[0].hi, 435);
	assert_int_equal(a->nfallback, 1);
	assert_string_equal(a->why, "unknown numbers already get the stub's errno; denied "
			    "fallback-safe syscalls below them too");
	a = check_exact(last, N(last), x86_64(), &o);
	assert_int_equal(a->verdict, ANALYZE_STUB);
	assert_int_equal(a->nranges, 1);
	assert_int_equal(a->ranges[0].lo, 435);
	assert_string_equal(a->why, "no number above the largest known one; denied "
			    "fallback-safe syscalls below it get the stub's errno");
	o.strategy = ANALYZE_KERNEL_VERSION;	/* newer than 5.8 (faccessat2) too */
	a = check_exact(runc, N(runc), x86_64(), &o);
	assert_int_equal(a->verdict, ANALYZE_STUB);
	assert_true(a->nadded > 0);
	o.strategy = ANALYZE_MAX_KNOWN;
	assert_int_equal(patch_an(enosys, N(enosys), &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(work.rep.abi[0].verdict, ANALYZE_ALREADY);
	assert_int_equal(plen, 0);
	assert_string_equal(work.rep.abi[0].why,
			    "the default action already returns the stub's errno");
}

/*
 * A fallback-safe list of one syscall: read, named by the filter and
 * denied by name, keeps its EPERM, also when "nr >= 0" is all that names
 * it; unnamed and denied, it answers ENOSYS.
 * s390x: number 0 (the multiplexer), clone3 (listed) and the numbers above
 * the largest known one, in that order.
 */
static void test_fallback_one(void **state)
{
	static const struct sock_filter named[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(0, 3, 0), JEQ(1, 3, 0), JEQ(10, 2, 0), EPERM_, EPERM_, ALLOW,
	};
	static const struct sock_filter ge0[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JGE(0, 0, 0), JEQ(1, 1, 0), EPERM_, ALLOW,
	};
	static const struct sock_filter unnamed[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JEQ(1, 2, 0), JEQ(10, 1, 0), EPERM_, ALLOW,
	};
	static const struct sock_filter s390x[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_S390X, 1, 0), KILL,
		LD_NR, JEQ(1, 2, 0), JEQ(440, 1, 0), EPERM_, ALLOW,
	};
	const struct arch_abi *s390x_abi = arch_by_name("s390x");
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;
	uint16_t read_name = systab_by_name(x86_64(), "read")->name;
	uint16_t clone3_name = systab_by_name(s390x_abi, "clone3")->name;

	(void)state;
	o.fallback = &read_name;
	o.nfallback = 1;
	a = check_exact(named, N(named), x86_64(), &o);
	assert_int_equal(a->nfallback, 0);
	a = check_exact(ge0, N(ge0), x86_64(), &o);
	assert_int_equal(a->nfallback, 0);
	a = check_exact(unnamed, N(unnamed), x86_64(), &o);
	assert_int_equal(a->nfallback, 1);
	assert_int_equal(a->ranges[0].lo, 0);
	assert_int_equal(a->ranges[0].hi, 0);

	o.fallback = &clone3_name;
	a = check_exact(s390x, N(s390x), s390x_abi, &o);
	assert_int_equal(a->nranges, 3);
	assert_int_equal(a->ranges[0].lo, 0);
	assert_int_equal(a->ranges[0].hi, 0);
	assert_int_equal(a->ranges[1].lo, 435);
	assert_int_equal(a->ranges[1].hi, 435);
	assert_int_equal(a->ranges[2].lo, 441);
	assert_int_equal(a->ranges[2].hi, s390x_abi->nr_last);
}

/*
 * x32 told apart by "nr >= 0x40000000", which names x32's number 0
 * (read) for the emulator: with a baseline older than every syscall
 * (2.6, so read, 3.0, is newer), read keeps the filter's EPERM while the
 * unnamed write and open answer ENOSYS. The same for MIPS o32 (4000).
 */
static void test_abi_base(void **state)
{
	static const struct sock_filter x32[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), KILL,
		LD_NR, JGE(0x40000000, 2, 0), JEQ(0, 3, 0), EPERM_,
		JEQ(0x40000003, 1, 0), EPERM_, ALLOW,
	};
	static const struct sock_filter mipsel[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_MIPSEL, 1, 0), KILL,
		LD_NR, JGE(4000, 1, 0), KILL, JEQ(4003, 0, 1), ALLOW, EPERM_,
	};
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;
	struct seccomp_data d = mkdata(AUDIT_ARCH_X86_64, 0x40000000);

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(2, 6);
	a = check_exact(x32, N(x32), arch_by_name("x32"), &o);
	assert_int_equal(a->ranges[0].lo, 0x40000001);
	assert_int_equal(cbpf_run(work.out, work.rep.stub_len + N(x32), &d),
			 SECCOMP_RET_ERRNO | EPERM);
	a = check_exact(mipsel, N(mipsel), arch_by_name("mipsel"), &o);
	assert_int_equal(a->ranges[0].lo, 4001);
}

/*
 * The limit of ANALYZE_MAX_RANGES (64) per ABI. Naming every second
 * aarch64 syscall from the second on, up to the 2n-th, leaves n syscalls
 * between named ones, each a range, and the numbers above the 2n-th:
 * n + 1 ranges. 64 fit; 65 do not, and max-known is used alone (also for
 * fallback-safe syscalls, when every name is one).
 */
static size_t every_second(size_t n)
{
	static uint32_t named[160];
	size_t nt, i;
	const struct systab_ent *t = systab_abi(arch_by_name("aarch64"), &nt);

	assert_true(n <= N(named) && 2 * n <= nt);
	for (i = 0; i < n; i++)
		named[i] = t[2 * i + 1].nr;
	return aarch64_filter(named, n);
}

static void test_range_limit(void **state)
{
	const struct arch_abi *abi = arch_by_name("aarch64");
	static uint16_t names[512];
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a;
	size_t len, nt, i, j, plen;
	const struct systab_ent *t = systab_abi(abi, &nt);

	(void)state;
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(3, 0);
	len = every_second(ANALYZE_MAX_RANGES - 1);
	a = check_exact(orig, len, abi, &o);
	assert_int_equal(a->strategy, ANALYZE_KERNEL_VERSION);
	assert_int_equal(a->nranges, ANALYZE_MAX_RANGES);
	assert_int_equal(a->nadded, ANALYZE_MAX_RANGES - 1);

	len = every_second(ANALYZE_MAX_RANGES);
	a = check_exact(orig, len, abi, &o);
	assert_int_equal(a->strategy, ANALYZE_MAX_KNOWN);
	assert_string_equal(a->why, "kernel-version needs too many ranges: max-known used");
	assert_int_equal(a->nranges, 1);
	assert_int_equal(a->ranges[0].lo, t[2 * ANALYZE_MAX_RANGES - 1].nr + 1);
	assert_int_equal(a->ranges[0].hi, abi->nr_last);
	assert_int_equal(a->nadded, 0);
	assert_int_equal(a->nfallback, 0);

	for (i = 0; i < nt; i++) {	/* every aarch64 name, ascending */
		for (j = i; j > 0 && names[j - 1] > t[i].name; j--)
			names[j] = names[j - 1];
		names[j] = t[i].name;
	}
	o = test_opts;
	o.fallback = names;
	o.nfallback = nt;
	len = every_second(ANALYZE_MAX_RANGES - 1);
	a = check_exact(orig, len, abi, &o);
	assert_int_equal(a->nfallback, ANALYZE_MAX_RANGES - 1);
	len = every_second(ANALYZE_MAX_RANGES);
	assert_int_equal(patch_an(orig, len, &abi, 1, &o, &work, &plen), 0);
	a = &work.rep.abi[0];
	assert_string_equal(a->why, "fallback-safe syscalls need too many ranges: max-known used");
	assert_int_equal(a->nranges, 1);
	assert_int_equal(a->ranges[0].lo, t[2 * ANALYZE_MAX_RANGES - 1].nr + 1);
	assert_int_equal(a->nfallback, 0);
}

/* Far more ranges than fit (100 + 1) for the first ABI of two: the second
 * one's report is what it is alone. */
static void test_range_limit_two_abis(void **state)
{
	static const struct sock_filter x86_64_part[] = {
		LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 0, 5),
		LD_NR, JEQ(0, 2, 0), JEQ(1, 1, 0), EPERM_, ALLOW,
	};
	const struct arch_abi *abis[] = { arch_by_name("aarch64"), x86_64() };
	static struct analyze_abi alone;
	struct analyze_opts o = test_opts;
	const struct analyze_abi *b;
	size_t len, plen;

	(void)state;
	len = every_second(100);
	memmove(orig + N(x86_64_part), orig + 1, (len - 1) * sizeof(orig[0]));
	memcpy(orig, x86_64_part, sizeof(x86_64_part));
	len += N(x86_64_part) - 1;
	assert_int_equal(cbpf_validate(orig, len), 0);
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = SYSTAB_KV(3, 0);
	assert_int_equal(patch_an(orig, len, abis, 2, &o, &work, &plen), 0);
	assert_int_equal(work.rep.abi[0].strategy, ANALYZE_MAX_KNOWN);
	assert_int_equal(work.rep.abi[0].nranges, 1);
	b = &work.rep.abi[1];
	analyze_abi(orig, len, x86_64(), &o, &work.analysis, &alone);
	assert_ptr_equal(b->abi, x86_64());
	assert_int_equal(b->verdict, ANALYZE_STUB);
	assert_int_equal(b->verdict, alone.verdict);
	assert_memory_equal(b->flow.known, alone.flow.known, sizeof(alone.flow.known));
	assert_int_equal(b->max_known, 1);
	assert_int_equal(b->nranges, alone.nranges);
	assert_memory_equal(b->ranges, alone.ranges, alone.nranges * sizeof(alone.ranges[0]));
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

/*
 * The reason given, exactly, for Docker's v20.10 profile on x86_64: what
 * kernel-version and the fallback-safe rule each added below the largest
 * known number, or that kernel-version found nothing missing there.
 */
static void test_reasons(void **state)
{
	size_t olen = load_corpus("docker-default-v20.10.0.bpf", orig), plen;
	const struct arch_abi *abi = x86_64();
	struct analyze_opts o = test_opts;
	const struct analyze_abi *a = &work.rep.abi[0];

	(void)state;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	assert_string_equal(a->why, "unknown numbers are denied by default");
	o.strategy = ANALYZE_KERNEL_VERSION;
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	assert_true(a->nadded > 0);
	assert_string_equal(a->why, "unknown numbers are denied by default, and syscalls "
			    "newer than the baseline too");
	o.fallback = systab_fallback(&o.nfallback);
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	assert_true(a->nadded > 0 && a->nfallback > 0);
	assert_string_equal(a->why, "unknown numbers are denied by default, and syscalls "
			    "newer than the baseline and fallback-safe ones too");
	o.nfallback = 0;
	o.baseline = SYSTAB_KV_NEWEST;	/* 6.19 would not do: uprobe (336) is newer */
	assert_int_equal(patch_an(orig, olen, &abi, 1, &o, &work, &plen), 0);
	assert_int_equal(a->strategy, ANALYZE_KERNEL_VERSION);
	assert_int_equal(a->nadded, 0);
	assert_string_equal(a->why, "unknown numbers are denied by default; no syscall newer "
			    "than the baseline is missing below them");
}

/*
 * analyze_by_fallback(): a fallback-safe syscall exactly as old as the
 * kernel-version baseline is not newer, so it is there through the
 * fallback-safe rule (clone3, Linux 5.3, under Docker's v20.10 profile
 * with baseline 5.3; close_range, 5.9, is newer). Only the report's
 * ranges count, not entries beyond nranges.
 */
static void test_by_fallback(void **state)
{
	size_t olen = load_corpus("docker-default-v20.10.0.bpf", orig);
	struct analyze_opts o = test_opts;
	const struct arch_abi *abi = x86_64();
	const struct systab_ent *clone3 = systab_by_name(abi, "clone3");
	static struct analyze_abi a;
	char names[256];

	(void)state;
	o.fallback = systab_fallback(&o.nfallback);
	o.strategy = ANALYZE_KERNEL_VERSION;
	o.baseline = clone3->kver;
	assert_int_equal(answer_o(olen, &o, "x86_64", "clone3"), RET_ENOSYS);
	assert_int_equal(answer_o(olen, &o, "x86_64", "close_range"), RET_ENOSYS);
	by_fallback(report_abi(&work.rep, "x86_64"), &o, names, sizeof(names));
	assert_string_equal(names, "clone3");

	memset(&a, 0, sizeof(a));
	a.abi = abi;
	a.verdict = ANALYZE_STUB;
	a.has_known = true;
	a.max_known = 500;
	a.nranges = 1;
	a.ranges[0] = (struct analyze_range){ 501, 4095 };
	a.ranges[1] = (struct analyze_range){ 435, 436 };	/* not in the report */
	assert_false(analyze_by_fallback(&a, o.fallback, o.nfallback, clone3));
	a.nranges = 2;
	assert_true(analyze_by_fallback(&a, o.fallback, o.nfallback, clone3));
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
	assert_int_equal(work.rep.nfallback, 0);
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
		cmocka_unit_test(test_split_jset),
		cmocka_unit_test(test_split_halves),
		cmocka_unit_test(test_table_edges),
		cmocka_unit_test(test_fallback_one),
		cmocka_unit_test(test_fallback_below),
		cmocka_unit_test(test_abi_base),
		cmocka_unit_test(test_range_limit),
		cmocka_unit_test(test_range_limit_two_abis),
		cmocka_unit_test(test_too_many_ranges),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_fallback_safe),
		cmocka_unit_test(test_fallback_too_big),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_by_fallback),
	};

	return run_group("kver", tests, N(tests));
}
