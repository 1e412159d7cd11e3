/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_pool: running a sweep's points to DIR/points (microheal sweep and compare): one point in this
 * process, the points not complete yet, and a local pool of processes. */
#ifndef MH_POOL_H
#define MH_POOL_H

#include "mh_sweep_io.h"

/* Runs point i to DIR/points/pNNNNNN.h5 (or records its failure in pNNNNNN.failed) in this process and
 * reports it on stderr unless quiet (a failure always, with its message). 0: complete, 1: failed. */
int mh_pool_run_reported(const mh_sweep *s, const char *dir, int i, int quiet);

/* The points i = first, first + stride, ... whose outputs in DIR are not complete, in increasing
 * order, into todo (room for every point); their number, or -1 (reported). */
int mh_pool_pending(const mh_sweep *s, const char *dir, int first, int stride, int *todo);

/* Runs the points of s not complete in DIR on this machine, each in a child process: procs processes at
 * a time with threads OpenMP threads each. threads 0: fill the cores, threads = cores / procs (at least
 * 1), with procs (0: the cores) at most the points to run; procs 0 with threads given: cores / threads.
 * noun names a point in the reports ("point", "variant"), which go to stderr unless quiet. Returns 0
 * when every pending point ran (some may have failed: their records say why), 1 after an error
 * (reported), 128 + N when signal N (SIGINT, SIGTERM) stopped the pool: the complete points are kept. */
int mh_pool_run_local(const mh_sweep *s, const char *dir, long procs, int threads, const char *noun, int quiet);

/* A writer of the table of s in DIR from its outputs (mh_sweep_summary_write, mh_compare_write). */
typedef mh_status (*mh_pool_table_fn)(const mh_sweep *s, const char *dir, mh_sweep_counts *counts, mh_ctx *ctx);

/* Writes the table of s with write and reports what it holds on stderr, "DIR/FILES: N NOUNs: ... complete, ...
 * failed, ... missing" (files names what write writes, e.g. "summary.csv, summary.h5"; nothing when quiet and
 * all are complete). 1 when a point failed or is missing, 0 when all are complete, or the exit status of
 * the writer's error (reported). */
int mh_pool_tabulate(const mh_sweep *s, const char *dir, mh_pool_table_fn write, const char *files, const char *noun,
                     int quiet);

#endif
