// SPDX-License-Identifier: MIT
/*
 * enostub inspect | patch | dump: the analysis of the preload library, for
 * people. The same core (analyze, stub, patch) decides; this file reads
 * files and processes and prints.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "config/conf.h"
#include "disasm.h"
#include "core/patch.h"
#include "core/systab.h"

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The syscalls that break first under old filters. */
static const char *const common[] = {
	"clone3", "faccessat2", "close_range", "openat2", "fchmodat2", "statx",
	"rseq", "epoll_pwait2",
};

/* The command line's own settings, on top of the configuration's. */
struct overrides {
	int strategy;           /* -1: the configuration's */
	bool baseline, no_fallback;
	uint16_t baseline_v;
};

struct opts {
	struct cli_config cc;   /* -c CONFIG --exe --comm */
	struct overrides ov;
	struct patch_opts po;   /* after apply_policy(): what the library would do */
	uint8_t mode;           /* enum policy_mode */
	char conf[CONF_PATH_MAX + 64]; /* which configuration and rule, or "" */
	const struct arch_abi *abis[PATCH_MAX_ABIS];
	size_t nabis;           /* 0: choose from the filter */
	bool json, summary;
};

static struct patch_work work;
static struct analyze_work scratch;

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("enostub: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* "a FIFO", "a directory", ... for a file that is not a regular one. */
static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "a special file";
}

/* Opens @path to read a filter: a regular file only (a FIFO nobody writes
 * would block for ever). A FILE, or NULL after saying why. */
