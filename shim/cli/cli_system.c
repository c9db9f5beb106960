// SPDX-License-Identifier: MIT
/*
 * enostub enable-system, disable-system: add libenostub.so to
 * /etc/ld.so.preload, or take it out again, as the administrator's
 * explicit act (the package never does it).
 *
 * enable-system [--root DIR] [LIB]
 *   Refuses unless the configuration the library will read
 *   (ENOSTUB_SYSCONF, as a setuid program reads it) is usable (its
 *   snapshot is then compiled, as check-config --compile does), and LIB is
 *   a shared object of this machine's kind, owned by root and writable by
 *   nobody else, in directories nobody else can change. The current file
 *   is kept as ld.so.preload.enostub-backup (no backup: there was no
 *   file), the new one (the old text plus one line, LIB) is written to a
 *   temporary in /etc, synced and renamed over the old, and /etc synced.
 *   Then a new process is started under it (enable-system --probe LIB):
 *   it must load LIB and take prctl() and syscall() from it, else the old
 *   file is put back. Nothing changes when LIB is already listed.
 * disable-system [--root DIR] [LIB]
 *   Removes the lines that are exactly LIB (default: any path ending in
 *   /libenostub.so). If the file is still what enable-system wrote, the
 *   backup is restored byte for byte (no backup: the file is removed);
 *   if it was changed since, only those lines go (and the file too if
 *   nothing is left and there is no backup). The backup is then removed.
 *
 * --root DIR works on DIR/etc instead of /etc (an image, a test root).
 * Both commands need root, whatever the root: an unprivileged user can do
 * nothing with them that the file system does not already let them do,
 * and a setuid or file-capability enostub refuses to run them at all.
 * DIR, DIR/etc and LIB must be root's all the way up: root never writes
 * through a directory someone else controls.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "config/conf.h"

#ifndef ENOSTUB_LIB
#define ENOSTUB_LIB "/usr/local/lib/libenostub.so"
#endif

#define PRELOAD_NAME "ld.so.preload"
#define BACKUP_NAME  PRELOAD_NAME ".enostub-backup"
#define LIB_BASE     "/libenostub.so"
#define LIST_MAX     (64 * 1024)              /* a preload list, not a data file */
#define TEXT_MAX     (LIST_MAX + PATH_MAX + 2) /* a list with our line added */
#define CHECK_OUT    4096                     /* what the new process may print */

static const char system_usage[] =
	"usage: enostub enable-system [--root DIR] [LIB]\n"
	"       enostub disable-system [--root DIR] [LIB]\n";

/* One file in ROOT/etc. */
struct sys_file {
	bool exists;
	mode_t mode;
	size_t len;
	char text[TEXT_MAX];
};

struct sys_ctx {
	char root[PATH_MAX];         /* resolved DIR, "" for the running system */
	char etcpath[PATH_MAX + 8];  /* ROOT/etc, for messages */
	char preload[PATH_MAX + 48]; /* ROOT/etc/ld.so.preload, for messages */
	char backup[PATH_MAX + 48];  /* ROOT/etc/ld.so.preload.enostub-backup */
	int etc;                /* ROOT/etc, open */
	char lib[PATH_MAX];     /* the entry, as processes under ROOT see it */
	bool any;               /* disable: every line naming a libenostub.so */
};

/* What the list says about the library. */
struct sys_found {
	size_t own;             /* lines that are exactly the entry */
	size_t first;           /* offset of the first such line */
	size_t first_len;       /* and its length, without the newline */
	unsigned int own_line;  /* its number */
	unsigned int mixed;     /* number of a line naming it among other text */
};

static int say_errno(const char *what, int err)
{
	fprintf(stderr, "enostub: %s: %s\n", what, strerror(err));
	return 1;
}

/* Root, and not through setuid or file capabilities. */
static int sys_privileged(const char *cmd, const char *preload)
{
	if (getauxval(AT_SECURE)) {
		fprintf(stderr, "enostub: %s refuses to run setuid or with file "
			"capabilities\n", cmd);
		return 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "enostub: %s: needs root (it writes %s)\n", cmd, preload);
		return 1;
	}
	return 0;
}

