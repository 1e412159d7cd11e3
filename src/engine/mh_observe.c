/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_observe: observables and run summaries (papers/model.md, "Observables").
 *
 *   erythema       = sum_PD v (V(H) + A + beta_I I + beta_B B) / sum_PD v   (superficial plexus: the
 *                    papillary dermis only; V(H) = eps_V H / (H_V + H) the vasodilation)
 *   perfusion      = sum_PD v (1 + V(H) + A) / sum_PD v
 *   open_channels  = sum_{surface cells} O / (surface channel cells of the latest session)
 *   barrier_loss   = sum_{surface cells} W / (surface channel cells of the latest session)
 *   epidermis/thickness = sum e T / sum e
 *   mmp            = mean of M over the dermis
 *   open_area      = mean of w O over the surface row (w: the cell's lumen weight, mh_model_aux)
 *   compound_*     = c0 sum Q dV / area (ug/cm^2); influx a (k_ex w O + s_top) (c - Q), loss (k_clr v + k_deg) Q
 *   reepithelialized = 1 - sum e (1 - K) / (deficit right after the latest session)
 *   bleeding       = sum B dV / area, in uL/cm^2 (B = blood volume fraction)
 *   <layer>/<q>    = mean of q over the cells of the layer (1.0 = untreated)
 *   collagen_I     = C1 + N (mature + new), collagen_total = (1 - w_3) collagen_I + w_3 C3 */
#include "mh_observe.h"

#include "mh_units.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *obs_names[MH_OBS_COUNT] = {"t_days",
                                              "dt_days",
                                              "erythema",
                                              "open_channels",
                                              "reepithelialized",
                                              "bleeding",
                                              "damage",
                                              "inflammation",
                                              "growth_factor",
                                              "open_area",
                                              "compound_in_skin",
                                              "compound_in_dermis",
                                              "compound_depth90",
                                              "compound_influx",
                                              "compound_loss",
                                              "compound_delivered",
                                              "compound_removed",
                                              "barrier_loss",
                                              "perfusion",
                                              "epidermis/thickness",
                                              "mmp",
                                              "papillary_dermis/collagen_I",
                                              "papillary_dermis/collagen_III",
                                              "papillary_dermis/collagen_total",
                                              "papillary_dermis/elastin",
                                              "papillary_dermis/fibroblasts",
                                              "reticular_dermis/collagen_I",
                                              "reticular_dermis/collagen_III",
                                              "reticular_dermis/collagen_total",
                                              "reticular_dermis/elastin",
                                              "reticular_dermis/fibroblasts",
                                              "dermis/collagen_I",
                                              "dermis/collagen_III",
                                              "dermis/collagen_total",
                                              "dermis/elastin",
                                              "dermis/fibroblasts"};
static const char *base_units[MH_OBS_LAYER0] = {"day",
                                                "day",
                                                "1 (papillary-dermis mean of V(H) + A + beta_I I + beta_B B)",
                                                "1 (fraction of the latest session's channels)",
                                                "1 (fraction of the epidermal deficit restored)",
                                                "uL/cm^2",
                                                "1 (mean over the domain)",
                                                "1 (mean over the dermis)",
                                                "1 (mean over the dermis, units of K_G)",
                                                "1 (fraction of the skin surface)",
                                                "ug/cm^2",
                                                "ug/cm^2",
                                                "um (depth above which 90 % of the compound in the skin lies)",
                                                "ug/cm^2/day",
                                                "ug/cm^2/day",
                                                "ug/cm^2 (time integral of compound_influx)",
                                                "ug/cm^2 (time integral of compound_loss)",
                                                "1 (0 = intact, 1 = every channel of the latest session open)",
                                                "1 (papillary dermis, 1 = untreated)",
                                                "1 (relative to untreated, 1 = untreated)",
                                                "1 (mean over the dermis, 0 = untreated)"};
const char *mh_observe_name(int col) { return (col >= 0 && col < MH_OBS_COUNT) ? obs_names[col] : "unknown"; }

const char *mh_observe_unit(int col)
{
    if (col < 0 || col >= MH_OBS_COUNT)
        return "?";
    return col < MH_OBS_LAYER0 ? base_units[col] : "1 (relative to untreated, 1.0 = untreated)";
}

