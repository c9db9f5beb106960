// SPDX-License-Identifier: MIT
/*
 * enostub enable-system and disable-system, for real: the test process
 * moves into its own mount namespace and, for every test, mounts a fresh
 * overlay on /etc (the real /etc below, writes into a scratch directory).
 * The command then writes "/etc/ld.so.preload" as it would on the machine,
 * and new processes (the helper, without LD_PRELOAD) show whether ld.so
 * really preloads the library. The real /etc is never written: every test
 * first proves that /etc is the overlay, and the suite compares the real
 * /etc/ld.so.preload before and after.
 * Needs root (CAP_SYS_ADMIN for the namespace and the mounts).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define OVERLAYFS_MAGIC 0x794c7630
#define PRELOAD "/etc/ld.so.preload"
#define BACKUP  "/etc/ld.so.preload.enostub-backup"
#define NOBODY  65534
#define P       256     /* the paths here are short */
#define Q       1024    /* paths and lists built from them */
#define T       4096    /* texts built from those */

static char dir[] = "/tmp/enostub-system-test-XXXXXX";
static char *const env_plain[] = { "PATH=/usr/bin:/bin", NULL };
static char lib[P];            /* the library under test, resolved */
static char libm_path[P];      /* a harmless entry for seeded lists */
static char libc_path[P];      /* one that hides the hooks when listed first */
static bool ready;             /* the namespace exists: tests may mount */
static int serial;

/* ---- files ---------------------------------------------------------- */

/* @path's bytes into @buf (NUL-terminated); -1 if it does not exist. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, len = 0;

	if (fd < 0) {
		assert_int_equal(errno, ENOENT);
		return -1;
	}
	while ((n = read(fd, buf + len, size - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* @path holds exactly @want (NULL: @path does not exist). */
static void file_is(const char *path, const char *want)
{
	static char buf[1 << 17];
	ssize_t n = slurp(path, buf, sizeof(buf));

	if (!want && n >= 0)
		fail_msg("%s exists, holding \"%s\"", path, buf);
	if (want && (n < 0 || (size_t)n != strlen(want) || memcmp(buf, want, (size_t)n)))
		fail_msg("%s holds \"%s\", not \"%s\"", path, n < 0 ? "(no file)" : buf, want);
}

/* ---- one overlay on /etc per test ------------------------------------ */

/* A fresh overlay on /etc, proven to be one (a marker written through
 * /etc appears in our upper directory) before the test may run. */
static int etc_setup(void **state)
{
	char up[P], work[P], opts[T], marker[Q];
	struct statfs sf;

	(void)state;
	if (!ready)
		return 0;
	serial++;
	snprintf(up, sizeof(up), "%s/etc-up-%d", dir, serial);
	snprintf(work, sizeof(work), "%s/etc-work-%d", dir, serial);
	snprintf(opts, sizeof(opts), "lowerdir=/etc,upperdir=%s,workdir=%s", up, work);
	if (mkdir(up, 0755) || mkdir(work, 0755) ||
	    mount("overlay", "/etc", "overlay", 0, opts) || statfs("/etc", &sf) ||
	    sf.f_type != OVERLAYFS_MAGIC)
		return -1;
	write_file("/etc/.enostub-test-marker", "x", 0600);
	snprintf(marker, sizeof(marker), "%s/.enostub-test-marker", up);
	return access(marker, F_OK);
}

static int etc_teardown(void **state)
{
	(void)state;
	if (ready && umount2("/etc", MNT_DETACH))
		return -1;
	return 0;
}

/* ---- running the command and the helper ------------------------------ */

/* Run @argv as @uid (0: as we are), stdout and stderr into @r (after a
 * newline, as runner.h does); the exit status. */
static int run_as(uid_t uid, char *const argv[], struct run *r)
{
	int st;

	run_as_uid(uid, 20, argv[0], argv, env_plain, r);
	st = r->status;
	if (!WIFEXITED(st))
		fail_msg("%s %s: wait status %#x:%s", argv[0], argv[1], st, r->out);
	return WEXITSTATUS(st);
}

/* enostub CMD [ARG] [ARG], the exit status; output in @r. */
static int enostub(struct run *r, const char *cmd, const char *a, const char *b)
{
	char *argv[] = { CLI_PATH, (char *)cmd, (char *)a, (char *)b, NULL };

	return run_as(0, argv, r);
}

/* What close_range gets under an old filter in a new process started
 * without LD_PRELOAD: ENOSYS only if ld.so preloaded the library. */