static FILE *open_bpf(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	FILE *fp;

	if (fd < 0) {
		fail("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st)) {
		fail("%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		fail("%s: %s, not a regular file: give the filter as a file", path,
		     file_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	fp = fdopen(fd, "rb");
	if (!fp) {
		fail("%s: %s", path, strerror(errno));
		close(fd);
	}
	return fp;
}

/* Read a raw cBPF file (seccomp_export_bpf(), bwrap --seccomp). */
static int load_bpf(const char *path, struct sock_filter *prog, size_t *len)
{
	static char buf[(CBPF_MAX_INSNS + 1) * sizeof(struct sock_filter)];
	FILE *fp = open_bpf(path);
	size_t n;

	if (!fp)
		return 1;
	n = fread(buf, 1, sizeof(buf), fp);
	if (ferror(fp)) {
		fclose(fp);
		return fail("%s: %s", path, strerror(errno));
	}
	fclose(fp);
	if (n == 0)
		return fail("%s: empty file, no cBPF program", path);
	if (n % sizeof(*prog))
		return fail("%s: %zu bytes is not a whole number of 8-byte cBPF "
			    "instructions (truncated, or not raw cBPF)", path, n);
	if (n / sizeof(*prog) > CBPF_MAX_INSNS)
		return fail("%s: more than %d instructions: the kernel refuses it",
			    path, CBPF_MAX_INSNS);
	*len = n / sizeof(*prog);
	memcpy(prog, buf, n);
	if (cbpf_validate(prog, *len))
		return fail("%s: not a valid seccomp filter (the kernel would "
			    "reject it)", path);
	return 0;
}

/* Without --arch: the ABIs whose numbers the filter checks under a known
 * arch; if it never checks the arch, this build's own ABIs. */
static void choose_abis(const struct sock_filter *prog, size_t len, struct opts *o)
{
	struct analyze_abi *a = &work.rep.abi[0];
	const struct arch_abi *const *native, *all;
	size_t n, i, nn;

	if (o->nabis)
		return;
	all = arch_all(&n);
	for (i = 0; i < n && o->nabis < PATCH_MAX_ABIS; i++) {
		analyze_abi_maxknown(prog, len, &all[i], &o->po.an, &scratch, a);
		if (a->flow.arch_checked && a->verdict != ANALYZE_NO_NUMBERS)
			o->abis[o->nabis++] = &all[i];
	}
	if (o->nabis)
		return;
	native = arch_native(&nn);
	for (i = 0; i < nn; i++)
		o->abis[o->nabis++] = native[i];
}

static int parse_arches(const char *list, struct opts *o)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct arch_abi *abi = arch_by_name(tok);

		if (!abi || o->nabis == PATCH_MAX_ABIS) {
			fprintf(stderr, "enostub: unknown arch \"%s\" (x86_64, x86, x32, "
				"arm, aarch64, mips, mipsel, mips64, mipsel64, mips64n32, "
				"mipsel64n32, ppc, ppc64, ppc64le, s390, s390x, parisc, "
				"parisc64, riscv64, loongarch64, m68k, sh, sheb)\n", tok);
			return 2;
		}
		o->abis[o->nabis++] = abi;
	}
	return 0;
}

static int parse_baseline(const char *v, uint16_t *baseline)
{
	if (conf_baseline(v, baseline) == 0)
		return 0;
	fprintf(stderr, "enostub: --baseline: expected \"auto\" or a kernel "
		"release such as 5.4\n");
	return 2;
}

/* The policy of -c CONFIG for --exe/--comm (the built-in one without -c),
 * with the command line's overrides, as patch options: exactly what the
 * library would do in that program (an x86_64 process that registered
 * rseq, glibc's default since 2.35). */
static int apply_policy(struct opts *o)
{
	const struct overrides *ov = &o->ov;
	struct policy pol;
	size_t n;

	if (cli_policy(&o->cc, &pol, o->conf, sizeof(o->conf)))
		return 1;
	if (ov->strategy >= 0)
		pol.strategy = (uint8_t)ov->strategy;
	if (ov->baseline)
		pol.baseline = ov->baseline_v;
	if (ov->no_fallback)
		pol.fallback = POLICY_FB_NONE;
	o->mode = pol.mode;
	policy_opts(&pol, arch_native(&n)[0], true, &o->po);
	return 0;
}

/* Options shared by inspect, patch and dump; leaves operands in argv. */
static int parse_opts(int argc, char **argv, const char *usage, struct opts *o,
		      int *first)
{
	static const struct option lo[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "strategy", required_argument, NULL, 's' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "summary", no_argument, NULL, 'S' },
		{ "no-fallback", no_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ "exe", required_argument, NULL, 'e' },
		{ "comm", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct overrides *ov = &o->ov;
	struct cli_config *cc = &o->cc;
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	ov->strategy = -1;
	ov->baseline_v = UINT16_MAX;
	optind = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
		if (c == 'a')
			rc = parse_arches(optarg, o);
		else if (c == 'b')
			rc = parse_baseline(optarg, &ov->baseline_v);
		else if (c == 'j')
			o->json = true;
		else if (c == 'S')
			o->summary = true;
		else if (c == 'F')
			ov->no_fallback = true;
		else if (c == 's')
			rc = (ov->strategy = policy_pick(POLICY_NAMES(policy_strategy_names),
							optarg)) < 0 ? 2 : 0;
		else if (c == 'c')
			cc->file = optarg;
		else if (c == 'e')
			cc->exe = optarg;
		else if (c == 'C')
			cc->comm = optarg;
		else
			rc = 2;
	}
	ov->baseline = rc == 0 && ov->baseline_v != UINT16_MAX;
	if (rc == 0 && !cc->file && (cc->exe || cc->comm)) {
		fprintf(stderr, "enostub: --exe and --comm pick a rule of -c CONFIG\n");
		rc = 2;
	}
	if (rc == 2)
		fprintf(stderr, "%s", usage);
	*first = optind;
	return rc;
}

/* "; weakened as configured (allow_syscalls): rseq allowed whatever the
 * filter says" when the patch has an allow block. */
static void print_allowed(FILE *f, const struct opts *o)
{
	size_t n, i;
	const struct arch_abi *abi = arch_native(&n)[0];
	const struct systab_ent *e;

	if (!work.rep.nallowed)
		return;
	fprintf(f, "; weakened as configured (allow_syscalls):");
	for (i = 0; i < o->po.nallow; i++) {
		e = systab_by_nr(abi, o->po.allow[i]);
		fprintf(f, " %s", e ? systab_name(e) : "?");
	}
	fprintf(f, " allowed on %s whatever the filter says", abi->name);
}

static const char *short_verdict(uint32_t ret, char *buf, size_t size);

/* "translate: newfstatat (KILL) -> fstat, stat, lstat; ..." when the patch
 * traps calls for translation (translate = true in -c CONFIG). */
static void print_translated(FILE *f, const char *lead)
{
	const struct patch_report *rep = &work.rep;
	const struct arch_abi *abi = arch_by_name("x86_64");
	const struct translate_rule *t;
	const struct systab_ent *e;
	size_t k, i, n;
	char act[48];

	if (!rep->ntranslated)
		return;
	t = translate_rules(abi, &n);
	fprintf(f, "%strapped to translate:", lead);
	for (k = 0; k < rep->ntranslated; k++) {
		e = systab_by_nr(abi, rep->translated[k]);
		fprintf(f, "%s %s (%s) ->", k ? ";" : "", e ? systab_name(e) : "?",
			short_verdict(rep->translated_ret[k], act, sizeof(act)));
		for (i = 0; e && i < n; i++)
			if (strcmp(t[i].from, systab_name(e)) == 0)
				fprintf(f, " %s", t[i].to);
	}
}

/* "configuration FILE, rule at line N: mode dry-run, ..." when -c is given. */
static void print_config(const struct opts *o)
{
	if (!o->conf[0])
		return;
	printf("%s: mode %s%s\n", o->conf, policy_mode_names[o->mode],
	       o->mode == POLICY_PATCH ? "" : ", the library forwards filters untouched");
}

static const char *verdict_name(enum analyze_verdict v)
{
	static const char *const names[] = {
		"stub", "no-numbers", "full", "permissive", "already", "unsure",
	};

	return (size_t)v < N(names) ? names[v] : "?";
}

static const char *strategy_name(uint8_t s)
{
	return s < N(policy_strategy_names) ? policy_strategy_names[s] : "?";
}

/* The seccomp_data of syscall @name of @abi; false if @abi has none. */
static bool syscall_data(const struct arch_abi *abi, const char *name,
			 struct seccomp_data *d)
{
	const struct systab_ent *e = systab_by_name(abi, name);

	if (!e)
		return false;
	memset(d, 0, sizeof(*d));
	d->arch = abi->audit;
	d->nr = (int)(abi->nr_base + e->nr);
	return true;
}

/* The answer a program gives one syscall of @abi; false with no such one. */
static bool answer(const struct sock_filter *p, size_t len,
		   const struct arch_abi *abi, const char *name, uint32_t *ret)
{
	struct seccomp_data d;

	if (!syscall_data(abi, name, &d))
		return false;
	*ret = cbpf_run(p, len, &d);
	return true;
}

/* "allowed", "EPERM", "ENOSYS", "KILL", ... for people. */
static const char *short_verdict(uint32_t ret, char *buf, size_t size)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;
	const char *e;

	if (analyze_runs_call(ret))
		return "allowed";
	if (act == SECCOMP_RET_KILL_PROCESS || act == SECCOMP_RET_KILL_THREAD)
		return "KILL";
	if (act == SECCOMP_RET_ERRNO) {
		e = strerrorname_np((int)(ret & SECCOMP_RET_DATA));
		if ((ret & SECCOMP_RET_DATA) == 0)
			return "allowed (errno 0)";
		snprintf(buf, size, "%s", e ? e : "errno");
		if (!e)
			snprintf(buf, size, "errno %u", ret & SECCOMP_RET_DATA);
		return buf;
	}
	return disasm_action(ret, buf, size);
}

/* Calls @fn for each syscall of the table inside a's stub ranges. */
static size_t each_stubbed(const struct analyze_abi *a,
			   void (*fn)(const struct systab_ent *, size_t, void *),
			   void *arg)
{
	const struct systab_ent *t;
	size_t n, i, r, count = 0;

	t = systab_abi(a->abi, &n);
	for (i = 0; i < n; i++) {
		for (r = 0; r < a->nranges; r++) {
			uint32_t nr = a->abi->nr_base + t[i].nr;

			if (nr >= a->ranges[r].lo && nr <= a->ranges[r].hi) {
				if (fn)
					fn(&t[i], count, arg);
				count++;
			}
		}
	}
	return count;
}

