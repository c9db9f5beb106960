// SPDX-License-Identifier: MIT
/*
 * The filter `enostub run --trace` installs in its child (shim/cli/
 * trace_filter.c), by emulation: TRACE only for the two filter installs of
 * every ABI the process can use, ALLOW for everything else, every other
 * number in the kernel's constant-action cache; and trace_classify() says
 * "install" exactly where the filter says TRACE.
 */
#include <linux/prctl.h>

#include "testlib.h"
#include "oracle.h"
#include "cli/trace.h"

#define TRACE_RET (SECCOMP_RET_TRACE | TRACE_MARK)
#define HI(v) ((uint64_t)(v) << 32)

static struct sock_filter prog[TRACE_FILTER_MAX];
static size_t len;

static int setup(void **state)
{
	(void)state;
	len = trace_filter(prog, TRACE_FILTER_MAX);
	return len ? 0 : -1;
}

static uint32_t nr_of(const struct arch_abi *abi, const char *name)
{
	const struct systab_ent *e = systab_by_name(abi, name);

	assert_non_null(e);
	return abi->nr_base + e->nr;
}

static uint32_t run(uint32_t arch, uint32_t nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch,
				  .instruction_pointer = 0x401000, .args = { a0, a1, 0x1000 } };

	return cbpf_run(prog, len, &d);
}

static void test_valid(void **state)
{
	struct sock_filter small[8];

	(void)state;
	assert_int_equal(cbpf_validate(prog, len), 0);
	assert_true(len <= TRACE_FILTER_MAX);
	assert_int_equal(trace_filter(small, N(small)), 0);
}

/* Every number of every native ABI, and of ABIs the process cannot use:
 * ALLOW, cached, except the two install calls of a native ABI. */
static void test_everything_else_allowed_and_cached(void **state)
{
	size_t nall, nnat, i, j;
	const struct arch_abi *all = arch_all(&nall);
	const struct arch_abi *const *nat = arch_native(&nnat);
	uint32_t nr, ret;
	bool native, install;
	unsigned long uncached = 0;

	(void)state;
	for (i = 0; i < nall; i++) {
		native = false;
		for (j = 0; j < nnat; j++)
			native |= nat[j] == &all[i];
		for (nr = all[i].nr_base; nr <= all[i].nr_last; nr++) {
			install = native && (nr == nr_of(&all[i], "seccomp") ||
					     nr == nr_of(&all[i], "prctl"));
			ret = run(all[i].audit, nr, 0, 0);
			assert_int_equal(ret, SECCOMP_RET_ALLOW);
			if (oracle_const_allow(prog, len, all[i].audit, nr) == install) {
				fprintf(stderr, "%s nr %u: cached %d\n", all[i].name, nr, !install);
				fail();
			}
			uncached += !oracle_const_allow(prog, len, all[i].audit, nr);
		}
	}
	/* x86_64, x32 and i386: two each */
	assert_int_equal(uncached, 2 * nnat);
}

struct call {
	const char *name;
	uint64_t a0, a1;
	bool trace;
};

static const struct call calls[] = {
	{ "seccomp", SECCOMP_SET_MODE_FILTER, 0, true },
	{ "seccomp", SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER, true },
	{ "seccomp", HI(7) | SECCOMP_SET_MODE_FILTER, 0, true },   /* op is an unsigned int */
	{ "seccomp", SECCOMP_SET_MODE_STRICT, 0, false },
	{ "seccomp", SECCOMP_GET_ACTION_AVAIL, 0, false },
	{ "seccomp", SECCOMP_GET_NOTIF_SIZES, 0, false },
	{ "prctl", PR_SET_SECCOMP, SECCOMP_MODE_FILTER, true },
	{ "prctl", HI(1) | PR_SET_SECCOMP, SECCOMP_MODE_FILTER, true },  /* option is an int */
	{ "prctl", PR_SET_SECCOMP, HI(1) | SECCOMP_MODE_FILTER, false }, /* mode a long */
	{ "prctl", PR_SET_SECCOMP, SECCOMP_MODE_STRICT, false },
	{ "prctl", PR_GET_SECCOMP, SECCOMP_MODE_FILTER, false },
	{ "prctl", PR_SET_NO_NEW_PRIVS, 1, false },
	{ "getpid", SECCOMP_SET_MODE_FILTER, SECCOMP_MODE_FILTER, false },
	{ "getpid", PR_SET_SECCOMP, SECCOMP_MODE_FILTER, false },
};

/* The install calls, their arguments, on every native ABI; the same
 * answer from trace_classify(). */
static void test_installs(void **state)
{
	size_t nnat, i, j;
	const struct arch_abi *const *nat = arch_native(&nnat);
	struct trace_install in;
	uint64_t args[6] = { 0 };

	(void)state;
	for (i = 0; i < nnat; i++) {
		for (j = 0; j < N(calls); j++) {
			const struct arch_abi *abi = nat[i];
			uint32_t nr = nr_of(abi, calls[j].name);
			uint32_t ret = run(abi->audit, nr, calls[j].a0, calls[j].a1);

			args[0] = calls[j].a0;
			args[1] = calls[j].a1;
			args[2] = 0x1000;
			if (ret != (calls[j].trace ? TRACE_RET : SECCOMP_RET_ALLOW)) {
				fprintf(stderr, "%s %s(%#llx, %#llx): %#x\n", abi->name, calls[j].name,
					(unsigned long long)calls[j].a0,
					(unsigned long long)calls[j].a1, ret);
				fail();
			}
			assert_int_equal(trace_classify(abi->audit, nr, args, &in) == 0,
					 calls[j].trace);
			if (!calls[j].trace)
				continue;
			assert_ptr_equal(in.abi, abi);
			assert_int_equal(in.call, strcmp(calls[j].name, "seccomp") == 0 ?
					 TRACE_SECCOMP : TRACE_PRCTL);
			assert_int_equal(in.compat, i != 0);
			assert_int_equal(in.fprog, 0x1000);
		}
	}
}

/* A number of no native ABI: trace_classify() knows nothing of it. */
static void test_classify_unknown(void **state)
{
	uint64_t args[6] = { SECCOMP_SET_MODE_FILTER };
	struct trace_install in;

	(void)state;
	assert_int_equal(trace_classify(AUDIT_ARCH_AARCH64, 277, args, &in), -ENOSYS);
	assert_int_equal(trace_classify(AUDIT_ARCH_X86_64, 0x50000000u, args, &in), -ENOSYS);
	assert_null(trace_abi_of(AUDIT_ARCH_AARCH64, 277));
	assert_string_equal(trace_abi_of(AUDIT_ARCH_X86_64, 0x40000001u)->name, "x32");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_everything_else_allowed_and_cached),
		cmocka_unit_test(test_installs),
		cmocka_unit_test(test_classify_unknown),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
