// SPDX-License-Identifier: MIT
/* The configuration file: parsing, every kind of error, rule precedence,
 * secure-mode trust, the search for this process. */
#include "testlib.h"

#include <fcntl.h>
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
	conf_load(&st, false, path);
	assert_true(st.from_snapshot);
	assert_string_equal(st.note, "");
	assert_int_equal(st.rule_line, 4);
	assert_int_equal(st.set.pol.mode, POLICY_DRY_RUN);
	assert_int_equal(st.set.pol.err, EPERM);

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
	assert_int_equal(conf_snapshot(path, &sb, true, &snap), -EPERM);
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
	};

	return run_group("conf", tests, N(tests));
}
