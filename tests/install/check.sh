#!/usr/bin/env bash
# check.sh: make check-install. Installs microheal into a fresh temporary folder (make install
# DESTDIR=STAGE PREFIX=/usr) and checks it as a user of the library would: the layout (CLI, static and
# shared library with its soname links, pkg-config file, every public header and no internal one), that
# each installed header compiles on its own, and that tests/install/consumer.c builds with nothing but
# pkg-config's flags and prints what it should, linked against the shared library (run with
# LD_LIBRARY_PATH at the staged lib folder) and against the static one (pkg-config --static); then make
# uninstall, which must leave no file behind. Exits 1 at the first failure, naming it, and keeps its
# folder ($TMPDIR/microheal-install.XXXXXX); removes it when everything passed, unless MH_TEST_KEEP is set.
# MAKE and CC: the make and the compiler to use (make check-install passes its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
make=${MAKE:-make}
cc=${CC:-cc}
work=$(mktemp -d "${TMPDIR:-/tmp}/microheal-install.XXXXXX")
stage=$work/stage
cleanup() {
    if (($1 == 0)) && [[ -z ${MH_TEST_KEEP:-} ]]; then
        rm -rf "$work"
    else
        echo "check-install: files kept in $work" >&2
    fi
}
trap 'cleanup $?' EXIT
fail() {
    echo "check-install: $*" >&2
    exit 1
}

version=$(sed -n 's/^#define MH_VERSION "\(.*\)"$/\1/p' src/base/mh_version.h)
major=${version%%.*}
lib=$stage/usr/lib
inc=$stage/usr/include/microheal

"$make" --no-print-directory install DESTDIR="$stage" PREFIX=/usr >"$work/install.log" 2>&1 ||
    fail "make install failed: $(cat "$work/install.log")"

# ---- the layout ----
# (The output of readelf and ldd is matched whole, not piped into grep -q: under pipefail, a grep that
# stops at its first match can fail the pipe.)
[[ -x $stage/usr/bin/microheal ]] || fail "no executable usr/bin/microheal"
"$stage/usr/bin/microheal" --version >/dev/null || fail "usr/bin/microheal --version failed"
[[ -f $lib/libmicroheal.a ]] || fail "no usr/lib/libmicroheal.a"
[[ -f $lib/libmicroheal.so.$version && ! -L $lib/libmicroheal.so.$version ]] ||
    fail "no usr/lib/libmicroheal.so.$version"
[[ $(readlink "$lib/libmicroheal.so.$major") == "libmicroheal.so.$version" ]] ||
    fail "usr/lib/libmicroheal.so.$major is not a link to libmicroheal.so.$version"
[[ $(readlink "$lib/libmicroheal.so") == "libmicroheal.so.$major" ]] ||
    fail "usr/lib/libmicroheal.so is not a link to libmicroheal.so.$major"
[[ $(readelf -d "$lib/libmicroheal.so.$version") == *"Library soname: [libmicroheal.so.$major]"* ]] ||
    fail "the soname of libmicroheal.so.$version is not libmicroheal.so.$major"
[[ -f $lib/pkgconfig/microheal.pc ]] || fail "no usr/lib/pkgconfig/microheal.pc"
for h in src/base/*.h src/engine/*.h src/config/*.h src/study/*.h src/io/*.h src/config/mh_params.def; do
    name=${h##*/}
    case $name in
    *_internal.h) [[ ! -e $inc/$name ]] || fail "the internal header $name is installed" ;;
    *) [[ -f $inc/$name ]] || fail "the public header $h is not installed in usr/include/microheal" ;;
    esac
done

# ---- pkg-config ----
# The staged microheal.pc says prefix=/usr, as installed; --define-variable points that prefix at the
# stage, and microheal.pc's folders all follow ${prefix}. (It sets the prefix of the packages it requires
# too: those whose folders follow theirs, libinih's on Debian, then name the stage's folders, which hold
# nothing of theirs, and the compiler and linker go on to the system's.) Not PKG_CONFIG_SYSROOT_DIR: it
# puts the stage before every -I and -L of every package, also the folders written out in full, as
# hdf5-serial.pc's -L/usr/lib/x86_64-linux-gnu/hdf5/serial, and the static link then finds no libhdf5.
export PKG_CONFIG_PATH=$lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
unset PKG_CONFIG_SYSROOT_DIR
pc() { pkg-config --define-variable=prefix="$stage/usr" "$@" microheal; }
[[ $(pkg-config --variable=prefix microheal) == /usr ]] || fail "microheal.pc: prefix is not /usr"
[[ $(pkg-config --modversion microheal) == "$version" ]] || fail "microheal.pc: version is not $version"
# pkg-config's output, split into words as a shell command line would split it
out=$(pc --cflags) || fail "pkg-config --cflags microheal failed"
read -ra cflags <<<"$out"
out=$(pc --libs) || fail "pkg-config --libs microheal failed"
read -ra libs <<<"$out"
out=$(pc --static --libs) || fail "pkg-config --static --libs microheal failed"
read -ra static_libs <<<"$out"

