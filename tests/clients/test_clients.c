// SPDX-License-Identifier: MIT
/*
 * Real Debian programs that install seccomp filters, each run without and
 * with LD_PRELOAD=libenostub.so on the real kernel. Every test compares the
 * two runs: the old filter must break the program without the shim (EPERM,
 * as the kernel answers) and the program must work with it, or, for a
 * filter that needs no stub, both runs must be the same and the shim's log
 * must say it left the filter alone.
 *
 * A test whose program is not installed, or that this machine cannot run,
 * is skipped with the reason printed; `make deps` installs the packages
 * (CLIENT_PKGS in tests/clients/clients.mk).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../integration/runner.h"

#define DOCKER_2019 CORPUS_DIR "/docker-default-v19.03.0.bpf"
#define DOCKER_2020 CORPUS_DIR "/docker-default-v20.10.0.bpf"
#define RUNC_2019 CORPUS_DIR "/runc-1.1.5-patched-docker-default-v19.03.0.bpf"
#define SYSTEMD_252 CORPUS_DIR "/systemd-252-system-service.bpf"
/* Debian's python3, not one earlier on someone's PATH */
#define PYTHON "/usr/bin/python3"
#define PROBE CLIENTS_DIR "/probe.py"
#define BWRAP "/usr/bin/bwrap"
#define MAN "/usr/bin/man"
#define CRUN "/usr/bin/crun"
#define VSFTPD "/usr/sbin/vsftpd"
#define FTP_CLIENT CLIENTS_DIR "/ftp_client.py"

enum preload { WITHOUT, WITH };

