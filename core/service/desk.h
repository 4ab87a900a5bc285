/* The front desk: find a caller by phone, e-mail, name or id; register a
 * new customer and correct one (through the import's checks: service/
 * import.c's mi_import_one), log a contact on any configured channel, and
 * read a customer's history. Each write is audited in its transaction. */
#ifndef MI_SERVICE_DESK_H
#define MI_SERVICE_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "store/desk.h"
#include "store/store.h"

typedef enum mi_desk_by {
  MI_DESK_AUTO,  /* an '@': e-mail; only phone characters with 5 digits or more:
                    phone; an existing external id: that; else part of a name */
  MI_DESK_PHONE,
  MI_DESK_EMAIL,
  MI_DESK_NAME,
  MI_DESK_ID,
} mi_desk_by;

/* Finds customers by query (folded: NFKC, ASCII lower case; a phone to its
 * key) into hits (up to max); *used says which look-up ran ("phone",
 * "email", "name", "id"). A query that is not valid text, holds control
 * characters, or is longer than a name may be (200 characters) is MI_EINVAL. */
int mi_desk_find(mi_store *s, const char *query, mi_desk_by by, size_t max,
                 mi_customer_hit *hits, size_t *n, int *more, const char **used, mi_err *e);

/* A field given at the desk: keys are the import's columns (customers:
 * name, kind, region, industry, phone, email, birthday, consent_email,
 * consent_sms, consent_phone, special_needs; interactions: customer_id,
 * channel, direction, occurred_at, staff_id, summary). */
typedef struct mi_desk_field {
  const char *key, *value; /* value "" clears an optional field on edit */
} mi_desk_field;

/* Adds a customer: external_id (NULL: the next free C0000123) and the
 * fields; created_at now unless given. *out_id gets the external id. */
int mi_desk_customer_add(mi_store *s, const mi_config *cfg, const char *external_id,
                         const mi_desk_field *f, size_t n, const char *actor, int64_t now,
                         char out_id[65], mi_err *e);

/* Changes the given fields of customer external_id; the others stay.
 * *changed = 0 when nothing differed (nothing written, nothing audited). */
int mi_desk_customer_edit(mi_store *s, const mi_config *cfg, const char *external_id,
                          const mi_desk_field *f, size_t n, const char *actor, int64_t now,
                          int *changed, mi_err *e);

/* Logs a contact: the fields as an interaction row (external id the next
 * free I00000123 unless given; occurred_at now unless given). */
int mi_desk_interaction_log(mi_store *s, const mi_config *cfg, const char *external_id,
                            const mi_desk_field *f, size_t n, const char *actor, int64_t now,
                            char out_id[65], mi_err *e);

#endif
