/* test_rates: every reaction term of mh_model_rates against values worked out by hand from papers/model.md.
 *
 * The manufactured solution (tests/mms.c) builds its source from mh_model_rates itself, so an error in a
 * rate cancels there. Here each species' production P, loss L and net rate P - L u are evaluated at chosen
 * states and compared with literal numbers derived from the equations of papers/model.md section 3 (with
 * papers/delivery.md section 1 for Q), the arithmetic written beside each. mh_model_rates is static inline in
 * mh_model.h; the helpers are in mh_model.c. The split into P and L follows
 * papers/model.md section 6: a source goes to P, the coefficient of -u to L, logistic growth r u (1 - u/u_max)
 * gives P = r u, L = r u / u_max (for K, u_max = 1), -rho (u - m) gives P += rho m, L += rho; the net rate is
 * checked against the unsplit equation, so it holds whatever the split.
 *
 * Parameters are round numbers set here (not the config defaults), all different, so that a swapped, dropped
 * or rescaled factor changes a result; the states put phi(G) = G / (1 + G) at 0, 0.2, 0.5 and 0.8, F below m,
 * between m and F_max and above F_max, C3 below and above m, the masks m and e at 0 and 1, the needles in and
 * out (h) and the film on and off (a). Every term is non-zero at one state at least and has its own size
 * there. The helpers the rates rely on (age factor, the modifiers applied when the parameters are read, the
 * closure rate written by the wound) are checked the same way. */
#include "helpers.h"

#include "mh_build.h"
#include "mh_model.h"

#include <float.h>
#include <math.h>

/* Tolerance relative to the size of the terms. The hand values are exact decimals; the code's result differs
 * from them only by rounding: each input is a decimal rounded to double (relative error <= u = 2^-53) and the
 * longest expression (P of C1, or Q's exchange) takes about 12 rounded operations and inputs, so it lies
 * within about 12 u = 1.3e-15 of the exact value, relative to the sum of the absolute values of its terms;
 * the literal it is compared with is rounded once more (u / 2). The bound is 16 u = 8 DBL_EPSILON = 1.8e-15
 * (measured: at most 2.7 u). The term mutations of papers/verification.md move a result by 1 % of its scale or
 * more, some 1e12 times the bound. */
#define RATES_RTOL (8.0 * DBL_EPSILON)

/* |got - want| <= RATES_RTOL scale; scale 0 (a term that is structurally zero) asks for exactly 0. */
static bool near(double got, double want, double scale) { return fabs(got - want) <= RATES_RTOL * scale; }

/* One cell: its depth profiles (dermal m, epidermal e, vascular v), its row's exchange with the film s_top,
 * its closure rate k_close (1/day) and lumen weight w (mh_model_aux), and the state u. */
typedef struct {
    const char *name;
    double m, e, v, s_top, k_close, w_open;
    const double *u;
} hand_state;

/* The states list the species in the order of mh_species:
 * D, O, K, B, H, I, G, F, C3, C1, E, N, M, L, W, A, X, T, Y, Q. */
_Static_assert(MH_S_D == 0 && MH_S_O == 1 && MH_S_K == 2 && MH_S_B == 3 && MH_S_H == 4 && MH_S_I == 5 && MH_S_G == 6 &&
                   MH_S_F == 7 && MH_S_C3 == 8 && MH_S_C1 == 9 && MH_S_E == 10 && MH_S_N == 11 && MH_S_M == 12 &&
                   MH_S_L == 13 && MH_S_W == 14 && MH_S_A == 15 && MH_S_X == 16 && MH_S_T == 17 && MH_S_Y == 18 &&
                   MH_S_Q == 19 && MH_NSPECIES == 20,
               "the states of test_rates.c list the species in this order");

/* pd_channel: papillary dermis, a channel cell a day after needling: phi(1) = 0.5, m < F = 2 < F_max, C3 > m;
 * collagen C = (1 - 0.2)(1.2 + 0.3) + 0.2*1.5 = 1.2 + 0.3 = 1.5, psi = 1/(1 + 2*(1.5 - 1)) = 0.5. */
static const double u_pd[MH_NSPECIES] = {0.4, 0.5, 0.5, 0.4, 0.5, 0.25, 1.0, 2.0, 1.5, 1.2,
                                         1.1, 0.3, 0.4, 0.8, 0.6, 0.1,  1.0, 0.0, 0.2, 0.1};
static const hand_state pd_channel = {"pd_channel", 1.0, 0.0, 1.0, 0.0, 4.0, 0.5, u_pd};
/* rd_depleted: reticular dermis, fibroblasts below baseline and no growth factor: phi(0) = 0, F < m, C3 > m;
 * C = 0.8*(0.7 + 0.1) + 0.2*1.25 = 0.64 + 0.25 = 0.89 < m: psi = 1 (no feedback below the set point). */
static const double u_rd[MH_NSPECIES] = {0.2,  1.0, 0.0, 0.1, 2.0, 1.5, 0.0, 0.5, 1.25, 0.7,
                                         0.95, 0.1, 0.2, 1.0, 0.0, 0.2, 0.5, 0.0, 0.0,  0.4};
static const hand_state rd_depleted = {"rd_depleted", 1.0, 0.0, 0.3, 0.0, 2.0, 0.125, u_rd};
/* fibro_peak: dermis at the fibroblast peak, outside the channels: phi(4) = 0.8, F = 5 > F_max, C3 < m;
 * C = 0.8*(1.5 + 0.5) + 0.2*0.75 = 1.6 + 0.15 = 1.75, psi = 1/(1 + 2*0.75) = 0.4. */
static const double u_peak[MH_NSPECIES] = {0.1,  0.0, 0.0, 0.2, 0.25, 2.0, 4.0, 5.0, 0.75, 1.5,
                                           1.25, 0.5, 0.1, 0.5, 0.0,  0.4, 3.0, 0.0, 0.1,  0.05};
