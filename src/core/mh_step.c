/* mh_step: Lie splitting of chemotaxis, reactions and diffusion (papers/model.md, "Numerics"). */
#include "mh_step.h"

#include "mh_diffusion.h"

mh_status mh_step_split(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux,
                        const double *const D[MH_NSPECIES], double dt, mh_fields *f, double *tmp, mh_ctx *ctx)
{
    mh_model_chemotaxis(g, p, dt, f, tmp);
    mh_model_react(g, p, aux, dt, f);
    for (int s = 0; s < MH_NSPECIES; s++) {
        if (D[s] == NULL)
            continue;
        mh_status st = mh_diffusion_step(g, D[s], dt, f->u[s], ctx);
        if (st != MH_OK)
            return st;
    }
    return MH_OK;
}
