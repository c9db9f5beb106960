// SPDX-License-Identifier: MIT
/* The configuration file: parsing, every kind of error, rule precedence,
 * secure-mode trust, the search for this process. */
#include "testlib.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "conf.h"

static struct conf_file f;
static char err[CONF_ERR_MAX];

static int parse(const char *text)
{
	err[0] = '\0';
	return conf_parse(text, "t.conf", &f, err, sizeof(err));
}

static void test_defaults(void **state)
{
	struct conf_settings d;

	(void)state;
	conf_defaults(&d);
	assert_int_equal(d.pol.mode, POLICY_PATCH);
	assert_int_equal(d.pol.strategy, ANALYZE_MAX_KNOWN);
	assert_int_equal(d.pol.err, ENOSYS);
	assert_int_equal(d.pol.deny, ANALYZE_DENY_DEFAULT);
	assert_int_equal(d.target, CONF_LOG_NONE);
	assert_int_equal(d.pol.fallback, POLICY_FB_BUILTIN);
	assert_int_equal(parse(""), 0);
	assert_int_equal(f.nrules, 0);
	assert_memory_equal(&f.global, &d, sizeof(d));
	assert_int_equal(parse("# only a comment\n"), 0);
	assert_memory_equal(&f.global, &d, sizeof(d));
}

static void test_every_key(void **state)
{
	const uint16_t *set;
	size_t n, m;

	(void)state;
	assert_int_equal(parse(
		"mode = \"dry-run\";\n"
		"strategy = \"kernel-version\";\n"
		"allow_syscalls = [\"rseq\", \"clone3\"];\n"
		"no_rseq = true;\n"
		"baseline = \"5.4\";\n"
		"errno = \"EOPNOTSUPP\";\n"
		"deny_actions = [\"kill_process\", \"user_notif\"];\n"
		"log = { target = \"/var/log/x.log\"; level = \"notice\"; };\n"), 0);
	assert_int_equal(f.global.pol.mode, POLICY_DRY_RUN);
	assert_int_equal(f.global.pol.strategy, ANALYZE_KERNEL_VERSION);
	assert_int_equal(f.global.pol.nallow, 2);
	assert_int_equal(f.global.pol.allow[0], 334);      /* rseq on x86_64 */
	assert_int_equal(f.global.pol.allow[1], 435);      /* clone3 */
	assert_true(f.global.no_rseq);
	assert_int_equal(f.global.pol.baseline, 5 << 8 | 4);
	assert_int_equal(f.global.pol.err, EOPNOTSUPP);
	assert_int_equal(f.global.pol.deny, ANALYZE_DENY_KILL_PROCESS | ANALYZE_DENY_USER_NOTIF);
	assert_int_equal(f.global.target, CONF_LOG_FILE);
	assert_string_equal(f.global.log_path, "/var/log/x.log");
	assert_int_equal(f.global.level, CONF_NOTICE);

	assert_int_equal(parse("errno = 4095; mode = \"off\"; deny_actions = [];\n"
			       "log = { target = \"syslog\"; };"), 0);
	assert_int_equal(f.global.pol.err, 4095);
	assert_int_equal(f.global.pol.mode, POLICY_OFF);
	assert_int_equal(f.global.pol.deny, 0);
	assert_int_equal(f.global.target, CONF_LOG_SYSLOG);
	assert_int_equal(f.global.level, CONF_INFO);	/* default kept */
	/* fallback_safe: the built-in set, none, or names of any ABI */
	assert_int_equal(parse("fallback_safe = false;"), 0);
	assert_int_equal(f.global.pol.fallback, POLICY_FB_NONE);
	assert_null(policy_fallback_set(&f.global.pol, &n));
	assert_int_equal(n, 0);
	assert_int_equal(parse("fallback_safe = true;"), 0);
	assert_ptr_equal(policy_fallback_set(&f.global.pol, &n), systab_fallback(&m));
	assert_int_equal(n, m);
	assert_int_equal(parse("fallback_safe = [\"statx\", \"clone3\", \"futex_time64\"];\n"
			       "programs = ( { comm = \"x\"; fallback_safe = false; } );"), 0);
	set = policy_fallback_set(&f.global.pol, &n);
	assert_int_equal(n, 3);
	assert_string_equal(systab_name_at(set[0]), "clone3");	/* ascending */
	assert_string_equal(systab_name_at(set[1]), "futex_time64");
	assert_string_equal(systab_name_at(set[2]), "statx");
	assert_int_equal(f.rule[0].set.pol.fallback, POLICY_FB_NONE);
	/* libconfig's list syntax works as well as its array syntax */
	assert_int_equal(parse("deny_actions = (\"trap\");"), 0);
	assert_int_equal(f.global.pol.deny, ANALYZE_DENY_TRAP);
}

