/* SPDX-License-Identifier: MIT */
/*
 * translate: newer system calls that glibc makes with no fallback, and the
 * classic call each equals for some arguments (fstat() is newfstatat(fd,
 * "", buf, AT_EMPTY_PATH) since glibc 2.33). Where an old filter kills or
 * traps the newer call and does not name it, the patched filter traps it
 * with enostub's own data instead, and enostub's SIGSYS handler makes the
 * classic call if the original filter allows that (see shim/preload/trap.c).
 *
 * The table is data, per ABI: x86_64 only (i386 and x32 keep their own
 * legacy calls in glibc; aarch64 and other new ABIs have no legacy calls).
 * Pure: reading the call's arguments from the caller's memory (a path's
 * first byte, a timeout) is all it does.
 */
#ifndef ENOSTUB_TRANSLATE_H
#define ENOSTUB_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "analyze.h"

/* The high byte of enostub's SECCOMP_RET_TRAP data; the low byte is the
 * filter's slot in the library (which copy of the original to consult). */
#define TRANSLATE_DATA_TAG 0xe500u
#define TRANSLATE_DATA_MASK 0xff00u
#define TRANSLATE_MAX 16        /* replacement numbers per filter */

/* How a call maps (one per rule of the table). */
enum translate_kind {
	TR_FSTAT,           /* newfstatat(fd, "", buf, AT_EMPTY_PATH) -> fstat(fd, buf) */
	TR_STAT,            /* newfstatat(AT_FDCWD, path, buf, 0) -> stat(path, buf) */
	TR_LSTAT,           /* newfstatat(AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW) -> lstat */
	TR_OPEN,            /* openat(AT_FDCWD, path, flags, mode) -> open(path, flags, mode) */
	TR_SELECT,          /* pselect6(n, r, w, e, ts, NULL) -> select(n, r, w, e, tv) */
	TR_POLL,            /* ppoll(fds, n, ts, NULL, _) -> poll(fds, n, ms) */
	TR_EPOLL_WAIT,      /* epoll_pwait(ep, ev, max, ms, NULL, _) -> epoll_wait(ep, ev, max, ms) */
	TR_PIPE,            /* pipe2(fds, 0) -> pipe(fds) */
	TR_DUP2,            /* dup3(a, b, 0) with a != b -> dup2(a, b) */
	TR_ACCEPT,          /* accept4(fd, addr, len, 0) -> accept(fd, addr, len) */
	TR_NANOSLEEP,       /* clock_nanosleep(CLOCK_REALTIME, 0, req, rem) -> nanosleep(req, rem) */
	TR_EPOLL_CREATE,    /* epoll_create1(0) -> epoll_create(1) */
	TR_EVENTFD,         /* eventfd2(v, 0) -> eventfd(v) */
	TR_INOTIFY_INIT,    /* inotify_init1(0) -> inotify_init() */
	TR_GETRLIMIT,       /* prlimit64(0, res, NULL, old) -> getrlimit(res, old) */
	TR_SETRLIMIT,       /* prlimit64(0, res, new, NULL) -> setrlimit(res, new) */
	TR_GETDENTS,        /* getdents64(fd, buf, n) -> getdents(fd, buf, n), records
			     * rewritten in place (the same sizes) */
};

struct translate_rule {
	char from[16], to[16];  /* syscall names in the ABI's table */
	uint32_t from_nr, to_nr; /* their numbers (the unit tests check them
				  * against the table): the SIGSYS handler
				  * looks up no name */
	uint8_t kind;           /* enum translate_kind */
};

/* One classic call, ready to make; scratch holds what the arguments
 * point to when they had to be converted (a timeval for select). */
struct translate_call {
	const struct translate_rule *rule;
	uint32_t nr;            /* the classic call's absolute number */
	uint64_t args[6];
	struct {
		struct timeval tv;      /* select's timeout */
	} scratch;
};

/**
 * translate_rules() - the table of @abi.
 * @n: set to the number of rules (0 for an ABI without legacy calls)
 */
const struct translate_rule *translate_rules(const struct arch_abi *abi, size_t *n);

/**
 * translate_kills() - is @ret an answer after which the program dies or
 * gets SIGSYS anyway (KILL_PROCESS, KILL_THREAD, TRAP)? Only those are
 * ever trapped for translation.
 */
bool translate_kills(uint32_t ret);

/**
 * translate_replaces() - is @nr of @abi the newer call of some rule?
 */
bool translate_replaces(const struct arch_abi *abi, uint32_t nr);

/**
 * translate_candidates() - the replacement calls the patched filter should
 * trap: in @abi's table, with a classic call in its syscall table, not
 * compared by the filter (@a, the max-known pass of @abi), and answered
 * KILL_PROCESS, KILL_THREAD or TRAP whatever the arguments.
 * @prog, @len: the original (validated)
 * @a:    analyze_abi()'s result for @abi
 * @work: scratch memory
 * @nrs:  absolute numbers, ascending, at most TRANSLATE_MAX
 * @rets: the original's answer to each
 *
 * Return: how many.
 */
size_t translate_candidates(const struct sock_filter *prog, size_t len,
			    const struct analyze_abi *a, struct analyze_work *work,
			    uint32_t nrs[TRANSLATE_MAX], uint32_t rets[TRANSLATE_MAX]);

/**
 * translate_prepare() - the classic call equal to (@nr, @args) of @abi.
 * @abi, @nr, @args: the trapped call
 * @out: the classic call (out->args may point into out->scratch)
 *
 * Reads the caller's memory where the rule needs to (a path's first byte,
 * a timeout): the pointers are the trapped call's own.
 *
 * Return: true if some rule of the table applies to these arguments.
 */
bool translate_prepare(const struct arch_abi *abi, uint32_t nr, const uint64_t args[6],
		       struct translate_call *out);

/**
 * translate_finish() - what the call's caller gets, after the classic call
 * returned @ret (a negative errno on failure): writes back what the newer
 * call writes (pselect6 and ppoll: the time left; getdents64: its records,
 * from getdents' in the same buffer).
 * @c: the call translate_prepare() made
 * @args: the trapped call's arguments
 * @ret: the classic call's result
 * @elapsed: how long the classic call took (ppoll's time left)
 *
 * Return: the value for the trapped call's return register.
 */
long translate_finish(const struct translate_call *c, const uint64_t args[6], long ret,
		      const struct timespec *elapsed);

/**
 * translate_decide() - what enostub's handler does with a trapped call:
 * make the classic call (only if the original filter runs it, for the
 * classic call's seccomp_data), or give the call the original's answer.
 * @orig, @len: the original filter
 * @abi:  the ABI of the call (its table)
 * @d:    the trapped call's seccomp_data
 * @c:    the classic call, when the answer is true
 * @orig_ret: the original's answer to the trapped call itself
 *
 * Return: true to make @c; false for the original's answer (@orig_ret).
 */
bool translate_decide(const struct sock_filter *orig, size_t len, const struct arch_abi *abi,
		      const struct seccomp_data *d, struct translate_call *c,
		      uint32_t *orig_ret);

#endif /* ENOSTUB_TRANSLATE_H */
