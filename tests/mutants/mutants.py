#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation testing of enostub's soundness-critical core.

Each mutant changes one thing in one of shim/core/analyze.c, shim/core/stub.c,
shim/core/patch.c, shim/core/cbpf.c (a relational or logical operator, a constant +-1,
a condition forced true or false, an "unsure" answer made definite, a
statement deleted). For each, in a scratch copy of the tree, the core is
rebuilt and the fast suites run in order, stopping at the first failure:
the unit tests of the core, then the property test (never-weaker, the
cache, the shared pass over the corpus, libseccomp's filters and hand-made
shapes, in its quick mode; with --full then whole), then,
with --fuzz, the fuzz target for a fixed number of runs from a fixed seed.
A mutant is killed when a suite fails (or times out), survives when all
pass, is stillborn when it does not compile, and equivalent when
tests/mutants/equivalent.txt says it cannot change behaviour (with the
reason). Mutants are listed in a fixed order with stable ids, so a run is
reproducible; --sample N --seed S picks N of them the same way each time.

  tests/mutants/mutants.py [--files F...] [--sample N] [--seed S] [--jobs J]
                           [--fuzz] [--list] [--only ID...]

Exit status: 0 when every non-equivalent mutant of the files that must be
fully killed (analyze.c, stub.c; all files with --sample) was killed, 1
otherwise, 2 on a harness error.
"""
import argparse
import concurrent.futures
import hashlib
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

FILES = ["shim/core/analyze.c", "shim/core/stub.c", "shim/core/patch.c", "shim/core/cbpf.c"]
MUST_KILL = {"shim/core/analyze.c", "shim/core/stub.c"}
UNIT = ["tests/unit/test_cbpf", "tests/unit/test_analyze", "tests/unit/test_kver",
        "tests/unit/test_stub"]
PROPERTY = "tests/unit/test_property"
FUZZ_RUNS = 20000

ROR = [("<=", "<"), ("<", "<="), (">=", ">"), (">", ">="), ("==", "!="), ("!=", "==")]
LCR = [("&&", "||"), ("||", "&&")]
NO_DELETE = re.compile(r"^\s*(return|break|continue|goto|case|default|else|do|"
                       r"const|static|struct|enum|union|unsigned|signed|int|long|"
                       r"short|char|bool|size_t|ssize_t|uint\w+|int\w+|void|"
                       r"#|\}|\{)")


def strip_comments(lines):
    """The code of each line, with comments and strings blanked (same length)."""
    out, in_block = [], False
    for line in lines:
        code, i = [], 0
        while i < len(line):
            if in_block:
                if line.startswith("*/", i):
                    in_block = False
                    code.append("  ")
                    i += 2
                else:
                    code.append(" ")
                    i += 1
            elif line.startswith("/*", i):
                in_block = True
                code.append("  ")
                i += 2
            elif line.startswith("//", i):
                code.append(" " * (len(line) - i))
                break
            elif line[i] in "\"'":
                q, j = line[i], i + 1
                while j < len(line) and line[j] != q:
                    j += 2 if line[j] == "\\" else 1
                code.append(" " * (min(j, len(line) - 1) - i + 1))
                i = j + 1
            else:
                code.append(line[i])
                i += 1
        out.append("".join(code)[:len(line)])
    return out


def functions(code):
    """The enclosing function's name for every line (None outside one)."""
    names, current, depth = [], None, 0
    for line in code:
        m = re.match(r"^[a-z].*?\b([a-z_][a-z0-9_]*)\s*\(", line)
        if depth == 0 and m and not line.rstrip().endswith(";"):
            current = m.group(1)
        names.append(current if depth > 0 or m else None)
        depth += line.count("{") - line.count("}")
        if depth == 0 and "}" in line:
            current = None
    return names


def operator_sites(code, op):
    """Columns where @op stands as an operator (not part of a longer one)."""
    sites, start = [], 0
    while True:
        i = code.find(op, start)
        if i < 0:
            return sites
        before = code[i - 1] if i else " "
        after = code[i + len(op)] if i + len(op) < len(code) else " "
        longer = before + op + after
        if op in ("<", ">") and (before in "<>-=" or after in "<>="):
            pass
        elif op in ("<=", ">=") and (before in "<>" or longer.startswith("<<=")):
            pass
        elif op in ("==", "!=") and (before in "=!<>" or after == "="):
            pass
        else:
            sites.append(i)
        start = i + len(op)


