/*
 * gocfg._hot: the per-call hot path, without cffi.
 *
 * A short call into the library (a membership test, a string write, a
 * small read) takes ~150 ns in Go; cffi releases and retakes the GIL
 * around every call, and that hand-off costs more than the call (README,
 * "Why the binding is what it is"). These functions call the same exports
 * keeping the GIL, and do the little Python-level work of the common case
 * (encoding a str key, building a bool) in C.
 *
 * The rules that keep them small and safe:
 *
 *  - Only the common case is handled here. Anything unusual (a key that
 *    is not an exact str, a str that UTF-8 cannot encode, a long value,
 *    any failed call) returns to Python: the raw calls return the status
 *    or a marker, the item calls call the Python fallback that gocfg._capi
 *    registered with setup(). Errors are never built here: a failed call
 *    is made again by Python with an error cell (gocfg._capi, "Hot calls
 *    without an error cell"), so every exception comes from one place.
 *  - Status codes are not declared here: setup() receives the one this
 *    file needs (GOCFG_E_NOT_FOUND) from gocfg._capi, which reads it from
 *    the library.
 *  - The GIL is kept: a call holds it for the ~150 ns of the Go call, no
 *    Python code runs in the middle, so nothing here is shared between
 *    calls except what setup() stored (changed only by setup(), under the
 *    GIL). So a call here must never wait for the store's lock, or a long
 *    write on another thread would hold every Python thread meanwhile:
 *    these functions call the gocfg_config_try_* exports, which give
 *    GOCFG_E_BUSY at once when the lock is taken, and a busy call, like
 *    any failed one, goes back to Python, which makes it again through
 *    cffi, waiting with the GIL released (bench/hot_stall.py measures
 *    the difference). Go never calls back into Python.
 *  - Nothing here is called in a process forked after the library was
 *    loaded: gocfg._native puts gocfg._forklib.ForkedHot in this module's
 *    place there.
 *
 * Handles arrive as Python ints (a Config keeps its handle as an int in
 * _hid beside the cffi pointer in _h): the library's handles are registry
 * ids, not addresses, and a freed one never becomes valid again, so an
 * int of a closed Config only makes the call fail (and Python then raises
 * the Config's ClosedError).
 *
 * Written against the limited API of Python 3.9 (one abi3 module for
 * every CPython from 3.9): no METH_FASTCALL, no PyUnicode_AsUTF8AndSize,
 * no vectorcall; arguments come as tuples and str keys are encoded into a
 * bytes object.
 */
/* Py_LIMITED_API (0x03090000) comes from setup.py, which leaves it out for
 * a free-threaded CPython: that build has no Limited API, and the module is
 * then built for its one version. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>
#ifndef _WIN32
#include <signal.h>
#endif

#include "gocfg.h"

/* Values longer than this are read by Python, through cffi: the call that
 * copies them then runs without the GIL. It is the size of the buffer on
 * the C stack that a read copies into. */
#define HOT_READ_MAX 512

/* Set by setup(). */
static long e_not_found = 1;     /* GOCFG_E_NOT_FOUND; 1 is no status */
static PyObject *retry = NULL;   /* what read() returns to say "Python, do this one" */
static PyObject *contains_fallback = NULL; /* (owner, key) -> bool */
static PyObject *setitem_fallback = NULL;  /* (owner, key, value) -> None */
static PyObject *read_fallback = NULL;     /* (owner, h, path, missing, load) -> value */
static PyObject *marshal_loads = NULL;     /* the one load that read decodes scalars for */
static PyObject *hid_name = NULL;          /* "_hid" */

static int
handle_arg(PyObject *o, gocfg_config **out)
{
    void *p = PyLong_AsVoidPtr(o);
    if (p == NULL && PyErr_Occurred())
        return -1;
    *out = (gocfg_config *)p;
    return 0;
}

/* The handle of a Config (its _hid), or 0 with no exception set when it
 * has none yet (Python then takes the call). Read with the generic lookup:
 * _hid is a slot of Config's, and PyObject_GetAttr would first go through
 * the hook that Section.__getattr__ installs (~10 ns more). */
static int
owner_handle(PyObject *owner, gocfg_config **out)
{
    PyObject *hid = PyObject_GenericGetAttr(owner, hid_name);
    if (hid == NULL) {
        PyErr_Clear();
        return 0;
    }
    void *p = PyLong_AsVoidPtr(hid);
    Py_DECREF(hid);
    if (p == NULL) {
        PyErr_Clear();
        return 0;
    }
    *out = (gocfg_config *)p;
    return 1;
}

/* The UTF-8 bytes of an exact str, or NULL with no exception set when
 * Python should take the call (a subclass, a lone surrogate). */
