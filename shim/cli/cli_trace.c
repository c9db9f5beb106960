// SPDX-License-Identifier: MIT
/*
 * enostub run --trace: the tracer (see trace.h for the whole).
 *
 * The child installs trace_filter()'s program and waits until the tracer
 * has seized it (PTRACE_O_TRACESECCOMP, fork/vfork/clone/exec followed,
 * PTRACE_O_EXITKILL), then execs CMD. From then on the tracer only sees
 * filter installs, process creation and signals. An install stop goes:
 *
 *   seccomp stop ──▶ read sock_fprog and program ──▶ tpol_decide()
 *     untouched: PTRACE_CONT, the kernel gets the original pointer
 *     patched, scratch area there: write it, point args[2] at it,
 *       PTRACE_SYSCALL ──▶ exit stop: put args[2] back (on ENOMEM also
 *       re-run the call with the original), PTRACE_CONT
 *     patched, no scratch area yet: make the call an mmap, PTRACE_SYSCALL
 *       ──▶ exit stop: the mapping is the scratch area; every register
 *       back, the install re-run (it stops again, now with a scratch area)
 *
 * One install at a time uses a scratch area (from the write to the exit
 * stop): a stop that comes meanwhile waits, stopped, in a queue. The
 * injected mmap is made only when every filter this tree ever installed
 * lets it run (by emulation, with the call's exact seccomp_data), and the
 * filters enostub itself started under let the same mmap run in the tracer.
 *
 * A stop from a filter of the program's own (SECCOMP_RET_TRACE with
 * another data value) is answered as without a tracer: ENOSYS, not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace.h"
#include "trace_mem.h"
#include "trace_policy.h"

#if defined(__x86_64__) && !defined(__ILP32__)

#define TRACE_OPTIONS (PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
		       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD | \
		       PTRACE_O_EXITKILL)

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

/* What a task's next syscall-exit stop ends. */
enum wait_for { WAIT_NONE, WAIT_MMAP, WAIT_INSTALL };

struct task {
	pid_t tid;
	pid_t tgid;                     /* 0 until needed */
	uint8_t wait;                   /* enum wait_for */
	bool untouched_next;            /* forward its next install as it is */
	bool queued;                    /* stopped at an install, waiting its turn */
	unsigned long seq;              /* queue order */
	uint64_t arg;                   /* WAIT_INSTALL: args[2] to put back */
	struct trace_install in;        /* WAIT_MMAP: the interrupted install */
	struct user_regs_struct regs;   /* WAIT_MMAP: its registers */
};

/* The scratch area of one process (tgid), see trace_mem.h. */
struct scratch {
	pid_t tgid;
	uint64_t addr;
};

/* A program this tree handed to the kernel (for the mmap proof). */
struct known {
	size_t len;
	struct sock_filter *prog;
};

struct tracer {
	struct tpol pol;
	pid_t child;                    /* CMD */
	int status;                     /* CMD's wait status, once it ended */
	struct task *task;
	size_t ntask, ctask;
	struct scratch *scr;
	size_t nscr, cscr;
	struct known *known;
	size_t nknown, cknown;
	pid_t busy;                     /* the task using a scratch area, or 0 */
	unsigned long seq;
	bool outside_ok;                /* enostub's own filters allow the mmap */
};

static struct tracer tr;
static volatile sig_atomic_t child_pid;

/* ---- bookkeeping ------------------------------------------------------ */

/* Grow @*arr (of @*cap entries of @size bytes) to hold one more. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t c = *cap ? *cap * 2 : 16;

	if (n < *cap)
		return 0;
	p = realloc(*arr, c * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

/* The task @tid, added when @add and unknown. NULL if not found (or no memory). */
static struct task *task_of(pid_t tid, bool add)
{
	struct task *t;
	size_t i;

	for (i = 0; i < tr.ntask; i++) {
		if (tr.task[i].tid == tid)
			return &tr.task[i];
	}
	if (!add || grow((void **)&tr.task, &tr.ctask, tr.ntask, sizeof(*t)))
		return NULL;
	t = &tr.task[tr.ntask++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	return t;
}

static void task_drop(pid_t tid)
{
	struct task *t = task_of(tid, false);

	if (t)
		*t = tr.task[--tr.ntask];
}

/* The thread group of @tid (/proc/TID/status), 0 if it cannot be read. */
static pid_t tgid_of(pid_t tid)
{
	char path[64], line[128];
	int tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && sscanf(line, "Tgid: %d", &tgid) != 1)
		;
	fclose(f);
	return tgid;
}