/* Every error names the file and the line, and says what is wrong. */
static void test_errors(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "mode = \"patch\"\nerrno = ;\n", "t.conf:2: syntax error" },
		{ "mode = 1;", "t.conf:1: mode: expected a string (patch, dry-run, off)" },
		{ "\n\nfoo = 1;", "t.conf:3: unknown key \"foo\"" },
		{ "mode = \"fast\";", "t.conf:1: mode: \"fast\" is not one of patch, dry-run, off" },
		{ "strategy = \"fastest\";", "t.conf:1: strategy: \"fastest\" is not one of max-known, kernel-version" },
		{ "allow_syscalls = \"rseq\";", "t.conf:1: allow_syscalls: expected a list" },
		{ "allow_syscalls = [\"rseq\",\n\"frob\"];", "t.conf:2: allow_syscalls: \"frob\" is not a syscall of x86_64" },
		{ "allow_syscalls = [\"read\", \"read\", \"read\", \"read\", \"read\", "
		  "\"read\", \"read\", \"read\", \"read\"];", "t.conf:1: allow_syscalls: at most 8" },
		{ "strategy = 3;", "t.conf:1: strategy: expected a string" },
		{ "baseline = \"5.x\";", "t.conf:1: baseline: expected \"auto\" or a kernel version" },
		{ "baseline = 5;", "t.conf:1: baseline: expected" },
		{ "errno = \"EFOO\";", "t.conf:1: errno: \"EFOO\" is not an errno name" },
		{ "errno = 0;", "t.conf:1: errno: the number must be between 1 and 4095" },
		{ "errno = 4096;", "t.conf:1: errno: the number must be between 1 and 4095" },
		{ "errno = 1.5;", "t.conf:1: errno: expected a name" },
		{ "deny_actions = \"errno\";", "t.conf:1: deny_actions: expected a list" },
		{ "deny_actions = [\n\"errno\",\n\"kill\"];", "t.conf:3: deny_actions: \"kill\" is not one of" },
		{ "log = \"stderr\";", "t.conf:1: log: expected a group" },
		{ "log = { target = \"file\"; };", "t.conf:1: target: expected none, stderr, syslog or an absolute file path" },
		{ "log = { level = \"debug\"; };", "t.conf:1: level: \"debug\" is not one of error, notice, info" },
		{ "log = { colour = true; };", "t.conf:1: log: unknown key \"colour\"" },
		{ "mode = \"off\";\nmode = \"patch\";", "t.conf:2: duplicate setting name" },
		{ "programs = { exe = \"/x\"; };", "t.conf:1: programs: expected a list" },
		{ "programs = ( \"x\" );", "t.conf:1: programs: each entry must be a group" },
		{ "programs = ( { mode = \"off\"; } );", "t.conf:1: programs: a rule needs exe or comm" },
		{ "programs = (\n { exe = \"/x\"; foo = 1; } );", "t.conf:2: unknown key \"foo\" in a program rule" },
		{ "programs = ( { exe = \"\"; } );", "t.conf:1: exe: expected a non-empty string" },
		{ "programs = ( { comm = 7; } );", "t.conf:1: comm: expected a non-empty string" },
		{ "programs = ( { exe = \"/x\"; mode = \"never\"; } );", "t.conf:1: mode: \"never\" is not one of" },
		{ "\n@include \"/etc/passwd\"\n", "t.conf:2: @include is not supported" },
		{ "fallback_safe = \"clone3\";", "t.conf:1: fallback_safe: expected true, false or a list" },
		{ "fallback_safe = [\"clone3\",\n\"clone4\"];", "t.conf:2: fallback_safe: \"clone4\" is not a syscall name" },
		/* a weakening is never selected by a name the caller chooses */
		{ "programs = (\n { comm = \"legacyapp\"; allow_syscalls = [\"rseq\"]; } );",
		  "t.conf:2: allow_syscalls: a rule with comm cannot set it" },
		{ "programs = ( { exe = \"/x\"; comm = \"x\"; allow_syscalls = []; } );\n"
		  "allow_syscalls = [\"rseq\"];", "t.conf:1: allow_syscalls: a rule with comm" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		assert_int_equal(parse(cases[i].text), -EINVAL);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, cases[i].want);
	}
}

/* glibc's second names for a value; @include only as a directive. */
static void test_aliases_and_include(void **state)
{
	static const struct { const char *name; int value; } aliases[] = {
		{ "EWOULDBLOCK", EAGAIN }, { "ENOTSUP", EOPNOTSUPP }, { "EDEADLOCK", EDEADLK },
		{ "EAGAIN", EAGAIN },
	};
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < N(aliases); i++) {
		snprintf(text, sizeof(text), "errno = \"%s\";", aliases[i].name);
		assert_int_equal(parse(text), 0);
		assert_int_equal(f.global.pol.err, aliases[i].value);
	}
	assert_int_equal(parse("# @include \"x\"\nmode = \"off\"; // @include\n"
			       "/* \n@include \"y\"\n*/ log = { target = \"/l/@include\"; };\n"
			       "/* \"@include */ errno = \"E\\\"@include\" \"ENOSYS\";"), -EINVAL);
	assert_string_equal(err, "t.conf:6: errno: \"E\"@includeENOSYS\" is not an errno name");
	assert_int_equal(parse("# @include \"x\"\nmode = \"off\"; // @include\n"
			       "/* \n@include \"y\"\n*/ log = { target = \"/l/@include\"; };\n"), 0);
	assert_int_equal(f.global.pol.mode, POLICY_OFF);
	assert_string_equal(f.global.log_path, "/l/@include");
	assert_int_equal(parse("mode = \"off\"; /* */\n @include \"y\"\n"), -EINVAL);
	assert_string_equal(err, "t.conf:2: @include is not supported");
}

/* log.target and $ENOSTUB_LOG: one rule. */
static void test_log_target(void **state)
{
	struct conf_settings s;
	const char *why = NULL;
	char longpath[CONF_PATH_MAX + 2];

	(void)state;
	conf_defaults(&s);
	assert_int_equal(conf_log_target("stderr", &s, &why), 0);
	assert_int_equal(s.target, CONF_LOG_STDERR);
	assert_int_equal(conf_log_target("/var/log/e.log", &s, &why), 0);
	assert_int_equal(s.target, CONF_LOG_FILE);
	assert_string_equal(s.log_path, "/var/log/e.log");
	assert_int_equal(conf_log_target("relative.log", &s, &why), -EINVAL);
	assert_string_equal(why, "expected none, stderr, syslog or an absolute file path");
	assert_int_equal(conf_log_target("verbose", &s, &why), -EINVAL);
	assert_int_equal(conf_log_target(NULL, &s, &why), -EINVAL);
	longpath[0] = '/';
	memset(longpath + 1, 'x', sizeof(longpath) - 2);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(conf_log_target(longpath, &s, &why), -ENAMETOOLONG);
	assert_int_equal(s.target, CONF_LOG_FILE);	/* untouched by a refusal */
	assert_string_equal(s.log_path, "/var/log/e.log");
}

static void test_too_many_rules(void **state)
{
	static char text[CONF_MAX_RULES * 40 + 64];
	size_t i, n = 0;

	(void)state;
	n += (size_t)sprintf(text + n, "programs = (");
	for (i = 0; i <= CONF_MAX_RULES; i++)
		n += (size_t)sprintf(text + n, "%s{ comm = \"p%zu\"; }", i ? "," : "", i);
	sprintf(text + n, ");");
	assert_int_equal(parse(text), -EINVAL);
	assert_string_equal(err, "t.conf:1: programs: more than 64 rules");
}

