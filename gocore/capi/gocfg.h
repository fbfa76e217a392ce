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
 *    terminated. Keys, paths and string values must be valid UTF-8 (they
 *    may hold NUL bytes); otherwise the call fails with
 *    GOCFG_E_INVALID_ARGUMENT and stores nothing. The library copies what it keeps: input pointers need only be
 *    valid for the duration of the call.
 *  - Memory the library hands out is released by the library's own free call
 *    named beside each function, never by free().
 *  - Every function may be called from any thread, concurrently.
 *  - No function exits the process or lets a Go panic escape: a panic becomes
 *    GOCFG_E_INTERNAL, with a one-line message naming the function and the
 *    line that panicked (never a stack trace). See "Panics" for what a
 *    panic leaves behind.
 *  - A freed handle never becomes valid again: a handle carries its slot's
 *    generation, and a slot whose generation has run out is retired, not
 *    reused. A second gocfg_error_free or gocfg_buffer_free of the same
 *    pointer is a no-op whatever was allocated since: error records and
 *    buffers come from reserved address space whose addresses are handed
 *    out again only after the whole reservation (1 TiB each) has been.
 *
 * Panics. A panic is a bug in gocfg; the policy for what it leaves behind
 * poisons the object, not the library:
 *
 *  - A panic in a call that changes an object (set, set_int/_float/_bool,
 *    set_value, merge, delete, clear, the five layer calls, resolve,
 *    freeze; gocfg_db_save and gocfg_db_delete; gocfg_live_commit,
 *    _reject and _reload) poisons that object: its
 *    handle then fails every call with GOCFG_E_INTERNAL and a message
 *    naming the call that panicked, until it is freed (free and close
 *    still work). The change may have gone in half way (part of a merge,
 *    some of a layer's values), and nothing may read such a tree as if it
 *    were whole; copying it would only spread the damage.
 *  - A panic in a call that changes nothing (reads, keys, export, dump,
 *    save, copy, origin, history, diff, database reads) leaves its objects
 *    usable: only that call fails.
 *  - Other objects and the library carry on. The library's own state (the
 *    handle registry, the memory of errors and buffers) is changed only in
 *    short sections that release their locks on the way out and that call
 *    nothing that could panic half way; poisoning the whole library, as
 *    some drivers do, would turn one bad config into the loss of every
 *    other in the process (a notebook kernel's, a server's).
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
    GOCFG_E_INTERNAL = -8,         /* a bug in gocfg (a recovered panic) */
    GOCFG_E_CANCELLED = -9,        /* the call's gocfg_cancel was triggered */
    GOCFG_E_CONFLICT = -10,        /* database: compare-and-swap found another revision */
    GOCFG_E_CONNECTION = -11,      /* database: store unreachable, timed out, TLS refused */
    GOCFG_E_AUTH = -12,            /* database: credentials or permission refused */
    GOCFG_E_PENDING = -13,         /* a sliced call goes on: see gocfg_cancel_wait */
    /* layers (numbered apart, leaving -14..-19 to the database calls): */
    GOCFG_E_FROZEN = -20,          /* the config is frozen: it refuses every change */
    GOCFG_E_INTERPOLATION = -21,   /* a ${...} reference is a cycle, missing, or malformed */
    GOCFG_E_BUSY = -22             /* a gocfg_config_try_* call found the config locked: nothing done */
};

/* An opaque configuration handle. */
typedef struct gocfg_config gocfg_config;

/* An opaque handle that stops a long call from another thread. */
typedef struct gocfg_cancel gocfg_cancel;

/*
 * Details of a failed call. Allocated by the library; release with
 * gocfg_error_free(). Line and column are 1-based, 0 when unknown.
 */
typedef struct gocfg_error {
    int code;          /* the gocfg_status the call returned */
    char *message;     /* NUL-terminated UTF-8, never NULL; for a person: the kind
                          of error is the code, not a suffix of the text */
    char *path;        /* file name or config path involved, or NULL */
    int64_t line;
    int64_t column;
    int sys_errno;     /* for GOCFG_E_IO: the system's errno, or 0 */
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
    int64_t goroutines;          /* Go goroutines running (work in flight) */
} gocfg_stats;

/* Value types, as gocfg_config_type() reports them. */
enum gocfg_type {
    GOCFG_TYPE_NULL = 0,
    GOCFG_TYPE_BOOL = 1,
    GOCFG_TYPE_INT = 2,
    GOCFG_TYPE_FLOAT = 3,
    GOCFG_TYPE_STRING = 4,
    GOCFG_TYPE_DATETIME = 5,       /* with a UTC offset */
    GOCFG_TYPE_LOCAL_DATETIME = 6,
    GOCFG_TYPE_LOCAL_DATE = 7,
    GOCFG_TYPE_LOCAL_TIME = 8,
    GOCFG_TYPE_LIST = 9,
    GOCFG_TYPE_MAP = 10
};

/* An opaque handle to an open database (a persistent config store). */
typedef struct gocfg_db gocfg_db;

/* An opaque handle to a stream of change events from a database. */
typedef struct gocfg_db_watch gocfg_db_watch;

/*
 * Options for gocfg_db_open. Every field may be NULL or 0 for its default.
 * Strings are NUL-terminated UTF-8 and override the same setting in the
 * URL; the library copies them during the call.
 */
typedef struct gocfg_db_options {
    const char *username;  /* etcd user (overrides the URL's user:pass@) */
    const char *password;  /* etcd password; never shown in errors or logs */
    const char *ca_file;   /* etcd TLS: PEM file of the CA that signed the server */
    const char *cert_file; /* etcd TLS: client certificate (PEM) */
    const char *key_file;  /* etcd TLS: the client certificate's key (PEM) */
    int64_t timeout_ms;    /* connect, request and lock-wait timeout; 0: 5000 */
} gocfg_db_options;

/* One stored revision, as gocfg_db_history lists them. */
typedef struct gocfg_db_revision {
    int64_t revision;
    int64_t unix_nanos;    /* when it was saved (the saver's clock), ns since 1970 UTC */
} gocfg_db_revision;

/*
 * A change seen by gocfg_db_watch_next. `name` is library memory: release
 * it with gocfg_buffer_free(&event.name).
 */
typedef struct gocfg_db_event {
    gocfg_buffer name;     /* the config saved or deleted (UTF-8, NUL-terminated) */
    int64_t revision;      /* its new revision */
    int deleted;           /* 1 for a delete, 0 for a save */
} gocfg_db_event;

/*
 * Limits and path syntax, for C callers and bindings that check arguments
 * before a call (the library checks them again). The path characters are
 * byte values: '.' separates segments; a segment holding a separator, a
 * quote, an escape or nothing is written between quotes, with the quote
 * and the escape inside it preceded by the escape ('\\').
 */
#define GOCFG_MAX_DEPTH 1000        /* maps and lists nest at most this deep */
#define GOCFG_PATH_SEPARATOR 46     /* '.' */
#define GOCFG_PATH_QUOTE 34         /* '"' */
#define GOCFG_PATH_ESCAPE 92        /* '\\' */

/* Flags for gocfg_config_save. */
enum gocfg_save_flags {
    GOCFG_SAVE_PRIVATE = 1 /* create the file with mode 0600 */
};

/* What data holds for gocfg_config_setdefault. */
enum gocfg_setdefault_form {
    GOCFG_SETDEFAULT_VALUE = 0, /* a wire-encoded value */
    GOCFG_SETDEFAULT_STATE = 1, /* a state, as for gocfg_config_graft: its data is the value */
    GOCFG_SETDEFAULT_STATE_KEY = 2 /* a state whose data is a map of one key: that key's value */
};

/* ----------------------------------------------------------- layers: types */

/* What kind of layer set a value (gocfg_origin.kind). */
enum gocfg_origin_kind {
    GOCFG_ORIGIN_NONE = 0,      /* unknown: the config records no provenance */
    GOCFG_ORIGIN_DEFAULTS = 1,  /* the defaults of a layered load */
    GOCFG_ORIGIN_FILE = 2,      /* a file (name = the file name, with line and column) */
    GOCFG_ORIGIN_TEXT = 3,      /* a document given as text (name = the caller's label) */
    GOCFG_ORIGIN_DICT = 4,      /* a mapping given by the program (name = the caller's label) */
    GOCFG_ORIGIN_ENV = 5,       /* an environment variable (name = the variable) */
    GOCFG_ORIGIN_OVERRIDE = 6,  /* an override item (name = "path=value") */
    GOCFG_ORIGIN_SET = 7,       /* a later write to the config itself (set, merge, delete) */
    GOCFG_ORIGIN_STORED = 8,    /* a config stored in a database (name = the config's name) */
    GOCFG_ORIGIN_SECRET = 9,    /* a file of a secrets directory (name = the file); shown masked */
    GOCFG_ORIGIN_FLAG = 10      /* a command-line flag (name = the flag, such as "--server.port") */
};

