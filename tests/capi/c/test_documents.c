/*
 * test_documents.c -- the calls for what a config cannot hold (issue 12),
 * through the public header: gocfg_read_all, gocfg_reads_all and
 * gocfg_dump_all (streams and roots of any kind, as wire lists),
 * gocfg_format_modes, and keys holding NUL listed by gocfg_config_keys.
 *
 * Usage: test_documents DIR (a writable directory for the test files).
 */
#include <errno.h>

#include "check.h"

/* The wire (marshal) bytes of a small list, as gocore/wire writes them. */
static int same(const gocfg_buffer *b, const char *want, size_t n) {
    return b->len == n && memcmp(b->data, want, n) == 0;
}

int main(int argc, char **argv) {
    const char *dir = test_dir(argc, argv);
    int64_t n;
    int rc;
    gocfg_error *err = NULL;
    gocfg_buffer out = {0};

    /* the reading modes, with the format each refines */
    rc = gocfg_format_modes(&out, &err);
    CHECK(rc == GOCFG_OK && err == NULL, "format_modes rc=%d", rc);
    CHECK(strstr(out.data, "yaml-1.1 yaml yml-1.1\n") != NULL && strstr(out.data, "ini-case ini\n") != NULL,
          "modes: %s", out.data);
    gocfg_buffer_free(&out);
    CHECK(gocfg_format_modes(NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL out");

    /* a stream of two documents: a map and a list */
    n = gocfg_reads_all(S("a: 1\n---\n- x\n"), S("yaml"), NULL, &out, &err);
    CHECK(n == 2 && err == NULL, "reads_all n=%lld", (long long)n);
    CHECK(same(&out, "[\2\0\0\0{z\1ai\1\0\0\0" "0[\1\0\0\0z\1x", 23), "wire list of roots (len %zu)", out.len);
    gocfg_buffer docs = out; /* written back below */
    out.data = NULL, out.len = 0;

    /* YAML 1.1 by format name; an empty stream has no documents */
    n = gocfg_reads_all(S("- yes\n"), S("yaml-1.1"), NULL, &out, NULL);
    CHECK(n == 1 && same(&out, "[\1\0\0\0[\1\0\0\0T", 11), "yaml-1.1 n=%lld", (long long)n);
    gocfg_buffer_free(&out);
    n = gocfg_reads_all(S(""), S("yaml"), NULL, &out, NULL);
    CHECK(n == 0 && same(&out, "[\0\0\0\0", 5), "empty stream n=%lld", (long long)n);
    gocfg_buffer_free(&out);

    /* a file whose root is a JSON array */
    char path[4096];
    snprintf(path, sizeof path, "%s/list.json", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "create %s", path);
    if (f) {
        fputs("[7]", f);
        fclose(f);
    }
    n = gocfg_read_all(path, strlen(path), NULL, 0, NULL, &out, &err);
    CHECK(n == 1 && same(&out, "[\1\0\0\0[\1\0\0\0i\7\0\0\0", 15), "read_all n=%lld", (long long)n);
    gocfg_buffer_free(&out);

    /* errors: parse (with its line), missing file, unknown format, no
     * format for text, NULL out, a cancel already triggered */
    n = gocfg_reads_all(S("a: 1\n---\nb: [\n"), S("yaml"), NULL, &out, &err);
    CHECK(n == GOCFG_E_PARSE && err != NULL && err->line >= 3 && out.data == NULL, "parse n=%lld", (long long)n);
    gocfg_error_free(err);
    snprintf(path, sizeof path, "%s/missing.yaml", dir);
    n = gocfg_read_all(path, strlen(path), NULL, 0, NULL, &out, &err);
    CHECK(n == GOCFG_E_IO && err != NULL && err->sys_errno == ENOENT, "missing n=%lld", (long long)n);
    gocfg_error_free(err);
    CHECK(gocfg_reads_all(S("[]"), S("nope"), NULL, &out, NULL) == GOCFG_E_INVALID_ARGUMENT, "unknown format");
    CHECK(gocfg_reads_all(S("[]"), NULL, 0, NULL, &out, NULL) == GOCFG_E_INVALID_ARGUMENT, "no format");
    CHECK(gocfg_reads_all(S("[]"), S("json"), NULL, NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL out");
    CHECK(gocfg_read_all(NULL, 5, NULL, 0, NULL, &out, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL file name");
    gocfg_cancel *cancel = NULL;
    CHECK(gocfg_cancel_new(&cancel, NULL) == GOCFG_OK, "cancel_new");
    gocfg_cancel_trigger(cancel);
    n = gocfg_reads_all(S("a: 1\n"), S("yaml"), cancel, &out, NULL);
    CHECK(n == GOCFG_E_CANCELLED && out.data == NULL, "cancelled n=%lld", (long long)n);
    gocfg_cancel_free(cancel);

    /* writing the documents back: a YAML stream, a JSON list; TOML refuses */
    rc = gocfg_dump_all(docs.data, docs.len, S("yaml"), &out, &err);
    CHECK(rc == GOCFG_OK && same(&out, "a: 1\n---\n- x\n", 13), "dump yaml rc=%d: %s", rc, out.data);
    gocfg_buffer_free(&out);
    rc = gocfg_dump_all(docs.data, docs.len, S("json"), &out, NULL);
    CHECK(rc == GOCFG_OK && out.data[0] == '[', "dump json rc=%d", rc);
    gocfg_buffer_free(&out);
    rc = gocfg_dump_all(docs.data, docs.len, S("toml"), &out, &err);
    CHECK(rc == GOCFG_E_TYPE_MISMATCH && err != NULL && strstr(err->message, "2 documents") != NULL,
          "dump toml rc=%d", rc);
    gocfg_error_free(err);
    CHECK(gocfg_dump_all(S("N"), S("yaml"), &out, NULL) == GOCFG_E_TYPE_MISMATCH, "not a list");
    CHECK(gocfg_dump_all(S("[\5\0"), S("yaml"), &out, NULL) == GOCFG_E_INVALID_ARGUMENT, "truncated wire data");
    CHECK(gocfg_dump_all(docs.data, docs.len, S("yaml"), NULL, NULL) == GOCFG_E_INVALID_ARGUMENT, "NULL out");
    gocfg_buffer_free(&docs);

    /* keys may hold NUL: the keys listing is a wire list */
    gocfg_config *cfg = NULL;
    CHECK(gocfg_config_new(&cfg, NULL) == GOCFG_OK, "new");
    CHECK(gocfg_config_set(cfg, S("a\0b"), S("v"), NULL) == GOCFG_OK, "set a NUL key");
    rc = gocfg_config_keys(cfg, NULL, 0, &out, NULL);
    CHECK(rc == GOCFG_OK && same(&out, "[\1\0\0\0z\3a\0b", 10), "keys len=%zu", out.len);
    gocfg_buffer_free(&out);
    rc = gocfg_config_dump(cfg, S("ini"), &out, &err);
    CHECK(rc == GOCFG_E_TYPE_MISMATCH && err != NULL && strcmp(err->path, "a\\0b") == 0,
          "ini refuses the NUL key by path rc=%d", rc);
    gocfg_error_free(err);
    gocfg_config_free(cfg);

    gocfg_stats s = stats();
    CHECK(s.live_handles == 0 && s.outstanding_buffers == 0 && s.outstanding_errors == 0,
          "nothing leaked: handles=%lld buffers=%lld errors=%lld", (long long)s.live_handles,
          (long long)s.outstanding_buffers, (long long)s.outstanding_errors);
    return check_done();
}