static PyObject *
exact_str_utf8(PyObject *s)
{
    if (!PyUnicode_CheckExact(s))
        return NULL;
    PyObject *b = PyUnicode_AsUTF8String(s);
    if (b == NULL)
        PyErr_Clear();
    return b;
}

static int
bytes_arg(PyObject *b, char **data, Py_ssize_t *len)
{
    return PyBytes_AsStringAndSize(b, data, len);
}

/* ------------------------------------------------------------ raw calls
 * The exports themselves, with bytes already encoded by Python: the hot
 * calls of gocfg._capi (config_contains, config_len, config_set_text,
 * config_set, config_read). Each returns what the export returned (a
 * status, a count); Python decides what a negative one means. */

static PyObject *
hot_contains(PyObject *self, PyObject *args)
{
    PyObject *hid, *path;
    gocfg_config *h;
    char *p;
    Py_ssize_t n;
    (void)self;
    if (!PyArg_UnpackTuple(args, "contains", 2, 2, &hid, &path) || handle_arg(hid, &h) < 0
        || bytes_arg(path, &p, &n) < 0)
        return NULL;
    return PyLong_FromLong(gocfg_config_try_contains(h, p, (size_t)n, NULL));
}

static PyObject *
hot_len(PyObject *self, PyObject *args)
{
    PyObject *hid, *path;
    gocfg_config *h;
    char *p;
    Py_ssize_t n;
    (void)self;
    if (!PyArg_UnpackTuple(args, "len", 2, 2, &hid, &path) || handle_arg(hid, &h) < 0
        || bytes_arg(path, &p, &n) < 0)
        return NULL;
    return PyLong_FromLongLong(gocfg_config_try_len(h, p, (size_t)n, NULL));
}

/* version_cell(hid) -> the config's change counter as a one-item
 * memoryview of format "Q" over library memory (what gocfg._capi's
 * version_cell gives, without cffi's pointer cell and buffer object:
 * every new Config asks for it), or None when the call failed (Python
 * makes it again with an error cell). The library never gives a counter
 * cell back to the system (gocore/cmem/cells.go), so the view stays
 * readable after the config is freed. */
static PyObject *q_format = NULL; /* "Q" */

/* PyMemoryView_FromMemory is in the limited API from 3.3, but its flag
 * only joined the limited headers in 3.11; the value is part of the
 * stable ABI and the same in every version. */
#ifndef PyBUF_READ
#define PyBUF_READ 0x100
#endif

static PyObject *
cell_view(gocfg_config *h)
{
    const uint64_t *cell = NULL;
    if (gocfg_config_version_cell(h, &cell, NULL) != 0 || cell == NULL)
        Py_RETURN_NONE;
    /* Read-only: Python only ever reads the counter. */
    PyObject *bytes_view = PyMemoryView_FromMemory((char *)cell, sizeof *cell, PyBUF_READ);
    if (bytes_view == NULL)
        return NULL;
    PyObject *view = PyObject_CallMethod(bytes_view, "cast", "O", q_format);
    Py_DECREF(bytes_view);
    return view;
}

static PyObject *
hot_version_cell(PyObject *self, PyObject *hid)
{
    gocfg_config *h;
    (void)self;
    if (handle_arg(hid, &h) < 0)
        return NULL;
    return cell_view(h);
}

typedef int (*set_fn)(gocfg_config *, const char *, size_t, const char *, size_t, gocfg_error **);

static PyObject *
hot_set_with(set_fn fn, const char *name, PyObject *args)
{
    PyObject *hid, *path, *data;
    gocfg_config *h;
    char *p, *d;
    Py_ssize_t n, dn;
    if (!PyArg_UnpackTuple(args, name, 3, 3, &hid, &path, &data) || handle_arg(hid, &h) < 0
        || bytes_arg(path, &p, &n) < 0 || bytes_arg(data, &d, &dn) < 0)
        return NULL;
    return PyLong_FromLong(fn(h, p, (size_t)n, d, (size_t)dn, NULL));
}

static PyObject *
hot_set(PyObject *self, PyObject *args)
{
    (void)self;
    return hot_set_with(gocfg_config_try_set, "set", args);
}

static PyObject *
hot_set_value(PyObject *self, PyObject *args)
{
    (void)self;
    return hot_set_with(gocfg_config_try_set_value, "set_value", args);
}

/* Little-endian integers of the wire format. */
static uint32_t
le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The value of a wire encoding that is one str, int (32-bit), float, bool
 * or None, built here as marshal.loads builds it (marshal version 2, the
 * subset gocore/wire writes: TYPE_UNICODE 'u' with a 32-bit length and
 * UTF-8 decoded with "surrogatepass", TYPE_INT 'i', TYPE_BINARY_FLOAT 'g',
 * 'T', 'F', 'N'), or NULL with no exception set for anything else, which
 * marshal.loads then reads (maps, lists, dates, longer ints, an encoding
 * with flags). These are most values read, and calling marshal.loads on
 * a bytes copy costs as much again as the whole Go call. */
