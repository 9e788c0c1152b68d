/* neurokit's hand-tuned reference for the HH batch benchmark (benchmarks/hh_batch.py).
 *
 * N Hodgkin-Huxley point neurons (Traub-Miles rates as in Brian2's COBAHH example, area
 * 20000 um2), exponential Euler at dt = 0.025 ms, neuron i driven by 0.7 nA * i / N,
 * threshold and refractory condition v > -40 mV. Counts spikes (Brian2's rule: a spike when
 * v crosses -40 mV upwards while not refractory; refractory until v falls back).
 *
 * What a careful person writes by hand: structure of arrays, rate functions in mV and ms
 * with exprel through expm1, each thread owns a contiguous slice of neurons for the whole
 * run (no barrier per step), the slice is walked in cache-sized blocks, and the neuron loop
 * is `omp simd`. Build: cc -O3 -march=native -ffast-math -fopenmp hh_limit.c -o hh_limit -lm
 * Run:   OMP_NUM_THREADS=2 ./hh_limit N T_s
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>

#define BLOCK 256

static inline double exprel(double x) { return fabs(x) < 1e-9 ? 1.0 + 0.5 * x : expm1(x) / x; }

int main(int argc, char **argv) {
    const int n = argc > 1 ? atoi(argv[1]) : 10000;
    const double T = argc > 2 ? atof(argv[2]) : 0.2;
    const double dt_ms = 0.025;
    const long steps = (long)(T / (dt_ms * 1e-3) + 0.5);
    /* Membrane in mV, ms, nA, uS, nF: C = 0.2 nF, gL = 0.01 uS, gNa = 20 uS, gK = 6 uS. */
    const double C = 0.2, gL = 0.01, gNa = 20.0, gK = 6.0;
    const double EL = -65.0, ENa = 50.0, EK = -90.0, VT = -63.0, thr = -40.0;
    double *v = malloc(sizeof(double) * n), *m = malloc(sizeof(double) * n);
    double *h = malloc(sizeof(double) * n), *nn = malloc(sizeof(double) * n);
    double *I = malloc(sizeof(double) * n);
    char *refr = malloc(n);
    for (int i = 0; i < n; i++) {
        v[i] = EL; m[i] = h[i] = nn[i] = 0.0; I[i] = 0.7 * i / n; refr[i] = 0;
    }
    long spikes = 0;
    const double t0 = omp_get_wtime();
    #pragma omp parallel for schedule(dynamic, 1) reduction(+ : spikes)
    for (int lo = 0; lo < n; lo += BLOCK) {
        const int hi = lo + BLOCK < n ? lo + BLOCK : n;
        for (long s = 0; s < steps; s++) {
            #pragma omp simd reduction(+ : spikes)
            for (int i = lo; i < hi; i++) {
                const double V = v[i], M = m[i], H = h[i], Nn = nn[i];
                /* refractory: leaves when v is back below threshold at the start of a step */
                const int nref = !refr[i] | (V <= thr);
                const double am = 0.32 * 4.0 / exprel((13.0 - V + VT) / 4.0);
                const double bm = 0.28 * 5.0 / exprel((V - VT - 40.0) / 5.0);
                const double an = 0.032 * 5.0 / exprel((15.0 - V + VT) / 5.0);
                const double bn = 0.5 * exp((10.0 - V + VT) / 40.0);
                const double ah = 0.128 * exp((17.0 - V + VT) / 18.0);
                const double bh = 4.0 / (1.0 + exp((40.0 - V + VT) / 5.0));
                const double tm = am + bm, tn = an + bn, th = ah + bh;
                const double gna = gNa * M * M * M * H, gk = gK * Nn * Nn * Nn * Nn;
                const double g = gL + gna + gk;
                const double Einf = (gL * EL + gna * ENa + gk * EK + I[i]) / g;
                const double Vn = Einf + (V - Einf) * exp(-dt_ms * g / C);
                v[i] = Vn;
                m[i] = am / tm + (M - am / tm) * exp(-dt_ms * tm);
                nn[i] = an / tn + (Nn - an / tn) * exp(-dt_ms * tn);
                h[i] = ah / th + (H - ah / th) * exp(-dt_ms * th);
                const int spike = nref & (Vn > thr);
                spikes += spike;
                refr[i] = (char)(spike | (!nref));
            }
        }
    }
    const double w = omp_get_wtime() - t0;
    printf("hand-C N=%d T=%g spikes=%ld run_time=%.3fs neuron_steps_per_s=%.3e threads=%d\n", n, T,
           spikes, w, (double)n * steps / w, omp_get_max_threads());
    free(v); free(m); free(h); free(nn); free(I); free(refr);
    return 0;
}