static void text_name(const struct systab_ent *e, size_t i, void *arg)
{
	const struct analyze_abi *a = arg;
	char kv[8];

	printf("%s%s", i ? ", " : " ", systab_name(e));
	if (a->strategy == ANALYZE_KERNEL_VERSION && a->abi->nr_base + e->nr < a->max_known)
		printf(" (%s)", systab_kver_str(e->kver, kv));
}

/* " lo-hi<sep>lo-hi...", in hex for ABIs numbered from 0x10000 on (x32). */
static void print_ranges(FILE *f, const struct analyze_abi *a, const char *sep)
{
	size_t r;

	for (r = 0; r < a->nranges; r++)
		fprintf(f, a->abi->nr_base >= 0x10000 ? "%s%#x-%#x" : "%s%u-%u",
			r ? sep : " ", a->ranges[r].lo, a->ranges[r].hi);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* The syscalls @a answers ENOSYS through the fallback-safe rule, as
 * "clone3, close_range" (text) or "\"clone3\", \"close_range\"" (JSON). */
static void print_fallback(const struct patch_report *rep, const struct analyze_abi *a,
			   bool json)
{
	const struct systab_ent *t;
	size_t n, i, k = 0;

	t = systab_abi(a->abi, &n);
	for (i = 0; i < n; i++) {
		if (!analyze_by_fallback(a, rep->fallback, rep->nfallback, &t[i]))
			continue;
		printf("%s", k++ ? ", " : json ? "" : " ");
		if (json)
			json_str(systab_name(&t[i]));
		else
			printf("%s", systab_name(&t[i]));
	}
}

/* The answer of @prog for number @nr of @a's ABI. */
static uint32_t answer_nr(const struct sock_filter *prog, size_t len,
			  const struct analyze_abi *a, uint32_t nr)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = a->abi->audit };

	return cbpf_run(prog, len, &d);
}

/*
 * Does @prog already carry an ENOSYS stub for @a's ABI (enostub's, runc's)?
 * Every number is known, and the top of the ABI's numbers answers
 * ERRNO(ENOSYS): then *lo is where that run of ENOSYS starts.
 */
static bool carries_stub(const struct sock_filter *prog, size_t len,
			 const struct analyze_abi *a, uint32_t *lo)
{
	const uint32_t enosys = cbpf_ret_errno(ENOSYS);
	uint32_t nr = a->abi->nr_last;

	if (a->verdict != ANALYZE_FULL || answer_nr(prog, len, a, nr) != enosys)
		return false;
	while (nr > a->abi->nr_base && answer_nr(prog, len, a, nr - 1) == enosys)
		nr--;
	*lo = nr;
	return true;
}

/* "x86_64: no stub: it already carries an ENOSYS stub", its numbers, and
 * the named syscalls below them that answer ENOSYS too. */
static void print_carried(const struct sock_filter *prog, size_t len,
			  const struct analyze_abi *a, uint32_t lo)
{
	const struct systab_ent *t;
	size_t n, i, k = 0;

	printf("%s: no stub: it already carries an ENOSYS stub\n", a->abi->name);
	printf(a->abi->nr_base >= 0x10000 ? "  numbers %#x-%#x answer ENOSYS\n" :
	       "  numbers %u-%u answer ENOSYS\n", lo, a->abi->nr_last);
	t = systab_abi(a->abi, &n);
	for (i = 0; i < n; i++) {
		if (a->abi->nr_base + t[i].nr >= lo ||
		    answer_nr(prog, len, a, a->abi->nr_base + t[i].nr) != cbpf_ret_errno(ENOSYS))
			continue;
		printf("%s%s", k++ ? ", " : "  below them, ENOSYS too: ", systab_name(&t[i]));
	}
	if (k)
		printf("\n");
}

static void print_abi(const struct sock_filter *prog, size_t len,
		      const struct patch_report *rep, const struct analyze_abi *a)
{
	const struct systab_ent *e = systab_by_nr(a->abi, a->max_known);
	char act[48], kv[8];
	uint32_t lo;

	if (carries_stub(prog, len, a, &lo)) {
		print_carried(prog, len, a, lo);
		return;
	}
	printf("%s: %s: %s\n", a->abi->name,
	       a->verdict == ANALYZE_STUB ? "stub" : "no stub", a->why);
	if (a->has_known)
		printf(a->abi->nr_base >= 0x10000 ? "  largest known number: %#x" :
		       "  largest known number: %u", a->max_known);
	if (a->has_known && e)
		printf(" (%s, Linux %s)", systab_name(e), systab_kver_str(e->kver, kv));
	if (a->has_known)
		printf("\n");
	if (a->has_known && a->verdict != ANALYZE_UNSURE && a->verdict != ANALYZE_FULL)
		printf("  answer for unknown numbers above it: %s\n",
		       disasm_action(a->deflt, act, sizeof(act)));
	if (a->verdict != ANALYZE_STUB)
		return;
	if (a->strategy == ANALYZE_KERNEL_VERSION)
		printf("  kernel-version baseline %s: %u newer syscalls below the largest known\n",
		       systab_kver_str(a->baseline, kv), a->nadded);
	if (a->nfallback) {
		printf("  fallback-safe syscalls below the largest known (%u):", a->nfallback);
		print_fallback(rep, a, false);
		printf("\n");
	}
	printf("  ENOSYS for numbers");
	print_ranges(stdout, a, ", ");
	printf("\n  syscalls answered ENOSYS (%zu):", each_stubbed(a, NULL, NULL));
	each_stubbed(a, text_name, (void *)a);
	printf("\n");
}

/* The glibc rseq hazard for @abi (see patch_threads_abort()). */
static bool rseq_hazard(const struct sock_filter *orig, size_t olen,
			const struct sock_filter *patched, size_t plen,
			const struct arch_abi *abi)
{
	const struct systab_ent *c = systab_by_name(abi, "clone3");
	const struct systab_ent *r = systab_by_name(abi, "rseq");

	return c && r && plen &&
	       patch_threads_abort(orig, olen, patched, plen, abi->audit,
				   abi->nr_base + c->nr, abi->nr_base + r->nr);
}