static PyObject *
decode_scalar(const unsigned char *b, int64_t n)
{
    if (n == 1) {
        switch (b[0]) {
        case 'N':
            Py_RETURN_NONE;
        case 'T':
            Py_RETURN_TRUE;
        case 'F':
            Py_RETURN_FALSE;
        }
        return NULL;
    }
    if (n == 5 && b[0] == 'i')
        return PyLong_FromLong((long)(int32_t)le32(b + 1));
    if (n == 9 && b[0] == 'g') {
        uint64_t bits = (uint64_t)le32(b + 1) | (uint64_t)le32(b + 5) << 32;
        double d;
        memcpy(&d, &bits, sizeof d);
        return PyFloat_FromDouble(d);
    }
    if (n >= 5 && b[0] == 'u' && (int64_t)le32(b + 1) == n - 5)
        return PyUnicode_DecodeUTF8((const char *)b + 5, (Py_ssize_t)(n - 5), "surrogatepass");
    return NULL;
}

/* load(the bytes): decoded here when load is marshal.loads and the value
 * is a scalar, else by load itself. */
static PyObject *
load_value(PyObject *load, const char *buf, int64_t n)
{
    if (load == marshal_loads) {
        PyObject *v = decode_scalar((const unsigned char *)buf, n);
        if (v != NULL || PyErr_Occurred())
            return v;
    }
    PyObject *data = PyBytes_FromStringAndSize(buf, (Py_ssize_t)n);
    if (data == NULL)
        return NULL;
    PyObject *v = PyObject_CallFunctionObjArgs(load, data, NULL);
    Py_DECREF(data);
    return v;
}

/* The value at path, read into a buffer on the C stack: load(its wire
 * bytes), or missing when nothing is there, or NULL with no exception set
 * when Python must make the call (a value longer than the buffer, a
 * failure). */
static PyObject *
read_short(gocfg_config *h, PyObject *path, PyObject *missing, PyObject *load)
{
    char *p;
    Py_ssize_t n;
    char buf[HOT_READ_MAX];
    if (bytes_arg(path, &p, &n) < 0)
        return NULL;
    int64_t got = gocfg_config_try_get_value(h, p, (size_t)n, buf, sizeof buf, NULL);
    if (got >= 0 && got <= (int64_t)sizeof buf)
        return load_value(load, buf, got);
    if (got == e_not_found) {
        Py_INCREF(missing);
        return missing;
    }
    return NULL;
}

/* read(hid, path, missing, load): load(the wire bytes of the value at
 * path), or missing when nothing is there, or the retry marker when
 * Python must make the call (a value longer than HOT_READ_MAX, a
 * failure). */
static PyObject *
hot_read(PyObject *self, PyObject *args)
{
    PyObject *hid, *path, *missing, *load;
    gocfg_config *h;
    (void)self;
    if (!PyArg_UnpackTuple(args, "read", 4, 4, &hid, &path, &missing, &load) || handle_arg(hid, &h) < 0)
        return NULL;
    PyObject *v = read_short(h, path, missing, load);
    if (v != NULL || PyErr_Occurred())
        return v;
    Py_INCREF(retry);
    return retry;
}

/* ----------------------------------------------------------- item calls
 * Config's own `key in cfg` and `cfg[key] = value` for the common case
 * (an exact str key, and for writes a str value and a key without a
 * dot), taking the whole call in C; everything else goes to the Python
 * fallback registered by setup(), which is the full Python implementation
 * (the closed check, tuple paths, list indexes, error messages). */

static PyObject *
call_fallback(PyObject *fn, PyObject *args)
{
    return PyObject_CallObject(fn, args);
}

static PyObject *
hot_contains_item(PyObject *self, PyObject *args)
{
    PyObject *owner, *key;
    gocfg_config *h;
    (void)self;
    if (!PyArg_UnpackTuple(args, "contains_item", 2, 2, &owner, &key))
        return NULL;
    if (!owner_handle(owner, &h))
        return call_fallback(contains_fallback, args);
    PyObject *p = exact_str_utf8(key);
    if (p == NULL)
        return call_fallback(contains_fallback, args);
    int rc = gocfg_config_try_contains(h, PyBytes_AsString(p), (size_t)PyBytes_Size(p), NULL);
    Py_DECREF(p);
    if (rc < 0)
        return call_fallback(contains_fallback, args);
    return PyBool_FromLong(rc == 1);
}