double mh_observe_deficit(const mh_grid *g, const mh_fields *f)
{
    const size_t row = (size_t)g->nx * (size_t)g->ny;
    double sum = 0.0;
    for (int k = 0; k < g->nz; k++) {
        if (g->epidermal[k] <= 0.0)
            continue;
        double s = 0.0;
        for (size_t q = row * (size_t)k; q < row * (size_t)(k + 1); q++)
            s += 1.0 - f->u[MH_S_K][q];
        sum += s;
    }
    return sum;
}

enum {
    R_ERY,
    R_VOL_V,
    R_PERF,
    R_OPEN,
    R_BAR,
    R_EPI_T,
    R_EPI_N,
    R_M,
    R_AREA,
    R_DEF,
    R_BLOOD,
    R_DAMAGE,
    R_I,
    R_G,
    R_C1,
    R_C3,
    R_E,
    R_F,
    R_Q,
    R_QIN,
    R_QOUT,
    R_N
};

size_t mh_observe_work_size(const mh_grid *g) { return (size_t)g->nz * R_N; }

/* Sums of the quantities R_* over the domain, over each layer of the dermis and over the whole
 * dermis, with their cell counts; added row by row in a fixed order. */
typedef struct {
    double tot[R_N];
    double lay[MH_OL_COUNT][R_N];
    double ncell[MH_OL_COUNT];
} obs_sums;

/* Per-row partial sums of the state into part (R_N per depth row): the kernel, parallel over rows. */
static void row_sums(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *f,
                     double *part)
{
    const size_t rowlen = (size_t)g->nx * (size_t)g->ny;
    const int nz = g->nz;
#pragma omp parallel for schedule(static)
    for (int k = 0; k < nz; k++) {
        double *r = part + (size_t)k * R_N;
        for (int c = 0; c < R_N; c++)
            r[c] = 0.0;
        const double v = g->vascular[k], s_top = k == 0 ? p->s_top : 0.0, loss = p->k_clr * v + p->k_deg;
        const bool pd = g->layer[k] == MH_LAYER_PD; /* the superficial plexus */
        for (size_t q = rowlen * (size_t)k; q < rowlen * (size_t)(k + 1); q++) {
            const double Q = f->u[MH_S_Q][q];
            r[R_Q] += Q;
            const double wO = aux->w_open[q] * f->u[MH_S_O][q];
            r[R_QIN] += p->a_on * (p->k_ex * wO + s_top) * (p->c_film - Q);
            r[R_QOUT] += loss * Q;
            if (pd) {
                const double vd = mh_model_vasodilation(p, f->u[MH_S_H][q], f->u[MH_S_Y][q]) + f->u[MH_S_A][q];
                r[R_ERY] += v * (vd + p->beta_I * f->u[MH_S_I][q] + p->beta_B * f->u[MH_S_B][q]);
                r[R_PERF] += v * (1.0 + vd);
                r[R_VOL_V] += v;
            }
            if (k == 0) {
                r[R_OPEN] += f->u[MH_S_O][q];
                r[R_BAR] += f->u[MH_S_W][q];
                r[R_AREA] += wO;
            }
            if (g->epidermal[k] > 0.0) {
                r[R_DEF] += 1.0 - f->u[MH_S_K][q];
                r[R_EPI_T] += g->epidermal[k] * f->u[MH_S_T][q];
                r[R_EPI_N] += g->epidermal[k];
            }
            r[R_M] += f->u[MH_S_M][q];
            r[R_BLOOD] += f->u[MH_S_B][q];
            r[R_DAMAGE] += f->u[MH_S_D][q];
            r[R_I] += f->u[MH_S_I][q];
            r[R_G] += f->u[MH_S_G][q];
            r[R_C1] += f->u[MH_S_C1][q] + f->u[MH_S_N][q];
            r[R_C3] += f->u[MH_S_C3][q];
            r[R_E] += f->u[MH_S_E][q];
            r[R_F] += f->u[MH_S_F][q];
        }
    }
}

