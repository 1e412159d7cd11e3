/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_h5_internal: HDF5 helpers shared by the modules of src/io (outputs, checkpoints, fault
 * snapshots); not part of the library's interface. */
#ifndef MH_H5_INTERNAL_H
#define MH_H5_INTERNAL_H

#include "mh_h5.h"

#include <hdf5.h>
#include <stdio.h>

/* Turns off HDF5's printing of its error stack: errors are reported through mh_ctx. */
void mh_h5_quiet(void);
/* Creates a fresh temporary HDF5 file beside path (mh_file_temp_name: "<path>.tmp.<pid>.<random>"),
 * with the HDF5 1.8+ file format, whose metadata carries checksums, so that a damaged file is reported
 * when read instead of being misread. H5F_ACC_EXCL: an existing entry of the name, a planted symbolic
 * link too, is never opened. Its malloc'ed name goes to *tmp. H5I_INVALID_HID with MH_ERR_IO in ctx
 * on failure (no file left behind). */
hid_t mh_h5_create_temp(const char *path, char **tmp, mh_ctx *ctx);
/* Scalar attributes of obj; negative on failure. */
herr_t mh_h5_attr_string(hid_t obj, const char *name, const char *value);
herr_t mh_h5_attr_double(hid_t obj, const char *name, double v);
/* Writes the n > 0 doubles v as a 1-D attribute name of obj; negative on failure. */
herr_t mh_h5_attr_doubles(hid_t obj, const char *name, const double *v, size_t n);
/* Writes a 1-D dataset of n values of type at name under loc (creating intermediate groups), with
 * Fletcher-32, no modification time and, unless NULL, a "units" attribute; negative on failure. */
herr_t mh_h5_write_vector(hid_t loc, const char *name, hid_t type, const void *data, size_t n, const char *units);
/* Reads scalar attribute attr of obj (path names the file in messages): a variable-length string
 * (malloc'ed into *out) or a number. MH_ERR_IO when it is missing or of another type. */
mh_status mh_h5_get_attr_string(hid_t obj, const char *path, const char *attr, char **out, mh_ctx *ctx);
mh_status mh_h5_get_attr_double(hid_t obj, const char *path, const char *attr, double *out, mh_ctx *ctx);

/* Opens path read-only and checks that microheal wrote it (root attribute program = "microheal").
 * *kind (unless NULL) receives the root attribute "kind" ("checkpoint", "fault"), malloc'ed, or NULL
 * for a run's output, which has none. H5I_INVALID_HID with MH_ERR_INPUT in ctx when path is not a
 * regular file (a FIFO, a device, a directory: refused without being read, so nothing hangs), MH_ERR_IO
 * when it is missing, not HDF5, truncated or corrupt, or foreign. External links are disabled in the
 * process from the first call on (they would open other files while a path is resolved). */
hid_t mh_h5_open_microheal(const char *path, char **kind, mh_ctx *ctx);
/* The size in bytes of the file that obj (a file, group or dataset) belongs to; 0 if it cannot be told. */
double mh_h5_file_bytes(hid_t obj);
/* Checks dataset d (named dataset in messages, of the file path) before anything is allocated to read
 * it: its data lies in the file itself (contiguous, chunked or compact: no external storage, no virtual
 * mapping, which would make HDF5 open other files), it is filtered only as microheal filters (shuffle,
 * deflate, Fletcher-32), the values its extent declares fit in the bytes it stores and in the file's
 * size, and one chunk in the file's size (times deflate's largest ratio when deflated). MH_ERR_IO naming
 * path and dataset otherwise. */
mh_status mh_h5_check_dataset(hid_t d, const char *path, const char *dataset, mh_ctx *ctx);

/* Opens a run's output read-only: mh_h5_open_microheal, and MH_ERR_IO naming what it is when the file is
 * a checkpoint or a fault snapshot. */
hid_t mh_h5_open_output(const char *path, mh_ctx *ctx);
/* Reads the 1-D dataset of file (path names the file in messages) as float64 into a malloc'ed array
 * of *n values (one more allocated, so never NULL on success). MH_ERR_IO when it is missing, of
 * another rank, not numeric, refused by mh_h5_check_dataset (*n is then at most the file's size) or
 * unreadable; MH_ERR_NOMEM. */
mh_status mh_h5_get_vector(hid_t file, const char *path, const char *dataset, double **out, size_t *n, mh_ctx *ctx);
/* Checks that dataset (e.g. "/fields/blood") of file holds nsnap snapshots of a grid of nx x ny x nz cells
 * (dims 2: ny = 1, no y axis) as floats, its storage as mh_h5_check_dataset requires; *precision
 * (unless NULL): its float size, 4 or 8. MH_ERR_IO naming path and dataset otherwise. */
mh_status mh_h5_check_snapshots(hid_t file, const char *path, const char *dataset, int dims, size_t nsnap, size_t nz,
                                size_t ny, size_t nx, int *precision, mh_ctx *ctx);
/* mh_h5_read_field on an open output: also checks that the field's rank fits the root attribute dims
 * and that it holds as many snapshots as /fields/t_days has times. */
mh_status mh_h5_get_field(hid_t file, const char *path, const char *name, double day, float **out, int shape[3],
                          double *t_actual, mh_ctx *ctx);

/* Makes a finished temporary file final (mh_file_commit): path must be missing or a regular file;
 * fsync, rename to path, fsync of the directory. On failure the temporary file is removed; a file
 * already at path is then untouched. */
mh_status mh_h5_commit(const char *tmp, const char *path, mh_ctx *ctx);

/* Writes the snapshots the writer holds into file dst (a checkpoint) as /fields, the datasets of an
 * output, one snapshot at a time (no H5Ocopy: HDF5 1.10's double-frees when a write fails on a full
 * disk); nothing when it holds none. Negative on failure. */
herr_t mh_h5_writer_copy_snapshots(mh_h5_writer *w, const mh_grid *g, hid_t dst);
/* Number of snapshots the writer holds. */
size_t mh_h5_writer_snapshots(const mh_h5_writer *w);
/* Takes over the snapshots in group /fields of src (a checkpoint; origin names it in messages)
 * as if they had been written through this writer, which must hold none yet: copied one at a time.
 * Their shapes must fit grid g and their number must be nsnap; MH_ERR_INPUT naming origin otherwise,
 * MH_ERR_IO when they cannot be read or written (damaged, disk full). */
mh_status mh_h5_writer_adopt(mh_h5_writer *w, hid_t src, const mh_grid *g, size_t nsnap, const char *origin,
                             mh_ctx *ctx);

/* (mh_xdmf.c) Writes to out the XDMF of the run output open as file (origin names it in messages),
 * naming the HDF5 file h5_ref (relative to the XDMF file's directory). MH_ERR_INPUT when h5_ref holds
 * ':' (out may then be NULL: nothing is written); MH_ERR_IO when what it describes is missing or
 * malformed (nothing written). The caller checks out for write errors. */
mh_status mh_xdmf_put(hid_t file, const char *origin, const char *h5_ref, FILE *out, mh_ctx *ctx);
/* (mh_xdmf.c) mh_xdmf_put to a fresh temporary file beside xmf_path (mh_file_temp_open), complete and
 * synced; its malloc'ed name goes to *tmp, for mh_h5_commit. The errors of mh_xdmf_put, and MH_ERR_IO
 * when the temporary file cannot be written (nothing is left then, *tmp NULL). */
mh_status mh_xdmf_write_tmp(hid_t file, const char *origin, const char *h5_ref, const char *xmf_path, char **tmp,
                            mh_ctx *ctx);

#endif
