// SPDX-License-Identifier: MIT
/*
 * The enostub command, end to end: golden output of inspect and patch on the
 * corpus (ENOSTUB_UPDATE_GOLDEN=1 rewrites tests/cli/golden/, review the
 * diff), patched filters loaded into the kernel, dump of a live process,
 * run with each of its options, and every bad input.
 * The tests run in a temporary directory holding a "corpus" link, so the
 * paths in the output are the same on every machine.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static char dir[] = "/tmp/enostub-cli-test-XXXXXX";
static char *const env_plain[] = { "PATH=/usr/bin:/bin", NULL };

static const char *const corpus[] = {
	"docker-default-v19.03.0", "docker-default-v20.10.0", "docker-default",
	"systemd-252-system-service", "containers-common-seccomp",
	"containers-common-debian12-0.50.1-seccomp", "flatpak-default",
	"runc-1.1.5-patched-docker-default-v19.03.0",
};

/* Run @argv with @envp, output (stdout + stderr) into @out, as nobody if
 * asked; the wait status. */
static int run_raw(const char *out, char *const argv[], char *const envp[], bool nobody)
{
	pid_t pid = fork();
	int st, fd;

	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || (nobody && setresuid(65534, 65534, 65534)))
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

/* The same with a plain environment; the exit status. */
static int run_to(const char *out, char *const argv[])
{
	int st = run_raw(out, argv, env_plain, false);

	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static size_t slurp(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		fail_msg("%s: %s", path, strerror(errno));
	n = fread(buf, 1, size - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return n;
}

/* @got equals the golden file @name, or (updating) becomes it. */
static void golden(const char *got, const char *name)
{
	static char a[1 << 20], b[1 << 20];
	char path[512], cmd[1200];
	size_t na, nb;

	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	if (getenv("ENOSTUB_UPDATE_GOLDEN")) {
		snprintf(cmd, sizeof(cmd), "cp %s %s", got, path);
		assert_int_equal(system(cmd), 0);
		return;
	}
	na = slurp(got, a, sizeof(a));
	nb = slurp(path, b, sizeof(b));
	if (na != nb || memcmp(a, b, na)) {
		snprintf(cmd, sizeof(cmd), "diff -u %s %s | head -40", path, got);
		if (system(cmd) < 0)
			perror("diff");
		fail_msg("%s differs from %s", got, path);
	}
}

static void test_inspect_golden(void **state)
{
	char file[128], out[128], name[160];
	size_t i;

	(void)state;
	for (i = 0; i < N(corpus); i++) {
		char *argv[] = { CLI_PATH, "inspect", "--summary", file, NULL };

		snprintf(file, sizeof(file), "corpus/%s.bpf", corpus[i]);
		snprintf(out, sizeof(out), "inspect-%s.txt", corpus[i]);
		assert_int_equal(run_to(out, argv), 0);
		golden(out, out);
	}
	{
		char *argv[] = { CLI_PATH, "inspect", "--summary", "--strategy",
				 "kernel-version", "corpus/docker-default-v20.10.0.bpf", NULL };

		assert_int_equal(run_to("kv.txt", argv), 0);
		golden("kv.txt", "inspect-kernel-version-docker-default-v20.10.0.txt");
	}
	{
		/* --no-fallback: exactly what max-known gave before the rule */
		char *argv[] = { CLI_PATH, "inspect", "--summary", "--no-fallback",
				 "corpus/docker-default-v20.10.0.bpf", NULL };

		assert_int_equal(run_to("nofb.txt", argv), 0);
		golden("nofb.txt", "inspect-no-fallback-docker-default-v20.10.0.txt");
	}
	{
		char *argv[] = { CLI_PATH, "inspect", "corpus/docker-default-v19.03.0.bpf", NULL };

		assert_int_equal(run_to("full.txt", argv), 0);
		golden("full.txt", "inspect-full-docker-default-v19.03.0.txt");
	}
	{
		char *argv[] = { CLI_PATH, "inspect", "--json",
				 "corpus/systemd-252-system-service.bpf", NULL };

		assert_int_equal(run_to("json.txt", argv), 0);
		golden("json.txt", "inspect-systemd-252-system-service.json");
	}
	snprintf(name, sizeof(name), "%s", "ok");
	assert_string_equal(name, "ok");
}

/* A filter the helper loads: close_range's answer, no preload. */
static void loaded_answer(const char *bpf, const char *want)
{
	char step[256];
	char *argv[] = { HELPER_PATH, step, "close_range", NULL };
	struct run r;

	snprintf(step, sizeof(step), "prctl:%s/%s", dir, bpf);
	run_argv(argv, env_plain, &r);
	assert_exited_ok(&r);
	assert_true(has(&r, want));
}

static void test_patch_golden_and_kernel(void **state)
{
	char *mk[] = { CLI_PATH, "patch", "corpus/docker-default-v19.03.0.bpf",
		       "v19.bpf", NULL };
	char *kv[] = { CLI_PATH, "patch", "--strategy", "kernel-version",
		       "corpus/docker-default-v20.10.0.bpf", "v20.bpf", NULL };
	char *again[] = { CLI_PATH, "patch", "v19.bpf", "v19-again.bpf", NULL };
	char *allow[] = { CLI_PATH, "patch", "corpus/flatpak-default.bpf", "flatpak.bpf", NULL };
	static char a[65536], b[65536];

	(void)state;
	assert_int_equal(run_to("patch-v19.txt", mk), 0);
	golden("patch-v19.txt", "patch-docker-default-v19.03.0.txt");
	golden("v19.bpf", "patched-docker-default-v19.03.0.bpf");
	assert_int_equal(run_to("patch-v20.txt", kv), 0);
	golden("patch-v20.txt", "patch-kernel-version-docker-default-v20.10.0.txt");
	golden("v20.bpf", "patched-kernel-version-docker-default-v20.10.0.bpf");
	/* the kernel takes them, and they answer as inspect said */
	loaded_answer("corpus/docker-default-v20.10.0.bpf", "close_range=EPERM");
	loaded_answer("v20.bpf", "close_range=ENOSYS");
	loaded_answer("v19.bpf", "close_range=ENOSYS");
	/* patching a patched filter, or one that needs nothing, copies it */
	assert_int_equal(run_to("again.txt", again), 0);
	assert_int_equal(slurp("v19.bpf", a, sizeof(a)), slurp("v19-again.bpf", b, sizeof(b)));
	assert_memory_equal(a, b, slurp("v19.bpf", a, sizeof(a)));
	assert_int_equal(run_to("allow.txt", allow), 0);
	assert_non_null(strstr(slurp("allow.txt", a, sizeof(a)) ? a : "", "unchanged"));
}

#define V19 "corpus/docker-default-v19.03.0.bpf"
#define V19_PATCHED GOLDEN_DIR "/patched-docker-default-v19.03.0.bpf"

/* @path holds the same bytes as @want. */
static void same_bytes(const char *path, const char *want)
{
	static char a[65536], b[65536];
	size_t na = slurp(path, a, sizeof(a)), nb = slurp(want, b, sizeof(b));

	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
}

/* How many entries of directory @d start with @prefix. */
static int count_prefix(const char *d, const char *prefix)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(dp);
	return n;
}

/* patch the v19 filter to @out, the output in patch.txt; the exit status. */
static int patch_to(const char *out)
{
	char *argv[] = { CLI_PATH, "patch", V19, (char *)out, NULL };

	return run_to("patch.txt", argv);
}

/* A link planted at the old predictable temporary name (OUT.tmp-enostub)
 * is not written through; no temporary is left behind. */
static void test_patch_planted_link(void **state)
{
	struct stat st;
	char buf[64];

	(void)state;
	put_file("victim.txt", "precious\n");
	assert_int_equal(symlink("victim.txt", "planted.bpf.tmp-enostub"), 0);
	assert_int_equal(patch_to("planted.bpf"), 0);
	slurp("victim.txt", buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	assert_int_equal(lstat("planted.bpf", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	same_bytes("planted.bpf", V19_PATCHED);
	assert_int_equal(count_prefix(".", ".planted.bpf."), 0);
}

/* An existing OUT keeps its mode; a new one gets 0666 less the umask. */
static void test_patch_mode(void **state)
{
	struct stat st;
	mode_t old;

	(void)state;
	put_file("m600.bpf", "old\n");
	assert_int_equal(chmod("m600.bpf", 0600), 0);
	assert_int_equal(patch_to("m600.bpf"), 0);
	assert_int_equal(stat("m600.bpf", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	same_bytes("m600.bpf", V19_PATCHED);
	old = umask(027);
	assert_int_equal(patch_to("m640.bpf"), 0);
	umask(old);
	assert_int_equal(stat("m640.bpf", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
}

/* Run @argv, stdout into @out and stderr into @err; the exit status. */
static int run_split(const char *out, const char *err, char *const argv[])
{
	pid_t pid = fork();
	int st, fo, fe;

	assert_true(pid >= 0);
	if (pid == 0) {
		fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
			_exit(126);
		execve(argv[0], argv, env_plain);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* OUT "-": the filter on standard output, the summary on standard error. */
static void test_patch_stdout(void **state)
{
	char *argv[] = { CLI_PATH, "patch", V19, "-", NULL };
	char buf[4096];

	(void)state;
	assert_int_equal(run_split("stdout.bpf", "stderr.txt", argv), 0);
	assert_int_equal(patch_to("file.bpf"), 0);
	same_bytes("stdout.bpf", "file.bpf");
	same_bytes("stdout.bpf", V19_PATCHED);
	slurp("stderr.txt", buf, sizeof(buf));
	assert_non_null(strstr(buf, "patched (max-known)"));
	assert_int_equal(access("-", F_OK), -1);
}

/* OUT a FIFO: written in place, the reader gets the filter, the FIFO stays. */
static void test_patch_fifo(void **state)
{
	static char got[65536], want[65536];
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd;

	(void)state;
	assert_int_equal(mkfifo("out.fifo", 0600), 0);
	/* a reader first: the filter (7 KiB) fits in the pipe */
	fd = open("out.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(patch_to("out.fifo"), 0);
	while ((r = read(fd, got + n, sizeof(got) - n)) > 0)
		n += (size_t)r;
	close(fd);
	assert_int_equal(n, slurp(V19_PATCHED, want, sizeof(want)));
	assert_memory_equal(got, want, n);
	assert_int_equal(lstat("out.fifo", &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
}

/* A link at OUT: followed to a device when we made it (like /dev/stdout);
 * replaced, not followed, when a stranger planted it in a sticky
 * world-writable directory. */
static void test_patch_links(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(symlink("/dev/null", "null.bpf"), 0);
	assert_int_equal(patch_to("null.bpf"), 0);
	assert_int_equal(lstat("null.bpf", &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(mkdir("sticky", 0755), 0);
	assert_int_equal(chmod("sticky", 01777), 0);
	assert_int_equal(symlink("/dev/null", "sticky/out.bpf"), 0);
	assert_int_equal(lchown("sticky/out.bpf", 65534, 65534), 0);
	assert_int_equal(patch_to("sticky/out.bpf"), 0);
	assert_int_equal(lstat("sticky/out.bpf", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	same_bytes("sticky/out.bpf", V19_PATCHED);
	assert_int_equal(count_prefix("sticky", ".out.bpf."), 0);
}

/* A failed write (a file size limit): OUT untouched, no temporary left. */
static void test_patch_write_error(void **state)
{
	char *argv[] = { CLI_PATH, "patch", V19, "big.bpf", NULL };
	struct rlimit lim = { 4096, 4096 };
	char buf[4096];
	pid_t pid;
	int st, fd;

	(void)state;
	put_file("big.bpf", "old\n");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open("error.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		signal(SIGXFSZ, SIG_IGN);
		if (fd < 0 || setrlimit(RLIMIT_FSIZE, &lim))
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		execve(argv[0], argv, env_plain);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	/* OUT is named, not the temporary the write went to */
	slurp("error.txt", buf, sizeof(buf));
	assert_string_equal(buf, "enostub: big.bpf: File too large\n");
	slurp("big.bpf", buf, sizeof(buf));
	assert_string_equal(buf, "old\n");
	assert_int_equal(count_prefix(".", ".big.bpf."), 0);
}

/* Each bad input: a clear one-line message and a non-zero status. */
static void test_bad_input(void **state)
{
	static const struct { const char *content; long size; const char *want; } files[] = {
		{ "", 0, "empty file, no cBPF program" },
		{ "0123456789abc", 13, "13 bytes is not a whole number of 8-byte cBPF instructions" },
		{ NULL, 4097 * 8, "more than 4096 instructions" },
		{ "\x15\x00\x05\x00\x00\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00", 16,
		  "not a valid seccomp filter" },
	};
	static const struct { const char *argv[6]; int status; const char *want; } cases[] = {
		{ { "inspect", "missing.bpf" }, 1, "missing.bpf: No such file or directory" },
		{ { "patch", "missing.bpf", "out.bpf" }, 1, "missing.bpf: No such file or directory" },
		{ { "dump", "0x12" }, 1, "\"0x12\" is not a process id" },
		{ { "dump", "1073741000" }, 1, "1073741000: no such process" },
		{ { "inspect" }, 2, "usage: enostub inspect" },
		{ { "inspect", "a", "b" }, 2, "usage: enostub inspect" },
		{ { "patch", "a" }, 2, "usage: enostub patch" },
		{ { "inspect", "--arch", "vax", "a" }, 2, "unknown arch \"vax\"" },
		{ { "inspect", "--baseline", "five", "a" }, 2, "--baseline: expected" },
		{ { "frobnicate" }, 2, "unknown command \"frobnicate\"" },
		{ { "run" }, 2, "usage: enostub run" },
		{ { "run", "-c", "missing.conf", "true" }, 1, "missing.conf: No such file or directory" },
		{ { "run", "/nonexistent/cmd" }, 127, "/nonexistent/cmd: No such file or directory" },
	};
	char name[32], buf[4096];
	size_t i, j;

	(void)state;
	for (i = 0; i < N(files); i++) {
		char *inspect[] = { CLI_PATH, "inspect", name, NULL };
		char *patch[] = { CLI_PATH, "patch", name, "never.bpf", NULL };
		FILE *fp;

		snprintf(name, sizeof(name), "bad%zu.bpf", i);
		fp = fopen(name, "wb");
		assert_non_null(fp);
		for (long k = 0; k < files[i].size; k++)
			fputc(files[i].content ? files[i].content[k] : 0, fp);
		fclose(fp);
		assert_int_equal(run_to("bad.txt", inspect), 1);
		slurp("bad.txt", buf, sizeof(buf));
		assert_non_null(strstr(buf, files[i].want));
		assert_non_null(strstr(buf, name));
		assert_int_equal(run_to("bad.txt", patch), 1);
		assert_int_equal(access("never.bpf", F_OK), -1);
	}
	for (i = 0; i < N(cases); i++) {
		char *argv[8] = { CLI_PATH };

		for (j = 0; cases[i].argv[j]; j++)
			argv[j + 1] = (char *)cases[i].argv[j];
		assert_int_equal(run_to("bad.txt", argv), cases[i].status);
		slurp("bad.txt", buf, sizeof(buf));
		if (!strstr(buf, cases[i].want))
			fail_msg("enostub %s: missing \"%s\" in: %s", cases[i].argv[0],
				 cases[i].want, buf);
	}
}

/* dump of a live process: the verdicts of its filter stack, with and
 * without the shim; unprivileged, a clear refusal. */
static void dump_live(char *const envp[], const char *faccessat2)
{
	char *helper[] = { HELPER_PATH, "prctl:builtin:y2020", "hold", NULL };
	char pid_s[16], buf[8192], want[64];
	char *dump[] = { CLI_PATH, "dump", pid_s, NULL };
	char *json[] = { CLI_PATH, "dump", "--json", pid_s, NULL };
	struct run r;
	int out, in, st;
	pid_t pid = spawn(helper, envp, &out, &in);

	strcpy(r.out, "\n");
	collect(out, &r, "ready\n");
	assert_true(has(&r, "ready"));
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	assert_int_equal(run_to("dump.txt", dump), 0);
	slurp("dump.txt", buf, sizeof(buf));
	assert_non_null(strstr(buf, "(helper): 1 seccomp filter"));
	/* the filter the kernel holds: the original, or stub + original */
	assert_non_null(strstr(buf, strcmp(faccessat2, "EPERM") == 0 ?
			       "largest known number: 438 (pidfd_getfd, Linux 5.6)" :
			       "enostub would: no ABI needs a stub"));
	if (strcmp(faccessat2, "EPERM") == 0)
		assert_non_null(strstr(buf, "fallback-safe syscalls below the largest "
				       "known (2): clone3, close_range\n"));
	/* close_range is fallback-safe: the shim's stub answers ENOSYS too */
	snprintf(want, sizeof(want), "\n  close_range   %s\n", faccessat2);
	if (!strstr(buf, want))
		fail_msg("missing \"%s\" in %s", want, buf);
	assert_non_null(strstr(buf, "\n  openat2       allowed\n"));
	snprintf(want, sizeof(want), "\n  faccessat2    %s\n", faccessat2);
	if (!strstr(buf, want))
		fail_msg("missing \"%s\" in %s", want, buf);
	assert_int_equal(run_to("dump.json", json), 0);
	slurp("dump.json", buf, sizeof(buf));
	snprintf(want, sizeof(want), "\"faccessat2\": \"%s\"", faccessat2);
	assert_non_null(strstr(buf, want));
	st = run_raw("dump-nobody.txt", dump, env_plain, true);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	slurp("dump-nobody.txt", buf, sizeof(buf));
	assert_non_null(strstr(buf, "run as root"));
	release_held(pid, in, out, &r);
}

static void test_dump(void **state)
{
	char *with[] = { "LD_PRELOAD=" SHIM_PATH, NULL };

	(void)state;
	dump_live(env_plain, "EPERM");
	dump_live(with, "ENOSYS");
}

/* enostub run: preload, dry-run, the rseq remedy by flag and by config,
 * GLIBC_TUNABLES merged, the command's own status. */
static void test_run(void **state)
{
	char *env_t[] = { "PATH=/usr/bin:/bin", "GLIBC_TUNABLES=glibc.malloc.check=0", NULL };
	char *patch[] = { CLI_PATH, "run", "--", HELPER_PATH, "prctl:builtin:old",
			  "close_range", NULL };
	char *dry[] = { CLI_PATH, "run", "--dry-run", "-v", HELPER_PATH,
			"prctl:builtin:old", "close_range", NULL };
	char *thread[] = { CLI_PATH, "run", HELPER_PATH, "prctl:builtin:old", "pthread", NULL };
	char *norseq[] = { CLI_PATH, "run", "--no-rseq", HELPER_PATH, "prctl:builtin:old",
			   "pthread", NULL };
	char *byconf[] = { CLI_PATH, "run", "-c", "rseq.conf", HELPER_PATH,
			   "prctl:builtin:old", "pthread", NULL };
	char *env[] = { CLI_PATH, "run", "--no-rseq", "/usr/bin/env", NULL };
	char buf[8192], want[512];
	FILE *fp;
	int st;

	(void)state;
	assert_int_equal(run_to("run.txt", patch), 0);
	assert_non_null(strstr(slurp("run.txt", buf, sizeof(buf)) ? buf : "", "\nclose_range=ENOSYS\n"));
	assert_int_equal(run_to("run.txt", dry), 0);
	slurp("run.txt", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\nclose_range=EPERM\n"));
	assert_non_null(strstr(buf, "dry-run, forwarded untouched; would patch"));
	/* the hazard: a thread started after the install aborts ... */
	st = run_raw("run.txt", thread, env_plain, false);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	assert_non_null(strstr(slurp("run.txt", buf, sizeof(buf)) ? buf : "",
			       "rseq registration failed"));
	/* ... unless rseq is off, by flag or by the program's rule */
	assert_int_equal(run_to("run.txt", norseq), 0);
	assert_non_null(strstr(slurp("run.txt", buf, sizeof(buf)) ? buf : "", "\npthread=ok\n"));
	fp = fopen("rseq.conf", "w");
	assert_non_null(fp);
	fputs("programs = ( { comm = \"helper\"; no_rseq = true; } );\n", fp);
	fclose(fp);
	assert_int_equal(run_to("run.txt", byconf), 0);
	assert_non_null(strstr(slurp("run.txt", buf, sizeof(buf)) ? buf : "", "\npthread=ok\n"));
	/* the environment the command gets */
	st = run_raw("env.txt", env, env_t, false);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	slurp("env.txt", buf, sizeof(buf));
	/* the library next to the command (the build tree's) */
	snprintf(want, sizeof(want), "\nLD_PRELOAD=%.*slibenostub.so\n",
		 (int)(strrchr(CLI_PATH, '/') + 1 - CLI_PATH), CLI_PATH);
	if (!strstr(buf, want))
		fail_msg("missing \"%s\" in %s", want, buf);
	assert_non_null(strstr(buf, "GLIBC_TUNABLES=glibc.malloc.check=0:glibc.pthread.rseq=0\n"));
}

/* ---- issue 18: dump agrees with the kernel, and the rough edges ---- */

/* Run @argv with @envp, output into @out, killed after 10 s (a pending
 * alarm survives exec): a hang fails instead of blocking the suite. The
 * wait status. */
static int run_bounded(const char *out, char *const argv[], char *const envp[])
{
	pid_t pid = fork();
	int st, fd;

	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		alarm(10);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

/* The exit status of @argv run with @envp (bounded); output in @out. */
static int run_env(const char *out, char *const argv[], char *const envp[])
{
	int st = run_bounded(out, argv, envp);

	if (!WIFEXITED(st))
		fail_msg("%s %s: wait status %#x", argv[0], argv[1], st);
	return WEXITSTATUS(st);
}

/* @path's text equals @want exactly. */
static void text_is(const char *path, const char *want)
{
	static char buf[65536];

	slurp(path, buf, sizeof(buf));
	if (strcmp(buf, want))
		fail_msg("%s:\n--- got\n%s--- want\n%s", path, buf, want);
}

/* @path's text contains @want. */
static void text_has(const char *path, const char *want)
{
	static char buf[1 << 18];

	slurp(path, buf, sizeof(buf));
	if (!strstr(buf, want))
		fail_msg("missing \"%s\" in %s:\n%s", want, path, buf);
}

static void text_lacks(const char *path, const char *unwanted)
{
	static char buf[1 << 18];

	slurp(path, buf, sizeof(buf));
	if (strstr(buf, unwanted))
		fail_msg("unexpected \"%s\" in %s:\n%s", unwanted, path, buf);
}

/* A helper held at "hold": its pid, its output so far in @r. */
static pid_t start_held(char *const argv[], char *const envp[], struct run *r,
			int *out, int *in)
{
	pid_t pid = spawn(argv, envp, out, in);

	strcpy(r->out, "\n");
	collect(*out, r, "ready\n");
	if (!strstr(r->out, "\nready\n"))
		fail_msg("helper not ready:%s", r->out);
	return pid;
}

/* The @nth (0, 1) "verdict:NAME=RESULT" of @text, into @val. */
static void verdict_of(const char *text, const char *name, int nth, char *val,
		       size_t size)
{
	char key[64];
	const char *p = text;
	size_t n;

	snprintf(key, sizeof(key), "\nverdict:%s=", name);
	for (p = strstr(p, key); p && nth--; p = strstr(p + 1, key))
		;
	if (!p)
		fail_msg("no %s verdict %d in:%s", name, nth, text);
	p += strlen(key);
	n = strcspn(p, "\n");
	snprintf(val, size, "%.*s", (int)n, p);
}

static const char *const dump_common[] = {
	"clone3", "faccessat2", "close_range", "openat2", "fchmodat2", "statx",
	"rseq", "epoll_pwait2",
};

/* A stack of @n filters: every verdict dump prints is the kernel's. */
static void dump_stack(long n)
{
	char mix[32], pid_s[16], line[160], seen[64], natural[64], want[64];
	char *helper[] = { HELPER_PATH, "verdicts", mix, "verdicts", "hold", NULL };
	char *dump[] = { CLI_PATH, "dump", pid_s, NULL };
	char *json[] = { CLI_PATH, "dump", "--json", pid_s, NULL };
	struct run r;
	int out, in;
	size_t j;
	pid_t pid;

	snprintf(mix, sizeof(mix), "mixstack=%ld", n);
	pid = start_held(helper, env_plain, &r, &out, &in);
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	assert_int_equal(run_env("stack.txt", dump, env_plain), 0);
	assert_int_equal(run_env("stack.json", json, env_plain), 0);
	snprintf(line, sizeof(line), "(helper): %ld seccomp filter%s", n, n == 1 ? "" : "s");
	text_has("stack.txt", line);
	text_has("stack.txt", "\nverdicts on x86_64, all filters together:\n");
	for (j = 0; j < N(dump_common); j++) {
		verdict_of(r.out, dump_common[j], 0, natural, sizeof(natural));
		verdict_of(r.out, dump_common[j], 1, seen, sizeof(seen));
		/* the kernel ran the call: the filters allowed it */
		snprintf(want, sizeof(want), "%s", strcmp(seen, natural) ? seen : "allowed");
		snprintf(line, sizeof(line), "\n  %-13s %s\n", dump_common[j], want);
		text_has("stack.txt", line);
		snprintf(line, sizeof(line), "\"%s\": \"%s\"", dump_common[j], want);
		text_has("stack.json", line);
	}
	if (n == 2) {
		/* PTRACE_SECCOMP_GET_FILTER index 0 is the oldest */
		text_has("stack.txt", "\nfilter 0 (oldest): ");
		text_has("stack.txt", "\nfilter 1 (newest): ");
		text_has("stack.txt", "\n  clone3        ENOSYS\n");
	}
	release_held(pid, in, out, &r);
}

static void test_dump_stack(void **state)
{
	(void)state;
	dump_stack(0);
	dump_stack(1);
	dump_stack(2);
	dump_stack(100);
}

/* A 32-bit program that installs a filter refusing its own statx (383 on
 * x86) with EACCES, says what statx got, and waits for a byte on stdin. */
static const char prog32_src[] =
	"struct sf { unsigned short code; unsigned char jt, jf; unsigned int k; };\n"
	"struct fp { unsigned short len; struct sf *filter; };\n"
	"static long sys(long nr, long a, long b, long c, long d)\n"
	"{ long r; __asm__ volatile(\"int $0x80\" : \"=a\"(r) : \"a\"(nr), \"b\"(a),\n"
	"  \"c\"(b), \"d\"(c), \"S\"(d) : \"memory\"); return r; }\n"
	"static void out(const char *s) { long n = 0; while (s[n]) n++; sys(4, 1, (long)s, n, 0); }\n"
	"void _start(void)\n"
	"{\n"
	"	static struct sf f[] = { { 0x20, 0, 0, 4 }, { 0x15, 0, 3, 0x40000003 },\n"
	"		{ 0x20, 0, 0, 0 }, { 0x15, 0, 1, 383 }, { 0x06, 0, 0, 0x5000d },\n"
	"		{ 0x06, 0, 0, 0x7fff0000 } };\n"
	"	struct fp p = { 6, f };\n"
	"	char c;\n"
	"	sys(172, 38, 1, 0, 0);\n"
	"	if (sys(172, 22, 2, (long)&p, 0))\n"
	"		out(\"load=failed\\n\");\n"
	"	out(sys(383, -1, (long)\"x\", 0, 0) == -13 ? \"statx=EACCES\\n\" : \"statx=other\\n\");\n"
	"	out(\"ready\\n\");\n"
	"	sys(3, 0, (long)&c, 1, 0);\n"
	"	out(\"done=ok\\n\");\n"
	"	sys(1, 0, 0, 0, 0);\n"
	"}\n";

/* dump of a 32-bit process: the verdicts of its own ABI. */
static void test_dump_abi32(void **state)
{
	char *cc[] = { "/usr/bin/cc", "-m32", "-nostdlib", "-static", "-ffreestanding",
		       "-fno-pic", "-fno-stack-protector", "-O1", "-o", "prog32",
		       "prog32.c", NULL };
	char *prog[] = { "./prog32", NULL };
	char pid_s[16];
	char *dump[] = { CLI_PATH, "dump", pid_s, NULL };
	struct run r;
	int out, in;
	pid_t pid;

	(void)state;
	put_file("prog32.c", prog32_src);
	if (run_env("cc.txt", cc, env_plain) != 0)
		skip();	/* no 32-bit code generation here */
	pid = spawn(prog, env_plain, &out, &in);
	strcpy(r.out, "\n");
	collect(out, &r, "ready\n");
	if (!strstr(r.out, "ready")) {
		waitpid(pid, NULL, 0);
		skip();	/* a kernel without 32-bit support */
	}
	assert_true(has(&r, "statx=EACCES"));
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	assert_int_equal(run_env("dump32.txt", dump, env_plain), 0);
	text_has("dump32.txt", "a 32-bit x86 program");
	text_has("dump32.txt", "\nverdicts on x86, all filters together:\n");
	text_has("dump32.txt", "\n  statx         EACCES\n");
	text_has("dump32.txt", "\n  clone3        allowed\n");
	assert_int_equal(write(in, "x", 1), 1);
	close(in);
	collect(out, &r, NULL);
	close(out);
	assert_int_equal(waitpid(pid, &r.status, 0), pid);
}

/* @path with "process NNN (" made "process PID (". */
static void mask_pid(const char *path)
{
	static char buf[1 << 16];
	char *p, *q;
	FILE *fp;

	slurp(path, buf, sizeof(buf));
	p = strstr(buf, "process ");
	assert_non_null(p);
	q = strchr(p, '(');
	assert_non_null(q);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%.*sprocess PID %s", (int)(p - buf), buf, q);
	fclose(fp);
}

/* dump of a filter the library patched: it says the stub is there, and
 * the rseq hazard as this very process has it. */
static void test_dump_patched(void **state)
{
	char *helper[] = { HELPER_PATH, "prctl:builtin:old", "hold", NULL };
	char *env[] = { "LD_PRELOAD=" SHIM_PATH, NULL };
	char pid_s[16];
	char *dump[] = { CLI_PATH, "dump", pid_s, NULL };
	struct run r;
	int out, in;
	pid_t pid;

	(void)state;
	pid = start_held(helper, env, &r, &out, &in);
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	assert_int_equal(run_env("dump-patched.txt", dump, env_plain), 0);
	release_held(pid, in, out, &r);
	text_lacks("dump-patched.txt", "largest known number: 4095");
	text_lacks("dump-patched.txt", "with the stub");
	mask_pid("dump-patched.txt");
	golden("dump-patched.txt", "dump-patched-builtin-old.txt");
}

/* A policy file for -c: the rules the library would pick by exe or comm. */
static const char policy_conf[] =
	"# two legacy programs and a quiet one\n"
	"errno = \"ENOSYS\";\n"
	"programs = (\n"
	"  { exe = \"/opt/legacy/guarded\"; rseq_guard = true; },\n"
	"  { exe = \"/opt/legacy/allowed\"; allow_syscalls = [\"rseq\"];\n"
	"    strategy = \"kernel-version\"; },\n"
	"  { comm = \"quiet\"; mode = \"off\"; }\n"
	");\n";

static void write_policy(void)
{
	FILE *fp = fopen("policy.conf", "w");

	assert_non_null(fp);
	fputs(policy_conf, fp);
	assert_int_equal(fclose(fp), 0);
}

/* What a patched filter answers in the kernel (helper, no preload). */
static void kernel_answers(const char *bpf, const char *const *want, size_t n)
{
	char step[256];
	char *argv[] = { HELPER_PATH, step, "clone3", "pthread", "close_range", NULL };
	struct run r;
	size_t i;

	snprintf(step, sizeof(step), "prctl:%s/%s", dir, bpf);
	run_argv(argv, env_plain, &r);
	assert_exited_ok(&r);
	for (i = 0; i < n; i++)
		if (!has(&r, want[i]))
			fail_msg("%s: no \"%s\" in:\n%s", bpf, want[i], r.out);
}

/* inspect, patch and dump -c CONFIG: exactly what the library would do in
 * that program, the rule picked by --exe or --comm (dump: by the process). */
static void test_config_policy(void **state)
{
	char *inspect[] = { CLI_PATH, "inspect", "--summary", "-c", "policy.conf", "--exe",
			    "/opt/legacy/allowed", V19, NULL };
	char *guarded[] = { CLI_PATH, "patch", "-c", "policy.conf", "--exe",
			    "/opt/legacy/guarded", V19, "guarded.bpf", NULL };
	char *allowed[] = { CLI_PATH, "patch", "-c", "policy.conf", "--exe",
			    "/opt/legacy/allowed", V19, "allowed.bpf", NULL };
	char *quiet[] = { CLI_PATH, "patch", "--config", "policy.conf", "--comm", "quiet",
			  V19, "quiet.bpf", NULL };
	char *orphan[] = { CLI_PATH, "inspect", "--exe", "/x", V19, NULL };
	static const char *const want_guarded[] = {
		"clone3=EPERM", "pthread=EPERM", "close_range=ENOSYS" };
	static const char *const want_allowed[] = {
		"clone3=ENOSYS", "pthread=ok", "close_range=ENOSYS" };
	static const char *const want_plain[] = {
		"clone3=EPERM", "pthread=EPERM", "close_range=EPERM" };
	static char a[65536], b[65536];
	size_t n;

	(void)state;
	write_policy();
	assert_int_equal(run_to("cfg-inspect.txt", inspect), 0);
	golden("cfg-inspect.txt", "inspect-config-allowed-docker-default-v19.03.0.txt");
	/* rseq_guard: glibc's threads keep failing cleanly, close_range stubbed */
	assert_int_equal(run_to("cfg-guarded.txt", guarded), 0);
	golden("cfg-guarded.txt", "patch-config-guarded-docker-default-v19.03.0.txt");
	kernel_answers("guarded.bpf", want_guarded, N(want_guarded));
	/* allow_syscalls = ["rseq"]: threads start, through clone */
	assert_int_equal(run_to("cfg-allowed.txt", allowed), 0);
	golden("cfg-allowed.txt", "patch-config-allowed-docker-default-v19.03.0.txt");
	kernel_answers("allowed.bpf", want_allowed, N(want_allowed));
	/* mode off: the original, byte for byte */
	assert_int_equal(run_to("cfg-quiet.txt", quiet), 0);
	golden("cfg-quiet.txt", "patch-config-quiet-docker-default-v19.03.0.txt");
	n = slurp(V19, a, sizeof(a));
	assert_int_equal(slurp("quiet.bpf", b, sizeof(b)), n);
	assert_memory_equal(a, b, n);
	kernel_answers("quiet.bpf", want_plain, N(want_plain));
	/* --exe without -c is a usage error */
	assert_int_equal(run_to("cfg-orphan.txt", orphan), 2);
}

/* translate = true: the calls trapped for translation, in inspect and
 * patch (a 2010-era allow-list: read, write, close, fstat, select, ...
 * that kills the rest; libseccomp 2.5's export, kept in tests/cli). */
static void test_config_translate(void **state)
{
	char *inspect[] = { CLI_PATH, "inspect", "--summary", "-c", "tr.conf",
			    "legacy-kill.bpf", NULL };
	char *patch[] = { CLI_PATH, "patch", "-c", "tr.conf", "legacy-kill.bpf", "tr.bpf", NULL };
	char *plain[] = { CLI_PATH, "inspect", "--summary", "legacy-kill.bpf", NULL };
	static char a[65536];
	FILE *fp = fopen("tr.conf", "w");

	(void)state;
	assert_int_equal(symlink(GOLDEN_DIR "/../legacy-kill.bpf", "legacy-kill.bpf"), 0);
	assert_non_null(fp);
	fputs("translate = true;\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(run_to("tr-inspect.txt", inspect), 0);
	golden("tr-inspect.txt", "inspect-config-translate-legacy-kill.txt");
	assert_int_equal(run_to("tr-patch.txt", patch), 0);
	assert_non_null(strstr(slurp("tr-patch.txt", a, sizeof(a)) ? a : "",
			       "trapped to translate: getdents64 (KILL) -> getdents; clock_nanosleep "
			       "(KILL) -> nanosleep; openat (KILL) -> open; newfstatat (KILL) -> "
			       "fstat stat lstat;"));
	assert_int_equal(run_to("tr-plain.txt", plain), 0);
	assert_null(strstr(slurp("tr-plain.txt", a, sizeof(a)) ? a : "", "translate"));
}

/* dump -c CONFIG: the rule of the process's own exe and comm. */
static void test_dump_config(void **state)
{
	char *helper[] = { HELPER_PATH, "prctl:builtin:old", "hold", NULL };
	char pid_s[16];
	char *dump[] = { CLI_PATH, "dump", pid_s, "-c", "policy.conf", NULL };
	char *quiet[] = { CLI_PATH, "dump", pid_s, "-c", "policy.conf", "--comm", "quiet",
			  NULL };
	struct run r;
	int out, in;
	pid_t pid;

	(void)state;
	write_policy();
	pid = start_held(helper, env_plain, &r, &out, &in);
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	assert_int_equal(run_env("dump-cfg.txt", dump, env_plain), 0);
	assert_int_equal(run_env("dump-quiet.txt", quiet, env_plain), 0);
	release_held(pid, in, out, &r);
	mask_pid("dump-cfg.txt");
	golden("dump-cfg.txt", "dump-config-builtin-old.txt");
	mask_pid("dump-quiet.txt");
	golden("dump-quiet.txt", "dump-config-quiet-builtin-old.txt");
}

/* inspect and patch of a FIFO nobody writes: a refusal, not a hang. */
static void test_inspect_fifo(void **state)
{
	char *inspect[] = { CLI_PATH, "inspect", "in.fifo", NULL };
	char *patch[] = { CLI_PATH, "patch", "in.fifo", "never.bpf", NULL };
	char *dir_in[] = { CLI_PATH, "inspect", ".", NULL };
	int st;

	(void)state;
	assert_int_equal(mkfifo("in.fifo", 0600), 0);
	st = run_bounded("fifo.txt", inspect, env_plain);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	text_is("fifo.txt", "enostub: in.fifo: a FIFO, not a regular file: "
		"give the filter as a file\n");
	st = run_bounded("fifo.txt", patch, env_plain);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	assert_int_equal(access("never.bpf", F_OK), -1);
	assert_int_equal(run_env("dir.txt", dir_in, env_plain), 1);
	text_is("dir.txt", "enostub: .: a directory, not a regular file: "
		"give the filter as a file\n");
}

/* check-config of @text in file @name: the exit status; output in cc.txt */
static int check_text(const char *name, const char *text)
{
	char *argv[] = { CLI_PATH, "check-config", (char *)name, NULL };

	put_file(name, text);
	return run_env("cc.txt", argv, env_plain);
}

/* The errno aliases glibc defines are errno names too. */
static void test_errno_aliases(void **state)
{
	(void)state;
	assert_int_equal(check_text("wouldblock.conf", "errno = \"EWOULDBLOCK\";\n"), 0);
	golden("cc.txt", "check-config-errno-alias.txt");
	assert_int_equal(check_text("notsup.conf", "errno = \"ENOTSUP\";\n"), 0);
	text_has("cc.txt", "errno = \"EOPNOTSUPP\";");
	assert_int_equal(check_text("deadlock.conf", "errno = \"EDEADLOCK\";\n"), 0);
	text_has("cc.txt", "errno = \"EDEADLK\";");
	assert_int_equal(check_text("nope.conf", "errno = \"ENOPE\";\n"), 1);
	text_is("cc.txt", "enostub: nope.conf:1: errno: \"ENOPE\" is not an errno name\n");
}

/* @include in a comment or a string is not an include; a real one is. */
static void test_include_comment(void **state)
{
	(void)state;
	assert_int_equal(check_text("comment.conf",
				    "# never @include \"other.conf\" here\n"
				    "mode = \"patch\"; // @include\n"
				    "/* @include \"x\"\n"
				    "@include \"y\" */\n"
				    "log = { target = \"/var/log/@include\"; };\n"), 0);
	golden("cc.txt", "check-config-include-comment.txt");
	assert_int_equal(check_text("include.conf", "mode = \"patch\";\n"
				    "  @include \"other.conf\"\n"), 1);
	text_is("cc.txt", "enostub: include.conf:2: @include is not supported\n");
}

/* ENOSTUB_LOG follows the file's rule for log.target: a relative path or
 * an unknown word is a configuration error, said, filters untouched. */
static void test_log_env(void **state)
{
	char *run[] = { CLI_PATH, "run", HELPER_PATH, "prctl:builtin:old", "close_range", NULL };
	char *check[] = { CLI_PATH, "check-config", NULL };
	char *rel[] = { "PATH=/usr/bin:/bin", "ENOSTUB_LOG=relative.log", NULL };
	char *word[] = { "PATH=/usr/bin:/bin", "ENOSTUB_LOG=verbose", NULL };

	(void)state;
	assert_int_equal(check_text("rel.conf", "log = { target = \"relative.log\"; };\n"), 1);
	text_is("cc.txt", "enostub: rel.conf:1: target: expected none, stderr, syslog "
		"or an absolute file path\n");
	assert_int_equal(run_env("log-env.txt", run, rel), 0);
	text_has("log-env.txt", "configuration ignored, filters forwarded untouched: "
		 "ENOSTUB_LOG: \"relative.log\": expected none, stderr, syslog or an "
		 "absolute file path\n");
	text_has("log-env.txt", "\nclose_range=EPERM\n");
	assert_int_equal(access("relative.log", F_OK), -1);
	assert_int_equal(run_env("log-env.txt", run, word), 0);
	text_has("log-env.txt", "ENOSTUB_LOG: \"verbose\": expected none, stderr, syslog");
	text_has("log-env.txt", "\nclose_range=EPERM\n");
	/* check-config checks what the library would read, the variable too */
	assert_int_equal(run_env("log-check.txt", check, rel), 1);
	text_is("log-check.txt", "enostub: ENOSTUB_LOG: \"relative.log\": expected none, "
		"stderr, syslog or an absolute file path\n");
}

/* In a private mount namespace with an overlay on /etc holding a dangling
 * /etc/enostub.conf link: run @argv; the exit status. */
static int run_dangling_etc(const char *out, char *const argv[])
{
	char opts[512];
	pid_t pid;
	int st, fd;

	assert_int_equal(mkdir("etc-up", 0755) == 0 || errno == EEXIST, 1);
	assert_int_equal(mkdir("etc-work", 0755) == 0 || errno == EEXIST, 1);
	snprintf(opts, sizeof(opts), "lowerdir=/etc,upperdir=%s/etc-up,workdir=%s/etc-work",
		 dir, dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("overlay", "/etc", "overlay", 0, opts))
			_exit(125);
		unlink("/etc/enostub.conf");
		if (symlink("/nonexistent/enostub.conf", "/etc/enostub.conf"))
			_exit(125);
		dup2(fd, 1);
		dup2(fd, 2);
		alarm(10);
		execve(argv[0], argv, env_plain);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 125)
		skip();	/* no overlayfs or mount namespaces here */
	return WEXITSTATUS(st);
}

/* A dangling /etc/enostub.conf, or a procfs file that says it is empty,
 * is an error, not the built-in defaults. */
static void test_config_unusable(void **state)
{
	char *check[] = { CLI_PATH, "check-config", NULL };
	char *run[] = { CLI_PATH, "run", HELPER_PATH, "prctl:builtin:old", "close_range", NULL };
	char *procfs[] = { CLI_PATH, "check-config", "/proc/version", NULL };
	char *procenv[] = { "PATH=/usr/bin:/bin", "ENOSTUB_CONFIG=/proc/version", NULL };

	(void)state;
	assert_int_equal(run_dangling_etc("etc.txt", check), 1);
	text_is("etc.txt", "enostub: /etc/enostub.conf: a symbolic link to "
		"\"/nonexistent/enostub.conf\", which does not exist\n");
	assert_int_equal(run_dangling_etc("etc.txt", run), 0);
	text_has("etc.txt", "configuration ignored, filters forwarded untouched: "
		 "/etc/enostub.conf: a symbolic link to \"/nonexistent/enostub.conf\", "
		 "which does not exist\n");
	text_has("etc.txt", "\nclose_range=EPERM\n");
	assert_int_equal(run_env("proc.txt", procfs, env_plain), 1);
	text_is("proc.txt", "enostub: /proc/version: reports a size of 0 but has "
		"contents (a procfs or sysfs file?): not a configuration file\n");
	assert_int_equal(run_env("proc.txt", check, procenv), 1);
	text_has("proc.txt", "/proc/version: reports a size of 0 but has contents");
	assert_int_equal(run_env("proc.txt", run, procenv), 0);
	text_has("proc.txt", "configuration ignored, filters forwarded untouched: "
		 "/proc/version: reports a size of 0");
	text_has("proc.txt", "\nclose_range=EPERM\n");
}

/* enostub and its library in a directory @name: run refuses clearly
 * where LD_PRELOAD cannot name the library; never runs it unpatched. */
static void run_from(const char *name, int status, const char *want)
{
	char cmd[512], cli[256];
	char *argv[] = { cli, "run", HELPER_PATH, "prctl:builtin:old", "close_range", NULL };

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp %s %.*slibenostub.so '%s'/", name,
		 CLI_PATH, (int)(strrchr(CLI_PATH, '/') + 1 - CLI_PATH), CLI_PATH, name);
	assert_int_equal(system(cmd), 0);
	snprintf(cli, sizeof(cli), "%s/%s/enostub", dir, name);
	assert_int_equal(run_env("from.txt", argv, env_plain), status);
	text_has("from.txt", want);
	if (status)
		text_lacks("from.txt", "close_range=");
}

static void test_run_odd_path(void **state)
{
	char want[512];

	(void)state;
	run_from("plain-dir", 0, "\nclose_range=ENOSYS\n");
	snprintf(want, sizeof(want), "enostub: %s/with space/libenostub.so: LD_PRELOAD "
		 "cannot name a library whose path has a space or a colon (ld.so splits "
		 "the list on both); install enostub where its path has neither\n", dir);
	run_from("with space", 1, want);
	run_from("with:colon", 1, "with:colon/libenostub.so: LD_PRELOAD cannot name");
}

/* A valid filter of @n instructions that denies unknown numbers: only
 * write(1) is allowed, loads of the number pad it. */
static void write_big(const char *path, size_t n)
{
	FILE *fp = fopen(path, "wb");
	struct { uint16_t code; uint8_t jt, jf; uint32_t k; } insn[] = {
		{ 0x20, 0, 0, 4 },              /* ld arch */
		{ 0x15, 1, 0, 0xc000003e },     /* jeq x86_64 */
		{ 0x06, 0, 0, 0x80000000 },     /* ret kill_process */
		{ 0x20, 0, 0, 0 },              /* ld nr, repeated */
		{ 0x15, 0, 1, 1 },              /* jeq write */
		{ 0x06, 0, 0, 0x7fff0000 },     /* ret allow */
		{ 0x06, 0, 0, 0x50001 },        /* ret errno(EPERM) */
	};
	size_t i;

	assert_non_null(fp);
	fwrite(insn, sizeof(insn[0]), 4, fp);
	for (i = 0; i < n - 7; i++)
		fwrite(&insn[3], sizeof(insn[0]), 1, fp);
	fwrite(&insn[4], sizeof(insn[0]), 3, fp);
	assert_int_equal(fclose(fp), 0);
}

/* A filter the stub would push past 4096 instructions: the original is
 * written, with the reason, as the library forwards it untouched. */
static void test_patch_too_big(void **state)
{
	char *argv[] = { CLI_PATH, "patch", "big4096.bpf", "big-out.bpf", NULL };

	(void)state;
	write_big("big4096.bpf", 4096);
	assert_int_equal(run_env("big.txt", argv, env_plain), 0);
	same_bytes("big-out.bpf", "big4096.bpf");
	text_is("big.txt", "big4096.bpf: unchanged (the stub would make it longer than "
		"4096 instructions, the kernel's limit; the library forwards it "
		"untouched too), 4096 instructions written to big-out.bpf\n");
}

/* Every error says "enostub:" and what is really wrong. */
static void test_messages(void **state)
{
	char pid_s[16];
	char *dump[] = { CLI_PATH, "dump", pid_s, NULL };
	char *sp[] = { CLI_PATH, "dump", " 5", NULL };
	char *plus[] = { CLI_PATH, "dump", "+5", NULL };
	char want[256];
	pid_t pid;

	(void)state;
	assert_int_equal(check_text("bad.conf", "mode = \"fast\";\n"), 1);
	golden("cc.txt", "check-config-bad-mode.txt");
	assert_int_equal(run_env("sp.txt", sp, env_plain), 1);
	text_is("sp.txt", "enostub: \" 5\" is not a process id\n");
	assert_int_equal(run_env("sp.txt", plus, env_plain), 1);
	text_is("sp.txt", "enostub: \"+5\" is not a process id\n");
	/* a kernel thread: kthreadd is pid 2 */
	snprintf(pid_s, sizeof(pid_s), "2");
	assert_int_equal(run_env("kt.txt", dump, env_plain), 1);
	text_is("kt.txt", "enostub: 2 (kthreadd) is a kernel thread: kernel threads "
		"have no seccomp filters\n");
	/* a zombie */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	usleep(100000);
	assert_int_equal(run_env("zombie.txt", dump, env_plain), 1);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	snprintf(want, sizeof(want), "enostub: %d (test_cli) is a zombie: it has exited "
		 "(its parent has not reaped it yet) and has no filters left\n", (int)pid);
	text_is("zombie.txt", want);
	/* a process somebody else traces */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(ptrace(PTRACE_SEIZE, pid, NULL, NULL), 0);
	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	assert_int_equal(run_env("traced.txt", dump, env_plain), 1);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	snprintf(want, sizeof(want), "enostub: %d (test_cli) is already traced by process "
		 "%d (test_cli): a process has one tracer at a time\n", (int)pid,
		 (int)getpid());
	text_is("traced.txt", want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect_golden),
		cmocka_unit_test(test_patch_golden_and_kernel),
		cmocka_unit_test(test_config_policy),
		cmocka_unit_test(test_dump_config),
		cmocka_unit_test(test_config_translate),
		cmocka_unit_test(test_patch_planted_link),
		cmocka_unit_test(test_patch_mode),
		cmocka_unit_test(test_patch_stdout),
		cmocka_unit_test(test_patch_fifo),
		cmocka_unit_test(test_patch_links),
		cmocka_unit_test(test_patch_write_error),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_dump_stack),
		cmocka_unit_test(test_dump_abi32),
		cmocka_unit_test(test_dump_patched),
		cmocka_unit_test(test_inspect_fifo),
		cmocka_unit_test(test_errno_aliases),
		cmocka_unit_test(test_include_comment),
		cmocka_unit_test(test_log_env),
		cmocka_unit_test(test_config_unusable),
		cmocka_unit_test(test_run_odd_path),
		cmocka_unit_test(test_patch_too_big),
		cmocka_unit_test(test_messages),
	};
	int rc;

	assert_non_null(mkdtemp(dir));
	if (chdir(dir) || symlink(CORPUS_DIR, "corpus"))
		return 1;
	rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
	if (remove_tree(dir))
		rc = 1;
	return rc;
}
