/* The schema as the REPL shows it (.tables, .schema) and completes it
 * (table and column names). These statements go through the same
 * read-only connection and authorizer as an analyst's own SQL. */
#include <stdlib.h>
#include <string.h>

#include "store/query.h"
#include "util/suggest.h"

#define MAX_TABLES 256 /* tables offered for "did you mean" */

static const char tables_sql[] =
    "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view')"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";

static const char schema_sql[] =
    "SELECT tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND (?1 IS NULL OR tbl_name = ?1 COLLATE NOCASE)"
    " ORDER BY tbl_name, CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 0"
    " WHEN 'index' THEN 1 ELSE 2 END, name";

static const char columns_sql[] = "SELECT name, type FROM pragma_table_info(?1)";

/* Runs sql with an optional text parameter and calls cb(col 0, col 1) per row. */
static int each_row(mi_query *q, const char *sql, const char *param, mi_query_item_cb cb,
                    void *ud, int *rows, mi_err *e) {
  mi_query_stmt *st;
  int rc = mi_query_prepare(q, sql, &st, e);
  if (rc) return rc;
  mi_query_value v = {.type = MI_QUERY_NULL};
  if (param) v = (mi_query_value){.type = MI_QUERY_TEXT, .s = param, .len = strlen(param)};
  if (mi_query_param_count(st) && (rc = mi_query_bind(st, 1, &v, e))) {
    mi_query_finalize(st);
    return rc;
  }
  int stop = 0;
  *rows = 0;
  while ((rc = mi_query_step(st, e)) == 1) {
    mi_query_value a, b;
    mi_query_cell(st, 0, &a);
    mi_query_cell(st, 1, &b);
    (*rows)++;
    if ((stop = cb(ud, a.type == MI_QUERY_TEXT ? a.s : "", b.type == MI_QUERY_TEXT ? b.s : "")))
      break;
  }
  mi_query_finalize(st);
  if (stop) return stop;
  return rc < 0 ? rc : 0;
}

int mi_query_tables(mi_query *q, mi_query_item_cb cb, void *ud, mi_err *e) {
  if (!q || !cb) return mi_err_set(e, MI_EINVAL, "mi_query_tables: q and cb are required");
  int rows;
  return each_row(q, tables_sql, NULL, cb, ud, &rows, e);
}

typedef struct names {
  char *words[MAX_TABLES + 1];
  int n;
} names;

static int collect(void *ud, const char *name, const char *detail) {
  (void)detail;
  names *l = ud;
  if (l->n < MAX_TABLES && (l->words[l->n] = strdup(name))) l->n++;
  return 0;
}

/* MI_ENOTFOUND for an unknown table, with the nearest name if one is close. */
static int unknown_table(mi_query *q, const char *table, mi_err *e) {
  names l = {.n = 0};
  mi_err ignored;
  mi_query_tables(q, collect, &l, &ignored);
  l.words[l.n] = NULL;
  const char *near = mi_suggest(table, (const char *const *)l.words);
  if (near) mi_err_set(e, MI_ENOTFOUND, "no table '%s' (did you mean '%s'?)", table, near);
  else mi_err_set(e, MI_ENOTFOUND, "no table '%s' (.tables lists them)", table);
  for (int i = 0; i < l.n; i++) free(l.words[i]);
  return MI_ENOTFOUND;
}

int mi_query_schema(mi_query *q, const char *table, mi_query_item_cb cb, void *ud, mi_err *e) {
  if (!q || !cb) return mi_err_set(e, MI_EINVAL, "mi_query_schema: q and cb are required");
  int rows;
  int rc = each_row(q, schema_sql, table, cb, ud, &rows, e);
  if (rc == 0 && rows == 0 && table) return unknown_table(q, table, e);
  return rc;
}

int mi_query_table_columns(mi_query *q, const char *table, mi_query_item_cb cb, void *ud,
                           mi_err *e) {
  if (!q || !table || !cb)
    return mi_err_set(e, MI_EINVAL, "mi_query_table_columns: q, table and cb are required");
  int rows;
  int rc = each_row(q, columns_sql, table, cb, ud, &rows, e);
  if (rc == 0 && rows == 0) return unknown_table(q, table, e);
  return rc;
}
