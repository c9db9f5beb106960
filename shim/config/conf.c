// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "conf.h"
#include "snap.h"
#include "core/systab.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LIBCONFIG_SONAME
#error "LIBCONFIG_SONAME: the build sets it from pkg-config libconfig"
#endif

/* libconfig, loaded on demand. */
struct lc {
	void *handle;
	void (*init)(config_t *);
	void (*destroy)(config_t *);
	int (*read_string)(config_t *, const char *);
	int (*length)(const config_setting_t *);
	config_setting_t *(*elem)(const config_setting_t *, unsigned int);
	const char *(*get_string)(const config_setting_t *);
	long long (*get_int64)(const config_setting_t *);
};

struct parser {
	struct lc lc;
	const char *name;
	char *err;
	size_t errsz;
};

/* The log's names; the policy's are the core's (core/policy.h). */
#define NAME_MAX_LEN POLICY_NAME_MAX
static const char target_names[][NAME_MAX_LEN] = { "none", "stderr", "syslog" };
static const char level_names[][NAME_MAX_LEN] = { "error", "notice", "info" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int lc_open(struct lc *lc)
{
	void *h = dlopen(LIBCONFIG_SONAME, RTLD_NOW | RTLD_LOCAL);
	union {
		void *obj;
		void (*fn)(void);
	} u[7];
	static const char *const names[] = {
		"config_init", "config_destroy", "config_read_string",
		"config_setting_length", "config_setting_get_elem",
		"config_setting_get_string", "config_setting_get_int64",
	};
	size_t i;

	if (!h)
		return -ENOSYS;
	for (i = 0; i < N(names); i++) {
		u[i].obj = dlsym(h, names[i]);
		if (!u[i].obj) {
			dlclose(h);
			return -ENOSYS;
		}
	}
	lc->handle = h;
	lc->init = (void (*)(config_t *))u[0].fn;
	lc->destroy = (void (*)(config_t *))u[1].fn;
	lc->read_string = (int (*)(config_t *, const char *))u[2].fn;
	lc->length = (int (*)(const config_setting_t *))u[3].fn;
	lc->elem = (config_setting_t *(*)(const config_setting_t *, unsigned int))u[4].fn;
	lc->get_string = (const char *(*)(const config_setting_t *))u[5].fn;
	lc->get_int64 = (long long (*)(const config_setting_t *))u[6].fn;
	return 0;
}

/* Report "NAME:LINE: message" and return -EINVAL. */
static int parse_error(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errsz, "%s:%u: ", p->name, line);
	if (n < 0 || (size_t)n >= p->errsz)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *string_of(struct parser *p, const config_setting_t *s)
{
	return s->type == CONFIG_TYPE_STRING ? p->lc.get_string(s) : NULL;
}

/* A string setting that must be one of @names; a message lists them. */
static int parse_enum(struct parser *p, const config_setting_t *s,
		      const char (*names)[NAME_MAX_LEN], size_t n, uint8_t *out)
{
	const char *v = string_of(p, s);
	int i = policy_pick(names, n, v);
	char list[96];

	if (!v)
		return parse_error(p, s->line, "%s: expected a string (%s)", s->name,
			    policy_list(names, n, list, sizeof(list)));
	if (i < 0)
		return parse_error(p, s->line, "%s: \"%s\" is not one of %s", s->name, v,
			    policy_list(names, n, list, sizeof(list)));
	*out = (uint8_t)i;
	return 0;
}

int conf_baseline(const char *v, uint16_t *out)
{
	unsigned int major, minor;
	char tail;

	if (v && strcmp(v, "auto") == 0) {
		*out = 0;
		return 0;
	}
	if (!v || sscanf(v, "%u.%u%c", &major, &minor, &tail) != 2 ||
	    major < 2 || major > 99 || minor > 255)
		return -EINVAL;
	*out = (uint16_t)(major << 8 | minor);
	return 0;
}

static int parse_baseline(struct parser *p, const config_setting_t *s,
			  struct policy *pol)
{
	if (conf_baseline(string_of(p, s), &pol->baseline))
		return parse_error(p, s->line, "baseline: expected \"auto\" or a kernel "
			    "version such as \"5.4\"");
	return 0;
}

/* The name of allow_syscalls entry @i of @pol ("?" if unknown). */
static const char *allow_name(const struct policy *pol, size_t i)
{
	size_t n;
	const struct arch_abi *abi = arch_native(&n)[0];
	const struct systab_ent *e = systab_by_nr(abi, abi->nr_base + pol->allow[i]);

	return e ? systab_name(e) : "?";
}

/* The names glibc gives a second time to a value (<bits/errno.h>):
 * strerrorname_np() knows only the first. */
static const struct {
	char name[NAME_MAX_LEN];
	int value;
} errno_aliases[] = {
	{ "EWOULDBLOCK", EWOULDBLOCK },
	{ "ENOTSUP", ENOTSUP },
	{ "EDEADLOCK", EDEADLOCK },
};

static int errno_by_name(const char *v)
{
	size_t i;
	int e;

	for (i = 0; i < N(errno_aliases); i++)
		if (strcmp(errno_aliases[i].name, v) == 0)
			return errno_aliases[i].value;

	for (e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && strcmp(n, v) == 0)
			return e;
	}
	return -1;
}