/* The rows' partial sums added from the top down (a fixed order, whatever the thread count). */
static void add_rows(const mh_grid *g, const double *part, obs_sums *sum)
{
    const size_t rowlen = (size_t)g->nx * (size_t)g->ny;
    for (int k = 0; k < g->nz; k++) {
        const double *r = part + (size_t)k * R_N;
        for (int c = 0; c < R_N; c++)
            sum->tot[c] += r[c];
        int L = g->layer[k] == MH_LAYER_PD ? MH_OL_PAPILLARY : g->layer[k] == MH_LAYER_RD ? MH_OL_RETICULAR : -1;
        if (L < 0)
            continue;
        for (int c = 0; c < R_N; c++) {
            sum->lay[L][c] += r[c];
            sum->lay[MH_OL_DERMIS][c] += r[c];
        }
        sum->ncell[L] += (double)rowlen;
        sum->ncell[MH_OL_DERMIS] += (double)rowlen;
    }
}

/* Depth (um) above which 90 % of the compound lies (total: its sum over the rows): the row where
 * the running sum from the top passes it, interpolated; 0 without compound. */
static double depth_90(const mh_grid *g, const double *part, double total)
{
    double depth90 = 0.0;
    if (total > 0.0) {
        double run = 0.0;
        for (int k = 0; k < g->nz; k++) {
            const double q = part[(size_t)k * R_N + R_Q];
            if (run + q >= 0.9 * total) {
                depth90 = (k + (0.9 * total - run) / q) * g->dx_mm * MH_UM_PER_MM;
                break;
            }
            run += q;
        }
    }
    return depth90;
}

/* The matrix columns of each layer: collagen I, III, their total, elastin, fibroblasts (means). */
static void layer_means(const mh_model_params *p, const obs_sums *sum, double *row)
{
    for (int L = 0; L < MH_OL_COUNT; L++) {
        double n = sum->ncell[L] > 0 ? sum->ncell[L] : 1.0;
        double c1 = sum->lay[L][R_C1] / n, c3 = sum->lay[L][R_C3] / n;
        row[mh_observe_layer_col((mh_observe_layer)L, MH_OQ_C1)] = c1;
        row[mh_observe_layer_col((mh_observe_layer)L, MH_OQ_C3)] = c3;
        row[mh_observe_layer_col((mh_observe_layer)L, MH_OQ_CT)] = (1.0 - p->w_3) * c1 + p->w_3 * c3;
        row[mh_observe_layer_col((mh_observe_layer)L, MH_OQ_E)] = sum->lay[L][R_E] / n;
        row[mh_observe_layer_col((mh_observe_layer)L, MH_OQ_F)] = sum->lay[L][R_F] / n;
    }
}

void mh_observe(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *f,
                const mh_observe_ref *ref, double c0_mg_ml, double *work, double *row)
{
    const size_t rowlen = (size_t)g->nx * (size_t)g->ny;
    double *part = work;
    row_sums(g, p, aux, f, part);
    obs_sums sum = {{0}, {{0}}, {0}};
    add_rows(g, part, &sum);
    const double *tot = sum.tot, *dermis = sum.lay[MH_OL_DERMIS];
    const double cell_mm3 = g->dx_mm * g->dx_mm * (g->dims == 3 ? g->dx_mm : 1.0);
    const double area_mm2 = g->width_mm * (g->dims == 3 ? g->length_mm : 1.0);
    const double ndermis = sum.ncell[MH_OL_DERMIS];
    row[MH_OBS_ERYTHEMA] = tot[R_VOL_V] > 0 ? tot[R_ERY] / tot[R_VOL_V] : 0.0;
    row[MH_OBS_PERFUSION] = tot[R_VOL_V] > 0 ? tot[R_PERF] / tot[R_VOL_V] : 1.0;
    row[MH_OBS_OPEN] = ref->surface_cells > 0 ? tot[R_OPEN] / (double)ref->surface_cells : 0.0;
    row[MH_OBS_BARRIER] = ref->surface_cells > 0 ? tot[R_BAR] / (double)ref->surface_cells : 0.0;
    row[MH_OBS_EPI_THICK] = tot[R_EPI_N] > 0 ? tot[R_EPI_T] / tot[R_EPI_N] : 1.0;
    row[MH_OBS_MMP] = ndermis > 0 ? dermis[R_M] / ndermis : 0.0;
    row[MH_OBS_OPEN_AREA] = tot[R_AREA] / (double)rowlen;
    const double amount = cell_mm3 / area_mm2 * c0_mg_ml * MH_MM2_PER_CM2; /* ug/mm^3 x mm^3/mm^2 -> ug/cm^2 */
    row[MH_OBS_Q_SKIN] = tot[R_Q] * amount;
    row[MH_OBS_Q_DERMIS] = dermis[R_Q] * amount;
    row[MH_OBS_Q_INFLUX] = tot[R_QIN] * amount;
    row[MH_OBS_Q_LOSS] = tot[R_QOUT] * amount;
    row[MH_OBS_Q_DEPTH] = depth_90(g, part, tot[R_Q]);
    row[MH_OBS_REEPI] = ref->deficit > 0 ? 1.0 - tot[R_DEF] / ref->deficit : 1.0;
    row[MH_OBS_BLEEDING] = tot[R_BLOOD] * cell_mm3 / area_mm2 * MH_MM2_PER_CM2; /* mm^3/mm^2 -> uL/cm^2 */
    row[MH_OBS_DAMAGE] = tot[R_DAMAGE] / (double)g->ncell;
    row[MH_OBS_INFLAM] = ndermis > 0 ? dermis[R_I] / ndermis : 0.0;
    row[MH_OBS_GF] = ndermis > 0 ? dermis[R_G] / ndermis : 0.0;
    layer_means(p, &sum, row);
}