static void new_process_gets(const char *want)
{
	char *argv[] = { HELPER_PATH, "prctl:builtin:old", "close_range", NULL };
	char line[64];
	struct run r;

	run_argv(argv, env_plain, &r);
	assert_exited_ok(&r);
	snprintf(line, sizeof(line), "close_range=%s", want);
	assert_true(has(&r, line));
}

/* A list an administrator might have: a comment (only one: glibc 2.36
 * reads later comments in part as entries), a harmless library, blank
 * lines, and white space at the end without a newline. */
static void seeded(char *buf, size_t size)
{
	snprintf(buf, size, "# site preloads\n%s\n\n  \t", libm_path);
}

/* ---- the tests ------------------------------------------------------- */

/* An existing list: enable adds one line after a newline of its own,
 * keeps a byte-exact backup, a new process is patched; enabling again
 * changes nothing; disable puts the file back byte for byte. */
static void test_enable_disable(void **state)
{
	char orig[Q], want[T];
	struct stat st;
	struct run r;

	(void)state;
	seeded(orig, sizeof(orig));
	write_file(PRELOAD, orig, 0644);
	new_process_gets("EPERM");

	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 0);
	assert_true(has_text(&r, "/etc/enostub.conf: none, the built-in settings apply\n"));
	snprintf(want, sizeof(want), "\n" PRELOAD ": added %s: every program started "
		 "from now on loads it\n", lib);
	assert_true(has_text(&r, want));
	assert_true(has_text(&r, "kept as " BACKUP ": enostub disable-system puts it back"));
	snprintf(want, sizeof(want), "%s\n%s\n", orig, lib);
	file_is(PRELOAD, want);
	file_is(BACKUP, orig);
	assert_int_equal(stat(PRELOAD, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	new_process_gets("ENOSYS");

	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 0);
	assert_true(has_text(&r, "already preloads"));
	file_is(PRELOAD, want);

	assert_int_equal(enostub(&r, "disable-system", NULL, NULL), 0);
	assert_true(has_text(&r, PRELOAD ": put back as it was before enable-system\n"));
	file_is(PRELOAD, orig);
	file_is(BACKUP, NULL);
	new_process_gets("EPERM");
	assert_int_equal(enostub(&r, "disable-system", NULL, NULL), 0);
	assert_true(has_text(&r, "does not preload libenostub.so: nothing changed"));
	file_is(PRELOAD, orig);
}

/* No list: enable creates it (one line, 0644, no backup), disable removes
 * it; disable with the path names exactly that line. */
static void test_no_file(void **state)
{
	char want[T];
	struct stat st;
	struct run r;

	(void)state;
	file_is(PRELOAD, NULL);
	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 0);
	assert_true(has_text(&r, "there was no such file: enostub disable-system removes it"));
	snprintf(want, sizeof(want), "%s\n", lib);
	file_is(PRELOAD, want);
	file_is(BACKUP, NULL);
	assert_int_equal(stat(PRELOAD, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	new_process_gets("ENOSYS");
	/* another path is not ours to remove */
	assert_int_equal(enostub(&r, "disable-system", "/usr/lib/libenostub.so", NULL), 0);
	assert_true(has_text(&r, "does not preload /usr/lib/libenostub.so"));
	file_is(PRELOAD, want);
	assert_int_equal(enostub(&r, "disable-system", lib, NULL), 0);
	assert_true(has_text(&r, PRELOAD ": removed (enable-system had created it)\n"));
	file_is(PRELOAD, NULL);
	new_process_gets("EPERM");
}

/* The administrator changed the list after enable: disable removes only
 * its line, keeps the rest, and drops the stale backup. */
static void test_changed_since(void **state)
{
	char orig[Q], text[T], want[T];
	struct run r;

	(void)state;
	seeded(orig, sizeof(orig));
	write_file(PRELOAD, orig, 0644);
	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 0);
	snprintf(text, sizeof(text), "%s\n%s\n%s\n", orig, lib, libm_path);
	write_file(PRELOAD, text, 0644);
	assert_int_equal(enostub(&r, "disable-system", NULL, NULL), 0);
	snprintf(want, sizeof(want), PRELOAD ": changed since enable-system: removed the "
		 "line %s, kept the rest\n", lib);
	assert_true(has_text(&r, want));
	snprintf(want, sizeof(want), "%s\n%s\n", orig, libm_path);
	file_is(PRELOAD, want);
	file_is(BACKUP, NULL);
	new_process_gets("EPERM");
}

/* A library every new process dies with (early.so exits 96 without its
 * filter), and a program that is no library: enable tries a new process,
 * sees it fail, and puts the file back as it was. */
