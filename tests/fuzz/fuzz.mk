# SPDX-License-Identifier: MIT
# The libFuzzer target tests/fuzz/fuzz_patch.c, included by the Makefile.
#
#   make fuzz        fuzz for FUZZ_TIME seconds (default 600); new inputs are
#                    kept in build/fuzz/corpus, a crash in build/fuzz/crash-*
#                    (copy it to tests/fuzz/regress/ to replay it for ever)
#   make fuzz-short  part of make check: first shows that the oracle catches
#                    stubs weakened on purpose, then replays the seeds and
#                    tests/fuzz/regress/ and fuzzes FUZZ_SHORT_TIME seconds
#                    from them alone (a fresh build/fuzz/short/ each time)
#
# The core is compiled with clang's coverage, ASan and UBSan into
# build/fuzz/, from $(CORE_SRC), whatever files that lists.

DEB_PKGS += clang libclang-rt-dev

FUZZ_CC    ?= clang
FUZZ_DIR   := build/fuzz
FUZZ_FLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
              -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_TIME  ?= 600
FUZZ_SHORT_TIME ?= 60
FUZZ_CORE   = $(CORE_OBJ:%=$(FUZZ_DIR)/%)
FUZZ_BIN   := $(FUZZ_DIR)/fuzz_patch
FUZZ_SELF  := $(FUZZ_DIR)/fuzz_patch_selftest
# Seeds: the real-world corpus, small hand-made programs, saved crashes.
FUZZ_SEEDS  = tests/corpus tests/fuzz/seeds $(wildcard tests/fuzz/regress)
# Up to 4097 instructions and 7 option bytes: past the kernel's limit too.
FUZZ_ARGS   = -dict=tests/fuzz/fuzz_patch.dict -max_len=32783 -timeout=10 \
              -use_value_profile=1 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/

$(FUZZ_DIR)/shim/%.o: shim/%.c shim/core/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) -Ishim -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BIN): tests/fuzz/fuzz_patch.c tests/unit/oracle.h $(FUZZ_CORE)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) -fsanitize=fuzzer $(TEST_INC) -Itests/unit \
	  $< $(FUZZ_CORE) -o $@

$(FUZZ_SELF): tests/fuzz/fuzz_patch.c tests/unit/oracle.h $(FUZZ_CORE)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) -fsanitize=fuzzer $(TEST_INC) -Itests/unit \
	  -DFUZZ_SELFTEST $< $(FUZZ_CORE) -o $@

# Run the self-test build with FUZZ_WEAKEN=$(1) on $(2): it must fail, saying $(3).
fuzz_weakened = if FUZZ_WEAKEN=$(1) $(FUZZ_SELF) -artifact_prefix=$(FUZZ_DIR)/weakened- \
	  $(2) >$(FUZZ_DIR)/weakened-$(1).log 2>&1; then \
	  echo "not caught: FUZZ_WEAKEN=$(1) on $(2)"; exit 1; fi; \
	grep -H "$(3)" $(FUZZ_DIR)/weakened-$(1).log

.PHONY: fuzz fuzz-short clean-fuzz
fuzz: deps
	$(MAKE) $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) $(FUZZ_ARGS) $(FUZZ_DIR)/corpus $(FUZZ_SEEDS)

fuzz-short: deps
	$(MAKE) $(FUZZ_BIN) $(FUZZ_SELF)
	@rm -rf $(FUZZ_DIR)/short && mkdir -p $(FUZZ_DIR)/short
	@echo "== fuzz: the oracle objects to a stub that allows, or that takes in a named number"
	@$(call fuzz_weakened,allow,tests/corpus/docker-default-v19.03.0.bpf,WEAKER)
	@$(call fuzz_weakened,range,tests/fuzz/seeds/named-denial.bpf,number named by the filter)
	@echo "== fuzz: $(FUZZ_SHORT_TIME) s (log: $(FUZZ_DIR)/short.log)"
	@$(FUZZ_BIN) -max_total_time=$(FUZZ_SHORT_TIME) $(FUZZ_ARGS) $(FUZZ_DIR)/short \
	    $(FUZZ_SEEDS) >$(FUZZ_DIR)/short.log 2>&1 || { tail -n 60 $(FUZZ_DIR)/short.log; exit 1; }
	@grep -E "files found|INITED|DONE|^Done|stat::" $(FUZZ_DIR)/short.log

clean: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_DIR)
