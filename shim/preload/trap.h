/* SPDX-License-Identifier: MIT */
/*
 * trap: the library's half of trap and translate (core/translate.h), on
 * x86_64. A patched filter traps a newer call that the original kills or
 * traps; enostub's SIGSYS handler makes the classic equivalent when the
 * original filter (a copy kept here) allows it, and otherwise gives the
 * program exactly the original's answer: death by SIGSYS for a kill, or
 * the program's own SIGSYS handler with the original's data for a trap.
 *
 * The handler is installed by the constructor when the configuration asks
 * for translation (one rt_sigaction); sigaction() and signal() for SIGSYS
 * are interposed from then on, so the program's handler is kept behind
 * enostub's and gets every SIGSYS that is not enostub's. Everything the
 * install path does here is a copy into static memory: no system call.
 */
#ifndef ENOSTUB_TRAP_H
#define ENOSTUB_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/patch.h"

typedef long (*trap_sys_fn)(long, ...);

/**
 * trap_setup() - install enostub's SIGSYS handler (constructor).
 * @sys: the real syscall()
 *
 * Return: true if translation can be used in this process (x86_64, the
 * handler installed, the C library's code found).
 */
bool trap_setup(trap_sys_fn sys);

/**
 * trap_opts() - complete @o for one filter of @len instructions: a free
 * slot in the trap data and the C library's code range. Turns translation
 * off when it is not set up or there is no room left. No system call.
 */
void trap_opts(struct patch_opts *o, size_t len);

/**
 * trap_keep() - keep the original of a filter patched with @o, if the
 * patch (@rep) traps calls, for the handler. Call before forwarding it.
 * No system call.
 * @prog, @len: the original (the private copy)
 */
void trap_keep(const struct patch_opts *o, const struct patch_report *rep,
	       const struct sock_filter *prog, size_t len);

#endif /* ENOSTUB_TRAP_H */