mh_status mh_series_append(mh_series *s, const double *row, mh_ctx *ctx)
{
    if (s->nt == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *d = realloc(s->data, cap * MH_OBS_COUNT * sizeof *d);
        if (d == NULL)
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (time series, %zu rows)", s->nt);
        s->data = d;
        s->cap = cap;
    }
    memcpy(s->data + s->nt * MH_OBS_COUNT, row, MH_OBS_COUNT * sizeof *row);
    s->nt++;
    return MH_OK;
}

void mh_series_clear(mh_series *s)
{
    free(s->data);
    memset(s, 0, sizeof *s);
}

static double at(const mh_series *s, size_t r, int c) { return s->data[r * MH_OBS_COUNT + (size_t)c]; }

double mh_series_at(const mh_series *s, int col, double t)
{
    if (s->nt == 0 || t < at(s, 0, MH_OBS_T) || t > at(s, s->nt - 1, MH_OBS_T))
        return NAN;
    size_t lo = 0, hi = s->nt - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (at(s, mid, MH_OBS_T) <= t)
            lo = mid;
        else
            hi = mid;
    }
    double t0 = at(s, lo, MH_OBS_T), t1 = at(s, hi, MH_OBS_T);
    if (t1 <= t0)
        return at(s, hi, col);
    double w = (t - t0) / (t1 - t0);
    return (1.0 - w) * at(s, lo, col) + w * at(s, hi, col);
}

/* First crossing time of col through level within rows [r0, r1), linearly interpolated;
 * below = true looks for value <= level, else >= level. NaN if none. */
static double first_crossing(const mh_series *s, size_t r0, size_t r1, int col, double level, bool below)
{
    for (size_t r = r0; r < r1; r++) {
        double v = at(s, r, col);
        if (below ? v <= level : v >= level) {
            if (r == r0)
                return at(s, r, MH_OBS_T);
            double vp = at(s, r - 1, col), tp = at(s, r - 1, MH_OBS_T), t = at(s, r, MH_OBS_T);
            double w = (vp - level) / (vp - v);
            return tp + w * (t - tp);
        }
    }
    return NAN;
}