/* Flags for the layer calls. */
enum gocfg_layer_flags {
    GOCFG_LAYER_INTERPOLATE = 1,   /* gocfg_config_layered_new: resolve ${...} on read */
    GOCFG_LAYER_RAW_STRINGS = 2,   /* layered_new, env and override layers: keep values as strings */
    GOCFG_LAYER_APPEND_LISTS = 4,  /* merge/load/loads layers: a list extends the list it meets */
    GOCFG_LAYER_OPTIONAL = 8,      /* gocfg_config_load_layer: a missing file is skipped */
    GOCFG_LIVE_MANUAL = 16         /* gocfg_live_open: every rebuild waits for commit or reject */
};

/* An opaque handle to a live configuration: a layer stack kept in step
 * with its files and stored configs (see "live" below). */
typedef struct gocfg_live gocfg_live;

/* Flags of one entry of a gocfg_live_open layer spec (its last item). */
enum gocfg_live_layer_flags {
    GOCFG_LIVE_LAYER_OPTIONAL = 1,     /* file, stored: a missing source is skipped */
    GOCFG_LIVE_LAYER_APPEND_LISTS = 2, /* file, stored, map, text: a list extends the list it meets */
    GOCFG_LIVE_LAYER_RAW_STRINGS = 4   /* env, overrides: values stay strings */
};

/* Flags for gocfg_config_validate. */
enum gocfg_schema_flags {
    GOCFG_SCHEMA_ASSERT_FORMAT = 1  /* "format" is a check in every draft (else: as the draft says) */
};

/*
 * Where a value came from, as gocfg_config_origin reports it. `name` is
 * library memory: release it with gocfg_buffer_free(&origin.name) (it is
 * empty, and needs no free, when the kind has no name).
 */
typedef struct gocfg_origin {
    int kind;             /* a gocfg_origin_kind */
    int layer;            /* the layer's sequence number in its config: later wins */
    int64_t line;         /* 1-based position in the source document, 0 when unknown */
    int64_t column;
    gocfg_buffer name;    /* UTF-8, NUL-terminated */
} gocfg_origin;

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

/*
 * Lists the formats the library reads and writes, in *out (release with
 * gocfg_buffer_free): one line per format, ending in '\n', of fields
 * separated by one space: the format's name ("yaml"), then the other names
 * the format arguments accept for it ("yml"), then the file extensions that
 * select it, each starting with '.' (".yaml .yml"). Names and extensions
 * are lower case ASCII; the calls that take a format accept any case. A
 * file named ".env", or ".env.<anything>", is an env file too. Returns
 * GOCFG_OK, or GOCFG_E_INVALID_ARGUMENT when out is NULL.
 */
int gocfg_formats(gocfg_buffer *out, gocfg_error **err);

/*
 * Lists the reading modes in *out (release with gocfg_buffer_free): names
 * that every format argument accepts beside the formats, which refine how
 * one format is read and are chosen by name only (no extension selects
 * them): "yaml-1.1" (YAML 1.1 types, as Ansible reads them), "toml-1.0",
 * "ini-case", "env-raw", "hcl-raw", "properties-flat". One line per mode,
 * ending in '\n', of fields separated by one space: the mode's name, the
 * format it refines (a name gocfg_formats lists), then the other names
 * the format arguments accept for it ("yml-1.1"). Writing in a mode writes
 * its format. A second call rather than more lines in gocfg_formats, whose
 * callers take every line for a format with extensions. Returns GOCFG_OK,
 * or GOCFG_E_INVALID_ARGUMENT when out is NULL.
 */
int gocfg_format_modes(gocfg_buffer *out, gocfg_error **err);

/* ----------------------------------------------------------- cancellation */

/*
 * Calls that may take long (loading and saving documents, database calls)
 * take a `gocfg_cancel *cancel`, which may be NULL. Triggering the handle
 * from another thread makes such a call stop its work and return
 * GOCFG_E_CANCELLED. A handle is single-use: once triggered it stays so.
 */
int gocfg_cancel_new(gocfg_cancel **out, gocfg_error **err);

/* Triggers cancel. Safe from any thread, at any time; a no-op on NULL or a
 * freed handle. */
void gocfg_cancel_trigger(gocfg_cancel *cancel);

/* Releases cancel. NULL and already-freed handles are harmless no-ops.
 * Freeing the handle of a sliced call that is still pending cancels it
 * and drops its error record, but not what the call makes (see below). */
void gocfg_cancel_free(gocfg_cancel *cancel);

/*
 * Sliced calls: getting control back during a long call without a thread
 * per call. A caller that must act on its own events while it waits (an
 * interpreter that runs its signal handlers, Ctrl-C, only between calls)
 * makes the cancel handle with gocfg_cancel_new_sliced and a slice of
 * 1 to 60,000 ms. The database calls that take a cancel handle
 * (gocfg_db_save, _load, _load_many, _delete, _names, _history, _query)
 * given such a handle return within about slice_ms: with their result,
 * as usual, when they finished in time, or else with GOCFG_E_PENDING (and
 * no error record) while their work goes on. Other calls run to the end,
 * as with any handle. gocfg_db_save and gocfg_db_delete first try to write
 * without waiting, in the calling thread: one that finds no lock held
 * answers at once, leaving no sliced call on the handle.
 *
 * gocfg_cancel_wait then waits up to timeout_ms (0 to 60,000) more, and
 * returns GOCFG_E_PENDING again, or the call's own result: the status,
 * count or length it would have returned, its error record in *err (err
 * may be NULL), its outputs written where its arguments said. It hands
 * the result out once; waiting again, or on a handle without a pending or
 * finished sliced call, gives GOCFG_E_INVALID_ARGUMENT. A handle serves
 * one sliced call (a second call given it gives GOCFG_E_INVALID_ARGUMENT).
 *
 * Until the result is handed out, the call's arguments (its name buffers,
 * out-parameters, output arrays) must stay valid: the work still reads and
 * writes them. To abandon a pending call, trigger the handle, wait until
 * the result comes (soon: the work is cancelled), free what it made if it
 * made something after all, then free the handle.
 */
int gocfg_cancel_new_sliced(int64_t slice_ms, gocfg_cancel **out, gocfg_error **err);
int64_t gocfg_cancel_wait(gocfg_cancel *cancel, int64_t timeout_ms, gocfg_error **err);

/* ----------------------------------------------------------------- config */

/*
 * Paths. Calls that take a `path` reach into the tree with dot paths:
 * "server.port", "servers.0.host" (a segment of digits indexes a list).
 * A segment holding a dot, a double quote or nothing is written in double
 * quotes with \" and \\ escaped: `a."b.c"` is key "b.c" inside map "a".
 * The empty path (length 0) is the root map. A malformed path gives
 * GOCFG_E_INVALID_ARGUMENT; a path that leads nowhere GOCFG_E_NOT_FOUND.
 *
 * Wire format. The *_value, merge and export calls carry whole values as
 * bytes in a subset of CPython's marshal format, version 2 (see
 * gocore/wire): what Python's marshal.dumps(v, 2) writes and marshal.loads
 * reads. C programs can use the typed scalar calls instead.
 */

/* Creates an empty config. On success *out holds a handle that the caller
 * releases with gocfg_config_free(). */
int gocfg_config_new(gocfg_config **out, gocfg_error **err);

/* Creates an independent deep copy of cfg in *out (free with
 * gocfg_config_free). */
int gocfg_config_copy(gocfg_config *cfg, gocfg_config **out, gocfg_error **err);

/* Releases a config. NULL and already-freed handles are harmless no-ops. */
void gocfg_config_free(gocfg_config *cfg);

/* Stores a string value at path, replacing what was there; missing maps
 * on the way are created. */
