// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "trap.h"
#include "core/translate.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define SHIM_EXPORT __attribute__((visibility("default")))

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1   /* si_code of a seccomp trap (asm-generic/siginfo.h) */
#endif

SHIM_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *oact);
SHIM_EXPORT sighandler_t signal(int sig, sighandler_t handler);

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

/* The originals of the filters that trap, one slot each (the low byte of
 * the trap data); written under the shim's lock before the filter is
 * forwarded, read by the handler. Static: a process that never traps
 * never touches it. */
#define TRAP_SLOTS 256
#define TRAP_POOL (16 * 1024)   /* instructions, for all of them */

static struct {
	uint32_t off, len;
} slots[TRAP_SLOTS];
static struct sock_filter pool[TRAP_POOL];
static uint32_t nslots, pool_used;

static bool active;
static trap_sys_fn sys;
static sigaction_fn real_sigaction;
static const struct arch_abi *own;
static uint64_t libc_lo, libc_hi;       /* the C library's code, inclusive */
/* The program's SIGSYS disposition, which enostub's handler stands for. */
static struct sigaction prog_act;

static sigaction_fn get_sigaction(void)
{
	sigaction_fn f = __atomic_load_n(&real_sigaction, __ATOMIC_ACQUIRE);
	union {
		void *obj;
		sigaction_fn fn;
	} u;

	if (f)
		return f;
	u.obj = dlsym(RTLD_NEXT, "sigaction");
	f = u.fn == sigaction ? NULL : u.fn;
	__atomic_store_n(&real_sigaction, f, __ATOMIC_RELEASE);
	return f;
}

#if defined(__x86_64__)
/* A raw call through the real syscall(): the result, or -errno. */
static long raw(long nr, const uint64_t *a)
{
	long r = sys(nr, a[0], a[1], a[2], a[3], a[4], a[5]);

	return r == -1 ? -errno : r;
}

/*
 * Die as the kernel kills: make the trapped call again. SIGSYS is blocked
 * in the handler, so the filter's trap (or the original's kill) cannot be
 * delivered to it: the kernel resets SIGSYS to its default and the process
 * dies by SIGSYS, with a core dump where the kernel makes one.
 */
static void die(const siginfo_t *si, const uint64_t *a, greg_t *g)
{
	g[REG_RAX] = raw(si->si_syscall, a);
	g[REG_RAX] = -ENOSYS;	/* not reached */
}

/* The program's handler, as the kernel would have called it. */
static void call_program(int sig, siginfo_t *si, void *uc)
{
	struct sigaction act = prog_act;

	if (act.sa_flags & SA_RESETHAND) {
		prog_act.sa_handler = SIG_DFL;
		prog_act.sa_flags &= ~(SA_SIGINFO | SA_RESETHAND);
	}
	if (act.sa_flags & SA_SIGINFO)
		act.sa_sigaction(sig, si, uc);
	else
		act.sa_handler(sig);
}

static bool program_handles(void)
{
	return prog_act.sa_handler != SIG_DFL && prog_act.sa_handler != SIG_IGN;
}

/* A SIGSYS that is not enostub's: what it would have done without it. */
static void pass_on(int sig, siginfo_t *si, void *uc, const uint64_t *a, greg_t *g)
{
	if (program_handles()) {
		call_program(sig, si, uc);
	} else if (si->si_code == SYS_SECCOMP) {
		die(si, a, g);		/* a trap with no handler kills */
	} else if (prog_act.sa_handler == SIG_DFL) {
		/* sent by someone: the default action, once we return */
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		get_sigaction()(SIGSYS, &dfl, NULL);
		sys(SYS_tgkill, getpid(), gettid(), SIGSYS);
	}
}

static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	uint64_t a[6] = { (uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI], (uint64_t)g[REG_RDX],
			  (uint64_t)g[REG_R10], (uint64_t)g[REG_R8], (uint64_t)g[REG_R9] };
	unsigned int data = (unsigned int)si->si_errno & SECCOMP_RET_DATA;
	uint32_t slot = data & 0xff, orig;
	struct seccomp_data d = { .nr = si->si_syscall, .arch = si->si_arch,
				  .instruction_pointer = (uintptr_t)si->si_call_addr };
	const struct sock_filter *p;
	struct translate_call c;
	struct timespec t0, t1;
	int saved = errno;
	bool classic;
	long r;

	memcpy(d.args, a, sizeof(a));
	if (si->si_code != SYS_SECCOMP || (data & TRANSLATE_DATA_MASK) != TRANSLATE_DATA_TAG ||
	    slot >= __atomic_load_n(&nslots, __ATOMIC_ACQUIRE) || d.arch != own->audit) {
		pass_on(sig, si, ucv, a, g);
		errno = saved;
		return;
	}
	p = pool + slots[slot].off;
	classic = translate_decide(p, slots[slot].len, own, &d, &c, &orig);
	if (!translate_kills(orig)) {
		pass_on(sig, si, ucv, a, g);	/* the program's own trap */
	} else if ((orig & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRAP && program_handles()) {
		/* a program that traps calls itself keeps its own signals:
		 * its handler, the original's data, no translation */
		siginfo_t again = *si;

		again.si_errno = (int)(orig & SECCOMP_RET_DATA);
		call_program(sig, &again, ucv);
	} else if (classic) {
		if (c.rule->kind == TR_POLL)
			clock_gettime(CLOCK_MONOTONIC, &t0);
		r = raw(c.nr, c.args);
		if (c.rule->kind == TR_POLL) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			t1.tv_sec -= t0.tv_sec + (t1.tv_nsec < t0.tv_nsec);
			t1.tv_nsec += t1.tv_nsec < t0.tv_nsec ? 1000000000 - t0.tv_nsec :
				      -t0.tv_nsec;
		}
		g[REG_RAX] = translate_finish(&c, a, r, &t1);
	} else {
		die(si, a, g);		/* killed, or trapped with no handler */
	}
	errno = saved;
}

