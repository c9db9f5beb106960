// SPDX-License-Identifier: MIT
/*
 * The house rule, traced: "between the moment a program asks to install a
 * filter and the moment the shim forwards that call, the shim makes no
 * system call of its own (unless logging is on) and allocates nothing;
 * after the filter is installed it does nothing at all."
 *
 * The helper (see test_kernel.c) runs under ptrace (PTRACE_TRACEME,
 * PTRACE_O_TRACESYSGOOD, PTRACE_SYSCALL stops), once without and once with
 * LD_PRELOAD=libenostub.so. Its "mark" step makes it call getppid() right
 * before its install request. The tracer records every system call (the
 * number from orig_rax, the arguments, the return value) and, from the
 * marker on, counts calls into the C library's allocator with int3
 * breakpoints on malloc, calloc, realloc, free and the aligned variants.
 * For each load path (prctl, syscall(SYS_prctl), syscall(SYS_seccomp),
 * libseccomp's seccomp_load) it asserts, comparing the two runs:
 *   - marker .. install call: the same system calls, the same number of
 *     allocator calls;
 *   - after the install call until exit: the same system calls, the same
 *     number of allocator calls;
 *   - the program the install call hands to the kernel (read from the
 *     tracee with process_vm_readv): with the shim it is longer and ends
 *     with the helper's program byte for byte, so the shim did act.
 *
 * The promised exception: with logging on, each log line costs the
 * target's calls (to stderr: rt_sigprocmask, rt_sigpending, write,
 * rt_sigprocmask; a file adds openat, statx and close), all before the
 * forwarded call, and no getpid(). The log tests see exactly these, right
 * before the install call, and nothing else (so this test can fail), and
 * nothing after the install.
 *
 * Only x86_64 (its registers and int3); elsewhere every test is skipped.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runner.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DOCKER_2019 CORPUS_DIR "/docker-default-v19.03.0.bpf"

/*
 * One way to install a filter, as helper steps after "mark". Where the
 * shim's one-time dlsym(RTLD_NEXT) of each real function happens:
 *   prctl        prctl() before the marker (no_new_privs); syscall() at the
 *                close_range probe, under the new filter, in the tail
 *   SYS_prctl    both before the marker (libseccomp builds builtin:old and
 *                probes the kernel through syscall())
 *   SYS_seccomp  syscall() at the install request, in the window
 *   seccomp_load seccomp_load() in the window
 */
struct path {
	const char *name, *steps;
};

static const struct path prctl_path = {
	"prctl", "prctl:" DOCKER_2019 " close_range"
};
static const struct path sysprctl_path = {
	"syscall(SYS_prctl)", "sysprctl:builtin:old close_range"
};
static const struct path seccomp_path = {
	"syscall(SYS_seccomp)", "seccomp+tsync:" DOCKER_2019 " close_range"
};
static const struct path libseccomp_path = {
	"seccomp_load", "libseccomp:old close_range"
};

#ifdef __x86_64__

#define MAX_CALLS 4096
#define MAX_INSNS 4096
#define MAX_BREAKS 16
#define TEXT_MAX 64
#define INT3 0xcc

/* One system call of the tracee. */
struct call {
	long nr;
	unsigned long arg[6];
	long ret;
	char text[TEXT_MAX];	/* write(): the buffer; openat(): the path */
};

/* Phases of a run: allocator calls are counted in WINDOW and AFTER. */
enum phase { BEFORE, WINDOW, AFTER };

struct trace {
	struct call call[MAX_CALLS];
	size_t n;
	long mark, install;		/* indices into call, -1 if none */
	int marks, installs;		/* how many: in the run, from the marker */
	struct sock_filter prog[MAX_INSNS];	/* what the install call passed */
	long prog_len;
	unsigned long allocs[3];	/* allocator calls per phase */
	struct run r;
};

/* int3 breakpoints in the tracee's C library. */
struct breaks {
	unsigned long addr[MAX_BREAKS];
	unsigned char orig[MAX_BREAKS];
	size_t n;
};

static const char *const alloc_names[] = {
	"malloc", "calloc", "realloc", "reallocarray", "free",
	"aligned_alloc", "memalign", "posix_memalign", "valloc", "pvalloc",
};