int gocfg_config_set(gocfg_config *cfg, const char *path, size_t path_len,
                     const char *val, size_t val_len, gocfg_error **err);

/*
 * Copies the string stored at path into the caller's buffer.
 *
 * Returns the value's length in bytes (>= 0) on success, or a negative
 * gocfg_status. When the length is greater than buf_cap, nothing is copied:
 * call again with a buffer of at least that size. buf may be NULL when
 * buf_cap is 0 (to ask for the length). No NUL terminator is written.
 * A missing path gives GOCFG_E_NOT_FOUND, a value that is not a string
 * GOCFG_E_TYPE_MISMATCH.
 *
 * (The result is returned rather than written to an out-parameter because
 * bindings then need no allocation per call; see README, "Design figures".)
 */
int64_t gocfg_config_get(gocfg_config *cfg, const char *path, size_t path_len,
                         char *buf, size_t buf_cap, gocfg_error **err);

/* Typed scalars. A get of another type gives GOCFG_E_TYPE_MISMATCH. */
int gocfg_config_set_int(gocfg_config *cfg, const char *path, size_t path_len,
                         int64_t val, gocfg_error **err);
int gocfg_config_get_int(gocfg_config *cfg, const char *path, size_t path_len,
                         int64_t *out, gocfg_error **err);
int gocfg_config_set_float(gocfg_config *cfg, const char *path, size_t path_len,
                           double val, gocfg_error **err);
int gocfg_config_get_float(gocfg_config *cfg, const char *path, size_t path_len,
                           double *out, gocfg_error **err);
int gocfg_config_set_bool(gocfg_config *cfg, const char *path, size_t path_len,
                          int val, gocfg_error **err);
int gocfg_config_get_bool(gocfg_config *cfg, const char *path, size_t path_len,
                          int *out, gocfg_error **err);

/* Returns the gocfg_type (>= 0) of the value at path, or a negative status. */
int gocfg_config_type(gocfg_config *cfg, const char *path, size_t path_len,
                      gocfg_error **err);

/* Stores the wire-encoded value data[0..data_len) at path. A value the
 * tree cannot hold (bytes, a set, a key or string with invalid UTF-8,
 * nesting deeper than 1000) is refused with
 * GOCFG_E_TYPE_MISMATCH or GOCFG_E_INVALID_ARGUMENT and an error whose
 * path names where. With an empty path, data must be a map and replaces
 * the whole tree. */
int gocfg_config_set_value(gocfg_config *cfg, const char *path, size_t path_len,
                           const char *data, size_t data_len, gocfg_error **err);

/*
 * Copies the wire encoding of the value at path into the caller's buffer,
 * with the same length contract as gocfg_config_get(). A map is not copied:
 * it is written as the single byte '.' (marshal's Ellipsis), telling the
 * caller to read its keys or export it.
 */
int64_t gocfg_config_get_value(gocfg_config *cfg, const char *path, size_t path_len,
                               char *buf, size_t buf_cap, gocfg_error **err);

/* Assigns each key of the wire-encoded map in data into the map at path,
 * as Python's dict.update does (keys are literal, not paths). */
int gocfg_config_merge(gocfg_config *cfg, const char *path, size_t path_len,
                       const char *data, size_t data_len, gocfg_error **err);

/*
 * Python's dict.setdefault, as one change: stores the value in
 * data[0..data_len) at path unless a value is there already, and writes
 * into *out the wire encoding of the value then at path as a read gives it
 * (the one found, or the one stored; a map is the single byte '.', as
 * gocfg_config_get_value writes it). Of several calls at one path, from
 * any threads, one stores and the others find its value. form says what
 * data is (enum gocfg_setdefault_form); a state keeps the values it marks
 * as secrets masked, as gocfg_config_graft does. Returns 1 when the value
 * was stored, 0 when one was found (nothing changed: a frozen config
 * refuses only a store), or a negative status. existing[0..existing_len)
 * is as for gocfg_config_set_value_within, checked before a store. Release
 * *out with gocfg_buffer_free().
 */
int gocfg_config_setdefault(gocfg_config *cfg, const char *path, size_t path_len,
                            const char *data, size_t data_len, int form,
                            const size_t *existing, size_t existing_len,
                            gocfg_buffer *out, gocfg_error **err);

/* gocfg_config_set_value that first makes sure, as one change, that the
 * first n segments of path name a value, for each n in
 * existing[0..existing_len) (else GOCFG_E_NOT_FOUND, and nothing is
 * stored; existing may be NULL when existing_len is 0). A binding passes
 * the parents of the segments that read as list indexes, so a write
 * through one creates no map keyed by it, even when another thread removes
 * the list just before. */
int gocfg_config_set_value_within(gocfg_config *cfg, const char *path, size_t path_len,
                                  const char *data, size_t data_len,
                                  const size_t *existing, size_t existing_len,
                                  gocfg_error **err);

/* Writes the wire encoding of the whole value at path (maps included) into
 * *out. Release *out with gocfg_buffer_free(). */
int gocfg_config_export(gocfg_config *cfg, const char *path, size_t path_len,
                        gocfg_buffer *out, gocfg_error **err);

/* gocfg_config_export() into the caller's buffer when the encoding fits:
 * returns its length n (>= 0) or a negative gocfg_status. When
 * n <= buf_cap the encoding is in buf[0..n) and *out is left empty;
 * otherwise it is in *out, as gocfg_config_export() writes it (release it
 * with gocfg_buffer_free(), which is a no-op on an empty *out). buf may
 * be NULL when buf_cap is 0. A small export (a config file's to_dict())
 * then costs no library buffer, whose fresh pages cost more than encoding
 * a few kilobytes. */
int64_t gocfg_config_export_to(gocfg_config *cfg, const char *path, size_t path_len,
                               char *buf, size_t buf_cap, gocfg_buffer *out,
                               gocfg_error **err);

/* Removes the value at path (a list item: the later items move up). */
int gocfg_config_delete(gocfg_config *cfg, const char *path, size_t path_len,
                        gocfg_error **err);

/* Removes the value at path, as gocfg_config_delete, and writes into *out
 * the wire encoding of the whole value removed (maps included), as a read
 * gives it (references resolved), as one change: of several calls at one
 * path, from any threads, one gets the value and the others
 * GOCFG_E_NOT_FOUND. A value that a read finds through a reference, which
 * no delete reaches, gives GOCFG_E_NOT_FOUND and changes nothing. Release
 * *out with gocfg_buffer_free(). */
int gocfg_config_pop(gocfg_config *cfg, const char *path, size_t path_len,
                     gocfg_buffer *out, gocfg_error **err);

/* Returns 1 when a value exists at path, 0 when not, or a negative status. */
int gocfg_config_contains(gocfg_config *cfg, const char *path, size_t path_len,
                          gocfg_error **err);

/* Returns the number of keys of the map (or items of the list) at path,
 * or a negative status. */
int64_t gocfg_config_len(gocfg_config *cfg, const char *path, size_t path_len,
                         gocfg_error **err);

/*
 * Calls that do not wait. Each of these does what the call without "try_"
 * does, except that when another call holds the config for a change (or
 * is waiting to), it returns GOCFG_E_BUSY at once, having done nothing,
 * where the other would wait. They are for a caller that must not block
 * where it is, such as a binding that holds an interpreter lock: it makes
 * the call again with the waiting form, after giving that lock up. A
 * read may also be turned away while another read is under way and a
 * change waits behind it.
 */
int gocfg_config_try_set(gocfg_config *cfg, const char *path, size_t path_len,
                         const char *val, size_t val_len, gocfg_error **err);
int gocfg_config_try_set_value(gocfg_config *cfg, const char *path, size_t path_len,
                               const char *data, size_t data_len, gocfg_error **err);
int64_t gocfg_config_try_get_value(gocfg_config *cfg, const char *path, size_t path_len,
                                   char *buf, size_t buf_cap, gocfg_error **err);
int gocfg_config_try_contains(gocfg_config *cfg, const char *path, size_t path_len,
                              gocfg_error **err);
int64_t gocfg_config_try_len(gocfg_config *cfg, const char *path, size_t path_len,
                             gocfg_error **err);