static int parse_errno(struct parser *p, const config_setting_t *s,
		       struct policy *pol)
{
	const char *v = string_of(p, s);
	long long e;

	if (s->type == CONFIG_TYPE_INT || s->type == CONFIG_TYPE_INT64)
		e = p->lc.get_int64(s);
	else if (v)
		e = errno_by_name(v);
	else
		return parse_error(p, s->line, "errno: expected a name such as \"ENOSYS\" "
			    "or a number");
	if (e < 1 || e > 4095)
		return parse_error(p, s->line, v ? "errno: \"%s\" is not an errno name"
			    : "errno: %s must be between 1 and 4095",
			    v ? v : "the number");
	pol->err = (uint16_t)e;
	return 0;
}

static int parse_deny(struct parser *p, const config_setting_t *s,
		      struct policy *pol)
{
	int i, n, bit;
	uint32_t deny = 0;
	char list[96];

	if (s->type != CONFIG_TYPE_ARRAY && s->type != CONFIG_TYPE_LIST)
		return parse_error(p, s->line, "deny_actions: expected a list such as "
			    "[\"errno\", \"kill_process\"]");
	n = p->lc.length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = p->lc.elem(s, (unsigned int)i);
		const char *v = string_of(p, e);

		bit = policy_pick(POLICY_NAMES(policy_deny_names), v);
		if (bit < 0)
			return parse_error(p, e->line, "deny_actions: \"%s\" is not one of %s",
				    v ? v : "(not a string)",
				    policy_list(POLICY_NAMES(policy_deny_names), list,
						sizeof(list)));
		deny |= 1u << bit;
	}
	pol->deny = deny;
	return 0;
}

/* Syscalls of the process's own ABI the patched filter allows outright. */
static int parse_allow(struct parser *p, const config_setting_t *s,
		       struct policy *pol)
{
	size_t nn;
	const struct arch_abi *abi = arch_native(&nn)[0];
	const struct systab_ent *e;
	int i, n;

	if (s->type != CONFIG_TYPE_ARRAY && s->type != CONFIG_TYPE_LIST)
		return parse_error(p, s->line, "allow_syscalls: expected a list such as [\"rseq\"]");
	n = p->lc.length(s);
	if (n > POLICY_MAX_ALLOW)
		return parse_error(p, s->line, "allow_syscalls: at most %d syscalls", POLICY_MAX_ALLOW);
	for (i = 0; i < n; i++) {
		const config_setting_t *el = p->lc.elem(s, (unsigned int)i);
		const char *v = string_of(p, el);

		e = v ? systab_by_name(abi, v) : NULL;
		if (!e)
			return parse_error(p, el->line, "allow_syscalls: \"%s\" is not a syscall "
				    "of %s", v ? v : "(not a string)", abi->name);
		pol->allow[i] = (uint16_t)e->nr;
	}
	pol->nallow = (uint8_t)n;
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* fallback_safe: true, false, or the syscall names (of any ABI) to use
 * instead of the built-in set. */
static int parse_fallback(struct parser *p, const config_setting_t *s,
			  struct policy *pol)
{
	int i, n, id;

