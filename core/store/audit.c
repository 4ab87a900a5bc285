#include "store/audit.h"

#include <errno.h>
#include <inttypes.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/put.h"
#include "util/outfile.h"

static void put_field(struct sha256_ctx *c, const char *text) {
  if (!text) {
    sha256_update(c, 2, (const uint8_t *)"~,");
    return;
  }
  char len[24];
  size_t n = strlen(text);
  int k = snprintf(len, sizeof len, "%zu:", n);
  sha256_update(c, (size_t)k, (const uint8_t *)len);
  sha256_update(c, n, (const uint8_t *)text);
  sha256_update(c, 1, (const uint8_t *)",");
}

void mi_audit_hash(const mi_audit_entry *en, char out[MI_AUDIT_HASH_LEN + 1]) {
  struct sha256_ctx c;
  uint8_t digest[SHA256_DIGEST_SIZE];
  char id[24], at[24];
  snprintf(id, sizeof id, "%" PRId64, en->id);
  snprintf(at, sizeof at, "%" PRId64, en->at);
  sha256_init(&c);
  put_field(&c, en->prev_hash);
  put_field(&c, id);
  put_field(&c, at);
  put_field(&c, en->os_user);
  put_field(&c, en->action);
  put_field(&c, en->object);
  put_field(&c, en->detail);
  sha256_digest(&c, sizeof digest, digest);
  static const char hex[] = "0123456789abcdef"; /* a formatted print per byte cost more than the hash */
  for (size_t i = 0; i < sizeof digest; i++)
    out[2 * i] = hex[digest[i] >> 4], out[2 * i + 1] = hex[digest[i] & 15];
  out[2 * sizeof digest] = 0;
}

/* The newest entry's id and hash (0 and "" when the log is empty). */
static int head(mi_store *s, int64_t *id, char hash[MI_AUDIT_HASH_LEN + 1], mi_err *e) {
  *id = 0;
  hash[0] = 0;
  /* prepared once: a batch of jobs appends an entry per job */
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_AUDIT_HEAD,
                                   "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    const char *h = (const char *)sqlite3_column_text(st, 1);
    snprintf(hash, MI_AUDIT_HASH_LEN + 1, "%s", h ? h : "");
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) rc = mi_store_fail(s, e, "reading the audit log");
  else rc = 0;
  sqlite3_reset(st);
  return rc;
}

