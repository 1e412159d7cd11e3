/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_xdmf: the XDMF file beside a run's HDF5 output, so that ParaView and VisIt open its field snapshots
 * as a time series. */
#ifndef MH_XDMF_H
#define MH_XDMF_H

#include "mh_ctx.h"

/* The XDMF file of an HDF5 output: path with a trailing ".h5" or ".hdf5" replaced by ".xmf", or with
 * ".xmf" appended (OUT.h5 -> OUT.xmf). Malloc'ed; NULL when out of memory. */
char *mh_xdmf_path(const char *h5_path);

/* Writes the XDMF of the run output h5_path to xmf_path (NULL: mh_xdmf_path(h5_path)) through a
 * temporary file renamed when complete. The XDMF names the HDF5 file by its path relative to xmf_path's
 * directory, so the two can be moved together. Returns MH_ERR_IO when h5_path is not a readable run
 * output (a checkpoint, a fault snapshot, damaged) or xmf_path cannot be written (an existing file is
 * then untouched); MH_ERR_INPUT when xmf_path is h5_path itself or the HDF5 file's name as the XDMF
 * would write it holds ':' (XDMF's separator of file and dataset). */
mh_status mh_xdmf_write(const char *h5_path, const char *xmf_path, mh_ctx *ctx);

#endif
