/*
 * The live section of gocfg.h, in C: a live configuration over a real file
 * in the manual (two-phase) mode: a change offered as a pending candidate,
 * committed; a file that does not parse rejected with its location; a
 * candidate rejected with a reason; a forced reload; the bad input each
 * call must refuse; nothing leaked after close.
 * Usage: test_live DIR (a writable directory). Prints one line per check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* A wire-format (marshal version 2) encoder, just enough for a spec. */
typedef struct {
    char data[8192];
    size_t len;
} wire;

static void put_u32(wire *w, uint32_t n) {
    for (int i = 0; i < 4; i++) {
        w->data[w->len++] = (char)((n >> (8 * i)) & 0xff);
    }
}

static void put_list(wire *w, uint32_t n) {
    w->data[w->len++] = '[';
    put_u32(w, n);
}

static void put_str(wire *w, const char *s) {
    size_t n = strlen(s);
    w->data[w->len++] = 'u';
    put_u32(w, (uint32_t)n);
    memcpy(w->data + w->len, s, n);
    w->len += n;
}

static void put_int(wire *w, int32_t n) {
    w->data[w->len++] = 'i';
    put_u32(w, (uint32_t)n);
}

/* Replaces the file as editors do: a temporary file renamed over it. */
static void save(const char *dir, const char *file, const char *text) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/.tmp-save", dir);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        perror(tmp);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    if (rename(tmp, file) != 0) {
        perror("rename");
        exit(2);
    }
}

/* Whether the event buffer holds the text (events are wire lists whose
 * strings are stored as they are). */
