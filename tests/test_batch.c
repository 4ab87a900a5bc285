/* The batch engine (service/batch.c) with a batch of plain numbered items:
 * chunks and checkpoints, resume after a stop, the breaker (in a row, by
 * share, on worker threads), unreadable items, the failures file. Expected
 * values are worked out by hand in the comments. */
#include "fixture.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/batch.h"
#include "store/audit.h"
#include "store/store.h"

static char dir[] = "/tmp/manyi-test-batch-XXXXXX";

static int setup(void **state) {
  (void)state;
  return mi_test_tmpdir(dir);
}

static int teardown(void **state) {
  (void)state;
  return mi_test_rmdir(dir);
}

static mi_store *open_store(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  unlink(path);
  mi_store *s;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path, MI_STORE_CREATE, &s, &e), 0);
  return s;
}

/* Items 1..n; fate(id) says what deciding it gives; apply_fails_at makes
 * apply return a store error on that id. */
enum { N_MAX = 64 };
typedef struct fake {
  int n;
  int (*fate)(int64_t id);
  int64_t apply_fails_at;
  int fail_phase;
  int64_t chunk[N_MAX]; /* ids of the chunk read */
  char ext[N_MAX][24];
  int nchunk;
  int64_t applied[N_MAX];
  int napplied;
  int decided;
  int64_t staged[N_MAX]; /* ids passed to stage, in order */
  int nstaged;
  int64_t stage_fails_at;
} fake;

static int f_read(void *ctx, int phase, int64_t after, int limit, int *n, int64_t *last, mi_err *e) {
  (void)phase, (void)e;
  fake *f = ctx;
  f->nchunk = 0;
  for (int64_t id = after + 1; id <= f->n && f->nchunk < limit; id++) {
    f->chunk[f->nchunk] = id;
    snprintf(f->ext[f->nchunk], sizeof f->ext[0], "X%lld", (long long)id);
    f->nchunk++;
  }
  *n = f->nchunk;
  if (f->nchunk) *last = f->chunk[f->nchunk - 1];
  return 0;
}

static int f_decide(void *ctx, int phase, int i, int state, mi_err *why) {
  (void)phase, (void)state;
  fake *f = ctx;
  __atomic_add_fetch(&f->decided, 1, __ATOMIC_RELAXED);
  int st = f->fate(f->chunk[i]);
  if (st != MI_BATCH_DECIDED)
    mi_err_setpos(why, MI_EPOLICY, "p.lua", 3, 0, "no (item X%lld)", (long long)f->chunk[i]);
  return st;
}

static int f_apply(void *ctx, int phase, int i, int status, mi_err *e) {
  (void)status;
  fake *f = ctx;
  if (f->chunk[i] == f->apply_fails_at && phase == f->fail_phase) return mi_err_set(e, MI_ESTORE, "disk on fire");
  f->applied[f->napplied++] = f->chunk[i];
  return 0;
}

static int f_stage(void *ctx, int phase, int i, mi_err *e) {
  (void)phase;
  fake *f = ctx;
  if (f->chunk[i] == f->stage_fails_at) return mi_err_set(e, MI_ESTORE, "disk on fire");
  f->staged[f->nstaged++] = f->chunk[i];
  return 0;
}

static void f_ident(void *ctx, int i, int64_t *id, const char **ext) {
  fake *f = ctx;
  *id = f->chunk[i];
  *ext = f->ext[i];
}

static mi_batch_spec spec_of(fake *f) {
  return (mi_batch_spec){.what = "test batch", .job_kind = "test-batch", .job_key = "test:1",
                         .item = "item", .items = "items", .policy = "p.lua", .ctx = f,
                         .read = f_read, .decide = f_decide, .apply = f_apply, .ident = f_ident};
}

