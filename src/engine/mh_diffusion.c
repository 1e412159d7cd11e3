/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_diffusion: the optimised LOD diffusion-decay step (equations in mh_diffusion.h).
 *
 * Every line of a sweep solves a symmetric tridiagonal system whose matrix depends only on the
 * line's depth row (x and y sweeps: lam = D[k] dt / dx^2 is constant along the line) or is the same
 * for all lines (z sweep: face coefficients lam[k+1/2] from the depth profile). So each distinct
 * matrix is factorised once per step, A = L Diag L^T:
 *   d_0 = b_0,  l_i = e_i / d_i,  d_{i+1} = b_{i+1} - l_i e_i            (b diagonal, e off-diagonal)
 * and every line is solved with the stored multipliers l_i and inverse pivots 1/d_i:
 *   forward  y_0 = r_0,  y_i = r_i - l_{i-1} y_{i-1}
 *   backward x_{n-1} = y_{n-1} / d_{n-1},  x_i = y_i / d_i - l_i x_{i+1}.
 * A periodic line (cyclic matrix, corners -lam) is solved with the Sherman-Morrison formula on the
 * matrix with modified first and last diagonal (Press et al., Numerical Recipes, 2nd ed. 1992, sec. 2.7):
 *   gamma = -b_0, b'_0 = b_0 - gamma, b'_{n-1} = b_{n-1} - lam^2 / gamma, w = (gamma, 0, .., 0, -lam),
 *   A' y = r, A' z = w, x = y - z (y_0 - lam y_{n-1} / gamma) / (1 + z_0 - lam z_{n-1} / gamma).
 * The matrices are diagonally dominant, so no pivoting is needed (as in GSL's solvers).
 *
 * Memory layout and vectorisation: u[i + nx (j + ny k)], x fastest. Lines along y and z have a
 * stride; neighbouring lines are neighbours in memory, so a block of W lines is solved together,
 * the inner loop running over the W contiguous lines (vectorised by the compiler, no intrinsics).
 * Lines along x are contiguous; a block of up to MH_LANES rows that share a matrix (a layer) is
 * solved across its rows: the forward elimination reads 4 x 4 tiles of the rows, transposes them in
 * registers, keeps each lane's running value in a register and stores its result to a per-thread
 * buffer (line position slowest); the back-substitution reads that buffer from the end and
 * transposes its results back into the rows (sweep_x_tiled).
 * Each line sees the same operations in the same order on every path (no fused multiply-add:
 * -ffp-contract=off), so the result does not depend on the block sizes or the thread count.
 *
 * Threads: sweeps in x (and y) are parallel over row blocks (planes in 3-D), then the z sweep over
 * blocks of columns; both loops run over all fields at once. Per step the field is read and written
 * twice (lateral sweeps, then z), 32 bytes per cell and field; a block of z lines is cache-resident
 * between its forward and backward passes. In 2-D, as many fields as fill whole rounds of the team
 * are instead stepped whole, one per thread (field_2d): each block of rows is followed at once by
 * the z forward elimination of its rows, while they are in cache; a field that fits the core's L2
 * (1.2 MB in the benchmark, 0.22 MB on the default grid) is then read and written once from the outer
 * caches, a larger one twice as on the path above. The remaining fields take the path above. Both paths apply the same
 * operations in the same order to every line. */
#include "mh_diffusion.h"

#include <omp.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MH_LANES 16  /* rows per transposed x block: 4 vectors of 4, enough to hide the recurrence's latency */
#define MH_ZBLOCK 64 /* strided lines per block (multiple of MH_LANES) */

/* 4 x 4 tile transposes with the vector extensions of GCC >= 12 and clang (any ISA; plain loops otherwise) */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#define MH_TILE 1
typedef double mh_v4 __attribute__((vector_size(32)));

static inline void transpose4(mh_v4 *a, mh_v4 *b, mh_v4 *c, mh_v4 *d)
{
    mh_v4 t0 = __builtin_shufflevector(*a, *b, 0, 4, 2, 6), t1 = __builtin_shufflevector(*a, *b, 1, 5, 3, 7);
    mh_v4 t2 = __builtin_shufflevector(*c, *d, 0, 4, 2, 6), t3 = __builtin_shufflevector(*c, *d, 1, 5, 3, 7);
    *a = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    *b = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    *c = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    *d = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}
#endif

/* L Diag L^T factor of one line matrix of n points; identity when NULL. */
typedef struct {
    int n;
    int cyclic;
    const double *l;    /* multipliers l_i (n - 1) */
    const double *dinv; /* inverse pivots 1/d_i (n) */
    const double *z;    /* cyclic: A'^{-1} w (n), else NULL */
    double s1, inv_den; /* cyclic: -lam / gamma and 1 / (1 + z_0 + s1 z_{n-1}) */
} line_factor;

struct mh_diffusion {
    const mh_grid *g;
    int nthreads; /* per-thread buffers allocated for this many threads */
    double *xbuf; /* nthreads x (MH_LANES + 2) nx: line buffer, a row of zeros, a sink row */
    double *pool; /* factor tables */
    size_t pool_cap;
    int fcap;         /* fields with room in the per-row tables */
    line_factor *fac; /* fcap x (2 nz + 1): x factor per k, y factor per k (3-D), z factor */
    int *first;       /* fcap x nz: first depth row with the same lateral coefficient */
    int *dist;        /* nz work: the distinct rows */
    double *lam;      /* nz work values */
    int *blk;         /* lateral work units: (field, first row, rows) triples, fcap x nz at most */
};

mh_status mh_diffusion_create(const mh_grid *g, mh_ctx *ctx, mh_diffusion **out)
{
    *out = NULL;
    mh_diffusion *w = calloc(1, sizeof *w);
    if (w == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (diffusion workspace)");
    w->g = g;
    w->lam = mh_alloc_doubles((size_t)g->nz);
    w->dist = malloc((size_t)g->nz * sizeof *w->dist);
    if (w->lam == NULL || w->dist == NULL) {
        mh_diffusion_destroy(&w);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (diffusion workspace)");
    }
    *out = w;
    return MH_OK;
}

void mh_diffusion_destroy(mh_diffusion **w)
{
    if (w == NULL || *w == NULL)
        return;
    mh_free((*w)->xbuf);
    mh_free((*w)->pool);
    free((*w)->fac);
    free((*w)->blk);
    free((*w)->first);
    free((*w)->dist);
    mh_free((*w)->lam);
    free(*w);
    *w = NULL;
}

/* Factorises the n-point matrix with diagonal b[i] = 1 + lo_i + hi_i + dmu (lo_i, hi_i: the
 * coefficients of the faces below and above point i, 0 at a zero-flux end) and off-diagonal -hi_i,
 * or the cyclic matrix with all faces lam (lamf == NULL). Tables are carved from p. */
static void factorise(line_factor *f, int n, const double *lamf, double lam, int cyclic, double dmu, double *p)
{
    double *l = p, *dinv = p + n, *z = p + 2 * n;
    f->n = n;
    f->cyclic = cyclic;
    f->l = l;
    f->dinv = dinv;
    f->z = NULL;
    double gamma = 0.0;
    for (int i = 0; i < n; i++) {
        double lo = i > 0 ? (lamf ? lamf[i - 1] : lam) : (cyclic ? lam : 0.0);
        double hi = i < n - 1 ? (lamf ? lamf[i] : lam) : (cyclic ? lam : 0.0);
        double b = 1.0 + lo + hi + dmu;
        if (cyclic && i == 0) {
            gamma = -b;
            b -= gamma;
        } else if (cyclic && i == n - 1) {
            b -= lam * lam / gamma;
        }
        double d = i > 0 ? b - l[i - 1] * (-lo) : b;
        dinv[i] = 1.0 / d;
        if (i < n - 1)
            l[i] = -hi / d;
    }
    if (!cyclic)
        return;
    /* z = A'^{-1} w, w = (gamma, 0, ..., 0, -lam) */
    for (int i = 0; i < n; i++)
        z[i] = i == 0 ? gamma : (i == n - 1 ? -lam : 0.0);
    for (int i = 1; i < n; i++)
        z[i] -= l[i - 1] * z[i - 1];
    z[n - 1] *= dinv[n - 1];
    for (int i = n - 2; i >= 0; i--)
        z[i] = z[i] * dinv[i] - l[i] * z[i + 1];
    f->z = z;
    f->s1 = -lam / gamma;
    f->inv_den = 1.0 / (1.0 + z[0] + f->s1 * z[n - 1]);
}

/* Solves W <= MH_ZBLOCK neighbouring lines (lane q at u[q], point i at u[q + i s]) in place, the
 * inner loops over the lanes. Each lane sees the same operations in the same order whatever W is. */
static void solve_lines(const line_factor *f, double *restrict u, size_t s, int W)
{
    const int n = f->n;
    const double *l = f->l, *dinv = f->dinv;
    for (int i = 1; i < n; i++) {
        double *restrict a = u + (size_t)i * s;
        const double *restrict b = a - s;
        const double c = l[i - 1];
        for (int q = 0; q < W; q++)
            a[q] -= c * b[q];
    }
    {
        double *restrict a = u + (size_t)(n - 1) * s;
        const double c = dinv[n - 1];
        for (int q = 0; q < W; q++)
            a[q] *= c;
    }
    for (int i = n - 2; i >= 0; i--) {
        double *restrict a = u + (size_t)i * s;
        const double *restrict b = a + s;
        const double c = dinv[i], c2 = l[i];
        for (int q = 0; q < W; q++)
            a[q] = a[q] * c - c2 * b[q];
    }
    if (f->cyclic) {
        double fact[MH_ZBLOCK];
        const double *restrict last = u + (size_t)(n - 1) * s;
        for (int q = 0; q < W; q++)
            fact[q] = (u[q] + f->s1 * last[q]) * f->inv_den;
        for (int i = 0; i < n; i++) {
            double *restrict a = u + (size_t)i * s;
            const double zi = f->z[i];
            for (int q = 0; q < W; q++)
                a[q] -= fact[q] * zi;
        }
    }
}

#ifdef MH_TILE
/* x sweep of the rows in[r] -> out[r] (r < MH_LANES, nx points each), which share factor f, across
 * the rows: solve_lines' operations in the same order, with the transposes fused into the passes.
 * T: nx x MH_LANES buffer (point slowest). Rows past the block read zeros and write to a sink. */
static void sweep_x_tiled(double *const *in, double *const *out, int nx, const line_factor *f, mh_v4 *restrict T)
{
    enum { G = MH_LANES / 4 }; /* vectors per point */
    const double *l = f->l, *dinv = f->dinv;
    const int n4 = nx & ~3;
    mh_v4 y[G]; /* each lane's running value */
    memset(y, 0, sizeof y);
    for (int i = 0; i < nx; i += 4) {
        mh_v4 v[G][4]; /* v[g][c]: rows 4g .. 4g + 3 at point i + c */
        const int m = i < n4 ? 4 : nx - i;
        for (int g = 0; g < G; g++) {
            if (m == 4) {
                for (int c = 0; c < 4; c++)
                    memcpy(&v[g][c], in[4 * g + c] + i, sizeof v[g][c]);
                transpose4(&v[g][0], &v[g][1], &v[g][2], &v[g][3]);
            } else {
                for (int c = 0; c < m; c++)
                    v[g][c] =
                        (mh_v4){in[4 * g][i + c], in[4 * g + 1][i + c], in[4 * g + 2][i + c], in[4 * g + 3][i + c]};
            }
        }
        for (int c = 0; c < m; c++) {
            const int p = i + c;
            const double lp = p > 0 ? l[p - 1] : 0.0;
            for (int g = 0; g < G; g++) {
                y[g] = p > 0 ? v[g][c] - lp * y[g] : v[g][c];
                T[(size_t)p * G + g] = y[g];
            }
        }
    }
    for (int i = n4 < nx ? n4 : n4 - 4; i >= 0; i -= 4) {
        mh_v4 v[G][4];
        const int m = i < n4 ? 4 : nx - i;
        for (int c = m - 1; c >= 0; c--) {
            const int p = i + c;
            const double dp = dinv[p], lp = p < nx - 1 ? l[p] : 0.0;
            for (int g = 0; g < G; g++) {
                const mh_v4 t = T[(size_t)p * G + g];
                y[g] = p < nx - 1 ? t * dp - lp * y[g] : t * dp;
                v[g][c] = y[g];
            }
        }
        for (int g = 0; g < G; g++) {
            if (m == 4) {
                transpose4(&v[g][0], &v[g][1], &v[g][2], &v[g][3]);
                for (int c = 0; c < 4; c++)
                    memcpy(out[4 * g + c] + i, &v[g][c], sizeof v[g][c]);
            } else {
                for (int c = 0; c < m; c++)
                    for (int r = 0; r < 4; r++)
                        out[4 * g + r][i + c] = v[g][c][r];
            }
        }
    }
    if (f->cyclic)
        for (int r = 0; r < MH_LANES; r++) {
            double *restrict a = out[r];
            const double fr = (a[0] + f->s1 * a[nx - 1]) * f->inv_den;
            for (int i = 0; i < nx; i++)
                a[i] -= fr * f->z[i];
        }
}
#else
/* Copies rows row[r nx + i] (r < nr <= MH_LANES) into lanes T[i MH_LANES + r] (back = 0) or back
 * (back = 1); lanes nr .. MH_LANES - 1 are set to 0 on the way in. Data movement only. */
static void transpose_rows(double *restrict row, int nx, int nr, double *restrict T, int back)
{
    for (int r = 0; r < MH_LANES; r++)
        for (int i = 0; i < nx; i++) {
            double *t = T + (size_t)i * MH_LANES + r;
            if (r >= nr) {
                if (!back)
                    *t = 0.0;
                continue;
            }
            double *x = row + (size_t)r * (size_t)nx + i;
            if (back)
                *x = *t;
            else
                *t = *x;
        }
}
#endif

/* x sweep of the nr <= MH_LANES rows starting at row r0 of u, which share factor f; T: the
 * thread's buffer of (MH_LANES + 2) nx values. */
static void sweep_x_block(const mh_grid *g, double *restrict u, const line_factor *f, size_t r0, int nr,
                          double *restrict T)
{
    const int nx = g->nx;
    double *row = u + r0 * (size_t)nx;
#ifdef MH_TILE
    double *zero = T + (size_t)nx * MH_LANES, *sink = zero + nx;
    double *in[MH_LANES], *out[MH_LANES];
    for (int r = 0; r < MH_LANES; r++) {
        in[r] = r < nr ? row + (size_t)r * (size_t)nx : zero;
        out[r] = r < nr ? in[r] : sink;
    }
    sweep_x_tiled(in, out, nx, f, (mh_v4 *)T);
#else
    transpose_rows(row, nx, nr, T, 0);
    solve_lines(f, T, MH_LANES, MH_LANES);
    transpose_rows(row, nx, nr, T, 1);
#endif
}

/* The next block of rows from row k: up to MH_LANES neighbouring rows with the same x factor
 * (a layer); returns its end. */
static int row_block_end(const line_factor *fx, int k, int nz)
{
    int k1 = k + 1;
    while (k1 < nz && k1 - k < MH_LANES && fx[k1].l == fx[k].l)
        k1++;
    return k1;
}

/* 2-D step of one field by one thread: the x sweep block by block from the top, each block of rows
 * followed at once by the z forward elimination of its rows (along the rows, the same operations as
 * solve_lines), then the z back-substitution from the bottom. */
static void field_2d(const mh_grid *g, double *restrict u, const line_factor *fx, const line_factor *fz, double *T)
{
    const int nx = g->nx, nz = g->nz;
    for (int k = 0; k < nz;) {
        const int k1 = row_block_end(fx, k, nz);
        if (fx[k].n > 0)
            sweep_x_block(g, u, &fx[k], (size_t)k, k1 - k, T);
        for (int r = k > 0 ? k : 1; fz->n > 0 && r < k1; r++) {
            double *restrict a = u + (size_t)r * (size_t)nx;
            const double *restrict b = a - nx;
            const double c = fz->l[r - 1];
            for (int i = 0; i < nx; i++)
                a[i] -= c * b[i];
        }
        k = k1;
    }
    if (fz->n == 0)
        return;
    double *restrict last = u + (size_t)(nz - 1) * (size_t)nx;
    for (int i = 0; i < nx; i++)
        last[i] *= fz->dinv[nz - 1];
    for (int r = nz - 2; r >= 0; r--) {
        double *restrict a = u + (size_t)r * (size_t)nx;
        const double *restrict b = a + nx;
        const double c = fz->dinv[r], c2 = fz->l[r];
        for (int i = 0; i < nx; i++)
            a[i] = a[i] * c - c2 * b[i];
    }
}

/* Reserves the per-field tables for nf fields; MH_ERR_NOMEM on failure. */
static mh_status reserve_fields(mh_diffusion *w, int nf, mh_ctx *ctx)
{
    const mh_grid *g = w->g;
    if (nf <= w->fcap)
        return MH_OK;
    line_factor *fac = realloc(w->fac, (size_t)nf * (2 * (size_t)g->nz + 1) * sizeof *fac);
    if (fac != NULL)
        w->fac = fac;
    int *blk = realloc(w->blk, (size_t)nf * (size_t)g->nz * 3 * sizeof *blk);
    if (blk != NULL)
        w->blk = blk;
    int *first = realloc(w->first, (size_t)nf * (size_t)g->nz * sizeof *first);
    if (first != NULL)
        w->first = first;
    if (fac == NULL || blk == NULL || first == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (diffusion factor tables)");
    w->fcap = nf;
    return MH_OK;
}

/* Doubles of one thread's buffer: MH_LANES nx line values, a row of zeros and a sink row, rounded up
 * to whole cache lines (64 bytes) so that every buffer is aligned for vectors. */
static size_t thread_buffer(int nx) { return ((size_t)nx * (MH_LANES + 2) + 7) / 8 * 8; }

/* Reserves the factor pool and the per-thread buffers; MH_ERR_NOMEM on failure. */
static mh_status reserve(mh_diffusion *w, size_t pool_need, mh_ctx *ctx)
{
    const mh_grid *g = w->g;
    if (pool_need > w->pool_cap) {
        double *p = mh_alloc_doubles(pool_need);
        if (p == NULL)
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (diffusion factor tables)");
        mh_free(w->pool);
        w->pool = p;
        w->pool_cap = pool_need;
    }
    const int nt = omp_get_max_threads();
    if (nt > w->nthreads) {
        double *b = mh_alloc_doubles((size_t)nt * thread_buffer(g->nx));
        if (b == NULL)
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (diffusion line buffers)");
        mh_free(w->xbuf);
        w->xbuf = b;
        w->nthreads = nt;
    }
    return MH_OK;
}

/* first[k] = the first k' <= k with lam[k'] == lam[k] (rows with equal coefficients share a factor);
 * the search runs over the distinct values met so far (dist, nz entries of work; one per layer). */
static void first_equal(const double *lam, int nz, int *first, int *dist)
{
    int ndist = 0;
    for (int k = 0; k < nz; k++) {
        first[k] = k;
        for (int d = 0; d < ndist; d++)
            if (lam[dist[d]] == lam[k]) {
                first[k] = dist[d];
                break;
            }
        if (first[k] == k)
            dist[ndist++] = k;
    }
}

/* Fields 0 .. return - 1 are stepped whole, one per thread of a team of nt (2-D only, whole rounds
 * of the team, so that no thread idles while the others finish theirs). */
static int owned_fields(int dims, int nf, int nt) { return dims == 2 ? nf / nt * nt : 0; }

double mh_diffusion_step_bytes(const mh_diffusion *w, int nfields)
{
    const int nown = owned_fields(w->g->dims, nfields, omp_get_max_threads());
    return (double)w->g->ncell * (16.0 * nown + 32.0 * (nfields - nown));
}

/* Checks dt and the coefficients of the nf fields (nz depth rows each); MH_ERR_INPUT naming the
 * first bad one. */
static mh_status check_coefficients(int nz, int nf, const mh_diffusion_field *f, double dt, mh_ctx *ctx)
{
    if (!(dt >= 0.0) || !isfinite(dt))
        return MH_ERROR(ctx, MH_ERR_INPUT, "diffusion step: dt = %g day is not finite and >= 0", dt);
    for (int s = 0; s < nf; s++) {
        int bad = !(f[s].mu_per_day >= 0.0) || !isfinite(f[s].mu_per_day);
        for (int k = 0; k < nz; k++)
            bad |= !(f[s].D_mm2_day[k] >= 0.0) || !isfinite(f[s].D_mm2_day[k]);
        if (bad)
            return MH_ERROR(ctx, MH_ERR_INPUT, "diffusion step: field %d has a negative or non-finite coefficient", s);
    }
    return MH_OK;
}

/* Marks, per field, the depth rows that share a lateral factor (w->first, lam = c D[k] in w->lam)
 * and returns the doubles of factor tables the step needs: per field, per distinct lateral lam,
 * 3 nx (+ 3 ny), and the z table 3 nz. */
static size_t table_need(mh_diffusion *w, int nf, const mh_diffusion_field *f, double c)
{
    const mh_grid *g = w->g;
    const int nx = g->nx, ny = g->ny, nz = g->nz, dims = g->dims;
    size_t need = 0;
    for (int s = 0; s < nf; s++) {
        int *first = w->first + (size_t)s * nz;
        for (int k = 0; k < nz; k++)
            w->lam[k] = c * f[s].D_mm2_day[k];
        first_equal(w->lam, nz, first, w->dist);
        for (int k = 0; k < nz; k++)
            if (first[k] == k)
                need += 3 * (size_t)nx + (dims == 3 ? 3 * (size_t)ny : 0);
        need += 3 * (size_t)nz;
    }
    return need;
}

/* The lateral factors of field fs, per depth row: x into fx, y into fy (3-D), one factorisation per
 * distinct row (first: mh_diffusion's first table of the field), the others copied; tables carved
 * from *p, which moves past them. n = 0 marks an identity (no diffusion, no decay). */
static void factorise_lateral(const mh_grid *g, const mh_diffusion_field *fs, const int *first, double c, double dmu,
                              line_factor *fx, line_factor *fy, double **p)
{
    const int nx = g->nx, ny = g->ny, nz = g->nz, dims = g->dims;
    for (int k = 0; k < nz; k++) {
        const int q = first[k];
        if (q < k) {
            fx[k] = fx[q];
            if (dims == 3)
                fy[k] = fy[q];
            continue;
        }
        const double lam = c * fs->D_mm2_day[k];
        factorise(&fx[k], nx, NULL, lam, g->periodic, dmu, *p);
        *p += 3 * (size_t)nx;
        if (dims == 3) {
            factorise(&fy[k], ny, NULL, lam, g->periodic, dmu, *p);
            *p += 3 * (size_t)ny;
        }
        if (lam == 0.0 && dmu == 0.0)
            fx[k].n = fy[k].n = 0; /* identity: skipped */
    }
}

/* The z factor of field fs into fzf, its face coefficients in lamf (nz - 1 work values); the table
 * carved from *p, which moves past it. n = 0 marks an identity. */
static void factorise_depth(const mh_grid *g, const mh_diffusion_field *fs, double c, double dmu, double *lamf,
                            line_factor *fzf, double **p)
{
    const int nz = g->nz;
    /* z faces: harmonic mean of the two cells' coefficients */
    for (int k = 0; k + 1 < nz; k++) {
        double a = fs->D_mm2_day[k], b = fs->D_mm2_day[k + 1];
        lamf[k] = (a > 0.0 && b > 0.0) ? c * 2.0 * a * b / (a + b) : 0.0;
    }
    int anyz = dmu > 0.0;
    for (int k = 0; k + 1 < nz; k++)
        anyz |= lamf[k] > 0.0;
    factorise(fzf, nz, lamf, 0.0, 0, dmu, *p);
    *p += 3 * (size_t)nz;
    if (!anyz)
        fzf->n = 0;
}

/* Factor tables of the nf fields, from the pool (sized by table_need): per field 2 nz + 1 factors,
 * x per depth row, y per depth row (3-D), z. */
static void factorise_fields(mh_diffusion *w, int nf, const mh_diffusion_field *f, double dt, double c)
{
    const mh_grid *g = w->g;
    const int nz = g->nz, dims = g->dims;
    double *p = w->pool;
    const size_t per = 2 * (size_t)nz + 1;
    for (int s = 0; s < nf; s++) {
        line_factor *fx = w->fac + (size_t)s * per, *fy = fx + nz, *fzf = fx + 2 * nz;
        const double dmu = dt * f[s].mu_per_day / dims;
        factorise_lateral(g, &f[s], w->first + (size_t)s * nz, c, dmu, fx, fy, &p);
        factorise_depth(g, &f[s], c, dmu, w->lam, fzf, &p);
    }
}

/* Lists the lateral work units of fields nown .. nf - 1 in w->blk as (field, first row, rows), in a
 * fixed order and only where a sweep is not the identity: 2-D, blocks of up to MH_LANES neighbouring
 * rows with the same factor (a layer); 3-D, one depth plane (its rows share one factor). Returns
 * their count. */
static int lateral_units(mh_diffusion *w, int nown, int nf)
{
    const int nz = w->g->nz, dims = w->g->dims;
    const size_t per = 2 * (size_t)nz + 1;
    int nblk = 0;
    for (int s = nown; s < nf; s++) {
        const line_factor *fx = w->fac + (size_t)s * per;
        for (int k = 0; k < nz;) {
            const int k1 = dims == 2 ? row_block_end(fx, k, nz) : k + 1;
            if (fx[k].n > 0) {
                int *b = w->blk + 3 * nblk++;
                b[0] = s, b[1] = k, b[2] = k1 - k;
            }
            k = k1;
        }
    }
    return nblk;
}

/* 3-D lateral sweeps of depth plane k of u: its x rows in blocks of MH_LANES (factor fx), then its
 * y lines across the plane in blocks of MH_ZBLOCK (factor fy); T: the thread's buffer. */
static void sweep_plane(const mh_grid *g, double *restrict u, const line_factor *fx, const line_factor *fy, int k,
                        double *T)
{
    const int nx = g->nx, ny = g->ny;
    const size_t plane = (size_t)nx * (size_t)ny;
    for (int j0 = 0; j0 < ny; j0 += MH_LANES) {
        const int nr = ny - j0 < MH_LANES ? ny - j0 : MH_LANES;
        sweep_x_block(g, u, fx, (size_t)k * (size_t)ny + (size_t)j0, nr, T);
    }
    for (int i0 = 0; i0 < nx; i0 += MH_ZBLOCK) {
        const int W = nx - i0 < MH_ZBLOCK ? nx - i0 : MH_ZBLOCK;
        solve_lines(fy, u + (size_t)k * plane + (size_t)i0, (size_t)nx, W);
    }
}

/* The sweeps of one step in one team of nt threads: fields 0 .. nown - 1 stepped whole, one per
 * thread (field_2d); then the lat_units lateral work units of the others (lateral_units); then
 * their z sweep over blocks of neighbouring columns. */
static void sweep_fields(mh_diffusion *w, int nf, const mh_diffusion_field *f, int nown, int nt, int lat_units)
{
    const mh_grid *g = w->g;
    const int nx = g->nx, ny = g->ny, nz = g->nz, dims = g->dims;
    const size_t per = 2 * (size_t)nz + 1;
    const size_t plane = (size_t)nx * (size_t)ny;
    const int ncolblk = (int)((plane + MH_ZBLOCK - 1) / MH_ZBLOCK);
    const line_factor *const fac = w->fac;
    const int *const blk = w->blk;
    double *const xbuf = w->xbuf;
#pragma omp parallel num_threads(nt)
    {
        double *T = xbuf + (size_t)omp_get_thread_num() * thread_buffer(nx);
#pragma omp for schedule(static)
        for (int s = 0; s < nown; s++)
            field_2d(g, f[s].u, fac + (size_t)s * per, fac + (size_t)s * per + 2 * (size_t)nz, T);
            /* lateral sweeps: 2-D, blocks of rows; 3-D, planes (x rows, then y lines across the plane) */
#pragma omp for schedule(static)
        for (int unit = 0; unit < lat_units; unit++) {
            const int *b = blk + 3 * unit;
            const line_factor *fx = fac + (size_t)b[0] * per + b[1];
            double *u = f[b[0]].u;
            if (dims == 2)
                sweep_x_block(g, u, fx, (size_t)b[1], b[2], T);
            else
                sweep_plane(g, u, fx, fx + nz, b[1], T);
        }
        /* z sweep: blocks of neighbouring columns */
#pragma omp for schedule(static)
        for (int unit = nown * ncolblk; unit < nf * ncolblk; unit++) {
            const int s = unit / ncolblk, b = unit % ncolblk;
            const line_factor *fzf = fac + (size_t)s * per + 2 * (size_t)nz;
            if (fzf->n == 0)
                continue;
            const size_t q0 = (size_t)b * MH_ZBLOCK;
            const int W = plane - q0 < MH_ZBLOCK ? (int)(plane - q0) : MH_ZBLOCK;
            solve_lines(fzf, f[s].u + q0, plane, W);
        }
    }
}

mh_status mh_diffusion_step(mh_diffusion *w, int nf, const mh_diffusion_field *f, double dt, mh_ctx *ctx)
{
    const mh_grid *g = w->g;
    mh_status st = check_coefficients(g->nz, nf, f, dt, ctx);
    if (st != MH_OK)
        return st;
    if (dt == 0.0 || nf == 0)
        return MH_OK;
    const double c = dt / (g->dx_mm * g->dx_mm);
    if ((st = reserve_fields(w, nf, ctx)) != MH_OK)
        return st;
    if ((st = reserve(w, table_need(w, nf, f, c), ctx)) != MH_OK)
        return st;
    factorise_fields(w, nf, f, dt, c);
    const int nt = omp_get_max_threads();
    const int nown = owned_fields(g->dims, nf, nt);
    sweep_fields(w, nf, f, nown, nt, lateral_units(w, nown, nf));
    return MH_OK;
}