#define RSEQ_TEXT \
	"rseq hazard (%s): with the stub, clone3 answers ENOSYS while this filter " \
	"refuses rseq. A program that registered rseq at startup (glibc 2.35+) " \
	"and installs the filter afterwards aborts when it next starts a thread " \
	"(\"rseq registration failed\"); without the stub pthread_create fails " \
	"with EPERM instead. Filters installed before exec are not affected. " \
	"Remedies: enostub run --no-rseq (GLIBC_TUNABLES=glibc.pthread.rseq=0), " \
	"allow_syscalls = [\"rseq\"] for that program in the configuration (a " \
	"deliberate weakening), or rseq_guard = true (threads keep failing " \
	"cleanly).\n"

static void print_common(const struct sock_filter *orig, size_t olen,
			 const struct sock_filter *patched, size_t plen,
			 const struct arch_abi *abi)
{
	char b1[48], b2[48];
	uint32_t o, p;
	size_t i;

	printf("common syscalls on %s, original -> patched:\n", abi->name);
	for (i = 0; i < N(common); i++) {
		if (!answer(orig, olen, abi, common[i], &o))
			continue;
		if (!answer(patched, plen, abi, common[i], &p))
			p = o;
		printf("  %-13s %-10s -> %s\n", common[i], short_verdict(o, b1, sizeof(b1)),
		       short_verdict(p, b2, sizeof(b2)));
	}
}

static void print_disasm(const struct sock_filter *prog, size_t len,
			 const struct opts *o)
{
	static struct disasm_ctx ctx[CBPF_MAX_INSNS];
	const struct arch_abi *fallback = NULL;
	char line[DISASM_LINE_MAX];
	size_t pc;

	/* a filter that never checks the arch: name numbers for the first ABI */
	if (!work.rep.abi[0].flow.arch_checked)
		fallback = o->abis[0];
	disasm_context(prog, len, ctx);
	printf("\ndisassembly:\n");
	for (pc = 0; pc < len; pc++)
		printf("%s\n", disasm_insn(prog, pc, ctx, fallback, line, sizeof(line)));
}

static void json_name(const struct systab_ent *e, size_t i, void *arg)
{
	(void)arg;
	printf("%s", i ? ", " : "");
	json_str(systab_name(e));
}

static void json_abi(const struct patch_report *rep, const struct analyze_abi *a)
{
	const struct systab_ent *e = systab_by_nr(a->abi, a->max_known);
	char act[48], kv[8];
	size_t r;

	printf("    {\"name\": ");
	json_str(a->abi->name);
	printf(", \"verdict\": \"%s\", \"why\": ", verdict_name(a->verdict));
	json_str(a->why);
	if (a->has_known) {
		printf(", \"largest_known\": %u, \"largest_known_name\": ", a->max_known);
		json_str(e ? systab_name(e) : "");
		printf(", \"default\": ");
		json_str(disasm_action(a->deflt, act, sizeof(act)));
	}
	printf(", \"strategy\": \"%s\"", strategy_name(a->strategy));
	if (a->strategy == ANALYZE_KERNEL_VERSION)
		printf(", \"baseline\": \"%s\", \"added\": %u",
		       systab_kver_str(a->baseline, kv), a->nadded);
	if (a->nfallback) {
		printf(", \"fallback_safe\": [");
		print_fallback(rep, a, true);
		printf("]");
	}
	printf(", \"ranges\": [");
	for (r = 0; r < a->nranges; r++)
		printf("%s[%u, %u]", r ? ", " : "", a->ranges[r].lo, a->ranges[r].hi);
	printf("], \"enosys\": [");
	each_stubbed(a, json_name, NULL);
	printf("]}");
}

static void json_report(const char *file, const struct sock_filter *orig,
			size_t olen, size_t plen, bool hazard)
{
	const struct patch_report *rep = &work.rep;
	const struct arch_abi *abi = rep->abi[0].abi;
	char b1[48], b2[48];
	uint32_t o, p;
	size_t i;

	printf("{\n  \"file\": ");
	json_str(file);
	printf(",\n  \"instructions\": %zu,\n  \"strategy\": \"%s\",\n  \"abis\": [\n",
	       olen, strategy_name(rep->strategy));
	for (i = 0; i < rep->nabis; i++) {
		json_abi(rep, &rep->abi[i]);
		printf(i + 1 < rep->nabis ? ",\n" : "\n");
	}
	printf("  ],\n  \"stub_instructions\": %zu,\n  \"longest_stub_path\": %zu,\n",
	       rep->stub_len, stub_longest_path(work.out, rep->stub_len));
	printf("  \"common\": {");
	for (i = 0; i < N(common); i++) {
		if (!answer(orig, olen, abi, common[i], &o))
			continue;
		if (!plen || !answer(work.out, plen, abi, common[i], &p))
			p = o;
		printf("%s\n    \"%s\": {\"original\": \"%s\", \"patched\": \"%s\"}",
		       i ? "," : "", common[i], short_verdict(o, b1, sizeof(b1)),
		       short_verdict(p, b2, sizeof(b2)));
	}
	printf("\n  },\n  \"rseq_hazard\": %s\n}\n", hazard ? "true" : "false");
}

static const char inspect_usage[] =
	"usage: enostub inspect FILE.bpf [--arch A[,B...]] [--strategy S]\n"
	"                       [--baseline V] [--no-fallback] [--summary] [--json]\n"
	"                       [-c CONFIG [--exe PATH] [--comm NAME]]\n";

