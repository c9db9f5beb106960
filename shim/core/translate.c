// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "translate.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* x86_64: every call glibc makes, since 2.26-2.33, with a newer call and no
 * fallback, whose older form an old allow-list may name instead (names and
 * numbers: x86_64's numbers never change). */
static const struct translate_rule x86_64_rules[] = {
	{ "newfstatat", "fstat", 262, 5, TR_FSTAT },
	{ "newfstatat", "stat", 262, 4, TR_STAT },
	{ "newfstatat", "lstat", 262, 6, TR_LSTAT },
	{ "openat", "open", 257, 2, TR_OPEN },
	{ "pselect6", "select", 270, 23, TR_SELECT },
	{ "ppoll", "poll", 271, 7, TR_POLL },
	{ "epoll_pwait", "epoll_wait", 281, 232, TR_EPOLL_WAIT },
	{ "pipe2", "pipe", 293, 22, TR_PIPE },
	{ "dup3", "dup2", 292, 33, TR_DUP2 },
	{ "accept4", "accept", 288, 43, TR_ACCEPT },
	{ "clock_nanosleep", "nanosleep", 230, 35, TR_NANOSLEEP },
	{ "epoll_create1", "epoll_create", 291, 213, TR_EPOLL_CREATE },
	{ "eventfd2", "eventfd", 290, 284, TR_EVENTFD },
	{ "inotify_init1", "inotify_init", 294, 253, TR_INOTIFY_INIT },
	{ "prlimit64", "getrlimit", 302, 97, TR_GETRLIMIT },
	{ "prlimit64", "setrlimit", 302, 160, TR_SETRLIMIT },
	{ "getdents64", "getdents", 217, 78, TR_GETDENTS },
};

const struct translate_rule *translate_rules(const struct arch_abi *abi, size_t *n)
{
	if (abi->audit == AUDIT_ARCH_X86_64 && abi->nr_base == 0) {
		*n = N(x86_64_rules);
		return x86_64_rules;
	}
	*n = 0;
	return NULL;
}

bool translate_kills(uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_KILL_PROCESS || act == SECCOMP_RET_KILL_THREAD ||
	       act == SECCOMP_RET_TRAP;
}

bool translate_replaces(const struct arch_abi *abi, uint32_t nr)
{
	size_t n, i;
	const struct translate_rule *t = translate_rules(abi, &n);

	for (i = 0; i < n; i++)
		if (abi->nr_base + t[i].from_nr == nr)
			return true;
	return false;
}

size_t translate_candidates(const struct sock_filter *prog, size_t len,
			    const struct analyze_abi *a, struct analyze_work *work,
			    uint32_t nrs[TRANSLATE_MAX], uint32_t rets[TRANSLATE_MAX])
{
	size_t n, i, k = 0, j;
	const struct translate_rule *t = translate_rules(a->abi, &n);
	uint32_t from, ret;

	for (i = 0; i < n && k < TRANSLATE_MAX; i++) {
		from = a->abi->nr_base + t[i].from_nr;
		for (j = 0; j < k && nrs[j] != from; j++)
			;
		if (j < k || analyze_is_known(a, from) ||
		    !analyze_answer(prog, len, a->abi, from, work, &ret) ||
		    !translate_kills(ret))
			continue;
		/* ascending: insert */
		for (j = k++; j > 0 && nrs[j - 1] > from; j--) {
			nrs[j] = nrs[j - 1];
			rets[j] = rets[j - 1];
		}
		nrs[j] = from;
		rets[j] = ret;
	}
	return k;
}

/* A timespec the kernel accepts as a timeout. */
static bool valid_ts(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000;
}

/* The arguments of one rule's classic call, or false if it does not apply. */
static bool map(const struct translate_rule *r, const uint64_t *a, struct translate_call *c)
{
	const struct timespec *ts;
	int dfd = (int)a[0];

	memset(c->args, 0, sizeof(c->args));
	switch (r->kind) {
	case TR_FSTAT:
		if ((int)a[3] != AT_EMPTY_PATH || dfd == AT_FDCWD || !a[1] ||
		    *(const char *)(uintptr_t)a[1] != '\0')
			return false;
		c->args[0] = a[0];
		c->args[1] = a[2];
		return true;
	case TR_STAT:
	case TR_LSTAT:
		if (dfd != AT_FDCWD ||
		    (int)a[3] != (r->kind == TR_STAT ? 0 : AT_SYMLINK_NOFOLLOW))
			return false;
		c->args[0] = a[1];
		c->args[1] = a[2];
		return true;
	case TR_OPEN:
		if (dfd != AT_FDCWD)
			return false;
		memcpy(c->args, a + 1, 3 * sizeof(a[0]));
		return true;
	case TR_SELECT:
		ts = (const struct timespec *)(uintptr_t)a[4];
		if (a[5] || (ts && !valid_ts(ts)))
			return false;
		memcpy(c->args, a, 4 * sizeof(a[0]));
		if (ts) {
			c->scratch.tv.tv_sec = ts->tv_sec;
			c->scratch.tv.tv_usec = (ts->tv_nsec + 999) / 1000;
			c->args[4] = (uintptr_t)&c->scratch.tv;
		}
		return true;
	case TR_POLL:
		ts = (const struct timespec *)(uintptr_t)a[2];
		if (a[3] || (ts && (!valid_ts(ts) || ts->tv_sec > INT_MAX / 1000 - 1)))
			return false;
		c->args[0] = a[0];
		c->args[1] = a[1];
		c->args[2] = ts ? (uint64_t)(ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000)
			     : (uint64_t)-1;
		return true;
	case TR_EPOLL_WAIT:
		if (a[4])
			return false;
		memcpy(c->args, a, 4 * sizeof(a[0]));
		return true;
	case TR_PIPE:
		c->args[0] = a[0];
		return (int)a[1] == 0;
	case TR_DUP2:
		memcpy(c->args, a, 2 * sizeof(a[0]));
		return (int)a[2] == 0 && (int)a[0] != (int)a[1];
	case TR_ACCEPT:
		memcpy(c->args, a, 3 * sizeof(a[0]));
		return (int)a[3] == 0;
	case TR_NANOSLEEP:
		c->args[0] = a[2];
		c->args[1] = a[3];
		return (int)a[0] == CLOCK_REALTIME && (int)a[1] == 0;
	case TR_EPOLL_CREATE:
		c->args[0] = 1;
		return (int)a[0] == 0;
	case TR_EVENTFD:
		c->args[0] = a[0];
		return (int)a[1] == 0;
	case TR_INOTIFY_INIT:
		return (int)a[0] == 0;
	case TR_GETDENTS:
		memcpy(c->args, a, 3 * sizeof(a[0]));
		return true;
	case TR_GETRLIMIT:
	case TR_SETRLIMIT:
		if (a[0] != 0 || (r->kind == TR_GETRLIMIT ? a[2] || !a[3] : !a[2] || a[3]))
			return false;
		c->args[0] = a[1];
		c->args[1] = r->kind == TR_GETRLIMIT ? a[3] : a[2];
		return true;
	}
	return false;
}

bool translate_prepare(const struct arch_abi *abi, uint32_t nr, const uint64_t args[6],
		       struct translate_call *out)
{
	size_t n, i;
	const struct translate_rule *t = translate_rules(abi, &n);

	for (i = 0; i < n; i++) {
		if (abi->nr_base + t[i].from_nr != nr)
			continue;
		out->nr = abi->nr_base + t[i].to_nr;
		out->rule = &t[i];
		if (map(&t[i], args, out))
			return true;
	}
	return false;
}

/*
 * getdents' records into getdents64's, in place: both are ino (8), off (8),
 * reclen (2), then getdents has the name and the type in the record's last
 * byte, getdents64 the type and then the name; the same length for the
 * same name (8-aligned 20 + name length), so a record never grows.
 */
static void dirents64(unsigned char *buf, long n)
{
	long at = 0;
	uint16_t reclen;
	unsigned char type;
	size_t len;

	while (at + 19 <= n) {
		unsigned char *r = buf + at;

		memcpy(&reclen, r + 16, sizeof(reclen));
		if (reclen < 20 || at + reclen > n)
			break;
		type = r[reclen - 1];
		len = strnlen((const char *)r + 18, reclen - 19);
		memmove(r + 19, r + 18, len);
		r[19 + len] = '\0';
		r[18] = type;
		at += reclen;
	}
}

long translate_finish(const struct translate_call *c, const uint64_t args[6], long ret,
		      const struct timespec *elapsed)
{
	struct timespec *ts;

	switch (c->rule->kind) {
	case TR_GETDENTS:
		if (ret > 0)
			dirents64((unsigned char *)(uintptr_t)args[1], ret);
		break;
	case TR_SELECT:
		ts = (struct timespec *)(uintptr_t)args[4];
		if (ts) {	/* select wrote the time left into its timeval */
			ts->tv_sec = c->scratch.tv.tv_sec;
			ts->tv_nsec = c->scratch.tv.tv_usec * 1000;
		}
		break;
	case TR_POLL:
		ts = (struct timespec *)(uintptr_t)args[2];
		if (ts) {	/* ppoll writes the time left back; poll does not */
			long ns = ts->tv_nsec - elapsed->tv_nsec;
			long s = ts->tv_sec - elapsed->tv_sec - (ns < 0);

			ns += ns < 0 ? 1000000000 : 0;
			ts->tv_sec = s < 0 ? 0 : s;
			ts->tv_nsec = s < 0 ? 0 : ns;
		}
		break;
	default:
		break;
	}
	return ret;
}

bool translate_decide(const struct sock_filter *orig, size_t len, const struct arch_abi *abi,
		      const struct seccomp_data *d, struct translate_call *c,
		      uint32_t *orig_ret)
{
	struct seccomp_data classic = *d;
	uint64_t args[6];
	size_t i;

	for (i = 0; i < 6; i++)
		args[i] = d->args[i];
	*orig_ret = cbpf_run(orig, len, d);
	if (!translate_prepare(abi, (uint32_t)d->nr, args, c))
		return false;
	classic.nr = (int)c->nr;
	for (i = 0; i < 6; i++)
		classic.args[i] = c->args[i];
	return analyze_runs_call(cbpf_run(orig, len, &classic));
}