static int insert(mi_store *s, const mi_audit_entry *en, mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_AUDIT_INSERT,
      "INSERT INTO audit_log(id, at, os_user, action, object, detail, prev_hash, hash) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, en->id);
  sqlite3_bind_int64(st, 2, en->at);
  sqlite3_bind_text(st, 3, en->os_user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, en->action, -1, SQLITE_STATIC);
  if (en->object) sqlite3_bind_text(st, 5, en->object, -1, SQLITE_STATIC);
  if (en->detail) sqlite3_bind_text(st, 6, en->detail, -1, SQLITE_STATIC);
  if (en->prev_hash) sqlite3_bind_text(st, 7, en->prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, en->hash, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mi_store_fail(s, e, "writing the audit log");
  sqlite3_reset(st);
  return rc;
}

int mi_audit_append(mi_store *s, const char *os_user, const char *action, const char *object,
                    const char *detail_json, int64_t at, mi_err *e) {
  if (!s || !os_user || !action) return mi_err_set(e, MI_EINVAL, "audit entry needs a user and an action");
  int own = !s->in_txn, rc;
  if (own && (rc = mi_store_begin(s, e))) return rc;
  char prev[MI_AUDIT_HASH_LEN + 1], hash[MI_AUDIT_HASH_LEN + 1];
  int64_t last;
  if (s->audit_known) { /* this transaction appended it, under the write lock */
    last = s->audit_head_id;
    memcpy(prev, s->audit_head_hash, sizeof prev);
    rc = 0;
  } else {
    rc = head(s, &last, prev, e);
  }
  if (rc == 0 && last > 0 && !prev[0])
    rc = mi_err_set(e, MI_ECORRUPT,
                    "audit entry %" PRId64 " has no hash: the log was not written by this "
                    "manyi; run 'manyi audit verify'",
                    last);
  if (rc == 0) {
    mi_audit_entry en = {last + 1, at, os_user, action, object, detail_json,
                         last ? prev : NULL, hash};
    mi_audit_hash(&en, hash);
    rc = insert(s, &en, e);
    if (rc == 0) { /* the anchor file gets it once it is committed (mi_store_commit) */
      s->audit_head_id = en.id;
      memcpy(s->audit_head_hash, hash, sizeof hash);
      s->audit_known = !own; /* a transaction of its own ends here */
    }
  }
  if (own) {
    if (rc == 0) rc = mi_store_commit(s, e);
    else mi_store_rollback(s);
  }
  return rc;
}

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static void entry_of(sqlite3_stmt *st, mi_audit_entry *en) {
  en->id = sqlite3_column_int64(st, 0);
  en->at = sqlite3_column_int64(st, 1);
  en->os_user = col(st, 2);
  en->action = col(st, 3);
  en->object = col(st, 4);
  en->detail = col(st, 5);
  en->prev_hash = col(st, 6);
  en->hash = col(st, 7);
}

#define COLUMNS "SELECT id, at, os_user, action, object, detail, prev_hash, hash FROM audit_log "

int mi_audit_each(mi_store *s, int64_t since, const char *action, mi_audit_fn fn, void *ud,
                  mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "nothing to list");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, COLUMNS "WHERE at >= ?1 AND (?2 IS NULL OR action = ?2) ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the audit log");
  sqlite3_bind_int64(st, 1, since);
  if (action) sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
  int rc, stop = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_audit_entry en;
    entry_of(st, &en);
    if ((stop = fn(&en, ud))) break;
  }
  if (!stop && rc != SQLITE_DONE) stop = mi_store_fail(s, e, "reading the audit log");
  sqlite3_finalize(st);
  return stop;
}

/* The first thing wrong with en, given the entry before it (NULL for the first). */
static int broken(const mi_audit_entry *en, int64_t want_id, const char *prev_hash, char *why,
                  size_t size) {
  char h[MI_AUDIT_HASH_LEN + 1];
  if (en->id != want_id) {
    snprintf(why, size, "expected entry %" PRId64 " here: %s", want_id,
             en->id > want_id ? "entries before it were deleted" : "an entry was inserted");
    return 1;
  }
  if (!en->hash) return snprintf(why, size, "it has no hash"), 1;
  if (prev_hash ? !en->prev_hash || strcmp(en->prev_hash, prev_hash) : en->prev_hash != NULL) {
    snprintf(why, size, "its prev_hash does not match the hash of the entry before it (%s)",
             prev_hash ? "an entry before it was changed, deleted or inserted" : "it should be empty");
    return 1;
  }
  mi_audit_hash(en, h);
  if (strcmp(h, en->hash)) return snprintf(why, size, "its content does not match its hash (it was edited)"), 1;
  return 0;
}

int mi_audit_verify(mi_store *s, const char *anchor, mi_audit_report *r, mi_err *e) {
  if (!s || !r) return mi_err_set(e, MI_EINVAL, "nothing to verify");
  memset(r, 0, sizeof *r);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, COLUMNS "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the audit log");
  char prev[MI_AUDIT_HASH_LEN + 1] = "";
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_audit_entry en;
    entry_of(st, &en);
    r->entries++;
    if (!r->bad_id && broken(&en, r->entries, r->entries > 1 ? prev : NULL, r->problem, sizeof r->problem))
      r->bad_id = en.id;
    snprintf(prev, sizeof prev, "%s", en.hash ? en.hash : "");
    if (anchor && en.hash && !strcmp(anchor, en.hash)) r->anchor_found = 1;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "reading the audit log");
  memcpy(r->head, prev, sizeof prev);
  return 0;
}

