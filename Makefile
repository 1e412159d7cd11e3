# microheal: make (library + CLI), make demo, make check, make install. See README.md.
CC ?= gcc
PKGS := gsl hdf5-serial inih libcrypto
OPT ?= -O3
# OPENMP: the compiler's OpenMP flag (make check-tsan: -fopenmp=libomp for clang and LLVM's runtime).
# WARN_FLAGS: warning flags for another compiler (make check-tsan: clang knows no '#pragma GCC ivdep'
# and cannot vectorise the 'omp simd' loops under TSan); the warnings of WARN (below) stay.
# SAN_FLAGS: sanitizer flags added to compiling and linking alike (set by make check-asan, check-tsan and
# fuzz for their own trees; empty in a normal build). Set them on the command line, not LDFLAGS,
# which would replace the OpenMP flag below.
OPENMP ?= -fopenmp
SAN_FLAGS ?=
WARN_FLAGS ?=
CFLAGS ?= $(OPT) -g
# The warnings of every tree, all errors: besides -Wall -Wextra, a local that hides another (-Wshadow), a
# cast that drops const (-Wcast-qual: make the const true instead) and anything ISO C11 does not allow
# (-Wpedantic). WARN_FLAGS come after them.
WARN := -Wall -Wextra -Wshadow -Wcast-qual -Wpedantic -Werror
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off $(WARN) $(WARN_FLAGS) $(OPENMP) $(SAN_FLAGS) -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS = $(PKG_LIBS) -lm
LDFLAGS += $(OPENMP) $(SAN_FLAGS)

# MPI: 1 builds src/cli/mh_farm.c with MPI (the task farm of microheal sweep under mpirun) and links
# the microheal executable with it; 0 builds no MPI (mh_farm runs every task in the one process); auto
# (default) is 1 when mpicc is on PATH. Only mh_farm.c includes mpi.h: it alone gets mpicc's compile
# flags, so any CC builds the rest. check-tsan and fuzz, built with clang, use MPI=0.
MPI ?= auto
ifeq ($(MPI),auto)
override MPI := $(if $(shell command -v mpicc 2>/dev/null),1,0)
endif
ifeq ($(MPI),1)
MPI_CFLAGS := $(shell mpicc --showme:compile) -DMH_HAVE_MPI -pthread
MPI_LIBS := $(shell mpicc --showme:link) -pthread
else ifneq ($(MPI),0)
$(error MPI must be auto, 0 or 1, not '$(MPI)')
endif

# Objects go to $(BUILD) (make bench builds a second tree, build/native, with -march=native; make
# check-asan and check-tsan build build/asan and build/tsan, each with its own $(B)/microheal; make
# fuzz builds build/fuzz with clang and the sanitizers).
BUILD ?= build
B := $(BUILD)