static const hand_state fibro_peak = {"fibro_peak", 1.0, 0.0, 0.5, 0.0, 0.0, 0.0, u_peak};
/* sc_channel: stratum corneum, a channel cell of the top row: m = 0, e = 1, v = 0, phi(1) = 0.5, F > m = 0;
 * C = 0.8*(0.05 + 0.075) + 0.2*0.125 = 0.1 + 0.025 = 0.125, psi = 1/(1 + 2*0.125) = 0.8; X/(1 + X) = 0.5. */
static const double u_scc[MH_NSPECIES] = {1.0,  1.0,   0.25, 0.0, 1.0, 0.1, 1.0, 0.2, 0.125, 0.05,
                                          0.02, 0.075, 0.2,  0.1, 0.8, 0.0, 1.0, 0.9, 0.0,   0.2};
static const hand_state sc_channel = {"sc_channel", 0.0, 1.0, 0.0, 2.0, 5.0, 1.0, u_scc};
/* sc_intact: top row between the channels (intact stratum corneum, no lumen): phi(0.25) = 0.2, X/(1 + X) = 0.2. */
static const double u_sci[MH_NSPECIES] = {0.0, 0.0, 0.5, 0.0, 0.5, 0.0, 0.25, 0.0, 0.0, 0.0,
                                          0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 1.2, 0.0, 0.3};
static const hand_state sc_intact = {"sc_intact", 0.0, 1.0, 0.0, 2.0, 0.0, 0.0, u_sci};

/* The parameters of every test here: round numbers, no two alike (the diffusion ones stay 0). The compound
 * is PRP (g_prp > 0), its film is on (a = 1) at three quarters of the applied concentration (c = 0.75), the
 * needles are out (h = 0), the site is not occluded (occl = 0). */
static mh_model_params hand_params(void)
{
    mh_model_params p;
    memset(&p, 0, sizeof p);
    p.k_D = 0.3;
    p.k_DI = 2.0;
    p.r_K = 0.9;
    p.k_B = 1.5;
    p.s_H = 20.0;
    p.k_H = 6.0;
    p.r_I = 10.0;
    p.k_I = 0.4;
    p.s_GB = 5.0;
    p.s_GI = 3.0;
    p.k_G = 9.0;
    p.r_F = 0.5;
    p.F_max = 4.0;
    p.delta_F = 0.05;
    p.a_age = 0.8;
    p.s_HK = 4.0;
    p.k_Gb = 20.0;
    p.L_store = 5.0;
    p.k_LM = 2.0;
    p.lambda_L = 0.1;
    p.s_3 = 0.6;
    p.lambda_3 = 0.05;
    p.kappa_3 = 0.3;
    p.s_1 = 0.2;
    p.k_mat = 0.02;
    p.lambda_N = 0.01;
    p.kappa_N = 0.5;
    p.lambda_1 = 0.001;
    p.kappa_1 = 0.04;
    p.eta_C = 2.0;
    p.w_3 = 0.2;
    p.s_E = 0.04;
    p.lambda_E = 0.002;
    p.kappa_E = 0.06;
    p.s_MI = 1.2;
    p.s_MF = 0.7;
    p.k_M = 1.5;
    p.k_W = 30.0;
    p.k_W_occ = 3.0;
    p.s_A = 0.08;
    p.k_A = 0.25;
    p.s_X = 2.5;
    p.k_X = 8.0;
    p.r_T = 0.15;
    p.delta_T = 0.03;
    p.eps_V = 1.5;
    p.H_V = 0.25;
    p.k_Y = 7.0;
    p.compound = true;
    p.k_ex = 60.0;
    p.k_clr = 2.5;
    p.k_deg = 0.7;
    p.g_prp = 30.0;
    p.a_on = 1.0;
    p.c_film = 0.75;
    p.hold = 0.0;
    p.occl = 0.0;
    return p;
}

/* Expects species sp at state st to have production P_want, loss L_want and net rate net_want (the unsplit
 * equation); three assertions, non-fatal so that every wrong term of a test is reported. */
static void expect_rates(const mh_model_params *p, const hand_state *st, mh_species sp, double P_want, double L_want,
                         double net_want)
{
    double P[MH_NSPECIES], L[MH_NSPECIES];
    mh_model_rates(p, st->m, st->e, st->v, st->s_top, st->k_close, st->w_open, st->u, P, L);
    const double u = st->u[sp], net = P[sp] - L[sp] * u;
    const char *name = mh_species_name(sp);
    cr_expect(near(P[sp], P_want, fabs(P_want)), "%s at %s: P = %.17g, by hand %.17g", name, st->name, P[sp], P_want);
    cr_expect(near(L[sp], L_want, fabs(L_want)), "%s at %s: L = %.17g, by hand %.17g", name, st->name, L[sp], L_want);
    cr_expect(near(net, net_want, fabs(P_want) + fabs(L_want * u)), "%s at %s: P - L u = %.17g, by hand %.17g", name,
              st->name, net, net_want);
}

/* 1. D' = -(k_D + k_DI I) D */
Test(rates, damage)
{
    mh_model_params p = hand_params();
    /* L = k_D + k_DI I = 0.3 + 2*0.25 = 0.8; D' = -0.8*0.4 = -0.32 */
    expect_rates(&p, &pd_channel, MH_S_D, 0.0, 0.8, -0.32);
    /* L = 0.3 + 2*1.5 = 3.3; D' = -3.3*0.2 = -0.66 */
    expect_rates(&p, &rd_depleted, MH_S_D, 0.0, 3.3, -0.66);
    /* L = 0.3 + 2*0.1 = 0.5; D' = -0.5*1 = -0.5 */
    expect_rates(&p, &sc_channel, MH_S_D, 0.0, 0.5, -0.5);
}