/*
 * Writes the keys of the map at path, in order, into *out in the wire
 * format (see "Wire format" above): a list of strings. Release *out with
 * gocfg_buffer_free(). Before issue 12 this was NUL-separated text; keys
 * may now hold NUL (JSON's "\u0000", TOML's and YAML's escapes), so only a
 * length-prefixed encoding keeps every key whole.
 */
int gocfg_config_keys(gocfg_config *cfg, const char *path, size_t path_len,
                      gocfg_buffer *out, gocfg_error **err);

/* Removes every key. */
int gocfg_config_clear(gocfg_config *cfg, gocfg_error **err);

/* Removes every key of the map stored at path, as one change: of the
 * writes other threads make meanwhile, those before it are all removed and
 * those after it all kept. A path holding no map as stored (a list, a
 * value, a reference to a map) gives GOCFG_E_TYPE_MISMATCH, a frozen
 * config GOCFG_E_FROZEN. */
int gocfg_config_clear_map(gocfg_config *cfg, const char *path, size_t path_len,
                           gocfg_error **err);

/*
 * Sets *out to the config's change counter: a 64-bit cell in library-owned
 * memory that takes a new, never-before-seen value on every change to the
 * config. Bindings read it (with an aligned 64-bit load) to keep a cache of
 * values valid without a call. The cell stays readable for the life of the
 * process, even after gocfg_config_free (cells are recycled, never freed;
 * a freed config's cell moves on to values its old readers never saw).
 * Never write to it.
 */
int gocfg_config_version_cell(gocfg_config *cfg, const uint64_t **out, gocfg_error **err);

/* ---------------------------------------------------------------- formats */

/*
 * Formats are named "json", "yaml", "toml", "env" and "ini". Where a call
 * takes a file name and the format is empty (length 0), the format comes
 * from the file's extension. A document that does not parse gives
 * GOCFG_E_PARSE with the file, line and column in the error; a file that
 * cannot be read or written gives GOCFG_E_IO with errno in sys_errno. A
 * call that reads a file whose name tells no format, given no format,
 * reports a missing file or a directory (GOCFG_E_IO, ENOENT or EISDIR)
 * before the missing format (GOCFG_E_INVALID_ARGUMENT).
 */

/* Parses the file into a new config in *out (free with gocfg_config_free). */
int gocfg_config_load(const char *file, size_t file_len, const char *format,
                      size_t format_len, gocfg_cancel *cancel, gocfg_config **out,
                      gocfg_error **err);

/* Parses text[0..text_len) into a new config in *out. */
int gocfg_config_loads(const char *text, size_t text_len, const char *format,
                       size_t format_len, gocfg_cancel *cancel, gocfg_config **out,
                       gocfg_error **err);

/*
 * Serializes the whole config in a format into *out (the seed's
 * create_data). Release *out with gocfg_buffer_free() (the seed's
 * free_data). A value the format cannot express (null in TOML, a nested map
 * in .env) gives GOCFG_E_TYPE_MISMATCH naming its path.
 */
int gocfg_config_dump(gocfg_config *cfg, const char *format, size_t format_len,
                      gocfg_buffer *out, gocfg_error **err);

/*
 * Writes the config to a file atomically: a temporary file in the same
 * directory is written, fsynced and renamed over the target, so a crash
 * leaves the old file or the new one, never a torn one. The file keeps the
 * mode of the one it replaces (new files: 0644, or 0600 with
 * GOCFG_SAVE_PRIVATE).
 */
int gocfg_config_save(gocfg_config *cfg, const char *file, size_t file_len,
                      const char *format, size_t format_len, int flags,
                      gocfg_error **err);

/* -------------------------------------------------------------- documents */
/*
 * A config is a mapping, read from one document. These calls read and
 * write what a config cannot hold: a stream of several documents (a YAML
 * file of Kubernetes manifests separated by "---") and documents whose
 * root is a list, a scalar or null (an Ansible playbook, a JSON array).
 *
 * gocfg_read_all reads a file (format as for gocfg_config_load: empty for
 * the extension's) and gocfg_reads_all text[0..text_len) (format
 * required). Both write into *out, in the wire format (see "Wire format"),
 * a list with one entry per document: its root, a dict, a list, a scalar,
 * or None for an empty YAML document. YAML gives one entry per document
 * (none for an empty stream); every other format gives exactly one, and
 * TOML, .env, INI, properties and HCL, whose roots are always maps, give
 * the same tree as gocfg_config_load. Strings and keys are checked as
 * every load checks them (valid UTF-8; NUL allowed). Return the number of
 * documents (>= 0), or a negative status: GOCFG_E_PARSE with the line and
 * column (an error inside a later document says "document N:", counting
 * from 0), GOCFG_E_IO, GOCFG_E_CANCELLED, GOCFG_E_INVALID_ARGUMENT for a
 * NULL out, an unknown format or a stream of more than 100,000 documents.
 * Release *out with gocfg_buffer_free().
 */
int64_t gocfg_read_all(const char *file, size_t file_len, const char *format,
                       size_t format_len, gocfg_cancel *cancel, gocfg_buffer *out,
                       gocfg_error **err);

int64_t gocfg_reads_all(const char *text, size_t text_len, const char *format,
                        size_t format_len, gocfg_cancel *cancel, gocfg_buffer *out,
                        gocfg_error **err);

/*
 * Writes documents in a format into *out (release with
 * gocfg_buffer_free()). data[0..data_len) is a wire-format list of roots,
 * as gocfg_read_all gives them. YAML (and yaml-1.1) writes a stream, a
 * "---" line between documents (nothing for an empty list); JSON writes one
 * document as itself and any other number as a JSON array of them; every
 * other format needs exactly one document with a map root and otherwise
 * gives GOCFG_E_TYPE_MISMATCH saying why (as does a value the format
 * cannot express, naming its path, "document N:" first in a stream).
 * data that is not a list gives GOCFG_E_TYPE_MISMATCH.
 */
int gocfg_dump_all(const char *data, size_t data_len, const char *format,
                   size_t format_len, gocfg_buffer *out, gocfg_error **err);

/* --------------------------------------------------------------- database */
/*
 * A database stores configs under names, with revisions, history,
 * compare-and-swap, queries and change events, on one of three backends
 * chosen by URL (the seed's db_open / db_query / db_close):
 *
 *   memory://                    in this process; each open is a new, empty store
 *   sqlite:///abs/path.db        one file (created with mode 0600), shared safely
 *   sqlite:rel/path.db, a/b.db   by processes; a string without a scheme is a path
 *   etcd://[user:pass@]host:port[,host:port...]/prefix[?ca=F&cert=F&key=F&tls=true]
 *
 * Every backend has the same semantics:
 *
 *  - Names are non-empty UTF-8 of at most 1024 bytes; '/' separates levels
 *    ("services/api"). Refused with GOCFG_E_INVALID_ARGUMENT: empty levels,
 *    the levels "." and "..", control characters, '*', ':' and '\'.
 *  - Revisions: the first save of a name is revision 1; each later save or
 *    delete adds one. Numbers are never reused, even after a delete.
 *  - Prefixes (names, watch) are level-wise: "" selects every name, "a"
 *    selects "a" and the names below it ("a/b", not "ab"), "a/" only those
 *    below it.
 *  - Errors: a missing name or revision gives GOCFG_E_NOT_FOUND; a failed
 *    compare-and-swap GOCFG_E_CONFLICT; an etcd cluster that cannot be
 *    reached, does not answer within the timeout, or fails the TLS
 *    handshake GOCFG_E_CONNECTION; refused credentials GOCFG_E_AUTH; other
 *    storage failures GOCFG_E_IO; a closed database GOCFG_E_CLOSED.
 *    Messages never contain a password.
 *  - Every call that talks to the store takes a `gocfg_cancel *cancel`
 *    (may be NULL) and returns GOCFG_E_CANCELLED once it is triggered.
 *  - A gocfg_db may be used from several threads at once.
 */

/*
 * Opens the store that url[0..url_len) names. opts may be NULL. On success
 * *out holds a handle that the caller releases with gocfg_db_close().
 * A malformed URL or option gives GOCFG_E_INVALID_ARGUMENT (the message
 * does not quote the URL's password); a sqlite file that others may read or
 * that belongs to another program is refused the same way.
 */
int gocfg_db_open(const char *url, size_t url_len, const gocfg_db_options *opts,
                  gocfg_cancel *cancel, gocfg_db **out, gocfg_error **err);

