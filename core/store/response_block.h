/* The packed form of up to MI_BLOCK_ROWS responses of one survey (the blob
 * of response_blocks, migration 0013): the columns the survey scans read,
 * one array each, so that unpacking a response is a few loads. Internal to
 * core/store. */
#ifndef MI_STORE_RESPONSE_BLOCK_H
#define MI_STORE_RESPONSE_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#define MI_BLOCK_ROWS 4096
#define MI_BLOCK_QUESTIONS 255 /* distinct questions in one block at most */
#define MI_BLOCK_TEXTS 4096    /* distinct strata and channels in one block at most */

/* A column of whole numbers as read: 64-bit values, or 32-bit offsets from
 * base when the block's values span less than 2^32 (most do). */
typedef struct mi_block_ints {
  int64_t base;
  const int64_t *wide;    /* or NULL */
  const uint32_t *narrow; /* when wide is NULL */
} mi_block_ints;

static inline int64_t mi_block_int(const mi_block_ints *c, size_t i) {
  return c->wide ? c->wide[i] : c->base + (int64_t)c->narrow[i];
}

/* A block as read: pointers into its blob (valid while the blob lives). */
typedef struct mi_block {
  uint32_t n, nq, ntexts;
  mi_block_ints id, submitted_at, customer, wave, department; /* wave, department 0: none */
  const double *weight;        /* n weights, or NULL: */
  const uint16_t *weight_no;   /* n numbers into weights (a block has few distinct ones) */
  const double *weights;
  const uint16_t *stratum, *channel; /* indices into texts; 0 = "" */
  const uint8_t *flagged;
  const int64_t *qid;                /* nq question ids */
  const uint8_t *codes[MI_BLOCK_QUESTIONS]; /* n values 0..254, 255 = not answered; or NULL */
  const double *reals[MI_BLOCK_QUESTIONS];  /* n values, NAN = not answered (codes NULL) */
  const char *texts[MI_BLOCK_TEXTS];
} mi_block;

/* Reads blob (len bytes, 8-byte aligned) into b. -1 when it is not a block
 * of this layout (the caller reads the rows instead). */
int mi_block_read(const void *blob, size_t len, mi_block *b);

static inline double mi_block_weight(const mi_block *b, size_t i) {
  return b->weight ? b->weight[i] : b->weights[b->weight_no[i]];
}

/* One response as the packer takes it. */
typedef struct mi_block_row {
  int64_t id, submitted_at, customer, wave, department; /* wave, department 0 = none */
  double weight;
  int flagged;
  const char *stratum, *channel; /* NULL = "" */
  const char *answers;           /* scale_answers: {"qid":value,...} or NULL */
} mi_block_row;

typedef struct mi_block_packer mi_block_packer;
mi_block_packer *mi_block_packer_new(void);
void mi_block_packer_free(mi_block_packer *p);
/* Adds r: 0, 1 when the block is full (r not added: pack, then add again),
 * -1 when r's answers are not a JSON object of question ids and numbers
 * (r not added), MI_ENOMEM. */
int mi_block_add(mi_block_packer *p, const mi_block_row *r);
size_t mi_block_rows(const mi_block_packer *p);
/* The block of the rows added since the last pack, in *blob (len bytes,
 * owned by the packer, valid until the next call); the packer is then
 * empty. The rows' first and last id and time come with it. */
int mi_block_pack(mi_block_packer *p, const void **blob, size_t *len, int64_t *first_id,
                  int64_t *last_id, int64_t *min_at, int64_t *max_at);

/* Drops the rows added since the last pack. */
void mi_block_clear(mi_block_packer *p);

/* The next "qid":value pair of a scale_answers object: *p at '{' first,
 * then where the previous call left it. 1 with a pair, 0 at the end, -1
 * when the text is not such an object. */
int mi_scale_answers_next(const char **p, uint64_t *qid, double *value);

#endif