# The library's layers, each a folder of src/ and an archive of its own, from the bottom up
# (papers/architecture.md): base (status, context, files), engine (the numerical engine: grid, skin,
# devices, model, diffusion, stepping, observables; plain parameter structs only), config (the
# parameter table, INI files, rules between keys, and the one translation of a configuration into the
# engine's structs), study (sweeps, designs, targets, calibration, sensitivity), io (HDF5, checkpoints,
# XDMF, export). A layer is compiled with the include paths of itself and the layers below it only
# (LAYER_INC), so that an engine file that includes a config header, or hdf5.h, does not compile
# (make check-layers shows it). The CLI (src/cli) sits on all of them.
LAYERS := base engine config study io
INC_base := -Isrc/base
INC_engine := $(INC_base) -Isrc/engine
INC_config := $(INC_engine) -Isrc/config
INC_study := $(INC_config) -Isrc/study
INC_io := $(INC_study) -Isrc/io
INC_ALL := $(INC_io) -Isrc/cli
# The packages' compile flags each layer gets: base and the engine see GSL's, not HDF5's or libinih's.
PKG_CFLAGS_GSL := $(shell pkg-config --cflags gsl 2>/dev/null)
PKGC_base = $(PKG_CFLAGS_GSL)
PKGC_engine = $(PKG_CFLAGS_GSL)
PKGC_config = $(PKG_CFLAGS)
PKGC_study = $(PKG_CFLAGS)
PKGC_io = $(PKG_CFLAGS)
$(foreach l,$(LAYERS),$(eval SRC_$(l) := $(wildcard src/$(l)/*.c)))
$(foreach l,$(LAYERS),$(eval OBJ_$(l) := $(SRC_$(l):src/%.c=$(B)/%.o)))
LIB_OBJ := $(foreach l,$(LAYERS),$(OBJ_$(l)))
# The layers' archives, top layer first (the order a static link needs).
LAYER_LIBS := $(foreach l,io study config engine base,$(B)/lib/libmh_$(l).a)
CLI_SRC := $(wildcard src/cli/*.c)
# TEST_EXCLUDE: test files left out of this tree (make check-tsan: tests/test_farm.c, tests/test_sweep.c
# and tests/test_xdmf.c, which need Criterion's cr_skip_test and run mpirun, Slurm and ParaView; no kernel
# of theirs).
TEST_EXCLUDE ?=
TEST_SRC := $(filter-out $(TEST_EXCLUDE),$(wildcard tests/test_*.c))
CLI_OBJ := $(CLI_SRC:src/%.c=$(B)/%.o)
# tests/test_fuzz.c replays the fuzzing corpora through the fuzz targets, compiled here like any test file.
TEST_OBJ := $(TEST_SRC:tests/%.c=$(B)/tests/%.o) $(B)/tests/mms.o $(B)/tests/fuzz/fuzz_config.o \
    $(B)/tests/fuzz/fuzz_h5.o $(B)/tests/lsan_runner.o
# The tests run under Criterion; make check-tsan swaps in its in-process runner (tests/tsan/).
CRITERION_CFLAGS ?= $(shell pkg-config --cflags criterion)
CRITERION_LIBS ?= $(shell pkg-config --libs criterion)
TEST_RUNNER_OBJ ?=

.PHONY: all deps fuzz-deps demo check check-asan check-tsan check-valgrind clean plots verify sensitivity validate bench fuzz \
	golden fuzz-build fuzz-replay fuzz-h5 fuzz-h5-build fuzz-h5-replay FORCE
all: microheal lib

# Installs missing packages when a pkg-config lookup, gnuplot, mpicc or Slurm (make check's sweep test)
# is missing (scripts/install-deps.sh).
deps:
	@pkg-config --exists $(PKGS) criterion && command -v gnuplot >/dev/null && command -v mpicc >/dev/null \
	    && command -v slurmctld >/dev/null && command -v sbatch >/dev/null && command -v $(CLANG_FORMAT) >/dev/null \
	    || bash scripts/install-deps.sh

# Opt-in: ParaView's pvpython and Xvfb for the test that opens the XDMF files in ParaView (about 1 GB;
# tests/test_xdmf.c skips it without them).
.PHONY: paraview-deps
paraview-deps:
	bash scripts/install-deps.sh --paraview

# One archive per layer; libmicroheal.a holds them all, and libmicroheal.so the same objects (make lib
# builds both, make install installs them). The shared library's soname carries the major number of
# MH_VERSION (src/base/mh_version.h): libmicroheal.so.MAJOR, a link to libmicroheal.so.MAJOR.MINOR.PATCH;
# a release that breaks the ABI raises the major. It records its own dependencies (GSL, HDF5, libinih,
# libcrypto, the OpenMP runtime), and -z defs refuses to link it if a symbol would stay undefined.
VERSION := $(shell sed -n 's/^\#define MH_VERSION "\([0-9]*\.[0-9]*\.[0-9]*\)"$$/\1/p' src/base/mh_version.h)
ifeq ($(VERSION),)
$(error src/base/mh_version.h: no MH_VERSION "MAJOR.MINOR.PATCH")
endif
SO_NAME := libmicroheal.so.$(firstword $(subst ., ,$(VERSION)))
SO_FILE := libmicroheal.so.$(VERSION)
.PHONY: lib
lib: $(B)/libmicroheal.a $(B)/$(SO_FILE)
$(B)/$(SO_FILE): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SO_NAME) -Wl,-z,defs $(LDFLAGS) $^ $(LDLIBS) -o $@

$(B)/lib/libmh_%.a:
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^
$(foreach l,$(LAYERS),$(eval $(B)/lib/libmh_$(l).a: $(OBJ_$(l))))

$(B)/libmicroheal.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# Each layer's objects with its own include paths (and the engine without HDF5's or libinih's), all
# position-independent, so that one set of objects makes both libmicroheal.a and libmicroheal.so
# (-fno-semantic-interposition: calls within the library may still be inlined, as without -fPIC; the
# results do not change, -ffp-contract=off and no fast-math keep every operation as written).
PIC_FLAGS := -fPIC -fno-semantic-interposition
define layer_rule
$(B)/$(1)/%.o: src/$(1)/%.c
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(PIC_FLAGS) $$(PKGC_$(1)) $$(INC_$(1)) -c $$< -o $$@
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

$(B)/cli/%.o: src/cli/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(INC_ALL) -c $< -o $@
$(B)/bench/%.o: src/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(INC_ALL) -c $< -o $@

# mh_farm.o is rebuilt when MPI changes: $(B)/mpi.stamp holds the MPI of the last build of this tree
# (rewritten only when it differs, so its time changes only then).
$(B)/cli/mh_farm.o: CFLAGS += $(MPI_CFLAGS)
$(B)/cli/mh_farm.o: $(B)/mpi.stamp
$(B)/mpi.stamp: FORCE
	@mkdir -p $(@D)
	@echo $(MPI) | cmp -s - $@ || echo $(MPI) > $@
FORCE:

microheal $(B)/microheal: $(CLI_OBJ) $(LAYER_LIBS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(MPI_LIBS) -o $@

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(CRITERION_CFLAGS) $(INC_ALL) -c $< -o $@

# The example programs (examples/): each built with the include paths and archives of the layers it
# names only, so that run_2d.c shows a run through the engine's API alone; tests/test_build.c runs it.
$(B)/examples/run_2d: examples/run_2d.c $(B)/lib/libmh_engine.a $(B)/lib/libmh_base.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS_GSL) $(INC_engine) $< $(B)/lib/libmh_engine.a $(B)/lib/libmh_base.a \
	    $(LDFLAGS) $(shell pkg-config --libs gsl 2>/dev/null) -lm -o $@

# The C files' layout (.clang-format), with the clang-format that scripts/install-deps.sh installs:
# make format rewrites them, make check-format (part of make check) fails, naming the first lines
# that differ, when one is not laid out so.
CLANG_FORMAT ?= clang-format-14
FORMAT_FILES := $(sort $(wildcard src/*/*.c src/*/*.h tests/*.c tests/*.h tests/*/*.c tests/*/*.h \
    tests/*/*/*.h examples/*.c))
.PHONY: format check-format
format:
	$(CLANG_FORMAT) -i $(FORMAT_FILES)
check-format:
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES) 2>&1 | head -40; \
	    $(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES) >/dev/null 2>&1 || \
	    { echo "check-format: the files above are not laid out as .clang-format says; make format lays them out"; exit 1; }
	@echo "check-format: $(words $(FORMAT_FILES)) files as .clang-format lays them out"

# The layering, shown: for each layer, a file that includes a header of a layer above it must not
# compile with that layer's include paths (and one of its own layer must). make check runs it.
LAYER_TOP_HEADER_engine := mh_config.h
LAYER_TOP_HEADER_base := mh_sim.h
LAYER_TOP_HEADER_config := mh_sweep.h
LAYER_TOP_HEADER_study := mh_h5.h
LAYER_OWN_HEADER_engine := mh_sim.h
LAYER_OWN_HEADER_base := mh_ctx.h
LAYER_OWN_HEADER_config := mh_build.h
LAYER_OWN_HEADER_study := mh_sweep.h
LAYER_CFLAGS = $(filter-out -MMD -MP,$(CFLAGS))
.PHONY: check-layers
check-layers:
	@mkdir -p $(B)/layers
	@for l in base engine config study; do \
	    case $$l in base) inc="$(INC_base)"; pc="$(PKGC_base)";; engine) inc="$(INC_engine)"; pc="$(PKGC_engine)";; \
	        config) inc="$(INC_config)"; pc="$(PKGC_config)";; study) inc="$(INC_study)"; pc="$(PKGC_study)";; esac; \
	    case $$l in base) up=$(LAYER_TOP_HEADER_base); own=$(LAYER_OWN_HEADER_base);; \
	        engine) up=$(LAYER_TOP_HEADER_engine); own=$(LAYER_OWN_HEADER_engine);; \
	        config) up=$(LAYER_TOP_HEADER_config); own=$(LAYER_OWN_HEADER_config);; \
	        study) up=$(LAYER_TOP_HEADER_study); own=$(LAYER_OWN_HEADER_study);; esac; \
	    printf '#include "%s"\n' "$$own" > $(B)/layers/own_$$l.c; \
	    printf '#include "%s"\n' "$$up" > $(B)/layers/up_$$l.c; \
	    $(CC) $(LAYER_CFLAGS) $$pc $$inc -fsyntax-only $(B)/layers/own_$$l.c || { echo "check-layers: $$l cannot include its own $$own"; exit 1; }; \
	    if $(CC) $(LAYER_CFLAGS) $$pc $$inc -fsyntax-only $(B)/layers/up_$$l.c 2>/dev/null; then \
	        echo "check-layers: a $$l file can include $$up, a header of a layer above it"; exit 1; fi; \
	    echo "check-layers: src/$$l includes $$own, not $$up"; \
	done
	@printf '#include <hdf5.h>\n' > $(B)/layers/hdf5_engine.c
	@if $(CC) $(LAYER_CFLAGS) $(PKGC_engine) $(INC_engine) -fsyntax-only $(B)/layers/hdf5_engine.c 2>/dev/null; then \
	    echo "check-layers: an engine file can include hdf5.h"; exit 1; fi
	@echo "check-layers: src/engine cannot include hdf5.h"
	@if grep -rn 'include *"\.\.' src; then echo "check-layers: an include by a relative path (above)"; exit 1; fi

# In an MPI build the tests of tests/test_farm.c run $(B)/tests/farm_check (beside run_tests) under
# mpirun; without MPI it is removed, and they skip.
ifeq ($(MPI),1)
FARM_CHECK := $(B)/tests/farm_check
endif
# The tests of the CLI's own modules (tests/test_progress.c) link them too; the pseudo-terminal of
# those tests (forkpty) is in libutil before glibc 2.34 (an empty stub since).
TEST_CLI_OBJ := $(B)/cli/mh_progress.o $(B)/cli/mh_cli_util.o
$(B)/tests/run_tests: $(TEST_OBJ) $(TEST_CLI_OBJ) $(TEST_RUNNER_OBJ) $(LAYER_LIBS) $(FARM_CHECK) $(B)/examples/run_2d \
    $(B)/tests/kill_after_rename.so $(B)/tests/signal_at_open.so
	$(CC) $(LDFLAGS) $(filter %.o %.a,$^) $(LDLIBS) $(CRITERION_LIBS) -lutil -o $@
ifneq ($(MPI),1)
	rm -f $(B)/tests/farm_check
endif

# The LD_PRELOAD shims that kill a process right after a given rename (tests/shim/kill_after_rename.c)
# and send it a signal right after a given file is opened (tests/shim/signal_at_open.c), beside
# run_tests; plain flags, no sanitizer: they only forward to libc.
$(B)/tests/%.so: tests/shim/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -std=c11 $(WARN) -fPIC -shared $< -ldl -o $@

# The task farm's test program (MPI builds only): tests/mpi/farm_check.c with mh_farm.o and the
# sanitizer hooks for Open MPI.
$(B)/tests/mpi/farm_check.o: CFLAGS += -Isrc/cli
$(B)/tests/farm_check: $(B)/tests/mpi/farm_check.o $(B)/cli/mh_farm.o $(B)/cli/mh_sanitizer_hooks.o
	$(CC) $(LDFLAGS) $^ $(MPI_LIBS) -o $@

# The libFuzzer executables (clang only: make fuzz and make fuzz-h5 build them in build/fuzz).
$(B)/tests/fuzz_config: $(B)/tests/fuzz/fuzz_config.o $(LAYER_LIBS)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ $(LDLIBS) -o $@
$(B)/tests/fuzz_h5: $(B)/tests/fuzz/fuzz_h5.o $(LAYER_LIBS)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

$(B)/tests/verify: $(B)/tests/verify.o $(B)/tests/mms.o $(LAYER_LIBS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(B)/microheal-bench: $(B)/bench/bench.o $(LAYER_LIBS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# AddressSanitizer + UndefinedBehaviorSanitizer (GCC) over the whole suite, CLI included
# (papers/reliability.md): build/asan/microheal and build/asan/tests/run_tests, run as make check runs
# its build; about 6 minutes on 2 cores. Fails on any report (tests/sanitized.sh: ASan and
# LeakSanitizer reports are files in build/asan/logs, so a leak at the exit of a test process or in a
# CLI run inside a test fails too; UBSan, which GCC's runtime cannot send to a file, halts the process
# with status 99, which fails the test or its CLI call). -O2: -O1 doubles the run time. Without
# use-after-scope checks, which poison the per-cell arrays of the reaction loop at every cell and cost
# 60 % more time (about 9.5 minutes; the suite is clean with them too): to include them, run
# rm -rf build/asan && make check-asan ASAN_FLAGS="-fsanitize=address,undefined ...".
ASAN_FLAGS ?= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
    -fno-sanitize-address-use-after-scope
check-asan: deps
	$(MAKE) BUILD=build/asan OPT=-O2 SAN_FLAGS="$(ASAN_FLAGS)" build/asan/microheal build/asan/tests/run_tests
	MICROHEAL=build/asan/microheal TEST_BIN=build/asan/tests/run_tests \
	    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99 \
	    bash tests/sanitized.sh build/asan/logs bash tests/run.sh

# Data races in the OpenMP kernels (papers/reliability.md): clang with LLVM's OpenMP runtime (libomp)
# and ThreadSanitizer, with Archer (libomp's tool that tells TSan about OpenMP's synchronisation; GCC's
# libgomp is not TSan-aware), in build/tsan. Criterion cannot run under TSan
# (tests/tsan/criterion/criterion.h), so the test files are linked with tests/tsan/runner.c and the
# tests of TSAN_TESTS run in one process, with 2 and with 4 threads; fails on any report. About 10
# minutes on 2 cores.
TSAN_CC ?= clang-14
ARCHER ?= /usr/lib/llvm-14/lib/libarcher.so
TSAN_TESTS ?= 'diffusion/*' 'model/*' 'sim/*' 'section/periodic_*' \
    'sensitivity/indices_do_not_depend_on_the_thread_count' 'behaviour/item6_*'
check-tsan: deps
	@command -v $(TSAN_CC) >/dev/null && test -e $(ARCHER) && echo 'int main(void) { return 0; }' | \
	    $(TSAN_CC) -fsanitize=thread -fopenmp=libomp -x c - -o /dev/null 2>/dev/null || bash scripts/install-deps.sh
	$(MAKE) CC=$(TSAN_CC) BUILD=build/tsan MPI=0 TEST_EXCLUDE="tests/test_farm.c tests/test_sweep.c tests/test_xdmf.c" OPT=-O2 OPENMP=-fopenmp=libomp \
	    SAN_FLAGS=-fsanitize=thread WARN_FLAGS="-Wno-unknown-pragmas -Wno-pass-failed" CRITERION_CFLAGS=-Itests/tsan \
	    CRITERION_LIBS= \
	    TEST_RUNNER_OBJ=build/tsan/tests/tsan/runner.o build/tsan/tests/run_tests
	for n in 2 4; do \
	    OMP_NUM_THREADS=$$n OMP_WAIT_POLICY=passive OMP_TOOL_LIBRARIES=$(ARCHER) ARCHER_OPTIONS=verbose=1 \
	        TSAN_OPTIONS=halt_on_error=1:ignore_noninstrumented_modules=1 \
	        bash tests/sanitized.sh build/tsan/logs build/tsan/tests/run_tests $(TSAN_TESTS) || exit 1; \
	done

# Valgrind memcheck end to end (papers/reliability.md): microheal run of a small configuration with 2
# OpenMP threads, then info and export (--series, --field) of its output, in build/valgrind; each fails
# on an invalid access, a use of an uninitialised value or a definite or indirect leak (a possibly lost
# block, such as the TLS of libgomp's worker thread, is not an error). About 1 minute.
VALGRIND := valgrind --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=1 --track-origins=yes
check-valgrind: deps
	@command -v valgrind >/dev/null || bash scripts/install-deps.sh
	$(MAKE) microheal
	@mkdir -p build/valgrind
	OMP_NUM_THREADS=2 OMP_WAIT_POLICY=passive $(VALGRIND) ./microheal run configs/default.ini -q \
	    -o build/valgrind/run.h5 --set grid.dx_um=20 --set simulation.days=10 --set schedule.sessions=1
	$(VALGRIND) ./microheal info build/valgrind/run.h5 > build/valgrind/info.txt
	$(VALGRIND) ./microheal export build/valgrind/run.h5 --series -o build/valgrind/series.dat
	$(VALGRIND) ./microheal export build/valgrind/run.h5 --field collagen_total --day 7 -o build/valgrind/field.dat

# Convergence tables of the manufactured solution (papers/verification.md); fails if verify fails.
verify: deps
	$(MAKE) $(B)/tests/verify
	@mkdir -p results/verification
	$(B)/tests/verify > results/verification/mms.md || { cat results/verification/mms.md; exit 1; }
	@cat results/verification/mms.md

demo: deps
	$(MAKE) microheal
	bash scripts/demo.sh

check: deps
	$(MAKE) check-format
	$(MAKE) microheal build/tests/run_tests
	$(MAKE) check-layers
	$(MAKE) check-install
	bash tests/run.sh

# The golden outputs of tests/test_golden.c (papers/verification.md, "Golden outputs"): rebuilds microheal
# and rewrites every tests/golden/NAME.h5 from its NAME.ini (the XDMF file beside it is not kept).
# make check compares new runs with them bit for bit. Regenerate only when a change of the model is
# meant to change the outputs, and say why in the commit. One OpenMP thread unless OMP_NUM_THREADS says
# otherwise; the results do not depend on it.
golden: deps
	$(MAKE) microheal
	for ini in tests/golden/*.ini; do \
	    OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-passive} \
	        ./microheal run $$ini -o $${ini%.ini}.h5 -q || exit 1; \
	    rm -f $${ini%.ini}.xmf; \
	done

# Model against the literature: every target of configs/validation/targets.ini (behaviour items of
# shared/science/README.md), scored on the mean of 8 replicates (208 runs, about 9 minutes on one
# core) -> results/validation/ (validation.md, .csv, PNGs; the calibration and validation sets apart);
# exits non-zero if a calibration target's mean is outside its band (validation-set misses are
# reported; `./microheal validate --strict` fails on them too); then the same ensembles at base seeds
# 42, 1 and 2, which must give every target the same verdict (tests/test_validation.c; make check runs
# seed 42's alone); then the parameter screening (make sensitivity). One OpenMP thread per run unless
# OMP_NUM_THREADS says otherwise.
validate: deps
	$(MAKE) microheal build/tests/run_tests
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-passive} \
		./microheal validate configs/validation/targets.ini -o results/validation
	MH_VALIDATION_SEEDS=all bash tests/run.sh --filter 'ensemble_validation/*'
	$(MAKE) sensitivity

# The gallery of results/default.h5 (make demo writes it) into results/: microheal plot (README, "Plots").
plots: microheal
	./microheal plot results/default.h5 -o results

# Parameter screening (papers/sensitivity.md): ranked table, CSV and bar chart in results/validation/sensitivity.
# About 75 short runs one after another: one thread each unless OMP_NUM_THREADS says otherwise (the
# 100 x 69 grid gains little from more, and spinning threads starve on a shared machine); the results
# do not depend on it.
sensitivity: deps
	$(MAKE) microheal
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-passive} \
	    ./microheal sensitivity configs/validation/sensitivity.ini -o results/validation/sensitivity

# Benchmark (papers/performance.md): an optimised build (-O3 -march=native) in build/native, then
# bandwidth, diffusion kernels, a model step, whole runs and a strong-scaling table on this machine;
# prints a table and writes results/bench.json. All cores unless OMP_NUM_THREADS says otherwise;
# about 4 minutes on 2 cores, 2 to 2.5 of them the 3-D unit-cell run (BENCH_FLAGS=--quick: about 10 s,
# no whole runs).
bench: deps
	$(MAKE) BUILD=build/native OPT="-O3 -march=native" build/native/microheal-bench
	@mkdir -p results
	OMP_PROC_BIND=$${OMP_PROC_BIND:-close} OMP_PLACES=$${OMP_PLACES:-cores} \
	    build/native/microheal-bench -o results/bench.json $(BENCH_FLAGS)

# Fuzzing the configuration parser (papers/reliability.md, "Fuzzing the configuration parser"):
# tests/fuzz/fuzz_config.c under libFuzzer, built with clang, AddressSanitizer and UBSan in build/fuzz
# (the gcc tree is untouched). make fuzz runs it in one process on one core for FUZZ_SECONDS (default
# 600) from the committed corpus tests/fuzz/corpus with the dictionary tests/fuzz/config.dict; new
# inputs go to build/fuzz/corpus, a crash, sanitizer report, leak, hang (over 10 s), 2 GB of RSS or a
# single allocation over 64 MB to build/fuzz/artifacts/ and fails the target; libFuzzer's final stats
# close the output. make fuzz-replay (or FUZZ_SECONDS=0) runs each committed input once (seconds; make
# check replays them too, through tests/test_fuzz.c). To add what a run found to the committed corpus,
# on purpose: build/fuzz/tests/fuzz_config -merge=1 tests/fuzz/corpus build/fuzz/corpus
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
# (Warnings of this tree only: under the sanitizers clang cannot vectorise the kernels' omp simd loops,
# -Wno-pass-failed, and it does not know GCC's ivdep, -Wno-unknown-pragmas; the fuzzer runs no kernel.)
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined,float-divide-by-zero -fno-sanitize-recover=all \
            -fno-omit-frame-pointer -Wno-pass-failed -Wno-unknown-pragmas
FUZZ_BIN := build/fuzz/tests/fuzz_config
FUZZ_RUN := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(FUZZ_BIN) \
            -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64 -artifact_prefix=build/fuzz/artifacts/

# Installs clang, its fuzzer runtime and libomp when missing (scripts/install-deps.sh).
fuzz-deps: deps
	@command -v $(FUZZ_CC) >/dev/null && [ -f "$$($(FUZZ_CC) -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a" ] \
	    && echo '#include <omp.h>' | $(FUZZ_CC) -fopenmp -E -x c - >/dev/null 2>&1 || bash scripts/install-deps.sh

fuzz-build: fuzz-deps
	$(MAKE) BUILD=build/fuzz MPI=0 CC=$(FUZZ_CC) OPT=-O1 SAN_FLAGS="$(FUZZ_SAN)" $(FUZZ_BIN)
	@mkdir -p build/fuzz/corpus build/fuzz/artifacts

fuzz-replay: fuzz-build
	$(FUZZ_RUN) -runs=0 tests/fuzz/corpus

ifeq ($(FUZZ_SECONDS),0)
fuzz: fuzz-replay
else
fuzz: fuzz-build
	$(FUZZ_RUN) -dict=tests/fuzz/config.dict -max_len=16384 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/corpus tests/fuzz/corpus
endif

# Fuzzing the HDF5 readers (papers/reliability.md, "Fuzzing the HDF5 readers"): tests/fuzz/fuzz_h5.c,
# what info, every export and run --resume read, built in build/fuzz as make fuzz builds its target, run
# with the same sanitizers and limits for FUZZ_SECONDS (default 600) from the committed corpus
# tests/fuzz/h5_corpus (tiny outputs and checkpoints, and recipes of crafted files); new inputs go to
# build/fuzz/h5_corpus, findings to build/fuzz/h5_artifacts/. libhdf5 is the system's, not instrumented:
# its leaks on a refused file are its own (tests/fuzz/h5_lsan.supp), what microheal leaves open the
# target checks itself. make fuzz-h5-replay (or FUZZ_SECONDS=0) runs each committed input once; make
# check replays them too (tests/test_fuzz.c). To keep what a run found, on purpose:
# build/fuzz/tests/fuzz_h5 -merge=1 tests/fuzz/h5_corpus build/fuzz/h5_corpus
FUZZ_H5_BIN := build/fuzz/tests/fuzz_h5
FUZZ_H5_RUN := ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/fuzz/h5_lsan.supp \
               UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(FUZZ_H5_BIN) \
               -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64 -artifact_prefix=build/fuzz/h5_artifacts/

fuzz-h5-build: fuzz-deps
	$(MAKE) BUILD=build/fuzz MPI=0 CC=$(FUZZ_CC) OPT=-O1 SAN_FLAGS="$(FUZZ_SAN)" $(FUZZ_H5_BIN)
	@mkdir -p build/fuzz/h5_corpus build/fuzz/h5_artifacts

fuzz-h5-replay: fuzz-h5-build
	$(FUZZ_H5_RUN) -runs=0 tests/fuzz/h5_corpus

ifeq ($(FUZZ_SECONDS),0)
fuzz-h5: fuzz-h5-replay
else
fuzz-h5: fuzz-h5-build
	$(FUZZ_H5_RUN) -max_len=327680 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/h5_corpus tests/fuzz/h5_corpus
endif

# Installation: make install [PREFIX=/usr/local] [DESTDIR=] puts the CLI in $(BINDIR), libmicroheal.a,
# libmicroheal.so (its soname link and the versioned file) and pkg-config's microheal.pc
# ($(PKGCONFIGDIR)) in $(LIBDIR), and the public headers (every header of the library's layers but
# the *_internal.h ones, and mh_params.def, which mh_config.h includes) in $(INCLUDEDIR)/microheal;
# a program then builds with pkg-config --cflags --libs microheal (--static for libmicroheal.a).
# LIBDIR is $(PREFIX)/lib, where pkg-config and, after ldconfig, the dynamic linker look on every
# distribution; a Debian package would set LIBDIR=$(PREFIX)/lib/x86_64-linux-gnu (the multiarch
# folder). DESTDIR stages the files under another root (the paths written in microheal.pc stay those of
# PREFIX). Without DESTDIR, as root, ldconfig runs after install and uninstall. make uninstall removes
# what make install put there (with the same PREFIX, LIBDIR, ... and DESTDIR). make check-install
# (part of make check) installs into a temporary folder and builds a program against it
# (tests/install/check.sh).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL ?= install
PUBLIC_HEADERS := $(filter-out %_internal.h,$(foreach l,$(LAYERS),$(wildcard src/$(l)/*.h))) src/config/mh_params.def
# microheal.pc from scripts/microheal.pc.in: the folders as ${prefix}/... where they lie under PREFIX,
# the packages the static library needs (PKGS) and the OpenMP flag.
PC_SED := -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' -e 's|@VERSION@|$(VERSION)|' \
    -e 's|@REQUIRES_PRIVATE@|$(PKGS)|' -e 's|@OPENMP@|$(OPENMP)|'
LDCONFIG = if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

.PHONY: install uninstall check-install
install: microheal lib
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(PKGCONFIGDIR)" \
	    "$(DESTDIR)$(INCLUDEDIR)/microheal"
	$(INSTALL) -m 755 microheal "$(DESTDIR)$(BINDIR)/microheal"
	$(INSTALL) -m 644 $(B)/libmicroheal.a "$(DESTDIR)$(LIBDIR)/libmicroheal.a"
	$(INSTALL) -m 644 $(B)/$(SO_FILE) "$(DESTDIR)$(LIBDIR)/$(SO_FILE)"
	ln -sf $(SO_FILE) "$(DESTDIR)$(LIBDIR)/$(SO_NAME)"
	ln -sf $(SO_NAME) "$(DESTDIR)$(LIBDIR)/libmicroheal.so"
	$(INSTALL) -m 644 $(PUBLIC_HEADERS) "$(DESTDIR)$(INCLUDEDIR)/microheal"
	sed $(PC_SED) scripts/microheal.pc.in > "$(DESTDIR)$(PKGCONFIGDIR)/microheal.pc"
	@$(LDCONFIG)

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/microheal" "$(DESTDIR)$(LIBDIR)/libmicroheal.a" "$(DESTDIR)$(LIBDIR)/$(SO_FILE)" \
	    "$(DESTDIR)$(LIBDIR)/$(SO_NAME)" "$(DESTDIR)$(LIBDIR)/libmicroheal.so" "$(DESTDIR)$(PKGCONFIGDIR)/microheal.pc"
	rm -rf "$(DESTDIR)$(INCLUDEDIR)/microheal"
	@$(LDCONFIG)

check-install: microheal lib
	MAKE="$(MAKE)" CC="$(CC)" bash tests/install/check.sh

clean:
	rm -rf build microheal

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(B)/tests/verify.d $(B)/bench/bench.d \
    $(B)/tests/mpi/farm_check.d
