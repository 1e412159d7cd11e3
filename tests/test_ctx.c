/* test_ctx: the error context of the base layer: the first error kept, a prefix put before it, and
 * GSL's aborting handler turned off by the library itself. */
#include "mh_ctx.h"

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_vector.h>

#include <string.h>

static int handler_calls;
static void counting_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason, (void)file, (void)line, (void)gsl_errno;
    handler_calls++;
}

/* A GSL error after mh_ctx_init returns its code instead of calling GSL's default handler, which
 * aborts: the process would die here (Criterion reports a crash) if the library had left it on. */
Test(ctx, gsl_errors_come_back_as_codes_after_mh_ctx_init)
{
    gsl_set_error_handler(NULL); /* GSL's default: abort */
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    gsl_vector *diag = gsl_vector_alloc(3), *e = gsl_vector_alloc(1), *b = gsl_vector_alloc(3),
               *x = gsl_vector_alloc(3);
    gsl_vector_set_all(diag, 2.0);
    gsl_vector_set_all(b, 1.0);
    /* the off-diagonal of a 3 x 3 system needs 2 entries, not 1 */
    const int rc = gsl_linalg_solve_symm_tridiag(diag, e, b, x);
    cr_expect_eq(rc, GSL_EBADLEN, "gsl_linalg_solve_symm_tridiag returned %d", rc);
    gsl_vector_free(diag), gsl_vector_free(e), gsl_vector_free(b), gsl_vector_free(x);
}

/* A handler of the program's own stays in place (the library turns off only GSL's default). The
 * first mh_ctx_init of this test's process runs after the handler is set. */
Test(ctx, a_handler_of_the_programs_own_is_kept)
{
    gsl_set_error_handler(counting_handler);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    gsl_vector *diag = gsl_vector_alloc(3), *e = gsl_vector_alloc(1), *b = gsl_vector_alloc(3),
               *x = gsl_vector_alloc(3);
    gsl_vector_set_all(diag, 2.0);
    gsl_vector_set_all(b, 1.0);
    cr_expect_eq(gsl_linalg_solve_symm_tridiag(diag, e, b, x), GSL_EBADLEN);
    cr_expect_eq(handler_calls, 1, "the program's handler was called %d times", handler_calls);
    gsl_vector_free(diag), gsl_vector_free(e), gsl_vector_free(b), gsl_vector_free(x);
}

Test(ctx, the_first_error_is_kept_and_a_prefix_goes_before_it)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_ctx_prefix(&ctx, "session %d: ", 2);
    cr_expect_str_eq(ctx.msg, "", "a prefix without an error changes nothing");
    cr_expect_eq(MH_ERROR(&ctx, MH_ERR_INPUT, "first %d", 1), MH_ERR_INPUT);
    cr_expect_eq(MH_ERROR(&ctx, MH_ERR_IO, "second"), MH_ERR_IO);
    mh_ctx_prefix(&ctx, "session %d: ", 2);
    cr_expect_str_eq(ctx.msg, "session 2: first 1");
    cr_expect_eq(ctx.status, MH_ERR_INPUT);
    /* a prefix that fills the buffer cuts the message, and the result stays terminated */
    char longp[MH_MSG_LEN + 10];
    memset(longp, 'p', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    mh_ctx_prefix(&ctx, "%s", longp);
    cr_expect_eq(strlen(ctx.msg), (size_t)MH_MSG_LEN - 1);
}
