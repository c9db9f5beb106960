#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation testing of enostub's soundness-critical core.

Each mutant changes one thing in one of shim/core/analyze.c, shim/core/stub.c,
shim/core/patch.c, shim/core/cbpf.c, shim/config/load.c (a relational or logical operator, a
constant +-1, a condition forced true or false, an "unsure" answer made
definite, a true/false swapped, a ! dropped, a statement deleted). Mutants
are listed in a fixed order with stable ids (FILE:FUNCTION:OPERATOR:HASH),
so a run is reproducible; --sample N --seed S picks N of them the same way
each time.

The tree is built once into a scratch directory: the core's objects, the
core as a shared library, the test binaries linked against it. Each worker
(one per CPU) then compiles only the mutated file, links its own copy of
the library, and runs the tests, each cmocka test on its own
($ENOSTUB_TEST), stopping at the first that fails: the unit tests of the
core (test_cbpf, test_analyze, test_kver, test_stub, test_translate, test_conf) and the property test
in its quick mode ($ENOSTUB_QUICK); with --full the whole property test
too, with --fuzz the fuzz target for a fixed number of runs from a fixed
seed. Only the tests that run the mutated line are run: the core is built
once more with gcov and every test run on it (cached in build/mutants/ for
the same sources); a mutant of a line no test runs survives at once, and
--every-test turns the selection off. A mutant that passes every test meets
the unit tests once more on the core built with ASan and UBSan, as make
asan runs them. The test that killed a mutant last time runs first
(remembered in build/mutants/killers.txt), the others cheapest first; a
test that runs over 20 times its time on the unmutated core (at least 5 s)
is stopped and the mutant counted killed (it hangs or crawls).

A mutant is killed when a test fails or times out, survives when all pass,
is stillborn when it does not compile (-Werror), and equivalent when
tests/mutants/equivalent.txt says no input can tell it apart (with the
reason).

  tests/mutants/mutants.py [--files F...] [--sample N] [--seed S] [--jobs J]
                           [--full] [--fuzz] [--every-test] [--list]
                           [--only ID...] [--verbose]

