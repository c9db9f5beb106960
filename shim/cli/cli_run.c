// SPDX-License-Identifier: MIT
/*
 * enostub run: start a program with libenostub.so preloaded, in the
 * tradition of faketime and eatmydata.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config/conf.h"
#include "trace.h"

#ifndef ENOSTUB_LIB
#define ENOSTUB_LIB "/usr/local/lib/libenostub.so"
#endif

#define RSEQ_TUNABLE "glibc.pthread.rseq"

static const char run_usage[] =
	"usage: enostub run [--trace] [-c CONFIG] [--dry-run] [-v] [--no-rseq] [--] CMD [ARG...]\n";

/* The library next to this executable (a build tree), in ../lib from it
 * (an install, wherever it was moved), else where it was installed. */
static int library_path(char *out, size_t size)
{
	static const char *const rel[] = { "libenostub.so", "../lib/libenostub.so" };
	char self[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;

	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(out, size, "%s/%s", dir, rel[i]);
			if (access(out, R_OK) == 0)
				return 0;
		}
	}
	snprintf(out, size, "%s", ENOSTUB_LIB);
	if (access(out, R_OK) == 0)
		return 0;
	fprintf(stderr, "enostub: %s: %s\n", out, strerror(errno));
	return 1;
}

/* LD_PRELOAD with the library first (once). ld.so splits the list on
 * spaces and colons, with no escape: a path holding either would preload
 * nothing, and the program would run unpatched, so it is refused. */
static int set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char buf[8192];

	if (strpbrk(lib, " :")) {
		fprintf(stderr, "enostub: %s: LD_PRELOAD cannot name a library whose "
			"path has a space or a colon (ld.so splits the list on both); "
			"install enostub where its path has neither\n", lib);
		return 1;
	}

	if (old && *old && strstr(old, lib))
		return 0;
	if (snprintf(buf, sizeof(buf), "%s%s%s", lib, old && *old ? " " : "",
		     old ? old : "") >= (int)sizeof(buf)) {
		fprintf(stderr, "enostub: LD_PRELOAD too long\n");
		return 1;
	}
	return setenv("LD_PRELOAD", buf, 1);
}

/* GLIBC_TUNABLES with glibc.pthread.rseq=0, other tunables kept. */
static int disable_rseq(void)
{
	const char *old = getenv("GLIBC_TUNABLES");
	char buf[4096] = "", item[4096], *tok, *save = NULL;

	snprintf(item, sizeof(item), "%s", old ? old : "");
	for (tok = strtok_r(item, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (strncmp(tok, RSEQ_TUNABLE "=", sizeof(RSEQ_TUNABLE)) == 0)
			continue;
		strncat(buf, tok, sizeof(buf) - strlen(buf) - 1);
		strncat(buf, ":", sizeof(buf) - strlen(buf) - 1);
	}
	strncat(buf, RSEQ_TUNABLE "=0", sizeof(buf) - strlen(buf) - 1);
	return setenv("GLIBC_TUNABLES", buf, 1);
}

/* The settings the configuration gives CMD (as the library will see it). */
static int config_for(const char *conf, const char *cmd, bool *no_rseq)
{
	static struct conf_file f;
	struct conf_identity id;
	char err[CONF_ERR_MAX], *path, *base;
	unsigned int line;
	int rc;

	if (!conf)
		return 0;
	rc = conf_read(conf, false, &f, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "enostub: %s\n", err);
		return 1;
	}
	memset(&id, 0, sizeof(id));
	path = strchr(cmd, '/') ? realpath(cmd, NULL) : NULL;
	snprintf(id.exe, sizeof(id.exe), "%s", path ? path : "");
	base = strrchr(cmd, '/');
	snprintf(id.comm, sizeof(id.comm), "%.15s", base ? base + 1 : cmd);
	free(path);
	*no_rseq |= conf_match(&f, &id, &line)->no_rseq;
	return 0;
}

int cli_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-rseq", no_argument, NULL, 'r' },
		{ "trace", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = NULL;
	bool dry = false, verbose = false, no_rseq = false, trace = false;
	char lib[PATH_MAX], confabs[PATH_MAX];
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+c:v", lo, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'n': dry = true; break;
		case 'v': verbose = true; break;
		case 'r': no_rseq = true; break;
		case 't': trace = true; break;
		default:
			fputs(run_usage, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(run_usage, stderr);
		return 2;
	}
	if (trace) {
		/* no library: the tracer patches (shim/cli/cli_trace.c) */
		struct trace_opts to = { conf, dry, verbose };

		if (config_for(conf, argv[optind], &no_rseq) || (no_rseq && disable_rseq()))
			return 1;
		return trace_run(&to, argv + optind);
	}
	if (library_path(lib, sizeof(lib)) || config_for(conf, argv[optind], &no_rseq))
		return 1;
	if (conf && !realpath(conf, confabs)) {
		fprintf(stderr, "enostub: %s: %s\n", conf, strerror(errno));
		return 1;
	}
	if (set_preload(lib) || (conf && setenv("ENOSTUB_CONFIG", confabs, 1)) ||
	    (dry && setenv("ENOSTUB_MODE", "dry-run", 1)) ||
	    (verbose && setenv("ENOSTUB_LOG", "stderr", 1)) || (no_rseq && disable_rseq()))
		return 1;
	if (verbose)
		fprintf(stderr, "enostub: running %s with LD_PRELOAD=%s%s%s%s%s\n",
			argv[optind], getenv("LD_PRELOAD"), conf ? " ENOSTUB_CONFIG=" : "",
			conf ? confabs : "", no_rseq ? " GLIBC_TUNABLES=" : "",
			no_rseq ? getenv("GLIBC_TUNABLES") : "");
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "enostub: %s: %s\n", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