static const mh_summary_field summary_fields[] = {
    {"session_days", "day", offsetof(mh_summary, session_days)}, /* first: not an outcome (mh_targets) */
    {"closure_hours", "h", offsetof(mh_summary, closure_hours)},
    {"barrier_hours", "h", offsetof(mh_summary, barrier_hours)},
    {"erythema_days", "day", offsetof(mh_summary, erythema_days)},
    {"erythema_peak", "1", offsetof(mh_summary, erythema_peak)},
    {"erythema_peak_hours", "h", offsetof(mh_summary, erythema_peak_hours)},
    {"reepithelialized_days", "day", offsetof(mh_summary, reepithelialized_days)},
    {"bleeding", "uL/cm^2", offsetof(mh_summary, bleeding)},
    {"downtime_days", "day", offsetof(mh_summary, downtime_days)},
    {"delivered", "ug/cm^2 (by the end of the application; NaN without a compound)", offsetof(mh_summary, delivered)},
    {"compound_depth_um", "um (90 % of the compound above it at the end of the application)",
     offsetof(mh_summary, compound_depth_um)},
    {"pih_index", "1 (MED-weighted visible redness at the sun exposures, times the skin type's weight)",
     offsetof(mh_summary, pih_index)},
    {"infection_index", "%.h (open surface area x hours of the water exposures)",
     offsetof(mh_summary, infection_index)},
};
#define MH_NSUMMARY ((int)(sizeof summary_fields / sizeof summary_fields[0]))
_Static_assert(sizeof summary_fields / sizeof summary_fields[0] == MH_SUMMARY_NFIELDS, "MH_SUMMARY_NFIELDS");

const mh_summary_field *mh_summary_fields(int *n)
{
    *n = MH_NSUMMARY;
    return summary_fields;
}

double *mh_summary_array(const mh_summary *m, int i)
{
    return *(double *const *)((const char *)m + summary_fields[i].offset);
}
double **mh_summary_slot(mh_summary *m, int i) { return (double **)((char *)m + summary_fields[i].offset); }

/* Post-inflammatory hyperpigmentation index of session k (papers/delivery.md, "Aftercare"): the
 * sum over its sun exposures on visibly red skin of dose x erythema / visible threshold, times the
 * type's weight. */
static double pih_index(const mh_series *s, double t0, double t1, const mh_summary_settings *set)
{
    double sum = 0.0;
    for (int j = 0; j < set->n_sun; j++) {
        const double t = t0 + set->sun_days[j], e = t < t1 ? mh_series_at(s, MH_OBS_ERYTHEMA, t) : NAN;
        if (!isnan(e) && e >= set->erythema_visible) /* visible redness only */
            sum += set->sun_dose_med * e / set->erythema_visible;
    }
    return set->pih_weight * sum;
}

/* Infection-risk index of session k: open surface (%) x hours of each water exposure (trapezoid over it). */
static double infection_index(const mh_series *s, double t0, double t1, const mh_summary_settings *set)
{
    double sum = 0.0;
    const double h = set->water_hours / MH_HOURS_PER_DAY;
    for (int j = 0; j < set->n_water; j++) {
        const double t = t0 + set->water_days[j];
        const double a = t < t1 ? mh_series_at(s, MH_OBS_OPEN_AREA, t) : NAN,
                     b = mh_series_at(s, MH_OBS_OPEN_AREA, fmin(t + h, t1));
        if (!isnan(a))
            sum += 0.5 * (a + (isnan(b) ? a : b)) * 100.0 * set->water_hours;
    }
    return sum;
}