static pid_t task_tgid(struct task *t)
{
	if (!t->tgid)
		t->tgid = tgid_of(t->tid);
	return t->tgid;
}

static struct scratch *scratch_of(pid_t tgid)
{
	size_t i;

	for (i = 0; i < tr.nscr; i++) {
		if (tr.scr[i].tgid == tgid)
			return &tr.scr[i];
	}
	return NULL;
}

/* Remember (@addr != 0) or forget the scratch area of @tgid. */
static void scratch_set(pid_t tgid, uint64_t addr)
{
	struct scratch *s = scratch_of(tgid);

	if (!addr) {
		if (s)
			*s = tr.scr[--tr.nscr];
		return;
	}
	if (!s) {
		if (grow((void **)&tr.scr, &tr.cscr, tr.nscr, sizeof(*s)))
			return;
		s = &tr.scr[tr.nscr++];
	}
	s->tgid = tgid;
	s->addr = addr;
}

/* Remember a program handed to the kernel (once per content). */
static void remember(const struct sock_filter *prog, size_t len)
{
	struct known *k;
	size_t i;

	if (cbpf_validate(prog, len) != 0)
		return;		/* the kernel refuses it: never in force */
	for (i = 0; i < tr.nknown; i++) {
		if (tr.known[i].len == len && !memcmp(tr.known[i].prog, prog, len * sizeof(*prog)))
			return;
	}
	if (grow((void **)&tr.known, &tr.cknown, tr.nknown, sizeof(*k)))
		return;
	k = &tr.known[tr.nknown];
	k->prog = malloc(len * sizeof(*prog));
	if (!k->prog)
		return;
	memcpy(k->prog, prog, len * sizeof(*prog));
	k->len = len;
	tr.nknown++;
}

/*
 * Does every filter that can be in force let the injected call run? Those
 * of the tree are among the programs it handed to the kernel (all of them
 * passed an install stop); those enostub started under let the same mmap
 * run in the tracer (tr.outside_ok).
 */
static bool mmap_proven(const struct seccomp_data *d)
{
	size_t i;

	if (!tr.outside_ok)
		return false;
	for (i = 0; i < tr.nknown; i++) {
		if (!analyze_runs_call(cbpf_run(tr.known[i].prog, tr.known[i].len, d)))
			return false;
	}
	return true;
}

/* ---- resuming --------------------------------------------------------- */

/* Let @t go on, with @sig; a task that waits for an exit stop gets it. */
static void resume(const struct task *t, int sig)
{
	ptrace(t->wait != WAIT_NONE ? PTRACE_SYSCALL : PTRACE_CONT, t->tid, 0, sig);
}

static void resume_tid(pid_t tid, int sig)
{
	struct task *t = task_of(tid, false);

	if (t)
		resume(t, sig);
	else
		ptrace(PTRACE_CONT, tid, 0, sig);
}

static int get_regs(pid_t tid, struct user_regs_struct *r)
{
	return ptrace(PTRACE_GETREGS, tid, 0, r) == 0 ? 0 : -errno;
}

static int set_regs(pid_t tid, const struct user_regs_struct *r)
{
	return ptrace(PTRACE_SETREGS, tid, 0, r) == 0 ? 0 : -errno;
}

static void run_queue(void);

/* The scratch area is free again. */
static void release(struct task *t)
{
	t->wait = WAIT_NONE;
	if (tr.busy == t->tid)
		tr.busy = 0;
}

/* ---- one install ------------------------------------------------------ */

/* Forward the install untouched, saying why at @level (NOTICE: a patch
 * the configuration asked for could not be made). */
static void untouched(struct task *t, const struct trace_install *in, size_t len,
		      int level, const char *why)
{
	static struct tpol_result r;

	tpol_untouched(&tr.pol, t->tid, in, len, why, &r);
	r.level = level;
	tpol_emit(&r);
	resume(t, 0);
}