/* No GLIBC_TUNABLES: these are the programs as they run. */
static char *const env_plain[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
static char *const env_shim[] = {
	"PATH=/usr/bin:/bin", "LANG=C", "LD_PRELOAD=" SHIM_PATH,
	"ENOSTUB_LOG=stderr", NULL,
};

static char *const *env_for(enum preload p)
{
	return p == WITH ? env_shim : env_plain;
}

/* Skip the running test unless @path is an executable. */
static void need_program(const char *path, const char *pkg)
{
	if (access(path, X_OK) == 0)
		return;
	printf("  skipped: %s not found (Debian package %s; `make deps` installs it)\n",
	       path, pkg);
	skip();
}

/* A private directory for configuration and log files, made by setup(). */
static char tmpdir[] = "/tmp/enostub-clients-XXXXXX";

/* Write @text to the file @name in tmpdir; its path goes to @path. */
static void write_tmp(const char *name, const char *text, char *path, size_t size)
{
	FILE *fp;

	snprintf(path, size, "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Read the file @path into @buf (NUL-terminated; empty if missing). */
static void read_tmp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

/* Open @path as descriptor @fd, inherited by the programs run next. */
static void open_as(const char *path, int fd)
{
	int tmp = open(path, O_RDONLY);

	assert_true(tmp >= 0);
	assert_int_equal(dup2(tmp, fd), fd);
	if (tmp != fd)
		close(tmp);
}

/* How many times @needle occurs in @hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* ---- bubblewrap: Docker's 2019 profile for python3 ------------------- */

/* bwrap reads the filter from descriptor 9 and installs it with prctl()
 * just before it executes python3 (so glibc sees rseq refused at startup
 * and does without it: threads are fine). */
static void bwrap_python(enum preload p, struct run *r)
{
	char *argv[] = { BWRAP, "--bind", "/", "/", "--seccomp", "9",
			 PYTHON, PROBE, "thread", "eaccess:/", NULL };

	open_as(DOCKER_2019, 9);
	run_argv(argv, env_for(p), r);
	close(9);
	assert_exited_ok(r);
}

static void test_bwrap(void **state)
{
	struct run r;

	(void)state;
	need_program(BWRAP, "bubblewrap");
	need_program(PYTHON, "python3");

	/* clone3 and faccessat2 get EPERM: Python cannot start a thread and
	 * os.access says no */
	bwrap_python(WITHOUT, &r);
	assert_true(has(&r, "thread=can't start new thread"));
	assert_true(has(&r, "eaccess=False"));
	assert_int_equal(count(r.out, "enostub:"), 0);

	/* ENOSYS: glibc falls back to clone and faccessat */
	bwrap_python(WITH, &r);
	assert_true(has(&r, "thread=ran"));
	assert_true(has(&r, "eaccess=True"));
	assert_int_equal(count(r.out, "enostub:"), 1);
	assert_true(has_text(&r, "enostub: bwrap["));
	assert_true(has_text(&r, "prctl filter of 880 instructions: patched"));
	printf("  python3 in bwrap: \"can't start new thread\" without, a thread with the shim\n");
}

/* ---- bubblewrap, two filters stacked ---------------------------------- */

/* Docker's 2019 profile (fd 3, installed first; knows x86_64 numbers up to
 * 333) and systemd 252's @system-service filter (fd 4, installed last;
 * knows up to 452, allows clone3 and faccessat2), both EPERM by default.
 * Where both deny, the kernel takes the errno of the newest filter.
 * Number 1000 stands for a system call newer than both filters: glibc
 * would fall back only if the newest filter answers ENOSYS. */
#define FUTURE_NR "1000"

static void bwrap_stacked(enum preload p, const char *first, struct run *r)
{
	char *argv[] = { BWRAP, "--bind", "/", "/",
			 "--add-seccomp-fd", "3", "--add-seccomp-fd", "4",
			 PYTHON, PROBE, "thread", "eaccess:/", "syscall:" FUTURE_NR, NULL };

	open_as(first, 3);
	open_as(SYSTEMD_252, 4);
	run_argv(argv, env_for(p), r);
	close(3);
	close(4);
	assert_exited_ok(r);
}

static void test_bwrap_stacked(void **state)
{
	struct run r;

	(void)state;
	need_program(BWRAP, "bubblewrap");
	need_program(PYTHON, "python3");

	bwrap_stacked(WITHOUT, DOCKER_2019, &r);
	assert_true(has(&r, "thread=can't start new thread"));
	assert_true(has(&r, "eaccess=False"));
	assert_true(has(&r, "syscall" FUTURE_NR "=EPERM"));
	assert_int_equal(count(r.out, "enostub:"), 0);

	/* both patched: the thread and faccessat need the first filter's stub,
	 * ENOSYS for the future call needs the second's */
	bwrap_stacked(WITH, DOCKER_2019, &r);
	assert_true(has(&r, "thread=ran"));
	assert_true(has(&r, "eaccess=True"));
	assert_true(has(&r, "syscall" FUTURE_NR "=ENOSYS"));
	assert_int_equal(count(r.out, "enostub: bwrap["), 2);
	assert_true(has_text(&r, "prctl filter of 880 instructions: patched"));
	assert_true(has_text(&r, "prctl filter of 966 instructions: patched"));

	/* control: with only the first filter stubbed (runc's patched copy of
	 * the same profile, no shim) the future call still gets EPERM from
	 * the second, so the ENOSYS above needs both filters patched */
	bwrap_stacked(WITHOUT, RUNC_2019, &r);
	assert_true(has(&r, "thread=ran"));
	assert_true(has(&r, "syscall" FUTURE_NR "=EPERM"));
	printf("  bwrap --add-seccomp-fd x2: both filters patched\n");
}

/* ---- python3-seccomp: a filter written in Python ---------------------- */

/* tests/clients/old_filter.py builds an EPERM-by-default allow list with
 * Debian's seccomp module (libseccomp linked into it, loading through
 * syscall(SYS_seccomp)), then checks a file with the effective ids. */
static void test_python_seccomp(void **state)
{
	char *check[] = { PYTHON, "-c", "import seccomp", NULL };
	char *argv[] = { PYTHON, CLIENTS_DIR "/old_filter.py", PROBE, NULL };
	struct run r;

	(void)state;
	need_program(PYTHON, "python3");
	run_argv(check, env_plain, &r);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
		printf("  skipped: %s cannot import seccomp (Debian package "
		       "python3-seccomp; `make deps` installs it):%s", PYTHON, r.out);
		skip();
	}

	run_argv(argv, env_plain, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "faccessat2=EPERM"));
	assert_true(has(&r, "eaccess=EPERM"));	/* glibc does not fall back */
	assert_true(has(&r, "os.access=False"));
	assert_true(has(&r, "access=True"));	/* the old call is allowed */
	assert_int_equal(count(r.out, "enostub:"), 0);

	run_argv(argv, env_shim, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	assert_true(has(&r, "faccessat2=ENOSYS"));
	assert_true(has(&r, "eaccess=ok"));	/* glibc fell back to faccessat */
	assert_true(has(&r, "os.access=True"));
	assert_true(has(&r, "access=True"));
	/* one filter, patched once; libseccomp's API probes (NULL filters)
	 * pass through without a log line */
	assert_int_equal(count(r.out, "enostub:"), 1);
	assert_true(has_text(&r, "enostub: python3["));
	assert_true(has_text(&r, ": seccomp filter of "));
	assert_true(has_text(&r, " instructions: patched"));
	printf("  python3-seccomp filter: os.access False without, True with the shim\n");
}

/* ---- man-db: a filter that needs no stub ----------------------------- */

/* man formats the page in children that each load man-db's own filter
 * with libseccomp (seccomp_load); its default is already ERRNO(ENOSYS).
 * The log (level info, to a file so it does not mix with the page) must
 * show every one of those filters forwarded untouched, and the page must
 * come out byte for byte the same. */
static void test_man(void **state)
{
	char conf[256], log[256], text[512], logged[8192], *line, *save = NULL;
	char confenv[300];
	char *argv[] = { MAN, "-l", CLIENTS_DIR "/enostub-test.1", NULL };
	char *env_man[] = { "PATH=/usr/bin:/bin", "LANG=C", "MANWIDTH=80", NULL };
	char *env_man_shim[] = { "PATH=/usr/bin:/bin", "LANG=C", "MANWIDTH=80",
				 "LD_PRELOAD=" SHIM_PATH, confenv, NULL };
	static struct run plain, shim;
	int filters = 0;

	(void)state;
	need_program(MAN, "man-db");
	snprintf(log, sizeof(log), "%s/man.log", tmpdir);
	snprintf(text, sizeof(text), "log = { target = \"%s\"; level = \"info\"; };\n", log);
	write_tmp("man.conf", text, conf, sizeof(conf));
	snprintf(confenv, sizeof(confenv), "ENOSTUB_CONFIG=%s", conf);

	run_argv(argv, env_man, &plain);
	run_argv(argv, env_man_shim, &shim);
	assert_true(WIFEXITED(plain.status) && WEXITSTATUS(plain.status) == 0);
	assert_true(WIFEXITED(shim.status) && WEXITSTATUS(shim.status) == 0);
	assert_true(has_text(&plain, "enostub-test - a page formatted by man-db under enostub"));
	assert_string_equal(shim.out, plain.out);

	read_tmp(log, logged, sizeof(logged));
	for (line = strtok_r(logged, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, "forwarded untouched (no ABI needs a stub)") ||
		    !strstr(line, "x86_64: the default action already returns the stub's errno"))
			fail_msg("man's filter was not left alone: %s", line);
		assert_non_null(strstr(line, "enostub: man["));
		assert_non_null(strstr(line, ": seccomp_load filter of "));
		filters++;
	}
	if (filters == 0)
		fail_msg("no filter in the log %s: man-db installed none through the shim", log);
	printf("  man -l: %d filters loaded by man-db, all untouched, same page\n", filters);
}

/* ---- crun: a container with Docker's 2019 profile --------------------- */

/* The test program re-executed as "--cgroup2-ns PROGRAM ARG...": runs
 * PROGRAM in a private mount namespace where /sys/fs/cgroup is cgroup2.
 * crun refuses hybrid cgroup hierarchies even with its cgroup manager
 * disabled; a private cgroup2 mount changes nothing outside. */
#define CGROUP2_NS "--cgroup2-ns"

static int cgroup2_ns_exec(char **argv)
{
	struct statfs st;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		perror("private mount namespace");
		return 125;
	}
	if ((statfs("/sys/fs/cgroup", &st) || st.f_type != CGROUP2_SUPER_MAGIC) &&
	    mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL)) {
		perror("mount cgroup2 on /sys/fs/cgroup");
		return 125;
	}
	execvp(argv[0], argv);
	perror(argv[0]);
	return 127;
}

