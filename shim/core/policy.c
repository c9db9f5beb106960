// SPDX-License-Identifier: MIT
#include "policy.h"
#include "systab.h"

#include <stdio.h>
#include <string.h>

/* Name tables as arrays, not pointers: no relocations at load time. */
const char policy_mode_names[3][POLICY_NAME_MAX] = {
	[POLICY_PATCH] = "patch", [POLICY_DRY_RUN] = "dry-run", [POLICY_OFF] = "off",
};
const char policy_strategy_names[2][POLICY_NAME_MAX] = {
	[ANALYZE_MAX_KNOWN] = "max-known", [ANALYZE_KERNEL_VERSION] = "kernel-version",
};
/* index: the bit of enum analyze_deny */
const char policy_deny_names[5][POLICY_NAME_MAX] = {
	"errno", "kill_process", "kill_thread", "trap", "user_notif",
};

int policy_pick(const char (*names)[POLICY_NAME_MAX], size_t n, const char *v)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *policy_list(const char (*names)[POLICY_NAME_MAX], size_t n,
			char *buf, size_t size)
{
	size_t i, len = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					names[i]);
	return buf;
}

const uint16_t *policy_fallback_set(const struct policy *p, size_t *n)
{
	if (p->fallback == POLICY_FB_BUILTIN)
		return systab_fallback(n);
	*n = p->fallback == POLICY_FB_LIST ? p->nfallback : 0;
	return *n ? p->fallback_names : NULL;
}

void policy_opts(const struct policy *p, const struct arch_abi *own,
		 bool rseq_registered, struct patch_opts *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	o->an.deny = p->deny;
	o->an.stub_ret = SECCOMP_RET_ERRNO | p->err;
	o->an.strategy = p->strategy;
	o->an.baseline = p->baseline;
	o->an.fallback = policy_fallback_set(p, &o->an.nfallback);
	o->allow_audit = own->audit;
	o->nallow = p->nallow < POLICY_MAX_ALLOW ? p->nallow : POLICY_MAX_ALLOW;
	for (i = 0; i < o->nallow; i++)
		o->allow[i] = own->nr_base + p->allow[i];
	o->rseq_abi = rseq_registered ? own : NULL;
	o->rseq_guard = p->rseq_guard;
	o->translate_abi = p->translate ? own : NULL;
	o->trap_data = TRANSLATE_DATA_TAG;
}
