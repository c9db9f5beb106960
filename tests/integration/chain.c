// SPDX-License-Identifier: MIT
/*
 * chain.so: another library that wraps prctl() and fork(), listed after
 * libenostub.so in LD_PRELOAD (as a sanitizer's runtime or a second
 * preload library would be): enostub must forward to these, the next
 * definitions, not past them to the C library. Each says so on stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/types.h>
#include <unistd.h>

__attribute__((visibility("default"))) int prctl(int option, ...);
__attribute__((visibility("default"))) pid_t fork(void);

int prctl(int option, ...)
{
	int (*next)(int, ...) = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
	unsigned long a[4];
	va_list ap;
	int i;

	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (write(2, "chain: prctl\n", 13) < 0)
		return -1;
	return next(option, a[0], a[1], a[2], a[3]);
}

pid_t fork(void)
{
	pid_t (*next)(void) = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");

	if (write(2, "chain: fork\n", 12) < 0)
		return -1;
	return next();
}