static void base64(const unsigned char *in, size_t n, char *out)
{
	static const char digit[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < n; i += 3, out += 4) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);

		out[0] = digit[v >> 18 & 63];
		out[1] = digit[v >> 12 & 63];
		out[2] = i + 1 < n ? digit[v >> 6 & 63] : '=';
		out[3] = i + 2 < n ? digit[v & 63] : '=';
	}
	*out = '\0';
}

/* The host's /bin, /lib and /lib64: the same symlinks in the root file
 * system (merged /usr), or bind mounts of the directories. */
static void host_dirs(FILE *fp, const char *rootfs)
{
	static const char *const dirs[] = { "bin", "lib", "lib64" };
	char host[64], target[256], link[512];
	ssize_t n;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(host, sizeof(host), "/%s", dirs[i]);
		n = readlink(host, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			snprintf(link, sizeof(link), "%s/%s", rootfs, dirs[i]);
			assert_int_equal(symlink(target, link), 0);
		} else if (access(host, F_OK) == 0) {
			fprintf(fp, ",\n  { \"destination\": \"%s\", \"type\": \"bind\", "
				"\"source\": \"%s\", \"options\": [\"rbind\", \"ro\"] }",
				host, host);
		}
	}
}

/* Write an OCI bundle in @bundle: python3 running probe.py with @steps in
 * a read-only root with the host's /usr and tests/clients, and with
 * @filter (a raw cBPF file, or NULL for none) as crun's
 * run.oci.seccomp_bpf_data annotation, installed as is. */