static const char *const names[] = {
	[SYS_read] = "read", [SYS_write] = "write", [SYS_close] = "close",
	[SYS_mmap] = "mmap", [SYS_munmap] = "munmap", [SYS_brk] = "brk",
	[SYS_mprotect] = "mprotect", [SYS_access] = "access",
	[SYS_getpid] = "getpid", [SYS_getppid] = "getppid",
	[SYS_socket] = "socket", [SYS_sendto] = "sendto",
	[SYS_prctl] = "prctl", [SYS_seccomp] = "seccomp",
	[SYS_openat] = "openat", [SYS_newfstatat] = "newfstatat",
	[SYS_futex] = "futex", [SYS_close_range] = "close_range",
	[SYS_rt_sigprocmask] = "rt_sigprocmask", [SYS_rt_sigpending] = "rt_sigpending",
	[SYS_statx] = "statx",
	[SYS_exit_group] = "exit_group",
};

static char *const env_plain[] = { "PATH=/usr/bin:/bin", NULL };
static char *const env_shim[] = {
	"PATH=/usr/bin:/bin", "LD_PRELOAD=" SHIM_PATH, NULL,
};
static char *const env_log[] = {
	"PATH=/usr/bin:/bin", "LD_PRELOAD=" SHIM_PATH, "ENOSTUB_LOG=stderr", NULL,
};

static struct trace plain, shim, logged;

/* ---- the tracer --------------------------------------------------------- */

/* Read @len bytes at @addr in @pid; returns how many could be read. */
static size_t peek(pid_t pid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)addr, len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	return n > 0 ? (size_t)n : 0;
}

static void set_byte(pid_t pid, unsigned long addr, unsigned char b)
{
	long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, pid, addr, 0);
	assert_int_equal(errno, 0);
	word = (long)(((unsigned long)word & ~0xfful) | b);
	assert_int_equal(ptrace(PTRACE_POKETEXT, pid, addr, word), 0);
}

/* Where the C library starts in @pid (its mapping at file offset 0). */
static unsigned long libc_in(pid_t pid, const char *libc_path)
{
	char maps[64], line[PATH_MAX + 128], file[PATH_MAX];
	unsigned long start, off, found = 0;
	FILE *fp;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	fp = fopen(maps, "r");
	assert_non_null(fp);
	while (!found && fgets(line, sizeof(line), fp))
		if (sscanf(line, "%lx-%*x %*s %lx %*s %*s %4095s", &start, &off, file) == 3 &&
		    off == 0 && strcmp(file, libc_path) == 0)
			found = start;
	fclose(fp);
	assert_true(found != 0);
	return found;
}

/* Breakpoints on every allocator entry point of the tracee's C library,
 * which is the file ours is: same offsets from its start. */
static void set_breaks(pid_t pid, struct breaks *b)
{
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	char path[PATH_MAX];
	unsigned long base;
	Dl_info info;
	size_t i, j;

	assert_non_null(libc);
	assert_true(dladdr(dlsym(libc, "malloc"), &info) != 0);
	assert_non_null(realpath(info.dli_fname, path));
	base = libc_in(pid, path);
	for (i = 0; i < N(alloc_names); i++) {
		unsigned long a = (unsigned long)dlsym(libc, alloc_names[i]);

		assert_true(a != 0);
		a = a - (unsigned long)info.dli_fbase + base;
		for (j = 0; j < b->n && b->addr[j] != a; j++)
			;
		if (j < b->n)
			continue;	/* an alias */
		errno = 0;
		b->orig[b->n] = (unsigned char)ptrace(PTRACE_PEEKTEXT, pid, a, 0);
		assert_int_equal(errno, 0);
		b->addr[b->n++] = a;
		set_byte(pid, a, INT3);
	}
	dlclose(libc);
}

/* A SIGTRAP stop: if one of our breakpoints was hit, run the original
 * instruction, put the breakpoint back and return true. */
