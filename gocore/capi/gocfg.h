/*
 * gocfg.h -- the public C interface of the gocfg library.
 *
 * This header is written by hand and is the single source of truth for the
 * C ABI: the Python binding reads its declarations from here.
 *
 * Conventions, for every function below:
 *
 *  - Objects are opaque handles (gocfg_config *). A handle is a number issued
 *    by the library, never a pointer to memory: do not dereference it. A NULL,
 *    freed, forged or wrong-kind handle is detected and gives
 *    GOCFG_E_INVALID_HANDLE; it never crashes.
 *  - Fallible calls return a status: GOCFG_OK (0) or a negative
 *    gocfg_status. A few calls return a non-negative result instead of
 *    GOCFG_OK; each says so.
 *  - The last parameter of a fallible call, `err`, may be NULL. When it is not
 *    NULL and the call fails, *err receives a gocfg_error that the caller
 *    releases with gocfg_error_free(). On success *err is set to NULL. Errors
 *    are per call: threads never see each other's errors.
 *  - Strings cross as (pointer, length) pairs of UTF-8 bytes, not NUL
 *    terminated. Keys and string values must be valid UTF-8 and hold no NUL
 *    byte; otherwise the call fails with GOCFG_E_INVALID_ARGUMENT and stores
 *    nothing. The library copies what it keeps: input pointers need only be
 *    valid for the duration of the call.
 *  - Memory the library hands out is released by the library's own free call
 *    named beside each function, never by free().
 *  - Every function may be called from any thread, concurrently.
 *  - No function exits the process or lets a Go panic escape: a panic becomes
 *    GOCFG_E_INTERNAL.
 */
#ifndef GOCFG_H
#define GOCFG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
enum gocfg_status {
    GOCFG_OK = 0,
    GOCFG_E_INVALID_HANDLE = -1,   /* NULL, freed, unknown or wrong-kind handle */
    GOCFG_E_INVALID_ARGUMENT = -2, /* bad key, value or parameter */
    GOCFG_E_NOT_FOUND = -3,        /* no such key */
    GOCFG_E_TYPE_MISMATCH = -4,    /* value of another type than asked for */
    GOCFG_E_PARSE = -5,            /* a document could not be parsed */
    GOCFG_E_IO = -6,               /* reading or writing a file failed */
    GOCFG_E_CLOSED = -7,           /* the object was closed */
    GOCFG_E_INTERNAL = -8          /* a bug in gocfg (a recovered panic) */
};

/* An opaque configuration handle. */
typedef struct gocfg_config gocfg_config;

/*
 * Details of a failed call. Allocated by the library; release with
 * gocfg_error_free(). Line and column are 1-based, 0 when unknown.
 */
typedef struct gocfg_error {
    int code;          /* the gocfg_status the call returned */
    char *message;     /* NUL-terminated UTF-8, never NULL */
    char *path;        /* file name or config path involved, or NULL */
    int64_t line;
    int64_t column;
} gocfg_error;

/*
 * A block of bytes allocated by the library. `data` is NUL-terminated one
 * byte past `len` for convenience; `len` does not count that byte. Release
 * with gocfg_buffer_free(), which sets both fields to zero.
 */
typedef struct gocfg_buffer {
    char *data;
    size_t len;
} gocfg_buffer;

/* Counters that let tests prove nothing leaks. */
typedef struct gocfg_stats {
    int64_t live_handles;        /* handles issued and not yet freed */
    int64_t outstanding_buffers; /* gocfg_buffers not yet freed */
    int64_t outstanding_bytes;   /* bytes held by those buffers */
    int64_t outstanding_errors;  /* gocfg_errors not yet freed */
} gocfg_stats;

/*
 * The export layer defines GOCFG_TYPES_ONLY before including this header:
 * cgo writes its own prototypes for exported functions (without `const`, and
 * with handles as uintptr_t, which has the same calling convention as a
 * pointer), and the two sets of prototypes must not meet in one unit.
 */
#ifndef GOCFG_TYPES_ONLY

/* ---------------------------------------------------------------- library */

/*
 * Returns the ABI version (an increasing integer). It does no other work, so
 * it doubles as the cheapest possible call for measuring FFI overhead.
 */
int gocfg_abi_version(void);

/* Fills *out with the library's counters. Returns GOCFG_OK, or
 * GOCFG_E_INVALID_ARGUMENT when out is NULL. */
int gocfg_stats_get(gocfg_stats *out);

/* Releases an error. NULL and an already-freed error are harmless no-ops. */
void gocfg_error_free(gocfg_error *err);

/*
 * Releases a buffer's bytes and zeroes the struct, so freeing the same struct
 * twice is harmless. NULL, an empty buffer and a buffer the library did not
 * hand out (or already freed) are no-ops.
 */
void gocfg_buffer_free(gocfg_buffer *buf);

/* ----------------------------------------------------------------- config */

/* Creates an empty config. On success *out holds a handle that the caller
 * releases with gocfg_config_free(). */
int gocfg_config_new(gocfg_config **out, gocfg_error **err);

/* Releases a config. NULL and already-freed handles are harmless no-ops. */
void gocfg_config_free(gocfg_config *cfg);

/* Stores a string value under key, replacing any previous value. */
int gocfg_config_set(gocfg_config *cfg, const char *key, size_t key_len,
                     const char *val, size_t val_len, gocfg_error **err);

/*
 * Copies the value stored under key into the caller's buffer.
 *
 * Returns the value's length in bytes (>= 0) on success, or a negative
 * gocfg_status. When the length is greater than buf_cap, nothing is copied:
 * call again with a buffer of at least that size. buf may be NULL when
 * buf_cap is 0 (to ask for the length). No NUL terminator is written.
 * A missing key gives GOCFG_E_NOT_FOUND.
 *
 * (The result is returned rather than written to an out-parameter because
 * bindings then need no allocation per call; see README, "Design figures".)
 */
int64_t gocfg_config_get(gocfg_config *cfg, const char *key, size_t key_len,
                         char *buf, size_t buf_cap, gocfg_error **err);

/* Removes key. A missing key gives GOCFG_E_NOT_FOUND. */
int gocfg_config_delete(gocfg_config *cfg, const char *key, size_t key_len,
                        gocfg_error **err);

/* Returns 1 when key is set, 0 when not, or a negative gocfg_status. */
int gocfg_config_contains(gocfg_config *cfg, const char *key, size_t key_len,
                          gocfg_error **err);

/* Returns the number of keys (>= 0), or a negative gocfg_status. */
int64_t gocfg_config_len(gocfg_config *cfg, gocfg_error **err);

/*
 * Writes every key, in insertion order, into *out, each followed by one NUL
 * byte (keys cannot contain NUL). Release *out with gocfg_buffer_free().
 */
int gocfg_config_keys(gocfg_config *cfg, gocfg_buffer *out, gocfg_error **err);

/* Removes every key. */
int gocfg_config_clear(gocfg_config *cfg, gocfg_error **err);

/*
 * Serializes the whole config as a JSON object into *out (the seed's
 * create_data). Release *out with gocfg_buffer_free() (the seed's free_data).
 */
int gocfg_config_to_json(gocfg_config *cfg, gocfg_buffer *out, gocfg_error **err);

#endif /* GOCFG_TYPES_ONLY */

#ifdef __cplusplus
}
#endif

#endif /* GOCFG_H */
