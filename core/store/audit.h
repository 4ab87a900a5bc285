/* The append-only audit log, kept as a hash chain.
 *
 * Each entry's hash is SHA-256 (hex) over a canonical encoding of
 * (prev_hash, id, at, os_user, action, object, detail): every field as a
 * netstring "LEN:BYTES," (id and at in decimal), SQL NULL as "~,". prev_hash is
 * the hash of the entry before (NULL for entry 1) and ids run 1, 2, 3, ... with
 * no gap, so an edited, inserted or deleted entry breaks the chain at that
 * entry. Removing entries from the end, or rewriting the whole chain from some
 * point on, is only seen against a head hash kept elsewhere (verify's anchor). */
#ifndef MI_STORE_AUDIT_H
#define MI_STORE_AUDIT_H

#include <stdint.h>

#include "store/store.h"

#define MI_AUDIT_HASH_LEN 64 /* hex digits of a SHA-256 */

typedef struct mi_audit_entry {
  int64_t id;
  int64_t at;
  const char *os_user;
  const char *action;
  const char *object;    /* or NULL */
  const char *detail;    /* JSON text, or NULL */
  const char *prev_hash; /* or NULL (entry 1) */
  const char *hash;
} mi_audit_entry;

/* Appends to the audit log, chained to the newest entry. detail_json may be
 * NULL. Runs in its own write transaction unless one is open (then it is part
 * of it), so two processes never chain to the same entry. */
int mi_audit_append(mi_store *s, const char *os_user, const char *action, const char *object,
                    const char *detail_json, int64_t at, mi_err *e);

/* The hash the entry should have (prev_hash, id, at, ... as in the entry;
 * its hash field is ignored): MI_AUDIT_HASH_LEN hex digits and a NUL. */
void mi_audit_hash(const mi_audit_entry *entry, char out[MI_AUDIT_HASH_LEN + 1]);

/* Calls fn for each entry in id order with at >= since and, when action is not
 * NULL, that action. The entry's strings live until fn returns. A non-zero
 * return from fn stops the walk and is returned. */
typedef int (*mi_audit_fn)(const mi_audit_entry *entry, void *ud);
int mi_audit_each(mi_store *s, int64_t since, const char *action, mi_audit_fn fn, void *ud,
                  mi_err *e);

/* What mi_audit_verify found. */
typedef struct mi_audit_report {
  int64_t entries;                     /* entries read */
  int64_t bad_id;                      /* the first entry that breaks the chain, or 0 */
  char problem[256];                   /* what is wrong with it */
  char head[MI_AUDIT_HASH_LEN + 1];    /* hash of the last entry ("" when empty) */
  int anchor_found;                    /* the anchor hash is an entry's hash */
} mi_audit_report;

/* Walks the whole log and checks every link. anchor may be NULL, or a hash
 * recorded earlier (e.g. a previous head): then it must be in the chain.
 * Returns 0 when the walk could be made (look at r->bad_id and
 * r->anchor_found), a negative code when the database could not be read. */
int mi_audit_verify(mi_store *s, const char *anchor, mi_audit_report *r, mi_err *e);

/* The anchor: after every commit that appended to the log, its newest id
 * and hash are written to the file DB-audit-head beside the database (not in
 * it), so that `audit verify` sees entries cut from the end or a chain
 * rewritten in the database. mi_store_commit calls mi_audit_anchor_write
 * (at most every so often under mi_store_anchor_every). */
#define MI_AUDIT_ANCHOR_SUFFIX "-audit-head"
void mi_audit_anchor_write(mi_store *s);
/* Reads the anchor file: *id 0 when there is none; MI_ECORRUPT when it is not
 * "ID HASH". */
int mi_audit_anchor_read(mi_store *s, int64_t *id, char hash[MI_AUDIT_HASH_LEN + 1], mi_err *e);

/* The detail of the newest entry with this action and object, or NULL when
 * there is none; *out is owned by the caller (free). */
int mi_audit_last_detail(mi_store *s, const char *action, const char *object, char **out,
                         mi_err *e);

/* SHA-256 (hex) of the file at path, for recording configuration and
 * policy changes. MI_EIO naming the file when it cannot be read. */
int mi_audit_file_hash(const char *path, char out[MI_AUDIT_HASH_LEN + 1], mi_err *e);

#endif
