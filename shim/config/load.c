// SPDX-License-Identifier: MIT
/*
 * load: what every process that loads the library runs to find its
 * configuration: the file's path, its snapshot, the rule that matches.
 *
 * The common cases cost the least a process can pay. No file: one
 * lstat(). A fresh snapshot without rules that name the program: stat(),
 * openat(), read() and close(), the very calls ld.so made to load the
 * library (so a filter inherited across exec that let it load lets these
 * through). No C library function is called on these paths (rawsys.h:
 * each first call would be a lazy symbol binding), and the build places
 * this file's constants beside the library's relocated data
 * (libenostub.ld), so no page of its read-only data is touched. Parsing
 * (conf.c, libconfig) is the fallback when the snapshot is missing, stale,
 * untrusted or damaged.
 */
#define _GNU_SOURCE
#include "conf.h"
#include "rawsys.h"
#include "snap.h"
#include "core/arch.h"
#include "core/systab.h"

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Code every process runs when the library loads, grouped (.text.hot):
 * each page of it touched is a page fault in every process. */
#define STARTUP_FN __attribute__((hot))

extern char **environ;

STARTUP_FN
const char *conf_getenv(const char *name, bool secure)
{
	char **e;
	size_t i;

	if (secure)
		return NULL;
	for (e = environ; e && *e; e++) {
		for (i = 0; name[i] && (*e)[i] == name[i]; i++)
			;
		if (!name[i] && (*e)[i] == '=')
			return *e + i + 1;
	}
	return NULL;
}

STARTUP_FN
void conf_defaults(struct conf_settings *s)
{
	static const struct conf_settings d = CONF_DEFAULTS;

	*s = d;
}

