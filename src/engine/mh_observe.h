/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_observe: observables of a state (erythema, closure, bleeding, matrix per layer) and run summaries. */
#ifndef MH_OBSERVE_H
#define MH_OBSERVE_H

#include "mh_model.h"

/* Columns of the time series, in output order. Per-layer columns are named "<layer>/<quantity>". */
typedef enum {
    MH_OBS_T = 0, /* day */
    MH_OBS_DT,    /* step that ended here, day */
    MH_OBS_ERYTHEMA,
    MH_OBS_OPEN,
    MH_OBS_REEPI,
    MH_OBS_BLEEDING,
    MH_OBS_DAMAGE,
    MH_OBS_INFLAM,
    MH_OBS_GF,
    MH_OBS_OPEN_AREA,   /* open lumen at the surface, fraction of the skin area */
    MH_OBS_Q_SKIN,      /* applied compound in the skin, ug/cm^2 */
    MH_OBS_Q_DERMIS,    /* of it in the dermis */
    MH_OBS_Q_DEPTH,     /* depth above which 90 % of it lies, um */
    MH_OBS_Q_INFLUX,    /* rate at which it enters from the film, ug/cm^2/day */
    MH_OBS_Q_LOSS,      /* rate at which vessels and breakdown remove it, ug/cm^2/day */
    MH_OBS_Q_DELIVERED, /* entered so far (time integral of the influx), ug/cm^2 */
    MH_OBS_Q_REMOVED,   /* removed so far (time integral of the loss), ug/cm^2 */
    MH_OBS_BARRIER,     /* barrier loss of the latest session's channels, 0 intact .. 1 open */
    MH_OBS_PERFUSION,   /* superficial-plexus (papillary dermis) perfusion, 1 = untreated */
    MH_OBS_EPI_THICK,   /* epidermal thickness relative to untreated */
    MH_OBS_MMP,         /* MMP activity, mean over the dermis */
    MH_OBS_LAYER0,      /* 3 layers x 5 quantities follow */
    MH_OBS_COUNT = MH_OBS_LAYER0 + 15
} mh_obs;

typedef enum { MH_OL_PAPILLARY = 0, MH_OL_RETICULAR, MH_OL_DERMIS, MH_OL_COUNT } mh_observe_layer;
typedef enum { MH_OQ_C1 = 0, MH_OQ_C3, MH_OQ_CT, MH_OQ_E, MH_OQ_F, MH_OQ_COUNT } mh_observe_quantity;

static inline int mh_observe_layer_col(mh_observe_layer l, mh_observe_quantity q)
{
    return MH_OBS_LAYER0 + 5 * (int)l + (int)q;
}

const char *mh_observe_name(int col); /* e.g. "erythema", "papillary_dermis/collagen_I" */
const char *mh_observe_unit(int col);

/* Reference amounts of the latest session, for the normalised observables. */
typedef struct {
    size_t surface_cells; /* channel cells at the surface when the session punctured */
    double deficit;       /* sum of e (1 - K) right after the session */
} mh_observe_ref;

/* Epidermal deficit sum e (1 - K) (for mh_observe_ref.deficit). */
double mh_observe_deficit(const mh_grid *g, const mh_fields *f);

/* Doubles of work space mh_observe needs for grid g. */
size_t mh_observe_work_size(const mh_grid *g);

/* Fills row[MH_OBS_ERYTHEMA .. MH_OBS_COUNT-1] from the state, using work (mh_observe_work_size
 * doubles, owned by the caller), except the two running integrals MH_OBS_Q_DELIVERED and
 * MH_OBS_Q_REMOVED, which the time loop adds up. c0_mg_ml converts the compound's relative
 * concentration into amounts. Sums are formed per depth row and added in a fixed order: the
 * result does not depend on the thread count. */
void mh_observe(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *f,
                const mh_observe_ref *ref, double c0_mg_ml, double *work, double *row);

/* Growable table of observables, nt rows of MH_OBS_COUNT columns (row-major). */
typedef struct {
    size_t nt, cap;
    double *data;
} mh_series;

mh_status mh_series_append(mh_series *s, const double *row, mh_ctx *ctx);
void mh_series_clear(mh_series *s);
/* Linear interpolation of column col at time t (NaN outside the series). */
double mh_series_at(const mh_series *s, int col, double t);

#define MH_GAIN_DAYS 3
/* Scalars that summarise a run (per session where it says so). NaN = not reached / not applicable. */
typedef struct {
    int nsessions;
    double *session_days;
    double *closure_hours;          /* time until open_channels <= closure fraction */
    double *barrier_hours;          /* time until barrier_loss <= closure fraction */
    double *erythema_days;          /* last time the erythema index is visible, after the session */
    double *erythema_peak;          /* peak index after the session */
    double *erythema_peak_hours;    /* time of that peak */
    double *reepithelialized_days;  /* time until reepithelialized >= the threshold */
    double *bleeding;               /* blood volume right after the session, uL/cm^2 */
    double *downtime_days;          /* until the redness is gone and the epidermis restored: max of the two */
    double *delivered;              /* compound entered by the end of the application, ug/cm^2 (NaN: none) */
    double *compound_depth_um;      /* compound_depth90 at the end of the application, um (NaN: none) */
    double *pih_index;              /* post-inflammatory hyperpigmentation index of the sun exposures */
    double *infection_index;        /* open surface x hours of the water exposures, %.h */
    double gain_days[MH_GAIN_DAYS]; /* 42, 90, 180 */
    double gain[MH_OL_COUNT][MH_OQ_COUNT][MH_GAIN_DAYS + 1]; /* relative value at those days and at the end */
} mh_summary;

/* The per-session arrays of mh_summary as a table (name as in the output's /summary group, unit),
 * in output order; *n gets the count, MH_SUMMARY_NFIELDS. */
#define MH_SUMMARY_NFIELDS 13
typedef struct {
    const char *name, *unit;
    size_t offset; /* of the double * member of mh_summary */
} mh_summary_field;
const mh_summary_field *mh_summary_fields(int *n);
/* The array of field i of summary m (nsessions values), and the member that holds it. */
double *mh_summary_array(const mh_summary *m, int i);
double **mh_summary_slot(mh_summary *m, int i);

/* What a summary needs besides the series (papers/model.md "Observables", papers/delivery.md "Aftercare"). */
typedef struct {
    double closure_fraction, erythema_visible, reepi_fraction; /* observables.* */
    const double *delivery_end; /* per session: end of the application (day), or NULL without one */
    const double *sun_days;     /* days after each session with sun exposure (n_sun) */
    int n_sun;
    double sun_dose_med, pih_weight; /* dose per exposure; the patient's type weight */
    const double *water_days;        /* days after each session with water exposure (n_water) */
    int n_water;
    double water_hours;
} mh_summary_settings;

/* The summary of a run whose sessions were on days session_days[0..nsessions). */
mh_status mh_summary_compute(const mh_series *s, const double *session_days, int nsessions,
                             const mh_summary_settings *set, mh_summary *out, mh_ctx *ctx);
void mh_summary_clear(mh_summary *s);
/* Deep copy of src into dst (free with mh_summary_clear); false, with dst freed, if memory ran out. */
bool mh_summary_copy(const mh_summary *src, mh_summary *dst);

#endif
