// SPDX-License-Identifier: MIT
/*
 * A statically linked program that enostub cannot be loaded into: it calls
 * fstat() (glibc: newfstatat) and says what it got. The trap-and-translate
 * test execs it under a filter that traps newfstatat in the image before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	struct stat st;
	const char *what = fstat(STDOUT_FILENO, &st) == 0 ? "ok" : strerrorname_np(errno);

	if (write(STDOUT_FILENO, "static-fstat=", 13) < 0 ||
	    write(STDOUT_FILENO, what, strlen(what)) < 0 || write(STDOUT_FILENO, "\n", 1) < 0)
		return 1;
	return 0;
}
