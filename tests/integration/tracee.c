// SPDX-License-Identifier: MIT
/*
 * tracee: a statically linked program (gcc -static) that installs seccomp
 * filters the ways a preload library cannot see, for `enostub run --trace`
 * (test_run_trace). It prints what happened as "name=RESULT" lines (RESULT:
 * "ok", a number, or an errno name).
 *
 *   tracee [-n] STEP...
 *   load steps:   prctl:FILTER        glibc's prctl() (inside this binary)
 *                 asm[+FLAGS]:FILTER  seccomp(2) by an inline syscall instruction
 *                 i386:FILTER         seccomp(2) by int $0x80 (32-bit sock_fprog,
 *                                     everything below 4 GiB)
 *                 x32:FILTER          seccomp(2) with the x32 bit
 *                 FLAGS: tsync, listener, log (comma separated)
 *   FILTER:       a .bpf file, or builtin:unsure (denies unknown numbers, but
 *                 uses the number in arithmetic: the analysis cannot prove it)
 *                 | builtin:foreign (TRACE for getppid, ALLOW for the rest)
 *                 | builtin:kill-mmap (KILL_PROCESS for mmap and mmap2, ALLOW
 *                 for the rest: an injected mmap would end this process)
 *   bad loads:    bad:jump bad:null bad:fault bad:empty (the kernel refuses)
 *   probes:       clone3 (raw) i386-clone3 (int $0x80) pthread getppid
 *                 rseq (did glibc register rseq?)
 *   full stack:   stackedge:FILTER  fill the filter stack with ALLOW filters
 *                                   until FILTER just fits (the kernel's
 *                                   32768 instructions), then install it (asm)
 *   threads:      threads:N:FILTER  N threads each install FILTER (asm) on
 *                                   themselves, then probe clone3 there
 *                 tsync:FILTER      a thread waits; the main thread installs
 *                                   FILTER with TSYNC; the thread probes clone3
 *   processes:    forkexec:FILTER   a child installs FILTER (prctl) and execs
 *                                   this program with the remaining steps; the
 *                                   parent prints "child=exit N"
 *                 fork              the steps after it run in a child (this
 *                                   process's filters and scratch inherited);
 *                                   the parent prints "child=exit N"
 *                 ptrace            a child asks to be traced (PTRACE_TRACEME)
 *                 hold              print "ready", wait for a byte on stdin
 *                 nodump            prctl(PR_SET_DUMPABLE, 0), as sshd and
 *                                   browsers do
 *   scratch area: scratch:count      how many mappings look like enostub's
 *                                    (36 KiB, r--p, anonymous, its magic first)
 *                 scratch:unmap      unmap them
 *                 scratch:replace    put a mapping of this program's own there
 *                                    (36 KiB, r--p, all 'Z'); the step
 *                                    scratch:intact later says if it still is
 *   -n            do not set no_new_privs first
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "say.h"

#define MAX_INSNS 4096
#define X32_BIT 0x40000000L
#define I386_SECCOMP 354
#define I386_CLONE3 435

static void result(const char *name, long ret)
{
	if (ret < 0)
		say("%s=%s\n", name, strerrorname_np((int)-ret));
	else
		say("%s=ok\n", name);
}

/* A filter: @len instructions in memory below 4 GiB (for the 32-bit ABIs). */
struct filter {
	struct sock_filter *insn;
	unsigned short len;
};