mh_status mh_summary_compute(const mh_series *s, const double *sd, int ns, const mh_summary_settings *set,
                             mh_summary *out, mh_ctx *ctx)
{
    memset(out, 0, sizeof *out);
    out->nsessions = ns;
    for (int a = 0; a < MH_NSUMMARY; a++) {
        double **arr = mh_summary_slot(out, a);
        *arr = calloc((size_t)(ns > 0 ? ns : 1), sizeof(double));
        if (*arr == NULL) {
            mh_summary_clear(out);
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (summary)");
        }
    }
    const double closure_fraction = set->closure_fraction, erythema_visible = set->erythema_visible;
    for (int k = 0; k < ns; k++) {
        double t0 = sd[k], t1 = k + 1 < ns ? sd[k + 1] : INFINITY;
        size_t r0 = 0, r1 = 0;
        while (r0 < s->nt && at(s, r0, MH_OBS_T) < t0)
            r0++;
        while (r0 + 1 < s->nt && at(s, r0 + 1, MH_OBS_T) <= t0) /* the row after the wound, not before */
            r0++;
        r1 = r0;
        while (r1 < s->nt && at(s, r1, MH_OBS_T) < t1)
            r1++;
        out->session_days[k] = t0;
        out->closure_hours[k] =
            (first_crossing(s, r0, r1, MH_OBS_OPEN, closure_fraction, true) - t0) * MH_HOURS_PER_DAY;
        out->barrier_hours[k] =
            (first_crossing(s, r0, r1, MH_OBS_BARRIER, closure_fraction, true) - t0) * MH_HOURS_PER_DAY;
        out->reepithelialized_days[k] = first_crossing(s, r0, r1, MH_OBS_REEPI, set->reepi_fraction, false) - t0;
        out->bleeding[k] = r0 < s->nt ? at(s, r0, MH_OBS_BLEEDING) : NAN;
        double peak = -1.0, tpeak = NAN, last = NAN;
        for (size_t r = r0; r < r1; r++) {
            double e = at(s, r, MH_OBS_ERYTHEMA);
            if (e > peak) {
                peak = e;
                tpeak = at(s, r, MH_OBS_T);
            }
            if (e >= erythema_visible)
                last = r + 1 < r1 ? at(s, r + 1, MH_OBS_T) : at(s, r, MH_OBS_T);
        }
        /* refine the end of visibility by interpolation on the last visible interval */
        if (!isnan(last)) {
            for (size_t r = r1; r-- > r0 + 1;) {
                if (at(s, r - 1, MH_OBS_ERYTHEMA) >= erythema_visible && at(s, r, MH_OBS_ERYTHEMA) < erythema_visible) {
                    double vp = at(s, r - 1, MH_OBS_ERYTHEMA), v = at(s, r, MH_OBS_ERYTHEMA);
                    double tp = at(s, r - 1, MH_OBS_T), t = at(s, r, MH_OBS_T);
                    last = tp + (vp - erythema_visible) / (vp - v) * (t - tp);
                    break;
                }
            }
        }
        out->erythema_days[k] = isnan(last) ? 0.0 : last - t0;
        out->erythema_peak[k] = peak;
        out->erythema_peak_hours[k] = (tpeak - t0) * MH_HOURS_PER_DAY;
        out->downtime_days[k] = isnan(out->reepithelialized_days[k]) /* not restored within the run */
                                    ? NAN
                                    : fmax(out->erythema_days[k], out->reepithelialized_days[k]);
        const double te = set->delivery_end != NULL ? set->delivery_end[k] : NAN;
        out->delivered[k] =
            isnan(te) ? NAN : mh_series_at(s, MH_OBS_Q_DELIVERED, te) - mh_series_at(s, MH_OBS_Q_DELIVERED, t0);
        out->compound_depth_um[k] = isnan(te) ? NAN : mh_series_at(s, MH_OBS_Q_DEPTH, te);
        out->pih_index[k] = pih_index(s, t0, t1, set);
        out->infection_index[k] = infection_index(s, t0, t1, set);
    }
    const double gd[MH_GAIN_DAYS] = {42.0, 90.0, 180.0};
    double tend = s->nt ? at(s, s->nt - 1, MH_OBS_T) : NAN;
    for (int d = 0; d < MH_GAIN_DAYS; d++)
        out->gain_days[d] = gd[d];
    for (int L = 0; L < MH_OL_COUNT; L++)
        for (int q = 0; q < MH_OQ_COUNT; q++) {
            int col = mh_observe_layer_col((mh_observe_layer)L, (mh_observe_quantity)q);
            for (int d = 0; d < MH_GAIN_DAYS; d++)
                out->gain[L][q][d] = mh_series_at(s, col, gd[d]);
            out->gain[L][q][MH_GAIN_DAYS] = mh_series_at(s, col, tend);
        }
    return MH_OK;
}

bool mh_summary_copy(const mh_summary *src, mh_summary *dst)
{
    *dst = *src;
    const size_t n = (size_t)(src->nsessions > 0 ? src->nsessions : 1);
    bool ok = true;
    for (int a = 0; a < MH_NSUMMARY; a++) {
        double **d = mh_summary_slot(dst, a);
        *d = ok ? malloc(n * sizeof **d) : NULL;
        ok = ok && *d != NULL;
        if (ok)
            memcpy(*d, mh_summary_array(src, a), n * sizeof **d);
    }
    if (!ok)
        mh_summary_clear(dst);
    return ok;
}

void mh_summary_clear(mh_summary *s)
{
    for (int a = 0; a < MH_NSUMMARY; a++)
        free(mh_summary_array(s, a));
    memset(s, 0, sizeof *s);
}
