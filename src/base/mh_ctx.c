/* src/base: what every layer needs (status, error context, units, version, untrusted files); no other layer. */
/* mh_ctx: error recording and aligned allocation shared by every module. */
#include "mh_ctx.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GSL's default handler aborts the process on any error; the library checks GSL's return codes
 * instead. A handler of the caller's own (not GSL's default) is left in place. */
static void gsl_quiet(void)
{
    gsl_error_handler_t *prev = gsl_set_error_handler_off();
    if (prev != NULL)
        gsl_set_error_handler(prev);
}

void mh_ctx_init(mh_ctx *ctx)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, gsl_quiet);
    ctx->status = MH_OK;
    ctx->msg[0] = '\0';
    ctx->src_file = NULL;
    ctx->src_line = 0;
    ctx->src_func = NULL;
}

mh_status mh_ctx_error(mh_ctx *ctx, mh_status code, const char *file, int line, const char *func, const char *fmt, ...)
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

void mh_ctx_prefix(mh_ctx *ctx, const char *fmt, ...)
{
    if (ctx == NULL || ctx->status == MH_OK)
        return;
    char whole[MH_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(whole, sizeof whole, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    const size_t used = (size_t)n < sizeof whole ? (size_t)n : sizeof whole - 1;
    const size_t rest = strnlen(ctx->msg, sizeof ctx->msg - 1), room = sizeof whole - 1 - used;
    const size_t take = rest < room ? rest : room;
    memcpy(whole + used, ctx->msg, take);
    whole[used + take] = '\0';
    memcpy(ctx->msg, whole, used + take + 1);
}

const char *mh_status_name(mh_status s)
{
    switch (s) {
    case MH_OK:
        return "ok";
    case MH_ERR_INPUT:
        return "bad input";
    case MH_ERR_NOMEM:
        return "out of memory";
    case MH_ERR_IO:
        return "i/o error";
    case MH_ERR_NUMERIC:
        return "numerical failure";
    case MH_ERR_STATE:
        return "invalid state";
    case MH_ERR_STOPPED:
        return "stopped on request";
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
