/* SPDX-License-Identifier: MIT */
/*
 * systab: per ABI, every syscall's number, name and the kernel release that
 * introduced it. Generated from libseccomp's tables (shim/gen-systab.awk);
 * read-only data without pointers, so it costs no relocation at load time.
 */
#ifndef ENOSTUB_SYSTAB_H
#define ENOSTUB_SYSTAB_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"

/* A kernel release as major << 8 | minor, e.g. 0x0509 for Linux 5.9. */
#define SYSTAB_KV(major, minor) ((uint16_t)((major) << 8 | (minor)))
/* Added after every release the version table knows (Linux 6.16). */
#define SYSTAB_KV_NEWEST 0xffffu

struct systab_ent {
	uint16_t nr;      /* number within the ABI (add abi->nr_base) */
	uint16_t kver;    /* release that introduced it; 3.0 means "3.0 or older" */
	uint16_t name;    /* offset of the name, see systab_name() */
};

/**
 * systab_abi() - the syscall table of an ABI.
 * @abi:   the ABI (mipsel shares mips' table, ppc64le ppc64's, sheb sh's)
 * @count: set to the number of entries
 *
 * Return: entries sorted by number, or NULL (count 0) without a table.
 */
const struct systab_ent *systab_abi(const struct arch_abi *abi, size_t *count);

/**
 * systab_name() - the name of an entry.
 * Return: a static string, never NULL.
 */
const char *systab_name(const struct systab_ent *e);

/**
 * systab_by_nr() - look a syscall up by number.
 * @abi: the ABI
 * @nr:  the absolute number, as seccomp_data.nr holds it (x32 with bit 30)
 *
 * Return: the entry, or NULL if @nr is no syscall of @abi.
 */
const struct systab_ent *systab_by_nr(const struct arch_abi *abi, uint32_t nr);

/**
 * systab_by_name() - look a syscall up by name.
 * Return: the entry, or NULL if @abi has no syscall called @name.
 */
const struct systab_ent *systab_by_name(const struct arch_abi *abi,
					const char *name);

/**
 * systab_fallback() - the fallback-safe syscalls (shim/fallback-safe.csv):
 * glibc falls back on ENOSYS to an older call the same filter governs.
 * @count: set to the number of entries
 *
 * Return: their name offsets (systab_ent.name), ascending, never NULL.
 */
const uint16_t *systab_fallback(size_t *count);

/**
 * systab_name_id() - the name offset (systab_ent.name) of a syscall name
 * that some ABI's table has.
 * Return: the offset, or -1 if no table has @name.
 */
int systab_name_id(const char *name);

/**
 * systab_name_valid() - is @id a name offset systab_name_id() can return
 * (the start of a name, not the middle of one nor past the table)?
 */
bool systab_name_valid(uint16_t id);

/**
 * systab_name_at() - the name at offset @id (systab_ent.name).
 * Return: a static string ("?" if out of range).
 */
const char *systab_name_at(uint16_t id);

/**
 * systab_kver_str() - "5.9", or ">6.16" for SYSTAB_KV_NEWEST.
 * @kv:  a release
 * @buf: at least 8 bytes
 *
 * Return: @buf.
 */
const char *systab_kver_str(uint16_t kv, char buf[8]);

#endif /* ENOSTUB_SYSTAB_H */