static bool step_over(pid_t pid, const struct breaks *b)
{
	struct user_regs_struct regs;
	size_t i;
	int st;

	assert_int_equal(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
	for (i = 0; i < b->n && b->addr[i] != regs.rip - 1; i++)
		;
	if (i == b->n)
		return false;
	set_byte(pid, b->addr[i], b->orig[i]);
	regs.rip--;
	assert_int_equal(ptrace(PTRACE_SETREGS, pid, 0, &regs), 0);
	assert_int_equal(ptrace(PTRACE_SINGLESTEP, pid, 0, 0), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP);
	set_byte(pid, b->addr[i], INT3);
	return true;
}

static bool is_install(const struct call *c)
{
	return (c->nr == SYS_prctl && c->arg[0] == PR_SET_SECCOMP &&
		c->arg[1] == SECCOMP_MODE_FILTER) ||
	       (c->nr == SYS_seccomp && c->arg[0] == SECCOMP_SET_MODE_FILTER);
}

/* The program the install call @c passes, from the tracee's memory. */
static void read_prog(pid_t pid, const struct call *c, struct trace *t)
{
	struct sock_fprog fp;

	assert_int_equal(peek(pid, c->arg[2], &fp, sizeof(fp)), sizeof(fp));
	assert_true(fp.len > 0 && fp.len <= MAX_INSNS);
	t->prog_len = fp.len;
	assert_int_equal(peek(pid, (unsigned long)fp.filter, t->prog,
			      fp.len * sizeof(t->prog[0])),
			 fp.len * sizeof(t->prog[0]));
}

/* A syscall-entry stop: record the call; at the marker, set breakpoints. */
static void on_entry(pid_t pid, struct trace *t, struct breaks *b, enum phase *ph)
{
	struct user_regs_struct regs;
	struct call *c;

	assert_true(t->n < MAX_CALLS);
	assert_int_equal(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
	c = &t->call[t->n];
	memset(c, 0, sizeof(*c));
	c->nr = (long)regs.orig_rax;
	c->arg[0] = regs.rdi;
	c->arg[1] = regs.rsi;
	c->arg[2] = regs.rdx;
	c->arg[3] = regs.r10;
	c->arg[4] = regs.r8;
	c->arg[5] = regs.r9;
	if (c->nr == SYS_write)
		peek(pid, c->arg[1], c->text, c->arg[2] < TEXT_MAX ? c->arg[2] : TEXT_MAX - 1);
	if (c->nr == SYS_openat)
		peek(pid, c->arg[1], c->text, TEXT_MAX - 1);
	if (c->nr == SYS_getppid && t->marks++ == 0) {
		t->mark = (long)t->n;
		set_breaks(pid, b);
		*ph = WINDOW;
	}
	/* before the marker libseccomp probes the kernel with
	 * seccomp(SET_MODE_FILTER, flags, NULL): not an install request */
	if (is_install(c) && t->mark >= 0 && t->installs++ == 0) {
		t->install = (long)t->n;
		read_prog(pid, c, t);
	}
	t->n++;
}

static void on_exit_stop(pid_t pid, struct trace *t, enum phase *ph)
{
	struct user_regs_struct regs;

	assert_int_equal(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
	assert_true(t->n > 0);
	t->call[t->n - 1].ret = (long)regs.rax;
	if ((long)t->n - 1 == t->install)
		*ph = AFTER;
}

/* Start the helper with @steps under ptrace, stopped after its execve. */
static pid_t start_traced(const char *steps, char *const envp[], int *out_fd)
{
	char buf[512], *argv[12] = { HELPER_PATH, "mark" };
	int out[2], st;
	pid_t pid;

	split_steps(buf, sizeof(buf), steps, argv, 2, 12);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0)
			execve(HELPER_PATH, argv, envp);
		_exit(127);
	}
	close(out[1]);
	*out_fd = out[0];
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP);
	assert_int_equal(ptrace(PTRACE_SETOPTIONS, pid, 0,
				PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL), 0);
	return pid;
}