/*
 * Closes a database: ends its watches (their gocfg_db_watch_next returns
 * GOCFG_E_CLOSED), waits for the calls in progress on other threads, and
 * releases the handle. NULL and already-closed handles are harmless no-ops.
 * Watch handles stay valid until gocfg_db_watch_close().
 */
void gocfg_db_close(gocfg_db *db);

/*
 * Writes the store's URL without its password ("etcd://app@host:2379/cfg")
 * into *out, for messages. Release *out with gocfg_buffer_free().
 */
int gocfg_db_describe(gocfg_db *db, gocfg_buffer *out, gocfg_error **err);

/*
 * Saves a copy of cfg as the next revision of name; *out_revision (may be
 * NULL) receives that revision. expect_revision makes it a compare-and-swap:
 * -1 saves unconditionally, 0 requires that name does not exist, n > 0
 * requires that n is its latest revision; otherwise nothing is saved and
 * the call gives GOCFG_E_CONFLICT. A save is atomic: a crash leaves the old
 * revision or the new one, never a part of it.
 */
int gocfg_db_save(gocfg_db *db, const char *name, size_t name_len, gocfg_config *cfg,
                  int64_t expect_revision, gocfg_cancel *cancel, int64_t *out_revision,
                  gocfg_error **err);

/*
 * Loads revision `revision` of name (0: the latest) into a new config in
 * *out (free with gocfg_config_free); *out_revision (may be NULL) receives
 * the revision loaded. Dates, times and every other value type come back
 * exactly as saved.
 */
int gocfg_db_load(gocfg_db *db, const char *name, size_t name_len, int64_t revision,
                  gocfg_cancel *cancel, gocfg_config **out, int64_t *out_revision,
                  gocfg_error **err);

/*
 * Loads the latest revision of `count` names at once (at most 10,000):
 * `names` holds them one after the other, each followed by one NUL byte,
 * `names_len` bytes in all. out[i] (an array of `count` handles that the
 * caller provides) receives a new config for the i-th name (free each with
 * gocfg_config_free), or NULL when that name does not exist;
 * out_revisions[i] (may be NULL) its revision, or 0. A name given twice
 * gets two independent configs. Returns how many names were found (>= 0),
 * or a negative status, and then no config was made. On etcd the names
 * are read in one round trip per 32 names (two for those saved by a
 * version without head keys, see gocore/db/etcd) instead of one per name.
 */
int gocfg_db_load_many(gocfg_db *db, const char *names, size_t names_len, size_t count,
                       gocfg_cancel *cancel, gocfg_config **out, int64_t *out_revisions,
                       gocfg_error **err);

/* Removes name and its whole history. Its revision counter survives: a
 * later save of the same name continues after the delete's revision. */
int gocfg_db_delete(gocfg_db *db, const char *name, size_t name_len,
                    gocfg_cancel *cancel, gocfg_error **err);

/*
 * Writes the existing names selected by prefix, sorted bytewise, into *out,
 * each followed by one NUL byte. Release *out with gocfg_buffer_free().
 */
int gocfg_db_names(gocfg_db *db, const char *prefix, size_t prefix_len,
                   gocfg_cancel *cancel, gocfg_buffer *out, gocfg_error **err);

/*
 * Lists the stored revisions of name, oldest first, into *out as an array
 * of gocfg_db_revision: out->len / sizeof(gocfg_db_revision) entries at
 * (gocfg_db_revision *)out->data. Release *out with gocfg_buffer_free().
 */
int gocfg_db_history(gocfg_db *db, const char *name, size_t name_len,
                     gocfg_cancel *cancel, gocfg_buffer *out, gocfg_error **err);

/*
 * Runs a query, "<name-glob>:<path-glob>", over the latest revision of every
 * config (the seed's db_query). Returns the number of matching leaves
 * (>= 0), or a negative status. When rows is not NULL it receives the
 * matches in the wire format (see "Wire format" above): a list of
 * [name, path, value] lists, sorted by name, then path; release it with
 * gocfg_buffer_free(). A malformed query gives GOCFG_E_INVALID_ARGUMENT.
 *
 * Language: the name glob is split at '/' into levels; '*' within a level
 * matches any run of characters in it, a level "**" matches zero or more
 * levels. The path glob is a dot path; a segment '*' matches one key or list
 * index, '*' inside a segment any run of characters, a segment "**" zero or
 * more segments; a quoted segment is literal. Only leaves (scalars, empty
 * maps and lists) are returned. Examples: "svc-*:server.port", "**:**.port",
 * "*:**", "services/api:tags.*".
 */
int64_t gocfg_db_query(gocfg_db *db, const char *expr, size_t expr_len,
                       gocfg_cancel *cancel, gocfg_buffer *rows, gocfg_error **err);

/*
 * Starts watching the configs selected by prefix: every save and delete
 * made after this call returns, by any client of the store (other
 * processes, other machines for etcd), is queued for gocfg_db_watch_next,
 * in order per name. Release *out with gocfg_db_watch_close().
 */
int gocfg_db_watch_open(gocfg_db *db, const char *prefix, size_t prefix_len,
                        gocfg_db_watch **out, gocfg_error **err);

/*
 * Waits for the next event. timeout_ms < 0 waits without limit, 0 only
 * polls. Returns 1 with the event in *event (release event->name with
 * gocfg_buffer_free), 0 when the timeout passed with no event,
 * GOCFG_E_CLOSED once the watch or its database was closed,
 * GOCFG_E_CANCELLED when cancel was triggered, GOCFG_E_CONNECTION when the
 * store stopped the stream. The call blocks only the calling thread.
 */
int gocfg_db_watch_next(gocfg_db_watch *watch, int64_t timeout_ms, gocfg_cancel *cancel,
                        gocfg_db_event *event, gocfg_error **err);

/* Stops a watch and releases its handle. NULL and already-closed handles
 * are harmless no-ops. */
void gocfg_db_watch_close(gocfg_db_watch *watch);

/* ----------------------------------------------------------------- layers */
/*
 * A layered config is built from layers merged in order, each over the
 * ones before it: typically defaults, then files, then the environment,
 * then overrides. Maps merge key by key, down to the leaves; anything else
 * replaces what it meets, except that with GOCFG_LAYER_APPEND_LISTS a list
 * extends a list. Every layer call is one layer: it takes the next layer
 * number, and the config's change counter moves (see
 * gocfg_config_version_cell).
 *
 * Provenance. A layered config records, for every value, the origin of
 * each layer that set it (gocfg_config_history; the last one is the value
 * in force, gocfg_config_origin). A map's history lists the layers that
 * set or merged into it. Writes through the ordinary calls (set, merge,
 * delete, clear) record GOCFG_ORIGIN_SET. gocfg_config_copy keeps the
 * provenance. Configs made by gocfg_config_new/load/loads record none.
 *
 * Interpolation. With GOCFG_LAYER_INTERPOLATE, string values may hold
 * references, resolved on every read (get, get_value, export, type, len,
 * keys, contains; dump and save write the references as they are):
 *
 *     ${server.host}      the value at a dot path of the same config
 *     ${env:HOME}         an environment variable, from the snapshot given
 *     ${env:PORT,8080}    to gocfg_config_layered_new; after the first
 *                         comma, the text used when the variable is unset
 *     $${                 a literal "${"
 *
 * A string that is exactly one reference takes the referenced value, type
 * and all (a path reaching through it into a referenced map works); an
 * ${env:...} in that position is typed like the env layer's values.
 * References inside longer text are formatted (ints, floats as Python
 * prints them, true/false, null, ISO dates); a list or map there, a cycle,
 * a missing key or variable give GOCFG_E_INTERPOLATION, whose message names
 * the chain of paths ("reference cycle: a -> b -> a"). Because the
 * environment is a snapshot, a read gives the same answer until the config
 * changes, so caches keyed on the change counter stay valid.
 *
 * Typing. The env and override layers type each value as a YAML 1.2
 * (core schema) scalar would be: 9000 is an int, 1.5 a float, true/false
 * a bool, null/~ null, "[1, 2]" or "{a: 1}" (YAML flow, JSON too) a list or
 * map; a decimal with a leading zero ("007") and anything else stays a
 * string. A value starting with [ or { that does not parse is an error.
 * GOCFG_LAYER_RAW_STRINGS keeps every value a string.
 *
 * Freezing. gocfg_config_freeze makes a config read-only for good: every
 * call that would change it gives GOCFG_E_FROZEN. It applies to any
 * config, layered or not.
 */