static void write_bundle(const char *bundle, const char *steps, const char *filter)
{
	static unsigned char bpf[4096 * 8];
	static char b64[sizeof(bpf) / 3 * 4 + 8];
	char path[512], rootfs[256];
	ssize_t n = 0;
	FILE *fp;
	int fd;

	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	assert_int_equal(mkdir(bundle, 0755), 0);
	assert_int_equal(mkdir(rootfs, 0755), 0);
	if (filter) {
		fd = open(filter, O_RDONLY | O_CLOEXEC);
		assert_true(fd >= 0);
		n = read(fd, bpf, sizeof(bpf));
		close(fd);
		assert_true(n > 0);
		base64(bpf, (size_t)n, b64);
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "{\n\"ociVersion\": \"1.0.2\",\n\"process\": { \"terminal\": false, "
		"\"user\": { \"uid\": 0, \"gid\": 0 }, \"cwd\": \"/\", "
		"\"noNewPrivileges\": true, \"env\": [\"PATH=/usr/bin:/bin\"],\n"
		"  \"args\": [\"%s\", \"/clients/probe.py\", %s] },\n"
		"\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
		"\"hostname\": \"enostub\",\n\"mounts\": [\n"
		"  { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
		"  { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
		"\"options\": [\"nosuid\", \"mode=755\", \"size=1m\"] },\n"
		"  { \"destination\": \"/usr\", \"type\": \"bind\", \"source\": \"/usr\", "
		"\"options\": [\"rbind\", \"ro\"] },\n"
		"  { \"destination\": \"/clients\", \"type\": \"bind\", \"source\": \"%s\", "
		"\"options\": [\"rbind\", \"ro\"] }",
		PYTHON, steps, CLIENTS_DIR);
	host_dirs(fp, rootfs);
	fprintf(fp, "\n],\n\"annotations\": { %s%s%s },\n"
		"\"linux\": { \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"mount\" }, "
		"{ \"type\": \"ipc\" }, { \"type\": \"uts\" } ] }\n}\n",
		filter ? "\"run.oci.seccomp_bpf_data\": \"" : "", filter ? b64 : "",
		filter ? "\"" : "");
	assert_int_equal(fclose(fp), 0);
}

