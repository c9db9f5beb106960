// SPDX-License-Identifier: MIT
#include "systab.h"

#include <stdio.h>
#include <string.h>

struct systab_col {
	char name[12];    /* the CSV column: libseccomp's arch name */
	uint16_t first, count;
};

#include "systab_gen.h"

#define NCOLS (sizeof(systab_cols) / sizeof(systab_cols[0]))

/* The table an ABI uses: byte order does not change syscall numbers. */
static const char *column_of(const char *abi)
{
	static const char alias[][2][12] = {
		{ "mipsel", "mips" }, { "mipsel64", "mips64" },
		{ "mipsel64n32", "mips64n32" }, { "ppc64le", "ppc64" },
		{ "sheb", "sh" },
	};
	size_t i;

	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		if (strcmp(abi, alias[i][0]) == 0)
			return alias[i][1];
	}
	return abi;
}

const struct systab_ent *systab_abi(const struct arch_abi *abi, size_t *count)
{
	const char *name = column_of(abi->name);
	size_t i;

	for (i = 0; i < NCOLS; i++) {
		if (strcmp(systab_cols[i].name, name) == 0) {
			*count = systab_cols[i].count;
			return &systab_ents[systab_cols[i].first];
		}
	}
	*count = 0;
	return NULL;
}

bool systab_name_valid(uint16_t id)
{
	return id < SYSTAB_NAMES_SIZE && systab_names[id] != '\0' &&
	       (id == 0 || systab_names[id - 1] == '\0');
}

const char *systab_name_at(uint16_t id)
{
	return id < SYSTAB_NAMES_SIZE ? &systab_names[id] : "?";
}

const char *systab_name(const struct systab_ent *e)
{
	return systab_name_at(e->name);
}

const struct systab_ent *systab_by_nr(const struct arch_abi *abi, uint32_t nr)
{
	const struct systab_ent *t;
	size_t lo = 0, hi, mid;

	if (nr < abi->nr_base || nr > abi->nr_last)
		return NULL;
	nr -= abi->nr_base;
	t = systab_abi(abi, &hi);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t[mid].nr == nr)
			return &t[mid];
		if (t[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct systab_ent *systab_by_name(const struct arch_abi *abi,
					const char *name)
{
	const struct systab_ent *t = NULL;
	size_t i, n;

	t = systab_abi(abi, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(systab_name(&t[i]), name) == 0)
			return &t[i];
	}
	return NULL;
}

const uint16_t *systab_fallback(size_t *count)
{
	*count = sizeof(systab_fallback_names) / sizeof(systab_fallback_names[0]);
	return systab_fallback_names;
}

int systab_name_id(const char *name)
{
	size_t off = 0;

	while (off < SYSTAB_NAMES_SIZE) {
		if (strcmp(&systab_names[off], name) == 0)
			return (int)off;
		off += strlen(&systab_names[off]) + 1;
	}
	return -1;
}

const char *systab_kver_str(uint16_t kv, char buf[8])
{
	if (kv == SYSTAB_KV_NEWEST)
		snprintf(buf, 8, ">6.16");
	else
		snprintf(buf, 8, "%u.%u", kv >> 8, kv & 0xff);
	return buf;
}
