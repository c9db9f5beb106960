/* SPDX-License-Identifier: MIT */
/*
 * rawsys: the system calls the library's start-up path makes, issued
 * directly rather than through the C library.
 *
 * Every process that loads the library runs that path. The first call of
 * a C library function from the library is a lazy symbol binding (a
 * lookup and a full save of the register state), a cost each process pays
 * again; these calls also leave errno alone, so the path need not save it.
 * Each returns what the kernel answered: a value >= 0, or -errno.
 *
 * x86_64 and aarch64 issue the instruction here (their struct stat is the
 * kernel's); elsewhere the C library's functions stand in, errno kept.
 */
#ifndef ENOSTUB_RAWSYS_H
#define ENOSTUB_RAWSYS_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__LP64__)
#define RAWSYS 1
static inline long rawsys4(long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
#define RAWSYS 1
static inline long rawsys4(long nr, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory");
	return x0;
}
#else
#define RAWSYS 0
/* the C library's answer as the kernel's: -errno on failure, errno kept */
static inline long rawsys_ret(long ret, int saved)
{
	if (ret < 0)
		ret = -errno;
	errno = saved;
	return ret;
}
#endif

/* fstatat(): flags AT_SYMLINK_NOFOLLOW for lstat(), AT_EMPTY_PATH with "" */
static inline long raw_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
#if RAWSYS
	return rawsys4(SYS_newfstatat, dirfd, (long)path, (long)st, flags);
#else
	int saved = errno;

	return rawsys_ret(fstatat(dirfd, path, st, flags), saved);
#endif
}

static inline long raw_open(const char *path, int flags)
{
#if RAWSYS
	return rawsys4(SYS_openat, AT_FDCWD, (long)path, flags, 0);
#else
	int saved = errno;

	return rawsys_ret(open(path, flags), saved);
#endif
}

static inline long raw_read(int fd, void *buf, size_t size)
{
#if RAWSYS
	return rawsys4(SYS_read, fd, (long)buf, (long)size, 0);
#else
	int saved = errno;

	return rawsys_ret(read(fd, buf, size), saved);
#endif
}

static inline long raw_readlink(const char *path, char *buf, size_t size)
{
#if RAWSYS
	return rawsys4(SYS_readlinkat, AT_FDCWD, (long)path, (long)buf, (long)size);
#else
	int saved = errno;

	return rawsys_ret(readlink(path, buf, size), saved);
#endif
}

static inline long raw_close(int fd)
{
#if RAWSYS
	return rawsys4(SYS_close, fd, 0, 0, 0);
#else
	int saved = errno;

	return rawsys_ret(close(fd), saved);
#endif
}

/* The calling thread's name (comm), 16 bytes with the NUL: prctl(PR_GET_NAME)
 * straight to the kernel, not through the prctl() the library exports. */
static inline long raw_get_name(char buf[16])
{
#if RAWSYS
	return rawsys4(SYS_prctl, PR_GET_NAME, (long)buf, 0, 0);
#else
	return -pthread_getname_np(pthread_self(), buf, 16);
#endif
}

#endif /* ENOSTUB_RAWSYS_H */
