// SPDX-License-Identifier: MIT
#include "patch.h"

#include <errno.h>
#include <string.h>

int patch_filter(const struct sock_filter *prog, size_t len,
		 const struct arch_abi *const *abis, size_t nabis,
		 const struct analyze_opts *opts, struct patch_work *work,
		 size_t *out_len)
{
	struct patch_report *rep = &work->rep;
	bool reset_a;
	size_t i;
	int n;

	*out_len = 0;
	rep->nabis = 0;
	rep->orig_len = len;
	rep->stub_len = 0;
	if (len == 0 || len > CBPF_MAX_INSNS || nabis > PATCH_MAX_ABIS) {
		rep->why = "invalid program length";
		return -EINVAL;
	}
	/* Work on a private copy: the caller's memory may change under us. */
	memcpy(work->in, prog, len * sizeof(*prog));
	if (cbpf_validate(work->in, len)) {
		rep->why = "the kernel would reject this program";
		return -EINVAL;
	}
	for (i = 0; i < nabis; i++)
		analyze_abi_maxknown(work->in, len, abis[i], opts, &work->flow,
				     &rep->abi[i]);
	rep->nabis = nabis;
	/* The kernel starts a filter with A == 0; restore it unless the
	 * original's first instruction loads A anyway. */
	reset_a = BPF_CLASS(work->in[0].code) != BPF_LD;
	n = stub_build(rep->abi, nabis, opts->stub_ret, reset_a, work->out,
		       CBPF_MAX_INSNS);
	if (n == 0) {
		rep->why = "no ABI needs a stub";
		return 0;
	}
	if (n < 0 || (size_t)n + len > CBPF_MAX_INSNS) {
		rep->why = "stub and filter would exceed 4096 instructions";
		return -E2BIG;
	}
	memcpy(work->out + n, work->in, len * sizeof(*prog));
	rep->stub_len = (size_t)n;
	rep->why = "patched";
	*out_len = (size_t)n + len;
	return 0;
}