/* 2. O' = -(1 - h) O / tau_close, 1 / tau_close = k_close */
Test(rates, open_channel)
{
    mh_model_params p = hand_params();
    /* h = 0: L = (1 - 0)*4 = 4; O' = -4*0.5 = -2 */
    expect_rates(&p, &pd_channel, MH_S_O, 0.0, 4.0, -2.0);
    /* L = 2; O' = -2*1 = -2 */
    expect_rates(&p, &rd_depleted, MH_S_O, 0.0, 2.0, -2.0);
    /* L = 5; O' = -5*1 = -5 */
    expect_rates(&p, &sc_channel, MH_S_O, 0.0, 5.0, -5.0);
    /* the needles in (h = 1, a patch worn): L = (1 - 1)*4 = 0; O' = 0 */
    p.hold = 1.0;
    expect_rates(&p, &pd_channel, MH_S_O, 0.0, 0.0, 0.0);
    expect_rates(&p, &sc_channel, MH_S_O, 0.0, 0.0, 0.0);
}

/* 3. K' = e r_K K (1 - K) (+ diffusion): P = e r_K K, L = e r_K K */
Test(rates, epidermal_integrity)
{
    mh_model_params p = hand_params();
    /* P = e r_K K = 1*0.9*0.25 = 0.225 = L; K' = 0.9*0.25*(1 - 0.25) = 0.16875 */
    expect_rates(&p, &sc_channel, MH_S_K, 0.225, 0.225, 0.16875);
    /* P = 1*0.9*0.5 = 0.45 = L; K' = 0.9*0.5*(1 - 0.5) = 0.225 */
    expect_rates(&p, &sc_intact, MH_S_K, 0.45, 0.45, 0.225);
    /* dermis, e = 0: P = L = 0*0.9*0.5 = 0; K' = 0 although K = 0.5 */
    expect_rates(&p, &pd_channel, MH_S_K, 0.0, 0.0, 0.0);
}

/* 4. B' = -k_B B */
Test(rates, blood)
{
    mh_model_params p = hand_params();
    /* L = k_B = 1.5; B' = -1.5*0.4 = -0.6 */
    expect_rates(&p, &pd_channel, MH_S_B, 0.0, 1.5, -0.6);
    /* B' = -1.5*0.1 = -0.15 */
    expect_rates(&p, &rd_depleted, MH_S_B, 0.0, 1.5, -0.15);
    /* B' = -1.5*0.2 = -0.3 */
    expect_rates(&p, &fibro_peak, MH_S_B, 0.0, 1.5, -0.3);
}

/* 5. H' = s_H D + s_HK e w (1 - K)+ - k_H H (+ diffusion; w the cell's section weight, w_open) */
Test(rates, mediator)
{
    mh_model_params p = hand_params();
    /* dermis (e = 0): P = s_H D = 20*0.4 = 8, L = k_H = 6; H' = 8 - 6*0.5 = 5 */
    expect_rates(&p, &pd_channel, MH_S_H, 8.0, 6.0, 5.0);
    /* P = 20*0.2 = 4; H' = 4 - 6*2 = -8 */
    expect_rates(&p, &rd_depleted, MH_S_H, 4.0, 6.0, -8.0);
    /* P = 20*0.1 = 2; H' = 2 - 6*0.25 = 0.5 */
    expect_rates(&p, &fibro_peak, MH_S_H, 2.0, 6.0, 0.5);
    /* wounded epidermis, weight 1: P = 20*1 + 4*1*1*(1 - 0.25) = 20 + 3 = 23; H' = 23 - 6*1 = 17 */
    expect_rates(&p, &sc_channel, MH_S_H, 23.0, 6.0, 17.0);
    /* a cell outside the channels (w = 0) releases none for its deficit: P = 20*0 + 4*1*0*(1 - 0.5) = 0;
     * H' = 0 - 6*0.5 = -3 */
    expect_rates(&p, &sc_intact, MH_S_H, 0.0, 6.0, -3.0);
    /* a 2-D channel cell of weight 0.4: P = 20*1 + 4*1*0.4*0.75 = 20 + 1.2 = 21.2; H' = 21.2 - 6 = 15.2 */
    hand_state w04 = sc_channel;
    w04.w_open = 0.4;
    expect_rates(&p, &w04, MH_S_H, 21.2, 6.0, 15.2);
}

/* 6. I' = r_I v H - k_I I (+ diffusion) */
Test(rates, inflammatory_cells)
{
    mh_model_params p = hand_params();
    /* P = r_I v H = 10*1*0.5 = 5, L = k_I = 0.4; I' = 5 - 0.4*0.25 = 4.9 */
    expect_rates(&p, &pd_channel, MH_S_I, 5.0, 0.4, 4.9);
    /* P = 10*0.3*2 = 6; I' = 6 - 0.4*1.5 = 5.4 */
    expect_rates(&p, &rd_depleted, MH_S_I, 6.0, 0.4, 5.4);
    /* no vessels, v = 0: P = 10*0*1 = 0; I' = -0.4*0.1 = -0.04 */
    expect_rates(&p, &sc_channel, MH_S_I, 0.0, 0.4, -0.04);
}

