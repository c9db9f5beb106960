// SPDX-License-Identifier: MIT
/*
 * early.so: a library whose constructor installs a seccomp filter, listed
 * after libenostub.so in LD_PRELOAD so that its constructor runs before
 * enostub's. The filter ($EARLY_FILTER, a .bpf file) reaches enostub's
 * prctl() before enostub's own constructor has read the configuration.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

__attribute__((constructor)) static void early_install(void)
{
	static struct sock_filter f[4096];
	const char *path = getenv("EARLY_FILTER");
	struct sock_fprog prog = { 0, f };
	ssize_t n;
	int fd;

	if (!path || (fd = open(path, O_RDONLY)) < 0)
		_exit(96);
	n = read(fd, f, sizeof(f));
	close(fd);
	prog.len = (unsigned short)(n / 8);
	if (n <= 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		_exit(97);
}
