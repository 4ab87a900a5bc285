/* Survey invitations: who was asked to answer which survey. */
#ifndef MI_STORE_INVITATIONS_H
#define MI_STORE_INVITATIONS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_invitation {
  const char *external_id;
  int64_t survey_id, customer_id;
  int64_t ticket_id; /* 0 = none */
  const char *channel, *stratum;
  double weight; /* design weight, > 0 */
  int64_t created_at;
  int64_t wave_id; /* 0 = none (e.g. a post-service invitation) */
} mi_invitation;

/* Adds an invitation (status pending); MI_PUT_UNCHANGED if its id is stored. */
int mi_invitation_put(mi_store *s, const mi_invitation *inv, int64_t *id, mi_err *e);

#endif
