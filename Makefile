# ovc - GNU make. Sources are globbed: a new file in lib/, scenario/,
# render/ or cli/ needs no edit here. Local overrides go in config.mak.
#
#   make            build build/ovc
#   make run        run the example scenarios (the README's first command)
#   make check      unit + golden tests, then the same under ASan+UBSan,
#                   then every fuzz target for a bounded time, then the
#                   conformance run
#   make conformance  conformance/*.ovc on real 6.1 and 6.12 kernels (qemu),
#                   each compared with the model (docs/conformance.md)
#   make bench      benchmarks (print figures, never assert)
#   make fuzz       fuzz targets only (clang, libFuzzer)

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wvla
WERROR  ?= -Werror
O       ?= build
FUZZ_SECONDS ?= 20
-include config.mak

ALL_CFLAGS = $(WARN) $(WERROR) $(CFLAGS) -Iinclude -I.

LIB_SRC  := $(sort $(wildcard lib/*.c))
FE_SRC   := $(sort $(wildcard scenario/*.c render/*.c live/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRC:= $(sort $(wildcard bench/bench_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
FE_OBJ   := $(FE_SRC:%.c=$(O)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(O)/tests/%)
BENCHES  := $(BENCH_SRC:bench/%.c=$(O)/bench/%)

.PHONY: all run check test golden unit san fuzz bench clean install-deps layout man
all: $(O)/ovc

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(O)/libovc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# ar refuses an empty archive: start it from an empty object.
$(O)/libfe.a: $(FE_OBJ)
	@rm -f $@
	@mkdir -p $(O)
	@echo > $(O)/fe-empty.c && $(CC) -c $(O)/fe-empty.c -o $(O)/fe-empty.o
	ar rcs $@ $(O)/fe-empty.o $^

$(O)/ovc: $(CLI_OBJ) $(O)/libfe.a $(O)/libovc.a
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDFLAGS)

# `make static`: build/ovc-static, linked with -static, for the conformance
# VM (conformance/vm/run-in-vm.sh runs only static binaries; docs/exec.md).
.PHONY: static conformance
static: $(O)/ovc-static

$(O)/ovc-static: $(CLI_OBJ) $(O)/libfe.a $(O)/libovc.a
	$(CC) $(ALL_CFLAGS) -static $^ -o $@ $(LDFLAGS)

# `make forkprobe`: build/forkprobe, static, which conformance/run.sh boots
# to check `ovc fork-check` against a real fork() (conformance/README.md).
.PHONY: forkprobe
forkprobe: $(O)/forkprobe

$(O)/forkprobe: conformance/forkprobe.c
	@mkdir -p $(O)
	$(CC) $(ALL_CFLAGS) -static $< -o $@ $(LDFLAGS)

$(O)/tests/%: tests/unit/%.c $(O)/libfe.a $(O)/libovc.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $^ -o $@ -lcmocka $(LDFLAGS)

$(O)/bench/%: bench/%.c $(O)/libfe.a $(O)/libovc.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDFLAGS)

run: $(O)/ovc
	@sh tests/run-examples.sh $(O)/ovc

unit: $(TESTS)
	@sh tests/run-unit.sh $(TESTS)

# docs/ovc.1 documents every command and every option --help prints.
man: $(O)/ovc
	@sh tests/man-check.sh $(O)/ovc

golden: $(O)/ovc
	@sh tests/run-golden.sh $(O)/ovc

layout:
	@sh tests/check-layout.sh

test: layout unit golden man

# The README's test command: everything a clean Debian 12 machine needs.
check: install-deps
	$(MAKE) test
	$(MAKE) O=build-san CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test
	$(MAKE) fuzz
	$(MAKE) conformance

install-deps:
	@sh tests/install-deps.sh

FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(FE_SRC)
	@mkdir -p build-fuzz
	clang $(WARN) $(WERROR) -O1 -g -Iinclude -I. -fsanitize=fuzzer,address,undefined $^ -o $@

fuzz: $(FUZZ_BIN)
	@sh tests/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# Boots a VM per scenario and kernel; docs/conformance.md is regenerated.
conformance:
	@bash conformance/run.sh

bench: $(BENCHES) $(O)/ovc
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(O) -name '*.d' 2>/dev/null)
