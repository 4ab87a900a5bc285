/* Ad hoc SQL for the REPL, and nothing but reading. A query handle is a
 * connection of its own to the store's database, opened read-only with
 * PRAGMA query_only, and every statement is checked by an authorizer that
 * allows SELECT, reading columns, functions, recursive CTEs and a few
 * pragmas that only describe tables (table_info and kin); anything else is
 * refused when the statement is prepared, with a message that names what
 * was refused. A statement runs one step at a time, so the caller (the
 * REPL's Lua side) holds no SQLite frame while it builds its rows. */
#ifndef MI_STORE_QUERY_H
#define MI_STORE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

typedef struct mi_query mi_query;
typedef struct mi_query_stmt mi_query_stmt;

typedef enum mi_query_type {
  MI_QUERY_NULL,
  MI_QUERY_INT,
  MI_QUERY_REAL,
  MI_QUERY_TEXT,
  MI_QUERY_BLOB,
} mi_query_type;

/* A parameter to bind or a cell of the current row. Text and blob bytes are
 * borrowed: a cell's until the next step of its statement. */
typedef struct mi_query_value {
  mi_query_type type;
  int64_t i;     /* INT */
  double d;      /* REAL */
  const char *s; /* TEXT (NUL-terminated), BLOB */
  size_t len;    /* TEXT, BLOB: bytes */
} mi_query_value;

/* Opens a read-only connection to s's database. *out is owned by the
 * caller: mi_query_close (after finalizing its statements). */
int mi_query_open(mi_store *s, mi_query **out, mi_err *e);
void mi_query_close(mi_query *q);

/* on: statements prepared from now on read every personal column
 * (store/scope.h: mi_scope_personal_column: customers' name, phone, email,
 * birthday; staff names; outbox recipients and payloads; job payloads) as
 * NULL, through any table or view, and may not read the audit log or the
 * roles (mi_scope_restricted_table), for analysts. */
void mi_query_hide_personal(mi_query *q, int on);

/* stop is polled while a statement runs (every few thousand virtual machine
 * steps); when it returns non-zero the statement ends with an error
 * ("interrupted") and the caller knows why. stop may be NULL. */
void mi_query_set_stop(mi_query *q, int (*stop)(void *ud), void *ud);

/* Prepares one statement of sql. More than one statement, an empty text,
 * or anything but reading is MI_EINVAL with a message naming the problem;
 * a syntax error is MI_EINVAL with SQLite's message. *out is owned by the
 * caller: mi_query_finalize. */
int mi_query_prepare(mi_query *q, const char *sql, mi_query_stmt **out, mi_err *e);
void mi_query_finalize(mi_query_stmt *st);

/* Parameters (?, ?NNN, :name) are numbered from 1; v is copied. */
int mi_query_param_count(const mi_query_stmt *st);
int mi_query_bind(mi_query_stmt *st, int i, const mi_query_value *v, mi_err *e);

/* Result columns and their names (valid while st lives). */
int mi_query_column_count(const mi_query_stmt *st);
const char *mi_query_column_name(const mi_query_stmt *st, int i);

/* Steps: 1 = a row is ready, 0 = done, < 0 = error (MI_ESTORE, or MI_EBUSY
 * when the database stayed locked). */
int mi_query_step(mi_query_stmt *st, mi_err *e);
/* Cell i (0-based) of the current row. */
void mi_query_cell(mi_query_stmt *st, int i, mi_query_value *out);

/* ---- the schema, for .tables, .schema and completion (query_schema.c) ---- */

/* Called once per item; a non-zero return stops and is returned. */
typedef int (*mi_query_item_cb)(void *ud, const char *name, const char *detail);

/* Tables and views in name order; detail is "table" or "view". */
int mi_query_tables(mi_query *q, mi_query_item_cb cb, void *ud, mi_err *e);
/* The CREATE statements of table (and its indexes and triggers), or of the
 * whole schema when table is NULL; detail is the SQL text. An unknown
 * table is MI_ENOTFOUND with a suggestion. */
int mi_query_schema(mi_query *q, const char *table, mi_query_item_cb cb, void *ud, mi_err *e);
/* The columns of table (or view) in order; detail is the declared type. */
int mi_query_table_columns(mi_query *q, const char *table, mi_query_item_cb cb, void *ud,
                           mi_err *e);

#endif
