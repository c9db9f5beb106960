// SPDX-License-Identifier: MIT
/*
 * shim: the preload edge. Interposes prctl(), syscall() and seccomp_load(),
 * rewrites seccomp filters on their way to the kernel, forwards everything
 * else bit for bit; fork(), to reset its lock in the child.
 *
 * Between the program's request and the forwarded call the shim makes no
 * system call of its own and allocates nothing: all memory is static. A
 * log line, when one is configured, is written only with the calls every
 * filter in force provably lets through (see log.h). The constructor
 * resolves the next prctl(), syscall() and fork() with dlsym(RTLD_NEXT)
 * (another library's, a sanitizer's, in the chain) and reads the
 * configuration (shim/config/load.c: without a file one failed lstat(),
 * with a fresh snapshot four calls, otherwise libconfig is loaded, used
 * and unloaded), the program's identity when a rule needs it, and
 * ENOSTUB_LOG. The real seccomp_load() is resolved on first use
 * (libseccomp may not be loaded at all; a lookup of a symbol that exists
 * makes no system call and allocates nothing, measured). A filter that
 * arrives before the constructor has run (another library's constructor)
 * is forwarded untouched. A failure anywhere forwards the original call
 * untouched; so does a patched filter that the kernel refuses with ENOMEM
 * (a full filter stack). After the forwarded call returns, nothing but a
 * lock release happens. In secure mode the constructor removes ENOSTUB_*
 * from the environment.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config/conf.h"
#include "log.h"
#include "trap.h"
#include "core/policy.h"

/* Code every process runs when the library loads, grouped (.text.hot):
 * each page of it touched is a page fault in every process. */
#define STARTUP_FN __attribute__((hot))

#define SHIM_EXPORT __attribute__((visibility("default")))
#define SHIM_SELF(name) extern __typeof__(name) self_##name __attribute__((visibility("hidden")))
#if defined(__has_attribute) && __has_attribute(copy)
#define SHIM_SELF_ALIAS(name) __typeof__(name) self_##name __attribute__((alias(#name), copy(name)))
#else
#define SHIM_SELF_ALIAS(name) __typeof__(name) self_##name __attribute__((alias(#name)))
#endif

typedef void (*any_fn)(void);
typedef long (*syscall_fn)(long, ...);
typedef int (*seccomp_load_fn)(void *);
typedef int (*prctl_fn)(int, ...);
typedef pid_t (*fork_fn)(void);

/* What the constructor touches sits together in .data ("STARTUP"): each
 * page it touches is a page fault in every process that loads the
 * library, so these do not go to .bss pages of their own. */
#define STARTUP __attribute__((section(".data.enostub_startup")))

static any_fn real_prctl STARTUP, real_syscall STARTUP, real_seccomp_load STARTUP,
	real_fork STARTUP;

/* Set while a filter is forwarded from this thread: never patch twice. */
static __thread int forwarding __attribute__((tls_model("initial-exec")));
/* Set while seccomp_load() runs on this thread, for the log only. */
static __thread int in_seccomp_load __attribute__((tls_model("initial-exec")));

/* One patch at a time; held until the kernel has copied the filter. */
static int busy;
/* The first patch faults in the pages of it it touches (see patch.h). Not
 * page-aligned: that would page-align all of .bss, and the page crtbegin's
 * flag and the snapshot buffer share with .data (written at start-up
 * anyway) would become one more page for every process. */
static struct patch_work work __attribute__((aligned(64)));

/* The configuration for this process, read when the library loads. */
static struct conf_state conf STARTUP = { .set = CONF_DEFAULTS, .source = "built-in" };
static int configured STARTUP;

/* Spins on a busy lock before giving up and forwarding the original. */
#define SHIM_LOCK_SPINS (1u << 22)

/*
 * The kernel refused the patched filter. ENOMEM: the process's filters
 * would exceed the kernel's instruction limit (32768 plus 4 per filter),
 * which the original may still fit; forward it instead. Preserves errno.
 */
static bool retry_original(long ret)
{
	if (ret != -1 || errno != ENOMEM)
		return false;
	log_message(CONF_NOTICE, "the kernel refused the patched filter with ENOMEM "
		    "(the process's filters would exceed its instruction limit): "
		    "forwarding the original");
	return true;
}

SHIM_EXPORT int prctl(int option, ...);
SHIM_EXPORT long syscall(long number, ...);
SHIM_EXPORT int seccomp_load(void *ctx);
SHIM_EXPORT pid_t fork(void);