/* @path is a directory (@dir) or a regular file that only root can
 * change: owned by root, not writable by group or others, except a sticky
 * directory such as /tmp (nobody else can rename what is root's there). */
static int sys_trusted_one(const char *path, bool dir)
{
	struct stat st;

	if (lstat(path, &st))
		return say_errno(path, errno);
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		fprintf(stderr, "enostub: %s: not a %s\n", path,
			dir ? "directory" : "regular file");
		return 1;
	}
	if (st.st_uid != 0 || ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
			       !(dir && (st.st_mode & S_ISVTX)))) {
		fprintf(stderr, "enostub: %s: not root's alone (owner %u, mode %04o): whoever "
			"can change it could preload their own code into every process\n",
			path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return 1;
	}
	return 0;
}

/* @real (a resolved path) and every directory above it are root's alone.
 * @dir: @real is a directory, else a regular file. */
static int sys_trusted(const char *real, bool dir)
{
	char part[PATH_MAX];
	size_t i, n = strlen(real);

	if (sys_trusted_one("/", true))
		return 1;
	for (i = 1; i < n; i++) {
		if (real[i] != '/')
			continue;
		snprintf(part, sizeof(part), "%.*s", (int)i, real);
		if (sys_trusted_one(part, true))
			return 1;
	}
	return n > 1 ? sys_trusted_one(real, dir) : 0;
}

