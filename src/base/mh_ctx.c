/* mh_ctx: error recording and aligned allocation shared by every module. */
#include "mh_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mh_ctx_init(mh_ctx *ctx)
{
    ctx->status = MH_OK;
    ctx->msg[0] = '\0';
    ctx->src_file = NULL;
    ctx->src_line = 0;
    ctx->src_func = NULL;
}

mh_status mh_ctx_error(mh_ctx *ctx, mh_status code, const char *file, int line, const char *func,
                       const char *fmt, ...)
{
    if (ctx == NULL || ctx->status != MH_OK)
        return code; /* keep the first error: it names the cause */
    ctx->status = code;
    ctx->src_file = file;
    ctx->src_line = line;
    ctx->src_func = func;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *mh_status_name(mh_status s)
{
    switch (s) {
    case MH_OK: return "ok";
    case MH_ERR_INPUT: return "bad input";
    case MH_ERR_NOMEM: return "out of memory";
    case MH_ERR_IO: return "i/o error";
    case MH_ERR_NUMERIC: return "numerical failure";
    case MH_ERR_CONTRA: return "contraindication";
    case MH_ERR_STATE: return "invalid state";
    case MH_ERR_STOPPED: return "stopped on request";
    }
    return "unknown error";
}

double *mh_alloc_doubles(size_t n)
{
    if (n == 0)
        n = 1;
    size_t bytes = n * sizeof(double);
    bytes = (bytes + 63) / 64 * 64;
    double *p = aligned_alloc(64, bytes);
    if (p != NULL)
        memset(p, 0, bytes);
    return p;
}

void mh_free(void *p) { free(p); }