/* 7. G' = s_GB B + s_GI I + g_PRP Q + L_store k_LM M L - (k_G + k_Gb m) G (+ diffusion) */
Test(rates, growth_factor)
{
    mh_model_params p = hand_params();
    /* P = 5*0.4 + 3*0.25 + 30*0.1 + 5*2*0.4*0.8 = 2 + 0.75 + 3 + 3.2 = 8.95, L = 9 + 20*1 = 29;
     * G' = 8.95 - 29*1 = -20.05 */
    expect_rates(&p, &pd_channel, MH_S_G, 8.95, 29.0, -20.05);
    /* P = 5*0.1 + 3*1.5 + 30*0.4 + 5*2*0.2*1 = 0.5 + 4.5 + 12 + 2 = 19; G' = 19 - 29*0 = 19 */
    expect_rates(&p, &rd_depleted, MH_S_G, 19.0, 29.0, 19.0);
    /* P = 5*0.2 + 3*2 + 30*0.05 + 5*2*0.1*0.5 = 1 + 6 + 1.5 + 0.5 = 9; G' = 9 - 29*4 = -107 */
    expect_rates(&p, &fibro_peak, MH_S_G, 9.0, 29.0, -107.0);
    /* no matrix (m = 0), no binding: P = 5*0 + 3*0.1 + 30*0.2 + 5*2*0.2*0.1 = 0.3 + 6 + 0.2 = 6.5, L = 9 + 0 = 9;
     * G' = 6.5 - 9*1 = -2.5 */
    expect_rates(&p, &sc_channel, MH_S_G, 6.5, 9.0, -2.5);
}

/* 7b. L' = lambda_L (m - L) + (k_Gb / L_store) m G - k_LM M L: P = (lambda_L + (k_Gb / L_store) G) m,
 *     L = lambda_L + k_LM M; k_Gb / L_store = 20/5 = 4 */
Test(rates, latent_growth_factor)
{
    mh_model_params p = hand_params();
    /* P = (0.1 + 4*1)*1 = 4.1, L = 0.1 + 2*0.4 = 0.9; L' = 4.1 - 0.9*0.8 = 3.38 */
    expect_rates(&p, &pd_channel, MH_S_L, 4.1, 0.9, 3.38);
    /* G = 0: P = 0.1, L = 0.1 + 2*0.2 = 0.5; L' = 0.1 - 0.5*1 = -0.4 */
    expect_rates(&p, &rd_depleted, MH_S_L, 0.1, 0.5, -0.4);
    /* P = (0.1 + 4*4)*1 = 16.1, L = 0.1 + 2*0.1 = 0.3; L' = 16.1 - 0.3*0.5 = 15.95 */
    expect_rates(&p, &fibro_peak, MH_S_L, 16.1, 0.3, 15.95);
    /* m = 0: no store and no binding: P = 0, L = 0.1 + 2*0.2 = 0.5; L' = -0.5*0.1 = -0.05 */
    expect_rates(&p, &sc_channel, MH_S_L, 0.0, 0.5, -0.05);
}

/* 7c. M' = s_MI I + s_MF (F - m)+ - k_M M */
Test(rates, mmp)
{
    mh_model_params p = hand_params();
    /* P = 1.2*0.25 + 0.7*(2 - 1) = 0.3 + 0.7 = 1, L = 1.5; M' = 1 - 1.5*0.4 = 0.4 */
    expect_rates(&p, &pd_channel, MH_S_M, 1.0, 1.5, 0.4);
    /* F < m: P = 1.2*1.5 + 0 = 1.8; M' = 1.8 - 1.5*0.2 = 1.5 */
    expect_rates(&p, &rd_depleted, MH_S_M, 1.8, 1.5, 1.5);
    /* P = 1.2*2 + 0.7*(5 - 1) = 2.4 + 2.8 = 5.2; M' = 5.2 - 1.5*0.1 = 5.05 */
    expect_rates(&p, &fibro_peak, MH_S_M, 5.2, 1.5, 5.05);
}

/* 8. F' = r_F phi F (1 - F/F_max) - delta_F (F - m) (+ diffusion, chemotaxis):
 *    P = r_F phi F + delta_F m, L = r_F phi F / F_max + delta_F */
Test(rates, fibroblasts)
{
    mh_model_params p = hand_params();
    /* phi = 1/2: P = 0.5*0.5*2 + 0.05*1 = 0.5 + 0.05 = 0.55, L = 0.5/4 + 0.05 = 0.125 + 0.05 = 0.175;
     * F' = 0.5*(1 - 2/4) - 0.05*(2 - 1) = 0.25 - 0.05 = 0.2 */
    expect_rates(&p, &pd_channel, MH_S_F, 0.55, 0.175, 0.2);
    /* phi = 0: P = 0 + 0.05*1 = 0.05, L = 0 + 0.05 = 0.05; F' = -0.05*(0.5 - 1) = 0.025 */
    expect_rates(&p, &rd_depleted, MH_S_F, 0.05, 0.05, 0.025);
    /* phi = 4/5: r_F phi F = 0.5*0.8*5 = 2; P = 2 + 0.05 = 2.05, L = 2/4 + 0.05 = 0.55;
     * F' = 2*(1 - 5/4) - 0.05*(5 - 1) = -0.5 - 0.2 = -0.7 (above F_max) */
    expect_rates(&p, &fibro_peak, MH_S_F, 2.05, 0.55, -0.7);
    /* m = 0, phi = 1/2: r_F phi F = 0.5*0.5*0.2 = 0.05; P = 0.05 + 0.05*0 = 0.05, L = 0.05/4 + 0.05 = 0.0625;
     * F' = 0.05*(1 - 0.2/4) - 0.05*(0.2 - 0) = 0.0475 - 0.01 = 0.0375 */
    expect_rates(&p, &sc_channel, MH_S_F, 0.05, 0.0625, 0.0375);
}

/* 9. C3' = (lambda_3 + a s_3 phi) F psi - (lambda_3 + kappa_3 M) C3: P = (lambda_3 + a s_3 phi) F psi,
 *    L = lambda_3 + kappa_3 M; a s_3 = 0.8*0.6 = 0.48 */