static void test_precedence(void **state)
{
	struct conf_identity id = { "/usr/sbin/vsftpd", "vsftpd", false };
	const struct conf_settings *s;
	unsigned int line;

	(void)state;
	/* rules come before the global keys in the file: they still inherit */
	assert_int_equal(parse(
		"programs = (\n"
		"  { exe = \"/usr/sbin/*\"; comm = \"chronyd\"; mode = \"off\"; },\n"
		"  { comm = \"vsftpd\"; errno = \"EPERM\"; },\n"
		"  { exe = \"/usr/sbin/*\"; mode = \"dry-run\"; }\n"
		");\n"
		"errno = 95;\n"
		"log = { target = \"stderr\"; };\n"), 0);
	assert_int_equal(f.nrules, 3);

	/* first match wins: rule 1 needs both patterns */
	s = conf_match(&f, &id, &line);
	assert_int_equal(line, 3);
	assert_int_equal(s->pol.err, EPERM);
	assert_int_equal(s->pol.mode, POLICY_PATCH);
	assert_int_equal(s->target, CONF_LOG_STDERR);	/* inherited */

	strcpy(id.comm, "chronyd");
	s = conf_match(&f, &id, &line);
	assert_int_equal(line, 2);
	assert_int_equal(s->pol.mode, POLICY_OFF);
	assert_int_equal(s->pol.err, 95);			/* inherited */

	strcpy(id.comm, "sshd");
	s = conf_match(&f, &id, &line);
	assert_int_equal(line, 4);
	assert_int_equal(s->pol.mode, POLICY_DRY_RUN);

	strcpy(id.exe, "/usr/bin/sshd");		/* nothing matches */
	s = conf_match(&f, &id, &line);
	assert_int_equal(line, 0);
	assert_ptr_equal(s, &f.global);
	assert_int_equal(s->pol.err, 95);
}

/* Secure mode: comm is the caller's choice, so a rule with a comm pattern
 * never matches, whatever the comm; exe rules still do. */