	if (s->type == CONFIG_TYPE_BOOL) {
		pol->fallback = s->value.ival ? POLICY_FB_BUILTIN : POLICY_FB_NONE;
		return 0;
	}
	if (s->type != CONFIG_TYPE_ARRAY && s->type != CONFIG_TYPE_LIST)
		return parse_error(p, s->line, "fallback_safe: expected true, false or a list "
			    "such as [\"clone3\", \"faccessat2\"]");
	n = p->lc.length(s);
	if (n > POLICY_MAX_FALLBACK)
		return parse_error(p, s->line, "fallback_safe: at most %d syscalls", POLICY_MAX_FALLBACK);
	for (i = 0; i < n; i++) {
		const config_setting_t *el = p->lc.elem(s, (unsigned int)i);
		const char *v = string_of(p, el);

		id = v ? systab_name_id(v) : -1;
		if (id < 0)
			return parse_error(p, el->line, "fallback_safe: \"%s\" is not a syscall name",
				    v ? v : "(not a string)");
		pol->fallback_names[i] = (uint16_t)id;
	}
	qsort(pol->fallback_names, (size_t)n, sizeof(pol->fallback_names[0]), cmp_u16);
	pol->nfallback = (uint8_t)n;
	pol->fallback = POLICY_FB_LIST;
	return 0;
}

int conf_log_target(const char *v, struct conf_settings *set, const char **why)
{
	int i = policy_pick(target_names, N(target_names), v);

	if (i >= 0) {
		set->target = (uint8_t)i;
		return 0;
	}
	*why = "expected none, stderr, syslog or an absolute file path";
	if (!v || v[0] != '/')
		return -EINVAL;
	*why = "path too long";
	if (strlen(v) >= sizeof(set->log_path))
		return -ENAMETOOLONG;
	strcpy(set->log_path, v);
	set->target = CONF_LOG_FILE;
	return 0;
}

static int parse_target(struct parser *p, const config_setting_t *s,
			struct conf_settings *set)
{
	const char *why;

	if (conf_log_target(string_of(p, s), set, &why))
		return parse_error(p, s->line, "target: %s", why);
	return 0;
}

static int parse_log(struct parser *p, const config_setting_t *s,
		     struct conf_settings *set)
{
	int i, n, rc;

	if (s->type != CONFIG_TYPE_GROUP)
		return parse_error(p, s->line, "log: expected a group such as "
			    "{ target = \"stderr\"; level = \"info\"; }");
	n = p->lc.length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *m = p->lc.elem(s, (unsigned int)i);

		if (strcmp(m->name, "target") == 0)
			rc = parse_target(p, m, set);
		else if (strcmp(m->name, "level") == 0)
			rc = parse_enum(p, m, level_names, N(level_names), &set->level);
		else
			rc = parse_error(p, m->line, "log: unknown key \"%s\" (target, level)",
				  m->name);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_bool(struct parser *p, const config_setting_t *s, bool *out)
{
	if (s->type != CONFIG_TYPE_BOOL)
		return parse_error(p, s->line, "%s: expected true or false", s->name);
	*out = s->value.ival != 0;
	return 0;
}

/* A setting valid both globally and in a rule. Return 1 if @s is not one. */
static int parse_setting(struct parser *p, const config_setting_t *s,
			 struct conf_settings *set)
{
	const char *k = s->name;

	if (strcmp(k, "mode") == 0)
		return parse_enum(p, s, POLICY_NAMES(policy_mode_names), &set->pol.mode);
	if (strcmp(k, "strategy") == 0)
		return parse_enum(p, s, POLICY_NAMES(policy_strategy_names),
				  &set->pol.strategy);
	if (strcmp(k, "baseline") == 0)
		return parse_baseline(p, s, &set->pol);
	if (strcmp(k, "errno") == 0)
		return parse_errno(p, s, &set->pol);
	if (strcmp(k, "deny_actions") == 0)
		return parse_deny(p, s, &set->pol);
	if (strcmp(k, "log") == 0)
		return parse_log(p, s, set);
	if (strcmp(k, "rseq_guard") == 0)
		return parse_bool(p, s, &set->pol.rseq_guard);
	if (strcmp(k, "translate") == 0)
		return parse_bool(p, s, &set->pol.translate);
	if (strcmp(k, "no_rseq") == 0)
		return parse_bool(p, s, &set->no_rseq);
	if (strcmp(k, "allow_syscalls") == 0)
		return parse_allow(p, s, &set->pol);
	if (strcmp(k, "fallback_safe") == 0)
		return parse_fallback(p, s, &set->pol);
	return 1;
}

static int parse_pattern(struct parser *p, const config_setting_t *s,
			 char *out, size_t size)
{
	const char *v = string_of(p, s);

	if (!v || !v[0])
		return parse_error(p, s->line, "%s: expected a non-empty string (a glob)",
			    s->name);
	if (strlen(v) >= size)
		return parse_error(p, s->line, "%s: pattern too long", s->name);
	strcpy(out, v);
	return 0;
}

static int parse_rule(struct parser *p, const config_setting_t *g,
		      struct conf_file *f)
{
	struct conf_rule *r = &f->rule[f->nrules];
	int i, n, rc;