int cli_inspect(int argc, char **argv)
{
	static struct sock_filter prog[CBPF_MAX_INSNS];
	struct opts o;
	size_t len, plen, i;
	bool hazard;
	int first, rc;

	rc = parse_opts(argc, argv, inspect_usage, &o, &first);
	if (rc)
		return rc;
	if (argc - first != 1) {
		fputs(inspect_usage, stderr);
		return 2;
	}
	if (apply_policy(&o) || load_bpf(argv[first], prog, &len))
		return 1;
	choose_abis(prog, len, &o);
	rc = patch_filter(prog, len, o.abis, o.nabis, &o.po, &work, &plen);
	if (rc == -E2BIG)
		plen = 0;
	else if (rc)
		return fail("%s: %s", argv[first], work.rep.why);
	hazard = rseq_hazard(prog, len, work.out, plen, o.abis[0]);
	if (o.json) {
		json_report(argv[first], prog, len, plen, hazard);
		return 0;
	}
	printf("%s: %zu instructions, a valid seccomp filter\n", argv[first], len);
	print_config(&o);
	printf("strategy %s: %s", strategy_name(work.rep.strategy), work.rep.why);
	if (plen)
		printf("; %zu stub instructions, longest stub path %zu",
		       work.rep.stub_len, stub_longest_path(work.out, work.rep.stub_len));
	print_allowed(stdout, &o);
	if (work.rep.guarded)
		printf("; rseq_guard: clone3 left to the filter");
	print_translated(stdout, "\n");
	printf("\n\n");
	for (i = 0; i < work.rep.nabis; i++)
		print_abi(prog, len, &work.rep, &work.rep.abi[i]);
	printf("\n");
	print_common(prog, len, plen ? work.out : prog, plen ? plen : len, o.abis[0]);
	if (hazard)
		printf("\n" RSEQ_TEXT, o.abis[0]->name);
	if (!o.summary)
		print_disasm(prog, len, &o);
	return 0;
}

static const char patch_usage[] =
	"usage: enostub patch IN.bpf OUT.bpf|- [--arch A[,B...]] [--strategy S]\n"
	"                     [--baseline V] [--no-fallback]\n"
	"                     [-c CONFIG [--exe PATH] [--comm NAME]]\n";

/* Writes all of @buf to @fd; 0 or -errno. */
static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The length of the directory part of @path, its last '/' included. */
static int dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (int)(slash - path) + 1 : 0;
}

/* The kernel's protected_symlinks rule, whatever the sysctl says: the link
 * @lnk at @path, in a sticky world-writable directory, is followed only if it
 * is ours or the directory owner's. */
static bool link_trusted(const char *path, const struct stat *lnk)
{
	char dir[PATH_MAX];
	struct stat d;

	if (lnk->st_uid == geteuid())
		return true;
	snprintf(dir, sizeof(dir), "%.*s", dir_len(path), path);
	if (stat(dir[0] ? dir : ".", &d))
		return false;
	return (d.st_mode & (S_ISVTX | S_IWOTH)) != (S_ISVTX | S_IWOTH) ||
	       lnk->st_uid == d.st_uid;
}

/* OUT as found: true with its stat in @st if it exists, following a trusted
 * symlink; false if it does not (or an untrusted link, to be replaced). */
static bool out_exists(const char *path, struct stat *st)
{
	if (lstat(path, st))
		return false;
	if (S_ISLNK(st->st_mode))
		return link_trusted(path, st) && stat(path, st) == 0;
	return true;
}

/* Replaces @path by a file of @n bytes with @mode: a temporary of
 * unpredictable name made with O_EXCL next to it, then rename(): no
 * half-written filter, nothing followed. 0 or -errno. */
static int replace(const char *path, const void *buf, size_t n, mode_t mode)
{
	char tmp[PATH_MAX];
	int len = dir_len(path), fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%.*s.%.200s.XXXXXX", len, path,
		     path + len) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, buf, n);
	if (rc == 0 && fchmod(fd, mode))
		rc = -errno;
	if (close(fd) && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* Writes @n bytes into the existing FIFO or device @path (as @st found it)
 * in place: no creation, no truncation; -ESTALE if it was swapped since. */
static int write_in_place(const char *path, const struct stat *st,
			  const void *buf, size_t n)
{
	struct stat now;
	int fd, rc;

	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &now) || now.st_dev != st->st_dev || now.st_ino != st->st_ino)
		rc = -ESTALE;
	else
		rc = write_all(fd, buf, n);
	if (close(fd) && rc == 0)
		rc = -errno;
	return rc;
}

/* The umask, left as it was. */
static mode_t current_umask(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return mask;
}

/* Writes the filter to @path: "-" is standard output, an existing regular
 * file is replaced keeping its permission bits, a new one gets 0666 less the
 * umask, any other existing file (FIFO, device) is written in place. */
static int write_bpf(const char *path, const struct sock_filter *p, size_t len)
{
	size_t n = len * sizeof(*p);
	struct stat st;
	int rc;

	if (strcmp(path, "-") == 0)
		rc = write_all(STDOUT_FILENO, p, n);
	else if (!out_exists(path, &st))
		rc = replace(path, p, n, 0666 & ~current_umask());
	else if (S_ISREG(st.st_mode))
		rc = replace(path, p, n, st.st_mode & 0777);
	else if ((rc = write_in_place(path, &st, p, n)) == -ESTALE)
		return fail("%s: replaced while being opened, not written", path);
	if (rc)
		return fail("%s: %s", path, strerror(-rc));
	return 0;
}

/* Where the summary goes: standard error when the filter goes to standard
 * output ("-", /dev/stdout, the file stdout is redirected to). */
