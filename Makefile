# enostub — make the tool, its tests and its demo.
#   make          build shim/libenostub.so
#   make demo     install missing build dependencies (as root), build, show
#   make check    the whole test suite (also under ASan+UBSan, valgrind, a short fuzz)
#   make fuzz     fuzz the core for FUZZ_TIME seconds (tests/fuzz/fuzz.mk)
#   make bench    benchmarks that print figures
#   make mutants  mutation testing of the core (tests/mutants/mutants.py)

CC      ?= cc
SYSCONFDIR ?= /etc
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/enostub
# The packager's flags (CPPFLAGS, CFLAGS, LDFLAGS, LDLIBS, e.g. from
# dpkg-buildflags) reach every object and every link line.
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
# libconfig is loaded on demand (dlopen): its soname comes from the
# development library pkg-config names, not from a hard-coded string.
LIBCONFIG_SONAME = $(eval LIBCONFIG_SONAME := $(shell readelf -d "$$(pkg-config --variable=libdir libconfig)/libconfig.so" 2>/dev/null | \
                     sed -n 's/.*Library soname: \[\(.*\)\]/\1/p'))$(LIBCONFIG_SONAME)
# The version has one source: the first entry of debian/changelog (its
# upstream part), for `enostub --version` and the package alike.
VERSION := $(or $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog 2>/dev/null | \
                       sed 's/-[^-]*$$//'),unknown)
ALLCFLAGS = -std=gnu11 -fPIC -fvisibility=hidden -ffunction-sections -fdata-sections -Ishim $(WARN) $(CPPFLAGS) $(CFLAGS) \
            -MMD -MP -DENOSTUB_SYSCONF='"$(SYSCONFDIR)/enostub.conf"' -DENOSTUB_VERSION='"$(VERSION)"' \
            -DENOSTUB_LIB='"$(LIBDIR)/libenostub.so"' -DLIBCONFIG_SONAME='"$(LIBCONFIG_SONAME)"'

# Debian packages needed to build and test (installed by `make deps` as root).
DEB_PKGS := gcc make pkg-config libseccomp-dev libconfig-dev libcmocka-dev \
            bubblewrap python3 busybox-static
# `make deb` and its check: dpkg-buildpackage (dpkg-dev), dh (debhelper),
# the implicit build dependency build-essential, lintian.
DEB_PKGS += dpkg-dev debhelper build-essential lintian
APT_GET  := DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=600

# Syscall tables: shim/systab_gen.h is generated from libseccomp's CSV data
# and committed, so the build needs nothing outside the repository. With the
# data present, make regenerates it when the data or the generator change.
SYSDATA  ?= ../shared/data
SYSDATA_CSV := $(wildcard $(SYSDATA)/syscalls-kver.csv $(SYSDATA)/syscalls-numbers.csv)