static int anchor_path(const mi_store *s, char *buf, size_t size) {
  if (!s->path || !*s->path || !strcmp(s->path, ":memory:") || !strncmp(s->path, "file:", 5))
    return 0;
  return snprintf(buf, size, "%s" MI_AUDIT_ANCHOR_SUFFIX, s->path) < (int)size;
}

/* 1 when the log holds entry id with this hash. */
static int holds(mi_store *s, int64_t id, const char *hash) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT hash FROM audit_log WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64(st, 1, id);
  int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
           !strcmp((const char *)sqlite3_column_text(st, 0), hash);
  sqlite3_finalize(st);
  return ok;
}

void mi_audit_anchor_write(mi_store *s) {
  char path[4200], kept[MI_AUDIT_HASH_LEN + 1];
  int64_t kept_id;
  mi_err e;
  if (!s->anchor_id || !anchor_path(s, path, sizeof path)) {
    s->anchor_id = 0;
    return;
  }
  /* The anchor moves on only over an intact history: when the entry it names
   * is gone or changed, it is left as evidence for `audit verify`. */
  int keep = mi_audit_anchor_read(s, &kept_id, kept, &e) != 0 ||
             (kept_id && !holds(s, kept_id, kept));
  mi_outfile *o;
  if (!keep && mi_outfile_open(path, NULL, &o, &e) == 0) {
    fprintf(mi_outfile_stream(o), "%" PRId64 " %s\n", s->anchor_id, s->anchor_hash);
    mi_outfile_close(o, &e); /* a failure leaves an older head: verify still checks it */
  }
  s->anchor_id = 0;
}

int mi_audit_anchor_read(mi_store *s, int64_t *id, char hash[MI_AUDIT_HASH_LEN + 1], mi_err *e) {
  char path[4200];
  *id = 0;
  hash[0] = 0;
  if (!s || !anchor_path(s, path, sizeof path)) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char h[MI_AUDIT_HASH_LEN + 2] = "";
  long long n = 0;
  int ok = fscanf(f, "%lld %65s", &n, h) == 2 && n > 0 && strlen(h) == MI_AUDIT_HASH_LEN &&
           strspn(h, "0123456789abcdef") == MI_AUDIT_HASH_LEN;
  fclose(f);
  if (!ok)
    return mi_err_set(e, MI_ECORRUPT, "the audit anchor %s is not 'ID HASH': it was damaged or "
                      "edited; compare with a head you kept (audit verify --anchor HASH)", path);
  *id = n;
  memcpy(hash, h, MI_AUDIT_HASH_LEN + 1);
  return 0;
}

int mi_audit_last_detail(mi_store *s, const char *action, const char *object, char **out,
                         mi_err *e) {
  if (!s || !action || !object || !out) return mi_err_set(e, MI_EINVAL, "nothing to look up");
  *out = NULL;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT detail FROM audit_log WHERE action = ?1 AND object = ?2 "
                         "ORDER BY id DESC LIMIT 1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the audit log");
  sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, object, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
    if (!(*out = mi_column_strdup(st, 0))) rc = SQLITE_NOMEM;
  }
  int ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
            : rc == SQLITE_NOMEM             ? mi_err_set(e, MI_ENOMEM, "out of memory")
                                             : mi_store_fail(s, e, "reading the audit log");
  sqlite3_finalize(st);
  return ret;
}

int mi_audit_file_hash(const char *path, char out[MI_AUDIT_HASH_LEN + 1], mi_err *e) {
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) return mi_err_set(e, MI_EIO, "cannot read %s: %s", path ? path : "(none)", strerror(errno));
  struct sha256_ctx c;
  uint8_t buf[65536], digest[SHA256_DIGEST_SIZE];
  size_t n;
  sha256_init(&c);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) sha256_update(&c, n, buf);
  int bad = ferror(f);
  fclose(f);
  if (bad) return mi_err_set(e, MI_EIO, "cannot read %s", path);
  sha256_digest(&c, sizeof digest, digest);
  for (size_t i = 0; i < sizeof digest; i++) snprintf(out + 2 * i, 3, "%02x", digest[i]);
  return 0;
}