/*
 * Creates an empty layered config in *out (free with gocfg_config_free).
 * env[0..env_len) is the process environment as "NAME=value" entries, each
 * followed by one NUL byte; the config keeps it as the snapshot that the
 * env layer and ${env:...} read (entries that are not valid UTF-8 are
 * ignored). env may be NULL with env_len 0 (an empty environment). flags:
 * GOCFG_LAYER_INTERPOLATE, GOCFG_LAYER_RAW_STRINGS (for ${env:...} and the
 * env layer).
 */
int gocfg_config_layered_new(int flags, const char *env, size_t env_len,
                             gocfg_config **out, gocfg_error **err);

/*
 * Merges the wire-encoded map data[0..data_len) into cfg as one layer of
 * the given kind (GOCFG_ORIGIN_DEFAULTS, _DICT, _TEXT or _FILE: the kind
 * the provenance reports) named name[0..name_len) (may be empty). flags:
 * GOCFG_LAYER_APPEND_LISTS. A value the tree cannot hold is refused as by
 * gocfg_config_set_value, and nothing is merged.
 */
int gocfg_config_merge_layer(gocfg_config *cfg, const char *data, size_t data_len,
                             int kind, const char *name, size_t name_len, int flags,
                             gocfg_error **err);

/*
 * Reads a file and merges it into cfg as one GOCFG_ORIGIN_FILE layer, with
 * the line and column of each value. The format is as for
 * gocfg_config_load. Returns 1 when the file was merged, 0 when it does not
 * exist and flags holds GOCFG_LAYER_OPTIONAL (nothing changes), or a
 * negative status: a missing required file gives GOCFG_E_IO with sys_errno
 * ENOENT; a parse error GOCFG_E_PARSE with the file, line and column.
 * flags: GOCFG_LAYER_OPTIONAL, GOCFG_LAYER_APPEND_LISTS. A .env file's
 * ${VAR} references are expanded from the file's own earlier variables and
 * then from cfg's environment snapshot (see gocfg_config_layered_new), as
 * python-dotenv and docker compose expand them from the process
 * environment; gocfg_config_load of a .env file expands from the file
 * alone, so that the same file always reads the same. gocfg_config_loads_layer
 * does the same as this call for a .env text.
 */
int gocfg_config_load_layer(gocfg_config *cfg, const char *file, size_t file_len,
                            const char *format, size_t format_len, int flags,
                            gocfg_cancel *cancel, gocfg_error **err);

/*
 * Reads a file as gocfg_config_load_layer does and merges only the map
 * under its top-level key section[0..section_len) (a profile's section,
 * such as "default" or "production"), as one GOCFG_ORIGIN_FILE layer with
 * the file's lines and columns. Returns 1 when merged, 0 when the file has
 * no such key (nothing changes), or a negative status: a missing file
 * gives GOCFG_E_IO (ENOENT), a section that is not a map
 * GOCFG_E_TYPE_MISMATCH naming the file and the section's line. flags:
 * GOCFG_LAYER_APPEND_LISTS.
 */
int gocfg_config_load_section_layer(gocfg_config *cfg, const char *file, size_t file_len,
                                    const char *format, size_t format_len,
                                    const char *section, size_t section_len, int flags,
                                    gocfg_cancel *cancel, gocfg_error **err);

/*
 * Parses text[0..text_len) in a format (required) and merges it as one
 * GOCFG_ORIGIN_TEXT layer named name[0..name_len) (positions are reported
 * against that name; empty gives "<text>"). flags:
 * GOCFG_LAYER_APPEND_LISTS.
 */
int gocfg_config_loads_layer(gocfg_config *cfg, const char *text, size_t text_len,
                             const char *format, size_t format_len,
                             const char *name, size_t name_len, int flags,
                             gocfg_cancel *cancel, gocfg_error **err);

/*
 * Applies the environment snapshot of cfg (see gocfg_config_layered_new)
 * as one layer: each variable named prefix + "_" + KEY (the prefix matched
 * regardless of case; the "_" is not doubled when the prefix ends with one)
 * sets the path made by splitting KEY at delimiter (NULL or empty: "__"):
 * APP_SERVER__PORT=9000 sets server.port to 9000, APP_LOG_LEVEL sets
 * log_level. Each segment takes the case of an existing key that equals it
 * regardless of case (an exact match first, else the first in order); a
 * segment that matches no key is created in lower case. Variables apply in
 * name order, so APP_DB comes before APP_DB__HOST. A digit segment indexes
 * a list. Values are typed (see "Typing") unless flags holds
 * GOCFG_LAYER_RAW_STRINGS or the config was made with it.
 *
 * Returns the number of variables applied (>= 0), or a negative status: an
 * empty prefix, or a name with an empty segment (APP___X), gives
 * GOCFG_E_INVALID_ARGUMENT; a value that does not parse GOCFG_E_PARSE; a
 * path through a scalar GOCFG_E_TYPE_MISMATCH. Each names the variable.
 * When a variable fails, those before it stay applied: discard the config.
 */
int gocfg_config_env_layer(gocfg_config *cfg, const char *prefix, size_t prefix_len,
                           const char *delimiter, size_t delimiter_len, int flags,
                           gocfg_error **err);

/*
 * Applies override items as one layer. items[0..items_len) holds
 * "path=value" entries, each followed by one NUL byte: the path is a dot
 * path, the value everything after the first '=' (blanks around both are
 * ignored), typed (see "Typing") unless flags holds GOCFG_LAYER_RAW_STRINGS.
 * Items apply in order. Returns the number of items applied, or a negative
 * status: an item without '=' or with an empty or malformed path gives
 * GOCFG_E_INVALID_ARGUMENT (nothing is applied); a value that does not
 * parse GOCFG_E_PARSE (nothing is applied); a path through a scalar
 * GOCFG_E_TYPE_MISMATCH (the items before it stay applied).
 */
int gocfg_config_override_layer(gocfg_config *cfg, const char *items, size_t items_len,
                                int flags, gocfg_error **err);

/*
 * Applies assignments from sources other than the process environment (a
 * .env file, a secrets directory, command-line flags) as one layer, each
 * with its own origin. data[0..data_len) is a wire list of rows
 * [key, value, kind, name, line, column]: kind, name, line and column are
 * the origin recorded (any kind but GOCFG_ORIGIN_NONE and _SET); key is
 * either a variable name, read by the env layer's rules (it must start
 * with prefix, matched regardless of case, else it is skipped; an empty
 * prefix takes every name whole; split at delimiter, NULL or empty
 * meaning "__"; segments take the case of existing keys; a str value is
 * typed unless flags holds GOCFG_LAYER_RAW_STRINGS), or a list of str, a
 * path set as it is with the value as given. Named rows apply in name
 * order, then path rows in order. Returns the number applied, or a
 * negative status as for gocfg_config_env_layer, each error naming the
 * row's origin; a value of a secret (by path, or a GOCFG_ORIGIN_SECRET
 * row) is never quoted.
 */
int gocfg_config_assign_layer(gocfg_config *cfg, const char *prefix, size_t prefix_len,
                              const char *delimiter, size_t delimiter_len,
                              const char *data, size_t data_len, int flags,
                              gocfg_error **err);

/*
 * Reads the secrets directory dir[0..dir_len) (one file per key, as Docker
 * and Kubernetes mount secrets) and applies it as one layer, each value
 * with a GOCFG_ORIGIN_SECRET origin naming its file. A file's name is the
 * key, read as gocfg_config_assign_layer reads a variable name with an
 * empty prefix (split at delimiter, NULL or empty meaning "__": the file
 * db__password sets db.password); its text, one final newline removed, is
 * the value, always a str (never typed). Names starting with "." (where
 * Kubernetes keeps its bookkeeping) and directories are skipped; symbolic
 * links are followed. Returns the number of values applied, 0 when the
 * directory does not exist or holds no file (nothing changes), or a
 * negative status. A fault in reading applies nothing: a path that is not a directory, a
 * file that cannot be opened or is not a regular file (a FIFO is never
 * waited on) gives GOCFG_E_IO with sys_errno set (ENOENT for a symbolic
 * link to nothing, ELOOP for a loop of them); a file over 1 MiB, more than
 * 1000 files or more than 16 MiB in all, a file name or content that is
 * not UTF-8 text or holds NUL gives GOCFG_E_INVALID_ARGUMENT; an empty
 * dir GOCFG_E_INVALID_ARGUMENT; a triggered cancel GOCFG_E_CANCELLED.
 * A file name that cannot be a key fails as a variable name does in
 * gocfg_config_assign_layer. No message quotes a secret's content.
 */
