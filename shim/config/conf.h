/* SPDX-License-Identifier: MIT */
/*
 * conf: the libconfig file that drives enostub, and the settings it yields
 * for one program. The only module that knows libconfig; it loads
 * libconfig.so with dlopen() only when a configuration file exists, so a
 * process without one never maps it.
 *
 * Search order: $ENOSTUB_CONFIG (ignored in secure mode), ENOSTUB_SYSCONF
 * (/etc/enostub.conf), then the embedded default. Global settings at top
 * level, per-program rules in a list, first match wins:
 *
 *   mode = "patch";            # patch | dry-run | off
 *   strategy = "max-known";
 *   baseline = "auto";
 *   errno = "ENOSYS";          # a name or a number 1..4095
 *   deny_actions = ["errno", "kill_process", "kill_thread", "trap"];
 *   rseq_guard = false;
 *   no_rseq = false;           # enostub run only
 *   log = { target = "none"; level = "info"; };
 *   programs = ( { exe = "/usr/sbin/vsftpd"; mode = "off"; } );
 */
#ifndef ENOSTUB_CONF_H
#define ENOSTUB_CONF_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/policy.h"

#ifndef ENOSTUB_SYSCONF
#define ENOSTUB_SYSCONF "/etc/enostub.conf"
#endif

#define CONF_PATH_MAX  256      /* file names, globs, log paths */
#define CONF_ERR_MAX   512      /* "FILE:LINE: message" */
#define CONF_MAX_RULES 64
#define CONF_FILE_MAX  (64 * 1024)
#define CONF_COMM_MAX  16       /* TASK_COMM_LEN */

enum conf_target { CONF_LOG_NONE, CONF_LOG_STDERR, CONF_LOG_SYSLOG, CONF_LOG_FILE };
/* A message is written when its level is at most the configured one. */
enum conf_level { CONF_ERROR, CONF_NOTICE, CONF_INFO };
/* Everything the file says about one program: what to do with its
 * filters (the core's struct policy), and how to say so. */
struct conf_settings {
	struct policy pol;
	uint8_t target;                 /* enum conf_target */
	uint8_t level;                  /* enum conf_level */
	bool no_rseq;                   /* enostub run: glibc.pthread.rseq=0 */
	char log_path[CONF_PATH_MAX];   /* target CONF_LOG_FILE */
};

/* The embedded default, as an initializer. */
#define CONF_DEFAULTS { .pol = POLICY_DEFAULTS, .target = CONF_LOG_NONE, \
	.level = CONF_INFO }

struct conf_rule {
	char exe[CONF_PATH_MAX];        /* fnmatch() glob on the executable; "" = any */
	char comm[CONF_COMM_MAX * 4];   /* fnmatch() glob on comm; "" = any */
	unsigned int line;
	struct conf_settings set;       /* global settings overridden by the rule's */
};

struct conf_file {
	char name[CONF_PATH_MAX];
	struct conf_settings global;
	bool any_exe, any_comm;         /* some rule matches exe / comm */
	size_t nrules;
	struct conf_rule rule[CONF_MAX_RULES];
};

/*
 * Who the program is, captured when the library loads. In secure mode
 * (setuid, setgid, file capabilities) only what the caller cannot choose
 * selects a rule: the real executable, never comm, argv[0] or AT_EXECFN.
 */
struct conf_identity {
	char exe[CONF_PATH_MAX * 4];    /* /proc/self/exe; else AT_EXECFN, not in secure mode */
	char comm[CONF_COMM_MAX];
	bool secure;                    /* rules with a comm pattern never match */
};

/* The outcome of the search, kept by the shim for the process's life. */
struct conf_state {
	struct conf_settings set;       /* effective for this program */
	char source[CONF_PATH_MAX];     /* the file read, or "built-in" */
	unsigned int rule_line;         /* line of the matching rule, 0 = none */
	bool from_snapshot;             /* read from the file's snapshot */
	char note[CONF_ERR_MAX];        /* why the snapshot was not used, or "" */
	char error[CONF_ERR_MAX];       /* non-empty: unusable, forward untouched */
};

/*
 * The snapshot: FILE.snap, the parsed file as `enostub check-config
 * --compile FILE` wrote it, with the source's identity (device, inode,
 * size, modification time) and a checksum. The library reads it with
 * stat, open, read and close (fstat too in secure mode) instead of loading
 * libconfig, and falls back to parsing FILE when it is missing, stale, of
 * another build or damaged (shim/config/load.c).
 * It is trusted as FILE is (secure mode: owned by root, not writable by
 * group or others).
 */
#define CONF_SNAP_SUFFIX ".snap"

/**
 * conf_compile() - parse @path and write its snapshot, atomically (a
 * temporary beside it, renamed over FILE.snap), mode 0644.
 * @path, @err, @errsz: the file, and a message on failure
 *
 * Return: 0, or a negative errno with a message in @err.
 */
int conf_compile(const char *path, char *err, size_t errsz);

/**
 * conf_snapshot() - read the snapshot of @path if it is fresh.
 * @path:   the configuration file
 * @src:    stat() of @path
 * @secure: secure mode: the snapshot must be trusted as the file is
 * @out:    filled in on success
 *
 * Return: 0, -ENOENT (no snapshot), -ESTALE (the file changed since, or
 * another build's format), -EPERM (not trusted), -EINVAL (damaged),
 * -ENOMEM.
 */
