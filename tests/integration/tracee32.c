// SPDX-License-Identifier: MIT
/*
 * tracee32: a 32-bit x86 program without a C library (cc -m32 -nostdlib
 * -static -ffreestanding, built by test_run_trace), for the tracer's i386
 * path in a real 32-bit process: it installs FILTER with seccomp(2) through
 * the vDSO's __kernel_vsyscall (sysenter on Intel, syscall on AMD: the
 * tracer's re-run must find int $0x80 two bytes back), then probes clone3.
 *
 *   tracee32 FILTER       prints vsyscall=yes|no, load=..., clone3=...,
 *                         regs=changed if the call did not give ebx, ecx,
 *                         edx back, done=ok
 */
#define NR_EXIT_GROUP 252
#define NR_READ 3
#define NR_WRITE 4
#define NR_OPEN 5
#define NR_CLOSE 6
#define NR_PRCTL 172
#define NR_SECCOMP 354
#define NR_CLONE3 435
#define PR_SET_NO_NEW_PRIVS 38
#define SECCOMP_SET_MODE_FILTER 1
#define AT_SYSINFO 32
#define MAX_INSNS 4096

struct fprog32 {
	unsigned short len;
	void *filter;
};

static unsigned long long prog[MAX_INSNS];
static unsigned long vsyscall;

void start_c(unsigned long *sp) __attribute__((used));

__asm__(".globl _start\n"
	"_start:\n"
	"	mov %esp, %eax\n"
	"	push %eax\n"
	"	call start_c\n"
	"	hlt\n");

static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c),
			 "S"(0), "D"(0) : "memory");
	return ret;
}

/* Through the vDSO when there is one; reports a register that changed. */
static long vsys(long nr, long a, long b, long c, int *changed)
{
	long ret, a2 = a, b2 = b, c2 = c;

	if (!vsyscall)
		return int80(nr, a, b, c);
	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+b"(a2), "+c"(b2), "+d"(c2)
			 : "0"(nr), [entry] "D"(vsyscall)
			 : "memory", "cc");
	*changed |= a2 != a || b2 != b || c2 != c;
	return ret;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void out(const char *s)
{
	int80(NR_WRITE, 1, (long)s, (long)len(s));
}

/* "name=ok", or the errno's name */
static void result(const char *name, long ret)
{
	out(name);
	out(ret >= 0 ? "=ok\n" : ret == -1 ? "=EPERM\n" : ret == -38 ? "=ENOSYS\n" :
	    ret == -22 ? "=EINVAL\n" : ret == -14 ? "=EFAULT\n" : "=other\n");
}

void start_c(unsigned long *sp)
{
	char **argv = (char **)(sp + 1), **p = argv;
	struct fprog32 fp;
	unsigned long *aux;
	int changed = 0;
	long fd, n;

	while (*p)
		p++;				/* argv */
	for (p++; *p; p++)
		;				/* envp */
	for (aux = (unsigned long *)(p + 1); aux[0]; aux += 2) {
		if (aux[0] == AT_SYSINFO)
			vsyscall = aux[1];
	}
	out(vsyscall ? "vsyscall=yes\n" : "vsyscall=no\n");
	fd = argv[1] ? int80(NR_OPEN, (long)argv[1], 0, 0) : -1;
	n = fd < 0 ? -1 : int80(NR_READ, fd, (long)prog, sizeof(prog));
	if (n <= 0 || n % 8 || int80(NR_PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0) != 0) {
		out("error=setup\n");
		int80(NR_EXIT_GROUP, 1, 0, 0);
	}
	int80(NR_CLOSE, fd, 0, 0);
	fp.len = (unsigned short)(n / 8);
	fp.filter = prog;
	result("load", vsys(NR_SECCOMP, SECCOMP_SET_MODE_FILTER, 0, (long)&fp, &changed));
	result("clone3", vsys(NR_CLONE3, 0, 0, 0, &changed));
	if (changed)
		out("regs=changed\n");
	out("done=ok\n");
	int80(NR_EXIT_GROUP, 0, 0, 0);
}