static void builtin(const char *name, struct filter *f)
{
	static const struct sock_filter unsure[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),   /* the number, changed */
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 336, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	static const struct sock_filter foreign[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x1234),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	static const struct sock_filter kill_mmap[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 192 /* i386 mmap2 */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_filter *p = !strcmp(name, "unsure") ? unsure :
				      !strcmp(name, "foreign") ? foreign : kill_mmap;
	size_t n = p == unsure ? sizeof(unsure) : p == foreign ? sizeof(foreign) :
		   sizeof(kill_mmap);

	memcpy(f->insn, p, n);
	f->len = (unsigned short)(n / sizeof(*p));
}

/* Every filter is read before the first step runs (load_all()), so a
 * step under builtin:kill-mmap needs no memory. */
#define MAX_FILTERS 16

static struct {
	const char *spec;
	struct filter f;
} cache[MAX_FILTERS];

static void read_filter(const char *spec, struct filter *f)
{
	ssize_t n;
	int fd;

	f->insn = mmap(NULL, MAX_INSNS * sizeof(*f->insn) + 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (f->insn == MAP_FAILED)
		_exit(91);
	if (strncmp(spec, "builtin:", 8) == 0) {
		builtin(spec + 8, f);
		return;
	}
	fd = open(spec, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, f->insn, MAX_INSNS * sizeof(*f->insn));
	if (n <= 0 || n % 8) {
		say("error=read %s\n", spec);
		_exit(91);
	}
	close(fd);
	f->len = (unsigned short)(n / 8);
}

static void load_filter(const char *spec, struct filter *f)
{
	size_t i;

	for (i = 0; i < MAX_FILTERS && cache[i].spec; i++) {
		if (strcmp(cache[i].spec, spec) == 0) {
			*f = cache[i].f;
			return;
		}
	}
	if (i == MAX_FILTERS)
		_exit(91);
	cache[i].spec = spec;
	read_filter(spec, &cache[i].f);
	*f = cache[i].f;
}

/* The FILTER of every load step, read now. */
static void load_all(int argc, char **argv)
{
	struct filter f;
	const char *p;
	int i;

	for (i = 1; i < argc; i++) {
		p = strchr(argv[i], ':');
		if (!p || !strncmp(argv[i], "bad:", 4) || !strncmp(argv[i], "scratch:", 8))
			continue;
		if (!strncmp(argv[i], "threads:", 8))
			p = strchr(p + 1, ':');
		if (p)
			load_filter(p + 1, &f);
	}
}

/* The kernel keeps every register but rax (and rcx, r11 for syscall):
 * so must a tracer. Says "regs=changed" if one did not come back. */
static void same_regs(unsigned long a, unsigned long b, unsigned long c,
		      unsigned long a2, unsigned long b2, unsigned long c2)
{
	if (a != a2 || b != b2 || c != c2)
		say("regs=changed\n");
}

/* seccomp(SECCOMP_SET_MODE_FILTER, flags, prog) by an inline syscall
 * instruction: no libc function a preload library could interpose. */
static long asm_seccomp(long nr, unsigned long flags, const void *prog)
{
	unsigned long a = SECCOMP_SET_MODE_FILTER, b = flags, c = (uintptr_t)prog;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(a), "+S"(b), "+d"(c)
			 : "a"(nr)
			 : "rcx", "r11", "memory");
	same_regs(SECCOMP_SET_MODE_FILTER, flags, (uintptr_t)prog, a, b, c);
	return ret;
}

/* A call of the i386 ABI from this 64-bit process. */
static long int80(long nr, unsigned long a, unsigned long b, unsigned long c)
{
	unsigned long a2 = a, b2 = b, c2 = c;
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret), "+b"(a2), "+c"(b2), "+d"(c2)
			 : "a"(nr)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	same_regs(a, b, c, a2, b2, c2);
	return ret;
}

static unsigned long parse_flags(const char *s)
{
	unsigned long flags = 0;

	if (strstr(s, "tsync"))
		flags |= SECCOMP_FILTER_FLAG_TSYNC;
	if (strstr(s, "listener"))
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	if (strstr(s, "log"))
		flags |= SECCOMP_FILTER_FLAG_LOG;
	return flags;
}

/* A 32-bit sock_fprog (len, pad, pointer) right after the program. */
static void *fprog32(const struct filter *f)
{
	uint32_t *p = (uint32_t *)(f->insn + MAX_INSNS);

	p[0] = f->len;
	p[1] = (uint32_t)(uintptr_t)f->insn;
	return p;
}

/* A listener fd: is it one? */
static void listener(long fd)
{
	char path[64], target[128] = "";

	snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
	if (readlink(path, target, sizeof(target) - 1) < 0)
		strcpy(target, "?");
	say("listener=%s\n", target);
}

static long install(const char *step)
{
	const char *colon = strchr(step, ':');
	struct filter f;
	struct sock_fprog prog;
	unsigned long flags;
	long ret;

	load_filter(colon + 1, &f);
	prog.len = f.len;
	prog.filter = f.insn;
	flags = parse_flags(step);
	if (strncmp(step, "prctl:", 6) == 0)
		ret = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0 ? -errno : 0;
	else if (strncmp(step, "i386:", 5) == 0)
		ret = int80(I386_SECCOMP, SECCOMP_SET_MODE_FILTER, 0,
			    (unsigned long)(uintptr_t)fprog32(&f));
	else if (strncmp(step, "x32:", 4) == 0)
		ret = asm_seccomp(X32_BIT | SYS_seccomp, 0, fprog32(&f));
	else
		ret = asm_seccomp(SYS_seccomp, flags, &prog);
	if (ret > 0 && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		listener(ret);
	return ret;
}

/* The kernel refuses these: the answer must be the kernel's. */
static void bad(const char *what)
{
	static struct sock_filter jump[] = {
		BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 2, jump };
	const void *arg = &prog;

	if (strcmp(what, "null") == 0)
		arg = NULL;
	else if (strcmp(what, "fault") == 0)
		prog.filter = (struct sock_filter *)8;
	else if (strcmp(what, "empty") == 0)
		prog.len = 0;
	result(what, asm_seccomp(SYS_seccomp, 0, arg));
}

static long clone3_probe(void)
{
	return syscall(SYS_clone3, NULL, 0) < 0 ? -errno : 0;
}

static void *thread_fn(void *arg)
{
	(void)arg;
	return NULL;
}

static void pthread_probe(void)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, thread_fn, NULL);

	if (!err)
		pthread_join(t, NULL);
	result("pthread", -err);
}

