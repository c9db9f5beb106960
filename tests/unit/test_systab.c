// SPDX-License-Identifier: MIT
/* systab: the generated syscall tables hold the facts of
 * ../shared/data/README.md, with the kver file's known defects repaired. */
#include "testlib.h"

static const struct systab_ent *get(const char *abi, const char *name)
{
	const struct arch_abi *a = arch_by_name(abi);
	const struct systab_ent *e;

	assert_non_null(a);
	e = systab_by_name(a, name);
	if (!e)
		fail_msg("%s: no %s", abi, name);
	return e;
}

static void expect(const char *abi, const char *name, unsigned nr,
		   unsigned major, unsigned minor)
{
	const struct systab_ent *e = get(abi, name);

	if (e->nr != nr || e->kver != SYSTAB_KV(major, minor))
		fail_msg("%s %s: nr %u kver %#x, want %u %u.%u", abi, name,
			 e->nr, e->kver, nr, major, minor);
}

/* The facts the data's README lists for x86_64. */
static void test_x86_64_facts(void **state)
{
	(void)state;
	expect("x86_64", "clone3", 435, 5, 3);
	expect("x86_64", "close_range", 436, 5, 9);
	expect("x86_64", "openat2", 437, 5, 6);
	expect("x86_64", "pidfd_getfd", 438, 5, 6);
	expect("x86_64", "faccessat2", 439, 5, 8);
	expect("x86_64", "epoll_pwait2", 441, 5, 11);
	expect("x86_64", "fchmodat2", 452, 6, 6);
	expect("x86_64", "statx", 332, 4, 11);
	expect("x86_64", "rseq", 334, 4, 18);
	expect("x86_64", "read", 0, 3, 0);
	/* the hole max-known cannot see */
	assert_true(get("x86_64", "close_range")->kver > get("x86_64", "openat2")->kver);
}

/* Generic-table arches: versions from x86_64, never before the arch. */
static void test_generic_arches(void **state)
{
	(void)state;
	expect("aarch64", "clone3", 435, 5, 3);
	expect("riscv64", "clone3", 435, 5, 3);
	expect("loongarch64", "clone3", 435, 5, 19);
	expect("aarch64", "read", 63, 3, 7);
	expect("riscv64", "read", 63, 4, 15);
	expect("loongarch64", "read", 63, 5, 19);
	expect("aarch64", "fchmodat2", 452, 6, 6);
	expect("riscv64", "riscv_hwprobe", 258, 6, 4);
	expect("riscv64", "riscv_flush_icache", 259, 4, 15);
}

/* Syscalls after v6.16 come from the numbers file alone. */
static void test_newer_than_kver_file(void **state)
{
	(void)state;
	expect("x86_64", "file_getattr", 468, 6, 17);
	expect("x86_64", "file_setattr", 469, 6, 17);
	expect("x86_64", "listns", 470, 6, 19);
	assert_int_equal(get("x86_64", "rseq_slice_yield")->kver, SYSTAB_KV_NEWEST);
	assert_int_equal(get("x86_64", "uprobe")->kver, SYSTAB_KV_NEWEST);
	assert_int_equal(get("aarch64", "listns")->kver, SYSTAB_KV(6, 19));
}

/* Other arches: numbers and versions of their own columns. */
static void test_other_arches(void **state)
{
	(void)state;
	expect("x86", "statx", 383, 4, 11);
	expect("x86", "clone3", 435, 5, 3);
	expect("x32", "clone3", 435, 5, 3);
	expect("arm", "statx", 397, 4, 11);
	expect("s390x", "statx", 379, 4, 11);
	expect("ppc64le", "statx", 383, 4, 11);
	expect("mipsel", "read", 3, 3, 0);        /* shares mips' table */
	expect("mips64", "read", 0, 3, 0);
}

/* Lookups by absolute number: x32's bit 30, MIPS bases, misses. */
static void test_by_nr(void **state)
{
	const struct systab_ent *e;

	(void)state;
	e = systab_by_nr(arch_by_name("x32"), 0x40000000u | 435);
	assert_non_null(e);
	assert_string_equal(systab_name(e), "clone3");
	assert_null(systab_by_nr(arch_by_name("x32"), 435));
	e = systab_by_nr(arch_by_name("mips"), 4003);
	assert_non_null(e);
	assert_string_equal(systab_name(e), "read");
	assert_null(systab_by_nr(arch_by_name("x86_64"), 400));   /* a hole */
	assert_null(systab_by_nr(arch_by_name("x86_64"), 4095));
}

/* Every ABI has a table, sorted, without duplicate numbers, all in span. */
static void test_tables_sane(void **state)
{
	size_t n, i, j, count;
	const struct arch_abi *all = arch_all(&n);
	char buf[8];

	(void)state;
	for (i = 0; i < n; i++) {
		const struct systab_ent *t = systab_abi(&all[i], &count);

		assert_non_null(t);
		assert_true(count > 300);
		for (j = 0; j < count; j++) {
			assert_true(t[j].nr < ARCH_NR_SPAN);
			assert_true(systab_name(&t[j])[0] != '\0');
			assert_true(t[j].kver >= SYSTAB_KV(3, 0));
			if (j)
				assert_true(t[j - 1].nr < t[j].nr);
			assert_ptr_equal(systab_by_nr(&all[i], all[i].nr_base + t[j].nr), &t[j]);
		}
	}
	assert_string_equal(systab_kver_str(SYSTAB_KV(5, 11), buf), "5.11");
	assert_string_equal(systab_kver_str(SYSTAB_KV_NEWEST, buf), ">6.16");
}

/* The fallback-safe set (shim/gen/fallback-safe.csv): names of the tables,
 * ascending, the calls glibc falls back from, not those it cannot. */
static void test_fallback_set(void **state)
{
	static const char *const in[] = {
		"clone3", "faccessat2", "close_range", "statx", "fchmodat2",
		"futex_time64", "mseal",
	};
	static const char *const out[] = {
		"clock_gettime64", "openat2", "epoll_pwait2", "prlimit64",
		"renameat2", "rseq", "getrandom", "copy_file_range",
	};
	size_t n, i, j;
	const uint16_t *set = systab_fallback(&n);
	bool found;
	int id;

	(void)state;
	for (i = 1; i < n; i++)
		assert_true(set[i - 1] < set[i]);
	for (i = 0; i < N(in) + N(out); i++) {
		const char *name = i < N(in) ? in[i] : out[i - N(in)];

		id = systab_name_id(name);
		assert_true(id >= 0);
		assert_string_equal(systab_name_at((uint16_t)id), name);
		for (found = false, j = 0; j < n; j++)
			found |= set[j] == id;
		if (found != (i < N(in)))
			fail_msg("%s: %s the fallback-safe set", name, found ? "in" : "not in");
	}
	assert_int_equal(systab_name_id("clone4"), -1);
	/* the start of a name, nothing else */
	id = systab_name_id("clone3");
	assert_true(systab_name_valid((uint16_t)id));
	assert_false(systab_name_valid((uint16_t)(id + 1)));
	assert_false(systab_name_valid((uint16_t)(id - 1)));	/* clone's NUL */
	assert_true(systab_name_valid(0));
	assert_false(systab_name_valid(0xffff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64_facts),
		cmocka_unit_test(test_generic_arches),
		cmocka_unit_test(test_newer_than_kver_file),
		cmocka_unit_test(test_other_arches),
		cmocka_unit_test(test_by_nr),
		cmocka_unit_test(test_tables_sane),
		cmocka_unit_test(test_fallback_set),
	};

	return run_group("systab", tests, N(tests));
}