static FILE *summary_stream(const char *path)
{
	struct stat a, b;

	if (strcmp(path, "-") == 0)
		return stderr;
	if (stat(path, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return stderr;
	return stdout;
}

static void summary_abis(FILE *f)
{
	size_t i;

	for (i = 0; i < work.rep.nabis; i++) {
		const struct analyze_abi *a = &work.rep.abi[i];

		if (a->verdict != ANALYZE_STUB)
			continue;
		fprintf(f, "; %s", a->abi->name);
		print_ranges(f, a, ",");
	}
}

int cli_patch(int argc, char **argv)
{
	static struct sock_filter prog[CBPF_MAX_INSNS];
	struct seccomp_data bad;
	unsigned long checked;
	struct opts o;
	size_t len, plen;
	int first, rc;
	FILE *msg;

	rc = parse_opts(argc, argv, patch_usage, &o, &first);
	if (rc)
		return rc;
	if (argc - first != 2 || o.json || o.summary) {
		fputs(patch_usage, stderr);
		return 2;
	}
	if (apply_policy(&o) || load_bpf(argv[first], prog, &len))
		return 1;
	choose_abis(prog, len, &o);
	rc = patch_filter(prog, len, o.abis, o.nabis, &o.po, &work, &plen);
	if (rc && rc != -E2BIG)
		return fail("%s: not patched: %s", argv[first], work.rep.why);
	msg = summary_stream(argv[first + 1]);
	if (o.mode != POLICY_PATCH) {
		if (write_bpf(argv[first + 1], prog, len))
			return 1;
		fprintf(msg, "%s: unchanged (mode %s in %s), %zu instructions written to %s\n",
			argv[first], policy_mode_names[o.mode], o.conf, len, argv[first + 1]);
		return 0;
	}
	if (plen == 0 || rc == -E2BIG) {
		/* what the library forwards: the original */
		if (write_bpf(argv[first + 1], prog, len))
			return 1;
		fprintf(msg, "%s: unchanged (%s), %zu instructions written to %s\n",
			argv[first], rc ? "the stub would make it longer than 4096 "
			"instructions, the kernel's limit; the library forwards it "
			"untouched too" : work.rep.why, len, argv[first + 1]);
		return 0;
	}
	rc = patch_verify(prog, len, work.out, plen, &o.po, &bad, &checked);
	if (rc)
		return fail("%s: refusing to write: the patched filter %s (arch %#x "
			    "nr %d); please report this", argv[first],
			    rc == -EINVAL ? "is invalid" : "changes a verdict it must keep",
			    bad.arch, bad.nr);
	if (write_bpf(argv[first + 1], work.out, plen))
		return 1;
	fprintf(msg, "%s: patched (%s), %zu + %zu instructions, verified on %lu numbers",
		argv[first], strategy_name(work.rep.strategy), work.rep.stub_len, len,
		checked);
	summary_abis(msg);
	print_allowed(msg, &o);
	if (work.rep.guarded)
		fprintf(msg, "; rseq_guard: clone3 left to the filter");
	print_translated(msg, "; ");
	fprintf(msg, " -> %s\n", argv[first + 1]);
	return 0;
}

/* The filters of a process, index 0 the oldest: PTRACE_SECCOMP_GET_FILTER's
 * order. The kernel bounds how many there are (32768 instructions, each
 * filter counting 4 more), not this. */
struct stack {
	struct sock_filter **p;
	size_t *len;
	size_t n, cap;
};

/* The process being dumped. */
struct target {
	long pid;
	char comm[64];
	char exe[CONF_PATH_MAX * 4];    /* /proc/PID/exe, "" if unreadable */
	const struct arch_abi *abi;     /* of its executable */
	char kind[48];                  /* "a 64-bit x86_64 program" */
	int rseq;                       /* registered rseq: 1, 0, -1 unknown */
};

#ifndef PF_KTHREAD
#define PF_KTHREAD 0x00200000
#endif

static int stack_grow(struct stack *s)
{
	size_t cap = s->cap ? 2 * s->cap : 16;
	struct sock_filter **p = realloc(s->p, cap * sizeof(*p));
	size_t *len;

	if (!p)
		return -fail("out of memory");
	s->p = p;
	len = realloc(s->len, cap * sizeof(*len));
	if (!len)
		return -fail("out of memory");
	s->len = len;
	s->cap = cap;
	return 0;
}

/* Filter @i of @pid into @s: 0, 1 when there is none, -1 on error. */
static int get_filter(pid_t pid, size_t i, struct stack *s)
{
	long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, NULL);

	if (n < 0 && errno == ENOENT)
		return 1;                       /* no more filters */
	if (n < 0 && errno == EINVAL && i == 0)
		return 1;                       /* not in filter mode: none */
	if (n < 0 && errno == EACCES)
		return -fail("reading filters needs CAP_SYS_ADMIN, and enostub itself "
			     "must not run under seccomp: run it as root, outside "
			     "the sandbox");
	if (n <= 0 || n > CBPF_MAX_INSNS)
		return -fail("PTRACE_SECCOMP_GET_FILTER %zu: %s", i,
			     n < 0 ? strerror(errno) : "bad length");
	if (i == s->cap && stack_grow(s))
		return -1;
	s->p[i] = calloc((size_t)n, sizeof(struct sock_filter));
	if (!s->p[i])
		return -fail("out of memory");
	if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, s->p[i]) != n)
		return -fail("PTRACE_SECCOMP_GET_FILTER %zu: %s", i, strerror(errno));
	s->len[i] = (size_t)n;
	s->n = i + 1;
	return 0;
}

/* The first line of @path into @buf ("" if unreadable). */
static void first_line(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "re");

	buf[0] = '\0';
	if (!fp)
		return;
	if (!fgets(buf, (int)size, fp))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
}

void cli_proc_line(long pid, const char *name, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/%s", pid, name);
	first_line(path, buf, size);
}

/* The tracer of @pid from /proc/PID/status, 0 if none. */
static long tracer_of(long pid)
{
	char path[64], line[256];
	long tracer = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "TracerPid: %ld", &tracer) == 1)
			break;
	fclose(fp);
	return tracer;
}

/* PTRACE_SEIZE refused @t with EPERM: say what is really wrong. */
static int seize_refused(const struct target *t)
{
	char stat[1024], comm[64];
	const char *p;
	unsigned long flags = 0;
	long tracer;
	char state = '?';

	cli_proc_line(t->pid, "stat", stat, sizeof(stat));
	p = strrchr(stat, ')');
	if (p)
		sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags);
	if (state == 'Z' || state == 'X')
		return fail("%ld (%s) is a zombie: it has exited (its parent has not "
			    "reaped it yet) and has no filters left", t->pid, t->comm);
	if (flags & PF_KTHREAD)
		return fail("%ld (%s) is a kernel thread: kernel threads have no "
			    "seccomp filters", t->pid, t->comm);
	tracer = tracer_of(t->pid);
	if (tracer) {
		cli_proc_line(tracer, "comm", comm, sizeof(comm));
		return fail("%ld (%s) is already traced by process %ld (%s): a process "
			    "has one tracer at a time", t->pid, t->comm, tracer, comm);
	}
	if (geteuid() != 0)
		return fail("cannot trace %ld: %s (needs CAP_SYS_PTRACE, and "
			    "CAP_SYS_ADMIN to read filters: run as root)", t->pid,
			    strerror(EPERM));
	first_line("/proc/sys/kernel/yama/ptrace_scope", comm, sizeof(comm));
	return fail("cannot trace %ld: %s, even as root (kernel.yama.ptrace_scope "
		    "is %s; else a security module refuses)", t->pid, strerror(EPERM),
		    comm[0] ? comm : "not set");
}

