// SPDX-License-Identifier: MIT
/*
 * trace_mem: registers and memory of a stopped tracee (see trace_mem.h).
 */
#define _GNU_SOURCE
#include "trace_mem.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/systab.h"

#if defined(__x86_64__) && !defined(__ILP32__)

/* The 32-bit struct sock_fprog (compat_sock_fprog): len, pad, pointer. */
#define FPROG32_SIZE 8u
#define FPROG64_SIZE 16u

int tmem_read(pid_t tid, uint64_t addr, void *buf, size_t n)
{
	struct iovec local = { buf, n }, remote = { (void *)(uintptr_t)addr, n };
	ssize_t r = process_vm_readv(tid, &local, 1, &remote, 1, 0);

	if (r < 0 && errno != EFAULT)
		return -errno;	/* EPERM: not dumpable to this tracer */
	return r == (ssize_t)n ? 0 : -EFAULT;
}

int tmem_write(pid_t tid, uint64_t addr, const void *buf, size_t n)
{
	char path[64];
	ssize_t w;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)tid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = pwrite(fd, buf, n, (off_t)addr);
	if (w < 0)
		rc = -errno;
	else if ((size_t)w != n)
		rc = -EIO;
	close(fd);
	return rc;
}

int tmem_fprog(pid_t tid, const struct trace_install *in, uint16_t *len,
	       uint64_t *filter)
{
	unsigned char b[FPROG64_SIZE];
	uint32_t p32;
	size_t n = in->compat ? FPROG32_SIZE : FPROG64_SIZE;

	int rc = tmem_read(tid, in->fprog, b, n);

	if (rc)
		return rc;
	memcpy(len, b, sizeof(*len));
	if (in->compat) {
		memcpy(&p32, b + 4, sizeof(p32));
		*filter = p32;
	} else {
		memcpy(filter, b + 8, sizeof(*filter));
	}
	return 0;
}

int tmem_put_program(pid_t tid, const struct trace_install *in, uint64_t scratch,
		     const struct sock_filter *prog, size_t len)
{
	static unsigned char buf[TMEM_SCRATCH_SIZE];
	uint64_t at = scratch + TMEM_PROG_OFF;
	uint16_t l = (uint16_t)len;
	uint32_t p32 = (uint32_t)at;
	size_t head = TMEM_PROG_OFF - TMEM_FPROG_OFF;

	if (len > CBPF_MAX_INSNS || head + len * sizeof(*prog) > sizeof(buf))
		return -E2BIG;
	if (in->compat && scratch + TMEM_SCRATCH_SIZE > (1ull << 32))
		return -EOVERFLOW;
	memset(buf, 0, head);
	memcpy(buf, &l, sizeof(l));
	if (in->compat)
		memcpy(buf + 4, &p32, sizeof(p32));
	else
		memcpy(buf + 8, &at, sizeof(at));
	memcpy(buf + head, prog, len * sizeof(*prog));
	return tmem_write(tid, scratch + TMEM_FPROG_OFF, buf, head + len * sizeof(*prog));
}

/* Does /proc/TID/maps hold exactly [addr, addr + size) as an anonymous,
 * private, read-only mapping? */
static bool mapped_exactly(pid_t tid, uint64_t addr, uint64_t size)
{
	char path[64], line[512], perm[8];
	uint64_t lo, hi, offset, inode;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*x:%*x %" SCNu64,
			   &lo, &hi, perm, &offset, &inode) != 5 || lo != addr)
			continue;
		found = hi == addr + size && strcmp(perm, "r--p") == 0 && inode == 0;
		break;
	}
	fclose(f);
	return found;
}

bool tmem_scratch_ok(pid_t tid, uint64_t addr)
{
	char magic[sizeof(TMEM_MAGIC)];

	return addr && mapped_exactly(tid, addr, TMEM_SCRATCH_SIZE) &&
	       tmem_read(tid, addr, magic, sizeof(magic)) == 0 &&
	       memcmp(magic, TMEM_MAGIC, sizeof(magic)) == 0;
}

void tmem_mmap_call(const struct trace_install *in, struct user_regs_struct *regs,
		    struct seccomp_data *data)
{
	const bool i386 = in->abi->audit != arch_native(&(size_t){ 0 })[0]->audit;
	const struct systab_ent *e = systab_by_name(in->abi, i386 ? "mmap2" : "mmap");
	const uint64_t fd = i386 ? 0xffffffffu : UINT64_MAX;
	uint64_t args[6] = { 0, TMEM_SCRATCH_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, fd, 0 };

	regs->orig_rax = in->abi->nr_base + (e ? e->nr : 0);
	if (i386) {
		/* ebx, ecx, edx, esi, edi, ebp; mmap2's offset is in pages */
		regs->rbx = args[0];
		regs->rcx = args[1];
		regs->rdx = args[2];
		regs->rsi = args[3];
		regs->rdi = args[4];
		regs->rbp = args[5];
	} else {
		regs->rdi = args[0];
		regs->rsi = args[1];
		regs->rdx = args[2];
		regs->r10 = args[3];
		regs->r8 = args[4];
		regs->r9 = args[5];
	}
	memset(data, 0, sizeof(*data));
	data->nr = (int)regs->orig_rax;
	data->arch = in->abi->audit;
	data->instruction_pointer = regs->rip;
	memcpy(data->args, args, sizeof(args));
}

void tmem_rerun(struct user_regs_struct *regs)
{
	regs->rip -= 2;
	regs->rax = regs->orig_rax;
}

const struct arch_abi *tmem_elf_abi(pid_t tid)
{
	unsigned char h[EI_NIDENT + 4];
	char path[64];
	uint16_t machine;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG) != 0)
		return NULL;
	memcpy(&machine, h + EI_NIDENT + 2, sizeof(machine));	/* e_machine */
	if (h[EI_CLASS] == ELFCLASS64 && machine == EM_X86_64)
		return arch_by_name("x86_64");
	if (h[EI_CLASS] == ELFCLASS32 && machine == EM_X86_64)
		return arch_by_name("x32");
	if (h[EI_CLASS] == ELFCLASS32 && machine == EM_386)
		return arch_by_name("x86");
	return NULL;
}

bool tmem_rseq_registered(pid_t tid)
{
#ifdef PTRACE_GET_RSEQ_CONFIGURATION
	struct ptrace_rseq_configuration rc;

	memset(&rc, 0, sizeof(rc));
	if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, tid, sizeof(rc), &rc) <= 0)
		return false;
	return rc.rseq_abi_pointer != 0;
#else
	(void)tid;
	return false;
#endif
}

#endif /* x86_64 */