	if (g->type != CONFIG_TYPE_GROUP)
		return parse_error(p, g->line, "programs: each entry must be a group "
			    "{ exe = ...; comm = ...; settings }");
	if (f->nrules == CONF_MAX_RULES)
		return parse_error(p, g->line, "programs: more than %d rules", CONF_MAX_RULES);
	memset(r, 0, sizeof(*r));
	r->set = f->global;
	r->line = g->line;
	n = p->lc.length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *m = p->lc.elem(g, (unsigned int)i);

		if (strcmp(m->name, "exe") == 0)
			rc = parse_pattern(p, m, r->exe, sizeof(r->exe));
		else if (strcmp(m->name, "comm") == 0)
			rc = parse_pattern(p, m, r->comm, sizeof(r->comm));
		else if ((rc = parse_setting(p, m, &r->set)) == 1)
			rc = parse_error(p, m->line, "unknown key \"%s\" in a program rule",
				  m->name);
		if (rc)
			return rc;
	}
	if (!r->exe[0] && !r->comm[0])
		return parse_error(p, g->line, "programs: a rule needs exe or comm");
	if (r->comm[0] && (r->set.pol.nallow != f->global.pol.nallow ||
			   memcmp(r->set.pol.allow, f->global.pol.allow, sizeof(r->set.pol.allow))))
		return parse_error(p, g->line, "allow_syscalls: a rule with comm cannot set "
			    "it: whoever starts a program chooses its name, so a "
			    "weakening is selected by exe only");
	f->any_exe |= r->exe[0] != '\0';
	f->any_comm |= r->comm[0] != '\0';
	f->nrules++;
	return 0;
}

/* Two passes: global settings first, so rules inherit them wherever the
 * programs list appears in the file. */
static int parse_root(struct parser *p, const config_setting_t *root,
		      struct conf_file *f)
{
	int i, j, n = p->lc.length(root), rc;

	for (i = 0; i < n; i++) {
		const config_setting_t *s = p->lc.elem(root, (unsigned int)i);

		if (strcmp(s->name, "programs") == 0)
			continue;
		if ((rc = parse_setting(p, s, &f->global)) == 1)
			return parse_error(p, s->line, "unknown key \"%s\"", s->name);
		if (rc)
			return rc;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *s = p->lc.elem(root, (unsigned int)i);

		if (strcmp(s->name, "programs") != 0)
			continue;
		if (s->type != CONFIG_TYPE_LIST)
			return parse_error(p, s->line, "programs: expected a list ( {...}, {...} )");
		for (j = 0; j < p->lc.length(s); j++)
			if ((rc = parse_rule(p, p->lc.elem(s, (unsigned int)j), f)))
				return rc;
	}
	return 0;
}

/* Past the comment or string at @p (which starts one), counting lines. */
static const char *skip_quoted(const char *p, unsigned int *line)
{
	const char *end;

	if (*p == '#' || (*p == '/' && p[1] == '/'))
		return p + strcspn(p, "\n");
	if (*p == '/') {        /* a block comment */
		end = strstr(p + 2, "*/");
		end = end ? end + 2 : p + strlen(p);
	} else {                /* a string, with backslash escapes */
		for (end = p + 1; *end && *end != '"'; end++)
			if (*end == '\\' && end[1])
				end++;
		end += *end == '"';
	}
	for (; p < end; p++)
		*line += *p == '\n';
	return end;
}

/* The line of an @include directive, outside comments and strings; 0 if
 * none. libconfig would read the file relative to the working directory. */
static unsigned int include_line(const char *p)
{
	unsigned int line = 1;

	while (*p) {
		if (*p == '#' || *p == '"' || (p[0] == '/' && (p[1] == '/' || p[1] == '*')))
			p = skip_quoted(p, &line);
		else if (strncmp(p, "@include", 8) == 0)
			return line;
		else
			line += *p++ == '\n';
	}
	return 0;
}

int conf_parse(const char *text, const char *name, struct conf_file *out,
	       char *err, size_t errsz)
{
	struct parser p = { .name = name, .err = err, .errsz = errsz };
	config_t cfg;
	unsigned int inc = include_line(text);
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	conf_defaults(&out->global);
	if (inc)
		return parse_error(&p, inc, "@include is not supported");
	rc = lc_open(&p.lc);
	if (rc) {
		snprintf(err, errsz, "%s: cannot load %s to read it", name, LIBCONFIG_SONAME);
		return rc;
	}
	p.lc.init(&cfg);
	if (p.lc.read_string(&cfg, text) != CONFIG_TRUE)
		rc = parse_error(&p, (unsigned int)config_error_line(&cfg), "%s",
			  config_error_text(&cfg));
	else
		rc = parse_root(&p, config_root_setting(&cfg), out);
	p.lc.destroy(&cfg);
	dlclose(p.lc.handle);
	return rc;
}

int conf_check_owner(const struct stat *st, bool secure)
{
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if (st->st_size > CONF_FILE_MAX)
		return -EFBIG;
	if (secure && (st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH))))
		return -EPERM;
	return 0;
}

