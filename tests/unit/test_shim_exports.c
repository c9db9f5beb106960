// SPDX-License-Identifier: MIT
/* The preload library exports its hooks and nothing else; its log line
 * says what was patched. */
#include "testlib.h"

#include "log.h"

static void test_exports(void **state)
{
	char line[256], names[1024] = "";
	FILE *p = popen("nm -D --defined-only " SHIM_PATH, "r");

	(void)state;
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char *name = strrchr(line, ' ');

		assert_non_null(name);
		strncat(names, name + 1, sizeof(names) - strlen(names) - 1);
	}
	assert_int_equal(pclose(p), 0);
	assert_string_equal(names, "fork\nprctl\nseccomp_load\nsigaction\nsignal\nsyscall\n");
}

static void test_log_line(void **state)
{
	static struct patch_work work;
	static struct sock_filter f[CBPF_MAX_INSNS];
	struct patch_opts opts = { .an = test_opts };
	struct log_event ev = { .via = "prctl", .opts = &opts, .rep = &work.rep };
	size_t nn;
	const struct arch_abi *const *native = arch_native(&nn);
	char line[1024], want[128];

	(void)state;
	ev.len = load_corpus("docker-default-v19.03.0.bpf", f);
	assert_int_equal(patch_an(f, ev.len, native, nn, &test_opts, &work, &ev.out_len), 0);
	log_format(line, sizeof(line), &ev);
	assert_non_null(strstr(line, "prctl filter of 880 instructions: patched, 15 stub"
			       " instructions answer ENOSYS;"));
	assert_non_null(strstr(line, "x86_64: nr 334-4095 (default 0x50001, largest known 333)"));
	assert_non_null(strstr(line, "x86: nr 403-4095"));
	assert_non_null(strstr(line, "x32: nr 0x40000224-0x40000fff"));
	assert_int_equal(line[strlen(line) - 1], '\n');

	/* dry-run says what it would do; the configured errno is named */
	ev.dry_run = true;
	opts.an.stub_ret = SECCOMP_RET_ERRNO | EOPNOTSUPP;
	log_format(line, sizeof(line), &ev);
	assert_non_null(strstr(line, "instructions: dry-run, forwarded untouched; would "
			       "patch, 15 stub instructions would answer EOPNOTSUPP;"));
	opts.an.stub_ret = SECCOMP_RET_ERRNO | 4000;
	log_format(line, sizeof(line), &ev);
	assert_non_null(strstr(line, "would answer 4000;"));

	ev.dry_run = false;
	ev.len = load_corpus("flatpak-default.bpf", f);
	ev.via = "seccomp";
	assert_int_equal(patch_an(f, ev.len, native, nn, &test_opts, &work, &ev.out_len), 0);
	assert_int_equal(ev.out_len, 0);
	log_format(line, sizeof(line), &ev);
	assert_non_null(strstr(line, "forwarded untouched (no ABI needs a stub)"));
	assert_non_null(strstr(line, "x86_64: the default action is not a denial"));
	/* a tiny buffer is filled, never overrun */
	assert_int_equal(log_format(line, 8, &ev), 7);

	/* not analysed at all */
	ev.rep = NULL;
	ev.note = "mode off";
	log_format(line, sizeof(line), &ev);
	snprintf(want, sizeof(want), "seccomp filter of %zu instructions: forwarded "
		 "untouched (mode off)\n", ev.len);
	assert_non_null(strstr(line, want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exports),
		cmocka_unit_test(test_log_line),
	};

	return run_group("shim", tests, N(tests));
}
