/* Shared by the files of core/store/ only. */
#ifndef MI_STORE_INTERNAL_H
#define MI_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

/* Every prepared statement of the store has a slot, so it is prepared once per
 * connection and reused (import speed depends on it). */
enum mi_stmt_slot {
  MI_SQL_SEEN_ADD,
  MI_SQL_DEPARTMENT_INSERT,
  MI_SQL_DEPARTMENT_UPDATE,
  MI_SQL_DEPARTMENT_ID,
  MI_SQL_DEPARTMENT_SAME,
  MI_SQL_STAFF_ID,
  MI_SQL_STAFF_INSERT,
  MI_SQL_STAFF_UPDATE,
  MI_SQL_CUSTOMER_INSERT,
  MI_SQL_CUSTOMER_UPDATE,
  MI_SQL_CUSTOMER_ID,
  MI_SQL_CUSTOMER_GET,
  MI_SQL_CUSTOMER_SUMMARY,
  MI_SQL_CUSTOMER_COUNT,
  MI_SQL_CUSTOMER_NAME_OF,
  MI_SQL_CUSTOMER_GRAMS_DROP,
  MI_SQL_CUSTOMER_GRAMS_ADD,
  MI_SQL_CUSTOMER_GRAMS_CATCH_UP,
  MI_SQL_FACTS_EACH,
  MI_SQL_FACTS_LAST,
  MI_SQL_FACTS_SET,
  MI_SQL_FACTS_GET,
  MI_SQL_FACTS_ORDERS,
  MI_SQL_FACTS_TICKETS,
  MI_SQL_FACTS_RESPONSES,
  MI_SQL_FACTS_LEDGER,
  MI_SQL_FACTS_ORDERS_SET,
  MI_SQL_FACTS_TICKETS_SET,
  MI_SQL_FACTS_RESPONSES_SET,
  MI_SQL_FACTS_LEDGER_SET,
  MI_SQL_ORDER_INSERT,
  MI_SQL_ORDER_UPDATE,
  MI_SQL_INTERACTION_INSERT,
  MI_SQL_INTERACTION_UPDATE,
  MI_SQL_TICKET_INSERT,
  MI_SQL_TICKET_OPEN,
  MI_SQL_TICKET_UPDATE,
  MI_SQL_TICKET_EVENT_INSERT,
  MI_SQL_TICKET_GET,
  MI_SQL_TICKET_SET_STATE,
  MI_SQL_TICKET_SET_STAGE,
  MI_SQL_ALERT_LINK,
  MI_SQL_ALERT_CUSTOMER,
  MI_SQL_ALERT_TICKET,
  MI_SQL_ALERT_BY_ID,
  MI_SQL_ALERT_FOLLOWUPS,
  MI_SQL_ALERT_TEXTS,
  MI_SQL_ALERT_CATEGORIES,
  MI_SQL_OUTBOX_COUNT_KEYS,
  MI_SQL_CUSTOMER_PAGE,
  MI_SQL_SURVEY_LATEST,
  MI_SQL_SURVEY_INSERT,
  MI_SQL_QUESTION_INSERT,
  MI_SQL_QUESTION_LIST,
  MI_SQL_RESPONSE_INSERT,
  MI_SQL_RESPONSE_INSERT_PLAIN,
  MI_SQL_RESPONSE_INSERT_MANY,
  MI_SQL_RESPONSE_BY_KEY,
  MI_SQL_RESPONSE_BY_INVITATION,
  MI_SQL_ANSWER_INSERT,
  MI_SQL_INVITATION_INSERT,
  MI_SQL_LEDGER_INSERT,
  MI_SQL_LEDGER_BALANCE,
  MI_SQL_LEDGER_EACH,
  MI_SQL_LEDGER_LAST,
  MI_SQL_LEDGER_BY_KEY,
  MI_SQL_LEDGER_EXPIRING,
  MI_SQL_POINT_ORDERS,
  MI_SQL_POINT_ORDER,
  MI_SQL_POINT_ORDER_PLACE,
  MI_SQL_POINT_RESPONSES,
  MI_SQL_POINT_FEEDBACK,
  MI_SQL_POINT_REVERSALS,
  MI_SQL_POINT_REFERRALS,
  MI_SQL_POINT_REFERRAL_REVERSALS,
  MI_SQL_REFERRAL_OF,
  MI_SQL_REFERRAL_CHAIN,
  MI_SQL_REFERRAL_INSERT,
  MI_SQL_TIER_GET,
  MI_SQL_TIER_SET,
  MI_SQL_TIER_HISTORY_INSERT,
  MI_SQL_TIER_SET_64,
  MI_SQL_TIER_SET_8,
  MI_SQL_TIER_SET_1,
  MI_SQL_TIER_HISTORY_64,
  MI_SQL_TIER_HISTORY_8,
  MI_SQL_TIER_HISTORY_1,
  MI_SQL_JOB_INSERT,
  MI_SQL_JOB_FIND,
  MI_SQL_JOB_UPDATE,
  MI_SQL_QUEUE_CLAIM,
  MI_SQL_QUEUE_DONE,
  MI_SQL_QUEUE_FAILED,
  MI_SQL_SCHEDULE_GET,
  MI_SQL_SCHEDULE_SET,
  MI_SQL_OUTBOX_INSERT,
  MI_SQL_EVALUATION_UPSERT,
  MI_SQL_ACTION_INSERT,
  MI_SQL_AUDIT_INSERT,
  MI_SQL_AUDIT_HEAD,
  MI_SQL_FIND_PHONE,
  MI_SQL_FIND_EMAIL,
  MI_SQL_FIND_ID,
  MI_SQL_CAUSE_PUT,
  MI_SQL_CAUSE_GET,
  MI_SQL_SLOT_COUNT
};