static int read_text(int fd, const char *path, bool secure, char **text,
		     char *err, size_t errsz)
{
	struct stat st;
	ssize_t n;
	char probe;
	int rc;

	if (fstat(fd, &st)) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -errno;
	}
	rc = conf_check_owner(&st, secure);
	if (rc) {
		snprintf(err, errsz, "%s: %s", path,
			 rc == -EINVAL ? "not a regular file" :
			 rc == -EFBIG ? "larger than 64 KiB" :
			 "not trusted in secure mode (must be owned by root and "
			 "not writable by group or others)");
		return rc;
	}
	if (st.st_size == 0 && (n = read(fd, &probe, 1)) != 0) {
		/* procfs and sysfs say 0 and have contents */
		snprintf(err, errsz, n < 0 ? "%s: %s" : "%s: reports a size of 0 but has "
			 "contents (a procfs or sysfs file?): not a configuration file",
			 path, strerror(errno));
		return n < 0 ? -EIO : -EINVAL;
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text) {
		snprintf(err, errsz, "%s: out of memory", path);
		return -ENOMEM;
	}
	n = read(fd, *text, (size_t)st.st_size);
	if (n != st.st_size) {
		snprintf(err, errsz, "%s: short read", path);
		free(*text);
		return -EIO;
	}
	(*text)[n] = '\0';
	if (strlen(*text) != (size_t)n) {
		snprintf(err, errsz, "%s: contains a NUL byte", path);
		free(*text);
		return -EINVAL;
	}
	return 0;
}