static void test_secure_match(void **state)
{
	struct conf_identity id = { "/usr/bin/passwd", "legacyapp", false };
	const struct conf_settings *s;
	unsigned int line;

	(void)state;
	assert_int_equal(parse(
		"programs = (\n"
		"  { comm = \"legacyapp\"; mode = \"off\"; },\n"
		"  { exe = \"/usr/bin/*\"; comm = \"legacy*\"; mode = \"dry-run\"; },\n"
		"  { exe = \"/usr/bin/passwd\"; errno = \"EPERM\"; allow_syscalls = [\"rseq\"]; }\n"
		");\n"), 0);
	assert_true(f.any_exe);
	assert_true(f.any_comm);
	s = conf_match(&f, &id, &line);
	assert_int_equal(line, 2);
	assert_int_equal(s->pol.mode, POLICY_OFF);

	id.secure = true;
	s = conf_match(&f, &id, &line);
	assert_int_equal(line, 4);
	assert_int_equal(s->pol.err, EPERM);
	assert_int_equal(s->pol.nallow, 1);

	strcpy(id.exe, "/usr/bin/su");
	s = conf_match(&f, &id, &line);
	assert_int_equal(line, 0);
	assert_ptr_equal(s, &f.global);

	/* the identity fetches only what rules need, and never comm in
	 * secure mode */
	conf_identify(&id, true, &f);
	assert_true(id.secure);
	assert_string_equal(id.comm, "");
	assert_true(id.exe[0] == '/');
	conf_identify(&id, false, &f);
	assert_string_equal(id.comm, "test_conf");
	assert_int_equal(parse("programs = ( { comm = \"x\"; } );"), 0);
	assert_false(f.any_exe);
	conf_identify(&id, false, &f);
	assert_string_equal(id.exe, "");
	assert_string_equal(id.comm, "test_conf");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_read_errors(void **state)
{
	char dir[] = "/tmp/enostub-conf-XXXXXX", path[64], big[CONF_FILE_MAX + 2];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	err[0] = '\0';
	assert_int_equal(conf_read(path, false, &f, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/none.conf: No such file or directory"));
	snprintf(path, sizeof(path), "%s/dangling.conf", dir);
	assert_int_equal(symlink("/nonexistent/x.conf", path), 0);
	assert_int_equal(conf_read(path, false, &f, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/dangling.conf: a symbolic link to "
			       "\"/nonexistent/x.conf\", which does not exist"));
	unlink(path);
	/* procfs: a size of 0, and contents */
	assert_int_equal(conf_read("/proc/version", false, &f, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "/proc/version: reports a size of 0 but has contents "
			    "(a procfs or sysfs file?): not a configuration file");
	/* a truly empty file is an empty configuration */
	snprintf(path, sizeof(path), "%s/empty.conf", dir);
	write_file(path, "", 0644);
	assert_int_equal(conf_read(path, false, &f, err, sizeof(err)), 0);
	unlink(path);

	assert_int_equal(conf_read(dir, false, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));

	snprintf(path, sizeof(path), "%s/fifo", dir);	/* never blocks */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(conf_read(path, false, &f, err, sizeof(err)), -EINVAL);
	unlink(path);

	snprintf(path, sizeof(path), "%s/big.conf", dir);
	memset(big, '#', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file(path, big, 0644);
	assert_int_equal(conf_read(path, false, &f, err, sizeof(err)), -EFBIG);
	assert_non_null(strstr(err, "big.conf: larger than 64 KiB"));

	snprintf(path, sizeof(path), "%s/bad.conf", dir);
	write_file(path, "mode = \"patch\";\nerrno = \"ENOPE\";\n", 0644);
	assert_int_equal(conf_read(path, false, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/bad.conf:2: errno: \"ENOPE\""));
	unlink(path);
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* Secure mode reads only a root-owned file nobody else may write. */
static void test_secure_owner(void **state)
{
	static const struct { uid_t uid; mode_t mode; int plain, secure; } cases[] = {
		{ 0, 0644, 0, 0 },
		{ 0, 0600, 0, 0 },
		{ 0, 0664, 0, -EPERM },
		{ 0, 0646, 0, -EPERM },
		{ 65534, 0644, 0, -EPERM },
		{ 65534, 0600, 0, -EPERM },
	};
	char path[] = "/tmp/enostub-owner-XXXXXX";
	struct stat st;
	size_t i;
	int fd;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		memset(&st, 0, sizeof(st));
		st.st_mode = S_IFREG | cases[i].mode;
		st.st_uid = cases[i].uid;
		assert_int_equal(conf_check_owner(&st, false), cases[i].plain);
		assert_int_equal(conf_check_owner(&st, true), cases[i].secure);
	}
	st.st_mode = S_IFDIR | 0755;
	assert_int_equal(conf_check_owner(&st, false), -EINVAL);

	/* the same on a real file (the tests run as root) */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "mode = \"off\";\n", 14), 14);
	close(fd);
	for (i = 0; i < N(cases); i++) {
		assert_int_equal(chown(path, cases[i].uid, 0), 0);
		assert_int_equal(chmod(path, cases[i].mode), 0);
		assert_int_equal(conf_read(path, false, &f, err, sizeof(err)), cases[i].plain);
		assert_int_equal(conf_read(path, true, &f, err, sizeof(err)), cases[i].secure);
		if (cases[i].secure)
			assert_non_null(strstr(err, "not trusted in secure mode"));
	}
	unlink(path);
}

/* The shipped configuration and the examples are valid. */
static void test_shipped_files(void **state)
{
	static const char *const files[] = {
		CONF_DIR "/enostub.conf",
		CONF_DIR "/examples/legacy-app-dry-run.conf",
		CONF_DIR "/examples/distro-wide.conf",
	};
	struct conf_settings d;
	size_t i;

	(void)state;
	for (i = 0; i < N(files); i++) {
		if (conf_read(files[i], false, &f, err, sizeof(err)) != 0)
			fail_msg("%s", err);
	}
	/* the installed default says exactly what the embedded default does */
	assert_int_equal(conf_read(files[0], false, &f, err, sizeof(err)), 0);
	conf_defaults(&d);
	assert_memory_equal(&f.global, &d, sizeof(d));
	assert_int_equal(f.nrules, 0);
}

/* conf_describe() writes configuration text that reads back the same. */
static void test_describe(void **state)
{
	static const char *const texts[] = {
		"",
		"mode = \"dry-run\"; errno = \"EPERM\"; baseline = \"4.19\";"
		"deny_actions = [\"trap\", \"user_notif\"];"
		"log = { target = \"/tmp/x\"; level = \"error\"; };",
		"mode = \"off\"; deny_actions = []; log = { target = \"syslog\"; };",
		"fallback_safe = false;",
		"fallback_safe = [\"clone3\", \"statx\"];",
	};
	struct conf_settings s;
	char text[1024];
	size_t i;

	(void)state;
	for (i = 0; i < N(texts); i++) {
		assert_int_equal(parse(texts[i]), 0);
		s = f.global;
		conf_describe(&s, text, sizeof(text));
		assert_int_equal(parse(text), 0);
		assert_memory_equal(&f.global, &s, sizeof(s));
	}
	/* an errno without a name is written as its number */
	assert_int_equal(parse("errno = 4000;"), 0);
	conf_describe(&f.global, text, sizeof(text));
	assert_non_null(strstr(text, "errno = 4000;"));
	assert_non_null(strstr(text, "fallback_safe = true;"));
	assert_int_equal(parse("fallback_safe = [\"statx\", \"clone3\"];"), 0);
	conf_describe(&f.global, text, sizeof(text));
	assert_non_null(strstr(text, "fallback_safe = [\"clone3\", \"statx\"];"));
}

/* The search: $ENOSTUB_CONFIG, ignored in secure mode; errors kept. */
static void test_load(void **state)
{
	char path[] = "/tmp/enostub-load-XXXXXX";
	struct conf_state st;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	dprintf(fd, "errno = 95;\nprograms = ( { comm = \"test_conf\"; mode = \"dry-run\"; } );\n");
	close(fd);
	assert_int_equal(chmod(path, 0644), 0);
	setenv("ENOSTUB_CONFIG", path, 1);

	conf_load(&st, false, conf_path(false));
	assert_string_equal(st.error, "");
	assert_string_equal(st.source, path);
	assert_int_equal(st.rule_line, 2);		/* this program's comm */
	assert_int_equal(st.set.pol.mode, POLICY_DRY_RUN);
	assert_int_equal(st.set.pol.err, 95);

	conf_load(&st, true, conf_path(true));		/* secure: not read */
	assert_string_not_equal(st.source, path);

	fd = open(path, O_WRONLY | O_TRUNC);
	dprintf(fd, "mode = \"off\";\nerrno = ;\n");
	close(fd);
	conf_load(&st, false, conf_path(false));
	assert_non_null(strstr(st.error, ":2: syntax error"));
	assert_int_equal(st.set.pol.mode, POLICY_PATCH);	/* defaults, flagged unusable */

	unlink(path);
	conf_load(&st, false, conf_path(false));	/* named but missing */
	assert_non_null(strstr(st.error, "No such file or directory"));
	unsetenv("ENOSTUB_CONFIG");
}

/* The snapshot's header, as shim/config/snap.h lays it out (80 bytes, no padding): the
 * parsed file follows. The tests forge snapshots with it. */
struct snap_head {
	char magic[8];
	uint32_t format, file_size, rule_size, settings_size;
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec;
	uint64_t nrules, sum;
};

/* Format 2's checksum, written out again: FNV-1a over 64-bit words in
 * the machine's byte order, then the bytes left. */
static uint64_t fnv1a(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static size_t slurp_snap(const char *path, unsigned char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size);
	close(fd);
	assert_true(n > (ssize_t)sizeof(struct snap_head));
	return (size_t)n;
}

/* Rewrite the snapshot, with a new checksum when @resum. */
static void put_snap(const char *path, unsigned char *buf, size_t n, bool resum)
{
	struct snap_head h;
	int fd;

	if (resum) {
		memcpy(&h, buf, sizeof(h));
		h.sum = fnv1a(buf + sizeof(h), n - sizeof(h));
		memcpy(buf, &h, sizeof(h));
	}
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

/* Replace @from by @to (the same length) in the file @path, keeping its
 * size and modification time: its snapshot stays fresh. */
static void keep_identity_rewrite(const char *path, const char *from, const char *to)
{
	char text[4096], *at;
	struct timespec times[2];
	struct stat sb;
	FILE *fp;
	size_t n;

	assert_int_equal(strlen(from), strlen(to));
	assert_int_equal(stat(path, &sb), 0);
	fp = fopen(path, "r+");
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	at = strstr(text, from);
	assert_non_null(at);
	memcpy(at, to, strlen(to));
	rewind(fp);
	assert_int_equal(fwrite(text, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	times[0] = sb.st_atim;
	times[1] = sb.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* check-config --compile's snapshot: read back exactly as parsed, refused
 * when the file changed, when damaged, forged out of range, or (secure
 * mode) not owned by root; conf_load() then parses the file and says why. */
static void test_snapshot(void **state)
{
	static struct conf_file parsed, snap;
	static unsigned char buf[sizeof(struct snap_head) + sizeof(struct conf_file)];
	char dir[] = "/tmp/enostub-snap-XXXXXX", path[64], sp[80];
	const char *text = "errno = \"EPERM\";\nprograms = (\n"
		"  { exe = \"/usr/sbin/legacyd\"; allow_syscalls = [\"rseq\"]; },\n"
		"  { comm = \"test_conf\"; mode = \"dry-run\"; fallback_safe = [\"clone3\"]; }\n);\n";
	size_t mode_at = sizeof(struct snap_head) + offsetof(struct conf_file, global.pol.mode);
	struct conf_state st;
	struct stat sb;
	int saved, rc;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.conf", dir);
	snprintf(sp, sizeof(sp), "%s" CONF_SNAP_SUFFIX, path);
	write_file(path, text, 0644);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), -ENOENT);
	assert_int_equal(conf_compile(path, err, sizeof(err)), 0);
	assert_int_equal(conf_read(path, false, &parsed, err, sizeof(err)), 0);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), 0);
	assert_int_equal(snap.nrules, 2);
	assert_memory_equal(&snap, &parsed, offsetof(struct conf_file, rule) +
			    2 * sizeof(parsed.rule[0]));
	assert_int_equal(conf_snapshot(path, &sb, true, &snap), 0);	/* root's */
	/* descriptor 0 is a descriptor like any other (daemons close stdin) */
	saved = dup(0);
	close(0);
	rc = conf_snapshot(path, &sb, false, &snap);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_int_equal(rc, 0);
	conf_load(&st, false, path);
	assert_true(st.from_snapshot);
	assert_string_equal(st.note, "");
	assert_int_equal(st.rule_line, 4);
	assert_int_equal(st.set.pol.mode, POLICY_DRY_RUN);
	assert_int_equal(st.set.pol.err, EPERM);
	/* the snapshot, not the file, while it is fresh: the file rewritten
	 * in place, same size and time, still gives the snapshot's settings */
	keep_identity_rewrite(path, "errno = \"EPERM\"", "errno = \"EBUSY\"");
	conf_load(&st, false, path);
	assert_true(st.from_snapshot);
	assert_int_equal(st.set.pol.err, EPERM);
	keep_identity_rewrite(path, "errno = \"EBUSY\"", "errno = \"EPERM\"");

	/* damaged: a flipped byte, a cut, another format */
	n = slurp_snap(sp, buf, sizeof(buf));
	buf[n - 1] ^= 1;
	put_snap(sp, buf, n, false);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), -EINVAL);
	buf[n - 1] ^= 1;
	put_snap(sp, buf, n - 1, false);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), -EINVAL);
	buf[8] ^= 1;
	put_snap(sp, buf, n, false);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), -ESTALE);
	buf[8] ^= 1;
	/* forged with a good checksum: only what the parser could produce */
	buf[mode_at] = 7;
	put_snap(sp, buf, n, true);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), -EINVAL);
	conf_load(&st, false, path);
	assert_false(st.from_snapshot);
	assert_non_null(strstr(st.note, "e.conf.snap is damaged: parsed "));
	assert_int_equal(st.set.pol.mode, POLICY_DRY_RUN);	/* from the file */
	buf[mode_at] = POLICY_PATCH;
	buf[sizeof(struct snap_head) + offsetof(struct conf_file, global.pol.translate)] = 2;
	put_snap(sp, buf, n, true);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), -EINVAL);	/* a bool of 2 */
	buf[sizeof(struct snap_head) + offsetof(struct conf_file, global.pol.translate)] = 1;
	put_snap(sp, buf, n, true);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), 0);
	assert_true(snap.global.pol.translate);

	/* secure mode trusts it as it trusts the file */
	assert_int_equal(chown(sp, 65534, 65534), 0);
	saved = open("/dev/null", O_RDONLY);
	close(saved);
	assert_int_equal(conf_snapshot(path, &sb, true, &snap), -EPERM);
	assert_int_equal(open("/dev/null", O_RDONLY), saved);	/* closed again */
	close(saved);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), 0);
	assert_int_equal(chown(sp, 0, 0), 0);
	assert_int_equal(chmod(sp, 0664), 0);
	assert_int_equal(conf_snapshot(path, &sb, true, &snap), -EPERM);
	conf_load(&st, true, path);
	assert_non_null(strstr(st.note, "is not trusted"));
	assert_int_equal(chmod(sp, 0644), 0);

	/* the file changed: stale, and the file's new text applies */
	write_file(path, "errno = \"EACCES\";\n", 0644);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(conf_snapshot(path, &sb, false, &snap), -ESTALE);
	conf_load(&st, false, path);
	assert_false(st.from_snapshot);
	assert_non_null(strstr(st.note, "is stale"));
	assert_int_equal(st.set.pol.err, EACCES);
	assert_int_equal(conf_compile(path, err, sizeof(err)), 0);
	conf_load(&st, false, path);
	assert_true(st.from_snapshot);
	assert_int_equal(st.set.pol.err, EACCES);

	/* a file with errors gets no snapshot */
	write_file(path, "errno = ;\n", 0644);
	assert_int_equal(conf_compile(path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":1: syntax error"));
	unlink(sp);
	unlink(path);
	rmdir(dir);
}