Test(rates, collagen_III)
{
    mh_model_params p = hand_params();
    /* P = (0.05 + 0.48*0.5)*2*0.5 = 0.29*1 = 0.29, L = 0.05 + 0.3*0.4 = 0.17; C3' = 0.29 - 0.17*1.5 = 0.035 */
    expect_rates(&p, &pd_channel, MH_S_C3, 0.29, 0.17, 0.035);
    /* phi = 0, psi = 1: P = 0.05*0.5*1 = 0.025, L = 0.05 + 0.3*0.2 = 0.11; C3' = 0.025 - 0.11*1.25 = -0.1125 */
    expect_rates(&p, &rd_depleted, MH_S_C3, 0.025, 0.11, -0.1125);
    /* P = (0.05 + 0.48*0.8)*5*0.4 = 0.434*2 = 0.868, L = 0.05 + 0.3*0.1 = 0.08; C3' = 0.868 - 0.08*0.75 = 0.808 */
    expect_rates(&p, &fibro_peak, MH_S_C3, 0.868, 0.08, 0.808);
    /* m = 0: P = (0.05 + 0.48*0.5)*0.2*0.8 = 0.29*0.16 = 0.0464, L = 0.05 + 0.3*0.2 = 0.11;
     * C3' = 0.0464 - 0.11*0.125 = 0.03265 */
    expect_rates(&p, &sc_channel, MH_S_C3, 0.0464, 0.11, 0.03265);
}

/* 10. N' = a s_1 phi F psi - (k_mat + lambda_N + kappa_N M) N (new collagen I); a s_1 = 0.8*0.2 = 0.16 */
Test(rates, collagen_I_new)
{
    mh_model_params p = hand_params();
    /* P = 0.16*0.5*2*0.5 = 0.08, L = 0.02 + 0.01 + 0.5*0.4 = 0.23; N' = 0.08 - 0.23*0.3 = 0.011 */
    expect_rates(&p, &pd_channel, MH_S_N, 0.08, 0.23, 0.011);
    /* phi = 0: P = 0, L = 0.03 + 0.5*0.2 = 0.13; N' = -0.13*0.1 = -0.013 */
    expect_rates(&p, &rd_depleted, MH_S_N, 0.0, 0.13, -0.013);
    /* P = 0.16*0.8*5*0.4 = 0.256, L = 0.03 + 0.5*0.1 = 0.08; N' = 0.256 - 0.08*0.5 = 0.216 */
    expect_rates(&p, &fibro_peak, MH_S_N, 0.256, 0.08, 0.216);
    /* m = 0: P = 0.16*0.5*0.2*0.8 = 0.0128, L = 0.03 + 0.5*0.2 = 0.13; N' = 0.0128 - 0.13*0.075 = 0.00305 */
    expect_rates(&p, &sc_channel, MH_S_N, 0.0128, 0.13, 0.00305);
}

/* 10b. C1' = lambda_1 F psi + k_mat N - (lambda_1 + kappa_1 M) C1 (mature collagen I) */
Test(rates, collagen_I_mature)
{
    mh_model_params p = hand_params();
    /* P = 0.001*2*0.5 + 0.02*0.3 = 0.001 + 0.006 = 0.007, L = 0.001 + 0.04*0.4 = 0.017;
     * C1' = 0.007 - 0.017*1.2 = -0.0134 */
    expect_rates(&p, &pd_channel, MH_S_C1, 0.007, 0.017, -0.0134);
    /* psi = 1: P = 0.001*0.5*1 + 0.02*0.1 = 0.0005 + 0.002 = 0.0025, L = 0.001 + 0.04*0.2 = 0.009;
     * C1' = 0.0025 - 0.009*0.7 = -0.0038 */
    expect_rates(&p, &rd_depleted, MH_S_C1, 0.0025, 0.009, -0.0038);
    /* P = 0.001*5*0.4 + 0.02*0.5 = 0.002 + 0.01 = 0.012, L = 0.001 + 0.04*0.1 = 0.005;
     * C1' = 0.012 - 0.005*1.5 = 0.0045 */
    expect_rates(&p, &fibro_peak, MH_S_C1, 0.012, 0.005, 0.0045);
}

/* 11. E' = (lambda_E + a s_E phi) F - (lambda_E + kappa_E M) E; a s_E = 0.8*0.04 = 0.032 */
Test(rates, elastin)
{
    mh_model_params p = hand_params();
    /* P = (0.002 + 0.032*0.5)*2 = 0.018*2 = 0.036, L = 0.002 + 0.06*0.4 = 0.026; E' = 0.036 - 0.026*1.1 = 0.0074 */
    expect_rates(&p, &pd_channel, MH_S_E, 0.036, 0.026, 0.0074);
    /* phi = 0: P = 0.002*0.5 = 0.001, L = 0.002 + 0.06*0.2 = 0.014; E' = 0.001 - 0.014*0.95 = -0.0123 */
    expect_rates(&p, &rd_depleted, MH_S_E, 0.001, 0.014, -0.0123);
    /* P = (0.002 + 0.032*0.8)*5 = 0.0276*5 = 0.138, L = 0.002 + 0.06*0.1 = 0.008; E' = 0.138 - 0.008*1.25 = 0.128 */
    expect_rates(&p, &fibro_peak, MH_S_E, 0.138, 0.008, 0.128);
}

/* 11b. W' = -(1 - h) k_W W, k_W_occ in place of k_W while occluded (the barrier) */
Test(rates, barrier)
{
    mh_model_params p = hand_params();
    /* L = (1 - 0)*30 = 30; W' = -30*0.6 = -18 */
    expect_rates(&p, &pd_channel, MH_S_W, 0.0, 30.0, -18.0);
    /* W' = -30*0.8 = -24 */
    expect_rates(&p, &sc_channel, MH_S_W, 0.0, 30.0, -24.0);
    /* occluded: L = 3; W' = -3*0.8 = -2.4 */
    p.occl = 1.0;
    expect_rates(&p, &sc_channel, MH_S_W, 0.0, 3.0, -2.4);
    /* the needles in (h = 1): L = 0; W' = 0 */
    p.hold = 1.0;
    expect_rates(&p, &sc_channel, MH_S_W, 0.0, 0.0, 0.0);
}