/* Run "helper mark @steps" with @envp under ptrace, recording into @t. */
static void trace_helper(struct trace *t, const char *steps, char *const envp[])
{
	struct breaks b = { .n = 0 };
	enum phase ph = BEFORE;
	bool in_call = false;
	int fd, st, sig = 0;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	t->mark = t->install = -1;
	pid = start_traced(steps, envp, &fd);
	for (;;) {
		assert_int_equal(ptrace(PTRACE_SYSCALL, pid, 0, sig), 0);
		sig = 0;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			in_call = !in_call;
			if (in_call)
				on_entry(pid, t, &b, &ph);
			else
				on_exit_stop(pid, t, &ph);
		} else if (WSTOPSIG(st) == SIGTRAP && step_over(pid, &b)) {
			t->allocs[ph]++;
		} else {
			sig = WSTOPSIG(st);	/* a signal of its own */
		}
	}
	t->r.status = st;
	strcpy(t->r.out, "\n");
	collect(fd, &t->r, NULL);
	close(fd);
	assert_exited_ok(&t->r);
	assert_int_equal(t->marks, 1);		/* the marker is distinctive */
	assert_int_equal(t->installs, 1);	/* one install request */
	assert_true(t->mark >= 0 && t->install > t->mark);
}

/* ---- comparing runs ----------------------------------------------------- */

static const char *name_of(long nr)
{
	static char num[24];

	if (nr >= 0 && (size_t)nr < N(names) && names[nr])
		return names[nr];
	snprintf(num, sizeof(num), "nr%ld", nr);
	return num;
}

/* "getppid prctl | write close_range write write exit_group" */
static void print_calls(const char *label, const struct trace *t)
{
	size_t i;

	printf("    %-8s", label);
	for (i = (size_t)t->mark; i < t->n; i++)
		printf(" %s%s", name_of(t->call[i].nr), (long)i == t->install ? " |" : "");
	printf("   (allocator calls: %lu from the marker to the install, %lu after)\n",
	       t->allocs[WINDOW], t->allocs[AFTER]);
}

/* Calls @a[ia..ia+n) and @b[ib..ib+n) have the same numbers. */
static bool same_calls(const struct trace *a, size_t ia, const struct trace *b,
		       size_t ib, size_t n)
{
	size_t i;

	if (ia + n > a->n || ib + n > b->n)
		return false;
	for (i = 0; i < n; i++)
		if (a->call[ia + i].nr != b->call[ib + i].nr)
			return false;
	return true;
}

static size_t window_len(const struct trace *t)
{
	return (size_t)(t->install - t->mark) + 1;
}

static size_t tail_len(const struct trace *t)
{
	return t->n - (size_t)t->install - 1;
}

/* From the marker to the install call: the same calls, the same
 * allocator activity. */
static bool same_window(const struct trace *a, const struct trace *b)
{
	return window_len(a) == window_len(b) &&
	       same_calls(a, (size_t)a->mark, b, (size_t)b->mark, window_len(a)) &&
	       a->allocs[WINDOW] == b->allocs[WINDOW];
}

/* The install calls: same arguments but the program pointer (arg 2), same
 * result. */
static bool same_install(const struct trace *a, const struct trace *b)
{
	const struct call *x = &a->call[a->install], *y = &b->call[b->install];

	return x->nr == y->nr && x->arg[0] == y->arg[0] && x->arg[1] == y->arg[1] &&
	       x->arg[3] == y->arg[3] && x->arg[4] == y->arg[4] && x->ret == y->ret;
}

/* From the install call's return to exit: the same calls, the same
 * allocator activity. */
static bool same_tail(const struct trace *a, const struct trace *b)
{
	return tail_len(a) == tail_len(b) &&
	       same_calls(a, (size_t)a->install + 1, b, (size_t)b->install + 1, tail_len(a)) &&
	       a->allocs[AFTER] == b->allocs[AFTER];
}

/* @more's window is @base's with @extra inserted right before the install
 * call, and allocates no more. */
static void assert_window_plus(const struct trace *base, const struct trace *more,
			       const long *extra, size_t nextra)
{
	size_t pre = window_len(base) - 1, i;

	assert_int_equal(window_len(more), window_len(base) + nextra);
	assert_true(same_calls(base, (size_t)base->mark, more, (size_t)more->mark, pre));
	for (i = 0; i < nextra; i++)
		assert_int_equal(more->call[(size_t)more->mark + pre + i].nr, extra[i]);
	assert_int_equal(more->allocs[WINDOW], base->allocs[WINDOW]);
}

