/*
 * check.h -- what the C test programs share: a CHECK macro that prints one
 * line per check and counts failures, string literals as (pointer, length)
 * pairs, the library's counters, the test directory and files written into
 * it, and the closing line the pytest wrappers look for ("PASSED: 0
 * failure(s)").
 */
#ifndef GOCFG_TEST_CHECK_H
#define GOCFG_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocfg.h"

static int failures = 0;

#define CHECK(cond, ...)                                        \
    do {                                                        \
        if (cond) {                                             \
            printf("ok   %s\n", #cond);                         \
        } else {                                                \
            printf("FAIL %s: ", #cond);                         \
            printf(__VA_ARGS__);                                \
            printf("\n");                                       \
            failures++;                                         \
        }                                                       \
    } while (0)

/* A string literal as (pointer, length). */
#define S(lit) lit, (sizeof lit - 1)

/* The library's counters; a failing gocfg_stats_get ends the program. */
static inline gocfg_stats stats(void) {
    gocfg_stats s;
    memset(&s, 0xff, sizeof s);
    if (gocfg_stats_get(&s) != GOCFG_OK) {
        printf("FAIL gocfg_stats_get\n");
        exit(1);
    }
    return s;
}

/* The directory a program may write its files into: its one argument.
 * Without it the program ends, saying how to call it. */
static inline const char *test_dir(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        exit(2);
    }
    return argv[1];
}

/* Writes text to the file DIR/name, whose path it puts in path (of size
 * n); a file that cannot be written ends the program. */
static inline void write_file(char *path, size_t n, const char *dir, const char *name, const char *text) {
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

/* Prints the closing line and returns the exit status for main. */
static inline int check_done(void) {
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}

#endif /* GOCFG_TEST_CHECK_H */