def balanced(text):
    """Does @text open and close its parentheses in order, as one group?"""
    depth = 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0


def mutations_of_line(code, line):
    """(op, column, new line) for every mutation of one line of code."""
    out = []
    if not code.strip() or code.lstrip().startswith("#"):
        return out
    for old, new in ROR + LCR:
        for col in operator_sites(code, old):
            out.append(("%s>%s" % (old, new), col, line[:col] + new + line[col + len(old):]))
    for m in re.finditer(r"(?<![\w.])(0x[0-9a-fA-F]+|\d+)[uUlL]*(?![\w.])", code):
        text = m.group(1)
        value = int(text, 0)
        for d in (1, -1):
            if value + d < 0:
                continue
            rep = hex(value + d) if text.startswith("0x") else str(value + d)
            out.append(("const%+d" % d, m.start(1),
                        line[:m.start(1)] + rep + line[m.end(1):]))
    m = re.match(r"^(\s*(?:\}\s*else\s+)?if\s*)\(", code)
    end = code.rstrip()
    close = end.rfind(")")
    if m and end.endswith((")", "{")) and close > len(m.group(1)) and \
            balanced(code[len(m.group(1)):close + 1]):
        for forced in ("1", "0"):
            out.append(("if(%s)" % forced, len(m.group(1)),
                        line[:len(m.group(1))] + "(" + forced + ")" + line[close + 1:]))
    for old, new in (("return -1;", "return 0;"), ("return -1;", "return 1;"),
                     ("return true;", "return false;"), ("return false;", "return true;")):
        col = code.find(old)
        if col >= 0:
            out.append(("ret:%s" % new.split()[1].rstrip(";"), col,
                        line[:col] + new + line[col + len(old):]))
    if re.search(r"[^!=<>]!\s*[a-z_(]", " " + code) and "!=" not in code:
        col = code.find("!")
        out.append(("not", col, line[:col] + line[col + 1:]))
    stripped = code.strip()
    if stripped.endswith(";") and not NO_DELETE.match(code) and \
            ("(" in code or re.search(r"[+\-*/|&^]?=|\+\+|--", code)):
        out.append(("delete", 0, "\n"))
    return out


def mutants_of(root, path):
    with open(os.path.join(root, path)) as f:
        lines = f.readlines()
    code = strip_comments([l.rstrip("\n") for l in lines])
    funcs = functions(code)
    found = []
    for n, (c, l) in enumerate(zip(code, lines)):
        if funcs[n] is None:
            continue
        for op, col, new in mutations_of_line(c, l.rstrip("\n")):
            if not new.endswith("\n"):
                new += "\n"
            digest = hashlib.sha1(("%s|%d|%s" % (l.strip(), col, op)).encode()).hexdigest()[:8]
            mid = "%s:%s:%s:%s" % (os.path.basename(path), funcs[n], op, digest)
            found.append({"id": mid, "file": path, "line": n, "old": l, "new": new})
    seen, unique = set(), []
    for m in found:	# the same text twice in a function: keep the first
        if m["id"] not in seen:
            seen.add(m["id"])
            unique.append(m)
    return unique


def load_list(root, name):
    """tests/mutants/NAME: "ID reason" lines, # comments."""
    eq = {}
    path = os.path.join(root, "tests/mutants", name)
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith("#"):
                mid, _, why = line.partition(" ")
                eq[mid] = why.strip()
    return eq


def run(cmd, cwd, timeout, env=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, env=env)
        return p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


WARN = ["-Wall", "-Wextra", "-Wshadow", "-Wstrict-prototypes", "-Wmissing-prototypes"]
# Everything the unit tests link: the whole core, the configuration, the log.
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORE = sorted(os.path.relpath(c, _ROOT) for c in glob.glob(os.path.join(_ROOT, "shim/core/*.c"))) + \
    ["shim/config/conf.c", "shim/preload/log.c"]


