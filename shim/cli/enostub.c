// SPDX-License-Identifier: MIT
/*
 * enostub: the command-line tool.
 *
 *   enostub run [--trace] [-c CONFIG] [--dry-run] [-v] [--no-rseq] [--] CMD [ARG...]
 *   enostub inspect FILE.bpf [--arch A] [--strategy S] [--baseline V] [--no-fallback]
 *                   [--summary] [--json]
 *   enostub patch IN.bpf OUT.bpf [--arch A] [--strategy S] [--baseline V] [--no-fallback]
 *   enostub dump PID [--json]
 *   enostub check-config [FILE] [--exe PATH] [--comm NAME] [--secure]
 *   enostub --help | --version
 *
 * Exit status: 0 ok, 1 error (a bad file), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config/conf.h"

#define ENOSTUB_VERSION "0.3"

static const char usage[] =
	"usage: enostub run [--trace] [-c CONFIG] [--dry-run] [-v] [--no-rseq] [--] CMD [ARG...]\n"
	"       enostub inspect FILE.bpf [--arch A[,B]] [--strategy S] [--baseline V]\n"
	"                       [--no-fallback] [--summary] [--json]\n"
	"       enostub patch IN.bpf OUT.bpf|- [--arch A[,B]] [--strategy S] [--baseline V]\n"
	"                     [--no-fallback]\n"
	"       enostub dump PID [--json]\n"
	"       enostub check-config [FILE] [--exe PATH] [--comm NAME] [--secure]\n"
	"       enostub --help | --version\n"
	"\n"
	"run           start CMD with libenostub.so preloaded (-c: its configuration,\n"
	"              --dry-run: log what would change and install filters untouched,\n"
	"              -v: log to stderr, --no-rseq: GLIBC_TUNABLES=glibc.pthread.rseq=0;\n"
	"              --trace: no library: enostub traces CMD and its children and\n"
	"              patches every filter they install, static binaries and raw\n"
	"              system calls included)\n"
	"inspect       disassemble a raw cBPF filter with syscall and action names,\n"
	"              and tell what enostub would stub and why (S: max-known or\n"
	"              kernel-version; V: auto or a release such as 5.4;\n"
	"              --no-fallback: leave clone3 and the other fallback-safe\n"
	"              syscalls to the filter, as fallback_safe = false)\n"
	"patch         write the patched filter, verified by emulation, or the\n"
	"              original when it needs no stub; refuses anything unproven\n"
	"dump          read the filters of a running process (root) and tell what\n"
	"              common new syscalls get under them\n"
	"check-config  validate a configuration file (default: $ENOSTUB_CONFIG,\n"
	"              else " ENOSTUB_SYSCONF ") and print the settings that apply\n"
	"              to the program given by --exe and/or --comm (comm defaults\n"
	"              to the executable's base name; --secure: as a setuid program\n"
	"              sees it, where rules with comm never match). Without FILE,\n"
	"              $ENOSTUB_LOG and $ENOSTUB_MODE are checked too. Errors:\n"
	"              enostub: FILE:LINE: message.\n"
	"\n"
	"exit status: 0 ok, 1 error, 2 usage (run: the command's own status)\n";

static void identity_from(struct conf_identity *id, const char *exe, const char *comm,
			  bool secure)
{
	const char *base = exe ? strrchr(exe, '/') : NULL;

	memset(id, 0, sizeof(*id));
	id->secure = secure;
	snprintf(id->exe, sizeof(id->exe), "%s", exe ? exe : "");
	if (!comm)
		comm = base ? base + 1 : exe ? exe : "";
	snprintf(id->comm, sizeof(id->comm), "%s", comm);
}

static void print_settings(const struct conf_settings *s)
{
	char line[1024];

	conf_describe(s, line, sizeof(line));
	printf("%s\n", line);
	if (s->mode == CONF_DRY_RUN && s->target == CONF_LOG_NONE)
		fprintf(stderr, "warning: mode dry-run with log target none "
			"reports nothing\n");
}

/* $ENOSTUB_LOG and $ENOSTUB_MODE, by the library's rules: 0 if usable. */
static int check_env(void)
{
	const char *log = getenv("ENOSTUB_LOG"), *mode = getenv("ENOSTUB_MODE"), *why;
	struct conf_settings s;

	if (log && *log && conf_log_target(log, &s, &why)) {
		fprintf(stderr, "enostub: ENOSTUB_LOG: \"%s\": %s\n", log, why);
		return 1;
	}
	if (mode && *mode && conf_mode(mode) < 0) {
		fprintf(stderr, "enostub: ENOSTUB_MODE: \"%s\" is not one of patch, "
			"dry-run, off\n", mode);
		return 1;
	}
	return 0;
}

static int check_config(const char *file, const char *exe, const char *comm,
			bool secure)
{
	static struct conf_file f;
	struct conf_identity id;
	const struct conf_settings *s;
	char err[CONF_ERR_MAX];
	unsigned int line;
	int rc;

	if (!file && check_env())
		return 1;
	if (!file && !(file = conf_path(false))) {
		printf("no configuration file (%s): built-in settings\n", ENOSTUB_SYSCONF);
		conf_defaults(&f.global);
		print_settings(&f.global);
		return 0;
	}
	rc = conf_read(file, false, &f, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "enostub: %s\n", err);
		return 1;
	}
	printf("%s: ok, %zu program rule%s\n", file, f.nrules, f.nrules == 1 ? "" : "s");
	identity_from(&id, exe, comm, secure);
	s = conf_match(&f, &id, &line);
	if (exe || comm)
		printf("program: exe \"%s\", comm \"%s\"%s: %s", id.exe, id.comm,
		       secure ? " (secure mode: comm rules skipped)" : "",
		       line ? "" : "no rule matches, global settings\n");
	else
		printf("global settings\n");
	if (line)
		printf("rule at line %u\n", line);
	print_settings(s);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exe", required_argument, NULL, 'e' },
		{ "comm", required_argument, NULL, 'c' },
		{ "secure", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *exe = NULL, *comm = NULL, *cmd;
	bool secure = false;
	int c;

	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (c == 'V') {
			printf("enostub " ENOSTUB_VERSION "\n");
			return 0;
		}
		fputs(usage, stderr);
		return 2;
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[optind];
	/* the command's own options: argv[0] is now the command */
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "run") == 0)
		return cli_run(argc, argv);
	if (strcmp(cmd, "inspect") == 0)
		return cli_inspect(argc, argv);
	if (strcmp(cmd, "patch") == 0)
		return cli_patch(argc, argv);
	if (strcmp(cmd, "dump") == 0)
		return cli_dump(argc, argv);
	if (strcmp(cmd, "check-config") != 0) {
		fprintf(stderr, "enostub: unknown command \"%s\"\n%s", cmd, usage);
		return 2;
	}
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'e')
			exe = optarg;
		else if (c == 'c')
			comm = optarg;
		else if (c == 's')
			secure = true;
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fputs(usage, stderr);
		return 2;
	}
	return check_config(optind < argc ? argv[optind] : NULL, exe, comm, secure);
}