# a user's strict build: ISO C11, every warning an error
strict=(-std=c11 -Wall -Wextra -Wpedantic -Werror)
for h in "$inc"/*.h; do
    # (a declaration after it: a header of macros only, mh_version.h, would leave an empty translation unit)
    printf '#include <%s>\ntypedef int mh_check_header;\n' "${h##*/}" |
        "$cc" "${strict[@]}" "${cflags[@]}" -fsyntax-only -x c - 2>"$work/header.log" ||
        fail "the installed ${h##*/} does not compile on its own: $(cat "$work/header.log")"
done

# ---- the program, shared and static ----
cp tests/install/consumer.c "$work/"
cat >"$work/expected.txt" <<OUT
microheal $version
grid: 2-D, 12 x 1 x 5 cells of 0.01 mm, ncell 60
fields: collagen_I_mature[40] = 2.5
a grid of 0 cells: bad input
config: grid.dx_um (um) holds its default
sha256(abc) = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
reading a file that is not HDF5: i/o error
OUT
# Runs the consumer (with the environment given before it) and compares its output with expected.txt.
run_consumer() {
    local what=$1
    shift
    env "$@" "$work/consumer_$what" "$lib/pkgconfig/microheal.pc" >"$work/$what.txt" 2>"$work/$what.err" ||
        fail "the $what consumer failed: $(cat "$work/$what.err")"
    diff -u "$work/expected.txt" "$work/$what.txt" >&2 || fail "the $what consumer printed something else"
}

# shared: the library names its own dependencies, so pkg-config --libs gives -lmicroheal alone
"$cc" "${strict[@]}" "${cflags[@]}" "$work/consumer.c" "${libs[@]}" -o "$work/consumer_shared" 2>"$work/build.log" ||
    fail "the consumer does not build against the shared library: ${cflags[*]} ${libs[*]}: $(cat "$work/build.log")"
[[ $(readelf -d "$work/consumer_shared") == *"Shared library: [libmicroheal.so.$major]"* ]] ||
    fail "the shared consumer does not need libmicroheal.so.$major"
[[ $(LD_LIBRARY_PATH=$lib ldd "$work/consumer_shared") == *"libmicroheal.so.$major => $lib/"* ]] ||
    fail "the shared consumer does not load the staged libmicroheal.so.$major"
run_consumer shared LD_LIBRARY_PATH="$lib"

# static: libmicroheal.a, and its dependencies (Requires.private, Libs.private) as pkg-config --static gives
# them; those stay shared libraries (Debian's hdf5-serial.pc lists none of HDF5's own dependencies, so a
# wholly static executable cannot be linked from pkg-config's flags), and -lmicroheal names the archive
# (-l:libmicroheal.a), which the linker would otherwise pass over for the shared library beside it.
named=0
for i in "${!static_libs[@]}"; do
    if [[ ${static_libs[i]} == -lmicroheal ]]; then
        static_libs[i]=-l:libmicroheal.a
        named=1
    fi
done
((named)) || fail "no -lmicroheal in pkg-config --static --libs: ${static_libs[*]}"
"$cc" "${strict[@]}" "${cflags[@]}" "$work/consumer.c" "${static_libs[@]}" -o "$work/consumer_static" \
    2>"$work/build.log" ||
    fail "the consumer does not build against the static library: ${cflags[*]} ${static_libs[*]}: $(cat "$work/build.log")"
if [[ $(readelf -d "$work/consumer_static") == *"Shared library: [libmicroheal"* ]]; then
    fail "the static consumer needs a shared libmicroheal"
fi
run_consumer static LD_LIBRARY_PATH=

# the example of the engine's API (examples/run_2d.c, a 42-day run on a coarse grid: seconds) builds from
# the installed headers and runs against the shared library; tests/test_build.c checks what it prints
"$cc" "${strict[@]}" "${cflags[@]}" examples/run_2d.c "${libs[@]}" -o "$work/run_2d" 2>"$work/build.log" ||
    fail "examples/run_2d.c does not build against the install: $(cat "$work/build.log")"
OMP_NUM_THREADS=1 LD_LIBRARY_PATH="$lib" "$work/run_2d" >"$work/run_2d.txt" 2>&1 ||
    fail "the installed examples/run_2d failed: $(cat "$work/run_2d.txt")"
grep -q '^day 42: total dermal collagen gain ' "$work/run_2d.txt" ||
    fail "examples/run_2d printed something else: $(cat "$work/run_2d.txt")"

# ---- uninstall ----
"$make" --no-print-directory uninstall DESTDIR="$stage" PREFIX=/usr >"$work/uninstall.log" 2>&1 ||
    fail "make uninstall failed: $(cat "$work/uninstall.log")"
left=$(find "$stage" ! -type d)
[[ -z $left ]] || fail "make uninstall left: $left"
echo "check-install: make install and uninstall, the headers, microheal.pc, the shared and the static library, examples/run_2d: ok"