/* ---- a full filter stack --------------------------------------------- */

/* An ALLOW filter of @len instructions (loads, then the return). */
static long allow_filter(unsigned short len)
{
	static struct sock_filter f[MAX_INSNS];
	struct sock_fprog prog = { len, f };
	size_t i;

	for (i = 0; i + 1 < len; i++)
		f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	f[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return asm_seccomp(SYS_seccomp, 0, &prog);
}

/* Does an ALLOW filter of @len instructions still fit, and then @f (if
 * not NULL)? Tried in a child, which inherits the stack. */
static bool fits(unsigned short len, const struct sock_fprog *f)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(allow_filter(len) == 0 && (!f || asm_seccomp(SYS_seccomp, 0, f) == 0) ?
		      0 : 1);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

/* The longest ALLOW filter after which @f still fits, 0 if none. */
static unsigned short room(const struct sock_fprog *f)
{
	unsigned short lo = 0, hi = MAX_INSNS, mid;

	while (lo < hi) {
		mid = (unsigned short)((lo + hi + 1) / 2);
		if (fits(mid, f))
			lo = mid;
		else
			hi = (unsigned short)(mid - 1);
	}
	return lo;
}

/* Fill the stack so that FILTER just fits, then install it. The kernel
 * counts the instructions of the programs it made of each filter (not
 * the classic ones), so the last ALLOW filter is found by trying. */
static void stackedge(const char *spec)
{
	struct filter f;
	struct sock_fprog prog;
	unsigned short r;

	load_filter(spec, &f);
	prog.len = f.len;
	prog.filter = f.insn;
	while (room(NULL) == MAX_INSNS)
		allow_filter(MAX_INSNS);
	r = room(&prog);
	if (r == 0 || allow_filter(r) != 0) {
		say("stackedge=error\n");
		return;
	}
	result("load", asm_seccomp(SYS_seccomp, 0, &prog));
}

/* threads:N:FILTER: each thread installs on itself, then probes. */
struct job {
	const char *spec;
	long load, clone3;
	pthread_barrier_t *go;
};

static void *install_thread(void *arg)
{
	struct job *j = arg;
	char step[512];

	snprintf(step, sizeof(step), "asm:%s", j->spec);
	pthread_barrier_wait(j->go);
	j->load = install(step);
	j->clone3 = clone3_probe();
	return NULL;
}

static void threads(const char *step)
{
	char *end;
	long n = strtol(step + 8, &end, 10), i;
	struct job job[16];
	pthread_t t[16];
	pthread_barrier_t go;

	if (n < 1 || n > 16 || *end != ':')
		_exit(92);
	pthread_barrier_init(&go, NULL, (unsigned)n);
	for (i = 0; i < n; i++) {
		job[i] = (struct job){ end + 1, -1, -1, &go };
		if (pthread_create(&t[i], NULL, install_thread, &job[i]))
			_exit(93);
	}
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		result("thread-load", job[i].load);
		result("thread-clone3", job[i].clone3);
	}
}

/* tsync:FILTER: a thread started before the install probes after it. */
static pthread_barrier_t tsync_go;
static long tsync_seen;

static void *tsync_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&tsync_go);	/* started */
	pthread_barrier_wait(&tsync_go);	/* installed */
	tsync_seen = clone3_probe();
	return NULL;
}

static void tsync(const char *step)
{
	char spec[512];
	pthread_t t;

	pthread_barrier_init(&tsync_go, NULL, 2);
	if (pthread_create(&t, NULL, tsync_thread, NULL))
		_exit(93);
	pthread_barrier_wait(&tsync_go);
	snprintf(spec, sizeof(spec), "asm+tsync:%s", step + 6);
	result("load", install(spec));
	pthread_barrier_wait(&tsync_go);
	pthread_join(t, NULL);
	result("other-thread-clone3", tsync_seen);
}

static void wait_child(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		say("child=error\n");
	else if (WIFEXITED(st))
		say("child=exit %d\n", WEXITSTATUS(st));
	else
		say("child=signal %d\n", WTERMSIG(st));
}

/* forkexec:FILTER STEPS...: the child installs, then execs the rest. */
static void forkexec(const char *step, char **rest)
{
	char spec[512];
	pid_t pid = fork();

	if (pid == 0) {
		snprintf(spec, sizeof(spec), "prctl:%s", step + 9);
		result("child-load", install(spec));
		rest[-1] = "/proc/self/exe";
		execv("/proc/self/exe", rest - 1);
		_exit(127);
	}
	wait_child(pid);
}