static bool cgroup2_host(void)
{
	struct statfs st;

	return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* crun run, through the cgroup2 namespace when the host's hierarchy is
 * not cgroup2; @preload WITH also sets ENOSTUB_CONFIG to @conf. */
static void crun_run(enum preload p, const char *bundle, const char *conf, struct run *r)
{
	static int serial;
	char state[300], name[64], confenv[300];
	char *argv[] = { "/proc/self/exe", CGROUP2_NS, CRUN, "--root", state,
			 "--cgroup-manager=disabled", "run", "--bundle", (char *)bundle,
			 name, NULL };
	char *env_crun[] = { "PATH=/usr/bin:/bin", "LANG=C", "LD_PRELOAD=" SHIM_PATH,
			     confenv, NULL };

	snprintf(state, sizeof(state), "%s/crun-state", tmpdir);
	snprintf(name, sizeof(name), "enostub-%d-%d", (int)getpid(), serial++);
	snprintf(confenv, sizeof(confenv), "ENOSTUB_CONFIG=%s", conf);
	run_argv(cgroup2_host() ? argv + 2 : argv, p == WITH ? env_crun : env_plain, r);
}

static void test_crun(void **state)
{
	char bundle[300], conf[256];
	struct run r;

	(void)state;
	need_program(CRUN, "crun");
	need_program(PYTHON, "python3");
	/* crun replaces the environment with the container's before it loads
	 * the filter, and the shim reads ENOSTUB_LOG only then: the log
	 * target comes from the configuration file, read when crun starts */
	write_tmp("crun.conf", "log = { target = \"stderr\"; level = \"info\"; };\n",
		  conf, sizeof(conf));

	if (!cgroup2_host())
		printf("  /sys/fs/cgroup is not cgroup2 here (crun refuses hybrid hierarchies): "
		       "crun runs in a private mount namespace with cgroup2 mounted there\n");
	/* can crun run a container here at all? */
	snprintf(bundle, sizeof(bundle), "%s/bundle-plain", tmpdir);
	write_bundle(bundle, "\"thread\"", NULL);
	crun_run(WITHOUT, bundle, conf, &r);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 || !has(&r, "thread=ran")) {
		printf("  skipped: crun cannot run a container here (status 0x%x):%s",
		       r.status, r.out);
		skip();
	}

	snprintf(bundle, sizeof(bundle), "%s/bundle-docker-2019", tmpdir);
	write_bundle(bundle, "\"thread\", \"eaccess:/\"", DOCKER_2019);
	crun_run(WITHOUT, bundle, conf, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "thread=can't start new thread"));
	assert_true(has(&r, "eaccess=False"));
	assert_int_equal(count(r.out, "enostub:"), 0);

	crun_run(WITH, bundle, conf, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "thread=ran"));
	assert_true(has(&r, "eaccess=True"));
	/* logged once, by crun's container process (pid 1 of its namespace) */
	assert_int_equal(count(r.out, "enostub:"), 1);
	assert_true(has_text(&r, "enostub: crun[1]: seccomp filter of 880 instructions: patched"));
	printf("  python3 in a crun container: no thread without, a thread with the shim\n");

	/* Docker 20.10.0-20.10.9: faccessat2 named, clone3 not; the default
	 * configuration's fallback-safe rule answers clone3 ENOSYS */
	snprintf(bundle, sizeof(bundle), "%s/bundle-docker-2020", tmpdir);
	write_bundle(bundle, "\"thread\", \"eaccess:/\"", DOCKER_2020);
	crun_run(WITHOUT, bundle, conf, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "thread=can't start new thread"));
	assert_true(has(&r, "eaccess=True"));
	crun_run(WITH, bundle, conf, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "thread=ran"));
	assert_true(has(&r, "eaccess=True"));
	assert_true(has_text(&r, "largest known 439, fallback-safe: clone3 close_range)"));
	printf("  the same with Docker's 20.10.0 profile: clone3 answered ENOSYS as "
	       "fallback-safe\n");
}

/* ---- crun through conf/examples/enostub-runtime ----------------------- */

/* crun run through the wrapper, installed as crun-enostub, as podman
 * --runtime and Docker's --add-runtime start a runtime; enostub is the
 * build tree's (ENOSTUB_CMD), its configuration @conf. */
static void crun_wrapped(const char *wrapper, const char *bundle, const char *conf,
			 struct run *r)
{
	static int serial;
	char state[300], name[64], confenv[300];
	char *argv[] = { "/proc/self/exe", CGROUP2_NS, (char *)wrapper, "--root", state,
			 "--cgroup-manager=disabled", "run", "--bundle", (char *)bundle,
			 name, NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", "LANG=C", "ENOSTUB_CMD=" CLI_PATH, confenv,
			 NULL };

	snprintf(state, sizeof(state), "%s/crun-wrapped-state", tmpdir);
	snprintf(name, sizeof(name), "enostub-wrapped-%d-%d", (int)getpid(), serial++);
	snprintf(confenv, sizeof(confenv), "ENOSTUB_CONFIG=%s", conf);
	run_argv(cgroup2_host() ? argv + 2 : argv, envp, r);
}