static int holds(const gocfg_buffer *b, const char *text) {
    size_t n = strlen(text);
    for (size_t i = 0; b->data && i + n <= b->len; i++) {
        if (memcmp(b->data + i, text, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int64_t port_of(gocfg_config *cfg) {
    int64_t port = -1;
    gocfg_config_get_int(cfg, S("port"), &port, NULL);
    return port;
}

int main(int argc, char **argv) {
    const char *dir = test_dir(argc, argv);
    char file[4096];
    snprintf(file, sizeof file, "%s/app.json", dir);
    save(dir, file, "{\"port\": 1}\n");

    gocfg_stats before = stats();
    gocfg_error *err = NULL;

    /* [["file", FILE, "", 0], ["overrides", ["debug=true"], 0]] */
    wire spec = {.len = 0};
    put_list(&spec, 2);
    put_list(&spec, 4);
    put_str(&spec, "file");
    put_str(&spec, file);
    put_str(&spec, "");
    put_int(&spec, 0);
    put_list(&spec, 3);
    put_str(&spec, "overrides");
    put_list(&spec, 1);
    put_str(&spec, "debug=true");
    put_int(&spec, 0);

    gocfg_live *live = NULL;
    gocfg_config *cfg = NULL;
    int rc = gocfg_live_open(spec.data, spec.len, GOCFG_LIVE_MANUAL, NULL, 0, 20, NULL, &live, &cfg, &err);
    CHECK(rc == GOCFG_OK && live != NULL && cfg != NULL, "live_open rc=%d %s", rc, err ? err->message : "");
    if (rc != GOCFG_OK) {
        return check_done();
    }
    CHECK(port_of(cfg) == 1, "port=%lld", (long long)port_of(cfg));
    int debug = 0;
    rc = gocfg_config_get_bool(cfg, S("debug"), &debug, &err);
    CHECK(rc == GOCFG_OK && debug == 1, "override layer rc=%d", rc);

    gocfg_buffer ev = {0};
    gocfg_config *cand = NULL;
    rc = gocfg_live_next(live, 0, NULL, &ev, &cand, &err);
    CHECK(rc == 0 && cand == NULL, "no event yet rc=%d", rc);

    /* A change: offered as a pending candidate; the config stays. */
    save(dir, file, "{\"port\": 2}\n");
    rc = gocfg_live_next(live, 30000, NULL, &ev, &cand, &err);
    CHECK(rc == 1 && cand != NULL && holds(&ev, "pending"), "pending rc=%d", rc);
    CHECK(port_of(cand) == 2, "candidate port=%lld", (long long)port_of(cand));
    CHECK(port_of(cfg) == 1, "config unchanged until commit: port=%lld", (long long)port_of(cfg));
    CHECK(holds(&ev, "app.json"), "the event names the file that changed");
    rc = gocfg_config_set_int(cand, S("port"), 5, &err);
    CHECK(rc == GOCFG_E_FROZEN, "candidate is frozen rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    gocfg_buffer_free(&ev);

    gocfg_buffer applied = {0};
    rc = gocfg_live_commit(live, cand, &applied, &err);
    CHECK(rc == GOCFG_OK && holds(&applied, "applied"), "commit rc=%d", rc);
    CHECK(port_of(cfg) == 2, "committed: port=%lld", (long long)port_of(cfg));
    gocfg_buffer_free(&applied);
    rc = gocfg_live_commit(live, cand, NULL, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "second commit rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    gocfg_config_free(cand);
    cand = NULL;

    /* The applied event is queued too. */
    rc = gocfg_live_next(live, 30000, NULL, &ev, &cand, &err);
    CHECK(rc == 1 && cand == NULL && holds(&ev, "applied"), "applied event rc=%d", rc);
    gocfg_buffer_free(&ev);

    /* A file that does not parse: rejected, with where. */
    save(dir, file, "{\"port\": \n");
    rc = gocfg_live_next(live, 30000, NULL, &ev, &cand, &err);
    CHECK(rc == 1 && cand == NULL && holds(&ev, "rejected") && holds(&ev, file), "parse error rejected rc=%d", rc);
    CHECK(port_of(cfg) == 2, "old config stays: port=%lld", (long long)port_of(cfg));
    gocfg_buffer_free(&ev);

    /* A candidate rejected with a reason. */
    save(dir, file, "{\"port\": 3}\n");
    rc = gocfg_live_next(live, 30000, NULL, &ev, &cand, &err);
    CHECK(rc == 1 && cand != NULL && holds(&ev, "pending"), "second pending rc=%d", rc);
    gocfg_buffer_free(&ev);
    gocfg_buffer rejected = {0};
    rc = gocfg_live_reject(live, cand, S("port 3 is reserved"), &rejected, &err);
    CHECK(rc == GOCFG_OK && holds(&rejected, "port 3 is reserved"), "reject rc=%d", rc);
    gocfg_buffer_free(&rejected);
    gocfg_config_free(cand);
    cand = NULL;
    rc = gocfg_live_next(live, 30000, NULL, &ev, &cand, &err);
    CHECK(rc == 1 && holds(&ev, "rejected") && holds(&ev, "port 3 is reserved"), "rejected event rc=%d", rc);
    gocfg_buffer_free(&ev);
    CHECK(port_of(cfg) == 2, "rejected: port=%lld", (long long)port_of(cfg));

    /* A forced reload: pending, then committed. */
    gocfg_buffer reload = {0};
    rc = gocfg_live_reload(live, NULL, &reload, &err);
    CHECK(rc == 1 && holds(&reload, "pending"), "reload rc=%d", rc);
    gocfg_buffer_free(&reload);
    rc = gocfg_live_next(live, 30000, NULL, &ev, &cand, &err);
    CHECK(rc == 1 && cand != NULL, "reload's pending event rc=%d", rc);
    gocfg_buffer_free(&ev);
    rc = gocfg_live_commit(live, cand, NULL, &err);
    CHECK(rc == GOCFG_OK && port_of(cfg) == 3, "reload committed rc=%d port=%lld", rc, (long long)port_of(cfg));
    gocfg_config_free(cand);
    cand = NULL;
    rc = gocfg_live_next(live, 30000, NULL, &ev, &cand, &err);
    CHECK(rc == 1 && holds(&ev, "applied"), "reload applied rc=%d", rc);
    gocfg_buffer_free(&ev);

    /* Bad input. */
    rc = gocfg_live_next(live, 0, NULL, &ev, NULL, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "NULL out_candidate rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_live_next((gocfg_live *)cfg, 0, NULL, &ev, &cand, &err);
    CHECK(rc == GOCFG_E_INVALID_HANDLE, "a config is not a live handle rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_live_commit(live, NULL, NULL, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "commit without a candidate rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;

    gocfg_live *bad = NULL;
    gocfg_config *badcfg = NULL;
    wire notlist = {.len = 0};
    put_str(&notlist, "file");
    rc = gocfg_live_open(notlist.data, notlist.len, 0, NULL, 0, 0, NULL, &bad, &badcfg, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT && bad == NULL && badcfg == NULL, "spec not a list rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;

    wire unknown = {.len = 0};
    put_list(&unknown, 1);
    put_list(&unknown, 2);
    put_str(&unknown, "ftp");
    put_int(&unknown, 0);
    rc = gocfg_live_open(unknown.data, unknown.len, 0, NULL, 0, 0, NULL, &bad, &badcfg, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT && err && strstr(err->message, "layer 0"), "unknown kind rc=%d %s", rc,
          err ? err->message : "");
    gocfg_error_free(err);
    err = NULL;

    char missing[4096];
    snprintf(missing, sizeof missing, "%s/missing.yaml", dir);
    wire miss = {.len = 0};
    put_list(&miss, 1);
    put_list(&miss, 4);
    put_str(&miss, "file");
    put_str(&miss, missing);
    put_str(&miss, "");
    put_int(&miss, 0);
    rc = gocfg_live_open(miss.data, miss.len, 0, NULL, 0, 0, NULL, &bad, &badcfg, &err);
    CHECK(rc == GOCFG_E_IO && err && err->sys_errno == 2, "missing required file rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_live_open(spec.data, spec.len, 0, NULL, 0, -1, NULL, &bad, &badcfg, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "negative debounce rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_live_open(spec.data, spec.len, 1 << 20, NULL, 0, 0, NULL, &bad, &badcfg, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT, "unknown flags rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;

    /* Close: the config stays readable; the live handle is gone. */
    gocfg_live_close(live);
    gocfg_live_close(live);
    gocfg_live_close(NULL);
    rc = gocfg_live_next(live, 0, NULL, &ev, &cand, &err);
    CHECK(rc == GOCFG_E_INVALID_HANDLE, "next after close rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    CHECK(port_of(cfg) == 3, "config after close: port=%lld", (long long)port_of(cfg));
    gocfg_config_free(cfg);

    gocfg_stats after = stats();
    CHECK(after.live_handles == before.live_handles, "handles %lld -> %lld", (long long)before.live_handles,
          (long long)after.live_handles);
    CHECK(after.outstanding_buffers == before.outstanding_buffers, "buffers %lld -> %lld",
          (long long)before.outstanding_buffers, (long long)after.outstanding_buffers);
    CHECK(after.outstanding_errors == before.outstanding_errors, "errors %lld -> %lld",
          (long long)before.outstanding_errors, (long long)after.outstanding_errors);
    return check_done();
}
