/* SPDX-License-Identifier: MIT */
/* The enostub command's subcommands (shim/enostub.c dispatches). Each
 * returns the exit status: 0 ok, 1 error, 2 usage. */
#ifndef ENOSTUB_CLI_H
#define ENOSTUB_CLI_H

int cli_inspect(int argc, char **argv);
int cli_patch(int argc, char **argv);
int cli_dump(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_enable_system(int argc, char **argv);
int cli_disable_system(int argc, char **argv);

#endif /* ENOSTUB_CLI_H */