/* The shim's program is longer and ends with the original, byte for byte. */
static void assert_patched(const struct trace *orig, const struct trace *patched)
{
	long stub = patched->prog_len - orig->prog_len;

	assert_true(stub > 0);
	assert_memory_equal(patched->prog + stub, orig->prog,
			    (size_t)orig->prog_len * sizeof(orig->prog[0]));
}

/* The same program reached the kernel. */
static void assert_untouched(const struct trace *orig, const struct trace *t)
{
	assert_int_equal(t->prog_len, orig->prog_len);
	assert_memory_equal(t->prog, orig->prog,
			    (size_t)orig->prog_len * sizeof(orig->prog[0]));
}

/* ---- the tests ---------------------------------------------------------- */

static void show(const char *what, const char *steps)
{
	printf("  %s: helper mark %s\n", what, steps);
	print_calls("without", &plain);
}

/* Without logging: nothing differs but the program handed to the kernel. */
static void check_path(const struct path *p)
{
	trace_helper(&plain, p->steps, env_plain);
	trace_helper(&shim, p->steps, env_shim);
	show(p->name, p->steps);
	print_calls("shim", &shim);
	printf("    program: %ld instructions, %ld through the shim\n",
	       plain.prog_len, shim.prog_len);
	assert_true(has(&plain.r, "close_range=EPERM"));
	assert_true(has(&shim.r, "close_range=ENOSYS"));
	assert_patched(&plain, &shim);
	assert_true(same_window(&plain, &shim));
	assert_true(same_install(&plain, &shim));
	assert_true(same_tail(&plain, &shim));
}

static void test_prctl(void **state)
{
	(void)state;
	check_path(&prctl_path);
}

static void test_syscall_prctl(void **state)
{
	(void)state;
	check_path(&sysprctl_path);
}

static void test_syscall_seccomp(void **state)
{
	(void)state;
	check_path(&seccomp_path);
}

static void test_seccomp_load(void **state)
{
	(void)state;
	check_path(&libseccomp_path);
	/* libseccomp generates the program there: the breakpoints count */
	assert_true(plain.allocs[WINDOW] > 0);
}

/* A filter that needs no stub: the same calls and the same program. */
static void test_untouched(void **state)
{
	static const char steps[] = "prctl:builtin:allow close_range";

	(void)state;
	trace_helper(&plain, steps, env_plain);
	trace_helper(&shim, steps, env_shim);
	show("allow-by-default, untouched", steps);
	print_calls("shim", &shim);
	assert_true(has(&shim.r, "close_range=ok"));
	assert_untouched(&plain, &shim);
	assert_true(same_window(&plain, &shim));
	assert_true(same_install(&plain, &shim));
	assert_true(same_tail(&plain, &shim));
}

/* The exception: ENOSTUB_LOG=stderr costs write(2, line) with SIGPIPE,
 * SIGXFSZ and SIGTTOU blocked right before the forwarded call, and nothing
 * after it. */
static void check_log_stderr(const struct path *p)
{
	static const long extra[] = {
		SYS_rt_sigprocmask, SYS_rt_sigpending, SYS_write, SYS_rt_sigprocmask,
	};
	const struct call *w;

	trace_helper(&plain, p->steps, env_plain);
	trace_helper(&logged, p->steps, env_log);
	show(p->name, p->steps);
	print_calls("log", &logged);
	assert_patched(&plain, &logged);
	assert_false(same_window(&plain, &logged));	/* the check sees it */
	assert_window_plus(&plain, &logged, extra, N(extra));
	w = &logged.call[logged.install - 2];
	assert_int_equal(w->arg[0], STDERR_FILENO);
	assert_int_equal(strncmp(w->text, "enostub: helper[", 16), 0);
	assert_true(same_install(&plain, &logged));
	assert_true(same_tail(&plain, &logged));
}

static void test_log_stderr(void **state)
{
	(void)state;
	check_log_stderr(&prctl_path);
	check_log_stderr(&sysprctl_path);
	check_log_stderr(&seccomp_path);
	check_log_stderr(&libseccomp_path);
}