static PyObject *
hot_setitem(PyObject *self, PyObject *args)
{
    PyObject *owner, *key, *value;
    gocfg_config *h;
    (void)self;
    if (!PyArg_UnpackTuple(args, "setitem", 3, 3, &owner, &key, &value))
        return NULL;
    if (!PyUnicode_CheckExact(value) || !owner_handle(owner, &h))
        return call_fallback(setitem_fallback, args);
    PyObject *p = exact_str_utf8(key);
    if (p == NULL)
        return call_fallback(setitem_fallback, args);
    const char *pp = PyBytes_AsString(p);
    Py_ssize_t pn = PyBytes_Size(p);
    /* A dotted key may name a list index whose map must exist, which the
     * Python path checks first (see Config.__setitem__); the empty path is
     * the whole Config, which Python refuses to replace. */
    if (pn == 0 || memchr(pp, '.', (size_t)pn) != NULL) {
        Py_DECREF(p);
        return call_fallback(setitem_fallback, args);
    }
    PyObject *v = exact_str_utf8(value);
    if (v == NULL) {
        Py_DECREF(p);
        return call_fallback(setitem_fallback, args);
    }
    int rc = gocfg_config_try_set(h, pp, (size_t)pn, PyBytes_AsString(v), (size_t)PyBytes_Size(v), NULL);
    Py_DECREF(p);
    Py_DECREF(v);
    if (rc != 0)
        return call_fallback(setitem_fallback, args);
    Py_RETURN_NONE;
}

/* read_item(config, h, path, missing, load): config_read for Config's
 * uncached cfg[key] (config's handle from its _hid); what Python must
 * read goes to the read fallback, with the same arguments. */
static PyObject *
hot_read_item(PyObject *self, PyObject *args)
{
    PyObject *owner, *hh, *path, *missing, *load;
    gocfg_config *h;
    (void)self;
    if (!PyArg_UnpackTuple(args, "read_item", 5, 5, &owner, &hh, &path, &missing, &load))
        return NULL;
    if (owner_handle(owner, &h)) {
        PyObject *v = read_short(h, path, missing, load);
        if (v != NULL || PyErr_Occurred())
            return v;
    }
    return call_fallback(read_fallback, args);
}

/* read_str(config, key): Config's uncached cfg[key] for an exact str
 * key, the whole miss path of Config.__getitem__ in one C call (its
 * Python lines cost more than the Go call: README, "The hot path in C").
 * It does what that path does, in the same order: encode the key, put a
 * new cache in place when the library's version counter has moved from
 * the cache's label (labelled with the counter as read now, before the
 * call), check that the Config is open after that, read, and cache an
 * immutable value under the key. Anything else (a key UTF-8 cannot
 * encode, a closed Config, a missing key, a long value, a failure, no
 * setup_read yet) returns the retry marker before any value is cached,
 * and __getitem__ then takes its Python path, which reads again and
 * raises what it must. A value other than a plain scalar (a time, a map,
 * a list) goes to the finish function registered by setup_read, which
 * shapes and caches it as __getitem__ does. The GIL is held throughout
 * and no Python code runs before the read (the slot setter and the
 * memoryview are C), so a Python writer on another thread cannot get
 * between the label and the read. Nor need it: a write in Go (a cffi call
 * without the GIL, or any thread of a free-threaded build) moves the
 * counter under the store's write lock after the change, and the read
 * takes the read lock after the label was read, so a value read after a
 * write lands in a cache labelled with an older count, which the next
 * read replaces; never an old value under the new count. The cache's
 * count bound is checked and filled without a lock: threads racing it
 * may put one entry each beyond it. */
static PyObject *read_finish = NULL; /* (config, path, key, entries, value) -> value */
static PyObject *getitem_fallback = NULL; /* (config, key) -> value: __getitem__ past read_str */
static Py_ssize_t cache_entries = 0;  /* the most values the read cache keeps */
static PyObject *cache_name = NULL, *ver_name = NULL, *h_name = NULL;

static PyObject *
give_retry(void)
{
    Py_INCREF(retry);
    return retry;
}