/* The hooks under hidden names (aliases defined after each): what
 * dlsym() answers is compared with these, not with the exported names,
 * whose addresses would be symbol look-ups in every process at load. */
SHIM_SELF(prctl);
SHIM_SELF(syscall);
SHIM_SELF(seccomp_load);
SHIM_SELF(fork);

/* The next definition of @name after this library, resolved once. */
STARTUP_FN
static any_fn get_real(any_fn *slot, const char *name, any_fn self)
{
	any_fn f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	union {
		void *obj;
		any_fn fn;
	} u;

	if (f)
		return f;
	u.obj = dlsym(RTLD_NEXT, name);
	f = u.fn == self ? NULL : u.fn;
	__atomic_store_n(slot, f, __ATOMIC_RELEASE);
	return f;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static bool lock(void)
{
	unsigned int i;

	for (i = 0; i < SHIM_LOCK_SPINS; i++) {
		if (!__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return false;
}

static void unlock(void)
{
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

/* The end of the user half of the address space, where it is fixed (a
 * 64-bit process with 47- or 48-bit user addresses; a filter mapped above
 * with 5-level paging is forwarded untouched). */
#if UINTPTR_MAX > 0xffffffffu
#if defined(__x86_64__)
#define SHIM_USER_END (1ull << 47)
#else
#define SHIM_USER_END (1ull << 48)
#endif
#else
#define SHIM_USER_END (1ull << 32)
#endif

/* @size bytes at @p the shim may read: not in the first page, not in the
 * kernel half or non-canonical (the kernel answers EFAULT for those). */
static bool plausible(const void *p, size_t size)
{
	uint64_t a = (uintptr_t)p;

	return a >= 4096 && a < SHIM_USER_END && SHIM_USER_END - a >= size;
}

/* ENOSTUB_MODE (patch, dry-run, off) overrides the mode, as `enostub run
 * --dry-run` asks; NULL in secure mode. */
STARTUP_FN
static void mode_from_env(const char *v)
{
	int mode;

	if (!v || !*v)
		return;
	mode = policy_pick(POLICY_NAMES(policy_mode_names), v);
	if (mode >= 0)
		conf.set.pol.mode = (uint8_t)mode;
	else
		snprintf(conf.error, sizeof(conf.error), "ENOSTUB_MODE: \"%.32s\" is "
			 "not one of patch, dry-run, off", v);
}

/* ENOSTUB_LOG follows the rule of log.target in the file (none, stderr,
 * syslog or an absolute path): anything else is a configuration error.
 * log_setup() applies a valid one; NULL in secure mode. */
STARTUP_FN
static void log_from_env(const char *v)
{
	const char *why;
	struct conf_settings s;

	if (!v || !*v || conf.error[0] || conf_log_target(v, &s, &why) == 0)
		return;
	snprintf(conf.error, sizeof(conf.error), "ENOSTUB_LOG: \"%.64s\": %s", v, why);
}

/* Secure mode: the caller's ENOSTUB_* must not reach a process that is
 * no longer in secure mode (a setuid wrapper that execs a helper after
 * setresuid), as ld.so removes its own unsafe variables. */
STARTUP_FN
static void drop_env(void)
{
	unsetenv("ENOSTUB_CONFIG");
	unsetenv("ENOSTUB_LOG");
	unsetenv("ENOSTUB_MODE");
}

/* In the child of fork(), or of a raw clone that made a new process: no
 * other thread is left to release the lock, and the pid changed. */
static void shim_forked(void)
{
	__atomic_store_n(&busy, 0, __ATOMIC_RELAXED);
	log_forked();
}

/* Set when a pthread_atfork handler runs shim_forked() (with a log). */
static bool atfork_handler STARTUP;

/* What only a log, a problem to report or translate needs; errno kept. */
static void configure_rest(bool secure, const char *env_log)
{
	int saved = errno;

	if (conf.error[0]) {
		/* say so where it can be seen; patch nothing */
		conf.set.target = CONF_LOG_STDERR;
		conf.set.level = CONF_INFO;
	}
	/* reads ENOSTUB_LOG now: programs such as crun replace their
	 * environment later */
	log_setup(&conf.set, secure, env_log, (log_sys_fn)real_syscall);
	/* the C library's own forks (daemon(), forkpty()) pass by the fork()
	 * hook: with a log, whose lines carry the pid, a handler sees them */
	if (log_active())
		atfork_handler = pthread_atfork(NULL, NULL, shim_forked) == 0;
	if (conf.note[0])
		log_message(CONF_NOTICE, conf.note);	/* the snapshot was not used */
	if (conf.set.pol.translate && !conf.error[0] &&
	    !trap_setup((trap_sys_fn)real_syscall))
		log_message(CONF_NOTICE, "translate: not available in this process "
			    "(x86_64 only): calls are not trapped");
	errno = saved;
}

/*
 * Read the configuration, once, from the constructor. Every process that
 * loads the library runs this: without a file it costs one lstat(), with
 * a fresh snapshot four calls (shim/config/load.c), and calls no C library
 * function but getauxval() (each first call is a symbol binding) and
 * leaves errno alone; the rest (a log, translate, parsing) is paid only by
 * the processes that use it.
 */
STARTUP_FN
static void shim_configure(void)
{
	bool secure = getauxval(AT_SECURE) != 0;
	const char *path, *env_log;

	if (__atomic_load_n(&configured, __ATOMIC_ACQUIRE))
		return;
	if (secure)
		drop_env();
	path = conf_path(secure);
	if (path)
		conf_load(&conf, secure, path);
	mode_from_env(conf_getenv("ENOSTUB_MODE", secure));
	env_log = conf_getenv("ENOSTUB_LOG", secure);
	log_from_env(env_log);
	if (conf.error[0] || conf.note[0] || conf.set.target != CONF_LOG_NONE ||
	    (env_log && env_log[0]) || conf.set.pol.translate)
		configure_rest(secure, env_log);
	__atomic_store_n(&configured, 1, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void shim_init(void)
{
	/* resolved now, so that no lookup runs once a filter is in place */
	get_real(&real_prctl, "prctl", (any_fn)self_prctl);
	get_real(&real_syscall, "syscall", (any_fn)self_syscall);
	get_real(&real_fork, "fork", (any_fn)self_fork);
	shim_configure();
}

/* glibc 2.35+: size of the rseq area registered at startup, 0 if none
 * (also 0 with GLIBC_TUNABLES=glibc.pthread.rseq=0, or when a filter in
 * place at exec refused it). Weak: older glibc has no rseq support. */
extern const unsigned int __rseq_size __attribute__((weak));

static bool rseq_registered(void)
{
	return &__rseq_size && __rseq_size > 0;
}

/* A filter left alone for an unusable configuration or mode off. */
static size_t ignored(const struct log_event *ev)
{
	if (conf.error[0])
		log_config_error(conf.error);
	else
		log_filter(ev);
	return 0;
}

/* Decide for one filter; the lock is held. Returns the patched length or 0. */
static size_t decide(const struct sock_fprog *prog, const char *via)
{
	struct log_event ev = { .via = via, .len = prog->len, .note = "mode off" };
	struct patch_opts opts;
	const struct arch_abi *const *abis;
	size_t nabis;

	if (conf.error[0] || conf.set.pol.mode == POLICY_OFF)
		return ignored(&ev);
	abis = arch_native(&nabis);
	policy_opts(&conf.set.pol, abis[0], rseq_registered(), &opts);
	trap_opts(&opts, prog->len);
	ev.opts = &opts;
	ev.rc = patch_filter(prog->filter, prog->len, abis, nabis, &opts, &work,
			     &ev.out_len);
	ev.rep = &work.rep;
	ev.dry_run = conf.set.pol.mode == POLICY_DRY_RUN;
	log_filter(&ev);
	if (ev.rc || ev.dry_run || !ev.out_len)
		return 0;
	trap_keep(&opts, &work.rep, work.in, prog->len);
	return ev.out_len;
}

/*
 * Fill @fp with the patched program when there is one. Returns true when
 * @fp now points into the static work area (the lock is then held).
 */
static bool shim_patch(const struct sock_fprog *prog, struct sock_fprog *fp,
		       const char *via)
{
	size_t out_len;

	if (!plausible(prog, sizeof(*prog)) ||
	    !plausible(prog->filter, prog->len * sizeof(*prog->filter)) ||
	    prog->len == 0 || prog->len > CBPF_MAX_INSNS)
		return false;	/* the kernel refuses it */
	if (!lock()) {
		log_blind();	/* forwarded unread */
		return false;
	}
	/* A filter installed by another library's constructor before ours
	 * ran: reading the configuration now would mean system calls in the
	 * install path (and under an earlier filter they may be fatal). */
	if (!__atomic_load_n(&configured, __ATOMIC_ACQUIRE)) {
		unlock();
		log_blind();
		return false;
	}
	out_len = decide(prog, in_seccomp_load ? "seccomp_load" : via);
	/* from now on the log makes only the calls this filter lets through */
	if (log_active() && cbpf_validate(prog->filter, prog->len) == 0)
		log_admit(prog->filter, prog->len, &work.analysis);
	if (out_len == 0) {
		unlock();
		return false;
	}
	fp->len = (unsigned short)out_len;
	fp->filter = work.out;
	return true;
}

SHIM_EXPORT int prctl(int option, ...)
{
	unsigned long a2, a3, a4, a5;
	struct sock_fprog fp;
	prctl_fn real = (prctl_fn)get_real(&real_prctl, "prctl", (any_fn)self_prctl);
	va_list ap;
	int ret;

	va_start(ap, option);
	a2 = va_arg(ap, unsigned long);
	a3 = va_arg(ap, unsigned long);
	a4 = va_arg(ap, unsigned long);
	a5 = va_arg(ap, unsigned long);
	va_end(ap);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	if (option != PR_SET_SECCOMP || a2 != SECCOMP_MODE_FILTER || forwarding ||
	    !shim_patch((const struct sock_fprog *)a3, &fp, "prctl"))
		return real(option, a2, a3, a4, a5);
	forwarding = 1;
	ret = real(option, a2, (unsigned long)&fp, a4, a5);
	if (retry_original(ret))
		ret = real(option, a2, a3, a4, a5);
	forwarding = 0;
	unlock();
	return ret;
}
SHIM_SELF_ALIAS(prctl);

/* Which argument of syscall() holds a filter program, or -1. */
static int filter_arg(long number, const long *a)
{
	if (number == SYS_seccomp && a[0] == SECCOMP_SET_MODE_FILTER)
		return 2;
	if (number == SYS_prctl && a[0] == PR_SET_SECCOMP &&
	    a[1] == SECCOMP_MODE_FILTER)
		return 2;
	return -1;
}

/*
 * Did syscall(@number, @a...) just return in the child of a new process?
 * Such a child (crun, for one, clones its container process this way)
 * does not pass by the fork() hook. CLONE_VM children share our memory:
 * nothing to reset there.
 */
static bool new_process(long number, const long *a, long ret)
{
	if (ret != 0)
		return false;
#ifdef SYS_fork
	if (number == SYS_fork)
		return true;
#endif
	if (number == SYS_clone)
		return !(a[0] & CLONE_VM);
#ifdef SYS_clone3
	if (number == SYS_clone3)
		return plausible((const void *)a[0], sizeof(uint64_t)) &&
		       !(*(const uint64_t *)a[0] & CLONE_VM);
#endif
	return false;
}

SHIM_EXPORT long syscall(long number, ...)
{
	long a[6], orig;
	struct sock_fprog fp;
	syscall_fn real = (syscall_fn)get_real(&real_syscall, "syscall", (any_fn)self_syscall);
	va_list ap;
	long ret;
	int i, which;

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	which = filter_arg(number, a);
	if (which < 0 || forwarding ||
	    !shim_patch((const struct sock_fprog *)a[which], &fp,
			number == SYS_seccomp ? "seccomp" : "prctl")) {
		ret = real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (new_process(number, a, ret))
			shim_forked();
		return ret;
	}
	orig = a[which];
	a[which] = (long)&fp;
	forwarding = 1;
	ret = real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (retry_original(ret)) {
		a[which] = orig;
		ret = real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	forwarding = 0;
	unlock();
	return ret;
}
SHIM_SELF_ALIAS(syscall);

/*
 * fork(): the child resets the lock another thread may have held (and the
 * log its pid). Interposed rather than a pthread_atfork handler, whose
 * registration cost every process that loads the library about 4 us of
 * its start (make bench).
 */
SHIM_EXPORT pid_t fork(void)
{
	fork_fn real = (fork_fn)get_real(&real_fork, "fork", (any_fn)self_fork);
	pid_t pid;

	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	pid = real();
	if (pid == 0 && !atfork_handler)
		shim_forked();
	return pid;
}
SHIM_SELF_ALIAS(fork);

/*
 * libseccomp builds the program and hands it to the kernel through prctl()
 * or syscall(), where it is patched; here we only note the context.
 */
SHIM_EXPORT int seccomp_load(void *ctx)
{
	seccomp_load_fn real = (seccomp_load_fn)get_real(&real_seccomp_load,
		"seccomp_load", (any_fn)self_seccomp_load);
	int ret;

	if (!real)
		return -ENOSYS;
	in_seccomp_load++;
	ret = real(ctx);
	in_seccomp_load--;
	return ret;
}
SHIM_SELF_ALIAS(seccomp_load);