static void ptrace_probe(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0 ? 0 : errno);
	wait_child(pid);
}

static void hold(void)
{
	char c;

	say("ready pid=%d\n", (int)getpid());
	if (read(STDIN_FILENO, &c, 1) < 0)
		_exit(94);
}

/* ---- what enostub's scratch area looks like from inside --------------- */

#define SCRATCH_SIZE (9 * 4096)
#define SCRATCH_MAGIC "enostub-scratch"

static uintptr_t replaced;

/* Call @fn on every mapping that is, by all signs, enostub's scratch area. */
static int each_scratch(void (*fn)(uintptr_t))
{
	char line[512], perm[8];
	unsigned long lo, hi, ino;
	uintptr_t found[16];
	int n = 0, i;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		_exit(97);
	while (n < 16 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s %*x %*x:%*x %lu", &lo, &hi, perm, &ino) == 4 &&
		    hi - lo == SCRATCH_SIZE && !strcmp(perm, "r--p") && ino == 0 &&
		    !memcmp((void *)lo, SCRATCH_MAGIC, sizeof(SCRATCH_MAGIC)))
			found[n++] = lo;
	}
	fclose(f);
	for (i = 0; fn && i < n; i++)
		fn(found[i]);
	return n;
}

static void unmap(uintptr_t a)
{
	munmap((void *)a, SCRATCH_SIZE);
}

static void replace(uintptr_t a)
{
	char *p = mmap((void *)a, SCRATCH_SIZE, PROT_READ | PROT_WRITE,
		       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(98);
	memset(p, 'Z', SCRATCH_SIZE);
	mprotect(p, SCRATCH_SIZE, PROT_READ);
	replaced = a;
}

static void scratch(const char *what)
{
	const char *p = (const char *)replaced;
	size_t i;

	if (strcmp(what, "count") == 0) {
		say("scratch=%d\n", each_scratch(NULL));
	} else if (strcmp(what, "unmap") == 0) {
		say("unmapped=%d\n", each_scratch(unmap));
	} else if (strcmp(what, "replace") == 0) {
		say("replaced=%d\n", each_scratch(replace));
	} else if (strcmp(what, "intact") == 0) {
		for (i = 0; p && i < SCRATCH_SIZE && p[i] == 'Z'; i++)
			;
		say("intact=%s\n", p && i == SCRATCH_SIZE ? "yes" : "no");
	}
}

extern const unsigned int __rseq_size __attribute__((weak));

static bool probe(const char *s)
{
	if (strcmp(s, "clone3") == 0)
		result("clone3", clone3_probe());
	else if (strcmp(s, "i386-clone3") == 0)
		result("i386-clone3", int80(I386_CLONE3, 0, 0, 0));
	else if (strcmp(s, "pthread") == 0)
		pthread_probe();
	else if (strcmp(s, "getppid") == 0)
		result("getppid", syscall(SYS_getppid) < 0 ? -errno : 0);
	else if (strcmp(s, "rseq") == 0)
		say("rseq=%s\n", &__rseq_size && __rseq_size ? "registered" : "none");
	else if (strcmp(s, "ptrace") == 0)
		ptrace_probe();
	else if (strcmp(s, "hold") == 0)
		hold();
	else if (strcmp(s, "nodump") == 0)
		result("nodump", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ? -errno : 0);
	else if (strncmp(s, "scratch:", 8) == 0)
		scratch(s + 8);
	else
		return false;
	return true;
}

int main(int argc, char **argv)
{
	int i = 1;
	pid_t pid;

	load_all(argc, argv);
	if (argc > 1 && strcmp(argv[1], "-n") == 0)
		i++;
	else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 95;
	for (; i < argc; i++) {
		const char *s = argv[i];

		if (probe(s))
			continue;
		if (strncmp(s, "bad:", 4) == 0)
			bad(s + 4);
		else if (strncmp(s, "threads:", 8) == 0)
			threads(s);
		else if (strncmp(s, "tsync:", 6) == 0)
			tsync(s);
		else if (strncmp(s, "stackedge:", 10) == 0)
			stackedge(s + 10);
		else if (strncmp(s, "forkexec:", 9) == 0) {
			forkexec(s, argv + i + 1);
			break;
		} else if (strcmp(s, "fork") == 0) {
			pid = fork();
			if (pid != 0) {
				wait_child(pid);
				break;
			}
		} else if (strchr(s, ':'))
			result("load", install(s));
		else {
			say("error=unknown step %s\n", s);
			return 96;
		}
	}
	say("done=ok\n");
	return 0;
}