/* A usable scratch area for @in in @t's address space, or 0. */
static uint64_t scratch_for(struct task *t, const struct trace_install *in)
{
	struct scratch *s = scratch_of(task_tgid(t));

	if (!s || !tmem_scratch_ok(t->tid, s->addr))
		return 0;
	if (in->compat && s->addr + TMEM_SCRATCH_SIZE > (1ull << 32))
		return 0;	/* a 32-bit call needs one below 4 GiB */
	return s->addr;
}

/*
 * Turn the stopped install into an mmap of a scratch area; the exit stop
 * (exit_mmap()) re-runs the install. Return: true if injected.
 */
static bool inject(struct task *t, const struct trace_install *in)
{
	struct user_regs_struct regs;
	struct seccomp_data d;

	if (get_regs(t->tid, &t->regs))
		return false;
	regs = t->regs;
	tmem_mmap_call(in, &regs, &d);
	if (!mmap_proven(&d) || set_regs(t->tid, &regs))
		return false;
	t->in = *in;
	t->wait = WAIT_MMAP;
	tr.busy = t->tid;
	resume(t, 0);
	return true;
}

/* Write the patched program and point the call at it. */
static int redirect(struct task *t, const struct trace_install *in, uint64_t addr,
		    const struct tpol_result *r)
{
	struct user_regs_struct regs;
	int rc = tmem_put_program(t->tid, in, addr, r->out, r->out_len);

	if (rc || (rc = get_regs(t->tid, &regs)))
		return rc;
	/* args[2] is rdx in both the 64-bit and the 32-bit convention */
	t->arg = regs.rdx;
	regs.rdx = addr + TMEM_FPROG_OFF;
	if ((rc = set_regs(t->tid, &regs)))
		return rc;
	t->wait = WAIT_INSTALL;
	tr.busy = t->tid;
	return 0;
}

/* Why a read failed: an address the kernel faults on too, or a process
 * this tracer may not read (not dumpable: PR_SET_DUMPABLE 0, a setuid
 * program; a tracer without CAP_SYS_PTRACE). */
static const char *unread(int rc, const char *what, int *level)
{
	*level = rc == -EFAULT ? CONF_INFO : CONF_NOTICE;
	if (rc == -EFAULT)
		return what;
	return "the tracer may not read this process's memory (not dumpable, or "
	       "privileged): run enostub as root to patch it";
}

/* The program of @in, read from the tracee into @prog. Return: its length,
 * 0 with *why and *level set when it cannot be read or the kernel refuses
 * it. */
static size_t read_program(struct task *t, const struct trace_install *in,
			   struct sock_filter *prog, const char **why, int *level)
{
	uint64_t filter;
	uint16_t len;
	int rc = tmem_fprog(t->tid, in, &len, &filter);

	if (rc) {
		*why = unread(rc, "its sock_fprog cannot be read: the kernel answers", level);
		return 0;
	}
	*level = CONF_INFO;
	if (len == 0 || len > CBPF_MAX_INSNS) {
		*why = "the kernel refuses its length";
		return 0;
	}
	rc = tmem_read(t->tid, filter, prog, len * sizeof(*prog));
	if (rc) {
		*why = unread(rc, "its program cannot be read: the kernel answers", level);
		return 0;
	}
	return len;
}

static void install(struct task *t, const struct trace_install *in)
{
	static struct sock_filter prog[CBPF_MAX_INSNS];
	static struct tpol_result r;
	const char *why = NULL;
	int rc, level = CONF_INFO;
	size_t len = read_program(t, in, prog, &why, &level);
	uint64_t addr;

	if (!len) {
		untouched(t, in, 0, level, why);
		return;
	}
	tpol_decide(&tr.pol, t->tid, in, prog, len, &r);
	if (!r.out_len) {
		remember(prog, len);
		tpol_emit(&r);
		resume(t, 0);
		return;
	}
	addr = scratch_for(t, in);
	if (!addr && inject(t, in))
		return;		/* decided again when the install is re-run */
	if (!addr) {
		remember(prog, len);
		untouched(t, in, len, CONF_NOTICE, "no scratch area in the tracee: an mmap there "
			  "is not proven allowed by every filter in force");
		return;
	}
	rc = redirect(t, in, addr, &r);
	if (rc) {
		remember(prog, len);
		untouched(t, in, len, CONF_NOTICE, rc == -EOVERFLOW ? "no scratch area below 4 GiB" :
			  "the scratch area cannot be written");
		return;
	}
	remember(r.out, r.out_len);
	tpol_emit(&r);
	resume(t, 0);
}