static PyObject *
hot_read_str(PyObject *self, PyObject *args)
{
    PyObject *owner, *key;
    (void)self;
    if (!PyArg_UnpackTuple(args, "read_str", 2, 2, &owner, &key))
        return NULL;
    if (retry == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "gocfg._hot.read_str: setup() has not been called");
        return NULL;
    }
    if (read_finish == NULL)
        return give_retry();
    PyObject *p = exact_str_utf8(key);
    if (p == NULL)
        return give_retry();
    PyObject *result = NULL, *cache = NULL, *entries = NULL, *h = NULL;
    cache = PyObject_GenericGetAttr(owner, cache_name);
    if (cache == NULL)
        goto done;
    if (!PyTuple_Check(cache) || PyTuple_Size(cache) != 3) {
        result = give_retry();
        goto done;
    }
    PyObject *cur = PySequence_GetItem(PyTuple_GetItem(cache, 0), 0);
    if (cur == NULL)
        goto done;
    int same = PyObject_RichCompareBool(cur, PyTuple_GetItem(cache, 1), Py_EQ);
    Py_DECREF(cur);
    if (same < 0)
        goto done;
    if (same) {
        entries = PyTuple_GetItem(cache, 2);
        Py_INCREF(entries);
    } else {
        PyObject *cell = PyObject_GenericGetAttr(owner, ver_name);
        if (cell == NULL)
            goto done;
        if (cell == Py_None) {
            /* Not asked for yet: asked for here, as Config._counter asks
             * (a failure, such as a closed handle, leaves it to Python). */
            Py_DECREF(cell);
            gocfg_config *hh;
            PyObject *open_h = PyObject_GenericGetAttr(owner, h_name);
            int is_open = open_h != NULL && open_h != Py_None;
            Py_XDECREF(open_h);
            cell = is_open && owner_handle(owner, &hh) ? cell_view(hh) : NULL;
            if (cell == NULL || cell == Py_None || PyObject_GenericSetAttr(owner, ver_name, cell) < 0) {
                Py_XDECREF(cell);
                PyErr_Clear();
                result = give_retry();
                goto done;
            }
        }
        PyObject *now = PySequence_GetItem(cell, 0);
        if (now == NULL) {
            Py_DECREF(cell);
            goto done;
        }
        entries = PyDict_New();
        PyObject *fresh = entries == NULL ? NULL : PyTuple_Pack(3, cell, now, entries);
        Py_DECREF(cell);
        Py_DECREF(now);
        if (fresh == NULL)
            goto done;
        /* Straight into the slot: the generic setattr finds Config's
         * _cache slot descriptor, where PyObject_SetAttr would run
         * Section.__setattr__ (Python, refusing keys as attributes). */
        int rc = PyObject_GenericSetAttr(owner, cache_name, fresh);
        Py_DECREF(fresh);
        if (rc < 0)
            goto done;
    }
    /* Closed? After the cache is in place, as in __getitem__. */
    h = PyObject_GenericGetAttr(owner, h_name);
    if (h == NULL)
        goto done;
    gocfg_config *hh;
    if (h == Py_None || !owner_handle(owner, &hh)) {
        result = give_retry();
        goto done;
    }
    char buf[HOT_READ_MAX];
    const char *pp = PyBytes_AsString(p);
    int64_t got = gocfg_config_try_get_value(hh, pp, (size_t)PyBytes_Size(p), buf, sizeof buf, NULL);
    if (got < 0 || got > (int64_t)sizeof buf) {
        result = give_retry();
        goto done;
    }
    PyObject *v = load_value(marshal_loads, buf, got);
    if (v == NULL)
        goto done;
    if (PyUnicode_CheckExact(v) || PyLong_CheckExact(v) || PyFloat_CheckExact(v) || v == Py_True ||
        v == Py_False || v == Py_None) {
        /* Values no longer than HOT_READ_MAX: the cache's string bound
         * (gocfg.config) is above it, so only its count is checked here. */
        if (PyDict_Size(entries) < cache_entries && PyDict_SetItem(entries, key, v) < 0) {
            Py_DECREF(v);
            goto done;
        }
        result = v;
    } else {
        result = PyObject_CallFunctionObjArgs(read_finish, owner, p, key, entries, v, NULL);
        Py_DECREF(v);
    }
done:
    Py_DECREF(p);
    Py_XDECREF(cache);
    Py_XDECREF(entries);
    Py_XDECREF(h);
    return result;
}

/* Looks for exact str key in config's read cache: 1 with the value in
 * *out (a new reference), 0 on a miss, -1 when Python should take the
 * read (no cache slot to read: a subclass that skipped __init__, which
 * Python names; any other failure), with no exception set. The steps of
 * __getitem__'s first lines: the entry, then the counter, which must
 * still show the cache's count (an entry found in a cache that the
 * counter has left is a miss). */
