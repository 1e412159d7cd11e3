/* mh_observe: observables of a state (erythema, closure, bleeding, matrix per layer) and run summaries. */
#ifndef MH_OBSERVE_H
#define MH_OBSERVE_H

#include "mh_model.h"

/* Columns of the time series, in output order. Per-layer columns are named "<layer>/<quantity>". */
typedef enum {
    MH_OBS_T = 0,  /* day */
    MH_OBS_DT,     /* step that ended here, day */
    MH_OBS_ERYTHEMA,
    MH_OBS_OPEN,
    MH_OBS_REEPI,
    MH_OBS_BLEEDING,
    MH_OBS_DAMAGE,
    MH_OBS_INFLAM,
    MH_OBS_GF,
    MH_OBS_LAYER0, /* 3 layers x 5 quantities follow */
    MH_OBS_COUNT = MH_OBS_LAYER0 + 15
} mh_obs;

typedef enum { MH_OL_PAPILLARY = 0, MH_OL_RETICULAR, MH_OL_DERMIS, MH_OL_COUNT } mh_obs_layer;
typedef enum { MH_OQ_C1 = 0, MH_OQ_C3, MH_OQ_CT, MH_OQ_E, MH_OQ_F, MH_OQ_COUNT } mh_obs_quantity;

static inline int mh_obs_layer_col(mh_obs_layer l, mh_obs_quantity q) { return MH_OBS_LAYER0 + 5 * (int)l + (int)q; }

const char *mh_obs_name(int col);  /* e.g. "erythema", "papillary_dermis/collagen_I" */
const char *mh_obs_unit(int col);

/* Reference amounts of the latest session, for the normalised observables. */
typedef struct {
    size_t surface_cells;  /* channel cells at the surface when the session punctured */
    double deficit;        /* sum of e (1 - K) right after the session */
} mh_obs_ref;

/* Epidermal deficit sum e (1 - K) (for mh_obs_ref.deficit). */
double mh_observe_deficit(const mh_grid *g, const mh_fields *f);

/* Doubles of work space mh_observe needs for grid g. */
size_t mh_observe_work_size(const mh_grid *g);

/* Fills row[MH_OBS_ERYTHEMA .. MH_OBS_COUNT-1] from the state, using work (mh_observe_work_size
 * doubles, owned by the caller). Sums are formed per depth row and added in a fixed order: the
 * result does not depend on the thread count. */
void mh_observe(const mh_grid *g, const mh_model_params *p, const mh_fields *f, const mh_obs_ref *ref, double *work,
                double *row);

/* Growable table of observables, nt rows of MH_OBS_COUNT columns (row-major). */
typedef struct {
    size_t nt, cap;
    double *data;
} mh_series;

mh_status mh_series_append(mh_series *s, const double *row, mh_ctx *ctx);
void mh_series_free(mh_series *s);
/* Linear interpolation of column col at time t (NaN outside the series). */
double mh_series_at(const mh_series *s, int col, double t);

#define MH_GAIN_DAYS 3
/* Scalars that summarise a run (per session where it says so). NaN = not reached / not applicable. */
typedef struct {
    int nsessions;
    double *session_days;
    double *closure_hours;       /* time until open_channels <= closure fraction */
    double *erythema_days;       /* last time the erythema index is visible, after the session */
    double *erythema_peak;       /* peak index after the session */
    double *erythema_peak_hours; /* time of that peak */
    double *reepithelialized_days; /* time until reepithelialized >= the threshold */
    double *bleeding;            /* blood volume right after the session, uL/cm^2 */
    double gain_days[MH_GAIN_DAYS];                /* 42, 90, 180 */
    double gain[MH_OL_COUNT][MH_OQ_COUNT][MH_GAIN_DAYS + 1]; /* relative value at those days and at the end */
} mh_summary;

mh_status mh_summary_compute(const mh_series *s, const double *session_days, int nsessions, double closure_fraction,
                             double erythema_visible, double reepi_fraction, mh_summary *out, mh_ctx *ctx);
void mh_summary_free(mh_summary *s);

#endif
