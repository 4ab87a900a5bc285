/* A survey's blocks (response_blocks, migration 0013) as the scan lists
 * them. Internal to core/store. */
#ifndef MI_STORE_RESPONSE_BLOCKS_H
#define MI_STORE_RESPONSE_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct mi_block_span {
  int64_t rowid, first_id, last_id, min_at, max_at, n;
} mi_block_span;

/* The blocks of survey in id order, in *out (free it): 0, an SQLite error
 * code or MI_ENOMEM. */
int mi_response_blocks_list(mi_store *s, const char *survey, mi_block_span **out, size_t *n);

/* mi_survey_rows_pack, after deleting the blocks of rowids drop (blocks a
 * scan could not use: another layout, cut short, overlapping). */
int mi_response_blocks_repack(mi_store *s, const char *survey, int wait, const int64_t *drop,
                              size_t ndrop, size_t *packed, mi_err *e);

#endif
