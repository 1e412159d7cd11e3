/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_checkpoint: a run's whole state in HDF5 beside its output, written atomically, read back to
 * resume bit for bit; and the diagnostic snapshot of a numerical fault. */
#ifndef MH_CHECKPOINT_H
#define MH_CHECKPOINT_H

#include "mh_h5.h"

/* Files beside an output OUT.h5 (OUT when the name does not end in .h5): "OUT.ckpt.h5" (checkpoint),
 * "OUT.fault.h5" (fault snapshot) and "OUT.lock" (the lock its writer holds, mh_lock_acquire).
 * malloc'ed; NULL when memory runs out. */
char *mh_checkpoint_path(const char *output);
char *mh_fault_path(const char *output);
char *mh_output_lock_path(const char *output);

/* Writes everything the run's continuation needs to path, through "<path>.tmp.<pid>", fsync and
 * rename, so that path always holds a complete checkpoint (the newest one written) or nothing:
 * the state scalars, the fields and closure rates (float64, Fletcher-32 checksummed), the punctures,
 * the series, the snapshots the writer holds so far, the resolved configuration (config_text) and
 * the program version. MH_ERR_IO (disk full, unwritable directory) leaves an earlier checkpoint at
 * path as it was. */
mh_status mh_checkpoint_write(const char *path, const mh_sim *sim, const char *config_text, mh_h5_writer *w,
                              mh_ctx *ctx);

/* Puts sim (created, not run) at the state in checkpoint path and hands its snapshots to w (a fresh
 * writer). Fails with MH_ERR_IO when path is missing, not HDF5, truncated or damaged (a checksum
 * does not match), or written by another program or version; MH_ERR_INPUT when it belongs to another
 * configuration (the first key that differs is named; the [checkpoint] keys may differ) or its state
 * does not fit this run. sim and w are then unusable for a resume (destroy them). */
mh_status mh_checkpoint_resume(const char *path, mh_sim *sim, const char *config_text, mh_h5_writer *w, mh_ctx *ctx);

/* Writes the diagnostic snapshot of sim's numerical fault (mh_sim_get_fault) to path, atomically:
 * the last accepted state with the grid's shape, where and when the fault arose, and the message. */
mh_status mh_fault_write(const char *path, const mh_sim *sim, const char *config_text, const char *message,
                         mh_ctx *ctx);

/* Prints what a checkpoint or fault snapshot holds (for 'microheal info'); file is open. */
mh_status mh_checkpoint_info(const char *path, FILE *out, mh_ctx *ctx);

#endif