static void test_roll_back(void **state)
{
	char orig[Q];
	struct run r;

	(void)state;
	seeded(orig, sizeof(orig));
	write_file(PRELOAD, orig, 0644);
	assert_int_equal(enostub(&r, "enable-system", EARLY_PATH, NULL), 1);
	assert_true(has_text(&r, "failed with " EARLY_PATH " preloaded: exit status 96\n"));
	assert_true(has_text(&r, "enostub: " PRELOAD ": put back as it was; not enabled\n"));
	file_is(PRELOAD, orig);
	file_is(BACKUP, NULL);
	new_process_gets("EPERM");
	/* a PIE is ET_DYN too: ld.so refuses to preload it, on stderr */
	assert_int_equal(enostub(&r, "enable-system", HELPER_PATH, NULL), 1);
	assert_true(has_text(&r, "cannot be preloaded"));
	assert_true(has_text(&r, "put back as it was; not enabled"));
	file_is(PRELOAD, orig);
	file_is(BACKUP, NULL);
}

/* An earlier entry that defines prctl() and syscall() itself (here libc)
 * would take the calls before the hooks: the probe sees it, enable puts
 * the file back. */
static void test_hooks_hidden(void **state)
{
	char orig[Q], want[T];
	struct run r;

	(void)state;
	snprintf(orig, sizeof(orig), "%s\n", libc_path);
	write_file(PRELOAD, orig, 0644);
	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 1);
	snprintf(want, sizeof(want), "a new process takes prctl() from %s, not from %s\n",
		 libc_path, lib);
	assert_true(has_text(&r, want));
	assert_true(has_text(&r, "put back as it was; not enabled"));
	file_is(PRELOAD, orig);
	file_is(BACKUP, NULL);
}

/* enable-system LIB is refused, with @msg, and nothing changes. */
static void refused(const char *path, const char *msg)
{
	char orig[Q];
	struct run r;

	seeded(orig, sizeof(orig));
	write_file(PRELOAD, orig, 0644);
	assert_int_equal(enostub(&r, "enable-system", path, NULL), 1);
	assert_true(has_text(&r, msg));
	file_is(PRELOAD, orig);
	file_is(BACKUP, NULL);
	file_is("/etc/enostub.conf.snap", NULL);
}

