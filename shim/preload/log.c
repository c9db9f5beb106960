// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "log.h"
#include "core/report.h"
#include "core/systab.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Code every process runs when the library loads, grouped (.text.hot):
 * each page of it touched is a page fault in every process. */
#define STARTUP_FN __attribute__((hot))

#define LOG_LINE_MAX 1024
#define SYSLOG_PATH "/dev/log"

/* The system calls the log may make, each by its fixed number. */
enum log_call {
	C_WRITE, C_SIGMASK, C_SIGPENDING, C_SIGWAIT, C_OPENAT, C_STATX, C_CLOSE,
	C_SOCKET, C_SENDTO, C_GETPID, C_COUNT
};
static const long call_nr[C_COUNT] = {
	SYS_write, SYS_rt_sigprocmask, SYS_rt_sigpending, SYS_rt_sigtimedwait,
	SYS_openat, SYS_statx, SYS_close, SYS_socket, SYS_sendto, SYS_getpid,
};

#define BIT(c) (1u << (c))
#define WRITE_CALLS (BIT(C_WRITE) | BIT(C_SIGMASK) | BIT(C_SIGPENDING) | BIT(C_SIGWAIT))
/* What writing one line to each target takes. */
static const uint32_t target_calls[] = {
	[CONF_LOG_NONE] = 0,
	[CONF_LOG_STDERR] = WRITE_CALLS,
	[CONF_LOG_SYSLOG] = BIT(C_SOCKET) | BIT(C_SENDTO) | BIT(C_CLOSE),
	[CONF_LOG_FILE] = WRITE_CALLS | BIT(C_OPENAT) | BIT(C_STATX) | BIT(C_CLOSE),
};

/* Signals a write may raise (SIGTTOU: a background tty write with TOSTOP,
 * which blocking it lets through). */
#define SIG(s) (1ull << ((s) - 1))
#define QUIET_SIGS (SIG(SIGPIPE) | SIG(SIGXFSZ) | SIG(SIGTTOU))

static struct {
	struct conf_settings cfg;       /* only target, level and log_path */
	bool secure;
	log_sys_fn sys;
	int pid;                        /* 0: not known */
	/* set under the shim's lock, before the filter concerned is forwarded */
	uint32_t refused;               /* bit per log_call: a filter may refuse it */
	bool blind;                     /* a filter of unknown content may be in force */
} lg __attribute__((section(".data.enostub_startup"))) = { .cfg = { .target = CONF_LOG_NONE } };

/* $ENOSTUB_LOG, by log.target's rule (conf_log_target()); a value it
 * refuses changes nothing here: the shim has made it a configuration
 * error, which it reports. */
STARTUP_FN
static void target_from_env(const char *v)
{
	const char *why;

	conf_log_target(v, &lg.cfg, &why);
}

/* The "\nSeccomp:" line of /proc/self/status text @buf, or NULL (a loop,
 * not strstr(): a first call into the C library maps pages of its code). */
STARTUP_FN
static const char *seccomp_line(const char *buf)
{
	static const char key[] = "\nSeccomp:";
	size_t i;

	for (; *buf; buf++) {
		for (i = 0; key[i] && buf[i] == key[i]; i++)
			;
		if (!key[i])
			return buf;
	}
	return NULL;
}

/* Did the process start under a filter (inherited across exec)? Unsure
 * counts as yes. openat, read and close: ld.so made these very calls to
 * load this library, so the filter, if any, lets them through. */