static int
cached_value(PyObject *owner, PyObject *key, PyObject **out)
{
    PyObject *cache = PyObject_GenericGetAttr(owner, cache_name);
    if (cache == NULL) {
        PyErr_Clear();
        return -1;
    }
    PyObject *v = NULL;
    int found = 0;
    if (PyTuple_Check(cache) && PyTuple_Size(cache) == 3 && PyDict_Check(PyTuple_GetItem(cache, 2))) {
        PyObject *entries = PyTuple_GetItem(cache, 2);
#ifdef Py_GIL_DISABLED
        /* Another thread may replace the entry meanwhile: a strong reference. */
        if (PyDict_GetItemRef(entries, key, &v) < 0)
            found = -1;
#else
        v = PyDict_GetItemWithError(entries, key);
        if (v == NULL && PyErr_Occurred())
            found = -1;
        Py_XINCREF(v);
#endif
        if (v != NULL) {
            PyObject *now = PySequence_GetItem(PyTuple_GetItem(cache, 0), 0);
            int same = now == NULL ? -1 : PyObject_RichCompareBool(now, PyTuple_GetItem(cache, 1), Py_EQ);
            Py_XDECREF(now);
            found = same;
            if (same != 1)
                Py_CLEAR(v);
        }
    }
    Py_DECREF(cache);
    if (found < 0)
        PyErr_Clear();
    *out = v;
    return found;
}

/* Config.__getitem__ as the extension's method (see "method objects"):
 * for an exact str key the cache, then read_str; anything else, and
 * read_str's retry marker, goes to the rest of __getitem__ in Python
 * (gocfg.config's _read_rest), which reads again and raises what it
 * must. No Python frame for a read the cache or read_str answers. */
static PyObject *
hot_getitem(PyObject *self, PyObject *args)
{
    PyObject *owner, *key;
    (void)self;
    if (!PyArg_UnpackTuple(args, "__getitem__", 2, 2, &owner, &key))
        return NULL;
    if (getitem_fallback == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "gocfg._hot: __getitem__ used before setup_read()");
        return NULL;
    }
    if (PyUnicode_CheckExact(key)) {
        PyObject *v;
        int found = cached_value(owner, key, &v);
        if (found == 1)
            return v;
        if (found == 0) {
            v = hot_read_str(NULL, args);
            if (v != retry)
                return v;
            Py_DECREF(v);
        }
    }
    return call_fallback(getitem_fallback, args);
}

/* ------------------------------------------------------ method objects
 * Config's __contains__, __getitem__ and __setitem__ themselves, so that
 * `key in cfg`, `cfg[key]` and `cfg[key] = value` run no Python frame in
 * the common case (each calls Python for the rest): an object that
 * CPython calls as an unbound method (Py_TPFLAGS_METHOD_DESCRIPTOR: the
 * slot passes the instance as the first argument, without binding). It
 * is put on the class by gocfg._capi once the library is loaded, and taken
 * off again in a forked child (see _capi._rebound). */

typedef struct {
    PyObject_HEAD
    PyCFunction fn; /* hot_contains_item, hot_getitem or hot_setitem: fn(NULL, (config, ...)) */
} HotMethod;

static PyObject *
method_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    if (kwargs != NULL && PyDict_Size(kwargs) != 0) {
        PyErr_SetString(PyExc_TypeError, "takes no keyword arguments");
        return NULL;
    }
    return ((HotMethod *)self)->fn(NULL, args);
}

/* A bound method (cfg.__contains__, super().__contains__): a function
 * whose self is (method, instance). */
static PyObject *
bound_call(PyObject *pair, PyObject *args)
{
    PyObject *m = PyTuple_GetItem(pair, 0), *obj = PyTuple_GetItem(pair, 1);
    Py_ssize_t n = PyTuple_Size(args);
    PyObject *full = PyTuple_New(n + 1);
    if (full == NULL)
        return NULL;
    Py_INCREF(obj);
    PyTuple_SetItem(full, 0, obj);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = PyTuple_GetItem(args, i);
        Py_INCREF(a);
        PyTuple_SetItem(full, i + 1, a);
    }
    PyObject *r = ((HotMethod *)m)->fn(NULL, full);
    Py_DECREF(full);
    return r;
}

static PyMethodDef bound_def = {"bound", bound_call, METH_VARARGS, NULL};

static PyObject *
method_get(PyObject *self, PyObject *obj, PyObject *type)
{
    (void)type;
    if (obj == NULL) {
        Py_INCREF(self);
        return self;
    }
    PyObject *pair = PyTuple_Pack(2, self, obj);
    if (pair == NULL)
        return NULL;
    PyObject *f = PyCFunction_NewEx(&bound_def, pair, NULL);
    Py_DECREF(pair);
    return f;
}

static void
method_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    freefunc free_self = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    free_self(self);
    Py_DECREF(tp);
}

static PyType_Slot method_slots[] = {
    {Py_tp_call, (void *)method_call},
    {Py_tp_descr_get, (void *)method_get},
    {Py_tp_dealloc, (void *)method_dealloc},
    {Py_tp_doc, (void *)"A method of gocfg.Config made in C (gocfg._hot)."},
    {0, NULL},
};

