# SPDX-License-Identifier: MIT
# Sanitizer and valgrind runs, included by the Makefile (after its variables).
#
#   make asan      the unit and integration tests again, built with ASan and
#                  UBSan in build/asan/: its own core, shim, library, helper.
#                  -fno-sanitize-recover: any finding fails the test.
#   make valgrind  the library as built by `make` (not instrumented) preloaded
#                  into the helper running under memcheck, for the key
#                  loading cases and a configuration file: any error or leak
#                  fails (tests/integration/test_valgrind.c).
#
# The integration tests start programs (the helper, bwrap) with the library
# preloaded: that is where the shim's own code runs (hooks, copy, config,
# log). So the library under test is the ASan one, preloaded into those
# plain programs after the ASan runtime (LD_PRELOAD=libasan.so:libenostub.so,
# as the runtime must come first). The programs themselves stay plain: they
# stand for somebody else's program; the test drivers are instrumented too.
# An ASan or UBSan report in a child makes it exit 1 with the report in its
# output, and every child's exit status is asserted.

DEB_PKGS += valgrind

ASAN_DIR   := build/asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer
ASAN_RT    := $(shell $(CC) -print-file-name=libasan.so)
ASAN_ENV   := ASAN_OPTIONS=detect_stack_use_after_return=1:strict_string_checks=1 \
              UBSAN_OPTIONS=print_stacktrace=1

ASAN_LIB    = $(ASAN_DIR)/$(LIB)
ASAN_HELPER = $(ASAN_DIR)/$(HELPER)
ASAN_EARLY  = $(ASAN_DIR)/$(EARLY)
ASAN_CORE   = $(CORE_OBJ:%=$(ASAN_DIR)/%)
ASAN_UNITOBJ = $(UNIT_OBJ:%=$(ASAN_DIR)/%)
ASAN_SHIM   = $(SHIM_OBJ:%=$(ASAN_DIR)/%)
ASAN_UNIT   = $(UNIT_TESTS:%=$(ASAN_DIR)/%)
# test_trace compares exact system call and allocation traces: the ASan
# runtime preloaded into the traced program adds its own, by design.
# test_system preloads the library through /etc/ld.so.preload, where the
# ASan runtime cannot come first (and the command it runs is not built
# with ASan).
ASAN_INTEG  = $(filter-out $(ASAN_DIR)/tests/integration/test_trace \
                $(ASAN_DIR)/tests/integration/test_system,$(INTEG_TESTS:%=$(ASAN_DIR)/%))

# TEST_DEFS with every artefact path moved into build/asan/; SHIM_PATH
# becomes $(1): the library for the unit tests (nm), "runtime:library" for
# the integration tests (they use SHIM_PATH only as LD_PRELOAD's value).
asan_defs = $(subst "$(CURDIR)/$(LIB)","$(1)",$(subst \
	"$(CURDIR)/$(HELPER)","$(CURDIR)/$(ASAN_HELPER)",$(subst \
	"$(CURDIR)/$(EARLY)","$(CURDIR)/$(ASAN_EARLY)",$(TEST_DEFS))))

$(ASAN_DIR)/shim/%.o: shim/%.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(ASAN_FLAGS) -c $< -o $@

-include $(ASAN_SHIM:.o=.d)

$(ASAN_LIB): $(ASAN_SHIM) shim/preload/libenostub.map shim/preload/libenostub.ld
	$(CC) -shared $(ASAN_FLAGS) -Wl,--version-script=shim/preload/libenostub.map \
	  -Wl,-z,relro -Wl,-T,shim/preload/libenostub.ld -o $@ $(ASAN_SHIM)

