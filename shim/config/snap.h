/* SPDX-License-Identifier: MIT */
/*
 * The snapshot's layout, shared by its writer (conf_compile(), conf.c)
 * and its reader (load.c). Private to shim/config.
 */
#ifndef ENOSTUB_SNAP_H
#define ENOSTUB_SNAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"

/* The snapshot's header; the parsed file follows, up to its last rule. */
struct snap_head {
	char magic[8];                  /* "ENOSTUB" */
	uint32_t format;                /* CONF_SNAP_FORMAT */
	uint32_t file_size, rule_size, settings_size; /* this build's layout */
	uint64_t dev, ino, size;        /* the source's identity */
	int64_t mtime_sec, mtime_nsec;
	uint64_t nrules;
	uint64_t sum;                   /* FNV-1a of the bytes that follow */
};

/* The file as it lies on disk: read with one read(). */
struct snap_buf {
	struct snap_head h;
	struct conf_file f;
};

_Static_assert(offsetof(struct snap_buf, f) == sizeof(struct snap_head),
	       "the parsed file follows the header without padding");

#define CONF_SNAP_FORMAT 2	/* 2: the checksum over words */
#define SNAP_MAGIC "ENOSTUB"

/* FNV-1a over 64-bit words (then the bytes left): a check against damage,
 * not against forgery (secure mode trusts a snapshot by its owner), eight
 * times fewer dependent multiplications than byte by byte. */
static inline uint64_t snap_sum(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull, w;

	for (; n >= sizeof(w); n -= sizeof(w), b += sizeof(w)) {
		memcpy(&w, b, sizeof(w));
		h = (h ^ w) * 0x100000001b3ull;
	}
	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/* Bytes of the parsed file a snapshot of @nrules rules holds. */
static inline size_t snap_payload(size_t nrules)
{
	return offsetof(struct conf_file, rule) + nrules * sizeof(struct conf_rule);
}

/* The header as this build writes it for a source with status @src. */
static inline void snap_header(struct snap_head *h, const struct stat *src, size_t nrules)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, SNAP_MAGIC, sizeof(h->magic));
	h->format = CONF_SNAP_FORMAT;
	h->file_size = sizeof(struct conf_file);
	h->rule_size = sizeof(struct conf_rule);
	h->settings_size = sizeof(struct conf_settings);
	h->dev = src->st_dev;
	h->ino = src->st_ino;
	h->size = (uint64_t)src->st_size;
	h->mtime_sec = src->st_mtim.tv_sec;
	h->mtime_nsec = src->st_mtim.tv_nsec;
	h->nrules = nrules;
}

/* "FILE.snap" into @buf; false if it does not fit. */
static inline bool snap_path(const char *path, char *buf, size_t size)
{
	static const char suffix[] = CONF_SNAP_SUFFIX;
	size_t n = 0, i;

	for (; path[n]; n++)
		if (n + sizeof(suffix) >= size)
			return false;
		else
			buf[n] = path[n];
	for (i = 0; i < sizeof(suffix); i++)
		buf[n + i] = suffix[i];
	return true;
}

#endif /* ENOSTUB_SNAP_H */