static PyType_Spec method_spec = {
    "gocfg._hot.method", sizeof(HotMethod), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_METHOD_DESCRIPTOR, method_slots,
};

static PyObject *method_type = NULL;

/* method(name): the method object for "__contains__", "__getitem__" or "__setitem__". */
static PyObject *
hot_method(PyObject *self, PyObject *name)
{
    (void)self;
    PyCFunction fn;
    if (!PyUnicode_Check(name)) {
        PyErr_SetString(PyExc_TypeError, "method() takes a str");
        return NULL;
    }
    if (PyUnicode_CompareWithASCIIString(name, "__contains__") == 0)
        fn = hot_contains_item;
    else if (PyUnicode_CompareWithASCIIString(name, "__getitem__") == 0)
        fn = hot_getitem;
    else if (PyUnicode_CompareWithASCIIString(name, "__setitem__") == 0)
        fn = hot_setitem;
    else {
        PyErr_SetString(PyExc_ValueError, "method: no such method");
        return NULL;
    }
    if (method_type == NULL && (method_type = PyType_FromSpec(&method_spec)) == NULL)
        return NULL;
    allocfunc alloc = (allocfunc)PyType_GetSlot((PyTypeObject *)method_type, Py_tp_alloc);
    HotMethod *m = (HotMethod *)alloc((PyTypeObject *)method_type, 0);
    if (m == NULL)
        return NULL;
    m->fn = fn;
    return (PyObject *)m;
}

/* ---------------------------------------------------------------- setup */

static void
set_ref(PyObject **slot, PyObject *v)
{
    Py_XINCREF(v);
    PyObject *old = *slot;
    *slot = v;
    Py_XDECREF(old);
}

/* setup(not_found, retry, marshal_loads, contains_fallback,
 *       setitem_fallback, read_fallback) */
static PyObject *
hot_setup(PyObject *self, PyObject *args)
{
    PyObject *nf, *r, *ml, *cf, *sf, *rf;
    (void)self;
    if (!PyArg_UnpackTuple(args, "setup", 6, 6, &nf, &r, &ml, &cf, &sf, &rf))
        return NULL;
    long code = PyLong_AsLong(nf);
    if (code == -1 && PyErr_Occurred())
        return NULL;
    if (!PyCallable_Check(ml) || !PyCallable_Check(cf) || !PyCallable_Check(sf) || !PyCallable_Check(rf)) {
        PyErr_SetString(PyExc_TypeError, "setup: marshal.loads and the fallbacks must be callable");
        return NULL;
    }
    e_not_found = code;
    set_ref(&retry, r);
    set_ref(&marshal_loads, ml);
    set_ref(&contains_fallback, cf);
    set_ref(&setitem_fallback, sf);
    set_ref(&read_fallback, rf);
    Py_RETURN_NONE;
}

/* setup_read(finish, rest, max_entries): what read_str and __getitem__
 * need from gocfg.config, registered once that module is loaded. */
static PyObject *
hot_setup_read(PyObject *self, PyObject *args)
{
    PyObject *fin, *rest;
    Py_ssize_t most;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOn:setup_read", &fin, &rest, &most))
        return NULL;
    if (!PyCallable_Check(fin) || !PyCallable_Check(rest) || most < 0) {
        PyErr_SetString(PyExc_TypeError,
                        "setup_read: finish and rest must be callable, max_entries not negative");
        return NULL;
    }
    set_ref(&read_finish, fin);
    set_ref(&getitem_fallback, rest);
    cache_entries = most;
    Py_RETURN_NONE;
}

#if defined(SA_ONSTACK) && defined(NSIG)
/* The action of the signal numbered signum into *sa: the signal number, or
 * -1 with a Python exception set (a number that is not an int, out of
 * range, or that the system refuses). onstack and has_onstack share it. */
