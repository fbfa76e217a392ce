/*
 * The layers section of gocfg.h, in C: a layered config from defaults, a
 * file, the environment and overrides; origins, history, interpolation,
 * freeze, diff, serialize; and the bad input each call must refuse.
 * Usage: test_layers DIR (a writable directory). Prints one line per check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

int main(int argc, char **argv) {
    char file[4096];
    write_file(file, sizeof file, test_dir(argc, argv), "app.yaml", "server:\n  host: example.org\n  port: 8080\nurl: \"http://${server.host}:${server.port}\"\n");

    gocfg_stats before;
    gocfg_stats_get(&before);
    gocfg_error *err = NULL;
    gocfg_config *cfg = NULL;
    /* The environment snapshot: NAME=value entries, each followed by NUL. */
    static const char env[] = "APP_SERVER__PORT=9000\0HOME=/home/c\0";
    int rc = gocfg_config_layered_new(GOCFG_LAYER_INTERPOLATE, env, sizeof env - 1, &cfg, &err);
    CHECK(rc == GOCFG_OK && cfg != NULL, "layered_new rc=%d", rc);

    /* defaults: a wire-encoded map {"server": {"timeout": 30}} (marshal v2) */
    static const char defaults[] = "{u\x06\x00\x00\x00" "server{u\x07\x00\x00\x00" "timeouti\x1e\x00\x00\x00" "00";
    rc = gocfg_config_merge_layer(cfg, defaults, sizeof defaults - 1, GOCFG_ORIGIN_DEFAULTS, S("defaults"), 0, &err);
    CHECK(rc == GOCFG_OK, "merge_layer rc=%d %s", rc, err ? err->message : "");
    rc = gocfg_config_load_layer(cfg, file, strlen(file), "", 0, 0, NULL, &err);
    CHECK(rc == 1, "load_layer rc=%d %s", rc, err ? err->message : "");
    rc = gocfg_config_load_layer(cfg, S("/nonexistent/x.toml"), "", 0, GOCFG_LAYER_OPTIONAL, NULL, &err);
    CHECK(rc == 0 && err == NULL, "optional missing file rc=%d", rc);
    rc = gocfg_config_load_layer(cfg, S("/nonexistent/x.toml"), "", 0, 0, NULL, &err);
    CHECK(rc == GOCFG_E_IO && err != NULL && err->sys_errno == 2, "required missing file rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_config_env_layer(cfg, S("APP"), NULL, 0, 0, &err);
    CHECK(rc == 1, "env_layer applied rc=%d", rc);
    static const char items[] = "debug=true\0server.host=c.example\0";
    rc = gocfg_config_override_layer(cfg, items, sizeof items - 1, 0, &err);
    CHECK(rc == 2, "override_layer rc=%d", rc);

    int64_t port = 0;
    rc = gocfg_config_get_int(cfg, S("server.port"), &port, &err);
    CHECK(rc == GOCFG_OK && port == 9000, "port=%lld", (long long)port);
    char buf[128];
    int64_t n = gocfg_config_get(cfg, S("url"), buf, sizeof buf, &err);
    CHECK(n == 21 && memcmp(buf, "http://c.example:9000", 21) == 0, "url n=%lld", (long long)n);

    gocfg_origin o;
    rc = gocfg_config_origin(cfg, S("server.port"), &o, &err);
    CHECK(rc == GOCFG_OK && o.kind == GOCFG_ORIGIN_ENV && o.name.len == 16 &&
              memcmp(o.name.data, "APP_SERVER__PORT", 16) == 0, "origin kind=%d", o.kind);
    gocfg_buffer_free(&o.name);
    rc = gocfg_config_origin(cfg, S("url"), &o, &err);
    CHECK(rc == GOCFG_OK && o.kind == GOCFG_ORIGIN_FILE && o.line == 4 && o.column == 1, "url origin %d:%lld:%lld",
          o.kind, (long long)o.line, (long long)o.column);
    gocfg_buffer_free(&o.name);
    rc = gocfg_config_origin(cfg, S("server.timeout"), &o, &err);
    CHECK(rc == GOCFG_OK && o.kind == GOCFG_ORIGIN_DEFAULTS, "defaults origin kind=%d", o.kind);
    gocfg_buffer_free(&o.name);
    rc = gocfg_config_origin(cfg, S("nope"), &o, NULL);
    CHECK(rc == GOCFG_E_NOT_FOUND, "origin of nothing rc=%d", rc);

    gocfg_buffer hist = {0};
    n = gocfg_config_history(cfg, S("server.port"), &hist, &err);
    CHECK(n == 2 && hist.len > 0, "history n=%lld", (long long)n);
    gocfg_buffer_free(&hist);
    gocfg_buffer rows = {0};
    n = gocfg_config_explain(cfg, S(""), &rows, &err);
    CHECK(n == 5, "explain n=%lld", (long long)n);
    size_t rows_len = rows.len;
    gocfg_buffer_free(&rows);
    /* the first rows only, and the count of all */
    gocfg_buffer first = {0};
    n = gocfg_config_explain_first(cfg, S(""), 2, &first, &err);
    CHECK(n == 5 && first.len > 0 && first.len < rows_len, "explain_first n=%lld len=%zu", (long long)n, first.len);
    gocfg_buffer_free(&first);
    n = gocfg_config_explain_first(cfg, S(""), -1, &first, &err);
    CHECK(n == GOCFG_E_INVALID_ARGUMENT && err && strstr(err->message, "max_rows"), "explain_first -1 n=%lld",
          (long long)n);
    gocfg_error_free(err);
    err = NULL;

    /* interpolation errors */
    rc = gocfg_config_set(cfg, S("loop"), S("${loop}"), &err);
    n = gocfg_config_get(cfg, S("loop"), buf, sizeof buf, &err);
    CHECK(n == GOCFG_E_INTERPOLATION && err && strstr(err->message, "cycle"), "cycle n=%lld", (long long)n);
    gocfg_error_free(err);
    err = NULL;
    gocfg_config_delete(cfg, S("loop"), NULL);

    /* copy, diff, freeze */
    gocfg_config *cp = NULL;
    rc = gocfg_config_copy(cfg, &cp, &err);
    CHECK(rc == GOCFG_OK, "copy rc=%d", rc);
    gocfg_config_set_int(cp, S("server.port"), 1, NULL);
    gocfg_buffer d = {0};
    n = gocfg_config_diff(cfg, cp, &d, &err);
    CHECK(n == 2, "diff n=%lld (port and url)", (long long)n);
    gocfg_buffer_free(&d);
    rc = gocfg_config_freeze(cfg, &err);
    CHECK(rc == GOCFG_OK && gocfg_config_is_frozen(cfg, NULL) == 1 && gocfg_config_is_frozen(cp, NULL) == 0,
          "freeze rc=%d", rc);
    rc = gocfg_config_set_int(cfg, S("server.port"), 2, &err);
    CHECK(rc == GOCFG_E_FROZEN && err && err->code == GOCFG_E_FROZEN, "set on frozen rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    CHECK(gocfg_config_clear(cfg, NULL) == GOCFG_E_FROZEN, "clear on frozen");

    /* serialize / deserialize */
    gocfg_buffer state = {0};
    rc = gocfg_config_serialize(cfg, &state, &err);
    CHECK(rc == GOCFG_OK && state.len > 0, "serialize rc=%d", rc);
    gocfg_config *back = NULL;
    rc = gocfg_config_deserialize(state.data, state.len, env, sizeof env - 1, &back, &err);
    CHECK(rc == GOCFG_OK && gocfg_config_is_frozen(back, NULL) == 1, "deserialize rc=%d", rc);
    gocfg_buffer_free(&state);
    rc = gocfg_config_origin(back, S("server.port"), &o, &err);
    CHECK(rc == GOCFG_OK && o.kind == GOCFG_ORIGIN_ENV, "origin after deserialize kind=%d", o.kind);
    gocfg_buffer_free(&o.name);

    /* bad input */
    static const char bad_items[] = "no_equals_sign\0";
    rc = gocfg_config_override_layer(cp, bad_items, sizeof bad_items - 1, 0, NULL);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "bad override rc=%d", rc);
    rc = gocfg_config_env_layer(cp, "", 0, NULL, 0, 0, NULL);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "empty prefix rc=%d", rc);
    rc = gocfg_config_merge_layer(cp, defaults, sizeof defaults - 1, 42, NULL, 0, 0, NULL);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "bad kind rc=%d", rc);
    rc = gocfg_config_env_layer((gocfg_config *)(uintptr_t)12345, S("APP"), NULL, 0, 0, NULL);
    CHECK(rc == GOCFG_E_INVALID_HANDLE, "forged handle rc=%d", rc);
    rc = gocfg_config_deserialize(S("junk"), NULL, 0, &back, NULL);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT || rc == GOCFG_E_TYPE_MISMATCH, "junk state rc=%d", rc);

    /* A secrets directory as one layer: a value per file, never typed. */
    char sdir[4096], sfile[4096];
    snprintf(sdir, sizeof sdir, "%s/secrets", test_dir(argc, argv));
    CHECK(mkdir(sdir, 0700) == 0, "mkdir %s", sdir);
    write_file(sfile, sizeof sfile, sdir, "db__port", "5432\n");
    gocfg_config *sc = NULL;
    rc = gocfg_config_layered_new(0, NULL, 0, &sc, &err);
    CHECK(rc == GOCFG_OK, "layered_new for secrets rc=%d", rc);
    rc = gocfg_config_secrets_layer(sc, sdir, strlen(sdir), NULL, 0, NULL, &err);
    CHECK(rc == 1, "secrets_layer rc=%d %s", rc, err ? err->message : "");
    n = gocfg_config_get(sc, S("db.port"), buf, sizeof buf, &err);
    CHECK(n == 4 && memcmp(buf, "5432", 4) == 0, "secret db.port n=%lld", (long long)n);
    rc = gocfg_config_origin(sc, S("db.port"), &o, &err);
    CHECK(rc == GOCFG_OK && o.kind == GOCFG_ORIGIN_SECRET && o.name.len == strlen(sfile) &&
              memcmp(o.name.data, sfile, o.name.len) == 0, "secret origin kind=%d", o.kind);
    gocfg_buffer_free(&o.name);
    rc = gocfg_config_secrets_layer(sc, S("/nonexistent/secrets"), NULL, 0, NULL, &err);
    CHECK(rc == 0 && err == NULL, "missing secrets dir rc=%d", rc);
    rc = gocfg_config_secrets_layer(sc, file, strlen(file), NULL, 0, NULL, &err);
    CHECK(rc == GOCFG_E_IO && err != NULL && err->sys_errno == 20, "secrets dir that is a file rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_config_secrets_layer(sc, "", 0, NULL, 0, NULL, NULL);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "empty secrets dir name rc=%d", rc);
    gocfg_cancel *cancel = NULL;
    rc = gocfg_cancel_new(&cancel, NULL);
    CHECK(rc == GOCFG_OK, "cancel_new rc=%d", rc);
    gocfg_cancel_trigger(cancel);
    rc = gocfg_config_secrets_layer(sc, sdir, strlen(sdir), NULL, 0, cancel, NULL);
    CHECK(rc == GOCFG_E_CANCELLED, "cancelled secrets_layer rc=%d", rc);
    gocfg_cancel_free(cancel);
    gocfg_config_free(sc);

    gocfg_config_free(back);
    gocfg_config_free(cp);
    gocfg_config_free(cfg);
    gocfg_stats after;
    gocfg_stats_get(&after);
    CHECK(after.live_handles == before.live_handles && after.outstanding_buffers == before.outstanding_buffers &&
              after.outstanding_errors == before.outstanding_errors,
          "leaks: handles %lld->%lld buffers %lld->%lld errors %lld->%lld", (long long)before.live_handles,
          (long long)after.live_handles, (long long)before.outstanding_buffers, (long long)after.outstanding_buffers,
          (long long)before.outstanding_errors, (long long)after.outstanding_errors);
    return check_done();
}