Exit status: 0 when every non-equivalent mutant of the files that must be
fully killed (analyze.c, stub.c; all files with --sample) was killed, 1
otherwise, 2 on a harness error.
"""
import argparse
import concurrent.futures
import hashlib
import glob
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

FILES = ["shim/core/analyze.c", "shim/core/stub.c", "shim/core/patch.c", "shim/core/cbpf.c",
         "shim/config/load.c"]
MUST_KILL = {"shim/core/analyze.c", "shim/core/stub.c", "shim/config/load.c"}
TESTS = ["tests/unit/test_cbpf", "tests/unit/test_analyze", "tests/unit/test_kver",
         "tests/unit/test_stub", "tests/unit/test_translate", "tests/unit/test_conf",
         "tests/unit/test_property"]
PROPERTY = "tests/unit/test_property"
# run again on the core built with ASan and UBSan when the others pass
ASAN_TESTS = ["tests/unit/test_cbpf", "tests/unit/test_analyze", "tests/unit/test_kver",
              "tests/unit/test_stub", "tests/unit/test_translate"]
FUZZ_RUNS = 20000
KILLERS = "build/mutants/killers.txt"

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
    found, prev = [], ""
    for n, (c, l) in enumerate(zip(code, lines)):
        if funcs[n] is None:
            continue
        for op, col, new in mutations_of_line(c, l.rstrip("\n")):
            if not new.endswith("\n"):
                new += "\n"
            digest = hashlib.sha1(("%s|%d|%s" % (l.strip(), col, op)).encode()).hexdigest()[:8]
            mid = "%s:%s:%s:%s" % (os.path.basename(path), funcs[n], op, digest)
            # a statement deleted after "if (...)", "else", "for (...)" without
            # braces makes the next statement that one's body
            found.append({"id": mid, "file": path, "line": n, "old": l, "new": new,
                          "body": op == "delete" and not prev.endswith((";", "{", "}", ":"))})
        if c.strip():
            prev = c.strip()
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
    ["shim/config/conf.c", "shim/config/load.c", "shim/preload/log.c"]
INC = ["-Ishim", "-Ishim/core", "-Ishim/config", "-Ishim/preload", "-Itests/unit"]


SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
# How each kind of build compiles the core and links it: "plain" for the
# tests, "asan" (ASan and UBSan, as make asan) for the unit tests again
# once they all pass, "fuzz" (clang, coverage, sanitizers) for --fuzz.
KIND_LIB = {"plain": "libcore.so", "asan": "libcore-asan.so", "fuzz": "libcore-fuzz.so"}


def cc_core(c, out, kind):
    """The command that compiles core file @c into @out (run in a tree)."""
    soname = "-DLIBCONFIG_SONAME=\"%s\"" % os.environ.get("LIBCONFIG_SONAME", "libconfig.so.9")
    if kind == "fuzz":
        return ["clang", "-std=gnu11", "-fPIC", "-g", "-O1", "-fno-omit-frame-pointer",
                "-fsanitize=fuzzer-no-link,address,undefined", "-fno-sanitize-recover=all",
                "-Ishim", soname, "-c", c, "-o", out]
    return ["cc", "-std=gnu11", "-fPIC", "-O1"] + WARN + [
        "-Werror", "-Ishim", soname, "-c", c, "-o", out] + (
        SANITIZE + ["-fno-omit-frame-pointer"] if kind == "asan" else [])


def obj_name(c, kind):
    return os.path.basename(c)[:-2] + ("" if kind == "plain" else "." + kind) + ".o"


def link_core(objs, out, kind):
    """Link @objs into the shared library @out, atomically."""
    tmp = out + ".tmp"
    cmd = {"plain": ["cc", "-shared"], "asan": ["cc", "-shared"] + SANITIZE,
           "fuzz": ["clang", "-shared", "-fsanitize=address,undefined"]}[kind]
    rc, text = run(cmd + ["-o", tmp] + objs, None, 60)
    if rc == 0:
        os.replace(tmp, out)
    return rc, text


class Stage:
    """One test: a cmocka test of one binary ($ENOSTUB_TEST) on the plain
    or the ASan core, or the fuzzer."""

    def __init__(self, name, argv, env, kind="plain", cover=None):
        self.name, self.argv, self.env, self.kind = name, argv, env, kind
        self.cover = cover or name	# the test whose gcov lines stand for this one
        self.seconds = 0.0

    def timeout(self):
        if self.kind == "fuzz":
            return max(60.0, 5 * self.seconds)
        return max(5.0, 20 * self.seconds)


def test_names(path):
    """The cmocka tests of tests/unit/NAME.c, in their order."""
    with open(path + ".c") as f:
        return re.findall(r"cmocka_unit_test\((\w+)\)", f.read())


class Build:
    """The unmutated tree, built once: core objects, the core as a shared
    library, the test binaries linked against it (found through
    LD_LIBRARY_PATH, so every worker runs the same binaries on its own
    library). Every test is run once here, must pass, and is timed."""

    def __init__(self, root, base, fuzz, full, files, select):
        self.dir = os.path.join(base, "ref")
        self.kinds = ["plain", "asan"] + (["fuzz"] if fuzz else [])
        os.makedirs(self.dir)
        for d in ("shim", "tests/unit", "tests/corpus", "tests/fuzz", "conf"):
            shutil.copytree(os.path.join(root, d), os.path.join(self.dir, d),
                            ignore=shutil.ignore_patterns("*.o", "*.d", "*.so", "enostub",
                                                          "test_*[!c]"))
        for sub in ("obj", "lib", "bin"):
            os.makedirs(os.path.join(self.dir, sub))
        jobs = []
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
            for c in CORE:
                for kind in self.kinds:
                    jobs.append((c, ex.submit(run, cc_core(c, os.path.join(
                        "obj", obj_name(c, kind)), kind), self.dir, 300)))
            for c, j in jobs:
                rc, out = j.result()
                if rc != 0:
                    raise SystemExit("mutants: %s does not build:\n%s" % (c, out))
        for kind in self.kinds:
            rc, out = link_core(self.objs(kind), self.lib(kind), kind)
            if rc != 0:
                raise SystemExit("mutants: the core does not link:\n" + out)
        defs = ['-D%s="%s"' % (k, os.path.join(self.dir, v)) for k, v in (
            ("CORPUS_DIR", "tests/corpus"), ("CONF_DIR", "conf"), ("SHIM_PATH", "x"),
            ("HELPER_PATH", "x"), ("EARLY_PATH", "x"), ("CLI_PATH", "x"),
            ("GOLDEN_DIR", "x"))]
        cc = ["cc", "-std=gnu11", "-O2", "-Wno-missing-prototypes"] + INC + defs
        cmds = [cc + [t + ".c", "-o", self.binary(t), "-Llib", "-lcore", "-lcmocka",
                      "-lseccomp"] for t in TESTS]
        cmds += [cc + SANITIZE + [t + ".c", "-o", self.binary(t) + "-asan", "-Llib",
                                  "-lcore-asan", "-lcmocka", "-lseccomp"] for t in ASAN_TESTS]
        if fuzz:
            cmds.append(["clang", "-std=gnu11", "-g", "-O1",
                         "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=all"] +
                        INC + ["tests/fuzz/fuzz_patch.c", "-o", self.binary("fuzz_patch"),
                               "-Llib", "-lcore-fuzz"])
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
            for (rc, out), cmd in zip(ex.map(lambda c: run(c, self.dir, 300), cmds), cmds):
                if rc != 0:
                    raise SystemExit("mutants: %s does not build:\n%s" %
                                     (cmd[cmd.index("-o") + 1], out))
        self.stages = self.make_stages(full)
        for st in self.stages:
            t0 = time.time()
            rc, out = self.run_stage(st, os.path.join(self.dir, "lib"), os.path.join(
                self.dir, "fuzzout"), None)
            st.seconds = time.time() - t0
            if rc != 0 or (st.kind != "fuzz" and "[       OK ] %s\n" % st.env["ENOSTUB_TEST"]
                           not in out):
                raise SystemExit("mutants: %s fails without a mutant:\n%s" %
                                 (st.name, out[-2000:]))
        self.covered, self.lines = self.coverage(root, files) if select else ({}, {})

    def coverage(self, root, files):
        """Which tests run each line of @files: the core built with gcov,
        every test run once on it. Return ({(file, line): {test}}, {file:
        {executable line}}), kept in build/mutants/ for the same sources."""
        key = hashlib.sha1()
        for d in ("shim", "tests/unit", "tests/corpus"):
            for top, dirs, names in sorted(os.walk(os.path.join(self.dir, d))):
                dirs.sort()
                for n in sorted(names):
                    if n.endswith((".c", ".h", ".txt", ".bpf")):
                        key.update(n.encode())
                        with open(os.path.join(top, n), "rb") as f:
                            key.update(f.read())
        tests = [st for st in self.stages if st.kind == "plain"]
        key.update(" ".join([st.name for st in tests] + files).encode())
        cache = os.path.join(root, "build/mutants/coverage-%s.json" % key.hexdigest()[:16])
        if os.path.exists(cache):
            with open(cache) as f:
                c = json.load(f)
            return ({(k.split("|")[0], int(k.split("|")[1])): set(v)
                     for k, v in c["covered"].items()},
                    {k: set(v) for k, v in c["lines"].items()})
        cov = os.path.join(self.dir, "cov")
        os.makedirs(os.path.join(cov, "obj"))
        os.makedirs(os.path.join(cov, "lib"))
        cc = ["gcc", "-std=gnu11", "-O0", "--coverage", "-fPIC", "-Ishim",
              "-DLIBCONFIG_SONAME=\"%s\"" % os.environ.get("LIBCONFIG_SONAME", "libconfig.so.9"),
              "-c"]
        objs = [os.path.join(cov, "obj", obj_name(c, "plain")) if c in files else o
                for c, o in zip(CORE, self.objs("plain"))]
        for c, o in zip(CORE, objs):	# only the mutated files: the rest stays fast
            if c not in files:
                continue
            rc, out = run(cc + [c, "-o", o], self.dir, 300)
            if rc != 0:
                raise SystemExit("mutants: %s does not build with gcov:\n%s" % (c, out))
        rc, out = run(["gcc", "-shared", "--coverage", "-o",
                       os.path.join(cov, "lib/libcore.so")] + objs, self.dir, 60)
        if rc != 0:
            raise SystemExit("mutants: the core does not link with gcov:\n" + out)
        strip = str(len(os.path.join(cov, "obj").strip("/").split("/")))

        def one(i):
            data = os.path.join(cov, "data%d" % i)
            os.makedirs(data)
            st = Stage(tests[i].name, tests[i].argv, dict(tests[i].env, GCOV_PREFIX=data,
                       GCOV_PREFIX_STRIP=strip))
            rc, out = self.run_stage(st, os.path.join(cov, "lib"), None, None)
            if rc != 0:
                raise SystemExit("mutants: %s fails with gcov:\n%s" % (st.name, out[-2000:]))
            for f in files:
                shutil.copy(os.path.join(cov, "obj", obj_name(f, "plain")[:-2] + ".gcno"),
                            data)
            rc, out = run(["gcov", "-t", "-j", "-o", "."] +
                          [os.path.join(self.dir, f) for f in files], data, 120)
            if rc != 0:
                raise SystemExit("mutants: gcov fails:\n" + out)
            found, dec, pos = [], json.JSONDecoder(), 0
            while True:
                while pos < len(out) and out[pos].isspace():
                    pos += 1
                if pos >= len(out):
                    return found
                doc, pos = dec.raw_decode(out, pos)
                for src in doc["files"]:
                    f = [f for f in files if src["file"].endswith(f)]
                    for ln in src["lines"] if f else []:
                        found.append((f[0], ln["line_number"], ln["count"] > 0))

        covered, lines = {}, {f: set() for f in files}
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
            for st, found in zip(tests, ex.map(one, range(len(tests)))):
                for f, ln, ran in found:
                    lines[f].add(ln)
                    if ran:
                        covered.setdefault((f, ln), set()).add(st.name)
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        olds = sorted((os.path.join(os.path.dirname(cache), n)
                       for n in os.listdir(os.path.dirname(cache))
                       if n.startswith("coverage-") and n.endswith(".json")),
                      key=os.path.getmtime)
        for old in olds[:-5]:	# keep a few (file sets, sources) only
            os.remove(old)
        with open(cache + ".tmp", "w") as fp:
            json.dump({"covered": {"%s|%d" % k: sorted(v) for k, v in covered.items()},
                       "lines": {k: sorted(v) for k, v in lines.items()}}, fp)
        os.replace(cache + ".tmp", cache)
        return covered, lines

    def tests_for(self, m):
        """The tests that run the mutated line: a mutant of a line no test
        runs cannot change what a test sees. Every test when gcov cannot
        tell (a line with no code of its own, a case label) or the mutant
        changes more than its line (a deleted braceless body)."""
        ln = m["line"] + 1
        if m["file"] not in self.lines or ln not in self.lines[m["file"]] or \
                m["body"] or re.search(r"\b(case|default)\b", m["old"]):
            return self.stages
        names = self.covered.get((m["file"], ln), set())
        return [st for st in self.stages if st.cover in names or st.kind == "fuzz"]

    def objs(self, kind):
        return [os.path.join(self.dir, "obj", obj_name(c, kind)) for c in CORE]

    def lib(self, kind, libdir=None):
        return os.path.join(libdir or os.path.join(self.dir, "lib"), KIND_LIB[kind])

    def binary(self, t):
        """A test as run: by a path relative to the tree (every stage runs
        there), as make runs them, so AT_EXECFN is not the real path."""
        return os.path.join("bin", os.path.basename(t))

    def make_stages(self, full):
        stages = []
        for t in TESTS:
            for name in test_names(os.path.join(self.dir, t)):
                env = {"ENOSTUB_TEST": name}
                if t == PROPERTY:
                    env["ENOSTUB_QUICK"] = "1"
                stages.append(Stage("%s:%s" % (os.path.basename(t), name),
                                    [self.binary(t)], env))
        if full:
            for name in test_names(os.path.join(self.dir, PROPERTY)):
                stages.append(Stage("test_property-full:%s" % name,
                                    [self.binary(PROPERTY)], {"ENOSTUB_TEST": name}))
        for t in ASAN_TESTS:
            for name in test_names(os.path.join(self.dir, t)):
                stages.append(Stage("asan:%s:%s" % (os.path.basename(t), name),
                                    [self.binary(t) + "-asan"], {
                                        "ENOSTUB_TEST": name,
                                        "ASAN_OPTIONS": "detect_leaks=0"}, "asan",
                                    "%s:%s" % (os.path.basename(t), name)))
        if "fuzz" in self.kinds:
            stages.append(Stage("fuzz_patch", [self.binary("fuzz_patch"),
                                "-runs=%d" % FUZZ_RUNS, "-seed=1", "-max_len=32783"], {},
                                "fuzz"))
        return stages

    def run_stage(self, st, libdir, fuzzout, timeout):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ENOSTUB_") and k != "LD_LIBRARY_PATH"}
        env.update(st.env)
        env["LD_LIBRARY_PATH"] = libdir
        argv = st.argv
        if st.kind == "fuzz":	# new inputs go to a scratch directory, emptied each time
            shutil.rmtree(fuzzout, ignore_errors=True)
            os.makedirs(fuzzout)
            argv = argv + ["-artifact_prefix=%s/" % fuzzout, fuzzout,
                           os.path.join(self.dir, "tests/corpus"),
                           os.path.join(self.dir, "tests/fuzz/seeds")]
        return run(argv, self.dir, timeout or 600, env)


class Worker:
    """A copy of the sources to mutate and libraries of its own."""

    def __init__(self, build, base, n):
        self.b = build
        self.dir = os.path.join(base, "w%d" % n)
        shutil.copytree(os.path.join(build.dir, "shim"), os.path.join(self.dir, "shim"),
                        ignore=shutil.ignore_patterns("*.o", "*.d", "*.so"))
        self.libdir = os.path.join(self.dir, "lib")
        os.makedirs(self.libdir)
        self.mutated = set()	# the kinds of library built with the mutant
        for kind in self.b.kinds:
            self.restore_lib(kind)

    def restore_lib(self, kind):
        tmp = self.b.lib(kind, self.libdir) + ".tmp"
        shutil.copyfile(self.b.lib(kind), tmp)
        os.replace(tmp, self.b.lib(kind, self.libdir))

    def build(self, m, kind):
        """Compile the mutated file, link this worker's library: rc, output."""
        mo = os.path.join(self.dir, "mutant." + kind + ".o")
        rc, out = run(cc_core(m["file"], mo, kind), self.dir, 120)
        if rc == 0:
            objs = [mo if c == m["file"] else o for c, o in zip(CORE, self.b.objs(kind))]
            rc, out = link_core(objs, self.b.lib(kind, self.libdir), kind)
        self.mutated.add(kind)
        return rc, out

    def test(self, m, order):
        """(verdict, the test that killed it or "", seconds). The plain
        library is built first (a mutant that does not compile is
        stillborn), the others when a test needs them."""
        t0 = time.time()
        path = os.path.join(self.dir, m["file"])
        with open(path) as f:
            original = f.readlines()
        lines = list(original)
        lines[m["line"]] = m["new"]
        with open(path, "w") as f:
            f.writelines(lines)
        try:
            if self.build(m, "plain")[0] != 0:
                return "stillborn", "", time.time() - t0
            if not order:
                return "survived", "no test runs this line", time.time() - t0
            for st in order:
                if st.kind not in self.mutated and self.build(m, st.kind)[0] != 0:
                    return "stillborn", "", time.time() - t0
                rc, _ = self.b.run_stage(st, self.libdir, os.path.join(self.dir, "fuzzout"),
                                         st.timeout())
                if rc != 0:
                    return "killed", st.name + (" (timeout)" if rc == "timeout" else ""), \
                        time.time() - t0
            return "survived", "", time.time() - t0
        finally:
            with open(path, "w") as f:
                f.writelines(original)
            for kind in self.mutated:
                self.restore_lib(kind)
            self.mutated = set()


