/* SPDX-License-Identifier: MIT */
/* Running a child program and reading what it printed, for the integration
 * tests. Header-only, static functions; include after <cmocka.h>. */
#ifndef ENOSTUB_RUNNER_H
#define ENOSTUB_RUNNER_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUT_MAX 16384

struct run {
	char out[OUT_MAX];	/* stdout and stderr, "\n"-prefixed */
	int status;		/* from waitpid */
};

/* Start argv with envp; the child's stdout+stderr go to *out_fd, its stdin
 * comes from *in_fd (both may be NULL: then stdin is /dev/null). */
static inline pid_t spawn(char *const argv[], char *const envp[], int *out_fd, int *in_fd)
{
	int out[2], in[2];
	pid_t pid;

	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		execvpe(argv[0], argv, envp);
		_exit(127);
	}
	close(out[1]);
	close(in[0]);
	*out_fd = out[0];
	if (in_fd)
		*in_fd = in[1];
	else
		close(in[1]);
	return pid;
}

/* Read until EOF (or, with stop, until the output ends with stop). */
static inline void collect(int fd, struct run *r, const char *stop)
{
	size_t len = strlen(r->out);
	ssize_t n;

	while (len < OUT_MAX - 1) {
		n = read(fd, r->out + len, OUT_MAX - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		r->out[len] = '\0';
		if (stop && len >= strlen(stop) && !strcmp(r->out + len - strlen(stop), stop))
			break;
	}
}

static inline void run_argv(char *const argv[], char *const envp[], struct run *r)
{
	int fd;
	pid_t pid = spawn(argv, envp, &fd, NULL);

	strcpy(r->out, "\n");
	collect(fd, r, NULL);
	close(fd);
	assert_int_equal(waitpid(pid, &r->status, 0), pid);
}

/* Split @steps at spaces into argv[first..]: at most @max entries in all
 * with the terminating NULL; the words live in @buf. Return: argc. */
static inline int split_steps(char *buf, size_t size, const char *steps, char **argv,
			      int first, int max)
{
	char *save = NULL, *tok;
	int argc = first;

	snprintf(buf, size, "%s", steps);
	for (tok = strtok_r(buf, " ", &save); tok && argc < max - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

/* Run @path with up to 10 space-separated arguments in @steps. */
static inline void run_steps(struct run *r, const char *path, const char *steps,
		      char *const envp[])
{
	char buf[1024], *argv[12] = { (char *)path };

	split_steps(buf, sizeof(buf), steps, argv, 1, 12);
	run_argv(argv, envp, r);
}

/* Run @path with @argv and @envp as @uid (0: as we are), under an alarm
 * of @secs (0: none); stdout and stderr into @r after a newline, as
 * run_argv() does. The child exits 126 if it cannot become @uid. */
static inline void run_as_uid(uid_t uid, unsigned int secs, const char *path,
			      char *const argv[], char *const envp[], struct run *r)
{
	int out[2];
	pid_t pid;

	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(126);
		if (secs)
			alarm(secs);
		execve(path, argv, envp);
		_exit(127);
	}
	close(out[1]);
	strcpy(r->out, "\n");
	collect(out[0], r, NULL);
	close(out[0]);
	assert_int_equal(waitpid(pid, &r->status, 0), pid);
}

/* Write @text to @path, created or truncated; fails the test otherwise. */
static inline void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Remove the scratch directory @dir and all it holds: 0 or non-zero. */
static inline int remove_tree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Does the output contain @text? Prints the output if not. */
static inline bool has_text(const struct run *r, const char *text)
{
	bool ok = strstr(r->out, text) != NULL;

	if (!ok)
		fprintf(stderr, "missing \"%s\" in:%s", text, r->out);
	return ok;
}

/* Does the output contain this whole line? Prints the output if not. */
static inline bool has(const struct run *r, const char *line)
{
	char want[128];

	snprintf(want, sizeof(want), "\n%s\n", line);
	return has_text(r, want);
}

static inline void assert_exited_ok(const struct run *r)
{
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0)
		fprintf(stderr, "status 0x%x, output:%s", r->status, r->out);
	assert_true(WIFEXITED(r->status));
	assert_int_equal(WEXITSTATUS(r->status), 0);
	assert_true(has(r, "done=ok"));
}

/* Let a helper held at its "hold" step go on (a byte on its stdin), read
 * the rest of its output into @r, reap it and assert it finished well. */
static inline void release_held(pid_t pid, int in, int out, struct run *r)
{
	assert_int_equal(write(in, "x", 1), 1);
	close(in);
	collect(out, r, NULL);
	close(out);
	assert_int_equal(waitpid(pid, &r->status, 0), pid);
	assert_exited_ok(r);
}

#endif /* ENOSTUB_RUNNER_H */