/* The SHA-256 of a secret token (survey links, API clients): what is kept
 * of it (survey_links.c). */
void mi_store_token_digest(const char *token, unsigned char out[32]);

struct mi_store {
  sqlite3 *db;
  char *path;
  int in_txn;
  int busy_ms;    /* how long a write waits for another writer (mi_store_busy_wait) */
  int seen_ready; /* the TEMP table for mi_store_seen_* exists */
  int batch_fd;    /* the batch lock's file descriptor + 1 (batch_lock.c), or 0 */
  int batch_depth; /* nested mi_store_batch_lock calls */
  int64_t audit_head_id; /* the audit entry appended in the open transaction, or 0 */
  char audit_head_hash[65];
  int grams_deferred;  /* name grams kept by mi_customer_grams_catch_up (customers.c) */
  int64_t grams_mark;  /* customers past this id have no grams yet */
  int audit_known;       /* audit_head_* is the log's newest entry (in the open transaction) */
  int64_t anchor_id;     /* committed, not yet in the anchor file (mi_store_anchor_every), or 0 */
  char anchor_hash[65];
  int anchor_ms;         /* the anchor file is written at most this often; 0: at each commit */
  double anchor_at;      /* when it was last written (CLOCK_MONOTONIC seconds) */
  sqlite3_stmt *stmt[MI_SQL_SLOT_COUNT];
};

/* Returns the statement for slot, prepared from sql on first use and reset
 * (bindings cleared) on every use; NULL with e filled on failure. */
sqlite3_stmt *mi_store_stmt(mi_store *s, enum mi_stmt_slot slot, const char *sql, mi_err *e);

/* Column col of the current row as text into out (NULL: ""), cut to size. */
void mi_column_copy(sqlite3_stmt *st, int col, char *out, size_t size);

/* Turns the last SQLite error into an mi_err: constraint failures become
 * MI_EINVAL/MI_EEXIST with a message naming what was refused. what describes
 * the operation ("adding customer C001"). Returns the code. */
int mi_store_fail(mi_store *s, mi_err *e, const char *what);
/* As mi_store_fail for a statement that computes one customer's figures:
 * when the data itself cannot be computed (a sum past 64 bits), MI_EINVAL
 * naming the customer (who) and what to do, so that a batch can skip that
 * customer and go on; any other failure as mi_store_fail. */
int mi_store_fail_customer(mi_store *s, mi_err *e, const char *what, const char *who);
/* 1 when the last error is one of the data (an integer overflow), not of the store. */
int mi_store_data_error(mi_store *s);
/* The MI_EINVAL of mi_store_fail_customer, with SQLite's message why. */
int mi_store_customer_error(mi_err *e, const char *what, const char *who, const char *why);

/* Binds text, or NULL when v is NULL or empty. */
int mi_bind_text_or_null(sqlite3_stmt *st, int i, const char *v);
/* Binds an integer, or NULL when has is 0. */
int mi_bind_int64_opt(sqlite3_stmt *st, int i, int has, int64_t v);

/* Column text copied into a fresh heap string (NULL for SQL NULL). */
char *mi_column_strdup(sqlite3_stmt *st, int col);

/* SQL: the answer of response r to scale question q (table aliases), NULL
 * when not answered: responses keep their scale answers as a JSON object
 * from question id to value (migration 0011). */
#define MI_SQL_SCALE(r, q) "(" r ".scale_answers ->> ('$.' || " q ".id))"

#endif
