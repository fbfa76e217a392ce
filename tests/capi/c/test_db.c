/*
 * The seed's database usage, in C, against the public header:
 * open / save / load / query / close, plus names, history, delete,
 * compare-and-swap, watches (ended by a timeout, by a cancel from another
 * thread and by closing the database from another thread), and the handles
 * that must be refused. Runs on memory:// and on a SQLite file in the
 * directory given as argv[1].
 * Prints one line per check and exits non-zero if any failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether needle[0..n) occurs in hay[0..len). */
static int contains(const char *hay, size_t len, const char *needle, size_t n) {
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0) return 1;
    return 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A config {"server": {"port": port, "host": "h"}, "name": name}. */
static gocfg_config *make_config(int64_t port, const char *name) {
    gocfg_config *cfg = NULL;
    if (gocfg_config_new(&cfg, NULL) != GOCFG_OK ||
        gocfg_config_set_int(cfg, S("server.port"), port, NULL) != GOCFG_OK ||
        gocfg_config_set(cfg, S("server.host"), "h", 1, NULL) != GOCFG_OK ||
        gocfg_config_set(cfg, S("name"), name, strlen(name), NULL) != GOCFG_OK) {
        printf("FAIL make_config\n");
        exit(1);
    }
    return cfg;
}

struct later {
    long delay_ms;
    gocfg_db *db;         /* closed after the delay, if set */
    gocfg_cancel *cancel; /* triggered after the delay, if set */
};

static void *act_later(void *arg) {
    struct later *l = arg;
    sleep_ms(l->delay_ms);
    if (l->cancel) gocfg_cancel_trigger(l->cancel);
    if (l->db) gocfg_db_close(l->db);
    return NULL;
}