/* One forgery of a good snapshot: @size bytes of @value at @at (an offset
 * in the file), the checksum made good again; what conf_snapshot() says. */
struct forgery {
	const char *what;
	size_t at, size;
	uint64_t value;
	int rc;
	bool fill;	/* all @size bytes are @value */
	size_t keep;	/* write only this many bytes; EXTRA: one more */
};

#define EXTRA ((size_t)-1)

#define HEAD sizeof(struct snap_head)
#define GLOBAL(field) (HEAD + offsetof(struct conf_file, global.field))
#define RULE(i, field) (HEAD + offsetof(struct conf_file, rule) + \
			(i) * sizeof(struct conf_rule) + offsetof(struct conf_rule, field))
#define FILEAT(field) (HEAD + offsetof(struct conf_file, field))
#define SET(what, field, v, rc) { what, field, sizeof(uint8_t), v, rc, false, 0 }
#define SET16(what, field, v, rc) { what, field, sizeof(uint16_t), v, rc, false, 0 }
#define SET32(what, field, v, rc) { what, field, sizeof(uint32_t), v, rc, false, 0 }
#define SET64(what, field, v, rc) { what, field, sizeof(uint64_t), v, rc, false, 0 }
#define FILL(what, field, len, rc) { what, field, len, 'a', rc, true, 0 }
#define KEEP(what, len, rc) { what, 0, 0, 0, rc, false, len }