def load_killers(root):
    killers = {}
    path = os.path.join(root, KILLERS)
    if os.path.exists(path):
        for line in open(path):
            mid, _, stage = line.strip().partition(" ")
            if stage:
                killers[mid] = stage
    return killers


def save_killers(root, killers, results):
    for mid, (verdict, how, _) in results.items():
        if verdict == "killed":
            killers[mid] = how.split(" ")[0]
        else:
            killers.pop(mid, None)
    path = os.path.join(root, KILLERS)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        for mid in sorted(killers):
            f.write("%s %s\n" % (mid, killers[mid]))
    os.replace(path + ".tmp", path)


def stage_order(stages, killers, mid):
    """The test that killed @mid last time first, then the others by time
    per mutant they killed last time (cheap and often deadly first), those
    on the ASan core after the plain ones, the fuzzer last."""
    kills = {}
    for stage in killers.values():
        kills[stage] = kills.get(stage, 0) + 1
    rank = {"plain": 0, "asan": 1, "fuzz": 2}
    order = sorted(stages, key=lambda st: (rank[st.kind], (st.seconds + 0.002) /
                                           (1 + kills.get(st.name, 0))))
    first = [st for st in order if st.name == killers.get(mid)]
    return first + [st for st in order if st not in first]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", nargs="*", default=FILES)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--fuzz", action="store_true", help="then the fuzz target, fixed seed")
    ap.add_argument("--full", action="store_true",
                    help="then the whole property test (its quick mode otherwise)")
    ap.add_argument("--every-test", action="store_true",
                    help="run every test on every mutant, not only those that run its line")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--verbose", action="store_true", help="print every verdict")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    muts = [m for f in a.files for m in mutants_of(root, f)]
    eq = load_list(root, "equivalent.txt")
    if a.only:
        muts = [m for m in muts if m["id"] in a.only]
    if a.sample:	# from those not marked equivalent
        muts = [m for m in muts if m["id"] not in eq]
        muts = random.Random(a.seed).sample(muts, min(a.sample, len(muts)))
    if a.list:
        for m in muts:
            print("%s\t%s:%d" % (m["id"], m["file"], m["line"] + 1))
        return 0
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    todo = [m for m in muts if m["id"] not in eq]
    base = tempfile.mkdtemp(prefix="enostub-mutants-")
    t0 = time.time()
    print("mutants: %d mutants of %s (%d marked equivalent), %d jobs%s%s" %
          (len(muts), " ".join(a.files), len(muts) - len(todo), a.jobs,
           ", whole property test" if a.full else "",
           ", fuzz %d runs" % FUZZ_RUNS if a.fuzz else ""), flush=True)
    try:
        build = Build(root, base, a.fuzz, a.full, a.files, not a.every_test)
        workers = [Worker(build, base, n) for n in range(a.jobs)]
    except SystemExit as e:
        print(e, file=sys.stderr)
        shutil.rmtree(base, ignore_errors=True)
        return 2
    print("mutants: built and ran %d tests unmutated in %.0f s (%.1f s of tests)" %
          (len(build.stages), time.time() - t0, sum(st.seconds for st in build.stages)),
          flush=True)
    killers = load_killers(root)
    results = {}
    queue = list(todo)
    lock = threading.Lock()

    def drain(w):
        while True:
            with lock:
                if not queue:
                    return
                m = queue.pop(0)
            r = w.test(m, stage_order(build.tests_for(m), killers, m["id"]))
            with lock:
                results[m["id"]] = r
                verdict, how, secs = r
                if verdict == "survived" or a.verbose:
                    print("  %-9s %s (%s:%d) %.1f s%s" % (verdict, m["id"], m["file"],
                          m["line"] + 1, secs, " by " + how if how else ""), flush=True)
                if len(results) % 100 == 0:
                    print("  ... %d of %d, %.0f s" % (len(results), len(todo),
                          time.time() - t0), flush=True)

    try:
        with concurrent.futures.ThreadPoolExecutor(len(workers)) as ex:
            for f in [ex.submit(drain, w) for w in workers]:
                f.result()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    save_killers(root, killers, results)
    return report(muts, eq, results, a, time.time() - t0)


