/* The import driver: open the file, check its columns, run each record
 * through its entity's row function inside transactions, and reject or roll
 * back bad rows. */
#include "service/import.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "service/alerts.h"
#include "service/import_pipe.h"
#include "service/import_rows.h"
#include "store/audit.h"
#include "store/customers.h"
#include "store/survey_rows.h"
#include "util/outfile.h"
#include "util/record_writer.h"

enum { PROGRESS_EVERY = 10000 };

static const mi_import_entity *find_entity(const char *name) {
  for (const mi_import_entity *en = mi_import_entity_table; en->name; en++)
    if (!strcmp(en->name, name)) return en;
  return NULL;
}

static int listed(const char *const *list, const char *name) {
  for (; *list; list++)
    if (!strcmp(*list, name)) return 1;
  return 0;
}

/* The header must have every required column and, unless the entity takes
 * extra columns, nothing unknown (a misspelt column would otherwise be
 * silently ignored). */
static int check_header(const mi_import_entity *en, mi_reader *r, mi_err *e) {
  size_t idx;
  for (const char *const *c = en->required; *c; c++)
    if (mi_reader_column(r, *c, &idx))
      return mi_err_setpos(e, MI_EPARSE, mi_reader_name(r), 1, 0,
                           "required column '%s' is missing (a %s file needs: %s%s%s...)", *c,
                           en->name, en->required[0], en->required[1] ? ", " : "",
                           en->required[1] ? en->required[1] : "");
  if (en->extra_columns) return 0;
  const char *const *names;
  size_t n;
  mi_reader_header(r, &names, &n);
  for (size_t i = 0; i < n; i++)
    if (!listed(en->required, names[i]) && !listed(en->optional, names[i]))
      return mi_err_setpos(e, MI_EPARSE, mi_reader_name(r), 1, 0,
                           "unknown column '%s' in a %s file", names[i], en->name);
  return 0;
}

/* Every column an entity's file may have; for responses that includes the
 * question codes of every survey in the configuration. *out is owned by the
 * caller (free); the strings are not. */
/* The columns of an entity: the fixed ones and, for responses, the question
 * codes of every survey, or with keys (one row given as fields) those keys:
 * a key that is no question of the row's survey is then the error. */
static int expected_columns(const mi_import_entity *en, const mi_config *cfg,
                            const char *const *keys, size_t nkeys, const char ***out, size_t *n,
                            mi_err *e) {
  size_t cap = nkeys, k = 0;
  for (const char *const *c = en->required; *c; c++) cap++;
  for (const char *const *c = en->optional; *c; c++) cap++;
  if (en->extra_columns)
    for (size_t i = 0; i < cfg->nsurveys; i++) cap += cfg->surveys[i].nquestions;
  const char **cols = calloc(cap + 1, sizeof *cols);
  if (!cols) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (const char *const *c = en->required; *c; c++) cols[k++] = *c;
  for (const char *const *c = en->optional; *c; c++) cols[k++] = *c;
  for (size_t i = 0; en->extra_columns && i < (keys ? nkeys : cfg->nsurveys); i++)
    for (size_t q = 0; q < (keys ? 1 : cfg->surveys[i].nquestions); q++) {
      const char *code = keys ? keys[i] : cfg->surveys[i].questions[q].code;
      size_t j = 0;
      while (j < k && strcmp(cols[j], code) != 0) j++;
      if (j == k) cols[k++] = code; /* surveys may share question codes */
    }
  *out = cols;
  *n = k;
  return 0;
}

/* The rejects file: the record's fields as read, then where and why. */
typedef struct rejects {
  mi_outfile *f; /* renamed into place when the import ends */
  mi_writer *w;
  const char **values;
  size_t ncolumns;
} rejects;

