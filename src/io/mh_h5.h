/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_h5: HDF5 output of a run (written to a temporary file, renamed when complete) and readers. */
#ifndef MH_H5_H
#define MH_H5_H

#include "mh_sim.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct mh_h5_writer mh_h5_writer;

/* Opens a fresh temporary file beside path for writing ("<path>.tmp.<pid>.<random>", mh_h5_create_temp);
 * the final name appears only at mh_h5_writer_finish. MH_ERR_INPUT when path or its XDMF file's name
 * (mh_xdmf_path) exists and is not a regular file, or when path's file name holds ':' (its XDMF file
 * could not name it); MH_ERR_IO when the temporary file cannot be created. */
mh_status mh_h5_writer_open(const char *path, mh_ctx *ctx, mh_h5_writer **out);
/* Snapshot callback for mh_sink (user = the writer): appends every field at t. */
mh_status mh_h5_snapshot(void *user, double t_days, const mh_grid *g, const mh_model_params *p, const mh_fields *f,
                         mh_ctx *ctx);
/* Writes root attributes, grid, punctures, series and summary, closes, and renames to the final path;
 * then the XDMF file beside it (mh_xdmf_path: OUT.h5 -> OUT.xmf), written before and renamed right after
 * it. On failure neither file is left under its final name and the writer is freed (*w = NULL). */
mh_status mh_h5_writer_finish(mh_h5_writer **w, const mh_sim *sim, const char *config_text, unsigned long seed,
                              mh_ctx *ctx);
/* Closes and deletes the temporary file (after a failure); accepts NULL. */
void mh_h5_writer_abort(mh_h5_writer **w);

/* Reads a 1-D float64 dataset (e.g. "/series/erythema") into a malloc'ed array. */
mh_status mh_h5_read_vector(const char *path, const char *dataset, double **out, size_t *n, mh_ctx *ctx);
/* Reads a string attribute of the root group into a malloc'ed string. */
mh_status mh_h5_read_root_string(const char *path, const char *attr, char **out, mh_ctx *ctx);
/* Reads the snapshot of field `name` nearest to day into a malloc'ed float array with its shape
 * (nz, ny, nx; ny = 1 in 2-D) and the snapshot's actual day. */
mh_status mh_h5_read_field(const char *path, const char *name, double day, float **out, int shape[3], double *t_actual,
                           mh_ctx *ctx);

/* SHA-256 of n bytes as 64 lowercase hex digits and a NUL (OpenSSL's libcrypto); false if it failed.
 * Outputs carry the one of their configuration text as the root attribute config_sha256. */
#define MH_SHA256_HEX 65
bool mh_sha256_hex(const void *data, size_t n, char hex[MH_SHA256_HEX]);

#endif
