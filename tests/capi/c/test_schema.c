/*
 * gocfg_config_validate in C: a layered config from a YAML file and an
 * override, checked against a schema; the count, the buffer's ownership,
 * and the refusals (bad JSON, an invalid schema, a remote $ref, a missing
 * path, a forged handle). Usage: test_schema DIR (a writable directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Whether needle occurs in buf[0..len) (memmem is not standard C). */
static int contains(const char *buf, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; buf && i + n <= len; i++) {
        if (memcmp(buf + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    char file[4096];
    write_file(file, sizeof file, test_dir(argc, argv), "app.yaml", "server:\n  host: Example Org\n  port: 80\n");

    gocfg_stats before = stats();
    gocfg_error *err = NULL;
    gocfg_config *cfg = NULL;
    int rc = gocfg_config_layered_new(0, NULL, 0, &cfg, &err);
    CHECK(rc == GOCFG_OK, "layered_new rc=%d", rc);
    rc = gocfg_config_load_layer(cfg, file, strlen(file), NULL, 0, 0, NULL, &err);
    CHECK(rc == 1, "load_layer rc=%d %s", rc, err ? err->message : "");
    static const char items[] = "debug=maybe\0";
    rc = gocfg_config_override_layer(cfg, items, sizeof items - 1, 0, &err);
    CHECK(rc == 1, "override_layer rc=%d", rc);

    static const char schema[] =
        "{\"properties\": {\"server\": {\"properties\": {\"port\": {\"minimum\": 1024},"
        " \"host\": {\"pattern\": \"^[a-z.]+$\"}}}, \"debug\": {\"type\": \"boolean\"}}}";
    gocfg_buffer out = {0};
    int64_t n = gocfg_config_validate(cfg, NULL, 0, S(schema), NULL, 0, GOCFG_SCHEMA_ASSERT_FORMAT, NULL, &out, &err);
    CHECK(n == 3 && out.data != NULL && out.len > 0, "validate n=%lld %s", (long long)n, err ? err->message : "");
    /* The wire list names each path and the file it came from. */
    CHECK(contains(out.data, out.len, "server.port") && contains(out.data, out.len, "app.yaml") &&
              contains(out.data, out.len, "debug=maybe"),
          "rows name paths and origins");
    gocfg_buffer_free(&out);
    CHECK(out.data == NULL && out.len == 0, "buffer_free clears the buffer");
    gocfg_buffer_free(&out); /* a second free is a no-op */

    /* A valid value: 0, and an empty list to free. */
    n = gocfg_config_validate(cfg, S("server.host"), S("{\"type\": \"string\"}"), NULL, 0, 0, NULL, &out, &err);
    CHECK(n == 0 && err == NULL, "valid n=%lld", (long long)n);
    gocfg_buffer_free(&out);

    /* Refusals, each with an error record. */
    n = gocfg_config_validate(cfg, NULL, 0, S("{\"type\": "), NULL, 0, 0, NULL, &out, &err);
    CHECK(n == GOCFG_E_PARSE && err && err->code == GOCFG_E_PARSE, "bad JSON n=%lld", (long long)n);
    gocfg_error_free(err);
    err = NULL;
    n = gocfg_config_validate(cfg, NULL, 0, S("{\"type\": 3}"), NULL, 0, 0, NULL, &out, &err);
    CHECK(n == GOCFG_E_INVALID_ARGUMENT && err && strstr(err->message, "invalid schema"), "invalid schema n=%lld",
          (long long)n);
    gocfg_error_free(err);
    err = NULL;
    n = gocfg_config_validate(cfg, NULL, 0, S("{\"$ref\": \"http://127.0.0.1:1/x.json\"}"), NULL, 0, 0, NULL, &out,
                              &err);
    CHECK(n == GOCFG_E_INVALID_ARGUMENT && err && strstr(err->message, "does not fetch"), "remote ref n=%lld",
          (long long)n);
    gocfg_error_free(err);
    err = NULL;
    n = gocfg_config_validate(cfg, NULL, 0, S("{\"$ref\": \"http://x/s.json\"}"), S("{\"http://x/s.json\": true}"), 0,
                              NULL, &out, NULL);
    CHECK(n == 0, "resource ref n=%lld", (long long)n);
    gocfg_buffer_free(&out);
    n = gocfg_config_validate(cfg, S("no.such.path"), S("{}"), NULL, 0, 0, NULL, &out, NULL);
    CHECK(n == GOCFG_E_NOT_FOUND, "missing path n=%lld", (long long)n);
    n = gocfg_config_validate((gocfg_config *)(uintptr_t)12345, NULL, 0, S("{}"), NULL, 0, 0, NULL, &out, NULL);
    CHECK(n == GOCFG_E_INVALID_HANDLE, "forged handle n=%lld", (long long)n);

    gocfg_config_free(cfg);
    n = gocfg_config_validate(cfg, NULL, 0, S("{}"), NULL, 0, 0, NULL, &out, NULL);
    CHECK(n == GOCFG_E_INVALID_HANDLE, "freed handle n=%lld", (long long)n);
    gocfg_stats after = stats();
    CHECK(after.live_handles == before.live_handles && after.outstanding_buffers == before.outstanding_buffers &&
              after.outstanding_errors == before.outstanding_errors,
          "leaks: handles %lld->%lld buffers %lld->%lld errors %lld->%lld", (long long)before.live_handles,
          (long long)after.live_handles, (long long)before.outstanding_buffers, (long long)after.outstanding_buffers,
          (long long)before.outstanding_errors, (long long)after.outstanding_errors);
    return check_done();
}