static void exercise(const char *url, int persistent) {
    gocfg_error *err = NULL;
    gocfg_db *db = NULL;
    printf("--- %s\n", url);

    /* open (the seed's db_open) */
    gocfg_db_options opts = {0};
    opts.timeout_ms = 5000;
    int rc = gocfg_db_open(url, strlen(url), &opts, NULL, &db, &err);
    CHECK(rc == GOCFG_OK && db != NULL && err == NULL, "open rc=%d %s", rc, err ? err->message : "");

    gocfg_buffer desc = {0};
    rc = gocfg_db_describe(db, &desc, NULL);
    CHECK(rc == GOCFG_OK && desc.len > 0 && strlen(desc.data) == desc.len, "describe rc=%d", rc);
    gocfg_buffer_free(&desc);

    /* a watch opened before the saves sees them */
    gocfg_db_watch *w = NULL;
    rc = gocfg_db_watch_open(db, S("services"), &w, &err);
    CHECK(rc == GOCFG_OK && w != NULL, "watch_open rc=%d", rc);

    /* save: revisions 1, 2; compare-and-swap */
    gocfg_config *api = make_config(8080, "api");
    gocfg_config *web = make_config(80, "web");
    int64_t rev = -1;
    rc = gocfg_db_save(db, S("services/api"), api, 0, NULL, &rev, &err);
    CHECK(rc == GOCFG_OK && rev == 1, "save rc=%d rev=%lld", rc, (long long)rev);
    rc = gocfg_db_save(db, S("services/web"), web, -1, NULL, &rev, NULL);
    CHECK(rc == GOCFG_OK && rev == 1, "save web rc=%d rev=%lld", rc, (long long)rev);
    gocfg_config_set_int(api, S("server.port"), 9090, NULL);
    rc = gocfg_db_save(db, S("services/api"), api, 1, NULL, &rev, NULL);
    CHECK(rc == GOCFG_OK && rev == 2, "CAS save rc=%d rev=%lld", rc, (long long)rev);
    rc = gocfg_db_save(db, S("services/api"), api, 1, NULL, &rev, &err);
    CHECK(rc == GOCFG_E_CONFLICT && err != NULL && err->code == GOCFG_E_CONFLICT, "stale CAS rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    rc = gocfg_db_save(db, S("services/api"), api, 0, NULL, NULL, NULL);
    CHECK(rc == GOCFG_E_CONFLICT, "must-not-exist CAS rc=%d", rc);

    /* load latest and an old revision */
    gocfg_config *got = NULL;
    int64_t port = 0;
    rc = gocfg_db_load(db, S("services/api"), 0, NULL, &got, &rev, &err);
    CHECK(rc == GOCFG_OK && rev == 2 && got != NULL, "load rc=%d rev=%lld", rc, (long long)rev);
    CHECK(gocfg_config_get_int(got, S("server.port"), &port, NULL) == GOCFG_OK && port == 9090,
          "loaded port %lld", (long long)port);
    gocfg_config_free(got);
    rc = gocfg_db_load(db, S("services/api"), 1, NULL, &got, NULL, NULL);
    CHECK(rc == GOCFG_OK && gocfg_config_get_int(got, S("server.port"), &port, NULL) == GOCFG_OK &&
              port == 8080,
          "revision 1 rc=%d port=%lld", rc, (long long)port);
    gocfg_config_free(got);
    got = NULL;
    rc = gocfg_db_load(db, S("services/none"), 0, NULL, &got, NULL, &err);
    CHECK(rc == GOCFG_E_NOT_FOUND && got == NULL && err != NULL, "missing rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;

    /* query (the seed's db_query): the count, and the rows when asked */
    int64_t n = gocfg_db_query(db, S("services/*:server.port"), NULL, NULL, &err);
    CHECK(n == 2, "query count %lld", (long long)n);
    gocfg_buffer rows = {0};
    n = gocfg_db_query(db, S("*/*:**"), NULL, &rows, NULL);
    CHECK(n == 6 && rows.len > 0 && (rows.data[0] & 0x7f) == '[', "query rows %lld len=%zu", (long long)n,
          rows.len);
    CHECK(contains(rows.data, rows.len, S("services/web")), "rows name the configs");
    gocfg_buffer_free(&rows);
    n = gocfg_db_query(db, S("no colon"), NULL, NULL, &err);
    CHECK(n == GOCFG_E_INVALID_ARGUMENT && err != NULL, "bad query %lld", (long long)n);
    gocfg_error_free(err);
    err = NULL;

    /* names: NUL-separated, sorted */
    gocfg_buffer names = {0};
    rc = gocfg_db_names(db, "", 0, NULL, &names, NULL);
    CHECK(rc == GOCFG_OK && names.len == 26 && memcmp(names.data, "services/api\0services/web\0", 26) == 0,
          "names rc=%d len=%zu", rc, names.len);
    gocfg_buffer_free(&names);

    /* history: an array of gocfg_db_revision */
    gocfg_buffer hist = {0};
    rc = gocfg_db_history(db, S("services/api"), NULL, &hist, NULL);
    const gocfg_db_revision *h = (const gocfg_db_revision *)hist.data;
    CHECK(rc == GOCFG_OK && hist.len == 2 * sizeof(gocfg_db_revision) && h[0].revision == 1 &&
              h[1].revision == 2 && h[0].unix_nanos > 1600000000LL * 1000000000LL &&
              h[1].unix_nanos >= h[0].unix_nanos,
          "history rc=%d len=%zu", rc, hist.len);
    gocfg_buffer_free(&hist);

    /* delete: revision 3 is used up, a later save gets 4 */
    CHECK(gocfg_db_delete(db, S("services/web"), NULL, NULL) == GOCFG_OK, "delete");
    CHECK(gocfg_db_delete(db, S("services/web"), NULL, NULL) == GOCFG_E_NOT_FOUND, "delete again");

    /* the watch saw: api 1, web 1, api 2, web 2 (deleted) */
    gocfg_db_event ev;
    const char *want_names[] = {"services/api", "services/web", "services/api", "services/web"};
    int64_t want_revs[] = {1, 1, 2, 2};
    int want_deleted[] = {0, 0, 0, 1};
    for (int i = 0; i < 4; i++) {
        rc = gocfg_db_watch_next(w, 10000, NULL, &ev, &err);
        CHECK(rc == 1 && ev.name.len == strlen(want_names[i]) && strcmp(ev.name.data, want_names[i]) == 0 &&
                  ev.revision == want_revs[i] && ev.deleted == want_deleted[i],
              "event %d rc=%d %s rev=%lld deleted=%d", i, rc, rc == 1 ? ev.name.data : (err ? err->message : ""),
              (long long)ev.revision, ev.deleted);
        gocfg_buffer_free(&ev.name);
    }
    /* no more events: a poll and a short timeout give 0 */
    CHECK(gocfg_db_watch_next(w, 0, NULL, &ev, NULL) == 0, "poll");
    double t0 = now_s();
    CHECK(gocfg_db_watch_next(w, 100, NULL, &ev, NULL) == 0 && now_s() - t0 >= 0.09, "timeout");

    /* a cancel triggered from another thread ends a blocked wait */
    gocfg_cancel *cancel = NULL;
    CHECK(gocfg_cancel_new(&cancel, NULL) == GOCFG_OK, "cancel_new");
    struct later l1 = {100, NULL, cancel};
    pthread_t th;
    pthread_create(&th, NULL, act_later, &l1);
    rc = gocfg_db_watch_next(w, -1, cancel, &ev, NULL);
    pthread_join(th, NULL);
    CHECK(rc == GOCFG_E_CANCELLED, "cancelled wait rc=%d", rc);
    gocfg_cancel_free(cancel);

    /* a sliced call: a load that ends within its slice answers at once, as
       without a slice (waiting after it, or a second call on the handle, is
       refused); a missing name's error comes with it or with the wait */
    gocfg_cancel *sliced = NULL;
    CHECK(gocfg_cancel_new_sliced(0, &sliced, NULL) == GOCFG_E_INVALID_ARGUMENT && sliced == NULL, "slice of 0 ms");
    CHECK(gocfg_cancel_new_sliced(5000, &sliced, NULL) == GOCFG_OK && sliced != NULL, "cancel_new_sliced");
    got = NULL;
    rc = gocfg_db_load(db, S("services/api"), 0, sliced, &got, &rev, NULL);
    CHECK(rc == GOCFG_OK && got != NULL && rev == 2, "sliced load rc=%d", rc);
    gocfg_config_free(got);
    CHECK(gocfg_cancel_wait(sliced, 0, NULL) == GOCFG_E_INVALID_ARGUMENT, "wait after an answered call");
    CHECK(gocfg_db_load(db, S("services/api"), 0, sliced, &got, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT,
          "second call on a sliced handle");
    gocfg_cancel_free(sliced);
    CHECK(gocfg_cancel_new_sliced(5000, &sliced, NULL) == GOCFG_OK, "cancel_new_sliced");
    int64_t r = gocfg_db_load(db, S("services/none"), 0, sliced, &got, NULL, &err);
    while (r == GOCFG_E_PENDING) r = gocfg_cancel_wait(sliced, 100, &err);
    CHECK(r == GOCFG_E_NOT_FOUND && err != NULL && err->code == GOCFG_E_NOT_FOUND, "sliced missing rc=%lld",
          (long long)r);
    gocfg_error_free(err);
    err = NULL;
    gocfg_cancel_free(sliced);

    /* bad input */
    rc = gocfg_db_save(db, S("bad\0name"), api, -1, NULL, NULL, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT && err != NULL, "NUL in name rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    CHECK(gocfg_db_save(db, S("a/../b"), api, -1, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "dot-dot name");
    CHECK(gocfg_db_save(db, S("\xff"), api, -1, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "bad UTF-8");
    CHECK(gocfg_db_save(db, NULL, 3, api, -1, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL name");
    CHECK(gocfg_db_save(db, S("x"), api, -5, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "bad expect");
    CHECK(gocfg_db_load(db, S("x"), 0, NULL, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL out");
    CHECK(gocfg_db_names(db, "", 0, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL buffer");
    CHECK(gocfg_db_watch_next(w, 0, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL event");
    /* wrong kinds: a config where a database goes, and the other way round */
    CHECK(gocfg_db_names((gocfg_db *)api, "", 0, NULL, &names, NULL) == GOCFG_E_INVALID_HANDLE, "config as db");
    CHECK(gocfg_db_save(db, S("x"), (gocfg_config *)db, -1, NULL, NULL, NULL) == GOCFG_E_INVALID_HANDLE,
          "db as config");
    CHECK(gocfg_db_watch_next((gocfg_db_watch *)db, 0, NULL, &ev, NULL) == GOCFG_E_INVALID_HANDLE,
          "db as watch");

    /* closing the database from another thread ends a blocked watch */
    struct later l2 = {150, db, NULL};
    pthread_create(&th, NULL, act_later, &l2);
    t0 = now_s();
    rc = gocfg_db_watch_next(w, 20000, NULL, &ev, &err);
    pthread_join(th, NULL);
    CHECK(rc == GOCFG_E_CLOSED && now_s() - t0 < 5, "watch after close rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    CHECK(gocfg_db_watch_next(w, 0, NULL, &ev, NULL) == GOCFG_E_CLOSED, "still closed");
    gocfg_db_watch_close(w);
    gocfg_db_watch_close(w); /* harmless */
    gocfg_db_watch_close(NULL);
    CHECK(gocfg_db_watch_next(w, 0, NULL, &ev, NULL) == GOCFG_E_INVALID_HANDLE, "closed watch handle");

    /* the seed's db_close: idempotent, NULL ok; the handle is then stale */
    gocfg_db_close(db);
    gocfg_db_close(NULL);
    rc = gocfg_db_query(db, S("*:**"), NULL, NULL, &err);
    CHECK(rc == GOCFG_E_INVALID_HANDLE && err != NULL && strstr(err->message, "stale") != NULL,
          "closed db rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;

    /* a persistent store keeps its data for the next open */
    if (persistent) {
        rc = gocfg_db_open(url, strlen(url), NULL, NULL, &db, NULL);
        CHECK(rc == GOCFG_OK, "reopen rc=%d", rc);
        n = gocfg_db_query(db, S("**:server.port"), NULL, NULL, NULL);
        CHECK(n == 1, "after reopen %lld", (long long)n);
        rc = gocfg_db_save(db, S("services/web"), web, 0, NULL, &rev, NULL);
        CHECK(rc == GOCFG_OK && rev == 3, "save after delete rev=%lld", (long long)rev);
        gocfg_db_close(db);
    }
    gocfg_config_free(api);
    gocfg_config_free(web);
}

int main(int argc, char **argv) {
    gocfg_error *err = NULL;
    gocfg_db *db = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR (a directory for the SQLite file)\n", argv[0]);
        return 2;
    }

    exercise("memory://", 0);
    char url[4096];
    snprintf(url, sizeof url, "sqlite://%s/test_db.sqlite", argv[1]);
    exercise(url, 1);
    snprintf(url, sizeof url, "%s/bare-path.db", argv[1]);
    exercise(url, 1);

    /* open errors */
    int rc = gocfg_db_open(S("bogus://x"), NULL, NULL, &db, &err);
    CHECK(rc == GOCFG_E_INVALID_ARGUMENT && db == NULL && err != NULL, "bad scheme rc=%d", rc);
    gocfg_error_free(err);
    err = NULL;
    gocfg_db_options quick = {0};
    quick.timeout_ms = 500;
    rc = gocfg_db_open(S("etcd://user:Pw-canary@127.0.0.1:1/x"), &quick, NULL, &db, &err);
    CHECK(rc == GOCFG_E_CONNECTION && err != NULL && strstr(err->message, "Pw-canary") == NULL,
          "unreachable etcd rc=%d %s", rc, err ? err->message : "");
    gocfg_error_free(err);
    err = NULL;
    gocfg_db_options bad = {0};
    bad.timeout_ms = -1;
    CHECK(gocfg_db_open(S("memory://"), &bad, NULL, &db, NULL) == GOCFG_E_INVALID_ARGUMENT, "bad timeout");
    CHECK(gocfg_db_open(S("memory://"), NULL, NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL out");
    CHECK(gocfg_db_open(NULL, 5, NULL, NULL, &db, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL url");
    CHECK(gocfg_db_open(S("memory://\0"), NULL, NULL, &db, NULL) == GOCFG_E_INVALID_ARGUMENT, "NUL in url");
    gocfg_db_close((gocfg_db *)(uintptr_t)0xdeadbeef); /* forged: a no-op */

    gocfg_stats s = stats();
    CHECK(s.live_handles == 0 && s.outstanding_buffers == 0 && s.outstanding_errors == 0,
          "nothing leaked: handles=%lld buffers=%lld errors=%lld", (long long)s.live_handles,
          (long long)s.outstanding_buffers, (long long)s.outstanding_errors);

    return check_done();
}