/* A filter of the program's own asked for a tracer: answer as if there
 * were none (the kernel's rule): ENOSYS, the call not run. */
static void foreign(struct task *t, const struct ptrace_syscall_info *si)
{
	struct user_regs_struct regs;

	tpol_note(&tr.pol, t->tid, CONF_INFO, "a filter of the program answered "
		  "SECCOMP_RET_TRACE (data %#x) for syscall %llu: ENOSYS, as without "
		  "a tracer", si->seccomp.ret_data, (unsigned long long)si->seccomp.nr);
	if (get_regs(t->tid, &regs) == 0) {
		regs.orig_rax = (unsigned long long)-1;
		regs.rax = (unsigned long long)-ENOSYS;
		set_regs(t->tid, &regs);
	}
	resume(t, 0);
}

static void on_seccomp(struct task *t)
{
	struct ptrace_syscall_info si;
	struct trace_install in;
	uint64_t args[6];
	size_t i;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(si), &si) <= 0 ||
	    si.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		resume(t, 0);
		return;
	}
	if (si.seccomp.ret_data != TRACE_MARK) {
		foreign(t, &si);
		return;
	}
	for (i = 0; i < 6; i++)
		args[i] = si.seccomp.args[i];
	if (trace_classify(si.arch, (uint32_t)si.seccomp.nr, args, &in) != 0) {
		resume(t, 0);
		return;
	}
	if (t->untouched_next) {
		/* the re-run after a failed mmap or an ENOMEM: as it is */
		t->untouched_next = false;
		resume(t, 0);
		return;
	}
	if (tr.busy && tr.busy != t->tid) {
		t->queued = true;
		t->seq = ++tr.seq;
		return;		/* stays stopped until run_queue() */
	}
	install(t, &in);
}

/* The oldest queued install, now that no install uses a scratch area. */
static void run_queue(void)
{
	struct task *next;
	size_t i;

	while (!tr.busy) {
		next = NULL;
		for (i = 0; i < tr.ntask; i++) {
			if (tr.task[i].queued && (!next || tr.task[i].seq < next->seq))
				next = &tr.task[i];
		}
		if (!next)
			return;
		next->queued = false;
		on_seccomp(next);
	}
}

/* The injected mmap returned: keep the area, re-run the install. */
static void exit_mmap(struct task *t, const struct ptrace_syscall_info *si)
{
	uint64_t addr = (uint64_t)si->exit.rval;
	int rc = si->exit.is_error ? (int)si->exit.rval : 0;

	if (!rc)
		rc = tmem_write(t->tid, addr, TMEM_MAGIC, sizeof(TMEM_MAGIC));
	if (!rc) {
		scratch_set(task_tgid(t), addr);
		tpol_note(&tr.pol, t->tid, CONF_INFO, "scratch area of %u bytes mapped "
			  "at %#llx (injected mmap; the install is re-run)",
			  TMEM_SCRATCH_SIZE, (unsigned long long)addr);
	} else {
		t->untouched_next = true;
		tpol_note(&tr.pol, t->tid, CONF_NOTICE, "filter forwarded untouched: no "
			  "scratch area (injected mmap: %s)", strerror(-rc));
	}
	tmem_rerun(&t->regs);
	set_regs(t->tid, &t->regs);
	release(t);
	resume(t, 0);
}

/* The install with the patched program returned: args[2] back. */
static void exit_install(struct task *t, const struct ptrace_syscall_info *si)
{
	struct user_regs_struct regs;

	if (get_regs(t->tid, &regs) == 0) {
		regs.rdx = t->arg;
		if (si->exit.is_error && si->exit.rval == -ENOMEM) {
			/* the stack of filters would exceed the kernel's limit,
			 * which the original may still fit, as the library does */
			tmem_rerun(&regs);
			t->untouched_next = true;
			tpol_note(&tr.pol, t->tid, CONF_NOTICE, "the kernel refused the "
				  "patched filter with ENOMEM (the process's filters would "
				  "exceed its instruction limit): forwarding the original");
		}
		set_regs(t->tid, &regs);
	}
	release(t);
	resume(t, 0);
}

