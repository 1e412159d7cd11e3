/* mh_farm: task farm over MPI ranks: a serial stand-in (no MPI) until the MPI farm lands. */
#include "mh_farm.h"
#include <stdio.h>
#include <stdlib.h>
bool mh_farm_available(void) { return false; }
bool mh_farm_launched(void) { const char *e = getenv("OMPI_COMM_WORLD_SIZE"); return e && atoi(e) > 1; }
int mh_farm_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen) { (void)argc; (void)argv; *rank = 0; *size = 1; snprintf(err, errlen, "built without MPI"); return -1; }
int mh_farm_run(const mh_farm_job *job, int *status) { int nf = 0; for (int i = 0; i < job->ntasks; i++) { int r = job->run(job->user, i); if (status) status[i] = r; nf += r != 0; } return nf; }
void mh_farm_bcast_ints(int *v, int n) { (void)v; (void)n; }
void mh_farm_allreduce_min(int *v) { (void)v; }
void mh_farm_finalize(void) {}