/* ---- logging configured in a file, level info --------------------------- */

static char dir[] = "/tmp/enostub-trace-XXXXXX";
static char conf_path[128], conf_env[160], log_path[128];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/enostub.conf", dir);
	snprintf(conf_env, sizeof(conf_env), "ENOSTUB_CONFIG=%s", conf_path);
	snprintf(log_path, sizeof(log_path), "%s/enostub.log", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(conf_path);
	unlink(log_path);
	return rmdir(dir);
}

static void write_conf(const char *level)
{
	FILE *fp = fopen(conf_path, "w");

	assert_non_null(fp);
	fprintf(fp, "log = { target = \"%s\"; level = \"%s\"; };\n", log_path, level);
	assert_int_equal(fclose(fp), 0);
}

static void assert_log_has(const char *text)
{
	char buf[4096] = "";
	int fd = open(log_path, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	if (!strstr(buf, text))
		fail_msg("missing \"%s\" in %s:\n%s", text, log_path, buf);
}

/* A file target at level info logs a filter left untouched: openat(the
 * file), statx(), the write as to stderr, close(), before the forwarded
 * call. At level notice the same filter is not logged, and costs nothing. */
static void test_log_file_info(void **state)
{
	static const char steps[] = "prctl:builtin:allow close_range";
	static const long extra[] = {
		SYS_openat, SYS_statx, SYS_rt_sigprocmask, SYS_rt_sigpending,
		SYS_write, SYS_rt_sigprocmask, SYS_close,
	};
	char *const env_conf[] = {
		"PATH=/usr/bin:/bin", "LD_PRELOAD=" SHIM_PATH, conf_env, NULL,
	};
	const struct call *o;
	char line[128];

	(void)state;
	trace_helper(&plain, steps, env_plain);
	write_conf("info");
	trace_helper(&logged, steps, env_conf);
	show("log to a file, level info", steps);
	print_calls("log", &logged);
	assert_untouched(&plain, &logged);
	assert_false(same_window(&plain, &logged));
	assert_window_plus(&plain, &logged, extra, N(extra));
	o = &logged.call[logged.install - 7];
	assert_string_equal(o->text, log_path);
	assert_true(o->ret >= 0);
	assert_int_equal(logged.call[logged.install - 6].arg[0], o->ret);
	assert_int_equal(logged.call[logged.install - 3].arg[0], o->ret);
	assert_int_equal(logged.call[logged.install - 1].arg[0], o->ret);
	assert_true(same_install(&plain, &logged));
	assert_true(same_tail(&plain, &logged));
	snprintf(line, sizeof(line), "prctl filter of %ld instructions: forwarded untouched",
		 plain.prog_len);
	assert_log_has(line);
	assert_int_equal(unlink(log_path), 0);

	write_conf("notice");
	trace_helper(&shim, steps, env_conf);
	print_calls("notice", &shim);
	assert_untouched(&plain, &shim);
	assert_true(same_window(&plain, &shim));
	assert_true(same_install(&plain, &shim));
	assert_true(same_tail(&plain, &shim));
	assert_int_equal(access(log_path, F_OK), -1);
}

#else /* !__x86_64__ */

static int setup(void **state)
{
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return 0;
}

/* The tracer reads x86_64 registers and plants int3 breakpoints. */
static void not_here(void **state)
{
	(void)state;
	(void)prctl_path;
	(void)sysprctl_path;
	(void)seccomp_path;
	(void)libseccomp_path;
	skip();
}

#define test_prctl not_here
#define test_syscall_prctl not_here
#define test_syscall_seccomp not_here
#define test_seccomp_load not_here
#define test_untouched not_here
#define test_log_stderr not_here
#define test_log_file_info not_here

#endif /* __x86_64__ */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prctl),
		cmocka_unit_test(test_syscall_prctl),
		cmocka_unit_test(test_syscall_seccomp),
		cmocka_unit_test(test_seccomp_load),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_log_stderr),
		cmocka_unit_test(test_log_file_info),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	return cmocka_run_group_tests_name("trace", tests, setup, teardown);
}