static int all_good(int64_t id) { (void)id; return MI_BATCH_DECIDED; }
static int all_bad(int64_t id) { (void)id; return MI_BATCH_FAILED; }
static int bad_from_5(int64_t id) { return id >= 5 ? MI_BATCH_FAILED : MI_BATCH_DECIDED; }
static int every_other(int64_t id) { return id % 2 ? MI_BATCH_DECIDED : MI_BATCH_FAILED; }
static int unreadable(int64_t id) { (void)id; return MI_BATCH_UNREADABLE; }
static int bad_after_16(int64_t id) { return id > 16 ? MI_BATCH_FAILED : MI_BATCH_DECIDED; }
static int bad_3_and_7(int64_t id) { return id == 3 || id == 7 ? MI_BATCH_FAILED : MI_BATCH_DECIDED; }

static void test_bad_arguments(void **state) {
  (void)state;
  mi_store *s = open_store("args.db");
  fake f = {.n = 3, .fate = all_good};
  mi_batch_spec sp = spec_of(&f);
  mi_batch_options o = {0};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(NULL, &sp, &o, &sum, &e), MI_EINVAL);
  assert_int_equal(mi_batch_run(s, NULL, &o, &sum, &e), MI_EINVAL);
  assert_int_equal(mi_batch_run(s, &sp, NULL, &sum, &e), MI_EINVAL);
  sp.decide = NULL;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EINVAL);
  sp = spec_of(&f);
  sp.nworkers = MI_BATCH_MAX_WORKERS + 1;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EINVAL);
  sp.nworkers = 0;
  o.max_failure_share = -0.5;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EINVAL);
  mi_store_close(s);
}

/* 10 items in chunks of 3; apply fails on item 8 (chunk 7..9): chunks 1-3,
 * 4-6 are committed, the checkpoint is 6, and the error says so; a rerun
 * resumes after 6 and applies 7..10. */
static void test_checkpoint_and_resume(void **state) {
  (void)state;
  mi_store *s = open_store("resume.db");
  fake f = {.n = 10, .fate = all_good, .apply_fails_at = 8};
  mi_batch_spec sp = spec_of(&f);
  mi_batch_options o = {.chunk = 3, .now = 100};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_ESTORE);
  /* the error says what the committed chunks (1-3, 4-6) kept */
  assert_string_equal(e.msg, "disk on fire; this chunk of test batch was not committed, the 2 "
                             "chunks before it were (run it again to go on from there)");
  assert_int_equal(sum.items, 6);
  assert_false(sum.stop.tripped);
  f.apply_fails_at = 0;
  f.napplied = 0;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_string_equal(sum.resumed, "6");
  assert_int_equal(sum.resumed_after, 6);
  assert_int_equal(sum.items, 4);
  assert_int_equal(f.napplied, 4);
  assert_int_equal(f.applied[0], 7);
  assert_int_equal(f.applied[3], 10);
  /* Done: the same key starts again from the beginning. */
  f.napplied = 0;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_string_equal(sum.resumed, "");
  assert_int_equal(f.napplied, 10);
  mi_store_close(s);
}

/* Phases keep "PHASE:ID": a stop in phase b after id 4 resumes there. */
static void test_phases_resume(void **state) {
  (void)state;
  mi_store *s = open_store("phases.db");
  static const char *const phases[] = {"a", "b"};
  fake f = {.n = 6, .fate = all_good};
  mi_batch_spec sp = spec_of(&f);
  sp.phases = phases;
  sp.nphases = 2;
  mi_batch_options o = {.chunk = 4, .now = 100};
  mi_batch_summary sum;
  mi_err e = {0};
  f.apply_fails_at = -1;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_int_equal(f.napplied, 12); /* 6 in each phase */
  /* Fail in the second phase's second chunk: a runs whole (6) and b's first
   * chunk (1..4) is committed, b:4 the checkpoint. */
  f.napplied = 0;
  sp.job_key = "test:2";
  f.apply_fails_at = 5;
  f.fail_phase = 1;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_ESTORE);
  assert_int_equal(f.napplied, 6 + 4);
  f.apply_fails_at = 0;
  f.napplied = 0;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_string_equal(sum.resumed, "b:4");
  assert_int_equal(sum.resumed_phase, 1);
  assert_int_equal(f.napplied, 2); /* 5, 6 */
  mi_store_close(s);
}