STARTUP_FN
static bool started_under_filter(void)
{
	char buf[4096];
	const char *p;
	size_t n = 0;
	long fd = lg.sys(SYS_openat, AT_FDCWD, "/proc/self/status",
			 O_RDONLY | O_CLOEXEC | O_NOCTTY), r;

	if (fd < 0)
		return true;
	while (n < sizeof(buf) - 1 &&
	       (r = lg.sys(SYS_read, fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	lg.sys(SYS_close, fd);
	buf[n] = '\0';
	p = seccomp_line(buf);
	if (!p)
		return true;
	for (p += 9; *p == ' ' || *p == '\t'; p++)
		;
	return *p != '0';
}

STARTUP_FN
void log_setup(const struct conf_settings *s, bool secure, const char *env_log,
	       log_sys_fn sys)
{
	const char *v = secure ? NULL : env_log;

	lg.cfg.target = s->target;
	lg.cfg.level = s->level;
	memcpy(lg.cfg.log_path, s->log_path, sizeof(lg.cfg.log_path));
	lg.secure = secure;
	lg.sys = sys;
	if (v && v[0])
		target_from_env(v);
	if (!sys)
		lg.cfg.target = CONF_LOG_NONE;
	if (lg.cfg.target == CONF_LOG_NONE)
		return;
	lg.blind = started_under_filter();
	if (!lg.blind)
		lg.pid = (int)sys(SYS_getpid);
}

bool log_active(void)
{
	return lg.cfg.target != CONF_LOG_NONE &&
	       !__atomic_load_n(&lg.blind, __ATOMIC_RELAXED);
}

/* May these calls be made now? */
static bool can(uint32_t calls)
{
	return !__atomic_load_n(&lg.blind, __ATOMIC_RELAXED) && !(lg.refused & calls);
}

void log_admit(const struct sock_filter *prog, size_t len, struct analyze_work *work)
{
	uint32_t need = target_calls[lg.cfg.target] | BIT(C_GETPID);
	const struct arch_abi *abi;
	size_t n, c;

	if (!log_active())
		return;
	abi = arch_native(&n)[0];
	for (c = 0; c < C_COUNT; c++) {
		if (!(need & BIT(c)) || (lg.refused & BIT(c)))
			continue;
		if (!analyze_lets_through(prog, len, abi, (uint32_t)call_nr[c], work))
			lg.refused |= BIT(c);
	}
}

void log_blind(void)
{
	__atomic_store_n(&lg.blind, true, __ATOMIC_RELAXED);
}

void log_forked(void)
{
	if (lg.cfg.target == CONF_LOG_NONE)
		return;
	lg.pid = can(BIT(C_GETPID)) ? (int)lg.sys(SYS_getpid) : 0;
}

/* "enostub: NAME[PID]: " */
static int prefix(char *buf, size_t size)
{
	return lg.pid ? snprintf(buf, size, "enostub: %s[%d]: ",
				 program_invocation_short_name, lg.pid)
		      : snprintf(buf, size, "enostub: %s[?]: ",
				 program_invocation_short_name);
}

size_t log_format(char *out, size_t size, const struct log_event *ev)
{
	struct report_buf b = { out, size, 0 };

	if (size == 0)
		return 0;
	out[0] = '\0';
	b.n = (size_t)prefix(out, size);
	b.n = b.n < size ? b.n : size - 1;
	report_add(&b, "%s filter of %zu instructions: ", ev->via, ev->len);
	if (!ev->rep) {
		report_add(&b, "forwarded untouched (%s)\n", ev->note);
		return b.n;
	}
	b.n = report_outcome(out, size, ev->opts, ev->rep, ev->rc, ev->out_len, ev->dry_run);
	report_rseq(&b, ev->rep, lg.secure);
	report_add(&b, "\n");
	return b.n;
}

size_t log_escape(char *out, size_t size, const char *in)
{
	size_t n = 0, len = strlen(in), i;
	bool nl = size >= 2 && len && in[len - 1] == '\n';

	if (size == 0)
		return 0;
	len -= nl;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		bool esc = c < 0x20 || c == 0x7f || c == '\\';

		if (n + (esc ? 4 : 1) + nl >= size)
			break;
		if (esc)
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	if (nl)
		out[n++] = '\n';
	out[n] = '\0';
	return n;
}

/* Write without raising a signal: SIGPIPE, SIGXFSZ and SIGTTOU are blocked
 * around the write, and one that the write raised is consumed (unless the
 * same signal was already pending, for the program). */
static void write_quiet(long fd, const char *p, size_t n)
{
	uint64_t mask = QUIET_SIGS, old, before, raised = 0;
	const struct timespec zero = { 0, 0 };
	long r;

	if (lg.sys(SYS_rt_sigprocmask, SIG_BLOCK, &mask, &old, sizeof(mask)) != 0)
		return;
	if (lg.sys(SYS_rt_sigpending, &before, sizeof(before)) == 0) {
		r = lg.sys(SYS_write, fd, p, n);
		if (r < 0 && errno == EPIPE)
			raised = SIG(SIGPIPE);
		else if (r < 0 && errno == EFBIG)
			raised = SIG(SIGXFSZ);
		raised &= ~before;
		if (raised)
			lg.sys(SYS_rt_sigtimedwait, &raised, NULL, &zero, sizeof(raised));
	}
	lg.sys(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, sizeof(old));
}

/* May an open file (or directory) be written to (or through)? In secure
 * mode it must be root's and not writable by group or others. */
static bool trusted(long fd, unsigned int type)
{
	struct statx st;

	if (lg.sys(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_MODE | STATX_UID,
		   &st) != 0 || (st.stx_mode & S_IFMT) != type)
		return false;
	return !lg.secure || (st.stx_uid == 0 && !(st.stx_mode & (S_IWGRP | S_IWOTH)));
}

/* Secure mode: walk to the log file's directory one component at a time,
 * following no symlink, through trusted directories only. Returns the
 * directory (an O_PATH descriptor) and puts the file's name in @name. */
static long trusted_dir(const char *path, char *name, size_t size)
{
	long dir = lg.sys(SYS_openat, AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC), next;
	const char *p = path, *end;
	size_t n;

	while (dir >= 0 && trusted(dir, S_IFDIR)) {
		while (*p == '/')
			p++;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= size)
			break;
		snprintf(name, size, "%.*s", (int)n, p);
		if (!end)
			return dir;
		next = lg.sys(SYS_openat, dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		lg.sys(SYS_close, dir);
		dir = next;
		p = end;
	}
	if (dir >= 0)
		lg.sys(SYS_close, dir);
	return -1;
}

/* Open the log file to append: never through a symlink, only a regular
 * file, in secure mode only in trusted places. */
static long open_log(void)
{
	const int flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
			  O_NOCTTY | O_NONBLOCK;
	char name[CONF_PATH_MAX];
	long dir = AT_FDCWD, fd;

	if (lg.secure && (dir = trusted_dir(lg.cfg.log_path, name, sizeof(name))) < 0)
		return -1;
	fd = lg.sys(SYS_openat, dir, lg.secure ? name : lg.cfg.log_path, flags, 0640);
	if (dir != AT_FDCWD)
		lg.sys(SYS_close, dir);
	if (fd >= 0 && !trusted(fd, S_IFREG)) {
		lg.sys(SYS_close, fd);
		fd = -1;
	}
	return fd;
}

static void to_file(const char *line, size_t n)
{
	long fd = open_log();

	if (fd < 0)
		return;
	write_quiet(fd, line, n);
	lg.sys(SYS_close, fd);
}

static void to_syslog(int level, const char *line, size_t n)
{
	static const int prio[] = { LOG_ERR, LOG_NOTICE, LOG_INFO };
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = SYSLOG_PATH };
	char msg[2 * LOG_LINE_MAX + 8];
	long fd;
	int len;

	len = snprintf(msg, sizeof(msg), "<%d>%.*s", LOG_USER | prio[level],
		       (int)(n && line[n - 1] == '\n' ? n - 1 : n), line);
	if (len <= 0)
		return;
	fd = lg.sys(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* no syslog daemon: nothing to do */
	lg.sys(SYS_sendto, fd, msg, (size_t)len < sizeof(msg) ? (size_t)len : sizeof(msg) - 1,
	       MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sun, sizeof(sun));
	lg.sys(SYS_close, fd);
}

/* Write one line at @level, escaped, if every call it takes is safe. */
static void emit(int level, const char *line)
{
	char safe[2 * LOG_LINE_MAX];
	size_t n = log_escape(safe, sizeof(safe), line);

	switch (lg.cfg.target) {
	case CONF_LOG_STDERR:
		write_quiet(STDERR_FILENO, safe, n);
		break;
	case CONF_LOG_FILE:
		to_file(safe, n);
		break;
	case CONF_LOG_SYSLOG:
		to_syslog(level, safe, n);
		break;
	default:
		break;
	}
}

static bool enabled(int level)
{
	return lg.cfg.target != CONF_LOG_NONE && level <= lg.cfg.level &&
	       can(target_calls[lg.cfg.target]);
}

void log_filter(const struct log_event *ev)
{
	char line[LOG_LINE_MAX];
	int saved = errno, level = ev->out_len ? CONF_NOTICE : CONF_INFO;

	if (!enabled(level))
		return;
	log_format(line, sizeof(line), ev);
	emit(level, line);
	errno = saved;
}

void log_config_error(const char *error)
{
	char msg[CONF_ERR_MAX + 64];

	snprintf(msg, sizeof(msg), "configuration ignored, filters forwarded untouched: %s",
		 error);
	log_message(CONF_ERROR, msg);
}

void log_message(int level, const char *msg)
{
	char line[LOG_LINE_MAX];
	int saved = errno, n;

	if (!enabled(level))
		return;
	n = prefix(line, sizeof(line));
	if (n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, "%s\n", msg);
	emit(level, line);
	errno = saved;
}