int gocfg_config_secrets_layer(gocfg_config *cfg, const char *dir, size_t dir_len,
                               const char *delimiter, size_t delimiter_len,
                               gocfg_cancel *cancel, gocfg_error **err);

/*
 * Fills *out with the origin of the value in force at path (the last entry
 * of its history). A path with no history of its own (reached through a
 * reference, or inside a value set whole) reports its nearest ancestor's.
 * kind is GOCFG_ORIGIN_NONE when the config records no provenance. A path
 * with no value gives GOCFG_E_NOT_FOUND. Release out->name with
 * gocfg_buffer_free().
 */
int gocfg_config_origin(gocfg_config *cfg, const char *path, size_t path_len,
                        gocfg_origin *out, gocfg_error **err);

/*
 * Writes the history of path, oldest first, into *out in the wire format:
 * a list of [kind, name, line, column, layer] lists (empty when the config
 * records no provenance). Returns the number of entries (>= 0) or a
 * negative status. Release *out with gocfg_buffer_free().
 */
int64_t gocfg_config_history(gocfg_config *cfg, const char *path, size_t path_len,
                             gocfg_buffer *out, gocfg_error **err);

/*
 * Lists the leaves at and below path (scalars, empty maps, and lists, each
 * list as one leaf) into *out in the wire format: a list of
 * [path, value, kind, name, line, column, error, layer] lists in tree order,
 * where value is resolved and kind..column and layer are the origin of the
 * value in force (layer as gocfg_origin's).
 * A reference that fails to resolve does not fail the call: its leaf keeps
 * the stored string and error holds the message (otherwise None). Returns
 * the number of leaves or a negative status. Release *out with
 * gocfg_buffer_free().
 */
int64_t gocfg_config_explain(gocfg_config *cfg, const char *path, size_t path_len,
                             gocfg_buffer *out, gocfg_error **err);

/*
 * gocfg_config_explain for the first max_rows leaves only (0 or more): the
 * list in *out holds at most max_rows rows, and the leaves after them are
 * counted, not resolved or copied (a display of a few hundred rows of a
 * huge config). Returns the number of leaves in all, or a negative status
 * (GOCFG_E_INVALID_ARGUMENT for a negative max_rows). Release *out with
 * gocfg_buffer_free().
 */
int64_t gocfg_config_explain_first(gocfg_config *cfg, const char *path, size_t path_len, int64_t max_rows,
                                   gocfg_buffer *out, gocfg_error **err);

/* Replaces every ${...} reference in cfg by its value, at once. On error
 * (GOCFG_E_INTERPOLATION) nothing changes. A no-op without interpolation. */
int gocfg_config_resolve(gocfg_config *cfg, gocfg_error **err);

/* Makes cfg read-only for good; later changes give GOCFG_E_FROZEN.
 * Freezing twice is harmless. gocfg_config_copy gives a mutable copy. */
int gocfg_config_freeze(gocfg_config *cfg, gocfg_error **err);

/* Returns 1 when cfg is frozen, 0 when not, or a negative status. */
int gocfg_config_is_frozen(gocfg_config *cfg, gocfg_error **err);

/*
 * Compares the values reads give (references resolved) of a and b, and
 * writes the differences from a to b into *out in the wire format: a list
 * of [op, path, old, new] lists, op being "added" (old is None), "removed"
 * (new is None) or "changed". Maps are compared down to their leaves;
 * lists and scalars whole (NaN equals NaN). Returns the number of
 * differences (0: equal) or a negative status. Release *out with
 * gocfg_buffer_free().
 */
int64_t gocfg_config_diff(gocfg_config *a, gocfg_config *b, gocfg_buffer *out,
                          gocfg_error **err);

/*
 * Writes everything about cfg (data with references unresolved, provenance,
 * settings, the frozen flag) into *out, for pickling: a wire-format map
 * (gocore/store.MarshalState). The environment snapshot is left out: it may
 * hold any secret of the process. Release *out with gocfg_buffer_free().
 */
int gocfg_config_serialize(gocfg_config *cfg, gocfg_buffer *out, gocfg_error **err);

/*
 * Writes into *out what tells which values of cfg to mask beside those of
 * secret keys, without the rest of its state: the wire-format list
 * [interpolate, files, refs]. files lists the paths (lists of segments)
 * of the values, other than maps, last set by a secret file (a secrets
 * directory); refs, when cfg interpolates, the [path, text] of every
 * string holding "${" (gocore/store.SecretInputs). Release *out with
 * gocfg_buffer_free().
 */
int gocfg_config_secret_inputs(gocfg_config *cfg, gocfg_buffer *out, gocfg_error **err);

/*
 * Makes a new config in *out from what gocfg_config_serialize wrote (free
 * with gocfg_config_free). env[0..env_len) is its environment snapshot, as
 * for gocfg_config_layered_new (normally the reading process's). Bytes
 * that are not such a state give GOCFG_E_INVALID_ARGUMENT.
 */
int gocfg_config_deserialize(const char *data, size_t data_len, const char *env,
                             size_t env_len, gocfg_config **out, gocfg_error **err);

/*
 * Stores a copy at path: state[0..state_len) is what
 * gocfg_config_serialize writes (the binding makes it from a Section).
 * Its data is set at path whole, or, when merge is nonzero, assigned key
 * by key into the map there (as gocfg_config_merge). Of its origins only
 * those of kind "secret" are kept, on the values they mark, so a copied
 * secret stays masked in cfg; cfg records provenance from then on if it
 * did not. Bytes that are not such a state give GOCFG_E_INVALID_ARGUMENT.
 */
int gocfg_config_graft(gocfg_config *cfg, const char *path, size_t path_len,
                       const char *state, size_t state_len, int merge, gocfg_error **err);

/* ----------------------------------------------------------------- schema */

/*
 * Checks the value at path in cfg (path_len 0: the whole config), as reads
 * see it (references resolved), against the JSON Schema in
 * schema[0..schema_len) (JSON text; draft 2020-12 unless its "$schema"
 * names draft 4, 6, 7 or 2019-09). flags: 0 or GOCFG_SCHEMA_ASSERT_FORMAT.
 *
 * resources[0..resources_len) is optional (NULL/0: none): a JSON object
 * mapping absolute URLs to schema documents that "$ref" may reach. Nothing
 * else is ever fetched: a reference to any other document, over the
 * network or on disk, makes the schema invalid.
 *
 * Returns the number of violations (0: valid) or a negative status. On
 * success *out holds, in the wire format, a list of at most 1000 (the
 * first, in path order) of them, each
 * [path, keyword, message, masked_message, schema_location, kind, name,
 *  line, column]:
 *   path             the full dot path in cfg ("" for the root)
 *   keyword          the schema keyword that failed ("type", "required"...)
 *   message          may quote the value
 *   masked_message   the same without the value, for secrets
 *   schema_location  "#/properties/port/minimum" (a URL before the "#"
 *                    when the keyword is in a resource)
 *   kind..column     the origin of the value in force at path, as
 *                    gocfg_config_origin gives it (kind GOCFG_ORIGIN_NONE
 *                    when the config records no provenance)
 * Release *out with gocfg_buffer_free() (it is written, possibly with an
 * empty list, whenever the call succeeds).
 *
 * Errors: GOCFG_E_PARSE when schema or a resource is not JSON;
 * GOCFG_E_INVALID_ARGUMENT when it is not a valid schema, a "$ref" reaches
 * outside, it nests deeper than GOCFG_MAX_DEPTH, or it is over the
 * document size limit; GOCFG_E_NOT_FOUND when path holds no value;
 * GOCFG_E_INTERPOLATION when a reference fails to resolve;
 * GOCFG_E_CANCELLED when cancel was triggered.
 */
int64_t gocfg_config_validate(gocfg_config *cfg, const char *path, size_t path_len,
                              const char *schema, size_t schema_len, const char *resources,
                              size_t resources_len, int flags, gocfg_cancel *cancel,
                              gocfg_buffer *out, gocfg_error **err);

