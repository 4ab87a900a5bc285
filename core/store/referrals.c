#include "store/referrals.h"

#include <sqlite3.h>

#include "store/store_internal.h"

int mi_referral_of(mi_store *s, int64_t referred_id, mi_referral *out, mi_err *e) {
  if (!s || !out) return mi_err_set(e, MI_EINVAL, "mi_referral_of: s and out are required");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_REFERRAL_OF,
      "SELECT f.id, f.referrer_id, f.referred_id, f.recorded_at, r.external_id, d.external_id,"
      " f.recorded_by FROM referrals f JOIN customers r ON r.id = f.referrer_id"
      " JOIN customers d ON d.id = f.referred_id WHERE f.referred_id = ?1",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, referred_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    return MI_ENOTFOUND;
  }
  if (rc != SQLITE_ROW) return mi_store_fail(s, e, "reading a referral");
  out->id = sqlite3_column_int64(st, 0);
  out->referrer_id = sqlite3_column_int64(st, 1);
  out->referred_id = sqlite3_column_int64(st, 2);
  out->recorded_at = sqlite3_column_int64(st, 3);
  mi_column_copy(st, 4, out->referrer, sizeof out->referrer);
  mi_column_copy(st, 5, out->referred, sizeof out->referred);
  mi_column_copy(st, 6, out->recorded_by, sizeof out->recorded_by);
  sqlite3_reset(st);
  return 0;
}

int mi_referral_chain_has(mi_store *s, int64_t referred_id, int64_t ancestor, int *found,
                          mi_err *e) {
  if (!s || !found) return mi_err_set(e, MI_EINVAL, "mi_referral_chain_has: s and found are required");
  /* UNION (not UNION ALL) ends the walk even on a cycle already stored. */
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_REFERRAL_CHAIN,
      "WITH RECURSIVE up(id) AS (SELECT referrer_id FROM referrals WHERE referred_id = ?1"
      " UNION SELECT f.referrer_id FROM referrals f JOIN up ON f.referred_id = up.id)"
      " SELECT EXISTS (SELECT 1 FROM up WHERE id = ?2)",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, referred_id);
  sqlite3_bind_int64(st, 2, ancestor);
  if (sqlite3_step(st) != SQLITE_ROW) return mi_store_fail(s, e, "following referrals");
  *found = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return 0;
}

int mi_referral_insert(mi_store *s, int64_t referrer_id, int64_t referred_id, int64_t now,
                       const char *by, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "mi_referral_insert: s is required");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_REFERRAL_INSERT,
                                   "INSERT INTO referrals(referrer_id, referred_id, recorded_at,"
                                   " recorded_by) VALUES (?1, ?2, ?3, ?4)",
                                   e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, referrer_id);
  sqlite3_bind_int64(st, 2, referred_id);
  sqlite3_bind_int64(st, 3, now);
  mi_bind_text_or_null(st, 4, by);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "recording a referral");
  sqlite3_reset(st);
  return 0;
}

int mi_referral_count(mi_store *s, int64_t referrer_id, int64_t *n, mi_err *e) {
  if (!s || !n) return mi_err_set(e, MI_EINVAL, "mi_referral_count: s and n are required");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM referrals WHERE referrer_id = ?1", -1, &st,
                         NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting referrals");
  sqlite3_bind_int64(st, 1, referrer_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "counting referrals");
}
