/* mh_farm: task farm over MPI ranks: a serial stand-in (no MPI) until the MPI farm lands. */
#ifndef MH_FARM_H
#define MH_FARM_H
#include <stdbool.h>
#include <stddef.h>
typedef struct { int ntasks; int (*run)(void *user, int task); void *user; } mh_farm_job;
bool mh_farm_available(void);
bool mh_farm_launched(void);
int mh_farm_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen);
int mh_farm_run(const mh_farm_job *job, int *status);
void mh_farm_bcast_ints(int *v, int n);
void mh_farm_allreduce_min(int *v);
void mh_farm_finalize(void);
#endif
