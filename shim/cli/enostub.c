// SPDX-License-Identifier: MIT
/*
 * enostub: the command-line tool.
 *
 *   enostub run [--trace] [-c CONFIG] [--dry-run] [-v] [--no-rseq] [--] CMD [ARG...]
 *   enostub inspect FILE.bpf [--arch A] [--strategy S] [--baseline V] [--no-fallback]
 *                   [--summary] [--json]
 *   enostub patch IN.bpf OUT.bpf [--arch A] [--strategy S] [--baseline V] [--no-fallback]
 *   enostub dump PID [--json]
 *   (inspect, patch and dump: -c CONFIG [--exe PATH] [--comm NAME])
 *   enostub check-config [FILE] [--exe PATH] [--comm NAME] [--secure]
 *   enostub enable-system [--root DIR] [LIB] | disable-system [--root DIR] [LIB]
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

/* the Makefile passes it from debian/changelog, the one source */
#ifndef ENOSTUB_VERSION
#define ENOSTUB_VERSION "unknown"
#endif

static const char usage[] =
	"usage: enostub run [--trace] [-c CONFIG] [--dry-run] [-v] [--no-rseq] [--] CMD [ARG...]\n"
	"       enostub inspect FILE.bpf [--arch A[,B]] [--strategy S] [--baseline V]\n"
	"                       [--no-fallback] [--summary] [--json] [CONF]\n"
	"       enostub patch IN.bpf OUT.bpf|- [--arch A[,B]] [--strategy S] [--baseline V]\n"
	"                     [--no-fallback] [CONF]\n"
	"       enostub dump PID [--json] [CONF]\n"
	"       enostub check-config [FILE] [--exe PATH] [--comm NAME] [--secure]\n"
	"       enostub enable-system [--root DIR] [LIB]\n"
	"       enostub disable-system [--root DIR] [LIB]\n"
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
	"enable-system add LIB (default: the installed library) to\n"
	"              /etc/ld.so.preload, so every new process loads it (root);\n"
	"              refused if the configuration or LIB fails its checks; the\n"
	"              previous file is kept as /etc/ld.so.preload.enostub-backup\n"
	"disable-system\n"
	"              take LIB (default: any libenostub.so) out again: the file\n"
	"              as it was when nothing else changed since, else only that\n"
	"              line (--root DIR: DIR/etc instead of /etc, for an image)\n"
	"\n"
	"CONF          -c CONFIG [--exe PATH] [--comm NAME]: what the library does\n"
	"              with that configuration in that program (its rule)\n"
	"\n"
	"exit status: 0 ok, 1 error, 2 usage (run: the command's own status)\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
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
	if (strcmp(cmd, "enable-system") == 0)
		return cli_enable_system(argc, argv);
	if (strcmp(cmd, "disable-system") == 0)
		return cli_disable_system(argc, argv);
	if (strcmp(cmd, "check-config") == 0)
		return cli_check_config(argc, argv);
	fprintf(stderr, "enostub: unknown command \"%s\"\n%s", cmd, usage);
	return 2;
}