static void test_crun_wrapper(void **state)
{
	char bundle[300], conf[256], wrapper[300], misnamed[300];
	char *bare[] = { misnamed, "--version", NULL };
	struct run r;

	(void)state;
	need_program(CRUN, "crun");
	need_program(PYTHON, "python3");
	write_tmp("wrapped.conf", "log = { target = \"stderr\"; level = \"info\"; };\n",
		  conf, sizeof(conf));
	snprintf(wrapper, sizeof(wrapper), "%s/crun-enostub", tmpdir);
	assert_int_equal(symlink(CONF_DIR "/examples/enostub-runtime", wrapper), 0);
	snprintf(bundle, sizeof(bundle), "%s/bundle-wrapped", tmpdir);
	write_bundle(bundle, "\"thread\", \"eaccess:/\"", DOCKER_2019);
	/* crun alone: the old profile breaks python3, if crun runs here at all */
	crun_run(WITHOUT, bundle, conf, &r);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 ||
	    !has(&r, "thread=can't start new thread")) {
		printf("  skipped: crun cannot run a container here (status 0x%x):%s",
		       r.status, r.out);
		skip();
	}
	crun_wrapped(wrapper, bundle, conf, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "thread=ran"));
	assert_true(has(&r, "eaccess=True"));
	assert_int_equal(count(r.out, "enostub:"), 1);
	assert_true(has_text(&r, "enostub: crun[1]: seccomp filter of 880 instructions: patched"));
	/* under any other name it says how to install it, and runs nothing */
	snprintf(misnamed, sizeof(misnamed), "%s/enostub-runtime", tmpdir);
	assert_int_equal(symlink(CONF_DIR "/examples/enostub-runtime", misnamed), 0);
	run_argv(bare, env_plain, &r);
	assert_true(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 125);
	assert_true(has(&r, "enostub-runtime: install me as RUNTIME-enostub (crun-enostub, "
			"runc-enostub) or set ENOSTUB_RUNTIME"));
	printf("  crun through conf/examples/enostub-runtime (as podman --runtime runs it): "
	       "a thread in the container\n");
}

/* ---- vsftpd's seccomp_sandbox: trap and translate ---------------------- */

/*
 * vsftpd 3.0.3 with seccomp_sandbox=YES kills (KILL_THREAD) every call its
 * allow-list does not name; with glibc 2.36 fstat() is newfstatat,
 * select() pselect6 and readdir() getdents64, none of which it names. So
 * LIST and RETR die without enostub, and with its ENOSYS stub they fail
 * with vsftpd's own errors (425, 500 OOPS: fstat). translate = true makes
 * the classic calls the filter allows (fstat, select, getdents): an
 * anonymous login, LIST and RETR work.
 */
static void vsftpd_session(const char *conf, const char *enostub_conf, int port,
			   enum preload p, struct run *r)
{
	char confenv[300], portarg[16];
	char *daemon[] = { VSFTPD, (char *)conf, NULL };
	char *client[] = { PYTHON, FTP_CLIENT, portarg, NULL };
	char *env_on[] = { "PATH=/usr/bin:/bin", "LANG=C", "LD_PRELOAD=" SHIM_PATH,
			   confenv, NULL };
	int out, st, tries;
	pid_t pid;

	snprintf(confenv, sizeof(confenv), "ENOSTUB_CONFIG=%s", enostub_conf);
	snprintf(portarg, sizeof(portarg), "%d", port);
	pid = spawn(daemon, p == WITH ? env_on : env_plain, &out, NULL);
	for (tries = 0; tries < 50; tries++) {	/* until it listens */
		run_argv(client, env_plain, r);
		if (!has_text(r, "ConnectionRefused"))
			break;
		usleep(100000);
	}
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	close(out);
}

