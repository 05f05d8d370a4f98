# msgsec - one non-recursive GNU Makefile (STYLE.md section 9).
#
#   make            build everything into $(O) (default build/)
#   make run        install missing packages, build, start on rules/
#                   (ARGS="-p SOCKET --set KEY=VALUE ..." for the milter)
#   make test       install missing packages, build with ASan/UBSan, run
#                   every test, end with "N passed, N failed"
#   make lint       banned functions, layering, cppcheck
#   make fuzz       build libFuzzer targets (clang) into build/fuzz
#   make bench      benchmarks (figures, never pass/fail)
#   make install    DESTDIR=, PREFIX= (FHS paths)
#
# Knobs: SANITIZE=address,undefined  DEBUG=1  VALGRIND=valgrind  CI=1 (-Werror)

O ?= build
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wformat=2 -Wformat-security \
	-Wimplicit-fallthrough
ifneq ($(CI),)
WARN += -Werror
endif

ifeq ($(DEBUG),1)
OPT := -O0 -g3
else
OPT := -O2 -g
endif

HARDEN := -fstack-protector-strong -fPIE
ifeq ($(SANITIZE),)
HARDEN += -D_FORTIFY_SOURCE=2
endif
LDHARDEN := -pie -Wl,-z,relro -Wl,-z,now

ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

PKGS_POLICY := yaml-0.1 libpcre2-8 libcrypto
PKGS_MILTER := libarchive libmagic libclamav libcrypto
PKGS_SENSOR := libpcap libcrypto
PKGS_CLI := zlib libclamav
PKGS_PG := libpq
pkgcflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkglibs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

CPPFLAGS += -D_GNU_SOURCE -DMSGSEC_VERSION='"$(VERSION)"'

# Each layer compiles with only the include paths it may use, so a wrong
# #include fails to build (STYLE.md section 1): the library sees itself;
# the milter, the sensor and the admin command see the library and
# themselves; tests and benchmarks see everything.  An object's layer is
# the first folder of its source path.
INC_policy := -Ipolicy
INC_pgstore := -Ipolicy -Ipgstore $(call pkgcflags,$(PKGS_PG))
INC_milter := -Ipolicy -Ipgstore -Imilter
INC_sensor := -Ipolicy -Ipgstore -Isensor
INC_admin := -Ipolicy -Ipgstore -Iadmin
INC_tests := -Ipolicy -Ipgstore -Imilter -Isensor -Iadmin
layer_inc = $(INC_$(firstword $(subst /, ,$(1))))
CFLAGS ?=
ALL_CFLAGS := -std=c11 $(OPT) $(WARN) $(HARDEN) $(SANFLAGS) -MMD -MP \
	$(call pkgcflags,$(PKGS_POLICY)) $(CFLAGS)
ALL_LDFLAGS := $(LDHARDEN) $(SANFLAGS) $(LDFLAGS)
LIBS_POLICY := $(call pkglibs,$(PKGS_POLICY)) -lpthread
LIBS_MILTER := $(call pkglibs,$(PKGS_MILTER)) $(LIBS_POLICY)
LIBS_SENSOR := $(call pkglibs,$(PKGS_SENSOR)) $(LIBS_POLICY)
LIBS_PG := $(call pkglibs,$(PKGS_PG))
LIBS_TEST := $(call pkglibs,$(PKGS_MILTER) libcrypto) $(LIBS_PG) $(LIBS_POLICY)

VERSION := 0.1.0

# ---------------------------------------------------------------- sources