/* Items 5.. fail; bound 3 in a row, chunks of 4: chunk 1..4 is committed;
 * chunk 5..8 trips on item 7 (5, 6, 7 in a row) and nothing of it is
 * applied; the checkpoint stays 4. */
static void test_breaker_in_a_row(void **state) {
  (void)state;
  mi_store *s = open_store("row.db");
  fake f = {.n = 20, .fate = bad_from_5};
  mi_batch_spec sp = spec_of(&f);
  FILE *failures = tmpfile();
  mi_batch_options o = {.chunk = 4, .now = 100, .max_failures = 3, .max_failure_share = 1,
                        .failures = failures};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EPOLICY);
  assert_true(sum.stop.tripped);
  assert_false(sum.stop.by_share);
  assert_int_equal(sum.stop.in_a_row, 3);
  assert_int_equal(sum.stop.after, 4);
  assert_int_equal(sum.stop.nfirst, 3);
  assert_int_equal(sum.stop.first_id[0], 5);
  assert_string_equal(sum.stop.first_external[2], "X7");
  assert_int_equal(sum.stop.first_error.line, 3);
  assert_int_equal(f.napplied, 4);
  assert_int_equal(f.decided, 4 + 3); /* it stopped deciding at 7 */
  assert_int_equal(sum.items, 4);
  assert_non_null(strstr(e.msg, "the policy p.lua failed on 3 items in a row (--max-failures 3)"));
  assert_non_null(strstr(e.msg, "the first: X5, X6, X7"));
  assert_non_null(strstr(e.msg, "the chunks through item id 4 were committed"));
  assert_non_null(strstr(e.msg, "p.lua:3: no (item X5)"));
  /* Nothing failed in a committed chunk: the file has its header only. */
  char text[256] = {0};
  rewind(failures);
  assert_true(fread(text, 1, sizeof text - 1, failures) > 0);
  assert_string_equal(text, "id,external_id,error\n");
  fclose(failures);
  /* A rerun of the same batch resumes after 4 and stops at once. */
  f.napplied = 0;
  o.failures = NULL;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EPOLICY);
  assert_int_equal(sum.resumed_after, 4);
  assert_non_null(strstr(e.msg, "nothing was committed by this run"));
  assert_int_equal(f.napplied, 0);
  mi_store_close(s);
}

/* Every even item fails (never 2 in a row); bound 3 failures, share 0.25:
 * after item 6 there are 3 failures of 6 decided, 3 > 1.5: it trips. */
static void test_breaker_share(void **state) {
  (void)state;
  mi_store *s = open_store("share.db");
  fake f = {.n = 40, .fate = every_other};
  mi_batch_spec sp = spec_of(&f);
  mi_batch_options o = {.chunk = 10, .dry_run = 1, .max_failures = 3, .max_failure_share = 0.25};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EPOLICY);
  assert_true(sum.stop.by_share);
  assert_int_equal(sum.stop.failed, 3);
  assert_int_equal(sum.stop.decided, 6);
  assert_int_equal(sum.stop.first_id[0], 2);
  assert_int_equal(f.decided, 6);
  assert_int_equal(f.napplied, 0);
  assert_non_null(strstr(e.msg, "a dry run: nothing was changed"));
  /* With no share bound it goes to the end: 20 failures, exit status 3's case. */
  o.max_failure_share = 1;
  f.decided = 0;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_int_equal(sum.failed, 20);
  assert_int_equal(f.napplied, 40);
  mi_store_close(s);
}

