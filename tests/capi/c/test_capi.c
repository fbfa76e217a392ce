/*
 * The seed's usage pattern, in C, against the public header:
 * new / set / get / free, a serialized buffer and its free call, and the
 * handles that must be refused (NULL, freed, forged, wrong kind).
 * Prints one line per check and exits non-zero on the first failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int main(void) {
    gocfg_error *err = NULL;
    gocfg_config *cfg = NULL;

    CHECK(gocfg_abi_version() >= 1, "abi version %d", gocfg_abi_version());

    /* new / set / get / free */
    int rc = gocfg_config_new(&cfg, &err);
    CHECK(rc == GOCFG_OK && cfg != NULL && err == NULL, "new rc=%d", rc);
    rc = gocfg_config_set(cfg, "name", 4, "demo", 4, &err);
    CHECK(rc == GOCFG_OK && err == NULL, "set rc=%d", rc);
    rc = gocfg_config_set(cfg, "greeting", 8, "h\xc3\xa9llo", 6, NULL);
    CHECK(rc == GOCFG_OK, "set rc=%d", rc);

    char buf[64];
    int64_t n = gocfg_config_get(cfg, "name", 4, buf, sizeof buf, &err);
    CHECK(n == 4 && memcmp(buf, "demo", 4) == 0, "get n=%lld", (long long)n);

    /* too small a buffer: the length comes back and nothing is written */
    memset(buf, 'x', sizeof buf);
    n = gocfg_config_get(cfg, "greeting", 8, buf, 2, NULL);
    CHECK(n == 6 && buf[0] == 'x', "short get n=%lld", (long long)n);
    n = gocfg_config_get(cfg, "greeting", 8, NULL, 0, NULL);
    CHECK(n == 6, "length query n=%lld", (long long)n);

    n = gocfg_config_get(cfg, "missing", 7, buf, sizeof buf, &err);
    CHECK(n == GOCFG_E_NOT_FOUND && err != NULL && err->code == GOCFG_E_NOT_FOUND &&
              strstr(err->message, "missing") != NULL,
          "missing key n=%lld", (long long)n);
    gocfg_error_free(err);
    err = NULL;

    CHECK(gocfg_config_contains(cfg, "name", 4, NULL) == 1, "contains");
    CHECK(gocfg_config_contains(cfg, "nope", 4, NULL) == 0, "not contains");
    CHECK(gocfg_config_len(cfg, "", 0, NULL) == 2, "len");

    /* the calls that do not wait (gocfg_config_try_*) answer as the others
     * while nothing holds the config (the busy case: gocore/store tests and
     * tests/api/test_hot_path.py, which need a second thread) */
    CHECK(gocfg_config_try_contains(cfg, "name", 4, NULL) == 1, "try contains");
    CHECK(gocfg_config_try_contains(cfg, "nope", 4, NULL) == 0, "try not contains");
    CHECK(gocfg_config_try_len(cfg, "", 0, NULL) == 2, "try len");
    {
        char wire[64], wire2[64];
        int64_t a = gocfg_config_get_value(cfg, "name", 4, wire, sizeof wire, NULL);
        int64_t b = gocfg_config_try_get_value(cfg, "name", 4, wire2, sizeof wire2, NULL);
        CHECK(a > 0 && a == b && memcmp(wire, wire2, (size_t)a) == 0, "try get_value n=%lld", (long long)b);
        b = gocfg_config_try_get_value(cfg, "nope", 4, wire2, sizeof wire2, NULL);
        CHECK(b == GOCFG_E_NOT_FOUND, "try get_value missing n=%lld", (long long)b);
        CHECK(gocfg_config_try_set(cfg, "t", 1, "v", 1, NULL) == GOCFG_OK &&
                  gocfg_config_get(cfg, "t", 1, buf, sizeof buf, NULL) == 1 && buf[0] == 'v',
              "try set");
        CHECK(gocfg_config_try_set_value(cfg, "t", 1, "i\x07\0\0\0", 5, NULL) == GOCFG_OK &&
                  gocfg_config_type(cfg, "t", 1, NULL) == GOCFG_TYPE_INT,
              "try set_value");
        CHECK(gocfg_config_try_set(NULL, "t", 1, "v", 1, NULL) == GOCFG_E_INVALID_HANDLE, "try set, NULL handle");
        CHECK(gocfg_config_delete(cfg, "t", 1, NULL) == GOCFG_OK, "delete t");
    }

    /* bad input is refused and stores nothing */
    rc = gocfg_config_set(cfg, "\xff" "b", 2, "v", 1, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT && err != NULL, "invalid UTF-8 key rc=%d", rc);
    gocfg_error_free(err);
    rc = gocfg_config_set(cfg, "k", 1, "\xff", 1, NULL);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "invalid UTF-8 value rc=%d", rc);
    rc = gocfg_config_set(cfg, NULL, 3, "v", 1, NULL);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "NULL key rc=%d", rc);
    CHECK(gocfg_config_len(cfg, "", 0, NULL) == 2, "nothing stored");

    /* keys: a wire list of strings, in insertion order */
    gocfg_buffer keys = {0};
    rc = gocfg_config_keys(cfg, "", 0, &keys, NULL);
    CHECK(rc == GOCFG_OK && keys.len == 21 &&
              memcmp(keys.data, "[\2\0\0\0z\4namez\x08greeting", 21) == 0,
          "keys rc=%d len=%zu", rc, keys.len);
    gocfg_buffer_free(&keys);

    /* export into the caller's buffer when it fits, else a library buffer */
    {
        gocfg_buffer whole = {0}, spill = {0};
        rc = gocfg_config_export(cfg, "", 0, &whole, NULL);
        CHECK(rc == GOCFG_OK && whole.len > 0, "export rc=%d", rc);
        char into[256];
        int64_t got = gocfg_config_export_to(cfg, "", 0, into, sizeof into, &spill, NULL);
        CHECK(got == (int64_t)whole.len && spill.data == NULL && memcmp(into, whole.data, whole.len) == 0,
              "export_to fitting n=%lld", (long long)got);
        got = gocfg_config_export_to(cfg, "", 0, NULL, 0, &spill, NULL);
        CHECK(got == (int64_t)whole.len && spill.data != NULL && spill.len == whole.len &&
                  memcmp(spill.data, whole.data, whole.len) == 0,
              "export_to spilling n=%lld", (long long)got);
        CHECK(stats().outstanding_buffers == 2, "export and spill outstanding");
        gocfg_buffer_free(&spill);
        gocfg_buffer_free(&whole);
        got = gocfg_config_export_to(cfg, "nope", 4, into, sizeof into, &spill, &err);
        CHECK(got == GOCFG_E_NOT_FOUND && err != NULL && spill.data == NULL, "export_to missing n=%lld", (long long)got);
        gocfg_error_free(err);
        err = NULL;
        got = gocfg_config_export_to(cfg, "", 0, NULL, 4096, &spill, NULL);
        CHECK(got == GOCFG_E_INVALID_ARGUMENT && spill.data == NULL, "NULL buf with a capacity n=%lld", (long long)got);
        got = gocfg_config_export_to(cfg, "", 0, into, sizeof into, NULL, NULL);
        CHECK(got == GOCFG_E_INVALID_ARGUMENT, "NULL out n=%lld", (long long)got);
    }

    /* the seed's create_data / free_data: a library buffer and its free call */
    gocfg_buffer doc = {0};
    rc = gocfg_config_dump(cfg, "json", 4, &doc, &err);
    CHECK(rc == GOCFG_OK && doc.data != NULL, "to_json rc=%d", rc);
    CHECK(strstr(doc.data, "\"name\": \"demo\"") != NULL &&
              strstr(doc.data, "\"greeting\": \"h\xc3\xa9llo\"") != NULL &&
              strlen(doc.data) == doc.len,
          "json %s", doc.data);
    CHECK(stats().outstanding_buffers == 1, "one buffer outstanding");
    gocfg_buffer_free(&doc);
    CHECK(doc.data == NULL && doc.len == 0, "buffer zeroed");
    gocfg_buffer_free(&doc); /* second free: harmless */
    gocfg_buffer_free(NULL);
    CHECK(stats().outstanding_buffers == 0, "no buffer outstanding");

    CHECK(gocfg_config_delete(cfg, "name", 4, NULL) == GOCFG_OK, "delete");
    CHECK(gocfg_config_delete(cfg, "name", 4, NULL) == GOCFG_E_NOT_FOUND, "delete again");
    CHECK(gocfg_config_clear(cfg, NULL) == GOCFG_OK && gocfg_config_len(cfg, "", 0, NULL) == 0, "clear");

    /* typed values at dot paths */
    CHECK(gocfg_config_set_int(cfg, "server.port", 11, 8080, NULL) == GOCFG_OK, "set int");
    CHECK(gocfg_config_set_float(cfg, "server.load", 11, 0.75, NULL) == GOCFG_OK, "set float");
    CHECK(gocfg_config_set_bool(cfg, "server.tls", 10, 1, NULL) == GOCFG_OK, "set bool");
    CHECK(gocfg_config_set(cfg, "server.\"a.b\"", 12, "dotted", 6, NULL) == GOCFG_OK, "set quoted");
    int64_t port = 0;
    double load = 0;
    int tls = 0;
    CHECK(gocfg_config_get_int(cfg, "server.port", 11, &port, NULL) == GOCFG_OK && port == 8080, "get int");
    CHECK(gocfg_config_get_float(cfg, "server.load", 11, &load, NULL) == GOCFG_OK && load == 0.75, "get float");
    CHECK(gocfg_config_get_bool(cfg, "server.tls", 10, &tls, NULL) == GOCFG_OK && tls == 1, "get bool");
    n = gocfg_config_get(cfg, "server.\"a.b\"", 12, buf, sizeof buf, NULL);
    CHECK(n == 6 && memcmp(buf, "dotted", 6) == 0, "get quoted n=%lld", (long long)n);
    CHECK(gocfg_config_type(cfg, "server", 6, NULL) == GOCFG_TYPE_MAP, "type map");
    CHECK(gocfg_config_type(cfg, "server.port", 11, NULL) == GOCFG_TYPE_INT, "type int");
    CHECK(gocfg_config_len(cfg, "server", 6, NULL) == 4, "len of a nested map");
    rc = gocfg_config_get_int(cfg, "server.load", 11, &port, &err);
    CHECK(rc == GOCFG_E_TYPE_MISMATCH && err != NULL && strstr(err->message, "float") != NULL &&
              err->path != NULL && strcmp(err->path, "server.load") == 0,
          "get int of a float rc=%d", rc);
    gocfg_error_free(err);
    CHECK(gocfg_config_get_int(cfg, "server..port", 12, &port, NULL) == GOCFG_E_INVALID_ARGUMENT, "bad path");
    CHECK(gocfg_config_get_int(cfg, "server.nope", 11, &port, NULL) == GOCFG_E_NOT_FOUND, "missing path");
    CHECK(gocfg_config_get_int(cfg, "server.port", 11, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL out");

    /* documents: loads, dump, a parse error with its position */
    gocfg_config *doc_cfg = NULL;
    const char *toml = "[db]\nhost = \"h\"\nport = 5432\n";
    rc = gocfg_config_loads(toml, strlen(toml), "toml", 4, NULL, &doc_cfg, &err);
    CHECK(rc == GOCFG_OK, "loads toml rc=%d", rc);
    CHECK(gocfg_config_get_int(doc_cfg, "db.port", 7, &port, NULL) == GOCFG_OK && port == 5432, "toml int");
    gocfg_config_free(doc_cfg);
    const char *broken = "a = 1\nb = = 2\n";
    rc = gocfg_config_loads(broken, strlen(broken), "toml", 4, NULL, &doc_cfg, &err);
    CHECK(rc == GOCFG_E_PARSE && err != NULL && err->line == 2, "parse error rc=%d line=%lld", rc,
          err ? (long long)err->line : -1LL);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_config_loads("{}", 2, "xml", 3, NULL, &doc_cfg, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "unknown format rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;

    gocfg_config_free(cfg);

    /* freed, NULL and forged handles are refused, never crash */
    rc = gocfg_config_set(cfg, "k", 1, "v", 1, &err);
    CHECK(rc == GOCFG_E_INVALID_HANDLE && err != NULL && strstr(err->message, "stale") != NULL,
          "freed handle rc=%d", rc);
    gocfg_error_free(err);
    CHECK(gocfg_config_len(NULL, "", 0, NULL) == GOCFG_E_INVALID_HANDLE, "NULL handle");
    CHECK(gocfg_config_len((gocfg_config *)(uintptr_t)0xdeadbeef, "", 0, NULL) == GOCFG_E_INVALID_HANDLE,
          "forged handle");
    CHECK(gocfg_config_len((gocfg_config *)(uintptr_t)0x0200000100000001ULL, "", 0, NULL) == GOCFG_E_INVALID_HANDLE,
          "wrong-kind handle");
    gocfg_config_free(cfg);  /* second free: harmless */
    gocfg_config_free(NULL);

    /* A second free of an error record or a buffer is a no-op whatever was
     * allocated since: it never frees a newer record that the allocator
     * put at the same address (issue 14, item 2). The loop hunts for such
     * a reuse, keeping the first record or buffer found at a freed
     * address alive while the stale pointer is freed again. */
    {
        gocfg_config *c2 = NULL;
        int64_t v = 0;
        gocfg_error *stale = NULL, *kept = NULL;
        gocfg_buffer kb = {0}, kept_buf = {0};
        CHECK(gocfg_config_new(&c2, NULL) == GOCFG_OK, "new");
        gocfg_config_get_int(c2, S("missing"), &v, &stale);
        gocfg_config_keys(c2, NULL, 0, &kb, NULL);
        gocfg_buffer stale_buf = kb;  /* a stale copy of the struct */
        CHECK(stale != NULL && kb.data != NULL, "an error and a buffer to free");
        gocfg_error_free(stale);
        gocfg_buffer_free(&kb);
        for (int i = 0; i < 20000 && (kept == NULL || kept_buf.data == NULL); i++) {
            gocfg_error *e = NULL;
            gocfg_buffer b = {0};
            gocfg_config_get_int(c2, S("missing"), &v, &e);
            gocfg_config_keys(c2, NULL, 0, &b, NULL);
            if (e == stale && kept == NULL)
                kept = e;
            else
                gocfg_error_free(e);
            if (b.data == stale_buf.data && kept_buf.data == NULL)
                kept_buf = b;
            else
                gocfg_buffer_free(&b);
        }
        long long live_errors = kept != NULL, live_buffers = kept_buf.data != NULL;
        gocfg_error_free(stale);  /* stale: must touch nothing */
        gocfg_buffer_free(&stale_buf);
        gocfg_stats st = stats();
        CHECK(st.outstanding_errors == live_errors && st.outstanding_buffers == live_buffers,
              "a stale free freed a live one: errors=%lld (want %lld) buffers=%lld (want %lld)",
              (long long)st.outstanding_errors, live_errors, (long long)st.outstanding_buffers, live_buffers);
        if (st.outstanding_errors == live_errors && kept != NULL)
            CHECK(strstr(kept->message, "missing") != NULL, "the record at the reused address is intact");
        gocfg_error_free(kept);
        gocfg_buffer_free(&kept_buf);
        gocfg_config_free(c2);
    }

    gocfg_stats s = stats();
    CHECK(s.live_handles == 0 && s.outstanding_buffers == 0 && s.outstanding_errors == 0,
          "nothing leaked: handles=%lld buffers=%lld errors=%lld", (long long)s.live_handles,
          (long long)s.outstanding_buffers, (long long)s.outstanding_errors);

    return check_done();
}
