/* SPDX-License-Identifier: MIT */
/*
 * trace_mem: a stopped tracee's registers and memory, for the tracer of
 * `enostub run --trace` (x86_64 only).
 *
 * The scratch area: one private anonymous PROT_READ mapping of
 * TMEM_SCRATCH_SIZE bytes per address space, made by an mmap the tracer
 * injects in place of the interrupted install call (every register is then
 * restored and the call re-run). The tracee cannot write it; the tracer
 * writes it through /proc/TID/mem, which may write a page the tracee may
 * only read. It is inherited by fork (a private copy at the same address)
 * and shared by threads and vfork/CLONE_VM children. Before every use the
 * tracer checks that the mapping is still exactly there and still starts
 * with TMEM_MAGIC, so a program that unmapped it or put its own data there
 * is never written to: a new one is injected instead.
 *
 *   offset 0    TMEM_MAGIC (16 bytes)
 *   offset 16   struct sock_fprog in the call's layout (16 or 8 bytes)
 *   offset 32   the patched program (at most 4096 instructions)
 */
#ifndef ENOSTUB_TRACE_MEM_H
#define ENOSTUB_TRACE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "trace.h"

#define TMEM_MAGIC "enostub-scratch"          /* with its NUL: 16 bytes */
#define TMEM_FPROG_OFF 16u
#define TMEM_PROG_OFF 32u
#define TMEM_SCRATCH_SIZE (9u * 4096u)        /* 32 + 4096 * 8, in pages */

/**
 * tmem_read() - copy @n bytes at @addr of the tracee @tid into @buf
 * (process_vm_readv).
 * Return: 0, -EFAULT if not all of them could be read, or the error of
 * process_vm_readv() (-EPERM: the tracer may not read this process).
 */
int tmem_read(pid_t tid, uint64_t addr, void *buf, size_t n);

/**
 * tmem_write() - write @n bytes into the tracee @tid at @addr, through
 * /proc/TID/mem (read-only private pages too).
 * Return: 0, or a negative errno (-EIO: not all of them).
 */
int tmem_write(pid_t tid, uint64_t addr, const void *buf, size_t n);

/**
 * tmem_fprog() - read the struct sock_fprog an install passes.
 * @tid: the tracee
 * @in:  the install (its ABI says the layout)
 * @len, @filter: the program's length and address
 *
 * Return: 0, or tmem_read()'s error (-EFAULT: the kernel answers EFAULT
 * itself then).
 */
int tmem_fprog(pid_t tid, const struct trace_install *in, uint16_t *len,
	       uint64_t *filter);

/**
 * tmem_put_program() - write @prog into the scratch area at @scratch with a
 * struct sock_fprog in @in's layout in front of it.
 * @tid, @in, @scratch, @prog, @len: where, for which call, what
 *
 * Return: 0, or a negative errno from tmem_write(); -EOVERFLOW if the
 * call is 32-bit and @scratch lies above 4 GiB.
 */
int tmem_put_program(pid_t tid, const struct trace_install *in, uint64_t scratch,
		     const struct sock_filter *prog, size_t len);

/**
 * tmem_scratch_ok() - is the scratch area at @addr still there in @tid's
 * address space: a mapping of exactly that range, readable only, private,
 * anonymous, starting with TMEM_MAGIC? Reads /proc/TID/maps.
 * Return: true if so.
 */
bool tmem_scratch_ok(pid_t tid, uint64_t addr);

/**
 * tmem_mmap_call() - registers that make the interrupted call of @in's
 * ABI an mmap of a fresh scratch area, and the seccomp_data that call
 * shows the filters.
 * @in:   the install (its ABI)
 * @regs: the registers at the stop; changed into the mmap call
 * @data: filled in: nr, arch, instruction pointer and arguments
 */
void tmem_mmap_call(const struct trace_install *in, struct user_regs_struct *regs,
		    struct seccomp_data *data);

/**
 * tmem_rerun() - make @regs re-run the interrupted system call: the
 * instruction pointer back over the 2-byte syscall instruction (syscall,
 * int $0x80, and sysenter's return path alike), the number back in rax.
 */
void tmem_rerun(struct user_regs_struct *regs);

/**
 * tmem_elf_abi() - the ABI of the executable of @tid (its ELF header, read
 * through /proc/TID/exe): x86_64, x86 or x32.
 * Return: the ABI, or NULL if it cannot be read or is none of them.
 */
const struct arch_abi *tmem_elf_abi(pid_t tid);

/**
 * tmem_rseq_registered() - has the thread @tid registered rseq
 * (PTRACE_GET_RSEQ_CONFIGURATION)?
 * Return: true if so; false also when the kernel cannot tell.
 */
bool tmem_rseq_registered(pid_t tid);

#endif /* ENOSTUB_TRACE_MEM_H */