/* PTRACE_GET_RSEQ_CONFIGURATION (Linux 5.13) */
struct rseq_conf {
	uint64_t abi_pointer;
	uint32_t abi_size, signature, flags, pad;
};

static int read_stack(struct target *t, struct stack *s)
{
	pid_t pid = (pid_t)t->pid;
	struct rseq_conf rc;
	int st, rc_get = 0;
	size_t i;

	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL)) {
		if (errno == ESRCH)
			return fail("%d: no such process", (int)pid);
		if (errno == EPERM)
			return seize_refused(t);
		return fail("cannot trace %d: %s", (int)pid, strerror(errno));
	}
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) || waitpid(pid, &st, __WALL) != pid ||
	    !WIFSTOPPED(st)) {
		rc_get = fail("%d: could not stop it to read its filters", (int)pid);
		goto out;
	}
	for (i = 0; rc_get == 0; i++)
		rc_get = get_filter(pid, i, s);
	rc_get = rc_get < 0 ? 1 : 0;
	memset(&rc, 0, sizeof(rc));
	t->rseq = ptrace(PTRACE_GET_RSEQ_CONFIGURATION, pid, (void *)sizeof(rc), &rc) < 0 ?
		  -1 : rc.abi_pointer != 0;
out:
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return rc_get;
}

/* ELF e_machine, class, byte order, flag -> ABI. */
static const struct elf_abi {
	uint16_t machine;
	uint8_t class, data;    /* 0: any */
	uint32_t flag;          /* an e_flags bit that must be set, or clear with !flag */
	bool want;
	char name[12];
} elf_abis[] = {
	{ EM_X86_64, ELFCLASS64, 0, 0, 0, "x86_64" },
	{ EM_X86_64, ELFCLASS32, 0, 0, 0, "x32" },
	{ EM_386, 0, 0, 0, 0, "x86" },
	{ EM_AARCH64, 0, 0, 0, 0, "aarch64" },
	{ EM_ARM, 0, 0, 0, 0, "arm" },
	{ EM_MIPS, ELFCLASS64, ELFDATA2MSB, 0, 0, "mips64" },
	{ EM_MIPS, ELFCLASS64, ELFDATA2LSB, 0, 0, "mipsel64" },
	{ EM_MIPS, ELFCLASS32, ELFDATA2MSB, EF_MIPS_ABI2, true, "mips64n32" },
	{ EM_MIPS, ELFCLASS32, ELFDATA2LSB, EF_MIPS_ABI2, true, "mipsel64n32" },
	{ EM_MIPS, ELFCLASS32, ELFDATA2MSB, 0, 0, "mips" },
	{ EM_MIPS, ELFCLASS32, ELFDATA2LSB, 0, 0, "mipsel" },
	{ EM_PPC64, 0, ELFDATA2MSB, 0, 0, "ppc64" },
	{ EM_PPC64, 0, ELFDATA2LSB, 0, 0, "ppc64le" },
	{ EM_PPC, 0, 0, 0, 0, "ppc" },
	{ EM_S390, ELFCLASS64, 0, 0, 0, "s390x" },
	{ EM_S390, ELFCLASS32, 0, 0, 0, "s390" },
	{ EM_PARISC, ELFCLASS64, 0, 0, 0, "parisc64" },
	{ EM_PARISC, ELFCLASS32, 0, 0, 0, "parisc" },
	{ EM_RISCV, ELFCLASS64, 0, 0, 0, "riscv64" },
	{ EM_LOONGARCH, 0, 0, 0, 0, "loongarch64" },
	{ EM_68K, 0, 0, 0, 0, "m68k" },
	{ EM_SH, 0, ELFDATA2LSB, 0, 0, "sh" },
	{ EM_SH, 0, ELFDATA2MSB, 0, 0, "sheb" },
};

/* A 16- or 32-bit field of an ELF header in its own byte order. */
static uint32_t elf_field(const unsigned char *h, size_t off, size_t size)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)h[off + i] << 8 * (h[EI_DATA] == ELFDATA2MSB ? size - 1 - i : i);
	return v;
}

/* The ABI @t's system calls use, from its executable's ELF header; this
 * build's own when that cannot be read. */
static void target_abi(struct target *t)
{
	unsigned char h[64] = { 0 };
	char path[64];
	uint32_t machine, flags;
	size_t i, nn;
	ssize_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/exe", t->pid);
	n = readlink(path, t->exe, sizeof(t->exe) - 1);
	t->exe[n > 0 ? n : 0] = '\0';
	fp = fopen(path, "re");
	if (fp) {
		if (fread(h, 1, sizeof(h), fp) != sizeof(h))
			h[0] = 0;
		fclose(fp);
	}
	t->abi = arch_native(&nn)[0];
	snprintf(t->kind, sizeof(t->kind), "executable unreadable, assumed %s", t->abi->name);
	if (memcmp(h, ELFMAG, SELFMAG) != 0)
		return;
	machine = elf_field(h, 18, 2);
	flags = elf_field(h, h[EI_CLASS] == ELFCLASS64 ? 48 : 36, 4);
	for (i = 0; i < N(elf_abis); i++) {
		const struct elf_abi *e = &elf_abis[i];

		if (e->machine != machine || (e->class && e->class != h[EI_CLASS]) ||
		    (e->data && e->data != h[EI_DATA]) || (e->want && !(flags & e->flag)))
			continue;
		t->abi = arch_by_name(e->name);
		snprintf(t->kind, sizeof(t->kind), "a %d-bit %s program",
			 h[EI_CLASS] == ELFCLASS64 ? 64 : 32, e->name);
		return;
	}
}

/* What the kernel answers with every filter (seccomp_run_filters()): the
 * lowest action value wins, and among equal ones the newest filter's. */