def report(muts, eq, results, a, seconds):
    bad = 0
    print("\n%-16s %6s %7s %9s %10s %10s %6s %8s" % ("file", "total", "killed", "survived",
          "equivalent", "stillborn", "score", "seconds"))
    for f in a.files:
        ms = [m for m in muts if m["file"] == f]
        n = {k: 0 for k in ("killed", "survived", "equivalent", "stillborn")}
        secs = 0.0
        for m in ms:
            n["equivalent" if m["id"] in eq else results[m["id"]][0]] += 1
            secs += results[m["id"]][2] if m["id"] in results else 0
        live = n["killed"] + n["survived"]
        score = 100.0 * n["killed"] / live if live else 100.0
        print("%-16s %6d %7d %9d %10d %10d %5.1f%% %8.0f" % (os.path.basename(f), len(ms),
              n["killed"], n["survived"], n["equivalent"], n["stillborn"], score, secs))
        if n["survived"] and (a.sample or f in MUST_KILL):
            bad += n["survived"]
    survivors = [m for m in muts if m["id"] not in eq and results[m["id"]][0] == "survived"]
    if survivors:
        print("\nsurvivors (each a diff of one line):")
        for m in survivors:
            print("  %s (%s:%d)%s\n  - %s\n  + %s" % (
                  m["id"], m["file"], m["line"] + 1, ", " + results[m["id"]][1]
                  if results[m["id"]][1] else "", m["old"].strip(),
                  m["new"].strip() or "(deleted)"))
    print("\nmutants: %d run in %.0f s; %s" % (len(results), seconds,
          "every mutant that must be killed was killed" if not bad else
          "%d survivor(s) that must be killed" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