static int rejects_open(rejects *rj, const char *path, const char *protect, mi_reader *r,
                        mi_err *e) {
  const char *const *names;
  size_t n;
  mi_reader_header(r, &names, &n);
  rj->ncolumns = n;
  rj->values = calloc(n + 2, sizeof *rj->values);
  const char **cols = calloc(n + 2, sizeof *cols);
  if (!rj->values || !cols) {
    free(cols);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  memcpy(cols, names, n * sizeof *cols);
  cols[n] = "reject_line";
  cols[n + 1] = "reject_reason";
  int rc = mi_outfile_open(path, protect, &rj->f, e);
  if (rc) {
    free(cols);
    mi_err_prefix(e, "rejects file");
    return rc;
  }
  rc = mi_writer_open(mi_outfile_stream(rj->f), MI_FORMAT_CSV, cols, n + 2, &rj->w, e);
  free(cols);
  return rc;
}

static int rejects_add(rejects *rj, const mi_record *rec, const mi_err *why, mi_err *e) {
  char line[24];
  snprintf(line, sizeof line, "%ld", rec ? mi_record_line(rec) : (long)why->line);
  for (size_t i = 0; i < rj->ncolumns; i++) rj->values[i] = rec ? mi_record_field(rec, i) : NULL;
  rj->values[rj->ncolumns] = line;
  rj->values[rj->ncolumns + 1] = why->msg;
  return mi_writer_row(rj->w, rj->values, e);
}

static int rejects_close(rejects *rj, mi_err *e) {
  int rc = 0;
  if (rj->w) rc = mi_writer_close(rj->w, e);
  if (rj->f) {
    mi_err ce = {0};
    if (mi_outfile_close(rj->f, &ce) && rc == 0) {
      *e = ce;
      rc = ce.code;
    }
  }
  free(rj->values);
  memset(rj, 0, sizeof *rj);
  return rc;
}

static void count(mi_import_summary *sum, int rc) {
  if (rc == MI_PUT_INSERTED) sum->inserted++;
  else if (rc == MI_PUT_UPDATED) sum->updated++;
  else sum->unchanged++;
}

/* One record: duplicate check, then the entity's row function. */
static int import_record(mi_import_ctx *ctx, const mi_import_entity *en, const mi_record *rec,
                         mi_err *e) {
  const char *key = mi_record_get(rec, "external_id");
  if (key && *key && !en->checked_first) {
    int fresh = mi_store_seen_add(ctx->store, key, e);
    if (fresh < 0) return fresh;
    if (!fresh)
      return mi_record_error(rec, e, MI_EEXIST, "external_id",
                             "'%s' occurs more than once in this file", key);
  }
  return en->row(ctx, rec, e);
}

/* The audit entry that commits with a transaction of rows: the caller's
 * object (argv, role) with the file, the counts so far and whether this is
 * the last transaction. Written inside the open transaction, so the rows and
 * their entry are stored together or not at all. */
static int audit_commit(mi_import_ctx *ctx, const mi_import_summary *sum, int last, mi_err *e) {
  const mi_import_options *o = ctx->opt;
  if (!o->audit_json) return 0;
  json_t *d = json_loads(o->audit_json, 0, NULL);
  if (!json_is_object(d)) {
    json_decref(d);
    d = json_object();
  }
  json_t *rows = json_pack("{s:I, s:I, s:I, s:I, s:I}", "read", (json_int_t)sum->read, "inserted",
                           (json_int_t)sum->inserted, "updated", (json_int_t)sum->updated,
                           "unchanged", (json_int_t)sum->unchanged, "rejected",
                           (json_int_t)sum->rejected);
  char *text = NULL;
  if (d && rows && json_object_set_new(d, "file", json_string(o->path)) == 0 &&
      json_object_set_new(d, "rows", rows) == 0 &&
      json_object_set_new(d, "status", last ? json_integer(sum->rejected ? 3 : 0)
                                             : json_string("running")) == 0)
    text = json_dumps(d, JSON_COMPACT);
  else
    json_decref(rows);
  json_decref(d);
  if (!text) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int rc = mi_audit_append(ctx->store, o->actor ? o->actor : "unknown", "import", o->entity, text,
                           o->now, e);
  free(text);
  return rc;
}

/* Commits the open transaction of rows with its audit entry (and, for
 * customers, the name index of the new rows; for responses the mark of the
 * alert hook, when it saw them all: they commit together). */
static int commit(mi_import_ctx *ctx, mi_import_summary *sum, int last, mi_err *e) {
  int own = last && ctx->nown == 1; /* one range of ids: no other writer's among them */
  if (mi_customer_grams_catch_up(ctx->store, e) ||
      (own && mi_alert_intake_finish(ctx->opt->alerts, ctx->store, ctx->own[0][0], ctx->own[0][1], e)) ||
      audit_commit(ctx, sum, last, e) || mi_store_commit(ctx->store, e))
    return e->code;
  sum->commits++;
  return 0;
}

static int run(mi_import_ctx *ctx, const mi_import_entity *en, rejects *rj,
               mi_import_summary *sum, mi_err *e) {
  mi_store *s = ctx->store;
  size_t batch = ctx->cfg->limits.import_batch_rows > 0 ? (size_t)ctx->cfg->limits.import_batch_rows
                                                         : 5000;
  const mi_record *rec;
  int rc;
  if (mi_store_seen_reset(s, e) || mi_store_begin(s, e)) return e->code;
  while ((rc = mi_reader_next(ctx->reader, &rec, e)) != 0) {
    if (rc < 0 && (mi_reader_failed(ctx->reader) || !rj->w)) goto fail;
    sum->read++;
    if (rc < 0) {
      rec = NULL; /* the reader could not make a record of this row */
    } else if (rj->w) {
      if (mi_store_savepoint(s, e)) goto fail;
      rc = import_record(ctx, en, rec, e);
      if (rc < 0)
        mi_store_rollback_savepoint(s);
      else
        mi_store_release_savepoint(s);
    } else {
      rc = import_record(ctx, en, rec, e);
    }
    if (rc < 0) {
      if (!rj->w || rc == MI_ENOMEM || rc == MI_EIO || rc == MI_EBUSY) goto fail;
      sum->rejected++;
      mi_err why = *e;
      if (rejects_add(rj, rec, &why, e)) goto fail;
    } else {
      count(sum, rc);
    }
    if (ctx->opt->progress && sum->read % PROGRESS_EVERY == 0)
      ctx->opt->progress(ctx->opt->progress_ctx, sum->read);
    /* With a rejects file the good rows are kept, so commit as we go. */
    if (rj->w && sum->read % batch == 0 && (commit(ctx, sum, 0, e) || mi_store_begin(s, e)))
      goto fail;
  }
  if (commit(ctx, sum, 1, e) == 0) return 0;
fail:
  mi_store_rollback(s);
  return e->code ? e->code : MI_ESTORE;
}

/* The alert hook's stage of the pipe: the decisions of a batch, read through
 * a connection of its own. */
typedef struct alert_stage {
  mi_store *store;
  const mi_import_options *opt;
} alert_stage;

static void decide_alerts(void *ud, mi_checked_response *rows, size_t n) {
  alert_stage *a = ud;
  for (size_t i = 0; i < n; i++) mi_import_response_alert(a->store, a->opt, &rows[i]);
}

/* The all-or-nothing import of a file whose records are checked apart from
 * storing (responses): a second thread reads and checks them through a
 * read-only connection of its own while this one stores them, and with the
 * alert hook a third asks it (import_pipe.c). 1 when it ran (rc in *rc), 0
 * when it cannot (an in-memory database, no thread): then run() does the
 * same work in one thread. */
static int run_two_threads(mi_import_ctx *ctx, mi_import_summary *sum, int *rc, mi_err *e) {
  mi_store *s = ctx->store, *rs = NULL;
  mi_err oe = {0};
  /* the write transaction first: no other writer commits after it, so the
   * reading connection's snapshot (taken at its first read) holds all
   * that this transaction sees */
  if ((*rc = mi_store_begin(s, e))) return 1;
  alert_stage as = {.opt = ctx->opt};
  if (!(rs = mi_store_reader(s)) || (ctx->opt->alerts && !(as.store = mi_store_reader(s)))) {
    mi_store_reader_close(rs);
    mi_store_rollback(s);
    return 0;
  }
  mi_import_ctx reading = {.store = rs, .cfg = ctx->cfg, .opt = ctx->opt, .reader = ctx->reader,
                           .cache_customers = 1};
  mi_import_stage stage = {decide_alerts, &as};
  mi_import_pipe *p;
  if (mi_import_pipe_start(&reading, as.store ? &stage : NULL, &p, &oe)) {
    mi_store_reader_close(rs);
    mi_store_reader_close(as.store);
    mi_store_rollback(s);
    return 0;
  }
  const mi_checked_response *rows;
  size_t n;
  int got, *put = NULL;
  while (*rc == 0 && (got = mi_import_pipe_next(p, &rows, &n, e)) != 0) {
    if (got < 0 || !(put = realloc(put, n * sizeof *put))) {
      *rc = got < 0 ? got : mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    if ((*rc = mi_import_responses_store(ctx, rows, n, put, e))) break;
    for (size_t i = 0; i < n; i++) {
      count(sum, put[i]);
      if (++sum->read % PROGRESS_EVERY == 0 && ctx->opt->progress)
        ctx->opt->progress(ctx->opt->progress_ctx, sum->read);
    }
  }
  free(put);
  mi_import_pipe_stop(p);
  if (*rc == 0) *rc = commit(ctx, sum, 1, e);
  if (*rc) mi_store_rollback(s);
  mi_import_ctx_release(&reading);
  mi_store_reader_close(rs);
  mi_store_reader_close(as.store);
  return 1;
}

int mi_import(mi_store *s, const mi_config *cfg, const mi_import_options *opt,
              mi_import_summary *summary, mi_err *e) {
  if (!s || !cfg || !opt || !opt->entity || !opt->path)
    return mi_err_set(e, MI_EINVAL, "import needs a store, a configuration, an entity and a file");
  const mi_import_entity *en = find_entity(opt->entity);
  if (!en)
    return mi_err_set(e, MI_EINVAL,
                      "cannot import '%s': use customers, staff, orders, interactions, "
                      "tickets or responses",
                      opt->entity);
  mi_import_summary sum = {0};
  mi_import_ctx ctx = {.store = s, .cfg = cfg, .opt = opt};
  rejects rj = {0};
  mi_reader_opts ropts = {.encoding = opt->encoding};
  const char **columns = NULL;
  mi_format fmt = opt->format;
  int rc = fmt == MI_FORMAT_AUTO ? mi_format_from_path(opt->path, &fmt, e) : 0;
  if (rc == 0 && fmt == MI_FORMAT_JSONL) {
    /* JSON Lines has no header: the reader gets the columns, so that an
     * unknown (misspelt) key is an error rather than ignored. */
    rc = expected_columns(en, cfg, NULL, 0, &columns, &ropts.ncolumns, e);
    ropts.columns = columns;
  }
  if (rc == 0) rc = mi_reader_open_opts(opt->path, fmt, &ropts, &ctx.reader, e);
  if (rc == 0) rc = check_header(en, ctx.reader, e);
  if (rc == 0 && opt->rejects_path) rc = rejects_open(&rj, opt->rejects_path, opt->protect, ctx.reader, e);
  /* One batch at a time: with --rejects an import commits in chunks too. */
  int locked = 0;
  if (rc == 0) locked = (rc = mi_store_batch_lock(s, "import", MI_STORE_BUSY_MS, e)) == 0;
  /* A response is checked in C before it is stored, its references
   * resolved in the same transaction, and the import does what the
   * triggers would (import_rows.c): SQLite need not do it all again. */
  int prechecked = rc == 0 && en->checked_first && (rc = mi_store_prechecked(s, 1, e)) == 0;
  /* Customers: the name index is built in one pass per transaction, not by
   * a trigger per row (store/customers.h). */
  int grams = rc == 0 && !strcmp(en->name, "customers") && (rc = mi_customer_grams_defer(s, 1, e)) == 0;
  /* ... with page caches that do not grow with the file: 32 MiB for the
   * customers' tables and indexes, 8 MiB for the key set (TEMP), instead of
   * 256 MiB and 64 MiB. An import of 1M customers peaked at 547 MiB RSS, 2M
   * at 763 MiB; now 92 and 102 MiB, and no slower (bench/README.md,
   * "bounded memory"). */
  mi_store_caches caches;
  int small = grams && (rc = mi_store_caches_swap(s, &(mi_store_caches){-32768, -8192}, &caches, e)) == 0;
  if (rc == 0 && !(en->checked_first && !rj.w && run_two_threads(&ctx, &sum, &rc, e)))
    rc = run(&ctx, en, &rj, &sum, e);
  if (prechecked) {
    mi_err pe = {0};
    if (mi_store_prechecked(s, 0, &pe) && rc == 0) *e = pe, rc = pe.code;
  }
  if (small) {
    mi_err ce = {0};
    if (mi_store_caches_swap(s, &caches, NULL, &ce) && rc == 0) *e = ce, rc = ce.code;
  }
  if (grams) {
    mi_err ge = {0};
    if (mi_customer_grams_defer(s, 0, &ge) && rc == 0) *e = ge, rc = ge.code;
  }
  /* New responses are packed for the scans at once (a cache: the rows are
   * committed, so a failure here loses nothing; the next score packs). */
  if (rc == 0 && sum.inserted && !strcmp(en->name, "responses")) {
    mi_err pe = {0};
    if (mi_survey_rows_pack(s, NULL, 1, &sum.packed, &pe)) sum.pack_error = pe;
  }
  if (locked) mi_store_batch_unlock(s);
  mi_err close_err;
  if (rejects_close(&rj, &close_err) && rc == 0) {
    *e = close_err;
    rc = close_err.code;
  }
  mi_import_ctx_release(&ctx);
  mi_reader_close(ctx.reader);
  free(columns);
  if (summary) *summary = sum;
  return rc;
}

int mi_import_one(mi_store *s, const mi_config *cfg, const mi_import_options *one,
                  const char *const *keys, const char *const *values, size_t n, mi_err *e) {
  const mi_import_entity *en = one && one->entity ? find_entity(one->entity) : NULL;
  const char *source = one ? one->path : NULL;
  if (!s || !cfg || !en || !source || (n && (!keys || !values)))
    return mi_err_set(e, MI_EINVAL, "mi_import_one: a store, a configuration, an entity and a source");
  /* The fields as one JSON Lines record, read back by the very reader and
   * row function an import file goes through: one set of checks. */
  json_t *o = json_object();
  for (size_t i = 0; o && i < n; i++)
    if (values[i]) json_object_set_new(o, keys[i], json_string(values[i]));
  char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(o);
  if (!line) return mi_err_set(e, MI_EINVAL, "the fields are not valid UTF-8 text");
  FILE *f = fmemopen(line, strlen(line), "r");
  const char **columns = NULL;
  mi_reader_opts ropts = {0};
  mi_import_options opt = {.entity = en->name, .path = source, .actor = one->actor,
                           .now = one->now, .alerts = one->alerts};
  mi_import_ctx ctx = {.store = s, .cfg = cfg, .opt = &opt};
  const mi_record *rec;
  int rc = f ? expected_columns(en, cfg, keys, n, &columns, &ropts.ncolumns, e)
             : mi_err_set(e, MI_ENOMEM, "out of memory");
  ropts.columns = columns;
  if (rc == 0) rc = mi_reader_fopen(f, source, MI_FORMAT_JSONL, &ropts, &ctx.reader, e);
  if (rc == 0) {
    int got = mi_reader_next(ctx.reader, &rec, e);
    rc = got == 1 ? en->row(&ctx, rec, e) : got < 0 ? got : mi_err_set(e, MI_EINVAL, "no fields");
  }
  /* "customer add:1: field 'phone': ..." reads better without the line */
  if (rc < 0 && e) e->line = 0;
  mi_import_ctx_release(&ctx);
  mi_reader_close(ctx.reader);
  if (f) fclose(f);
  free(columns);
  free(line);
  return rc;
}