/* Write @text, compile it, and try each forgery of its snapshot. */
static void forge_each(const char *text, const struct forgery *fg, size_t n)
{
	static unsigned char good[HEAD + sizeof(struct conf_file)], buf[sizeof(good) + 1];
	static struct conf_file out;
	char dir[] = "/tmp/enostub-forge-XXXXXX", path[64], sp[80];
	struct stat sb;
	size_t len, i;
	int rc, free_fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.conf", dir);
	snprintf(sp, sizeof(sp), "%s" CONF_SNAP_SUFFIX, path);
	write_file(path, text, 0644);
	assert_int_equal(conf_compile(path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &sb), 0);
	len = slurp_snap(sp, good, sizeof(good));
	free_fd = open("/dev/null", O_RDONLY);
	close(free_fd);
	for (i = 0; i < n; i++) {
		memcpy(buf, good, len);
		buf[len] = 0;
		if (fg[i].fill)
			memset(buf + fg[i].at, (int)fg[i].value, fg[i].size);
		else
			memcpy(buf + fg[i].at, &fg[i].value, fg[i].size);	/* little-endian */
		put_snap(sp, buf, fg[i].keep == EXTRA ? len + 1 : fg[i].keep ? fg[i].keep : len,
			 fg[i].at >= HEAD);
		memset(&out, 0x5a, sizeof(out));
		rc = conf_snapshot(path, &sb, false, &out);
		if (rc != fg[i].rc)
			fail_msg("%s: conf_snapshot() %d, expected %d", fg[i].what, rc, fg[i].rc);
		/* nothing written on failure, no descriptor left open */
		if (rc && ((unsigned char *)&out)[0] != 0x5a)
			fail_msg("%s: conf_snapshot() wrote its output on failure", fg[i].what);
		assert_int_equal(open("/dev/null", O_RDONLY), free_fd);
		close(free_fd);
	}
	put_snap(sp, good, len, false);
	assert_int_equal(conf_snapshot(path, &sb, true, &out), 0);
	unlink(sp);
	unlink(path);
	rmdir(dir);
}

/* Every value check of a snapshot, at its edge: the largest value the
 * parser can produce is taken, the next one refused (-EINVAL); a header
 * of another build or source is stale (-ESTALE). */
