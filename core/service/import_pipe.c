/* A responses file imported by two or three threads: one reads the file and
 * checks each record (through a read-only connection of its own for the
 * look-ups of customers, surveys and invitations), an optional second one
 * passes each batch of checked rows through a stage (the alert hook's
 * decisions, on a read connection of its own), and the calling thread stores
 * them in the import's transaction. Checking is about a third of the work,
 * so the storing thread, SQLite's single writer, sets the pace; the stage
 * runs beside both. Batches of rows pass through a ring of a few slots:
 * memory is bounded by the ring, whatever the size of the file. */
#include "service/import_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH_ROWS = 512, SLOTS = 4 };

/* A slot goes round: free -> checked (reader) -> staged (stage, if any) -> free (store). */
enum { FREE, CHECKED, STAGED };

typedef struct slot {
  mi_checked_response rows[BATCH_ROWS];
  size_t n;
  int state;
  int last; /* the reader's last slot: the end of the file, or its error */
  int rc;   /* with last: 0 at the end, else the error (err) */
  mi_err err;
} slot;

struct mi_import_pipe {
  mi_import_ctx *ctx; /* the reader's: its own store */
  mi_import_stage stage;
  pthread_t reader, stager;
  int has_stager;
  pthread_mutex_t mu;
  pthread_cond_t changed;
  int stop; /* the storing side gave up */
  slot slots[SLOTS];
  size_t take; /* the slot being consumed */
  int given;   /* its rows were handed over */
};

static void slot_clear(slot *s) {
  for (size_t i = 0; i < s->n; i++) mi_checked_response_free(&s->rows[i]);
  s->n = 0, s->last = 0, s->rc = 0;
}

/* Waits for slot i to be in state; 0 when the consumer stopped. */
static int wait_for(mi_import_pipe *p, size_t i, int state) {
  pthread_mutex_lock(&p->mu);
  while (p->slots[i].state != state && !p->stop) pthread_cond_wait(&p->changed, &p->mu);
  int go = !p->stop;
  pthread_mutex_unlock(&p->mu);
  return go;
}

static void set_state(mi_import_pipe *p, slot *s, int state) {
  pthread_mutex_lock(&p->mu);
  s->state = state;
  pthread_cond_broadcast(&p->changed);
  pthread_mutex_unlock(&p->mu);
}

static void *reader(void *arg) {
  mi_import_pipe *p = arg;
  size_t i = 0;
  for (;;) {
    if (!wait_for(p, i, FREE)) return NULL;
    slot *s = &p->slots[i];
    const mi_record *rec;
    int rc = 0;
    while (s->n < BATCH_ROWS) {
      rc = mi_reader_next(p->ctx->reader, &rec, &s->err);
      if (rc <= 0) break;
      rc = mi_import_response_check(p->ctx, rec, &s->rows[s->n], &s->err);
      if (rc < 0) break;
      s->n++;
    }
    int last = s->last = rc <= 0 && s->n < BATCH_ROWS; /* the slot is not ours once handed on */
    s->rc = rc < 0 ? rc : 0;
    set_state(p, s, CHECKED);
    if (last) return NULL;
    i = (i + 1) % SLOTS;
  }
}

static void *stager(void *arg) {
  mi_import_pipe *p = arg;
  for (size_t i = 0;; i = (i + 1) % SLOTS) {
    if (!wait_for(p, i, CHECKED)) return NULL;
    slot *s = &p->slots[i];
    p->stage.fn(p->stage.ctx, s->rows, s->n);
    int last = s->last; /* once staged, the slot may be refilled at once */
    set_state(p, s, STAGED);
    if (last) return NULL;
  }
}

int mi_import_pipe_start(mi_import_ctx *reading, const mi_import_stage *stage,
                         mi_import_pipe **out, mi_err *e) {
  mi_import_pipe *p = calloc(1, sizeof *p);
  if (!p) return mi_err_set(e, MI_ENOMEM, "out of memory");
  p->ctx = reading;
  if (stage) p->stage = *stage;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->changed, NULL);
  if (pthread_create(&p->reader, NULL, reader, p)) {
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->changed);
    free(p);
    return mi_err_set(e, MI_ENOMEM, "cannot start the import's reading thread");
  }
  if (stage && pthread_create(&p->stager, NULL, stager, p)) {
    mi_import_pipe_stop(p);
    return mi_err_set(e, MI_ENOMEM, "cannot start the import's second thread");
  }
  p->has_stager = stage != NULL;
  *out = p;
  return 0;
}

int mi_import_pipe_next(mi_import_pipe *p, const mi_checked_response **rows, size_t *n,
                        mi_err *e) {
  int ready = p->has_stager ? STAGED : CHECKED;
  for (;;) {
    slot *s = &p->slots[p->take];
    pthread_mutex_lock(&p->mu);
    while (s->state != ready) pthread_cond_wait(&p->changed, &p->mu);
    pthread_mutex_unlock(&p->mu);
    if (!p->given && s->n) {
      p->given = 1;
      *rows = s->rows, *n = s->n;
      return 1;
    }
    if (s->last) {
      if (s->rc) *e = s->err;
      return s->rc;
    }
    /* the slot is used up: back to the reader */
    slot_clear(s);
    set_state(p, s, FREE);
    p->take = (p->take + 1) % SLOTS, p->given = 0;
  }
}

void mi_import_pipe_stop(mi_import_pipe *p) {
  if (!p) return;
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  pthread_cond_broadcast(&p->changed);
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->reader, NULL);
  if (p->has_stager) pthread_join(p->stager, NULL);
  for (size_t i = 0; i < SLOTS; i++) slot_clear(&p->slots[i]);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->changed);
  free(p);
}