static int
current_action(PyObject *signum, struct sigaction *sa)
{
    long sig = PyLong_AsLong(signum);
    if (sig == -1 && PyErr_Occurred())
        return -1;
    if (sig < 1 || sig >= NSIG) {
        PyErr_Format(PyExc_ValueError, "signal number out of range: %ld", sig);
        return -1;
    }
    if (sigaction((int)sig, NULL, sa) != 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    return (int)sig;
}
#endif

/* onstack(signum): give the handler of signal signum the SA_ONSTACK flag
 * if it is a function that lacks it. Go runs its code on small stacks and
 * gives every thread it uses an alternate signal stack for handlers; a
 * handler installed without SA_ONSTACK runs on the Go stack it interrupts
 * instead, and the Go runtime then fails ("traceback did not unwind
 * completely"). CPython sets the flag from 3.10 on; gocfg._capi calls
 * this after signal.signal() on 3.9. Outside the hot path, but this is
 * the one module of C beside cffi's. */
static PyObject *
hot_onstack(PyObject *self, PyObject *signum)
{
    (void)self;
#if defined(SA_ONSTACK) && defined(NSIG)
    struct sigaction sa;
    int sig = current_action(signum, &sa);
    if (sig < 0)
        return NULL;
    int is_function = (sa.sa_flags & SA_SIGINFO) ? sa.sa_sigaction != NULL
                                                 : (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN);
    if (is_function && !(sa.sa_flags & SA_ONSTACK)) {
        sa.sa_flags |= SA_ONSTACK;
        if (sigaction(sig, &sa, NULL) != 0)
            return PyErr_SetFromErrno(PyExc_OSError);
    }
#else
    if (PyLong_AsLong(signum) == -1 && PyErr_Occurred())
        return NULL;
#endif
    Py_RETURN_NONE;
}

/* has_onstack(signum) -> bool: whether signal signum's handler has the
 * SA_ONSTACK flag (for tests). */
static PyObject *
hot_has_onstack(PyObject *self, PyObject *signum)
{
    (void)self;
#if defined(SA_ONSTACK) && defined(NSIG)
    struct sigaction sa;
    if (current_action(signum, &sa) < 0)
        return NULL;
    return PyBool_FromLong((sa.sa_flags & SA_ONSTACK) != 0);
#else
    if (PyLong_AsLong(signum) == -1 && PyErr_Occurred())
        return NULL;
    Py_RETURN_FALSE;
#endif
}

static PyMethodDef hot_methods[] = {
    {"setup", hot_setup, METH_VARARGS,
     "setup(not_found, retry, marshal_loads, contains_fallback, setitem_fallback, read_fallback): "
     "the status, the retry marker and the Python paths"},
    {"contains", hot_contains, METH_VARARGS, "contains(hid, path) -> gocfg_config_try_contains's result"},
    {"len", hot_len, METH_VARARGS, "len(hid, path) -> gocfg_config_try_len's result"},
    {"version_cell", hot_version_cell, METH_O, "version_cell(hid) -> memoryview of the change counter, or None"},
    {"set", hot_set, METH_VARARGS, "set(hid, path, utf8) -> gocfg_config_try_set's status"},
    {"set_value", hot_set_value, METH_VARARGS, "set_value(hid, path, wire) -> gocfg_config_try_set_value's status"},
    {"read", hot_read, METH_VARARGS, "read(hid, path, missing, load) -> load(wire bytes), missing, or the retry marker"},
    {"contains_item", hot_contains_item, METH_VARARGS, "contains_item(config, key) -> bool (key in config)"},
    {"setitem", hot_setitem, METH_VARARGS, "setitem(config, key, value) (config[key] = value)"},
    {"method", hot_method, METH_O, "method(name) -> Config's __contains__, __getitem__ or __setitem__, made in C"},
    {"read_item", hot_read_item, METH_VARARGS, "read_item(config, h, path, missing, load) -> as read, for a Config"},
    {"setup_read", hot_setup_read, METH_VARARGS, "setup_read(finish, rest, max_entries): what read_str and __getitem__ need from gocfg.config"},
    {"read_str", hot_read_str, METH_VARARGS, "read_str(config, key) -> config[key] for an exact str key, or the retry marker"},
    {"onstack", hot_onstack, METH_O, "onstack(signum): add SA_ONSTACK to the signal's handler if it is a function"},
    {"has_onstack", hot_has_onstack, METH_O, "has_onstack(signum) -> whether the signal's handler has SA_ONSTACK"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef hot_module = {
    PyModuleDef_HEAD_INIT, "gocfg._hot",
    "The per-call hot path of gocfg, keeping the GIL (called by gocfg._capi only).",
    -1, hot_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__hot(void)
{
    hid_name = PyUnicode_InternFromString("_hid");
    cache_name = PyUnicode_InternFromString("_cache");
    ver_name = PyUnicode_InternFromString("_ver");
    h_name = PyUnicode_InternFromString("_h");
    q_format = PyUnicode_InternFromString("Q");
    if (hid_name == NULL || cache_name == NULL || ver_name == NULL || h_name == NULL || q_format == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&hot_module);
#ifdef Py_GIL_DISABLED
    /* Safe without the GIL: what setup() stores is set once, at import,
     * before any Config exists; the rest is each call's own, and the
     * dicts and objects it touches lock themselves in this build. Without
     * this, importing the module would turn the GIL back on. */
    if (m != NULL && PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED) < 0) {
        Py_DECREF(m);
        return NULL;
    }
#endif
    return m;
}
