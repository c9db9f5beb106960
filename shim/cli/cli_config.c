// SPDX-License-Identifier: MIT
/*
 * The command and the configuration: check-config, and the policy that
 * inspect, patch and dump apply (-c CONFIG, --exe, --comm), the same one
 * the library would pick for that program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "config/conf.h"

static const char check_usage[] =
	"usage: enostub check-config [FILE] [--exe PATH] [--comm NAME] [--secure]\n"
	"       enostub check-config --compile [FILE]\n";

/* The program a rule is picked for: comm defaults to exe's base name. */
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

int cli_policy(const struct cli_config *c, struct policy *pol, char *what, size_t size)
{
	static struct conf_file f;
	static const struct policy defaults = POLICY_DEFAULTS;
	struct conf_identity id;
	char err[CONF_ERR_MAX];
	unsigned int line;

	*pol = defaults;
	what[0] = '\0';
	if (!c->file)
		return 0;
	if (conf_read(c->file, false, &f, err, sizeof(err))) {
		fprintf(stderr, "enostub: %s\n", err);
		return 1;
	}
	identity_from(&id, c->exe, c->comm, false);
	*pol = conf_match(&f, &id, &line)->pol;
	if (line)
		snprintf(what, size, "configuration %s, rule at line %u", c->file, line);
	else
		snprintf(what, size, "configuration %s, global settings", c->file);
	return 0;
}

static void print_settings(const struct conf_settings *s)
{
	char line[1024];

	conf_describe(s, line, sizeof(line));
	printf("%s\n", line);
	if (s->pol.mode == POLICY_DRY_RUN && s->target == CONF_LOG_NONE)
		fprintf(stderr, "warning: mode dry-run with log target none "
			"reports nothing\n");
}

/* $ENOSTUB_LOG and $ENOSTUB_MODE, by the library's rules: 0 if usable. */
static int check_env(void)
{
	const char *log = getenv("ENOSTUB_LOG"), *mode = getenv("ENOSTUB_MODE"), *why;
	struct conf_settings s;
	char list[64];

	if (log && *log && conf_log_target(log, &s, &why)) {
		fprintf(stderr, "enostub: ENOSTUB_LOG: \"%s\": %s\n", log, why);
		return 1;
	}
	if (mode && *mode && policy_pick(POLICY_NAMES(policy_mode_names), mode) < 0) {
		fprintf(stderr, "enostub: ENOSTUB_MODE: \"%s\" is not one of %s\n", mode,
			policy_list(POLICY_NAMES(policy_mode_names), list, sizeof(list)));
		return 1;
	}
	return 0;
}

/* Whether FILE's snapshot is what the library will read. */
static void print_snapshot(const char *file)
{
	static struct conf_file snap;
	static const char *const why[] = { "fresh: the library reads it, not the file",
		"stale: the library parses the file (enostub check-config --compile)",
		"not trusted (owned by root, not writable by others?): the library "
		"parses the file", "damaged: the library parses the file" };
	struct stat st;
	int rc;

	if (stat(file, &st))
		return;
	rc = conf_snapshot(file, &st, false, &snap);
	if (rc != -ENOENT)
		printf("snapshot %s" CONF_SNAP_SUFFIX ": %s\n", file,
		       why[rc == 0 ? 0 : rc == -ESTALE ? 1 : rc == -EPERM ? 2 : 3]);
}

/* --compile: write FILE's snapshot. */
static int compile(const char *file)
{
	char err[CONF_ERR_MAX];

	if (!file && !(file = conf_path(false))) {
		fprintf(stderr, "enostub: no configuration file (%s) to compile\n",
			ENOSTUB_SYSCONF);
		return 1;
	}
	if (conf_compile(file, err, sizeof(err))) {
		fprintf(stderr, "enostub: %s\n", err);
		return 1;
	}
	printf("%s: ok, snapshot written to %s" CONF_SNAP_SUFFIX "\n", file, file);
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

	if (!file && check_env())
		return 1;
	if (!file && !(file = conf_path(false))) {
		printf("no configuration file (%s): built-in settings\n", ENOSTUB_SYSCONF);
		conf_defaults(&f.global);
		print_settings(&f.global);
		return 0;
	}
	if (conf_read(file, false, &f, err, sizeof(err))) {
		fprintf(stderr, "enostub: %s\n", err);
		return 1;
	}
	printf("%s: ok, %zu program rule%s\n", file, f.nrules, f.nrules == 1 ? "" : "s");
	print_snapshot(file);
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

int cli_check_config(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "exe", required_argument, NULL, 'e' },
		{ "comm", required_argument, NULL, 'c' },
		{ "secure", no_argument, NULL, 's' },
		{ "compile", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *exe = NULL, *comm = NULL;
	bool secure = false, comp = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'e')
			exe = optarg;
		else if (c == 'c')
			comm = optarg;
		else if (c == 's')
			secure = true;
		else if (c == 'C')
			comp = true;
		else {
			fputs(check_usage, stderr);
			return 2;
		}
	}
	if (argc - optind > 1 || (comp && (exe || comm || secure))) {
		fputs(check_usage, stderr);
		return 2;
	}
	if (comp)
		return compile(optind < argc ? argv[optind] : NULL);
	return check_config(optind < argc ? argv[optind] : NULL, exe, comm, secure);
}