static void test_vsftpd(void **state)
{
	char root[300], empty[300], conf[300], text[1024], off[300], on[300], file[300];
	int port = 20000 + getpid() % 10000;
	struct run r;

	(void)state;
	need_program(VSFTPD, "vsftpd");
	need_program(PYTHON, "python3");
	snprintf(root, sizeof(root), "%s/ftproot", tmpdir);
	snprintf(empty, sizeof(empty), "%s/ftpempty", tmpdir);
	assert_int_equal(chmod(tmpdir, 0755), 0);
	assert_true(mkdir(root, 0755) == 0 && mkdir(empty, 0755) == 0);
	write_tmp("ftproot/hello.txt", "hello from enostub\n", file, sizeof(file));
	assert_int_equal(chmod(file, 0644), 0);
	snprintf(text, sizeof(text),
		 "listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\nlisten_port=%d\n"
		 "background=NO\nanonymous_enable=YES\nno_anon_password=YES\n"
		 "local_enable=NO\nwrite_enable=NO\nanon_root=%s\nseccomp_sandbox=YES\n"
		 "secure_chroot_dir=%s\npasv_enable=YES\npasv_address=127.0.0.1\n"
		 "pasv_min_port=%d\npasv_max_port=%d\nxferlog_enable=NO\nhide_ids=YES\n"
		 "use_localtime=NO\n", port, root, empty, port + 1, port + 20);
	write_tmp("vsftpd.conf", text, conf, sizeof(conf));
	write_tmp("ftp-off.conf", "translate = false;\n", off, sizeof(off));
	write_tmp("ftp-on.conf", "translate = true;\n", on, sizeof(on));

	vsftpd_session(conf, on, port, WITHOUT, &r);
	if (!has(&r, "login=230")) {
		printf("  skipped: vsftpd does not serve here:%s", r.out);
		skip();
	}
	assert_false(has(&r, "list=ok"));	/* the sandbox killed it */
	assert_false(has(&r, "retr=ok"));

	vsftpd_session(conf, off, port, WITH, &r);
	assert_true(has(&r, "login=230"));
	assert_true(has(&r, "list=425"));	/* "Failed to establish connection" */
	assert_true(has(&r, "retr=500"));	/* "OOPS: fstat" */

	vsftpd_session(conf, on, port, WITH, &r);
	assert_true(has(&r, "login=230"));
	assert_true(has(&r, "list=ok"));
	assert_true(has(&r, "retr=ok"));
	printf("  vsftpd seccomp_sandbox: LIST and RETR killed without enostub, refused "
	       "with its ENOSYS stub, served with translate = true\n");
}

/* ---- a threaded program installs Docker's 2019 profile with TSYNC ----- */

#define TSYNC_THREADS 4

static void test_tsync(void **state)
{
	char nthreads[8], want[120];	/* has() takes lines under 126 */
	char *argv[] = { TSYNC_PATH, DOCKER_2019, nthreads, NULL };
	struct run r;
	int i;

	(void)state;
	snprintf(nthreads, sizeof(nthreads), "%d", TSYNC_THREADS);

	/* Every thread ran before the install, every one is filtered after it,
	 * and every one gets EPERM: glibc's faccessat does not fall back. */
	run_argv(argv, env_plain, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	for (i = 0; i <= TSYNC_THREADS; i++) {
		snprintf(want, sizeof(want), "thread%d: before=0 seccomp=2 filters=1 "
			 "faccessat2=EPERM close_range=EPERM faccessat=EPERM", i);
		assert_true(has(&r, want));
	}
	assert_int_equal(count(r.out, "enostub:"), 0);

	/* With the shim the one filter TSYNC gave every thread is the patched
	 * one: ENOSYS everywhere, and glibc's fallback works in every thread. */
	run_argv(argv, env_shim, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, "load=ok"));
	for (i = 0; i <= TSYNC_THREADS; i++) {
		snprintf(want, sizeof(want), "thread%d: before=0 seccomp=2 filters=1 "
			 "faccessat2=ENOSYS close_range=ENOSYS faccessat=ok", i);
		assert_true(has(&r, want));
	}
	assert_int_equal(count(r.out, "enostub:"), 1);
	assert_true(has_text(&r, "enostub: tsync["));
	assert_true(has_text(&r, "seccomp filter of 880 instructions: patched"));
	printf("  %d threads + main, TSYNC: EPERM without, ENOSYS with the shim\n",
	       TSYNC_THREADS);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bwrap),
		cmocka_unit_test(test_bwrap_stacked),
		cmocka_unit_test(test_python_seccomp),
		cmocka_unit_test(test_man),
		cmocka_unit_test(test_crun),
		cmocka_unit_test(test_crun_wrapper),
		cmocka_unit_test(test_vsftpd),
		cmocka_unit_test(test_tsync),
	};

	if (argc > 2 && strcmp(argv[1], CGROUP2_NS) == 0)
		return cgroup2_ns_exec(argv + 2);
	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("clients", tests, setup, teardown);
}
