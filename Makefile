# microheal: make (library + CLI), make demo, make check. See README.md.
CC ?= gcc
PKGS := gsl hdf5-serial inih
OPT ?= -O2
CFLAGS ?= $(OPT) -g
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -fopenmp -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS = $(PKG_LIBS) -lm
LDFLAGS += -fopenmp

CORE_SRC := $(wildcard src/core/*.c)
IO_SRC := $(wildcard src/io/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
CORE_OBJ := $(CORE_SRC:src/%.c=build/%.o)
IO_OBJ := $(IO_SRC:src/%.c=build/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=build/%.o)
TEST_OBJ := $(TEST_SRC:tests/%.c=build/tests/%.o) build/tests/mms.o

.PHONY: all deps demo check clean plots verify sensitivity validate
all: microheal

# Installs missing packages when a pkg-config lookup fails (scripts/install-deps.sh).
deps:
	@pkg-config --exists $(PKGS) criterion && command -v gnuplot >/dev/null || bash scripts/install-deps.sh

build/libmicroheal.a: $(CORE_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

build/libmicroheal_io.a: $(IO_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

build/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Isrc/core -Isrc/io -c $< -o $@

microheal: $(CLI_OBJ) build/libmicroheal_io.a build/libmicroheal.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

build/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags criterion) -Isrc/core -Isrc/io -c $< -o $@

build/tests/run_tests: $(TEST_OBJ) build/libmicroheal_io.a build/libmicroheal.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs criterion) -o $@

build/tests/verify: build/tests/verify.o build/tests/mms.o build/libmicroheal.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Convergence tables of the manufactured solution (papers/verification.md).
verify: build/tests/verify
	@mkdir -p results/verification
	build/tests/verify | tee results/verification/mms.md

demo: deps
	$(MAKE) microheal
	bash scripts/demo.sh

check: deps
	$(MAKE) microheal build/tests/run_tests
	bash tests/run.sh

# Model against the literature: every target of configs/validation/targets.ini (behaviour items of
# shared/science/README.md) -> results/validation/ (validation.md, .csv, PNGs); exits non-zero if a
# target is outside its band; then the parameter screening (make sensitivity). One OpenMP thread per
# run unless OMP_NUM_THREADS says otherwise.
validate: deps
	$(MAKE) microheal
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-passive} \
		./microheal validate configs/validation/targets.ini -o results/validation
	$(MAKE) sensitivity

plots: microheal
	bash scripts/plot.sh results/default.h5 results

# Parameter screening (papers/sensitivity.md): ranked table, CSV and bar chart in results/validation/sensitivity.
# About 75 short runs one after another: one thread each unless OMP_NUM_THREADS says otherwise (the
# 100 x 69 grid gains little from more, and spinning threads starve on a shared machine); the results
# do not depend on it.
sensitivity: deps
	$(MAKE) microheal
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-passive} \
	    ./microheal sensitivity configs/validation/sensitivity.ini -o results/validation/sensitivity

clean:
	rm -rf build microheal

-include $(CORE_OBJ:.o=.d) $(IO_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) build/tests/verify.d
