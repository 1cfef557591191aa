# cvisor: one non-recursive Makefile (see README.md).
B        := build
CC       ?= gcc
CFLAGS   := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
            -Isrc -Isrc/common -Isrc/sentry -I$(B)/gen -MMD -MP
LDLIBS   := -lpthread -ljansson -lcap -lseccomp -lm

# The stub is freestanding: no libc, no stack protector, no SSE, no tables
# that would need relocations, so the blob runs wherever it is mapped.
STUB_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Isrc/common \
            -ffreestanding -fPIC -fno-stack-protector -fno-builtin \
            -fno-asynchronous-unwind-tables -fno-jump-tables -fcf-protection=none \
            -mgeneral-regs-only -mfsgsbase -nostdlib

SENTRY_SRC := $(wildcard src/sentry/*/*.c src/sentry/*/*/*.c)
CLI_SRC    := $(wildcard src/cli/*.c src/oci/*.c src/sandbox/*.c) \
              $(filter-out src/profile/loadgen.c,$(wildcard src/profile/*.c))
CVISOR_OBJ := $(patsubst %.c,$(B)/%.o,$(SENTRY_SRC) $(CLI_SRC)) $(B)/stub/blob.o
# cvisor-filters: what a running sandbox's seccomp filters allow, measured.
FILTERS_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard src/filters/*.c))

CONF_SRC   := $(wildcard tests/conformance/*.c)
# A few also as static-pie, to load at a randomised base.
PIE_TESTS  := auxv brk mmap_basic argv_env exit_code write_stdout
CONF_BIN   := $(patsubst %.c,$(B)/%,$(CONF_SRC)) \
              $(patsubst %,$(B)/tests/conformance/%-pie,$(PIE_TESTS))
PROGS_SRC  := $(wildcard tests/conformance/progs/*.c)
PROGS_BIN  := $(patsubst %.c,$(B)/%,$(PROGS_SRC))
# Attack programs of the security tests (tests/security/*.bats run them).
SEC_SRC    := $(wildcard tests/security/*.c)
SEC_BIN    := $(patsubst %.c,$(B)/%,$(SEC_SRC))
UNIT_SRC   := $(wildcard tests/unit/*.c)
UNIT_BIN   := $(patsubst %.c,$(B)/%,$(UNIT_SRC))

.PHONY: all deps demo test unit conformance integration bench fuzz clean
all: $(B)/cvisor $(B)/cvisor-loadgen $(B)/cvisor-filters

$(B)/cvisor: $(CVISOR_OBJ)
	$(CC) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c $(B)/gen/stub_syms.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/cvisor-filters: $(FILTERS_OBJ)
	$(CC) -o $@ $^ -lseccomp

# The calibration's load generator: static, so that it runs unchanged
# natively, under cvisor do and under runsc do.
$(B)/cvisor-loadgen: src/profile/loadgen.c src/common/timing.h
	$(CC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -Isrc/common -o $@ $<

# --- the stub blob ---
$(B)/stub/stub.o: src/stub/stub.c src/common/stub_abi.h
	@mkdir -p $(dir $@)
	$(CC) $(STUB_CFLAGS) -c -o $@ $<
$(B)/stub/entry.o: src/stub/entry.S src/common/stub_abi.h
	@mkdir -p $(dir $@)
	$(CC) $(STUB_CFLAGS) -c -o $@ $<
$(B)/stub/stub.elf: $(B)/stub/entry.o $(B)/stub/stub.o src/stub/stub.lds
	ld -nostdlib -static -T src/stub/stub.lds -o $@ $(B)/stub/entry.o $(B)/stub/stub.o
	@test -z "$$(objdump -h $@ | awk '$$2 ~ /^\.data/ && $$3 != "00000000"')" || \
		{ echo "stub: writable data is not allowed" >&2; exit 1; }
$(B)/stub/stub.bin: $(B)/stub/stub.elf
	objcopy -O binary $< $@
	@test $$(stat -c %s $@) -le 65536 || { echo "stub: too big" >&2; exit 1; }
$(B)/gen/stub_syms.h: $(B)/stub/stub.elf
	@mkdir -p $(dir $@)
	nm $< | awk '$$2 ~ /[Tt]/ && $$3 ~ /^stub_/ && $$3 !~ /\./ { printf "#define STUB_SYM_%s 0x%sUL\n", $$3, $$1 }' > $@
$(B)/stub/blob.o: src/sentry/platform/blob.S $(B)/stub/stub.bin
	$(CC) -c -DSTUB_BIN='"$(B)/stub/stub.bin"' -o $@ $<

# --- tests ---
$(B)/tests/conformance/%: tests/conformance/%.c $(wildcard tests/conformance/*.h)
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -pthread -Itests/conformance -o $@ $<
$(B)/tests/conformance/%-pie: tests/conformance/%.c tests/conformance/check.h
	@mkdir -p $(dir $@)
	$(CC) -static-pie -O2 -std=gnu11 -Wall -Wextra -Werror -Itests/conformance -o $@ $<
$(B)/tests/security/%: tests/security/%.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -pthread -Itests/conformance \
		-Isrc/common -MMD -MP -o $@ $<
# make fuzz's programs: static, run in the sandbox; fuzz names the calls
# from the sentry's table and aims at the stub region of stub_abi.h.
$(B)/tests/fuzz/%: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -Isrc/sentry -Isrc/common \
		-MMD -MP -o $@ $<
$(B)/tests/unit/%: tests/unit/%.c $(filter-out $(B)/src/cli/%,$(CVISOR_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.c %.o,$^) -lcmocka $(LDLIBS)
# net/unix/scm.c alone, with vfs/file.c and the test's AF_UNIX stand-in
$(B)/tests/unit/test_scm: tests/unit/test_scm.c src/sentry/net/unix/scm.c src/sentry/vfs/file.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lcmocka -lpthread
# cvisor-filters' reading, without its main
$(B)/tests/unit/test_filters_sym: tests/unit/test_filters_sym.c $(filter-out %/main.o,$(FILTERS_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.c %.o,$^) -lcmocka -lseccomp
$(B)/bench/%: bench/%.c bench/bench.h bench/timed.h src/common/timing.h
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -pthread -Isrc/common -o $@ $<

deps:
	@scripts/deps.sh

demo: deps
	$(MAKE) -j2 all $(B)/bench/syscall
	scripts/demo.sh $(B)

test: deps
	$(MAKE) -j2 all $(CONF_BIN) $(PROGS_BIN) $(SEC_BIN) $(UNIT_BIN) $(B)/bench/syscall
	tests/run.sh $(B)

# real applications in the sandbox (tests/apps, issue 14); not part of make test
.PHONY: test-apps
test-apps: export WITH_APPS = 1
test-apps: deps
	$(MAKE) -j2 all && tests/apps/run.sh $(B)

# LTP's system-call tests natively and in the sandbox (tests/ltp/,
# docs/compatibility.md); not part of make test.  LTP_SRC: an LTP source tree.
LTP_BUILD ?= /var/tmp/cvisor-ltp
.PHONY: test-ltp
test-ltp: export WITH_LTP = 1
test-ltp: deps
	@test -n "$(LTP_SRC)" || { echo "make test-ltp: set LTP_SRC to an LTP source tree" >&2; exit 2; }
	$(MAKE) -j2 all
	tests/ltp/build.sh "$(LTP_SRC)" "$(LTP_BUILD)"
	nice -n 10 tests/ltp/run.sh -o "$(LTP_BUILD)/out" "$(LTP_BUILD)/inst/opt/ltp" \
		"$(LTP_BUILD)/inst/opt/ltp/runtest/syscalls" $(B)/cvisor

bench: export WITH_BENCH = 1
bench: deps
	$(MAKE) -j2 all $(B)/bench/syscall $(B)/bench/fs $(B)/bench/process
	bench/syscall.sh $(B) --md $(B)/bench/syscall.md
	bench/fs.sh $(B) --md $(B)/bench/fs.md
	bench/process.sh $(B) --md $(B)/bench/process.md
	$(B)/cvisor bench calibrate
	python3 bench/predict.py $(B) --md $(B)/bench/predict.md

# trinity and our own fuzzer in the sandbox (tests/fuzz/run.sh); not part
# of make test.  Writes cgroups: run it under /tmp/cvisor-heavy.lock here.
fuzz: export WITH_FUZZ = 1
fuzz: deps
	$(MAKE) -j2 all $(B)/tests/fuzz/fuzz $(B)/tests/fuzz/nobody
	tests/fuzz/run.sh $(B)

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