/* 11c. A' = s_A v I - k_A A (new vessels) */
Test(rates, new_vessels)
{
    mh_model_params p = hand_params();
    /* P = 0.08*1*0.25 = 0.02, L = 0.25; A' = 0.02 - 0.25*0.1 = -0.005 */
    expect_rates(&p, &pd_channel, MH_S_A, 0.02, 0.25, -0.005);
    /* P = 0.08*0.3*1.5 = 0.036; A' = 0.036 - 0.25*0.2 = -0.014 */
    expect_rates(&p, &rd_depleted, MH_S_A, 0.036, 0.25, -0.014);
    /* P = 0.08*0.5*2 = 0.08; A' = 0.08 - 0.25*0.4 = -0.02 */
    expect_rates(&p, &fibro_peak, MH_S_A, 0.08, 0.25, -0.02);
    /* no vessels (v = 0): P = 0; A' = 0 */
    expect_rates(&p, &sc_channel, MH_S_A, 0.0, 0.25, 0.0);
}

/* 11d. X' = s_X (F - m)+ - k_X X (+ diffusion; KGF) */
Test(rates, kgf)
{
    mh_model_params p = hand_params();
    /* P = 2.5*(2 - 1) = 2.5, L = 8; X' = 2.5 - 8*1 = -5.5 */
    expect_rates(&p, &pd_channel, MH_S_X, 2.5, 8.0, -5.5);
    /* F < m: P = 0; X' = -8*0.5 = -4 */
    expect_rates(&p, &rd_depleted, MH_S_X, 0.0, 8.0, -4.0);
    /* P = 2.5*(5 - 1) = 10; X' = 10 - 8*3 = -14 */
    expect_rates(&p, &fibro_peak, MH_S_X, 10.0, 8.0, -14.0);
}

/* 11e. T' = e (delta_T + r_T X / (1 + X)) - delta_T T (epidermal thickness) */
Test(rates, epidermal_thickness)
{
    mh_model_params p = hand_params();
    /* X/(1 + X) = 0.5: P = 1*(0.03 + 0.15*0.5) = 0.105, L = 0.03; T' = 0.105 - 0.03*0.9 = 0.078 */
    expect_rates(&p, &sc_channel, MH_S_T, 0.105, 0.03, 0.078);
    /* X/(1 + X) = 0.2: P = 0.03 + 0.15*0.2 = 0.06; T' = 0.06 - 0.03*1.2 = 0.024 */
    expect_rates(&p, &sc_intact, MH_S_T, 0.06, 0.03, 0.024);
    /* dermis (e = 0): P = 0 although X = 1; T' = -0.03*0 = 0 */
    expect_rates(&p, &pd_channel, MH_S_T, 0.0, 0.03, 0.0);
}

/* 11f. Y' = -k_Y Y (the neurogenic flare: deposited by the punctures, mh_model_flare, then it fades) */
Test(rates, flare)
{
    mh_model_params p = hand_params();
    /* P = 0, L = 7; Y' = -7*0.2 = -1.4 */
    expect_rates(&p, &pd_channel, MH_S_Y, 0.0, 7.0, -1.4);
    /* Y' = -7*0.1 = -0.7 */
    expect_rates(&p, &fibro_peak, MH_S_Y, 0.0, 7.0, -0.7);
    expect_rates(&p, &sc_intact, MH_S_Y, 0.0, 7.0, 0.0);
}

/* psi = 1 / (1 + eta_C (C - m)+), C = (1 - w_3)(C1 + N) + w_3 C3 (the states' comments), and the
 * vasodilation V(H, Y) = eps_V (H + Y) / (H_V + H + Y) of the erythema and perfusion observables. */
Test(rates, homeostasis_and_vasodilation)
{
    mh_model_params p = hand_params();
    cr_expect(near(mh_model_psi(&p, 1.0, 1.5, 1.2, 0.3), 0.5, 1.0));
    cr_expect(near(mh_model_psi(&p, 1.0, 1.25, 0.7, 0.1), 1.0, 1.0));
    cr_expect(near(mh_model_psi(&p, 1.0, 0.75, 1.5, 0.5), 0.4, 1.0));
    cr_expect(near(mh_model_psi(&p, 0.0, 0.125, 0.05, 0.075), 0.8, 1.0));
    /* untreated dermis: C = 0.8*1 + 0.2*1 = 1 = m: psi = 1 exactly */
    cr_expect_eq(mh_model_psi(&p, 1.0, 1.0, 1.0, 0.0), 1.0);
    /* V = 1.5*0.25/(0.25 + 0.25) = 0.75; V(1) = 1.5/1.25 = 1.2; V(0) = 0; the flare adds to the mediator:
     * V(0.15, 0.1) = V(0.25) and V(0, 1) = V(1) */
    cr_expect(near(mh_model_vasodilation(&p, 0.25, 0.0), 0.75, 1.0));
    cr_expect(near(mh_model_vasodilation(&p, 1.0, 0.0), 1.2, 1.2));
    cr_expect(near(mh_model_vasodilation(&p, 0.15, 0.1), 0.75, 1.0));
    cr_expect(near(mh_model_vasodilation(&p, 0.0, 1.0), 1.2, 1.2));
    cr_expect_eq(mh_model_vasodilation(&p, 0.0, 0.0), 0.0);
}

/* 12. Q' = a (k_ex w O + s_top) (c - Q) - (k_clr v + k_deg) Q (+ diffusion; papers/model.md eq. 12):
 *     with in = a (k_ex w O + s_top): P = in c, L = in + k_clr v + k_deg. papers/delivery.md section 1 writes
 *     k_ex O, its O being the open lumen fraction of the cell, i.e. w O in model.md's terms (section 4); the
 *     two forms agree where w = 1 (sc_channel) and model.md's is tested where w < 1 (pd_channel, rd_depleted). */