/* Failures on 3 and 7 only: never tripped; both reported, in the file. */
static int reported;
static void on_failure(void *ctx, const mi_batch_failure *fl) {
  (void)ctx;
  assert_true(fl->id == 3 || fl->id == 7);
  assert_null(fl->phase);
  reported++;
}

static void test_failures_listed(void **state) {
  (void)state;
  mi_store *s = open_store("list.db");
  fake f = {.n = 10, .fate = bad_3_and_7};
  mi_batch_spec sp = spec_of(&f);
  FILE *failures = tmpfile();
  mi_batch_options o = {.chunk = 4, .now = 100, .max_failures = 2, .failures = failures,
                        .on_failure = on_failure};
  mi_batch_summary sum;
  mi_err e = {0};
  reported = 0;
  /* The share counts from 2 failures on (the bound in a row): with the
   * default 5 %, 2 of 7 decided at item 7 would trip it; 50 % does not. */
  o.max_failure_share = 0.5;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_int_equal(sum.failed, 2);
  assert_int_equal(reported, 2);
  assert_int_equal(f.napplied, 10); /* apply sees failures too, to count them */
  char text[512] = {0};
  rewind(failures);
  assert_true(fread(text, 1, sizeof text - 1, failures) > 0);
  fclose(failures);
  assert_string_equal(text, "id,external_id,error\n"
                            "3,X3,p.lua:3: no (item X3)\n"
                            "7,X7,p.lua:3: no (item X7)\n");
  mi_store_close(s);
}

/* Unreadable items are reported but are not the policy's failures: no trip. */
static void test_unreadable_does_not_trip(void **state) {
  (void)state;
  mi_store *s = open_store("unreadable.db");
  fake f = {.n = 30, .fate = unreadable};
  mi_batch_spec sp = spec_of(&f);
  mi_batch_options o = {.chunk = 7, .dry_run = 1, .max_failures = 2};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_int_equal(sum.unreadable, 30);
  assert_int_equal(sum.failed, 0);
  mi_store_close(s);
}

/* Four states on four threads, every item fails: it trips, applies nothing,
 * and names a run of failing items. Defaults: 100 in a row. */
static void test_breaker_workers(void **state) {
  (void)state;
  mi_store *s = open_store("workers.db");
  fake f = {.n = N_MAX, .fate = all_bad};
  mi_batch_spec sp = spec_of(&f);
  sp.nworkers = 3;
  mi_batch_options o = {.chunk = N_MAX, .now = 100, .max_failures = 5};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EPOLICY);
  assert_true(sum.stop.tripped);
  assert_true(sum.stop.in_a_row >= 5);
  assert_int_equal(sum.stop.nfirst, 5);
  assert_int_equal(f.napplied, 0);
  assert_true(f.decided <= 4 * 5); /* each state stops after its 5th failure */
  /* Only the second state's part (17..32) and on fail: whether the main
   * state finished its part or saw the stop first, the run named is 17..21. */
  f.fate = bad_after_16;
  f.decided = 0;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EPOLICY);
  assert_int_equal(sum.stop.first_id[0], 17);
  assert_int_equal(sum.stop.first_id[4], 21);
  assert_int_equal(sum.stop.in_a_row, 5);
  assert_int_equal(f.napplied, 0);
  f.fate = all_bad;
  /* The defaults: 100 in a row is more than 64 items, and the share counts
   * from 100 failures on: it runs to the end. */
  o.max_failures = 0;
  f.decided = 0;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_int_equal(sum.failed, N_MAX);
  mi_store_close(s);
}

static int count_entry(const mi_audit_entry *en, void *ud) {
  (void)en;
  ++*(int *)ud;
  return 0;
}

/* Every run that commits items commits its audit entry with the first of
 * them, also when it resumes after a phase that ended on a chunk's end: its
 * first transaction then reads nothing and commits nothing but the empty
 * chunk (found by the kill -9 loop of tests/e2e/crash.sh: 1500 entries of
 * eval points without an entry of their run). Phase a: 4 items in a chunk
 * of 4, checkpoint a:4; phase b fails at its first item. The second run
 * resumes at a:4, reads no more of a, and commits b's items: 2 entries. */