/* The first bytes of an ELF file, or -1. */
static ssize_t elf_head(const char *path, unsigned char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

/* @path is a shared object this machine's programs can load: the class,
 * byte order and machine of this very command, type ET_DYN. */
static int sys_elf_matches(const char *path)
{
	unsigned char lib[EI_NIDENT + 4], self[EI_NIDENT + 4];
	uint16_t type, mach, mach_self;
	ssize_t n = elf_head(path, lib, sizeof(lib));

	if (elf_head("/proc/self/exe", self, sizeof(self)) != (ssize_t)sizeof(self))
		return say_errno("/proc/self/exe", errno ? errno : EIO);
	memcpy(&type, lib + EI_NIDENT, sizeof(type));
	memcpy(&mach, lib + EI_NIDENT + 2, sizeof(mach));
	memcpy(&mach_self, self + EI_NIDENT + 2, sizeof(mach_self));
	if (n != (ssize_t)sizeof(lib) || memcmp(lib, ELFMAG, SELFMAG) ||
	    lib[EI_CLASS] != self[EI_CLASS] || lib[EI_DATA] != self[EI_DATA] ||
	    type != ET_DYN || mach != mach_self) {
		fprintf(stderr, "enostub: %s: not a shared library for this machine\n", path);
		return 1;
	}
	return 0;
}

/* The entry for @lib: resolved, under the root, a path ld.so can read
 * from the list (no white space, ':' or '#'), trusted, a shared object. */
static int sys_lib(struct sys_ctx *c, const char *lib)
{
	char given[PATH_MAX * 2], real[PATH_MAX];
	size_t rl = strlen(c->root);

	if (lib[0] != '/' || strpbrk(lib, " \t\n:#")) {
		fprintf(stderr, "enostub: %s: /etc/ld.so.preload needs an absolute path "
			"without white space, ':' or '#'\n", lib);
		return 1;
	}
	snprintf(given, sizeof(given), "%s%s", c->root, lib);
	if (!realpath(given, real))
		return say_errno(given, errno);
	if (rl && (strncmp(real, c->root, rl) || real[rl] != '/')) {
		fprintf(stderr, "enostub: %s: resolves to %s, outside %s\n", given, real,
			c->root);
		return 1;
	}
	if (strpbrk(real, " \t\n:#")) {
		fprintf(stderr, "enostub: %s: resolves to \"%s\", which /etc/ld.so.preload "
			"cannot hold\n", lib, real);
		return 1;
	}
	if (sys_trusted(real, false) || sys_elf_matches(real))
		return 1;
	snprintf(c->lib, sizeof(c->lib), "%s", real + rl);
	return 0;
}

/* The configuration every process will read, checked as a setuid
 * program reads it: a file with errors, or not root's, refuses. */
static int sys_config(const struct sys_ctx *c)
{
	static struct conf_file f;
	char path[PATH_MAX * 2], err[CONF_ERR_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", c->root, ENOSTUB_SYSCONF);
	if (lstat(path, &st) && errno == ENOENT) {
		printf("%s: none, the built-in settings apply\n", path);
		return 0;
	}
	if (conf_read(path, true, &f, err, sizeof(err))) {
		fprintf(stderr, "enostub: %s\nenostub: not enabled: the library would "
			"forward filters untouched; fix the configuration first "
			"(enostub check-config)\n", err);
		return 1;
	}
	printf("%s: ok, %zu program rule%s\n", path, f.nrules, f.nrules == 1 ? "" : "s");
	return 0;
}

/* Once enabled: the configuration's snapshot, so that no process has to
 * parse the file (check-config --compile). A failure only costs time. */
static void sys_snapshot(const struct sys_ctx *c)
{
	char path[PATH_MAX * 2], err[CONF_ERR_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", c->root, ENOSTUB_SYSCONF);
	if (lstat(path, &st))
		return;
	if (conf_compile(path, err, sizeof(err)))
		fprintf(stderr, "enostub: warning: %s: every process will parse the "
			"configuration file itself\n", err);
	else
		printf("%s" CONF_SNAP_SUFFIX ": written: processes read it instead of "
		       "parsing the file\n", path);
}

/* --root, LIB; the paths of ROOT/etc, open and locked. Return: 0, or the
 * exit status. */
static int sys_setup(struct sys_ctx *c, int argc, char **argv, const char **lib)
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	int o;

	optind = 0;
	while ((o = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		if (o == 'r') {
			root = optarg;
			continue;
		}
		fputs(system_usage, o == 'h' ? stdout : stderr);
		return o == 'h' ? -1 : 2;
	}
	if (argc - optind > 1) {
		fputs(system_usage, stderr);
		return 2;
	}
	*lib = optind < argc ? argv[optind] : NULL;
	if (root && !realpath(root, c->root))
		return say_errno(root, errno);
	if (root && !strcmp(c->root, "/"))
		c->root[0] = '\0';
	snprintf(c->etcpath, sizeof(c->etcpath), "%s/etc", c->root);
	snprintf(c->preload, sizeof(c->preload), "%s/" PRELOAD_NAME, c->etcpath);
	snprintf(c->backup, sizeof(c->backup), "%s/" BACKUP_NAME, c->etcpath);
	if (sys_privileged(argv[0], c->preload) || sys_trusted(c->etcpath, true))
		return 1;
	c->etc = open(c->etcpath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->etc < 0)
		return say_errno(c->etcpath, errno);
	/* one enable or disable at a time */
	if (flock(c->etc, LOCK_EX))
		return say_errno(c->etcpath, errno);
	return 0;
}

/* Read @name of ROOT/etc into @f; a missing file is not an error. */
static int sys_read(const struct sys_ctx *c, const char *name, struct sys_file *f)
{
	char path[PATH_MAX * 2];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->etcpath, name);
	memset(f, 0, offsetof(struct sys_file, text));
	fd = openat(c->etc, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && errno != ELOOP)
		return say_errno(path, errno);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "enostub: %s: not a regular file: edit it by hand\n", path);
		return 1;
	}
	while ((n = read(fd, f->text + f->len, LIST_MAX + 1 - f->len)) > 0)
		f->len += (size_t)n;
	close(fd);
	if (n < 0)
		return say_errno(path, errno);
	if (f->len > LIST_MAX || memchr(f->text, '\0', f->len)) {
		fprintf(stderr, "enostub: %s: over %d bytes or not text: not a preload "
			"list\n", path, LIST_MAX);
		return 1;
	}
	f->exists = true;
	f->mode = st.st_mode & 07777;
	return 0;
}

/* Write @text as @name of ROOT/etc, atomically: a new file in the same
 * directory, synced, renamed over @name, and the directory synced. */
