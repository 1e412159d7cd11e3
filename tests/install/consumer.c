/* consumer: a program outside the source tree that uses an installed libmicroheal (tests/install/check.sh
 * builds it with pkg-config's flags only, against the shared and against the static library). It touches
 * each layer it can without a simulation (whose API is being redesigned): the context and status names
 * (base), a uniform grid and its fields (engine), the parameter table (config, libinih), SHA-256
 * (libcrypto) and an HDF5 reader on a file that is not HDF5 (io, libhdf5). Prints one line each;
 * check.sh compares them with what it expects. argv[1]: a file that is not an HDF5 file. Exit status 0
 * when every call behaved, else 1. */
#include <mh_config.h>
#include <mh_ctx.h>
#include <mh_fields.h>
#include <mh_grid.h>
#include <mh_h5.h>
#include <mh_version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: consumer NOT_HDF5_FILE\n");
        return 2;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    printf("microheal %s\n", MH_VERSION);

    mh_grid *g = NULL;
    mh_fields *f = NULL;
    if (mh_grid_create_uniform(2, 12, 1, 5, 0.01, false, &ctx, &g) != MH_OK ||
        mh_fields_create(g->ncell, &ctx, &f) != MH_OK) {
        fprintf(stderr, "consumer: %s\n", ctx.msg);
        mh_grid_destroy(&g);
        return 1;
    }
    const size_t cell = mh_idx(g, 4, 0, 3);
    f->u[MH_S_C1][cell] = 2.5;
    printf("grid: %d-D, %d x %d x %d cells of %g mm, ncell %zu\n", g->dims, g->nx, g->ny, g->nz, g->dx_mm, g->ncell);
    printf("fields: %s[%zu] = %g\n", mh_species_name(MH_S_C1), cell, f->u[MH_S_C1][cell]);
    mh_fields_destroy(&f);
    mh_grid_destroy(&g);
    mh_grid *bad = NULL;
    printf("a grid of 0 cells: %s\n", mh_status_name(mh_grid_create_uniform(2, 0, 1, 5, 0.01, false, &ctx, &bad)));
    mh_ctx_init(&ctx);

    mh_config *cfg = NULL;
    if (mh_config_create(&ctx, &cfg) != MH_OK) {
        fprintf(stderr, "consumer: %s\n", ctx.msg);
        return 1;
    }
    const int dx = mh_param_find("grid.dx_um");
    const mh_param_info *info = dx >= 0 ? &mh_param_table()[dx] : NULL;
    const bool same = info != NULL && mh_config_real(cfg, (mh_param_id)dx) == atof(info->def);
    printf("config: grid.dx_um (%s) %s its default\n", info != NULL ? info->unit : "not in the table",
           same ? "holds" : "does not hold");
    mh_config_destroy(&cfg);

    char hex[MH_SHA256_HEX];
    printf("sha256(abc) = %s\n", mh_sha256_hex("abc", 3, hex) ? hex : "(failed)");

    char *text = NULL;
    const mh_status st = mh_h5_read_root_string(argv[1], "config", &text, &ctx);
    printf("reading a file that is not HDF5: %s\n", mh_status_name(st));
    free(text);
    return bad == NULL && same && st != MH_OK ? 0 : 1;
}