/* Copy @src into @dst of @size bytes, cut and terminated. */
STARTUP_FN
static void copy_str(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

/* A NUL within @size bytes. */
STARTUP_FN
static bool terminated(const char *s, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (!s[i])
			return true;
	return false;
}

/* A bool as stored: 0 or 1 (any other byte would be undefined). */
STARTUP_FN
static bool bool_ok(const bool *b)
{
	return *(const uint8_t *)b <= 1;
}

/* Every value one the parser can produce: a damaged or forged snapshot
 * must not give the library a setting the file could not. */
STARTUP_FN
static bool settings_valid(const struct conf_settings *s)
{
	const struct policy *p = &s->pol;
	const struct arch_abi *abi;
	size_t n, i;

	if (p->mode > POLICY_OFF || p->strategy > ANALYZE_KERNEL_VERSION ||
	    p->err < 1 || p->err > 4095 || (p->deny & ~(uint32_t)((ANALYZE_DENY_USER_NOTIF << 1) - 1)) ||
	    p->nallow > POLICY_MAX_ALLOW || p->fallback > POLICY_FB_LIST ||
	    p->nfallback > POLICY_MAX_FALLBACK || s->target > CONF_LOG_FILE ||
	    s->level > CONF_INFO || !terminated(s->log_path, sizeof(s->log_path)) ||
	    (s->target == CONF_LOG_FILE && s->log_path[0] != '/') ||
	    !bool_ok(&p->rseq_guard) || !bool_ok(&p->translate) || !bool_ok(&s->no_rseq))
		return false;
	for (i = 0; i < p->nallow; i++) {
		abi = arch_native(&n)[0];
		if (!systab_by_nr(abi, abi->nr_base + p->allow[i]))
			return false;
	}
	for (i = 0; i < p->nfallback; i++)
		if (!systab_name_valid(p->fallback_names[i]) ||
		    (i && p->fallback_names[i] < p->fallback_names[i - 1]))
			return false;
	return true;
}

STARTUP_FN
static bool file_valid(const struct conf_file *f)
{
	bool any_exe = false, any_comm = false;
	size_t i;

	if (f->nrules > CONF_MAX_RULES || !terminated(f->name, sizeof(f->name)) ||
	    !bool_ok(&f->any_exe) || !bool_ok(&f->any_comm) || !settings_valid(&f->global))
		return false;
	for (i = 0; i < f->nrules; i++) {
		const struct conf_rule *r = &f->rule[i];

		if (!terminated(r->exe, sizeof(r->exe)) ||
		    !terminated(r->comm, sizeof(r->comm)) || !(r->exe[0] || r->comm[0]) ||
		    !settings_valid(&r->set) ||
		    (r->comm[0] && (r->set.pol.nallow != f->global.pol.nallow ||
				    memcmp(r->set.pol.allow, f->global.pol.allow,
					   sizeof(r->set.pol.allow)))))
			return false;
		any_exe |= r->exe[0] != '\0';
		any_comm |= r->comm[0] != '\0';
	}
	return any_exe == f->any_exe && any_comm == f->any_comm;
}

/* Does header @h, of a file of @n bytes, describe a snapshot of the
 * source with status @src, as this build writes it? 0, or why not. */
STARTUP_FN
static int snap_check(const struct snap_head *h, long n, const struct stat *src)
{
	struct snap_head want;

	if (n < (long)sizeof(*h))
		return -ESTALE;		/* not a snapshot */
	snap_header(&want, src, 0);
	for (size_t i = 0; i < sizeof(want.magic); i++)
		if (h->magic[i] != want.magic[i])
			return -ESTALE;
	if (h->format != want.format || h->file_size != want.file_size ||
	    h->rule_size != want.rule_size || h->settings_size != want.settings_size)
		return -ESTALE;		/* another build's */
	if (h->dev != want.dev || h->ino != want.ino || h->size != want.size ||
	    h->mtime_sec != want.mtime_sec || h->mtime_nsec != want.mtime_nsec)
		return -ESTALE;		/* the file changed since */
	if (h->nrules > CONF_MAX_RULES ||
	    (size_t)n != sizeof(*h) + snap_payload((size_t)h->nrules))
		return -EINVAL;
	return 0;
}

/* Read the snapshot of @path into @b; as conf_snapshot(). */
STARTUP_FN
static int snap_read(const char *path, const struct stat *src, bool secure,
		     struct snap_buf *b)
{
	char snap[CONF_PATH_MAX + 8];
	struct stat st;
	long fd, n;
	int rc;

	if (!snap_path(path, snap, sizeof(snap)))
		return -ENOENT;
	fd = raw_open(snap, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return fd == -ENOENT ? -ENOENT : -EPERM;
	/* In secure mode it must be trusted as the file is. Otherwise a
	 * system call less for every process: what is not a regular file
	 * of the right size fails the checks below (a directory's read
	 * fails, a FIFO opened O_NONBLOCK reads nothing). */
	if (secure && (raw_fstatat((int)fd, "", &st, AT_EMPTY_PATH) ||
		       !S_ISREG(st.st_mode) || st.st_uid != 0 ||
		       (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		raw_close((int)fd);
		return -EPERM;
	}
	/* one read: a regular file gives all it has, up to the size asked */
	n = raw_read((int)fd, b, sizeof(*b));
	raw_close((int)fd);
	rc = snap_check(&b->h, n, src);
	if (rc)
		return rc;
	if (b->h.sum != snap_sum(&b->f, snap_payload((size_t)b->h.nrules)) ||
	    b->f.nrules != b->h.nrules || !file_valid(&b->f))
		return -EINVAL;
	return 0;
}

/* The command's: allocated, so the library's static memory holds one
 * buffer only, conf_load()'s. */
int conf_snapshot(const char *path, const struct stat *src, bool secure,
		  struct conf_file *out)
{
	struct snap_buf *b = malloc(sizeof(*b));
	int rc = b ? snap_read(path, src, secure, b) : -ENOMEM;

	if (rc == 0)
		memcpy(out, &b->f, sizeof(*out));
	free(b);
	return rc;
}

STARTUP_FN
const struct conf_settings *conf_match(const struct conf_file *f,
				       const struct conf_identity *id,
				       unsigned int *line)
{
	size_t i;

	for (i = 0; i < f->nrules; i++) {
		const struct conf_rule *r = &f->rule[i];

		if (r->comm[0] && id->secure)
			continue;
		if (r->exe[0] && fnmatch(r->exe, id->exe, 0) != 0)
			continue;
		if (r->comm[0] && fnmatch(r->comm, id->comm, 0) != 0)
			continue;
		*line = r->line;
		return &r->set;
	}
	*line = 0;
	return &f->global;
}

STARTUP_FN
void conf_identify(struct conf_identity *id, bool secure, const struct conf_file *f)
{
	const char *fn;
	long n;

	id->exe[0] = id->comm[0] = '\0';
	id->secure = secure;
	if (f->any_exe) {
		n = raw_readlink("/proc/self/exe", id->exe, sizeof(id->exe) - 1);
		if (n > 0) {
			id->exe[n] = '\0';
		} else if (!secure) {
			fn = (const char *)getauxval(AT_EXECFN);
			copy_str(id->exe, fn ? fn : "", sizeof(id->exe));
		}
	}
	if (!f->any_comm || secure)
		return;
	if (raw_get_name(id->comm) != 0)
		copy_str(id->comm, program_invocation_short_name, sizeof(id->comm));
	id->comm[sizeof(id->comm) - 1] = '\0';
}

STARTUP_FN
const char *conf_path(bool secure)
{
	const char *env = conf_getenv("ENOSTUB_CONFIG", secure);
	struct stat st;

	if (env && env[0])
		return env;
	/* lstat: a dangling link is a file that cannot be used, an error */
	if (raw_fstatat(AT_FDCWD, ENOSTUB_SYSCONF, &st, AT_SYMLINK_NOFOLLOW) == -ENOENT)
		return NULL;
	return ENOSTUB_SYSCONF;
}

/* Parse @path into @f: the snapshot could not be used. The C library's
 * calls in there may change errno; the program's is kept. */
static int parse_instead(struct conf_state *st, bool secure, const char *path,
			 struct conf_file *f)
{
	int saved = errno, rc;

	rc = conf_read(path, secure, f, st->error, sizeof(st->error));
	errno = saved;
	return rc;
}

/* Why the snapshot was not used, for the log. */
static void note_snapshot(struct conf_state *st, const char *path, int rc)
{
	int saved = errno;

	snprintf(st->note, sizeof(st->note), "%s" CONF_SNAP_SUFFIX " is %s: "
		 "parsed %s instead (enostub check-config --compile)", path,
		 rc == -ESTALE ? "stale (the file changed since, or another build's)" :
		 rc == -EPERM ? "not trusted" : "damaged", path);
	errno = saved;
}

/* The settings for this process from @f: when a rule names programs,
 * with its identity (on a stack frame of its own: the common case, no
 * such rule, uses less stack than a page). */
__attribute__((noinline))
static const struct conf_settings *match_program(const struct conf_file *f, bool secure,
						 unsigned int *line)
{
	struct conf_identity id;

	conf_identify(&id, secure, f);
	return conf_match(f, &id, line);
}

STARTUP_FN
void conf_load(struct conf_state *st, bool secure, const char *path)
{
	/* static, not malloc()ed: no allocator start-up in every process.
	 * The library's first object in .bss (the Makefile links shim/config
	 * first), which starts in the last page of .data: the constructor
	 * writes that page anyway, so a snapshot without rules is read into
	 * no page more. */
	static struct snap_buf b;
	struct stat src;
	int rc = -ENOENT;

	conf_defaults(&st->set);
	copy_str(st->source, "built-in", sizeof(st->source));
	st->rule_line = 0;
	st->from_snapshot = false;
	st->note[0] = st->error[0] = '\0';
	if (!path)
		return;
	if (raw_fstatat(AT_FDCWD, path, &src, 0) == 0)
		rc = snap_read(path, &src, secure, &b);
	st->from_snapshot = rc == 0;
	if (rc != 0 && rc != -ENOENT)
		note_snapshot(st, path, rc);
	if (rc != 0)
		rc = parse_instead(st, secure, path, &b.f);
	if (rc != 0)
		return;
	st->set = b.f.any_exe || b.f.any_comm ?
		  *match_program(&b.f, secure, &st->rule_line) : b.f.global;
	copy_str(st->source, path, sizeof(st->source));
}