static int sys_write(const struct sys_ctx *c, const char *name, const char *text,
		     size_t len, mode_t mode)
{
	char tmp[64];
	uint32_t rnd;
	size_t done = 0;
	ssize_t n = 0;
	int fd = -1, i, err = 0;

	for (i = 0; i < 100 && fd < 0; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)getpid() * 2654435761u + (uint32_t)i;
		snprintf(tmp, sizeof(tmp), ".%s.%08x", name, rnd);
		fd = openat(c->etc, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd < 0 && errno != EEXIST)
			return say_errno(c->etcpath, errno);
	}
	if (fd < 0)
		return say_errno(c->etcpath, EEXIST);
	while (done < len && (n = write(fd, text + done, len - done)) > 0)
		done += (size_t)n;
	if (done < len)
		err = n < 0 ? errno : EIO;
	else if (fchmod(fd, mode) || fsync(fd))
		err = errno;
	if (close(fd) && !err)
		err = errno;
	if (!err && renameat(c->etc, tmp, c->etc, name))
		err = errno;
	if (err) {
		unlinkat(c->etc, tmp, 0);
		return say_errno(c->etcpath, err);
	}
	return fsync(c->etc) ? say_errno(c->etcpath, errno) : 0;
}

/* Remove @name of ROOT/etc if it is there. */
static int sys_remove(const struct sys_ctx *c, const char *name)
{
	if (unlinkat(c->etc, name, 0) && errno != ENOENT)
		return say_errno(name, errno);
	return fsync(c->etc) ? say_errno(c->etcpath, errno) : 0;
}

/* Does the list entry @tok (of @n bytes) name the library? */
static bool sys_names(const struct sys_ctx *c, const char *tok, size_t n)
{
	size_t bl = sizeof(LIB_BASE) - 1;

	if (c->any)
		return n >= bl && tok[0] == '/' && !memcmp(tok + n - bl, LIB_BASE, bl);
	return n == strlen(c->lib) && !memcmp(tok, c->lib, n);
}

/* Is the line @s (of @n bytes, no newline) one entry naming the library,
 * nothing else: a line enable-system writes and disable-system removes? */
static bool sys_own_line(const struct sys_ctx *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr(" \t:#", s[i]))
			return false;
	return sys_names(c, s, n);
}

/* Find the library in @f. ld.so reads the list as entries separated by
 * white space or ':' and is meant to skip '#' comments, but glibc 2.36
 * blanks only the first comment reliably: a later one may be read in
 * part as entries. So every word counts, in a comment or not. A line
 * that is exactly one entry naming the library is ours (enable-system
 * writes such lines); one naming it among other text is "mixed". */
static void sys_find(const struct sys_ctx *c, const struct sys_file *f, struct sys_found *r)
{
	const char *s = f->text, *end = f->text + f->len, *nl, *p, *q;
	unsigned int line = 0;

	memset(r, 0, sizeof(*r));
	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		nl = nl ? nl : end;
		line++;
		if (sys_own_line(c, s, (size_t)(nl - s))) {
			if (!r->own++) {
				r->first = (size_t)(s - f->text);
				r->first_len = (size_t)(nl - s);
				r->own_line = line;
			}
			continue;
		}
		for (p = s; p < nl; p = q) {
			while (p < nl && strchr(" \t:#", *p))
				p++;
			for (q = p; q < nl && !strchr(" \t:#", *q); q++)
				;
			if (q > p && sys_names(c, p, (size_t)(q - p)) && !r->mixed)
				r->mixed = line;
		}
	}
}

/* @f with the line @lib added: what enable-system writes. */
static size_t sys_added(const struct sys_file *f, const char *lib, size_t lib_len,
			char *out)
{
	size_t n = f->exists ? f->len : 0;

	memcpy(out, f->text, n);
	if (n && out[n - 1] != '\n')
		out[n++] = '\n';
	memcpy(out + n, lib, lib_len);
	out[n + lib_len] = '\n';
	return n + lib_len + 1;
}

/* @f without the lines that are exactly an entry naming the library. */
static size_t sys_stripped(const struct sys_ctx *c, const struct sys_file *f, char *out)
{
	const char *s = f->text, *end = f->text + f->len, *nl;
	size_t n = 0;

	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		nl = nl ? nl : end;
		if (sys_own_line(c, s, (size_t)(nl - s)))
			continue;
		memcpy(out + n, s, (size_t)(nl - s));
		n += (size_t)(nl - s);
		if (nl < end)
			out[n++] = '\n';
	}
	return n;
}