/* The C library's code: where its system call wrappers are. */
static int find_libc(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t at = (uintptr_t)arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && at >= lo &&
		    at < lo + ph->p_memsz) {
			libc_lo = lo;
			libc_hi = lo + ph->p_memsz - 1;
			return 1;
		}
	}
	return 0;
}

bool trap_setup(trap_sys_fn s)
{
	struct sigaction ours;
	size_t n;
	union {
		trap_sys_fn fn;
		void *obj;
	} at = { s };

	sys = s;
	if (!s || !get_sigaction() || !dl_iterate_phdr(find_libc, at.obj))
		return false;
	if (libc_lo >> 32 != libc_hi >> 32)
		libc_lo = libc_hi = 0;	/* crosses a 4 GiB line: from anywhere */
	memset(&ours, 0, sizeof(ours));
	ours.sa_sigaction = on_sigsys;
	ours.sa_flags = SA_SIGINFO;
	sigemptyset(&ours.sa_mask);
	if (get_sigaction()(SIGSYS, &ours, &prog_act))
		return false;
	own = arch_native(&n)[0];
	__atomic_store_n(&active, true, __ATOMIC_RELEASE);
	return true;
}
#else
bool trap_setup(trap_sys_fn s)
{
	(void)s;
	return false;
}
#endif

void trap_opts(struct patch_opts *o, size_t len)
{
	if (!o->translate_abi || !__atomic_load_n(&active, __ATOMIC_ACQUIRE) ||
	    o->translate_abi != own || nslots >= TRAP_SLOTS || pool_used + len > TRAP_POOL) {
		o->translate_abi = NULL;
		return;
	}
	o->trap_data = (uint16_t)(TRANSLATE_DATA_TAG | nslots);
	o->ip_lo = libc_lo;
	o->ip_hi = libc_hi;
}

void trap_keep(const struct patch_opts *o, const struct patch_report *rep,
	       const struct sock_filter *prog, size_t len)
{
	uint32_t slot = o->trap_data & 0xff;

	if (!o->translate_abi || !rep->ntranslated || slot != nslots ||
	    pool_used + len > TRAP_POOL)
		return;
	memcpy(pool + pool_used, prog, len * sizeof(*prog));
	slots[slot].off = pool_used;
	slots[slot].len = (uint32_t)len;
	pool_used += (uint32_t)len;
	__atomic_store_n(&nslots, slot + 1, __ATOMIC_RELEASE);
}

/*
 * sigaction() and signal() for SIGSYS, once enostub's handler stands in:
 * the program's disposition is kept here (its mask and SA_ONSTACK /
 * SA_RESTART mirrored into the kernel's registration), reported back, and
 * used for every SIGSYS that is not enostub's. Every other call passes.
 */
/* The program sets its SIGSYS disposition while enostub's handler stands in. */
static int set_program_act(sigaction_fn real, const struct sigaction *act,
			   struct sigaction *oact)
{
	struct sigaction ours;

	if (oact)
		*oact = prog_act;
	if (!act)
		return 0;
	if (real(SIGSYS, NULL, &ours))
		return -1;
	ours.sa_mask = act->sa_mask;
	ours.sa_flags = SA_SIGINFO | (act->sa_flags & (SA_ONSTACK | SA_RESTART));
	if (real(SIGSYS, &ours, NULL))
		return -1;
	prog_act = *act;
	return 0;
}

SHIM_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	sigaction_fn real = get_sigaction();

	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	if (sig != SIGSYS || !__atomic_load_n(&active, __ATOMIC_ACQUIRE))
		return real(sig, act, oact);
	return set_program_act(real, act, oact);
}

typedef sighandler_t (*signal_fn)(int, sighandler_t);
static signal_fn real_signal;

SHIM_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act, old;
	union {
		void *obj;
		signal_fn fn;
	} u;

	if (sig != SIGSYS || !__atomic_load_n(&active, __ATOMIC_ACQUIRE)) {
		if (!__atomic_load_n(&real_signal, __ATOMIC_ACQUIRE)) {
			u.obj = dlsym(RTLD_NEXT, "signal");
			__atomic_store_n(&real_signal, u.fn == signal ? NULL : u.fn,
					 __ATOMIC_RELEASE);
		}
		if (!real_signal) {
			errno = ENOSYS;
			return SIG_ERR;
		}
		return real_signal(sig, handler);
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = handler;
	act.sa_flags = SA_RESTART;	/* glibc's BSD semantics */
	sigemptyset(&act.sa_mask);
	sigaddset(&act.sa_mask, sig);
	if (set_program_act(get_sigaction(), &act, &old))
		return SIG_ERR;
	return old.sa_handler;
}
