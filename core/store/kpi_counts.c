#include "store/kpi_counts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define PURCHASE(alias) " " alias ".status NOT IN ('cancelled', 'refunded')"

/* ?1 prev_from, ?2 from, ?3 to; the group CTE is put in front. */
static const char per_customer[] =
    " c AS (SELECT g.cid, g.g,"
    "  EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = g.cid AND" PURCHASE("o")
    "   AND o.ordered_at >= ?2 AND o.ordered_at < ?3) AS act,"
    "  EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = g.cid AND" PURCHASE("o")
    "   AND o.ordered_at >= ?1 AND o.ordered_at < ?2) AS act_prev,"
    "  EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = g.cid AND" PURCHASE("o")
    "   AND o.ordered_at < ?2) AS before,"
    "  (SELECT min(o.ordered_at) FROM orders o WHERE o.customer_id = g.cid AND" PURCHASE("o")
    "  ) AS first_at,"
    "  (SELECT count(*) FROM orders o WHERE o.customer_id = g.cid AND" PURCHASE("o")
    "   AND o.ordered_at >= ?2 AND o.ordered_at < ?3) AS purchases,"
    "  (SELECT count(*) FROM tickets t WHERE t.customer_id = g.cid AND t.kind = 'complaint'"
    "   AND t.opened_at >= ?2 AND t.opened_at < ?3) AS complaints,"
    "  (SELECT count(" MI_SQL_SCALE("r", "q") ") FROM responses r"
    "   JOIN questions q ON q.survey_id = r.survey_id WHERE r.customer_id = g.cid"
    "   AND q.dimension = 'recommendation' AND q.scale_min = 0 AND q.scale_max = 10"
    "   AND r.submitted_at >= ?2 AND r.submitted_at < ?3 AND r.flagged = 0) AS nps_n,"
    "  (SELECT count(*) FROM responses r"
    "   JOIN questions q ON q.survey_id = r.survey_id WHERE r.customer_id = g.cid"
    "   AND q.dimension = 'recommendation' AND q.scale_min = 0 AND q.scale_max = 10"
    "   AND " MI_SQL_SCALE("r", "q") " >= 9 AND r.submitted_at >= ?2 AND r.submitted_at < ?3"
    "   AND r.flagged = 0) AS promoters"
    "  FROM grp g)"
    " SELECT g, sum(nps_n), sum(promoters), sum(before), sum(before AND act), sum(act),"
    "  sum(act AND complaints > 0), sum(complaints), sum(purchases), sum(act_prev),"
    "  sum(act_prev AND act), sum(first_at >= ?2 AND first_at < ?3),"
    "  sum(first_at >= ?1 AND first_at < ?2)"
    " FROM c GROUP BY g ORDER BY g";

static const char *group_cte(const char *by) {
  if (!by) return "WITH grp(cid, g) AS (SELECT id, '' FROM customers),";
  if (!strcmp(by, "tier"))
    return "WITH grp(cid, g) AS (SELECT id, coalesce(tier, '(none)') FROM customers),";
  if (!strcmp(by, "region"))
    return "WITH grp(cid, g) AS (SELECT id, coalesce(region, '(none)') FROM customers),";
  if (!strcmp(by, "department"))
    return "WITH grp(cid, g) AS (SELECT DISTINCT t.customer_id, d.code FROM tickets t"
           " JOIN departments d ON d.id = t.department_id WHERE t.opened_at < ?3),";
  return NULL;
}

int mi_kpi_counts_get(mi_store *s, const char *by, int64_t prev_from, int64_t from, int64_t to,
                      mi_kpi_counts **out, size_t *n, mi_err *e) {
  *out = NULL;
  *n = 0;
  const char *cte = group_cte(by);
  if (!cte) return mi_err_set(e, MI_EINVAL, "--by '%s': use department, tier or region", by);
  size_t len = strlen(cte) + sizeof per_customer;
  char *sql = malloc(len);
  if (!sql) return mi_err_set(e, MI_ENOMEM, "out of memory");
  snprintf(sql, len, "%s%s", cte, per_customer);
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  free(sql);
  if (rc != SQLITE_OK) return mi_store_fail(s, e, "reading the KPI counts");
  sqlite3_bind_int64(st, 1, prev_from);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  size_t cap = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? 2 * cap : 8;
      mi_kpi_counts *g = realloc(*out, cap * sizeof *g);
      if (!g) {
        rc = MI_ENOMEM;
        break;
      }
      *out = g;
    }
    mi_kpi_counts *k = &(*out)[(*n)++];
    memset(k, 0, sizeof *k);
    snprintf(k->group, sizeof k->group, "%s", (const char *)sqlite3_column_text(st, 0));
    int64_t *f[] = {&k->nps_answers, &k->promoters,       &k->ordered_before, &k->repurchased,
                    &k->active,      &k->active_complained, &k->complaints,   &k->purchases,
                    &k->active_previous, &k->retained,    &k->new_customers,  &k->new_previous};
    for (int i = 0; i < 12; i++) *f[i] = sqlite3_column_int64(st, i + 1);
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  free(*out), *out = NULL, *n = 0;
  return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory")
                         : mi_store_fail(s, e, "reading the KPI counts");
}
