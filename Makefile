# enostub — make the tool, its tests and its demo.
#   make          build shim/libenostub.so
#   make demo     install missing build dependencies (as root), build, show
#   make check    the whole test suite (also under ASan+UBSan, valgrind, a short fuzz)
#   make fuzz     fuzz the core for FUZZ_TIME seconds (tests/fuzz/fuzz.mk)
#   make bench    benchmarks that print figures

CC      ?= cc
SYSCONFDIR ?= /etc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
ALLCFLAGS = -std=gnu11 -fPIC -fvisibility=hidden $(WARN) $(CFLAGS) \
            -DENOSTUB_SYSCONF='"$(SYSCONFDIR)/enostub.conf"'

# Debian packages needed to build and test (installed by `make deps` as root).
DEB_PKGS := gcc make pkg-config libseccomp-dev libconfig-dev libcmocka-dev \
            bubblewrap
APT_GET  := DEBIAN_FRONTEND=noninteractive apt-get -y -qq

CORE_SRC := shim/cbpf.c shim/arch.c shim/analyze.c shim/stub.c shim/patch.c
CORE_OBJ := $(CORE_SRC:.c=.o)
CONF_OBJ := shim/conf.o shim/log.o
SHIM_OBJ := shim/shim.o $(CONF_OBJ) $(CORE_OBJ)
LIB      := shim/libenostub.so
CLI      := shim/enostub

UNIT_TESTS := tests/unit/test_cbpf tests/unit/test_analyze tests/unit/test_stub \
              tests/unit/test_property tests/unit/test_shim_exports tests/unit/test_conf
INTEG_TESTS := tests/integration/test_kernel tests/integration/test_config
HELPER   := tests/integration/helper
EARLY    := tests/integration/early.so
DEMO     := tests/demo/demo
BENCH    := tests/bench/bench tests/bench/empty.so

TEST_DEFS := -DCORPUS_DIR='"$(CURDIR)/tests/corpus"' -DCONF_DIR='"$(CURDIR)/conf"' -DSHIM_PATH='"$(CURDIR)/$(LIB)"' \
             -DHELPER_PATH='"$(CURDIR)/$(HELPER)"' -DEARLY_PATH='"$(CURDIR)/$(EARLY)"'

.PHONY: all deps check unit integration demo bench clean
all: $(LIB) $(CLI)

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

shim/%.o: shim/%.c shim/*.h
	$(CC) $(ALLCFLAGS) -c $< -o $@

$(CLI): shim/enostub.o $(CONF_OBJ) $(CORE_OBJ)
	$(CC) -o $@ $^

$(LIB): $(SHIM_OBJ) shim/libenostub.map
	$(CC) -shared -Wl,--version-script=shim/libenostub.map -Wl,-z,relro \
	  -o $@ $(SHIM_OBJ)

tests/unit/%: tests/unit/%.c tests/unit/*.h $(CORE_OBJ) $(CONF_OBJ)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -Wno-missing-prototypes -Ishim -Itests/unit \
	  $(TEST_DEFS) $< $(CORE_OBJ) $(CONF_OBJ) -o $@ $$(pkg-config --libs cmocka) -lseccomp

$(HELPER): tests/integration/helper.c
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $< -o $@ -lseccomp -lpthread

$(EARLY): tests/integration/early.c
	$(CC) -shared -fPIC -std=gnu11 $(WARN) $(CFLAGS) $< -o $@

tests/integration/%: tests/integration/%.c tests/integration/runner.h $(LIB) $(HELPER) $(EARLY)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -Wno-missing-prototypes -Ishim $(TEST_DEFS) \
	  $< -o $@ $$(pkg-config --libs cmocka)

tests/bench/bench: tests/bench/bench.c $(CORE_OBJ)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -Wno-missing-prototypes -Ishim $< $(CORE_OBJ) -o $@

tests/bench/empty.so: tests/bench/empty.c
	$(CC) -shared -fPIC $(CFLAGS) $< -o $@

$(DEMO): tests/demo/demo.c
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $< -o $@ -lpthread

unit: deps $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do ./$$t; done

integration: deps $(INTEG_TESTS)
	@set -e; for t in $(INTEG_TESTS); do ./$$t; done

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) demo
	$(MAKE) asan
	$(MAKE) valgrind
	$(MAKE) fuzz-short

demo: deps
	$(MAKE) $(LIB) $(DEMO)
	@tests/demo/run-demo.sh $(LIB) $(DEMO) tests/corpus/docker-default-v19.03.0.bpf

bench: deps
	$(MAKE) $(LIB) $(BENCH)
	tests/bench/bench tests/corpus $(CURDIR)/tests/bench/empty.so $(CURDIR)/$(LIB) \
	  $(CURDIR)/conf/enostub.conf

clean:
	rm -f shim/*.o $(LIB) $(CLI) $(UNIT_TESTS) $(INTEG_TESTS) $(HELPER) $(EARLY) $(DEMO) $(BENCH)

# Sanitizers, valgrind and the fuzzer: their own rules, build dirs and packages.
include tests/sanitize.mk
include tests/fuzz/fuzz.mk