static void test_snapshot_forged(void **state)
{
	static const struct forgery global[] = {
		SET("mode off", GLOBAL(pol.mode), POLICY_OFF, 0),
		SET("mode 3", GLOBAL(pol.mode), POLICY_OFF + 1, -EINVAL),
		SET("strategy kernel-version", GLOBAL(pol.strategy), ANALYZE_KERNEL_VERSION, 0),
		SET("strategy 2", GLOBAL(pol.strategy), ANALYZE_KERNEL_VERSION + 1, -EINVAL),
		SET16("errno 1", GLOBAL(pol.err), 1, 0),
		SET16("errno 0", GLOBAL(pol.err), 0, -EINVAL),
		SET16("errno 4095", GLOBAL(pol.err), 4095, 0),
		SET16("errno 4096", GLOBAL(pol.err), 4096, -EINVAL),
		SET32("deny all", GLOBAL(pol.deny), (ANALYZE_DENY_USER_NOTIF << 1) - 1, 0),
		SET32("deny a bit more", GLOBAL(pol.deny), ANALYZE_DENY_USER_NOTIF << 1, -EINVAL),
		SET("nallow 8 (read)", GLOBAL(pol.nallow), POLICY_MAX_ALLOW, 0),
		SET("nallow 9", GLOBAL(pol.nallow), POLICY_MAX_ALLOW + 1, -EINVAL),
		SET16("allow no syscall", GLOBAL(pol.allow[0]), 4000, -EINVAL),
		SET("fallback none", GLOBAL(pol.fallback), POLICY_FB_NONE, 0),
		SET("fallback 3", GLOBAL(pol.fallback), POLICY_FB_LIST + 1, -EINVAL),
		SET("nfallback 33", GLOBAL(pol.nfallback), POLICY_MAX_FALLBACK + 1, -EINVAL),
		SET("nfallback 3: a 0 after", GLOBAL(pol.nfallback), 3, -EINVAL),
		SET16("fallback no name", GLOBAL(pol.fallback_names[1]), 0xffff, -EINVAL),
		SET16("fallback out of order", GLOBAL(pol.fallback_names[0]), 0xfff0, -EINVAL),
		SET("target file, a path", GLOBAL(target), CONF_LOG_FILE, 0),
		SET("target 4", GLOBAL(target), CONF_LOG_FILE + 1, -EINVAL),
		SET("relative log path", GLOBAL(log_path[0]), 'x', -EINVAL),
		SET("level info", GLOBAL(level), CONF_INFO, 0),
		SET("level 3", GLOBAL(level), CONF_INFO + 1, -EINVAL),
		SET("rseq_guard 1", GLOBAL(pol.rseq_guard), 1, 0),
		SET("rseq_guard 2", GLOBAL(pol.rseq_guard), 2, -EINVAL),
		SET("translate 2", GLOBAL(pol.translate), 2, -EINVAL),
		SET("no_rseq 1", GLOBAL(no_rseq), 1, 0),
		SET("no_rseq 2", GLOBAL(no_rseq), 2, -EINVAL),
		FILL("log path unterminated", GLOBAL(log_path), CONF_PATH_MAX, -EINVAL),
		FILL("log path of 255", GLOBAL(log_path[1]), CONF_PATH_MAX - 2, 0),
		FILL("name unterminated", FILEAT(name), CONF_PATH_MAX, -EINVAL),
		SET("any_exe 2", FILEAT(any_exe), 2, -EINVAL),
		SET("any_exe, no exe rule", FILEAT(any_exe), 1, -EINVAL),
		SET16("allow timer_create (222: none on i386)", GLOBAL(pol.allow[0]), 222, 0),
		SET16("fallback, the first no name", GLOBAL(pol.fallback_names[0]), 1, -EINVAL),
		/* the header */
		SET("magic", 7, 'X', -ESTALE),
		SET("magic's first byte", 0, 'X', -ESTALE),
		KEEP("the header only", HEAD, -EINVAL),
		KEEP("less than a header", HEAD - 1, -ESTALE),
		KEEP("a byte more", EXTRA, -EINVAL),
		SET32("format", offsetof(struct snap_head, format), 1, -ESTALE),
		SET32("file size", offsetof(struct snap_head, file_size), 1, -ESTALE),
		SET32("rule size", offsetof(struct snap_head, rule_size), 1, -ESTALE),
		SET32("settings size", offsetof(struct snap_head, settings_size), 1, -ESTALE),
		SET64("device", offsetof(struct snap_head, dev), 1, -ESTALE),
		SET64("inode", offsetof(struct snap_head, ino), 1, -ESTALE),
		SET64("size", offsetof(struct snap_head, size), 1, -ESTALE),
		SET64("mtime", offsetof(struct snap_head, mtime_sec), 1, -ESTALE),
		SET64("mtime ns", offsetof(struct snap_head, mtime_nsec), 1, -ESTALE),
		SET64("nrules 1", offsetof(struct snap_head, nrules), 1, -EINVAL),
		SET64("nrules 65", offsetof(struct snap_head, nrules), CONF_MAX_RULES + 1, -EINVAL),
		SET64("checksum", offsetof(struct snap_head, sum), 1, -EINVAL),
	};
	static const struct forgery rules[] = {
		SET64("nrules in the file", FILEAT(nrules), 1, -EINVAL),
		SET("exe rule, no exe", RULE(0, exe[0]), 0, -EINVAL),
		FILL("exe unterminated", RULE(0, exe), CONF_PATH_MAX, -EINVAL),
		FILL("comm unterminated", RULE(1, comm), CONF_COMM_MAX * 4, -EINVAL),
		FILL("comm of 63", RULE(1, comm), CONF_COMM_MAX * 4 - 1, 0),
		SET("a rule's mode 3", RULE(0, set.pol.mode), POLICY_OFF + 1, -EINVAL),
		SET("a rule's level 3", RULE(1, set.level), CONF_INFO + 1, -EINVAL),
		SET("comm rule's own allow list", RULE(1, set.pol.nallow), 0, -EINVAL),
		SET16("comm rule's own allow entry", RULE(1, set.pol.allow[0]), 1, -EINVAL),
		SET16("exe rule's own allow entry", RULE(0, set.pol.allow[0]), 1, 0),
		SET("any_comm 0", FILEAT(any_comm), 0, -EINVAL),
		SET("any_exe 0", FILEAT(any_exe), 0, -EINVAL),
		SET("any_comm 2", FILEAT(any_comm), 2, -EINVAL),
		FILL("empty log path, bytes after its NUL", GLOBAL(log_path[1]), CONF_PATH_MAX - 1, 0),
	};
	static const struct forgery edge[] = {
		SET("nfallback 31", GLOBAL(pol.nfallback), POLICY_MAX_FALLBACK - 1, 0),
		SET("nfallback 33", GLOBAL(pol.nfallback), POLICY_MAX_FALLBACK + 1, -EINVAL),
		SET("any_exe 0", FILEAT(any_exe), 0, -EINVAL),
	};
	static const struct forgery comm_only[] = {
		SET("any_comm 0", FILEAT(any_comm), 0, -EINVAL),
		SET("any_exe 1", FILEAT(any_exe), 1, -EINVAL),
	};
	static const char *const names[] = {
		"accept", "accept4", "access", "acct", "add_key", "adjtimex", "alarm", "bind",
		"bpf", "brk", "capget", "capset", "chdir", "chmod", "chown", "chroot",
		"clock_getres", "clock_gettime", "clock_nanosleep", "clock_settime", "clone",
		"clone3", "close", "close_range", "connect", "copy_file_range", "creat",
		"delete_module", "dup", "dup2", "dup3", "epoll_create",
	};
	static char big[8192];
	size_t i;
	char text[256];

	(void)state;
	/* duplicates in fallback_safe are the parser's too */
	snprintf(text, sizeof(text), "allow_syscalls = [\"read\"];\n"
		 "fallback_safe = [\"clone3\", \"clone3\"];\n"
		 "log = { target = \"/var/log/e.log\"; };\n");
	forge_each(text, global, N(global));
	forge_each("allow_syscalls = [\"read\"];\nprograms = (\n"
		   "  { exe = \"/usr/sbin/x\"; },\n  { comm = \"x\"; },\n  { exe = \"*\"; }\n);\n",
		   rules, N(rules));
	/* as large as the parser allows: 32 fallback-safe names, 64 rules
	 * (each an exe of one character) */
	strcpy(big, "fallback_safe = [");
	for (i = 0; i < N(names); i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s\"%s\"",
			 i ? ", " : "", names[i]);
	strcat(big, "];\nprograms = (");
	for (i = 0; i < CONF_MAX_RULES; i++)
		strcat(big, i ? ", { exe = \"*\"; }" : "{ exe = \"*\"; }");
	strcat(big, ");\n");
	forge_each(big, edge, N(edge));
	forge_each("programs = ( { comm = \"x\"; }, { comm = \"y\"; } );\n",
		   comm_only, N(comm_only));
}

/* getenv() without the C library: a name matches whole, up to its '=';
 * nothing in secure mode. conf_path() takes a non-empty one. */
