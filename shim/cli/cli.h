/* SPDX-License-Identifier: MIT */
/* The enostub command's subcommands (enostub.c dispatches). Each
 * returns the exit status: 0 ok, 1 error, 2 usage. */
#ifndef ENOSTUB_CLI_H
#define ENOSTUB_CLI_H

#include <stddef.h>

#include "core/policy.h"

/* -c CONFIG --exe PATH --comm NAME: the rule the library would pick. */
struct cli_config {
	const char *file;       /* NULL: the built-in policy */
	const char *exe, *comm; /* comm defaults to exe's base name */
};

/**
 * cli_policy() - the policy @c selects, and in @what which configuration
 * and rule it came from ("" for the built-in one).
 * Return: 0, or 1 after printing the configuration's error.
 */
int cli_policy(const struct cli_config *c, struct policy *pol, char *what, size_t size);

int cli_check_config(int argc, char **argv);

/**
 * cli_proc_line() - the first line of /proc/PID/NAME into @buf, without
 * its newline ("" if unreadable).
 */
void cli_proc_line(long pid, const char *name, char *buf, size_t size);
int cli_inspect(int argc, char **argv);
int cli_patch(int argc, char **argv);
int cli_dump(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_enable_system(int argc, char **argv);
int cli_disable_system(int argc, char **argv);

#endif /* ENOSTUB_CLI_H */