/* A copy of the library at @path with @mode, owned by @uid. */
static void lib_copy(const char *path, mode_t mode, uid_t uid)
{
	static char buf[1 << 22];
	ssize_t n = slurp(lib, buf, sizeof(buf));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	assert_true(n > 0 && fd >= 0);
	assert_int_equal(write(fd, buf, (size_t)n), n);
	assert_int_equal(fchown(fd, uid, 0), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Libraries whoever is not root could change, or ld.so could not name. */
static void test_refused_libraries(void **state)
{
	char path[Q], msg[T];

	(void)state;
	refused("libenostub.so", "needs an absolute path without white space, ':' or '#'");
	snprintf(path, sizeof(path), "%s/with space", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/with space/libenostub.so", dir);
	lib_copy(path, 0755, 0);
	refused(path, "needs an absolute path without white space");
	snprintf(path, sizeof(path), "%s/nobodys.so", dir);
	lib_copy(path, 0755, NOBODY);
	snprintf(msg, sizeof(msg), "enostub: %s: not root's alone (owner 65534, mode 0755)",
		 path);
	refused(path, msg);
	snprintf(path, sizeof(path), "%s/group-writable.so", dir);
	lib_copy(path, 0775, 0);
	refused(path, "not root's alone (owner 0, mode 0775)");
	snprintf(path, sizeof(path), "%s/open", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	assert_int_equal(chmod(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/open/libenostub.so", dir);
	lib_copy(path, 0755, 0);
	snprintf(msg, sizeof(msg), "enostub: %s/open: not root's alone (owner 0, mode 0777)",
		 dir);
	refused(path, msg);
	snprintf(path, sizeof(path), "%s/text.so", dir);
	write_file(path, "not a library\n", 0644);
	refused(path, "not a shared library for this machine");
	snprintf(path, sizeof(path), "%s/missing.so", dir);
	refused(path, "missing.so: No such file or directory");
	/* with a usable configuration: a refused library compiles nothing */
	write_file("/etc/enostub.conf", "mode = \"patch\";\n", 0644);
	refused(path, "missing.so: No such file or directory");
}

/* A configuration every process would ignore refuses enable. */
static void test_refused_config(void **state)
{
	(void)state;
	write_file("/etc/enostub.conf", "mode = \"fast\";\n", 0644);
	refused(lib, "enostub: /etc/enostub.conf:1: mode: \"fast\" is not one of patch, "
		"dry-run, off\nenostub: not enabled: the library would forward filters "
		"untouched; fix the configuration first (enostub check-config)\n");
	/* a setuid program reads only root's configuration */
	write_file("/etc/enostub.conf", "mode = \"patch\";\n", 0644);
	assert_int_equal(chown("/etc/enostub.conf", NOBODY, 0), 0);
	refused(lib, "enostub: /etc/enostub.conf: not trusted in secure mode (must be "
		"owned by root and not writable by group or others)\nenostub: not enabled");
	assert_int_equal(chown("/etc/enostub.conf", 0, 0), 0);
	{
		char *check[] = { CLI_PATH, "check-config", "/etc/enostub.conf", NULL };
		struct run r;

		/* a usable file: enabled, and its snapshot compiled for every process */
		assert_int_equal(enostub(&r, "enable-system", lib, NULL), 0);
		assert_true(has_text(&r, "/etc/enostub.conf: ok, 0 program rules\n"));
		assert_true(has_text(&r, "loads it\n/etc/enostub.conf.snap: written: processes "
				     "read it instead of parsing the file\n"));
		assert_int_equal(run_as(0, check, &r), 0);
		assert_true(has(&r, "snapshot /etc/enostub.conf.snap: fresh: the library reads "
				"it, not the file"));
		new_process_gets("ENOSYS");
	}
}

/* Lists enable and disable leave to the administrator. */
static void test_lists_left_alone(void **state)
{
	char text[T], copy[Q], want[T];
	struct run r;

	(void)state;
	/* the library among other entries on one line */
	snprintf(text, sizeof(text), "%s %s\n", libm_path, lib);
	write_file(PRELOAD, text, 0644);
	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 1);
	assert_true(has_text(&r, "line 1 names libenostub.so among other text: edit it by hand"));
	assert_int_equal(enostub(&r, "disable-system", NULL, NULL), 1);
	assert_true(has_text(&r, "line 1 names libenostub.so among other entries: edit it"));
	file_is(PRELOAD, text);
	/* another copy already enabled */
	snprintf(copy, sizeof(copy), "%s/other/libenostub.so", dir);
	snprintf(want, sizeof(want), "%s/other", dir);
	assert_int_equal(mkdir(want, 0755), 0);
	lib_copy(copy, 0755, 0);
	snprintf(text, sizeof(text), "%s\n", copy);
	write_file(PRELOAD, text, 0644);
	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 1);
	assert_true(has_text(&r, "line 1 names another libenostub.so: enostub "
			     "disable-system first"));
	file_is(PRELOAD, text);
	/* a symbolic link is not replaced by a file */
	snprintf(copy, sizeof(copy), "%s/list", dir);
	snprintf(text, sizeof(text), "%s\n", libm_path);
	write_file(copy, text, 0644);
	assert_int_equal(unlink(PRELOAD), 0);
	assert_int_equal(symlink(copy, PRELOAD), 0);
	assert_int_equal(enostub(&r, "enable-system", lib, NULL), 1);
	assert_true(has_text(&r, PRELOAD ": not a regular file: edit it by hand"));
	assert_int_equal(enostub(&r, "disable-system", NULL, NULL), 1);
	assert_true(has_text(&r, PRELOAD ": not a regular file: edit it by hand"));
	assert_int_equal(readlink(PRELOAD, want, sizeof(want)), (ssize_t)strlen(copy));
	file_is(copy, text);
}

/* Nobody but root: not as nobody, not with --root on nobody's directory. */
static void test_not_root(void **state)
{
	char root[P], etc[T];
	char *plain[] = { CLI_PATH, "enable-system", lib, NULL };
	char *rooted[] = { CLI_PATH, "enable-system", "--root", root, lib, NULL };
	char *off[] = { CLI_PATH, "disable-system", "--root", root, NULL };
	struct run r;

	(void)state;
	snprintf(root, sizeof(root), "%s/nobodys-root", dir);
	snprintf(etc, sizeof(etc), "%s/etc", root);
	assert_int_equal(mkdir(root, 0755) || mkdir(etc, 0755), 0);
	assert_int_equal(chown(root, NOBODY, NOBODY) || chown(etc, NOBODY, NOBODY), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	file_is(PRELOAD, NULL);
	assert_int_equal(run_as(NOBODY, plain, &r), 1);
	assert_true(has(&r, "enostub: enable-system: needs root (it writes " PRELOAD ")"));
	assert_int_equal(run_as(NOBODY, rooted, &r), 1);
	assert_true(has_text(&r, "enostub: enable-system: needs root (it writes "));
	assert_int_equal(run_as(NOBODY, off, &r), 1);
	assert_true(has_text(&r, "enostub: disable-system: needs root"));
	file_is(PRELOAD, NULL);
	snprintf(etc, sizeof(etc), "%s/etc/ld.so.preload", root);
	file_is(etc, NULL);
	/* root will not write through a directory nobody controls either */
	assert_int_equal(run_as(0, rooted, &r), 1);
	snprintf(etc, sizeof(etc), "enostub: %s: not root's alone (owner 65534", root);
	assert_true(has_text(&r, etc));
	assert_int_equal(chmod(dir, 0700), 0);
}

/* --root: an image's /etc, the library as seen inside the image. */
static void test_root_option(void **state)
{
	char root[P], path[Q], want[T];
	char *on[] = { CLI_PATH, "enable-system", "--root", root, "/usr/lib/libenostub.so",
		       NULL };
	char *off[] = { CLI_PATH, "disable-system", "--root", root, NULL };
	char *outside[] = { CLI_PATH, "enable-system", "--root", root, "/usr/lib/out.so", NULL };
	struct run r;

	(void)state;
	snprintf(root, sizeof(root), "%s/image", dir);
	snprintf(path, sizeof(path), "mkdir -p %s/etc %s/usr/lib", root, root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/usr/lib/libenostub.so", root);
	lib_copy(path, 0644, 0);
	assert_int_equal(run_as(0, on, &r), 0);
	snprintf(want, sizeof(want), "\n%s/etc/ld.so.preload: added /usr/lib/libenostub.so",
		 root);
	assert_true(has_text(&r, want));
	snprintf(path, sizeof(path), "%s/etc/ld.so.preload", root);
	file_is(path, "/usr/lib/libenostub.so\n");
	file_is(PRELOAD, NULL);
	assert_int_equal(run_as(0, off, &r), 0);
	file_is(path, NULL);
	/* a link that leads out of the image is refused */
	snprintf(path, sizeof(path), "%s/usr/lib/out.so", root);
	assert_int_equal(symlink(lib, path), 0);
	assert_int_equal(run_as(0, outside, &r), 1);
	assert_true(has_text(&r, "/usr/lib/out.so: resolves to"));
	assert_true(has_text(&r, ", outside "));
	snprintf(path, sizeof(path), "%s/etc/ld.so.preload", root);
	file_is(path, NULL);
	/* the image's configuration is checked, not the machine's */
	snprintf(path, sizeof(path), "%s/etc/enostub.conf", root);
	write_file(path, "errno = \"ENOPE\";\n", 0644);
	assert_int_equal(run_as(0, on, &r), 1);
	assert_true(has_text(&r, "/etc/enostub.conf:1: errno"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enable_disable, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_no_file, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_changed_since, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_roll_back, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_hooks_hidden, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_refused_libraries, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_refused_config, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_lists_left_alone, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_not_root, etc_setup, etc_teardown),
		cmocka_unit_test_setup_teardown(test_root_option, etc_setup, etc_teardown),
	};
	static char before[1 << 17], after[1 << 17];
	ssize_t nb = slurp(PRELOAD, before, sizeof(before)), na;
	char real[PATH_MAX];
	Dl_info info;
	void *libm;
	int rc;

	if (geteuid() != 0) {
		printf("test_system: skipped: needs root (a mount namespace, mounts on /etc)\n");
		return 0;
	}
	if (!realpath(SHIM_PATH, real) || strlen(real) >= P)
		return 1;
	strcpy(lib, real);
	if (!dladdr((void *)printf, &info) || !realpath(info.dli_fname, real) ||
	    strlen(real) >= P)
		return 1;
	strcpy(libc_path, real);
	libm = dlopen("libm.so.6", RTLD_NOW);
	if (!libm || !dladdr(dlsym(libm, "cos"), &info) || !realpath(info.dli_fname, real) ||
	    strlen(real) >= P || !mkdtemp(dir))
		return 1;
	strcpy(libm_path, real);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		printf("test_system: skipped: no private mount namespace here (%s)\n",
		       strerror(errno));
		return 0;
	}
	ready = true;
	rc = cmocka_run_group_tests_name("system", tests, NULL, NULL);
	if (remove_tree(dir))
		rc = 1;
	na = slurp(PRELOAD, after, sizeof(after));
	if (na != nb || (na > 0 && memcmp(before, after, (size_t)na))) {
		fprintf(stderr, "the real " PRELOAD " changed!\n");
		rc = 1;
	}
	return rc;
}