$(ASAN_DIR)/tests/unit/%: tests/unit/%.c tests/unit/*.h $(ASAN_UNITOBJ) $(ASAN_LIB)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $(ASAN_FLAGS) -Wno-missing-prototypes \
	  $(TEST_INC) -Itests/unit $(call asan_defs,$(CURDIR)/$(ASAN_LIB)) \
	  $< $(ASAN_UNITOBJ) -o $@ $$(pkg-config --libs cmocka) -lseccomp

# The child's filter of `enostub run --trace` lives with the command.
$(ASAN_DIR)/tests/unit/test_trace_filter: tests/unit/test_trace_filter.c tests/unit/*.h \
		shim/cli/trace.h $(ASAN_UNITOBJ) $(ASAN_DIR)/shim/cli/trace_filter.o
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $(ASAN_FLAGS) -Wno-missing-prototypes \
	  $(TEST_INC) -Itests/unit $(call asan_defs,$(CURDIR)/$(ASAN_LIB)) \
	  $< $(ASAN_UNITOBJ) $(ASAN_DIR)/shim/cli/trace_filter.o -o $@ $$(pkg-config --libs cmocka) -lseccomp

# The command built with ASan and UBSan, for test_run_trace, where the
# code under test is the command itself (the tracer); the traced programs
# stay plain.
ASAN_CLI    = $(ASAN_DIR)/$(CLI)
ASAN_CLIOBJ = $(CLI_OBJ:%=$(ASAN_DIR)/%) $(CONF_OBJ:%=$(ASAN_DIR)/%) $(ASAN_CORE)

-include $(CLI_OBJ:%.o=$(ASAN_DIR)/%.d)

$(ASAN_CLI): $(ASAN_CLIOBJ)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $^

$(ASAN_DIR)/tests/integration/test_run_trace: tests/integration/test_run_trace.c \
		tests/integration/runner.h $(ASAN_CLI) $(ASAN_LIB) $(TRACEE)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $(ASAN_FLAGS) -Wno-missing-prototypes $(TEST_INC) \
	  $(subst "$(CURDIR)/$(CLI)","$(CURDIR)/$(ASAN_CLI)",$(call asan_defs,$(ASAN_RT):$(CURDIR)/$(ASAN_LIB))) \
	  $< -o $@ $$(pkg-config --libs cmocka)

# Plain programs, as in the normal build (see above).
$(ASAN_HELPER): tests/integration/helper.c tests/integration/say.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $< -o $@ -lseccomp -lpthread

$(ASAN_EARLY): tests/integration/early.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -std=gnu11 $(WARN) $(CFLAGS) $< -o $@

$(ASAN_DIR)/tests/integration/%: tests/integration/%.c tests/integration/runner.h \
		$(ASAN_LIB) $(ASAN_HELPER) $(ASAN_EARLY) $(STATIC_FSTAT) $(TRACEE)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $(ASAN_FLAGS) -Wno-missing-prototypes $(TEST_INC) \
	  $(call asan_defs,$(ASAN_RT):$(CURDIR)/$(ASAN_LIB)) $< -o $@ $$(pkg-config --libs cmocka)

VALGRIND_TEST := build/valgrind/test_valgrind

$(VALGRIND_TEST): tests/integration/test_valgrind.c tests/integration/runner.h $(LIB) $(HELPER)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -Wno-missing-prototypes $(TEST_INC) $(TEST_DEFS) \
	  $< -o $@ $$(pkg-config --libs cmocka)

.PHONY: asan valgrind clean-sanitize
asan: deps
	$(MAKE) $(ASAN_UNIT) $(ASAN_INTEG)
	@test -f "$(ASAN_RT)" || { echo "no ASan runtime: $(ASAN_RT)"; exit 1; }
	@set -e; for t in $(ASAN_UNIT) $(ASAN_INTEG); do \
	  echo "== asan+ubsan: $$t"; $(ASAN_ENV) ./$$t; done

valgrind: deps
	$(MAKE) $(VALGRIND_TEST)
	./$(VALGRIND_TEST)

clean: clean-sanitize
clean-sanitize:
	rm -rf $(ASAN_DIR) $(dir $(VALGRIND_TEST))