class Worker:
    """A scratch copy of the tree. The core is a shared library the test
    binaries load (rpath), so a mutant costs one compile and one link."""

    def __init__(self, root, base, fuzz, full):
        self.full = full
        self.dir = tempfile.mkdtemp(prefix="w", dir=base)
        for d in ("shim", "tests/unit", "tests/corpus", "tests/fuzz", "conf"):
            shutil.copytree(os.path.join(root, d), os.path.join(self.dir, d),
                            ignore=shutil.ignore_patterns("*.o", "*.so", "enostub",
                                                          "test_*[!c]"))
        self.fuzz = fuzz
        self.lib = os.path.join(self.dir, "libcore.so")
        self.fuzzlib = os.path.join(self.dir, "libcore-fuzz.so")
        for c in CORE:
            rc, out = self.compile(c)
            if rc != 0:
                raise SystemExit("mutants: %s does not build:\n%s" % (c, out))
        defs = ['-D%s="%s"' % (k, os.path.join(self.dir, v)) for k, v in (
            ("CORPUS_DIR", "tests/corpus"), ("CONF_DIR", "conf"), ("SHIM_PATH", "x"),
            ("HELPER_PATH", "x"), ("EARLY_PATH", "x"), ("CLI_PATH", "x"),
            ("GOLDEN_DIR", "x"))]
        for t in UNIT + [PROPERTY]:
            rc, out = run(["cc", "-std=gnu11", "-O2", "-Wno-missing-prototypes", "-Ishim", "-Ishim/core", "-Ishim/config", "-Ishim/preload",
                           "-Itests/unit"] + defs + [t + ".c", "-o", t, "-L.", "-lcore",
                           "-Wl,-rpath," + self.dir, "-lcmocka", "-lseccomp"],
                          self.dir, 120)
            if rc != 0:
                raise SystemExit("mutants: %s does not build:\n%s" % (t, out))
        if fuzz:
            rc, out = run(["clang", "-std=gnu11", "-g", "-O1", "-fsanitize=fuzzer,address,undefined",
                           "-fno-sanitize-recover=all", "-Ishim", "-Ishim/core", "-Ishim/config", "-Ishim/preload", "-Itests/unit",
                           "tests/fuzz/fuzz_patch.c", "-o", "fuzz_patch", "-L.",
                           "-lcore-fuzz", "-Wl,-rpath," + self.dir], self.dir, 300)
            if rc != 0:
                raise SystemExit("mutants: the fuzz target does not build:\n" + out)
        for t in UNIT + [PROPERTY]:
            rc, out = run(["./" + t], self.dir, 300)
            if rc != 0:
                raise SystemExit("mutants: %s fails without a mutant:\n%s" % (t, out[-2000:]))

    def compile(self, c):
        """Rebuild @c's object(s) and the core libraries."""
        o = os.path.join(self.dir, os.path.basename(c)[:-2] + ".o")
        rc, out = run(["cc", "-std=gnu11", "-fPIC", "-O1"] + WARN + ["-Werror", "-Ishim", "-DLIBCONFIG_SONAME=\"%s\"" % os.environ.get("LIBCONFIG_SONAME", "libconfig.so.9"), "-c", c,
                      "-o", o], self.dir, 120)
        if rc != 0:
            return rc, out
        objs = [os.path.join(self.dir, os.path.basename(x)[:-2] + ".o") for x in CORE]
        if all(os.path.exists(x) for x in objs):
            rc, out = run(["cc", "-shared", "-o", self.lib] + objs, self.dir, 60)
        if rc != 0 or not self.fuzz:
            return rc, out
        fo = o[:-2] + ".fuzz.o"
        rc, out = run(["clang", "-std=gnu11", "-fPIC", "-g", "-O1", "-fno-omit-frame-pointer",
                       "-fsanitize=fuzzer-no-link,address,undefined",
                       "-fno-sanitize-recover=all", "-Ishim", "-c", c, "-o", fo], self.dir, 120)
        fobjs = [x[:-2] + ".fuzz.o" for x in objs]
        if rc == 0 and all(os.path.exists(x) for x in fobjs):
            rc, out = run(["clang", "-shared", "-fsanitize=address,undefined", "-o",
                           self.fuzzlib] + fobjs, self.dir, 60)
        return rc, out

    def test(self, m):
        path = os.path.join(self.dir, m["file"])
        with open(path) as f:
            lines = f.readlines()
        original = list(lines)
        lines[m["line"]] = m["new"]
        with open(path, "w") as f:
            f.writelines(lines)
        try:
            rc, out = self.compile(m["file"])
            if rc != 0:
                return "stillborn", ""
            quick = dict(os.environ, ENOSTUB_QUICK="1")
            stages = [(t, None) for t in UNIT] + [(PROPERTY, quick)]
            for t, env in stages + ([(PROPERTY, None)] if self.full else []):
                rc, out = run(["./" + t], self.dir, 120 if t == PROPERTY else 30, env)
                if rc != 0:
                    return "killed", "%s (%s)" % (os.path.basename(t), rc)
            if self.fuzz:
                rc, out = run(["./fuzz_patch", "-runs=%d" % FUZZ_RUNS, "-seed=1",
                               "-max_len=32783", "-artifact_prefix=mut-",
                               "tests/corpus", "tests/fuzz/seeds"], self.dir, 300)
                if rc != 0:
                    return "killed", "fuzz (%s)" % rc
            return "survived", ""
        finally:
            with open(path, "w") as f:
                f.writelines(original)
            self.compile(m["file"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", nargs="*", default=FILES)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--fuzz", action="store_true", help="then the fuzz target, fixed seed")
    ap.add_argument("--full", action="store_true",
                    help="then the whole property test (its quick mode otherwise)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--verbose", action="store_true", help="print every verdict")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    muts = [m for f in a.files for m in mutants_of(root, f)]
    eq = load_list(root, "equivalent.txt")
    known = load_list(root, "survivors.txt")
    if a.only:
        muts = [m for m in muts if m["id"] in a.only]
    if a.sample:	# from those the suites are known to kill
        muts = [m for m in muts if m["id"] not in eq and m["id"] not in known]
        muts = random.Random(a.seed).sample(muts, min(a.sample, len(muts)))
    if a.list:
        for m in muts:
            print("%s\t%s:%d" % (m["id"], m["file"], m["line"] + 1))
        return 0
    todo = [m for m in muts if m["id"] not in eq]
    base = tempfile.mkdtemp(prefix="enostub-mutants-")
    t0 = time.time()
    print("mutants: %d mutants of %s (%d marked equivalent), %d jobs%s" %
          (len(muts), " ".join(a.files), len(muts) - len(todo), a.jobs,
           ", fuzz %d runs" % FUZZ_RUNS if a.fuzz else ""), flush=True)
    try:
        workers = [Worker(root, base, a.fuzz, a.full) for _ in range(a.jobs)]
    except SystemExit as e:
        print(e, file=sys.stderr)
        return 2
    results = {}
    queue = list(todo)

    def drain(w):
        while queue:
            m = queue.pop(0)
            results[m["id"]] = w.test(m)
            verdict, how = results[m["id"]]
            if verdict == "survived" or a.verbose:
                print("  %-9s %s (%s:%d)%s" % (verdict, m["id"], m["file"], m["line"] + 1,
                      " by " + how if how else ""), flush=True)
            if len(results) % 100 == 0:
                print("  ... %d of %d, %.0f s" % (len(results), len(todo), time.time() - t0),
                      flush=True)

    with concurrent.futures.ThreadPoolExecutor(len(workers)) as ex:
        list(ex.map(drain, workers))
    shutil.rmtree(base, ignore_errors=True)
    return report(muts, eq, known, results, a, time.time() - t0)


def report(muts, eq, known, results, a, seconds):
    bad = 0
    print("\n%-16s %6s %7s %9s %10s %10s %6s" % ("file", "total", "killed", "survived",
                                                  "equivalent", "stillborn", "score"))
    for f in a.files:
        ms = [m for m in muts if m["file"] == f]
        n = {k: 0 for k in ("killed", "survived", "equivalent", "stillborn")}
        for m in ms:
            n["equivalent" if m["id"] in eq else results[m["id"]][0]] += 1
        live = n["killed"] + n["survived"]
        score = 100.0 * n["killed"] / live if live else 100.0
        print("%-16s %6d %7d %9d %10d %10d %5.1f%%" % (os.path.basename(f), len(ms),
              n["killed"], n["survived"], n["equivalent"], n["stillborn"], score))
        if n["survived"] and (a.sample or f in MUST_KILL):
            bad += n["survived"]
    survivors = [m for m in muts if m["id"] not in eq and results[m["id"]][0] == "survived"]
    if survivors:
        print("\nsurvivors (each a diff of one line; * known, in survivors.txt):")
        for m in survivors:
            print("%s %s (%s:%d)\n  - %s\n  + %s" % ("*" if m["id"] in known else " ",
                  m["id"], m["file"], m["line"] + 1, m["old"].strip(),
                  m["new"].strip() or "(deleted)"))
    gone = [m for m in muts if m["id"] in known and results.get(m["id"], ("",))[0] == "killed"]
    for m in gone:
        print("now killed, take it out of survivors.txt: %s" % m["id"])
    print("\nmutants: %d run in %.0f s; %s" % (len(results), seconds,
          "every mutant that must be killed was killed" if not bad else
          "%d survivor(s) that must be killed" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
