/* src/base: what every layer needs (status, error context, units, version, untrusted files); no other layer. */
/* mh_ctx: status codes, the error context every fallible call records into, and aligned allocation. */
#ifndef MH_CTX_H
#define MH_CTX_H

#include <stddef.h>

/* Status codes returned by every fallible library call. */
typedef enum {
    MH_OK = 0,
    MH_ERR_INPUT = -1,   /* bad configuration or argument */
    MH_ERR_NOMEM = -2,   /* allocation failed */
    MH_ERR_IO = -3,      /* file could not be read or written */
    MH_ERR_NUMERIC = -4, /* NaN/Inf or time step below its floor */
    /* -5: not used (a contraindication is MH_ERR_INPUT, with its message: src/config/mh_rules.c) */
    MH_ERR_STATE = -6,  /* call out of lifecycle order */
    MH_ERR_STOPPED = -7 /* a caller's callback stopped a run on request (e.g. a signal) */
} mh_status;

#define MH_MSG_LEN 1024

/* The context replaces globals: it carries the last error (a user-facing
 * message plus the library source location that raised it). One context per
 * thread of control; it is not shared between concurrent runs. */
typedef struct {
    mh_status status;
    char msg[MH_MSG_LEN]; /* user-facing message, e.g. "a.ini:3: grid.dx_um: ..." */
    const char *src_file; /* where in the library the error was raised */
    int src_line;
    const char *src_func;
} mh_ctx;

/* Clears the error record. The first call in a process also turns GSL's default error handler (which
 * aborts) off, so that GSL's errors come back to the library as return codes; a handler the program
 * installed itself is left in place. */
void mh_ctx_init(mh_ctx *ctx);

/* Records an error and returns code (so callers can `return MH_ERROR(...)`).
 * A second error does not overwrite the first until mh_ctx_init is called. */
mh_status mh_ctx_error(mh_ctx *ctx, mh_status code, const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Puts the text of fmt before the recorded message (e.g. "session 2: "), cut to MH_MSG_LEN - 1
 * characters; does nothing when no error is recorded. */
void mh_ctx_prefix(mh_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define MH_ERROR(ctx, code, ...) mh_ctx_error((ctx), (code), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* Human-readable name of a status code. */
const char *mh_status_name(mh_status s);

/* Allocates n doubles aligned to 64 bytes, zeroed; NULL on failure. Free with mh_free. */
double *mh_alloc_doubles(size_t n);
void mh_free(void *p);

#endif