static uint32_t stack_answer(const struct stack *s, const struct seccomp_data *d)
{
	uint32_t ret = SECCOMP_RET_ALLOW, cur;
	size_t i;

	for (i = s->n; i-- > 0;) {
		cur = cbpf_run(s->p[i], s->len[i], d);
		if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) <
		    (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
			ret = cur;
	}
	return ret;
}

static bool stack_common(const struct stack *s, const struct arch_abi *abi,
			 const char *name, uint32_t *ret)
{
	struct seccomp_data d;

	if (!syscall_data(abi, name, &d))
		return false;
	*ret = stack_answer(s, &d);
	return true;
}

static void dump_filter(const struct stack *s, size_t i, struct opts *o)
{
	size_t plen, a;

	o->nabis = 0;
	choose_abis(s->p[i], s->len[i], o);
	patch_filter(s->p[i], s->len[i], o->abis, o->nabis, &o->po, &work, &plen);
	if (o->json) {
		printf("%s    {\"index\": %zu, \"instructions\": %zu, \"abis\": [\n",
		       i ? ",\n" : "", i, s->len[i]);
		for (a = 0; a < work.rep.nabis; a++) {
			printf("  ");
			json_abi(&work.rep, &work.rep.abi[a]);
			printf(a + 1 < work.rep.nabis ? ",\n" : "\n");
		}
		printf("    ]}");
		return;
	}
	printf("\nfilter %zu%s: %zu instructions; enostub would: %s", i,
	       i + 1 == s->n ? " (newest)" : i == 0 ? " (oldest)" : "", s->len[i],
	       work.rep.why);
	print_translated(stdout, "; ");
	printf("\n");
	for (a = 0; a < work.rep.nabis; a++)
		print_abi(s->p[i], s->len[i], &work.rep, &work.rep.abi[a]);
}

#define DUMP_RSEQ_TEXT \
	"rseq hazard (%s): these filters answer clone3 with ENOSYS and refuse " \
	"rseq, and %s: the next thread it starts through clone aborts (\"rseq " \
	"registration failed\"). For its next start: enostub run --no-rseq " \
	"(GLIBC_TUNABLES=glibc.pthread.rseq=0), allow_syscalls = [\"rseq\"] for " \
	"that program in the configuration (a deliberate weakening), or " \
	"rseq_guard = true (threads keep failing cleanly).\n"

/* clone3 answers ENOSYS, rseq is refused, and rseq was (or may have been)
 * registered before: a new thread aborts. */
static bool dump_hazard(const struct stack *s, const struct target *t)
{
	uint32_t c3, rs;

	return t->rseq != 0 && stack_common(s, t->abi, "clone3", &c3) &&
	       stack_common(s, t->abi, "rseq", &rs) && c3 == cbpf_ret_errno(ENOSYS) &&
	       !analyze_runs_call(rs);
}

static void dump_verdicts(const struct stack *s, const struct target *t, bool json)
{
	bool hazard = dump_hazard(s, t);
	uint32_t ret;
	char buf[48];
	size_t i;

	printf(json ? "  \"verdicts\": {" : "\nverdicts on %s, all filters together:\n",
	       t->abi->name);
	for (i = 0; i < N(common); i++) {
		if (!stack_common(s, t->abi, common[i], &ret))
			continue;
		if (json)
			printf("%s\n    \"%s\": \"%s\"", i ? "," : "", common[i],
			       short_verdict(ret, buf, sizeof(buf)));
		else
			printf("  %-13s %s\n", common[i], short_verdict(ret, buf, sizeof(buf)));
	}
	if (json)
		printf("\n  },\n  \"rseq_registered\": %s,\n  \"rseq_hazard\": %s\n}\n",
		       t->rseq < 0 ? "null" : t->rseq ? "true" : "false",
		       hazard ? "true" : "false");
	else if (hazard)
		printf("\n" DUMP_RSEQ_TEXT, t->abi->name, t->rseq > 0 ?
		       "this process registered rseq" :
		       "if this process registered rseq at startup (glibc 2.35+)");
}

/* A process id: decimal digits only, 1 .. 2^30 - 1 (PID_MAX_LIMIT). */
static bool parse_pid(const char *s, long *pid)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*pid = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' && *pid > 0 && *pid <= 0x3fffffff;
}

static void dump_header(const struct target *t, const struct stack *s, bool json)
{
	if (json) {
		printf("{\n  \"pid\": %ld,\n  \"comm\": ", t->pid);
		json_str(t->comm);
		printf(",\n  \"abi\": \"%s\",\n  \"filters\": [\n", t->abi->name);
		return;
	}
	printf("process %ld (%s): %zu seccomp filter%s%s\n", t->pid, t->comm, s->n,
	       s->n == 1 ? "" : "s", s->n > 1 ? ", oldest first" : "");
	printf("ABI: %s (%s)\n", t->abi->name, t->kind);
}

static const char dump_usage[] =
	"usage: enostub dump PID [--json] [-c CONFIG [--exe PATH] [--comm NAME]]\n";

int cli_dump(int argc, char **argv)
{
	static struct stack s;
	static struct target t = { .comm = "?" };
	struct opts o;
	size_t i;
	int first, rc;

	rc = parse_opts(argc, argv, dump_usage, &o, &first);
	if (rc)
		return rc;
	if (argc - first != 1 || o.summary) {
		fputs(dump_usage, stderr);
		return 2;
	}
	if (!parse_pid(argv[first], &t.pid))
		return fail("\"%s\" is not a process id", argv[first]);
	cli_proc_line(t.pid, "comm", t.comm, sizeof(t.comm));
	if (!t.comm[0])
		snprintf(t.comm, sizeof(t.comm), "?");
	if (read_stack(&t, &s))
		return 1;
	target_abi(&t);
	if (o.cc.file && !o.cc.exe && !o.cc.comm) {
		/* the rule the library picked in that process */
		o.cc.exe = t.exe[0] ? t.exe : NULL;
		o.cc.comm = t.comm;
	}
	if (apply_policy(&o))
		return 1;
	dump_header(&t, &s, o.json);
	if (!o.json)
		print_config(&o);
	for (i = 0; i < s.n; i++)
		dump_filter(&s, i, &o);
	if (o.json)
		printf("\n  ],\n");
	dump_verdicts(&s, &t, o.json);
	return 0;
}