POLICY_SRC := $(wildcard policy/*.c)
CLI_SRC := $(wildcard admin/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

# The milter's pipeline is a library (everything but the libmilter glue,
# the libc calls it replaces for the process, and main), so --test, the
# unit tests and the fuzzers share it.
MILTER_MAIN := milter/main.c milter/daemon.c milter/interpose.c
MILTER_SRC := $(filter-out $(MILTER_MAIN),$(wildcard milter/*.c))
MILTER_OBJ := $(MILTER_SRC:%.c=$(O)/%.o)
LIBMILTERPIPE := $(O)/libmsgsec-milter.a

# The sensor likewise: everything but main and the libpcap glue.
SENSOR_MAIN := sensor/main.c sensor/capture.c sensor/worker.c
SENSOR_SRC := $(filter-out $(SENSOR_MAIN),$(wildcard sensor/*.c))
SENSOR_OBJ := $(SENSOR_SRC:%.c=$(O)/%.o)
LIBSENSORPIPE := $(O)/libmsgsec-sensor.a

POLICY_OBJ := $(POLICY_SRC:%.c=$(O)/%.o)
LIBMSGSEC := $(O)/libmsgsec.a

# The PostgreSQL records store: between the library and the programs.
PG_SRC := $(wildcard pgstore/*.c)
PG_OBJ := $(PG_SRC:%.c=$(O)/%.o)
LIBPG := $(O)/libmsgsec-pg.a

# The admin command likewise: everything but main, so its fuzz targets
# link it.
CLI_MAIN := admin/msgsec.c
CLI_LIB_SRC := $(filter-out $(CLI_MAIN),$(CLI_SRC))
CLI_LIB_OBJ := $(CLI_LIB_SRC:%.c=$(O)/%.o)
LIBADMIN := $(O)/libmsgsec-admin.a

UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
FUZZ_REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(O)/tests/replay_%)

PROGRAMS := $(O)/msgsec $(O)/msgsec-milter $(if $(wildcard sensor/main.c),$(O)/msgsec-sensor)

# Keep objects that pattern rules make on the way to test binaries.
.SECONDARY:

.PHONY: all run test check lint fuzz bench bench-build install clean deps deps-test deb
all: $(PROGRAMS)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(call layer_inc,$*) $(ALL_CFLAGS) -c -o $@ $<

$(LIBMSGSEC): $(POLICY_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBPG): $(PG_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBMILTERPIPE): $(MILTER_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/msgsec-milter: $(MILTER_MAIN:%.c=$(O)/%.o) $(LIBMILTERPIPE) $(LIBPG) $(LIBMSGSEC)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_MILTER) $(LIBS_PG) -lmilter

$(LIBSENSORPIPE): $(SENSOR_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/msgsec-sensor: $(SENSOR_MAIN:%.c=$(O)/%.o) $(LIBSENSORPIPE) $(LIBPG) $(LIBMSGSEC)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_SENSOR) $(LIBS_PG)

$(LIBADMIN): $(CLI_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/msgsec: $(CLI_MAIN:%.c=$(O)/%.o) $(LIBADMIN) $(LIBPG) $(LIBMSGSEC)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_CLI)) $(LIBS_PG) $(LIBS_POLICY)

# ---------------------------------------------------------------- tests

$(O)/tests/test_%: $(O)/tests/unit/test_%.o $(LIBMILTERPIPE) $(LIBSENSORPIPE) $(LIBPG) $(LIBMSGSEC)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_TEST) $(call pkglibs,cmocka)

# Fuzz targets built with a plain main() that replays a corpus.
# They link the admin command's library too (fuzz_alertscan).
$(O)/tests/replay_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay.o $(LIBADMIN) $(LIBMILTERPIPE) $(LIBSENSORPIPE) $(LIBPG) $(LIBMSGSEC)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_CLI)) $(LIBS_TEST)

# The differential fuzzer (tests/fuzz/fuzz_gmime_diff.c) is the only
# target that links GMime; its headers are system headers to our warnings.
GMIME_CFLAGS = $(patsubst -I%,-isystem %,$(call pkgcflags,gmime-3.0))
GMIME_LIBS = $(call pkglibs,gmime-3.0)
$(O)/tests/fuzz/fuzz_gmime_diff.o: ALL_CFLAGS += $(GMIME_CFLAGS)
$(O)/tests/replay_gmime_diff: $(O)/tests/fuzz/fuzz_gmime_diff.o $(O)/tests/fuzz/replay.o $(LIBMILTERPIPE) $(LIBPG) $(LIBMSGSEC)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_TEST) $(GMIME_LIBS)

TEST_BINS := $(UNIT_BIN) $(FUZZ_REPLAY_BIN) $(PROGRAMS)

deps:
	@sh packaging/install-deps.sh build

deps-test:
	@sh packaging/install-deps.sh test

# The sanitizer build lives in its own folder so it never mixes with $(O).
SAN_O := build/san

test: deps-test
	@$(MAKE) --no-print-directory O=$(SAN_O) SANITIZE=address,undefined check

# Run every test against the binaries in $(O).
check: $(TEST_BINS)
	@O=$(O) VALGRIND='$(VALGRIND)' sh tests/run.sh

# Start the milter on the checkout's configuration, in the foreground, on a
# unix socket in state/ or, when Postfix chroots smtpd, under its queue
# folder (Ctrl-C stops it).  ARGS="..." go to msgsec-milter (-p SOCKET,
# --set KEY=VALUE ...); packaging/run-milter.sh checks first.
run: deps
	@$(MAKE) --no-print-directory all
	@sh packaging/run-milter.sh $(O) $(ARGS)

lint:
	@sh tests/lint.sh

# ---------------------------------------------------------------- fuzzing

FUZZ_O := build/fuzz
FUZZ_CFLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-D_GNU_SOURCE $(INC_tests) $(call pkgcflags,$(PKGS_POLICY) $(PKGS_PG))
FUZZ_ADMIN := $(FUZZ_O)/libmsgsec-admin.a

# The admin command's library is built once, with the admin's include
# paths, and linked into every target, as in the replay build (the
# targets themselves see every folder, as tests do).
fuzz: deps
	@mkdir -p $(FUZZ_O)/admin
	@echo "clang libmsgsec-admin.a"
	@rm -f $(FUZZ_ADMIN) $(FUZZ_O)/admin/*.o
	@for f in $(CLI_LIB_SRC); do \
		clang $(filter-out $(INC_tests),$(FUZZ_CFLAGS)) $(INC_admin) \
			-c -o $(FUZZ_O)/admin/$$(basename $$f .c).o $$f || exit 1; \
	done
	@ar rcs $(FUZZ_ADMIN) $(FUZZ_O)/admin/*.o
	@for f in $(filter-out tests/fuzz/fuzz_gmime_diff.c,$(FUZZ_SRC)); do \
		n=$$(basename $$f .c); \
		echo "clang $$n"; \
		clang $(FUZZ_CFLAGS) -o $(FUZZ_O)/$$n $$f $(POLICY_SRC) $(MILTER_SRC) \
			$(PG_SRC) $(SENSOR_SRC) $(FUZZ_ADMIN) $(call pkglibs,$(PKGS_CLI)) \
			$(LIBS_TEST) || exit 1; \
	done
	@echo "clang fuzz_gmime_diff"
	@clang $(FUZZ_CFLAGS) $(GMIME_CFLAGS) -o $(FUZZ_O)/fuzz_gmime_diff \
		tests/fuzz/fuzz_gmime_diff.c $(POLICY_SRC) $(MILTER_SRC) $(PG_SRC) \
		$(LIBS_TEST) $(GMIME_LIBS)
	@echo "run: build/fuzz/fuzz_NAME tests/fuzz/corpus/NAME"

# ---------------------------------------------------------------- bench

BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(O)/tests/%)

bench: deps-test
	@$(MAKE) --no-print-directory O=build/bench bench-build
	@sh tests/bench/run.sh build/bench

bench-build: all $(BENCH_BIN) $(O)/tests/trivial-milter

# The milter benchmark's reference: the protocol without msgsec's work.
$(O)/tests/trivial-milter: tests/bench/trivial_milter.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INC_tests) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lmilter -lpthread

$(O)/tests/bench_%: $(O)/tests/bench/bench_%.o $(LIBMILTERPIPE) $(LIBSENSORPIPE) $(LIBPG) $(LIBMSGSEC)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_TEST)

# ---------------------------------------------------------------- install

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SYSCONFDIR)/msgsec
	install -m 0755 $(O)/msgsec $(DESTDIR)$(PREFIX)/bin/msgsec
	cp -R rules/. $(DESTDIR)$(SYSCONFDIR)/msgsec/

# Debian package (debhelper) into $(O)/deb, checked by lintian.
deb:
	@sh packaging/make-deb.sh $(O)

clean:
	rm -rf build

-include $(shell find $(O) -name '*.d' 2>/dev/null)