# The layers (tests/layers.sh checks that includes only run downwards):
#   shim/core     pure: validate, analyse, stub, patch, the policy step, tables
#   shim/config   the configuration file (libconfig) -> settings
#   shim/preload  the library's edge: hooks, the log
#   shim/cli      the command's edge: enostub and its disassembler
#   shim/gen      the syscall-table generator and its data
CORE_SRC := $(wildcard shim/core/*.c)
CORE_OBJ := $(CORE_SRC:.c=.o)
CONF_OBJ := $(patsubst %.c,%.o,$(wildcard shim/config/*.c))
PRELOAD_OBJ := $(patsubst %.c,%.o,$(wildcard shim/preload/*.c))
CLI_OBJ  := $(patsubst %.c,%.o,$(wildcard shim/cli/*.c))
SHIM_OBJ := $(CONF_OBJ) $(PRELOAD_OBJ) $(CORE_OBJ)
# what the unit tests link: everything but the hooks
UNIT_OBJ := $(CORE_OBJ) $(CONF_OBJ) shim/preload/log.o
LIB      := shim/libenostub.so
CLI      := shim/enostub
TEST_INC := -Ishim -Ishim/core -Ishim/config -Ishim/preload

UNIT_TESTS := tests/unit/test_cbpf tests/unit/test_systab tests/unit/test_analyze tests/unit/test_kver tests/unit/test_stub \
              tests/unit/test_translate \
              tests/unit/test_property tests/unit/test_shim_exports tests/unit/test_conf \
              tests/unit/test_trace_filter
INTEG_TESTS := tests/integration/test_kernel tests/integration/test_config tests/integration/test_cli \
               tests/integration/test_secure tests/integration/test_translate \
               tests/integration/test_trace tests/integration/test_run_trace \
               tests/integration/test_system
HELPER   := tests/integration/helper
STATIC_FSTAT := tests/integration/static_fstat
EARLY    := tests/integration/early.so
CHAIN    := tests/integration/chain.so
TRACEE   := tests/integration/tracee
DEMO     := tests/demo/demo
BENCH    := tests/bench/bench tests/bench/empty.so tests/bench/trace_bench

TEST_DEFS := -DCORPUS_DIR='"$(CURDIR)/tests/corpus"' -DCONF_DIR='"$(CURDIR)/conf"' -DSHIM_PATH='"$(CURDIR)/$(LIB)"' \
             -DHELPER_PATH='"$(CURDIR)/$(HELPER)"' -DEARLY_PATH='"$(CURDIR)/$(EARLY)"' \
             -DCHAIN_PATH='"$(CURDIR)/$(CHAIN)"' \
             -DCLI_PATH='"$(CURDIR)/$(CLI)"' -DGOLDEN_DIR='"$(CURDIR)/tests/cli/golden"' \
             -DSTATIC_FSTAT_PATH='"$(CURDIR)/$(STATIC_FSTAT)"' \
             -DTRACEE_PATH='"$(CURDIR)/$(TRACEE)"' \
             -DRELEASE_LIB_DIR='"$(CURDIR)/$(dir $(LIB))"'

.PHONY: all deps check unit integration clients demo bench clean tables tables-check \
        install uninstall install-check mutants mutants-short deb deb-check
all: $(LIB) $(CLI)

include tests/clients/clients.mk
DEB_PKGS += $(CLIENT_PKGS)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && $(APT_GET) install $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing (run 'make deps' as root)"; exit 1; \
	  fi; \
	fi

ifeq ($(words $(SYSDATA_CSV)),2)
shim/core/systab_gen.h: shim/gen/gen-systab.awk $(SYSDATA_CSV) shim/gen/fallback-safe.csv
	awk -f shim/gen/gen-systab.awk $(SYSDATA_CSV) shim/gen/fallback-safe.csv > $@.tmp && mv $@.tmp $@
tables: shim/core/systab_gen.h
tables-check:
	@awk -f shim/gen/gen-systab.awk $(SYSDATA_CSV) shim/gen/fallback-safe.csv | cmp -s - shim/core/systab_gen.h && \
	  echo "tables: shim/core/systab_gen.h matches $(SYSDATA)" || \
	  { echo "tables: shim/core/systab_gen.h is stale: run make tables"; exit 1; }
else
tables tables-check:
	@echo "tables: $(SYSDATA) not found; using the committed shim/core/systab_gen.h"
endif

shim/%.o: shim/%.c
	@test -n '$(LIBCONFIG_SONAME)' || { echo "no libconfig.so: install libconfig-dev (make deps)"; exit 1; }
	$(CC) $(ALLCFLAGS) -c $< -o $@

-include $(SHIM_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
# the version is compiled in from the changelog
shim/cli/enostub.o: debian/changelog

$(CLI): $(CLI_OBJ) $(CONF_OBJ) $(CORE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The library loads into every process (ld.so.preload): after the
# packager's LDFLAGS, lazy binding (-z lazy, as Debian's default flags
# give every library; hardening=+all's BIND_NOW would look up its ~40
# C library functions, almost never called, at every exec: +1% startup),
# RELRO (partial), unused functions dropped, and the start-up constants
# beside the relocated data (libenostub.ld). LIB_LDFLAGS= keeps BIND_NOW.
LIB_LDFLAGS ?= -Wl,-z,lazy
$(LIB): $(SHIM_OBJ) shim/preload/libenostub.map shim/preload/libenostub.ld
	$(CC) -shared $(CFLAGS) $(LDFLAGS) $(LIB_LDFLAGS) -Wl,-z,relro \
	  -Wl,--version-script=shim/preload/libenostub.map -Wl,-T,shim/preload/libenostub.ld \
	  -Wl,--gc-sections -Wl,-Bsymbolic-functions -o $@ $(SHIM_OBJ) $(LDLIBS)

tests/unit/%: tests/unit/%.c tests/unit/*.h $(UNIT_OBJ)
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(TEST_INC) -Itests/unit \
	  $(TEST_DEFS) $< $(UNIT_OBJ) -o $@ $(LDFLAGS) $$(pkg-config --libs cmocka) -lseccomp $(LDLIBS)

# the child's filter of `enostub run --trace` is pure, but lives with the command
tests/unit/test_trace_filter: tests/unit/test_trace_filter.c tests/unit/*.h shim/cli/trace.h \
		$(UNIT_OBJ) shim/cli/trace_filter.o
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(TEST_INC) -Itests/unit \
	  $(TEST_DEFS) $< $(UNIT_OBJ) shim/cli/trace_filter.o -o $@ $(LDFLAGS) $$(pkg-config --libs cmocka) -lseccomp \
	  $(LDLIBS)

$(HELPER): tests/integration/helper.c tests/integration/say.h
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@ -lseccomp -lpthread $(LDLIBS)

# statically linked: a program the library cannot be loaded into
$(STATIC_FSTAT): tests/integration/static_fstat.c
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -static $< -o $@ $(LDLIBS)

# statically linked: no preload library can see its filter installs
$(TRACEE): tests/integration/tracee.c tests/integration/say.h
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -static $< -o $@ -lpthread $(LDLIBS)

tests/integration/test_run_trace: $(TRACEE)

$(CHAIN): tests/integration/chain.c
	$(CC) -shared -fPIC -std=gnu11 $(WARN) -Wno-missing-prototypes $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@ $(LDLIBS)

$(EARLY): tests/integration/early.c
	$(CC) -shared -fPIC -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@ $(LDLIBS)

tests/integration/%: tests/integration/%.c tests/integration/runner.h $(LIB) $(CLI) $(HELPER) $(EARLY) $(CHAIN) \
		$(STATIC_FSTAT)
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(TEST_INC) $(TEST_DEFS) \
	  $< -o $@ $(LDFLAGS) $$(pkg-config --libs cmocka) $(LDLIBS)

tests/bench/bench: tests/bench/bench.c tests/bench/timing.h tests/unit/oracle.h $(CORE_OBJ)
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(TEST_INC) -Itests/unit $< \
	  $(CORE_OBJ) -o $@ $(LDFLAGS) $(LDLIBS)

tests/bench/trace_bench: tests/bench/trace_bench.c tests/bench/timing.h
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@ $(LDLIBS)

tests/bench/empty.so: tests/bench/empty.c
	$(CC) -shared -fPIC $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@ $(LDLIBS)

$(DEMO): tests/demo/demo.c
	$(CC) -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< -o $@ -lpthread $(LDLIBS)

unit: deps $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do ./$$t; done

integration: deps $(INTEG_TESTS)
	@set -e; for t in $(INTEG_TESTS); do ./$$t; done

clients: deps $(CLIENT_TESTS)
	@set -e; for t in $(CLIENT_TESTS); do ./$$t; done

check: deps
	$(MAKE) tables-check
	tests/layers.sh
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) install-check
	$(MAKE) deb-check
	$(MAKE) clients
	$(MAKE) demo
	$(MAKE) asan
	$(MAKE) valgrind
	$(MAKE) fuzz-short
	$(MAKE) mutants-short

demo: deps
	$(MAKE) $(LIB) $(DEMO)
	@tests/demo/run-demo.sh $(LIB) $(DEMO) tests/corpus/docker-default-v19.03.0.bpf

# The startup figures read configuration copies in build/bench-conf: one
# without a snapshot, one with a fresh snapshot, one changed after it.
BENCH_CONF := build/bench-conf
bench: deps
	$(MAKE) $(LIB) $(CLI) $(BENCH)
	@rm -rf $(BENCH_CONF) && mkdir -p $(BENCH_CONF) && \
	for c in plain fresh stale; do cp conf/enostub.conf $(BENCH_CONF)/$$c.conf; done && \
	cp conf/examples/distro-wide.conf $(BENCH_CONF)/distro.conf && \
	echo "translate = true;" > $(BENCH_CONF)/translate.conf && \
	for c in fresh stale distro translate; do $(CLI) check-config --compile $(BENCH_CONF)/$$c.conf >/dev/null; done && \
	echo "# changed after its snapshot" >> $(BENCH_CONF)/stale.conf
	tests/bench/bench tests/corpus $(CURDIR)/tests/bench/empty.so $(CURDIR)/$(LIB) \
	  $(CURDIR)/$(BENCH_CONF)
	tests/bench/trace_bench $(CURDIR)/$(CLI) $(CURDIR)/tests/corpus/docker-default-v19.03.0.bpf

# Mutation testing: every mutant of the soundness-critical files (about two
# minutes on 2 CPUs; per-file scores, survivors as diffs), or (in make
# check) a fixed sample of those of analyze.c, stub.c and load.c, all of which the
# tests must kill. MUTANTS_ARGS=--fuzz adds the fuzz target, --full the
# whole property test, --every-test runs every test on every mutant.
MUTANTS_SAMPLE ?= 100
mutants: deps
	LIBCONFIG_SONAME=$(LIBCONFIG_SONAME) python3 tests/mutants/mutants.py $(MUTANTS_ARGS)

mutants-short: deps
	LIBCONFIG_SONAME=$(LIBCONFIG_SONAME) python3 tests/mutants/mutants.py \
	  --files shim/core/analyze.c shim/core/stub.c shim/config/load.c \
	  --sample $(MUTANTS_SAMPLE) --seed 1 $(MUTANTS_ARGS)

# The configuration file is not installed into $(SYSCONFDIR): the built-in
# default equals it. It goes to $(DOCDIR) with the examples. An existing
# $(SYSCONFDIR)/enostub.conf gets its snapshot compiled (the library then
# reads it without libconfig; see README), on the real system only.
install: all
	install -D -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/enostub
	install -D -m 0755 $(LIB) $(DESTDIR)$(LIBDIR)/libenostub.so
	install -D -m 0644 shim/cli/enostub.1 $(DESTDIR)$(MANDIR)/man1/enostub.1
	install -D -m 0644 conf/enostub.conf.5 $(DESTDIR)$(MANDIR)/man5/enostub.conf.5
	install -D -m 0644 conf/enostub.conf $(DESTDIR)$(DOCDIR)/enostub.conf
	install -D -m 0644 -t $(DESTDIR)$(DOCDIR)/examples conf/examples/*.conf
	install -D -m 0755 -t $(DESTDIR)$(DOCDIR)/examples conf/examples/enostub-runtime
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	@if [ -z "$(DESTDIR)" ] && [ -f $(SYSCONFDIR)/enostub.conf ]; then \
	  $(BINDIR)/enostub check-config --compile $(SYSCONFDIR)/enostub.conf; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/enostub $(DESTDIR)$(LIBDIR)/libenostub.so \
	  $(DESTDIR)$(MANDIR)/man1/enostub.1 $(DESTDIR)$(MANDIR)/man5/enostub.conf.5
	rm -rf $(DESTDIR)$(DOCDIR)

# install into a scratch DESTDIR, run the installed command with the
# installed library, uninstall, and check that nothing is left
install-check:
	@d=$$(mktemp -d) && \
	$(MAKE) -s install DESTDIR=$$d PREFIX=/usr >/dev/null && \
	test -x $$d/usr/bin/enostub && test -f $$d/usr/share/man/man5/enostub.conf.5 && \
	for m in $$d/usr/share/man/man*/*; do \
	  w=$$(MANWIDTH=80 man --warnings -l $$m 2>&1 >/dev/null); \
	  [ -z "$$w" ] || { echo "$$m: $$w"; exit 1; }; done && \
	$$d/usr/bin/enostub run -- tests/integration/helper prctl:builtin:old close_range \
	  | grep -qx close_range=ENOSYS && \
	$(MAKE) -s uninstall DESTDIR=$$d PREFIX=/usr && \
	test -z "$$(find $$d -type f)" && rm -rf $$d && \
	echo "install-check: install, run from the installed files, uninstall: ok"

# The Debian package (debian/): dpkg-buildpackage in a copy of the tree in
# build/deb/src (the package is built with the multiarch LIBDIR and
# Debian's hardening flags, and its clean step must not touch this tree's
# objects); enostub_VERSION_ARCH.deb and its .changes land in build/deb/.
DEB_DIR := build/deb
deb: deps
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	tar -cf - --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.d' . | \
	  tar -xf - -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
	  { tail -40 ../build.log; exit 1; }
	rm -rf $(DEB_DIR)/src
	@ls $(DEB_DIR)/*.deb

# lintian, the files, and the package installed for real with dpkg in a
# private mount namespace whose /usr, /etc and /var are overlays (the
# machine's own files are never written): run, enable-system, removal.
deb-check: deb $(HELPER)
	tests/package/check-deb.sh $(DEB_DIR) $(CURDIR)/$(HELPER)

clean:
	rm -rf $(DEB_DIR)
	rm -f shim/*/*.o shim/*/*.d $(LIB) $(CLI) $(UNIT_TESTS) $(INTEG_TESTS) $(HELPER) $(EARLY) $(CHAIN) $(TRACEE) $(DEMO) $(BENCH) \
	  $(STATIC_FSTAT) \
	  $(CLIENT_TESTS) $(CLIENT_BINS)

# Sanitizers, valgrind and the fuzzer: their own rules, build dirs and packages.
include tests/sanitize.mk
include tests/fuzz/fuzz.mk