static void test_getenv_and_path(void **state)
{
	char dir[] = "/tmp/enostub-long-XXXXXX", longpath[CONF_PATH_MAX + 64];
	char snapname[CONF_PATH_MAX + 64], linkname[CONF_PATH_MAX + 64], linksnap[CONF_PATH_MAX + 64];
	struct conf_state st;
	struct stat sb;
	uint8_t byte;
	int n;

	(void)state;
	setenv("ENOSTUB_CONFIGX", "wrong", 1);
	setenv("XNOSTUB_CONFIG", "wrong", 1);
	unsetenv("ENOSTUB_CONFIG");
	assert_null(conf_getenv("ENOSTUB_CONFIG", false));
	/* without it, the system file if it exists (a dangling link counts) */
	if (lstat(ENOSTUB_SYSCONF, &sb) != 0)
		assert_null(conf_path(false));
	else
		assert_string_equal(conf_path(false), ENOSTUB_SYSCONF);
	setenv("ENOSTUB_CONFIG", "x", 1);	/* one character is a name */
	assert_string_equal(conf_path(false), "x");
	assert_null(conf_getenv("ENOSTUB_CONFIGXY", false));
	assert_string_equal(conf_getenv("ENOSTUB_CONFIGX", false), "wrong");
	assert_null(conf_getenv("ENOSTUB_CONFIGX", true));
	setenv("ENOSTUB_CONFIG", "/x/e.conf", 1);
	assert_string_equal(conf_getenv("ENOSTUB_CONFIG", false), "/x/e.conf");
	assert_string_equal(conf_path(false), "/x/e.conf");
	assert_string_not_equal(conf_path(true) ? conf_path(true) : "", "/x/e.conf");
	setenv("ENOSTUB_CONFIG", "", 1);	/* empty: as if unset */
	assert_string_equal(conf_getenv("ENOSTUB_CONFIG", false), "");
	assert_true(conf_path(false) == NULL || strcmp(conf_path(false), ENOSTUB_SYSCONF) == 0);
	unsetenv("ENOSTUB_CONFIGX");
	unsetenv("XNOSTUB_CONFIG");
	unsetenv("ENOSTUB_CONFIG");

	/* the source named in the log is cut to fit, and terminated */
	memset(&st, 0x55, sizeof(st));
	conf_load(&st, false, NULL);
	assert_string_equal(st.source, "built-in");
	assert_int_equal(st.rule_line, 0);
	memcpy(&byte, &st.from_snapshot, 1);
	assert_int_equal(byte, 0);
	assert_string_equal(st.note, "");
	assert_string_equal(st.error, "");
	assert_non_null(mkdtemp(dir));
	n = snprintf(longpath, sizeof(longpath), "%s/", dir);
	memset(longpath + n, 'a', 250);
	longpath[n + 250] = '\0';
	assert_int_equal(mkdir(longpath, 0755), 0);
	strcat(longpath, "/e.conf");
	write_file(longpath, "mode = \"off\";\n", 0644);
	memset(&st, 0x55, sizeof(st));
	conf_load(&st, false, longpath);
	assert_string_equal(st.error, "");
	assert_int_equal(st.set.pol.mode, POLICY_OFF);
	assert_int_equal(strlen(st.source), CONF_PATH_MAX - 1);
	assert_memory_equal(st.source, longpath, CONF_PATH_MAX - 1);
	unlink(longpath);
	*strrchr(longpath, '/') = '\0';
	rmdir(longpath);
	/* the longest path whose snapshot's name fits (258 + ".snap") */
	n = snprintf(longpath, sizeof(longpath), "%s/", dir);
	memset(longpath + n, 'b', 258 - 7 - (size_t)n);
	longpath[258 - 7] = '\0';
	assert_int_equal(mkdir(longpath, 0755), 0);
	strcat(longpath, "/e.conf");
	assert_int_equal(strlen(longpath), 258);
	write_file(longpath, "mode = \"off\";\n", 0644);
	assert_int_equal(conf_compile(longpath, err, sizeof(err)), 0);
	assert_int_equal(stat(longpath, &sb), 0);
	assert_int_equal(conf_snapshot(longpath, &sb, false, &f), 0);
	/* one character more: no snapshot is looked for, even one that
	 * exists (here a copy, for a hard link to the same file) */
	strcpy(snapname, longpath);
	strcat(snapname, CONF_SNAP_SUFFIX);
	strcpy(linkname, longpath);
	strcpy(strrchr(linkname, '/'), "/ee.conf");
	assert_int_equal(link(longpath, linkname), 0);
	strcpy(linksnap, linkname);
	strcat(linksnap, CONF_SNAP_SUFFIX);
	assert_int_equal(link(snapname, linksnap), 0);
	assert_int_equal(conf_snapshot(linkname, &sb, false, &f), -ENOENT);
	unlink(linksnap);
	unlink(linkname);
	unlink(snapname);
	unlink(longpath);
	*strrchr(longpath, '/') = '\0';
	rmdir(longpath);
	rmdir(dir);
}

/* Rules whose patterns are one character, or escape one; the identity
 * as the kernel gives it (exe without a byte more, comm of 15). */
static void test_match_edges(void **state)
{
	struct conf_identity id = { "/usr/bin/y", "y", false };
	char exe[CONF_PATH_MAX * 4], name[16];
	unsigned int line;
	ssize_t n;

	(void)state;
	assert_int_equal(parse("programs = ( { comm = \"x\"; mode = \"off\"; },\n"
			       "  { exe = \"/\"; mode = \"off\"; } );\n"), 0);
	conf_match(&f, &id, &line);
	assert_int_equal(line, 0);
	strcpy(id.comm, "x");
	id.secure = true;		/* comm rules never match then */
	conf_match(&f, &id, &line);
	assert_int_equal(line, 0);
	id.secure = false;
	conf_match(&f, &id, &line);
	assert_int_equal(line, 1);
	/* a backslash escapes: a literal '*' */
	assert_int_equal(parse("programs = ( { exe = \"/bin/a\\\\*\"; },\n"
			       "  { comm = \"b\\\\?\"; } );\n"), 0);
	strcpy(id.exe, "/bin/a*");
	strcpy(id.comm, "none");
	conf_match(&f, &id, &line);
	assert_int_equal(line, 1);
	strcpy(id.exe, "/bin/ab");
	conf_match(&f, &id, &line);
	assert_int_equal(line, 0);
	strcpy(id.comm, "b?");
	conf_match(&f, &id, &line);
	assert_int_equal(line, 2);
	/* '*' matches a '/' too, in exe and in comm */
	assert_int_equal(parse("programs = ( { comm = \"a*\"; },\n { exe = \"/usr/*\"; } );\n"), 0);
	strcpy(id.comm, "a/b");
	conf_match(&f, &id, &line);
	assert_int_equal(line, 1);
	strcpy(id.comm, "none");
	strcpy(id.exe, "/usr/bin/y");
	conf_match(&f, &id, &line);
	assert_int_equal(line, 2);

	/* the identity: exe exactly as readlink() says, comm as the kernel
	 * names this thread (not argv[0]), up to its 15 characters */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_int_equal(parse("programs = ( { exe = \"/x\"; }, { comm = \"x\"; } );"), 0);
	assert_int_equal(prctl(PR_GET_NAME, name), 0);
	assert_int_equal(prctl(PR_SET_NAME, "abcdefghijklmno"), 0);
	memset(&id, 'z', sizeof(id));
	conf_identify(&id, false, &f);
	assert_string_equal(id.exe, exe);
	assert_string_equal(id.comm, "abcdefghijklmno");
	assert_false(id.secure);
	assert_int_equal(prctl(PR_SET_NAME, name), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_aliases_and_include),
		cmocka_unit_test(test_log_target),
		cmocka_unit_test(test_too_many_rules),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_secure_match),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_secure_owner),
		cmocka_unit_test(test_shipped_files),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_snapshot_forged),
		cmocka_unit_test(test_getenv_and_path),
		cmocka_unit_test(test_match_edges),
	};

	return run_group("conf", tests, N(tests));
}