int conf_snapshot(const char *path, const struct stat *src, bool secure,
		  struct conf_file *out);

/**
 * conf_defaults() - the embedded default: patch, max-known, ENOSYS, the
 * default denial set, no log.
 * @s: filled in
 */
void conf_defaults(struct conf_settings *s);

/**
 * conf_parse() - parse configuration text.
 * @text: NUL-terminated contents
 * @name: file name for messages
 * @out:  filled in on success
 * @err, @errsz: on failure, "NAME:LINE: message"
 *
 * Return: 0, -EINVAL for a bad file, -ENOSYS if libconfig cannot be loaded.
 */
int conf_parse(const char *text, const char *name, struct conf_file *out,
	       char *err, size_t errsz);

/**
 * conf_check_owner() - may a file with this status be trusted?
 * @st:     fstat() of the open file
 * @secure: secure mode: root-owned and not group/world-writable only
 *
 * Return: 0, -EINVAL if not a regular file, -EFBIG if over CONF_FILE_MAX,
 * -EPERM if secure mode refuses it.
 */
int conf_check_owner(const struct stat *st, bool secure);

/**
 * conf_read() - open, check and parse one file.
 * @path, @secure, @out, @err, @errsz: as for conf_parse() and conf_check_owner()
 *
 * Return: 0, or a negative errno with a message in @err: -ENOENT if the
 * file does not exist (the message names a dangling symbolic link), -EINVAL
 * also for a file that reports a size of 0 but has contents (procfs).
 */
int conf_read(const char *path, bool secure, struct conf_file *out,
	      char *err, size_t errsz);

/**
 * conf_baseline() - parse a baseline: "auto" (0) or a release like "5.4".
 * @v:   the text, may be NULL
 * @out: set to major << 8 | minor, 0 for auto
 *
 * Return: 0, or -EINVAL if @v is neither.
 */
int conf_baseline(const char *v, uint16_t *out);

/**
 * conf_log_target() - the log target @v names: none, stderr, syslog or an
 * absolute file path. The one rule for log.target and $ENOSTUB_LOG.
 * @v:   the text, may be NULL
 * @set: target (and log_path) set on success, untouched otherwise
 * @why: on failure, what was expected, for a message
 *
 * Return: 0, -EINVAL (not one of them, a relative path), -ENAMETOOLONG.
 */
int conf_log_target(const char *v, struct conf_settings *set, const char **why);

/**
 * conf_match() - the settings of the first rule matching @id, else global.
 * @f:    a parsed file
 * @id:   the program; with id->secure, a rule that has a comm pattern is
 *        skipped whatever the comm (the caller names the process)
 * @line: set to the matching rule's line, 0 if none matched
 *
 * Return: a pointer into @f.
 */
const struct conf_settings *conf_match(const struct conf_file *f,
				       const struct conf_identity *id,
				       unsigned int *line);

/**
 * conf_identify() - this process's executable path and comm, as far as a
 * configuration's rules need them.
 * @id:     filled in; id->secure set from @secure
 * @secure: secure mode: no comm, and no fallback to AT_EXECFN for exe
 * @f:      the parsed file: exe is read only if a rule has an exe pattern,
 *          comm only if a rule has a comm pattern
 *
 * Never fails: what cannot be read stays empty (outside secure mode exe
 * falls back to AT_EXECFN, comm to argv[0]'s base name). Costs readlink()
 * of /proc/self/exe and prctl(PR_GET_NAME), each only when needed.
 */
void conf_identify(struct conf_identity *id, bool secure, const struct conf_file *f);

/**
 * conf_getenv() - getenv() without a call into the C library (load.c says
 * why), as secure_getenv(): NULL in secure mode.
 * @name:   the variable
 * @secure: secure mode (AT_SECURE)
 *
 * Return: its value, or NULL if it is not set.
 */
const char *conf_getenv(const char *name, bool secure);

/**
 * conf_path() - the file to read: $ENOSTUB_CONFIG when set (ignored in
 * secure mode), else ENOSTUB_SYSCONF unless it does not exist.
 * @secure: secure mode (AT_SECURE)
 *
 * A dangling symbolic link exists: conf_read() then reports it.
 * Costs one lstat() when $ENOSTUB_CONFIG is not set.
 * Return: the path, or NULL when the built-in settings apply.
 */
const char *conf_path(bool secure);

/**
 * conf_load() - read @path (its fresh snapshot if there is one) and match
 * the configuration for this process. Not reentrant (one static buffer):
 * the library calls it once, from its constructor.
 * @st:     filled in; st->error set (and st->set the default) on failure
 * @secure: secure mode (AT_SECURE): only trusted files are read
 * @path:   from conf_path(); NULL gives the built-in settings
 */
void conf_load(struct conf_state *st, bool secure, const char *path);

/**
 * conf_describe() - the settings as configuration text, one line.
 * @s, @buf, @size: what to describe, where (always NUL-terminated)
 *
 * Return: the length written.
 */
size_t conf_describe(const struct conf_settings *s, char *buf, size_t size);

#endif /* ENOSTUB_CONF_H */
