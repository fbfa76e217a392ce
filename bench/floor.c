/*
 * floor.c -- the floor under every Python binding: the same exports that
 * gocfg.Config calls, called from C in a tight loop.
 *
 *     floor CALLS ROUNDS
 *
 * bench/run.py compiles this file against the public header
 * (gocore/capi/gocfg.h) and the installed libgocfg.so, runs it, and reads the
 * one JSON object it prints: for each call, the best and the median ns/call
 * over ROUNDS rounds of CALLS calls. Rounds are interleaved (abi_version,
 * get, set, contains, abi_version, ...) so a noisy neighbour slows every call
 * alike. Nothing here checks a timing.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gocfg.h"

enum { OP_ABI, OP_GET, OP_SET, OP_CONTAINS, N_OPS };
static const char *const op_names[N_OPS] = {"abi_version", "get", "set", "contains"};

static const char KEY[] = "key";
static const char VAL[] = "value";

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Runs one op `calls` times; returns ns per call. Any failing call makes the
 * whole run fail (a floor measured on errors would be meaningless). */
static double run_op(int op, gocfg_config *cfg, long calls, long *sink) {
    char buf[512];
    long acc = 0;
    double t0 = now_ns();
    switch (op) {
    case OP_ABI:
        for (long i = 0; i < calls; i++) acc += gocfg_abi_version();
        break;
    case OP_GET:
        for (long i = 0; i < calls; i++)
            acc += (long)gocfg_config_get(cfg, KEY, sizeof KEY - 1, buf, sizeof buf, NULL);
        break;
    case OP_SET:
        for (long i = 0; i < calls; i++)
            acc += gocfg_config_set(cfg, KEY, sizeof KEY - 1, VAL, sizeof VAL - 1, NULL);
        break;
    case OP_CONTAINS:
        for (long i = 0; i < calls; i++)
            acc += gocfg_config_contains(cfg, KEY, sizeof KEY - 1, NULL);
        break;
    }
    double t1 = now_ns();
    *sink += acc;
    return (t1 - t0) / (double)calls;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CALLS ROUNDS\n", argv[0]);
        return 2;
    }
    long calls = atol(argv[1]);
    int rounds = atoi(argv[2]);
    if (calls <= 0 || rounds <= 0) {
        fprintf(stderr, "CALLS and ROUNDS must be positive\n");
        return 2;
    }
    double *samples = calloc((size_t)N_OPS * (size_t)rounds, sizeof *samples);
    if (samples == NULL) return 1;

    gocfg_config *cfg = NULL;
    gocfg_error *err = NULL;
    if (gocfg_config_new(&cfg, &err) != GOCFG_OK ||
        gocfg_config_set(cfg, KEY, sizeof KEY - 1, VAL, sizeof VAL - 1, &err) != GOCFG_OK) {
        fprintf(stderr, "setup failed: %s\n", err ? err->message : "?");
        gocfg_error_free(err);
        return 1;
    }
    /* Check once that each call succeeds, so the loops time real work. */
    char buf[16];
    if (gocfg_config_get(cfg, KEY, sizeof KEY - 1, buf, sizeof buf, NULL) != (int64_t)(sizeof VAL - 1) ||
        gocfg_config_contains(cfg, KEY, sizeof KEY - 1, NULL) != 1) {
        fprintf(stderr, "get/contains did not find the key\n");
        return 1;
    }

    long sink = 0;
    run_op(OP_ABI, cfg, calls / 10 + 1, &sink); /* warm up */
    for (int r = 0; r < rounds; r++)
        for (int op = 0; op < N_OPS; op++)
            samples[op * rounds + r] = run_op(op, cfg, calls, &sink);

    printf("{\"calls\": %ld, \"rounds\": %d, \"sink\": %ld", calls, rounds, sink);
    for (int op = 0; op < N_OPS; op++) {
        double *s = samples + op * rounds;
        qsort(s, (size_t)rounds, sizeof *s, cmp_double);
        double median = rounds % 2 ? s[rounds / 2] : (s[rounds / 2 - 1] + s[rounds / 2]) / 2;
        printf(", \"%s\": {\"best\": %.3f, \"median\": %.3f}", op_names[op], s[0], median);
    }
    printf("}\n");
    gocfg_config_free(cfg);
    free(samples);
    return 0;
}