Test(rates, compound)
{
    mh_model_params p = hand_params();
    /* lumen in the dermis: in = 1*(60*0.5*0.5 + 0) = 15; P = 15*0.75 = 11.25, L = 15 + 2.5*1 + 0.7 = 18.2;
     * Q' = 15*(0.75 - 0.1) - (2.5 + 0.7)*0.1 = 9.75 - 0.32 = 9.43 */
    expect_rates(&p, &pd_channel, MH_S_Q, 11.25, 18.2, 9.43);
    /* in = 60*0.125*1 = 7.5; P = 7.5*0.75 = 5.625, L = 7.5 + 2.5*0.3 + 0.7 = 8.95;
     * Q' = 7.5*(0.75 - 0.4) - (0.75 + 0.7)*0.4 = 2.625 - 0.58 = 2.045 */
    expect_rates(&p, &rd_depleted, MH_S_Q, 5.625, 8.95, 2.045);
    /* channel in the top row: in = 60*1*1 + 2 = 62; P = 62*0.75 = 46.5, L = 62 + 2.5*0 + 0.7 = 62.7;
     * Q' = 62*(0.75 - 0.2) - 0.7*0.2 = 34.1 - 0.14 = 33.96 */
    expect_rates(&p, &sc_channel, MH_S_Q, 46.5, 62.7, 33.96);
    /* intact top row: in = 60*0*0 + 2 = 2; P = 2*0.75 = 1.5, L = 2 + 0.7 = 2.7;
     * Q' = 2*(0.75 - 0.3) - 0.7*0.3 = 0.9 - 0.21 = 0.69 */
    expect_rates(&p, &sc_intact, MH_S_Q, 1.5, 2.7, 0.69);
    /* the film off (a = 0, c = 0): in = 0; P = 0, L = 2.5*1 + 0.7 = 3.2; Q' = -3.2*0.1 = -0.32 */
    p.a_on = 0.0;
    p.c_film = 0.0;
    expect_rates(&p, &pd_channel, MH_S_Q, 0.0, 3.2, -0.32);
}

/* Without the compound's release (g_PRP = 0) G loses exactly that term: at pd_channel, P = 8.95 - 30*0.1 = 5.95. */
Test(rates, growth_factor_without_prp)
{
    mh_model_params p = hand_params();
    p.g_prp = 0.0;
    /* P = 5*0.4 + 3*0.25 + 0*0.1 + 3.2 = 5.95; G' = 5.95 - 29*1 = -23.05 */
    expect_rates(&p, &pd_channel, MH_S_G, 5.95, 29.0, -23.05);
}

/* a(A) = 1 for A <= A_y, a_r for A >= A_o, 1 + (a_r - 1)(A - A_y)/(A_o - A_y) between (papers/model.md
 * section 3), here with A_y = 20, A_o = 80, a_r = 0.7. */
Test(rates, age_factor)
{
    /* below and at A_y: 1 */
    cr_expect(near(mh_model_age_factor(10.0, 20.0, 80.0, 0.7), 1.0, 0.0));
    cr_expect(near(mh_model_age_factor(20.0, 20.0, 80.0, 0.7), 1.0, 0.0));
    /* 1 + (0.7 - 1)*(35 - 20)/(80 - 20) = 1 - 0.3*0.25 = 0.925 */
    cr_expect(near(mh_model_age_factor(35.0, 20.0, 80.0, 0.7), 0.925, 1.0));
    /* 1 - 0.3*(50 - 20)/60 = 1 - 0.15 = 0.85 */
    cr_expect(near(mh_model_age_factor(50.0, 20.0, 80.0, 0.7), 0.85, 1.0));
    /* at and above A_o: 0.7 */
    cr_expect(near(mh_model_age_factor(80.0, 20.0, 80.0, 0.7), 0.7, 1.0));
    cr_expect(near(mh_model_age_factor(95.0, 20.0, 80.0, 0.7), 0.7, 1.0));
}

/* The patient modifiers and units applied when the parameters are read (papers/model.md sections 3 and 7):
 * a_age, keloid s -> s (1 + kappa_s p), the MMP susceptibilities and the turnover of new collagen
 * -> / (1 + kappa_r p), the basal turnovers unscaled, f_bleed = f_anticoag with anticoagulants,
 * tau0_close from hours and v_close from um/h to day and mm/day, the barrier's rates from its time constants. */