static void on_syscall_stop(struct task *t)
{
	struct ptrace_syscall_info si;
	uint8_t wait = t->wait;

	if (wait == WAIT_NONE ||
	    ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(si), &si) <= 0 ||
	    si.op != PTRACE_SYSCALL_INFO_EXIT) {
		resume(t, 0);
		return;
	}
	if (wait == WAIT_MMAP)
		exit_mmap(t, &si);
	else
		exit_install(t, &si);
	run_queue();
}

/* ---- process events --------------------------------------------------- */

/* @parent made @child: a new process gets its parent's scratch area (the
 * same address: a private copy after fork, the same memory with CLONE_VM).
 * Whether a clone made a thread is read from /proc only when it matters. */
static void on_new_task(pid_t parent, int event)
{
	unsigned long msg = 0;
	struct task *t;
	struct scratch *s;
	pid_t child, ptgid, ctgid;
	uint64_t addr;

	if (ptrace(PTRACE_GETEVENTMSG, parent, 0, &msg) != 0 || !task_of((pid_t)msg, true))
		return;
	child = (pid_t)msg;
	t = task_of(parent, true);	/* may move the tasks: looked up last */
	if (!t)
		return;
	ptgid = task_tgid(t);
	s = scratch_of(ptgid);
	addr = s ? s->addr : 0;
	if (event == PTRACE_EVENT_CLONE && !addr)
		return;
	ctgid = event == PTRACE_EVENT_CLONE ? tgid_of(child) : child;
	task_of(child, false)->tgid = ctgid;
	if (ctgid && ctgid != ptgid)
		scratch_set(ctgid, addr);
}

/* @pid finished an execve: a new address space. The thread that called it
 * (now @pid) may have had another id; the old leader, if it was another
 * thread, is gone without a report. */
static void on_exec(pid_t pid)
{
	unsigned long former = 0;
	struct task *t;

	ptrace(PTRACE_GETEVENTMSG, pid, 0, &former);
	if (tr.busy == pid || tr.busy == (pid_t)former)
		tr.busy = 0;
	if ((pid_t)former != pid)
		task_drop((pid_t)former);
	t = task_of(pid, true);
	if (t) {
		memset(t, 0, sizeof(*t));
		t->tid = pid;
		t->tgid = pid;
	}
	scratch_set(pid, 0);
	run_queue();	/* the old leader may have held the scratch area */
}

/* @tid has ended. A thread group leader is reported when its whole group
 * has: the process's scratch area goes with it. */
static void on_gone(pid_t tid, int status)
{
	scratch_set(tid, 0);
	if (tr.busy == tid)
		tr.busy = 0;
	task_drop(tid);
	if (tid == tr.child)
		tr.status = status;
	run_queue();
}

static bool stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* One stop of a tracee. */
static void on_stop(pid_t pid, int status)
{
	const int event = status >> 16, sig = WSTOPSIG(status);
	struct task *t = task_of(pid, true);

	if (!t) {
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_seccomp(t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task(pid, event);
		resume_tid(pid, 0);
		return;
	case PTRACE_EVENT_EXEC:
		on_exec(pid);
		resume_tid(pid, 0);
		return;
	case PTRACE_EVENT_STOP:
		/* a group-stop stays one (PTRACE_LISTEN); else a new task's
		 * first stop */
		if (stop_signal(sig))
			ptrace(PTRACE_LISTEN, pid, 0, 0);
		else
			resume(t, 0);
		return;
	case 0:
		if (sig == (SIGTRAP | 0x80))
			on_syscall_stop(t);
		else
			resume(t, sig);	/* a signal for the tracee: deliver it */
		return;
	default:
		resume(t, 0);
	}
}

/* Follow every tracee until none is left. */
static void loop(void)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, __WALL);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return;		/* ECHILD: no tracee left */
		if (WIFEXITED(status) || WIFSIGNALED(status))
			on_gone(pid, status);
		else if (WIFSTOPPED(status))
			on_stop(pid, status);
	}
}

/* ---- the child, the start and the end --------------------------------- */

static long seccomp_filter(const struct sock_fprog *p)
{
	/* SPEC_ALLOW: this filter must not switch speculation mitigations on
	 * for the program (the program's own filters still do, as without
	 * enostub); kernels before 4.17 do not know the flag */
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_SPEC_ALLOW, p);

	if (rc < 0 && errno == EINVAL)
		rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, p);
	return rc;
}