/*
 * enable-system --probe LIB, run by enable-system in a new process: does
 * this process take prctl() and syscall() from LIB? ld.so binds every
 * call to the first definition in its search order, so an earlier entry
 * of the list that defines them without passing calls on (libc itself,
 * say) would hide the hooks. Return: the exit status.
 */
static int sys_probe(const char *lib)
{
	static const char *const hooks[] = { "prctl", "syscall" };
	char real[PATH_MAX];
	Dl_info info;
	size_t i;

	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		void *fn = dlsym(RTLD_DEFAULT, hooks[i]);

		if (!fn || !dladdr(fn, &info) || !info.dli_fname ||
		    !realpath(info.dli_fname, real) || strcmp(real, lib)) {
			printf("a new process takes %s() from %s, not from %s\n", hooks[i],
			       fn && info.dli_fname ? info.dli_fname : "nowhere", lib);
			return 1;
		}
	}
	printf("probe: ok\n");
	return 0;
}

/* Start this command again (enable-system --probe LIB) as every new
 * process now starts: with the new list, a clean environment and 10
 * seconds. @out gets what it printed, @st its wait status. Return: true
 * if it printed only that LIB's hooks come first (ld.so reports a library
 * it cannot preload on stderr). */
static bool sys_new_process_ok(const char *lib, char *out, size_t size, int *st)
{
	char *argv[] = { "enostub", "enable-system", "--probe", (char *)lib, NULL };
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	size_t len = 0;
	ssize_t n;
	int p[2];
	pid_t pid;

	out[0] = '\0';
	*st = -1;
	if (pipe2(p, O_CLOEXEC))
		return false;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		alarm(10);
		execve("/proc/self/exe", argv, envp);
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && len < size - 1 && (n = read(p[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	if (pid < 0 || waitpid(pid, st, 0) != pid)
		return false;
	return WIFEXITED(*st) && WEXITSTATUS(*st) == 0 && !strcmp(out, "probe: ok\n");
}

/* Put @old back as the list (or no list), and no backup. */
static int sys_roll_back(const struct sys_ctx *c, const struct sys_file *old)
{
	int rc = old->exists ? sys_write(c, PRELOAD_NAME, old->text, old->len, old->mode)
			     : sys_remove(c, PRELOAD_NAME);

	return rc | sys_remove(c, BACKUP_NAME);
}

/* Back up @cur, write it with the line added, try a new process. */
static int sys_enable(const struct sys_ctx *c, const struct sys_file *cur)
{
	static char text[TEXT_MAX], out[CHECK_OUT];
	size_t len = sys_added(cur, c->lib, strlen(c->lib), text);
	int st;

	if (cur->exists ? sys_write(c, BACKUP_NAME, cur->text, cur->len, cur->mode)
			: sys_remove(c, BACKUP_NAME))
		return 1;
	if (sys_write(c, PRELOAD_NAME, text, len, cur->exists ? cur->mode : 0644)) {
		sys_remove(c, BACKUP_NAME);
		return 1;
	}
	/* only the running system's new processes can be tried */
	if (!c->root[0] && !sys_new_process_ok(c->lib, out, sizeof(out), &st)) {
		fprintf(stderr, "enostub: a new process (enostub enable-system --probe) failed "
			"with %s preloaded: %s %d%s\n%s%s", c->lib,
			WIFSIGNALED(st) ? "signal" : "exit status",
			WIFSIGNALED(st) ? WTERMSIG(st) : WIFEXITED(st) ? WEXITSTATUS(st) : st,
			out[0] ? ", output:" : "", out,
			out[0] && out[strlen(out) - 1] != '\n' ? "\n" : "");
		if (sys_roll_back(c, cur))
			return 1;
		fprintf(stderr, "enostub: %s: put back as it was; not enabled\n", c->preload);
		return 1;
	}
	printf("%s: added %s: every program started from now on loads it\n", c->preload,
	       c->lib);
	sys_snapshot(c);
	if (cur->exists)
		printf("the previous file is kept as %s: enostub disable-system puts it "
		       "back\n", c->backup);
	else
		printf("there was no such file: enostub disable-system removes it\n");
	return 0;
}

/**
 * cli_enable_system() - enostub enable-system [--root DIR] [LIB]: add LIB
 * (default ENOSTUB_LIB) to ROOT/etc/ld.so.preload, after checking the
 * configuration and the library, with a backup of the previous file.
 * @argc, @argv: the command's arguments, argv[0] the command's name
 *
 * Return: the exit status: 0 enabled or already, 1 refused or failed
 * (nothing changed), 2 usage.
 */
int cli_enable_system(int argc, char **argv)
{
	static struct sys_ctx c;
	static struct sys_file cur;
	struct sys_found own, other;
	const char *lib;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--probe"))
		return sys_probe(argv[2]);
	rc = sys_setup(&c, argc, argv, &lib);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (sys_config(&c) || sys_lib(&c, lib ? lib : ENOSTUB_LIB) ||
	    sys_read(&c, PRELOAD_NAME, &cur))
		return 1;
	sys_find(&c, &cur, &own);
	if (own.own) {
		printf("%s: already preloads %s (line %u): nothing changed\n", c.preload,
		       c.lib, own.own_line);
		return 0;
	}
	c.any = true;
	sys_find(&c, &cur, &other);
	c.any = false;
	if (other.own || other.mixed) {
		fprintf(stderr, "enostub: %s: line %u names %s: %s\n", c.preload,
			other.own ? other.own_line : other.mixed,
			other.own ? "another libenostub.so" : "libenostub.so among other text",
			other.own ? "enostub disable-system first" : "edit it by hand");
		return 1;
	}
	return sys_enable(&c, &cur);
}

/* Take the line out of @cur: the backup back if the file is still what
 * enable-system made of it, else @cur without the line. */
static int sys_disable(const struct sys_ctx *c, const struct sys_file *cur,
		       const struct sys_found *r)
{
	static struct sys_file bak;
	static char text[TEXT_MAX];
	size_t len;

	if (sys_read(c, BACKUP_NAME, &bak))
		return 1;
	len = sys_added(&bak, cur->text + r->first, r->first_len, text);
	if (r->own == 1 && len == cur->len && !memcmp(text, cur->text, len)) {
		if (sys_roll_back(c, &bak))
			return 1;
		if (bak.exists)
			printf("%s: put back as it was before enable-system\n", c->preload);
		else
			printf("%s: removed (enable-system had created it)\n", c->preload);
		return 0;
	}
	len = sys_stripped(c, cur, text);
	if ((!len && !bak.exists) ? sys_remove(c, PRELOAD_NAME)
				  : sys_write(c, PRELOAD_NAME, text, len, cur->mode))
		return 1;
	printf("%s: changed since enable-system: removed the line %.*s, kept the rest%s\n",
	       c->preload, (int)r->first_len, cur->text + r->first,
	       !len && !bak.exists ? " (nothing: the file is gone)" : "");
	return sys_remove(c, BACKUP_NAME);
}

/**
 * cli_disable_system() - enostub disable-system [--root DIR] [LIB]: take
 * the library out of ROOT/etc/ld.so.preload, restoring the file
 * enable-system backed up when nothing else changed since.
 * @argc, @argv: the command's arguments, argv[0] the command's name
 *
 * Return: the exit status: 0 disabled or not enabled, 1 failed (a line
 * naming the library among other entries is left to the administrator),
 * 2 usage.
 */
int cli_disable_system(int argc, char **argv)
{
	static struct sys_ctx c;
	static struct sys_file cur;
	struct sys_found r;
	const char *lib;
	int rc = sys_setup(&c, argc, argv, &lib);

	if (rc)
		return rc < 0 ? 0 : rc;
	c.any = !lib;
	snprintf(c.lib, sizeof(c.lib), "%s", lib ? lib : "");
	if (sys_read(&c, PRELOAD_NAME, &cur))
		return 1;
	sys_find(&c, &cur, &r);
	if (r.mixed) {
		fprintf(stderr, "enostub: %s: line %u names %s among other entries: edit "
			"it by hand\n", c.preload, r.mixed, lib ? lib : "libenostub.so");
		return 1;
	}
	if (!r.own) {
		printf("%s: does not preload %s: nothing changed\n", c.preload,
		       lib ? lib : "libenostub.so");
		if (faccessat(c.etc, BACKUP_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			printf("%s is left from an earlier enable-system: remove it if it "
			       "is of no use\n", c.backup);
		return 0;
	}
	return sys_disable(&c, &cur, &r);
}