Test(rates, parameters_built_from_a_configuration)
{
    mh_config *cfg = mh_test_config((const char *const[]){"model.w_3=0.2",
                                                          "patient.age_years=50",
                                                          "model.age_young_years=20",
                                                          "model.age_old_years=80",
                                                          "model.age_synthesis_ratio=0.7",
                                                          "patient.keloid_propensity=0.5",
                                                          "model.kappa_s=2",
                                                          "model.kappa_r=3",
                                                          "model.s_3=0.3",
                                                          "model.s_1=0.2",
                                                          "model.s_E=0.04",
                                                          "model.kappa_3=0.5",
                                                          "model.kappa_N=0.25",
                                                          "model.kappa_1=0.05",
                                                          "model.kappa_E=0.1",
                                                          "model.lambda_N=0.01",
                                                          "model.lambda_3=0.03",
                                                          "model.lambda_1=0.002",
                                                          "model.lambda_E=0.0004",
                                                          "patient.anticoagulants=true",
                                                          "model.f_anticoag=3",
                                                          "model.tau0_close_h=3",
                                                          "model.v_close_um_h=5",
                                                          "model.tau_barrier_h=2",
                                                          "model.tau_barrier_occluded_h=6",
                                                          NULL});
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_model_params p;
    mh_build_model(cfg, &p);
    /* a_age = 1 + (0.7 - 1)*(50 - 20)/(80 - 20) = 0.85 */
    cr_expect(near(p.a_age, 0.85, 1.0), "a_age = %.17g", p.a_age);
    /* synthesis x (1 + 2*0.5) = x 2: s_3 = 0.6, s_1 = 0.4, s_E = 0.08 */
    cr_expect(near(p.s_3, 0.6, 0.6), "s_3 = %.17g", p.s_3);
    cr_expect(near(p.s_1, 0.4, 0.4), "s_1 = %.17g", p.s_1);
    cr_expect(near(p.s_E, 0.08, 0.08), "s_E = %.17g", p.s_E);
    /* remodelling / (1 + 3*0.5) = / 2.5: kappa_3 = 0.2, kappa_N = 0.1, kappa_1 = 0.02, kappa_E = 0.04,
     * lambda_N = 0.004; the basal turnovers lambda_3 = 0.03, lambda_1 = 0.002, lambda_E = 0.0004 unscaled */
    cr_expect(near(p.kappa_3, 0.2, 0.2), "kappa_3 = %.17g", p.kappa_3);
    cr_expect(near(p.kappa_N, 0.1, 0.1), "kappa_N = %.17g", p.kappa_N);
    cr_expect(near(p.kappa_1, 0.02, 0.02), "kappa_1 = %.17g", p.kappa_1);
    cr_expect(near(p.kappa_E, 0.04, 0.04), "kappa_E = %.17g", p.kappa_E);
    cr_expect(near(p.lambda_N, 0.004, 0.004), "lambda_N = %.17g", p.lambda_N);
    cr_expect(near(p.lambda_3, 0.03, 0.03), "lambda_3 = %.17g", p.lambda_3);
    cr_expect(near(p.lambda_1, 0.002, 0.002), "lambda_1 = %.17g", p.lambda_1);
    cr_expect(near(p.lambda_E, 0.0004, 0.0004), "lambda_E = %.17g", p.lambda_E);
    /* the barrier: k_W = 24/2 = 12 per day, occluded 24/6 = 4 per day */
    cr_expect(near(p.k_W, 12.0, 12.0), "k_W = %.17g", p.k_W);
    cr_expect(near(p.k_W_occ, 4.0, 4.0), "k_W_occ = %.17g", p.k_W_occ);
    /* f_bleed = f_anticoag = 3 */
    cr_expect(near(p.f_bleed, 3.0, 3.0), "f_bleed = %.17g", p.f_bleed);
    /* tau0 = 3 h = 3/24 day = 0.125 day; v_close = 5 um/h = 5e-3*24 mm/day = 0.12 mm/day */
    cr_expect(near(p.tau0_close, 0.125, 0.125), "tau0_close = %.17g", p.tau0_close);
    cr_expect(near(p.v_close, 0.12, 0.12), "v_close = %.17g", p.v_close);
    mh_config_destroy(&cfg);
}

/* The closure rate the wound writes, 1/tau_close with tau_close [h] = tau0 [h] + r_s [um] / v_close [um/h]
 * (papers/model.md eq. 2), and the O loss it gives: tau0 = 3 h, v_close = 5 um/h, r_s = 35 um:
 * tau = 3 + 35/5 = 10 h = 10/24 day, k_close = 2.4 / day in every channel cell, 0 outside. */
Test(rates, closure_rate_of_a_puncture)
{
    mh_config *cfg = mh_test_config((const char *const[]){"model.tau0_close_h=3", "model.v_close_um_h=5", NULL});
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_model_params p;
    mh_build_model(cfg, &p);
    /* a 3-D patch of 9 x 9 x 4 cells of 10 um (no section weight), one channel at its centre */
    mh_grid *g = NULL;
    mh_fields *f = NULL;
    cr_assert_eq(mh_grid_create_uniform(3, 9, 9, 4, 0.01, true, &ctx, &g), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_fields_create(g->ncell, &ctx, &f), MH_OK, "%s", ctx.msg);
    mh_model_baseline(g, f);
    mh_model_aux aux = {mh_alloc_doubles(g->ncell), mh_alloc_doubles(g->ncell)};
    cr_assert(aux.k_close != NULL && aux.w_open != NULL);
    const mh_puncture pu = {.x_mm = 0.045, .y_mm = 0.045, .depth_mm = 0.03, .radius_mm = 0.035, .session = 1};
    size_t surface = 0;
    mh_model_wound(g, &p, &pu, 1, f, &aux, &surface);
    const size_t centre = mh_idx(g, 4, 4, 0), corner = mh_idx(g, 0, 0, 0);
    cr_expect(near(aux.k_close[centre], 2.4, 2.4), "k_close = %.17g, by hand 2.4", aux.k_close[centre]);
    /* the corner's centre lies sqrt(2)*40 um = 57 um from the axis, outside r_s = 35 um */
    cr_expect(near(aux.k_close[corner], 0.0, 0.0), "k_close outside = %.17g", aux.k_close[corner]);
    /* O' = -(1 - h) k_close O: with O = 1 and h = 0, L = 2.4 and O' = -2.4 */
    double u[MH_NSPECIES], P[MH_NSPECIES], L[MH_NSPECIES];
    for (int s = 0; s < MH_NSPECIES; s++)
        u[s] = f->u[s][centre];
    cr_expect(near(u[MH_S_O], 1.0, 0.0), "O = %.17g after the puncture", u[MH_S_O]);
    p.hold = 0.0;
    mh_model_rates(&p, g->dermal[0], g->epidermal[0], g->vascular[0], 0.0, aux.k_close[centre], aux.w_open[centre], u,
                   P, L);
    cr_expect(near(L[MH_S_O], 2.4, 2.4), "L_O = %.17g, by hand 2.4", L[MH_S_O]);
    cr_expect(near(P[MH_S_O] - L[MH_S_O] * u[MH_S_O], -2.4, 2.4), "O' = %.17g, by hand -2.4",
              P[MH_S_O] - L[MH_S_O] * u[MH_S_O]);
    mh_free(aux.k_close);
    mh_free(aux.w_open);
    mh_fields_destroy(&f);
    mh_grid_destroy(&g);
    mh_config_destroy(&cfg);
}