/* ------------------------------------------------------------------- live */
/*
 * A live configuration is a layered config (see "layers") that follows its
 * sources: when a file changes on disk (saved in place or by rename, a
 * symbolic link swapped as Kubernetes updates a ConfigMap, deleted and
 * created again, an optional file appearing or going) or a stored config
 * gets a new revision in its database, the whole layer stack is rebuilt
 * off to the side after a quiet period (the debounce), checked, and put
 * in force at once. Readers of the config, in any thread, see the old
 * configuration or the new one, never a mix; its change counter moves
 * (gocfg_config_version_cell). Defaults, text, the environment snapshot,
 * assignments and overrides are taken once, at open, and merged again
 * unchanged; .env files, secrets directories and sections are watched as
 * files are.
 *
 * Events. Every outcome is queued, in order, for gocfg_live_next, as a
 * wire-format list (see "Wire format"):
 *
 *   [kind, seq, time_unix_ns, version, forced, dropped, sources, changes, error]
 *
 * kind is "applied" (a rebuilt configuration is in force; version is the
 * config's change counter after it), "rejected" (a source did not read
 * or parse, or the candidate was rejected: the configuration in force
 * stayed), "pending" (GOCFG_LIVE_MANUAL: a candidate waits for commit or
 * reject) or "failed" (a source can no longer be watched: its database
 * was closed, a directory cannot be watched). seq numbers events 1, 2, ...;
 * forced is True for an event caused by gocfg_live_reload; dropped counts
 * the events lost before this one because nobody read the queue (at most
 * 256 wait; a pending event is never dropped). sources lists the watched
 * layers whose content changed (file names as given, "URL NAME" for
 * stored configs). changes lists [op, path, old, new, old_origin,
 * new_origin], op "added", "removed" or "changed", with old or new None on
 * the side that does not exist and each origin [kind, name, line, column,
 * layer] as gocfg_config_history lists them (None when unknown). error is
 * None or [message, file, line, column]: a parse error names the file,
 * line and column ("" and 0 when unknown).
 *
 * Validation. With GOCFG_LIVE_MANUAL, nothing is put in force without the
 * caller's word: each rebuild that changes some value (and each reload) is
 * a "pending" event whose candidate config (frozen) the caller reads and
 * then commits or rejects. No other rebuild is made while one is pending;
 * changes made meanwhile are looked at once it is decided.
 */

/*
 * Opens a live configuration. spec[0..spec_len) is a wire-format list of
 * layers, in order (later wins), each a list whose first item is its kind
 * and whose last item its gocfg_live_layer_flags:
 *
 *   ["file", path, format, flags]        format "" picks it from the extension
 *   ["stored", db, name, flags]          db: a gocfg_db handle as an int
 *   ["map", "defaults" or "dict", name, map, flags]
 *   ["text", text, format, name, flags]
 *   ["env", prefix, delimiter, flags]    as gocfg_config_env_layer
 *   ["overrides", [item, ...], flags]    as gocfg_config_override_layer
 *   ["envfile", path, prefix, delimiter, flags]  a .env file read as variables
 *                                        below the environment (prefix "": every name);
 *                                        watched; missing: skipped
 *   ["secrets", directory, delimiter, flags]  one file per key; watched
 *   ["section", path, format, section, flags]  the map under a top-level key; watched
 *   ["assign", [[segs, value, origin_kind, origin_name, line, column], ...], flags]
 *                                        fixed assignments (command-line flags)
 *
 * env[0..env_len) is the environment snapshot, as for
 * gocfg_config_layered_new. flags: GOCFG_LAYER_INTERPOLATE,
 * GOCFG_LAYER_RAW_STRINGS, GOCFG_LIVE_MANUAL. debounce_ms: how long the
 * sources must stay quiet before a rebuild (0: 100 ms; at most one hour).
 *
 * On success *out holds the live handle (release with gocfg_live_close)
 * and *out_config the config it keeps in step (release with
 * gocfg_config_free; it stays readable, with the last configuration put in
 * force, after gocfg_live_close). The config is a layered config like any
 * other: writes to it last until the next rebuild (freeze it to refuse
 * them; rebuilds replace a frozen config all the same). A database named
 * by a "stored" layer must stay open until gocfg_live_close: if it is
 * closed first, a "failed" event is queued and its changes are no longer
 * seen. The sources are read once before the call returns: a missing
 * required file gives GOCFG_E_IO (sys_errno ENOENT), a parse error
 * GOCFG_E_PARSE with the file, line and column, a missing stored config
 * GOCFG_E_NOT_FOUND, a malformed spec GOCFG_E_INVALID_ARGUMENT naming
 * the layer. cancel (may be NULL) stops the wait for the sources.
 */
int gocfg_live_open(const char *spec, size_t spec_len, int flags, const char *env, size_t env_len,
                    int64_t debounce_ms, gocfg_cancel *cancel, gocfg_live **out,
                    gocfg_config **out_config, gocfg_error **err);

/*
 * Waits for the next event. timeout_ms < 0 waits without limit, 0 only
 * polls. Returns 1 with the event in *out (release with gocfg_buffer_free),
 * 0 when the timeout passed with no event, GOCFG_E_CLOSED once the live
 * configuration was closed and the events queued before were read,
 * GOCFG_E_CANCELLED when cancel was triggered. For a "pending" event,
 * *out_candidate receives a new config handle holding the candidate
 * (frozen; release it with gocfg_config_free whatever is decided), which
 * names it to gocfg_live_commit or gocfg_live_reject; otherwise it is set
 * to NULL. out_candidate must not be NULL. Each event is delivered once,
 * to one caller; the call blocks only the calling thread.
 */
int gocfg_live_next(gocfg_live *live, int64_t timeout_ms, gocfg_cancel *cancel, gocfg_buffer *out,
                    gocfg_config **out_candidate, gocfg_error **err);

/*
 * Puts the pending candidate in force: the live config takes its values
 * and provenance at once, and an "applied" event is queued (when some value
 * changed, or the candidate came from gocfg_live_reload). When out is not
 * NULL it receives that event (release with gocfg_buffer_free). candidate
 * must be the handle that gocfg_live_next gave with the latest pending
 * event, and is still released by the caller. A candidate already decided
 * or replaced by a newer one gives GOCFG_E_INVALID_ARGUMENT.
 */
int gocfg_live_commit(gocfg_live *live, gocfg_config *candidate, gocfg_buffer *out, gocfg_error **err);

/*
 * Discards the pending candidate: the configuration in force stays, and a
 * "rejected" event carrying reason[0..reason_len) (UTF-8; empty:
 * "rejected") is queued, and written to *out when out is not NULL. The
 * same content of the sources is not offered again; the next change is.
 * Errors as for gocfg_live_commit.
 */
int gocfg_live_reject(gocfg_live *live, gocfg_config *candidate, const char *reason, size_t reason_len,
                      gocfg_buffer *out, gocfg_error **err);

/*
 * Rebuilds from the sources now, whatever changed, and decides as the
 * watcher does: without GOCFG_LIVE_MANUAL the result is put in force (an
 * "applied" event, even with no change) or, when a source does not read
 * or parse, refused (a "rejected" event); with it, a "pending" event is
 * queued, whose candidate gocfg_live_next hands out. Returns 1 with that
 * event in *out (release with gocfg_buffer_free; out may be NULL), 0 when
 * there was none, GOCFG_E_CLOSED after gocfg_live_close, GOCFG_E_CANCELLED
 * when cancel was triggered. The event is queued for gocfg_live_next too.
 */
int gocfg_live_reload(gocfg_live *live, gocfg_cancel *cancel, gocfg_buffer *out, gocfg_error **err);

/*
 * Stops watching and releases the handle: every goroutine of the live
 * configuration has ended when it returns, and a gocfg_live_next waiting
 * on another thread returns GOCFG_E_CLOSED. The config from
 * gocfg_live_open stays valid (until gocfg_config_free) with the last
 * configuration put in force. NULL and already-closed handles are
 * harmless no-ops.
 */
void gocfg_live_close(gocfg_live *live);

#endif /* GOCFG_TYPES_ONLY */

#ifdef __cplusplus
}
#endif

#endif /* GOCFG_H */