int conf_read(const char *path, bool secure, struct conf_file *out,
	      char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *text = NULL;
	int rc;

	char link[CONF_PATH_MAX];
	ssize_t n;

	if (fd < 0) {
		rc = -errno;
		n = rc == -ENOENT ? readlink(path, link, sizeof(link) - 1) : -1;
		if (n > 0)
			snprintf(err, errsz, "%s: a symbolic link to \"%.*s\", which does "
				 "not exist", path, (int)n, link);
		else
			snprintf(err, errsz, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = read_text(fd, path, secure, &text, err, errsz);
	close(fd);
	if (rc)
		return rc;
	rc = conf_parse(text, path, out, err, errsz);
	free(text);
	return rc;
}

/* Write all of @n bytes at @p to @fd: 0 or -errno. */
static int write_full(int fd, const void *p, size_t n)
{
	const char *b = p;
	ssize_t w;

	while (n) {
		w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write @f, parsed from a file with status @st, to @snap through the
 * temporary @tmp (a mkstemp() template), renamed over it: 0 or -errno. */
static int snap_write(const char *snap, char *tmp, const struct stat *st,
		      const struct conf_file *f, char *err, size_t errsz)
{
	struct snap_head h;
	int fd, rc;

	snap_header(&h, st, f->nrules);
	h.sum = snap_sum(f, snap_payload(f->nrules));
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return rc;
	}
	rc = fchmod(fd, 0644) ? -errno : 0;
	if (!rc)
		rc = write_full(fd, &h, sizeof(h));
	if (!rc)
		rc = write_full(fd, f, snap_payload(f->nrules));
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, snap))
		rc = -errno;
	if (rc) {
		snprintf(err, errsz, "%s: %s", snap, strerror(-rc));
		unlink(tmp);
	}
	return rc;
}

/* The command's: allocated, so the library's static memory holds no
 * copy (its start-up reads the snapshot into the page ld.so's own start
 * code touches, load.c). */
int conf_compile(const char *path, char *err, size_t errsz)
{
	char snap[CONF_PATH_MAX + 8], tmp[CONF_PATH_MAX + 16];
	struct conf_file *f;
	struct stat st;
	char *text = NULL;
	int fd, rc;

	if (!snap_path(path, snap, sizeof(snap)) ||
	    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", snap) >= (int)sizeof(tmp)) {
		snprintf(err, errsz, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	/* the identity of the very text parsed: a later change makes it stale */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	rc = read_text(fd, path, false, &text, err, errsz);
	close(fd);
	f = rc ? NULL : calloc(1, sizeof(*f));
	if (rc == 0 && !f) {
		snprintf(err, errsz, "%s: out of memory", path);
		rc = -ENOMEM;
	}
	if (rc == 0)
		rc = conf_parse(text, path, f, err, errsz);
	free(text);
	if (rc == 0)
		rc = snap_write(snap, tmp, &st, f, err, errsz);
	free(f);
	return rc;
}

/* "true", "false" or ["clone3", ...] */
static void describe_fallback(const struct policy *s, char *buf, size_t size)
{
	size_t i;

	if (s->fallback != POLICY_FB_LIST) {
		snprintf(buf, size, "%s", s->fallback == POLICY_FB_BUILTIN ? "true" : "false");
		return;
	}
	snprintf(buf, size, "[");
	for (i = 0; i < s->nfallback; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s\"%s\"", i ? ", " : "",
			 systab_name_at(s->fallback_names[i]));
	snprintf(buf + strlen(buf), size - strlen(buf), "]");
}

size_t conf_describe(const struct conf_settings *s, char *buf, size_t size)
{
	char base[16], err[32], deny[96] = "", allow[POLICY_MAX_ALLOW * 28] = "";
	char fb[POLICY_MAX_FALLBACK * 28] = "";
	const char *target = s->target == CONF_LOG_FILE ? s->log_path :
			     target_names[s->target];
	const struct policy *pol = &s->pol;
	const char *name = strerrorname_np(pol->err);
	size_t i;
	int n;

	for (i = 0; i < N(policy_deny_names); i++)
		if (pol->deny & (1u << i))
			snprintf(deny + strlen(deny), sizeof(deny) - strlen(deny),
				 "%s\"%s\"", deny[0] ? ", " : "", policy_deny_names[i]);
	for (i = 0; i < pol->nallow; i++)
		snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow),
			 "%s\"%s\"", i ? ", " : "", allow_name(pol, i));
	describe_fallback(pol, fb, sizeof(fb));
	if (pol->baseline)
		snprintf(base, sizeof(base), "%u.%u", pol->baseline >> 8, pol->baseline & 0xff);
	if (name)
		snprintf(err, sizeof(err), "\"%s\"", name);
	else
		snprintf(err, sizeof(err), "%u", pol->err);
	n = snprintf(buf, size, "mode = \"%s\"; strategy = \"%s\"; "
		     "baseline = \"%s\"; errno = %s; deny_actions = [%s]; "
		     "rseq_guard = %s; no_rseq = %s; allow_syscalls = [%s]; "
		     "fallback_safe = %s; translate = %s; log = { target = \"%s\"; level = \"%s\"; };",
		     policy_mode_names[pol->mode], policy_strategy_names[pol->strategy],
		     pol->baseline ? base : "auto", err, deny,
		     pol->rseq_guard ? "true" : "false", s->no_rseq ? "true" : "false", allow,
		     fb, pol->translate ? "true" : "false", target, level_names[s->level]);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size ? size - 1 : 0;
}