static void test_audit_after_empty_chunk(void **state) {
  (void)state;
  mi_store *s = open_store("audit.db");
  static const char *const phases[] = {"a", "b"};
  fake f = {.n = 4, .fate = all_good, .apply_fails_at = 1, .fail_phase = 1};
  mi_batch_spec sp = spec_of(&f);
  sp.phases = phases;
  sp.nphases = 2;
  mi_batch_options o = {.chunk = 4, .now = 100, .audit_actor = "tester", .audit_action = "eval"};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_ESTORE);
  assert_int_equal(f.napplied, 4);
  int entries = 0;
  assert_int_equal(mi_audit_each(s, 0, "eval", count_entry, &entries, &e), 0);
  assert_int_equal(entries, 1);
  f.apply_fails_at = 0;
  f.napplied = 0;
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  assert_string_equal(sum.resumed, "a:4");
  assert_int_equal(f.napplied, 4); /* b's items */
  entries = 0;
  assert_int_equal(mi_audit_each(s, 0, "eval", count_entry, &entries, &e), 0);
  assert_int_equal(entries, 2);
  mi_store_close(s);
}

/* With a stage callback and workers, the calling thread walks the items in
 * order as they are decided: every decided item is staged once, in id
 * order, before any is applied; failed items are not staged; a trip stages
 * nothing after the trip and applies nothing of the chunk; a stage error
 * stops the run with nothing of the chunk applied. */
static void test_staged_workers(void **state) {
  (void)state;
  mi_store *s = open_store("staged.db");
  fake f = {.n = N_MAX, .fate = bad_3_and_7};
  mi_batch_spec sp = spec_of(&f);
  sp.nworkers = 2;
  sp.stage = f_stage;
  sp.job_key = "test:staged1";
  mi_batch_options o = {.chunk = 40, .now = 100, .max_failures = 5};
  mi_batch_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), 0);
  /* 64 items in chunks of 40 and 24; 3 and 7 fail: 62 staged, 64 applied */
  assert_int_equal(f.nstaged, N_MAX - 2);
  for (int i = 0, id = 1; i < f.nstaged; i++, id++) {
    if (id == 3 || id == 7) id++;
    assert_int_equal(f.staged[i], id);
  }
  assert_int_equal(f.napplied, N_MAX);
  assert_int_equal(sum.failed, 2);
  /* 1..16 good, then failures: trips at 21 (5 in a row) in the first chunk */
  f = (fake){.n = N_MAX, .fate = bad_after_16};
  sp.job_key = "test:staged2";
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_EPOLICY);
  assert_int_equal(sum.stop.first_id[0], 17);
  assert_int_equal(sum.stop.first_id[4], 21);
  assert_int_equal(f.nstaged, 16);
  assert_int_equal(f.napplied, 0);
  /* a stage error at 30: the run stops with the store's error */
  f = (fake){.n = N_MAX, .fate = all_good, .stage_fails_at = 30};
  sp.job_key = "test:staged3";
  assert_int_equal(mi_batch_run(s, &sp, &o, &sum, &e), MI_ESTORE);
  assert_int_equal(f.nstaged, 29);
  assert_int_equal(f.napplied, 0);
  mi_store_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_checkpoint_and_resume),
      cmocka_unit_test(test_phases_resume),
      cmocka_unit_test(test_breaker_in_a_row),
      cmocka_unit_test(test_breaker_share),
      cmocka_unit_test(test_failures_listed),
      cmocka_unit_test(test_unreadable_does_not_trip),
      cmocka_unit_test(test_breaker_workers),
      cmocka_unit_test(test_staged_workers),
      cmocka_unit_test(test_audit_after_empty_chunk),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