/*
 * In the child: install the tracing filter (with no_new_privs only when
 * the kernel asks for it: without CAP_SYS_ADMIN), wait until the tracer has
 * seized this process (a byte on @go), exec CMD. Never returns.
 */
static void child_main(char *const argv[], int go)
{
	struct sock_filter f[TRACE_FILTER_MAX];
	struct sock_fprog prog = { (unsigned short)trace_filter(f, TRACE_FILTER_MAX), f };
	long rc = seccomp_filter(&prog);
	bool nnp = false;
	char c;
	int err;

	if (rc < 0 && errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
		rc = seccomp_filter(&prog);
		nnp = true;
	}
	if (rc < 0) {
		fprintf(stderr, "enostub: cannot install the tracing filter: %s\n",
			strerror(errno));
		_exit(1);
	}
	if (nnp)
		tpol_say(&tr.pol, "no_new_privs set (the tracing filter needs it without "
			 "CAP_SYS_ADMIN): setuid programs run without their privileges");
	if (read(go, &c, 1) != 1)
		_exit(1);	/* the tracer gave up */
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "enostub: %s: %s\n", argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* SIGTERM and SIGHUP sent to the tracer go to the command (the tracer
 * follows it to its end); SIGINT and SIGQUIT from the terminal reach the
 * command by themselves. */
static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static void tracer_signals(void)
{
	struct sigaction fw = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigaction(SIGTERM, &fw, NULL);
	sigaction(SIGHUP, &fw, NULL);
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigaction(SIGPIPE, &ign, NULL);	/* a closed log must not end the tracer */
}

/* Do the filters enostub itself runs under (if any) let the injected mmap
 * run? They are the tracees' oldest; try the same call here. */
static bool outside_allows_mmap(void)
{
	void *p;

	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0)
		return true;
	p = mmap(NULL, TMEM_SCRATCH_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	munmap(p, TMEM_SCRATCH_SIZE);
	return true;
}

/* Start CMD traced. Return: its pid, or -1 (after saying why; *status is
 * then the exit status to return). */
static pid_t start(char *const argv[], int *status)
{
	int go[2], err, st;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		fprintf(stderr, "enostub: cannot start %s: %s\n", argv[0], strerror(errno));
		*status = 1;
		return -1;
	}
	if (pid == 0) {
		close(go[1]);
		child_main(argv, go[0]);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, pid, 0, TRACE_OPTIONS) != 0) {
		err = errno;
		close(go[1]);
		waitpid(pid, &st, 0);
		if (err != ESRCH)
			fprintf(stderr, "enostub: cannot trace %s: PTRACE_SEIZE: %s (ptrace "
				"may be restricted: kernel.yama.ptrace_scope, a container "
				"without CAP_SYS_PTRACE, or enostub is traced itself)\n",
				argv[0], strerror(err));
		*status = WIFEXITED(st) && err == ESRCH ? WEXITSTATUS(st) : 1;
		return -1;
	}
	child_pid = pid;
	if (write(go[1], "x", 1) != 1) {
		/* the child reads end-of-file and exits with status 1 */
	}
	close(go[1]);
	return pid;
}

/* The exit status of the command's wait status; a signal that killed it
 * is raised again in the tracer where possible. */
static int exit_status(int st)
{
	const struct rlimit none = { 0, 0 };
	int sig;

	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (!WIFSIGNALED(st))
		return 1;
	sig = WTERMSIG(st);
	setrlimit(RLIMIT_CORE, &none);	/* the command dumped its core, if any */
	signal(sig, SIG_DFL);
	raise(sig);
	return 128 + sig;
}

int trace_run(const struct trace_opts *o, char *const argv[])
{
	int status = 1;

	tpol_init(&tr.pol, o);
	tr.outside_ok = outside_allows_mmap();
	tr.child = start(argv, &status);
	if (tr.child < 0)
		return status;
	tracer_signals();
	tpol_say(&tr.pol, "tracing %s (pid %d): filter installs are patched by this "
		 "process, at seccomp stops", argv[0], (int)tr.child);
	loop();
	return exit_status(tr.status);
}

#else /* not x86_64 */

int trace_run(const struct trace_opts *o, char *const argv[])
{
	(void)o;
	(void)argv;
	fprintf(stderr, "enostub: run --trace is implemented for x86_64 only\n");
	return 1;
}

#endif
