/* Lots replayed from the ledger (see ledger.h): no state besides the ledger,
 * so the balance, the lots and what a redemption may take are one function
 * of the entries, and a rerun or a crash cannot make them disagree. */
#include <stdlib.h>
#include <string.h>

#include "store/ledger.h"

void mi_ledger_lots_free(mi_ledger_lots *l) {
  if (!l) return;
  free(l->lots);
  memset(l, 0, sizeof *l);
}

mi_ledger_lot *mi_ledger_lots_find(const mi_ledger_lots *l, int64_t id) {
  size_t lo = 0, hi = l ? l->n : 0;
  while (lo < hi) { /* lots are in entry (id) order */
    size_t mid = lo + (hi - lo) / 2;
    if (l->lots[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return l && lo < l->n && l->lots[lo].id == id ? &l->lots[lo] : NULL;
}

static int spendable(const mi_ledger_lot *lot, int64_t t) {
  return lot->remaining > 0 && (lot->expires_at == 0 || lot->expires_at > t);
}

/* Soonest expiry first, never-expiring last, then the oldest. */
static int before(const mi_ledger_lot *a, const mi_ledger_lot *b) {
  int64_t ea = a->expires_at ? a->expires_at : INT64_MAX, eb = b->expires_at ? b->expires_at : INT64_MAX;
  return ea != eb ? ea < eb : a->id < b->id;
}

/* Takes amount (> 0) from the lots spendable at t; the rest becomes debt. */
static void take(mi_ledger_lots *l, int64_t amount, int64_t t) {
  while (amount > 0) {
    mi_ledger_lot *best = NULL;
    for (size_t i = 0; i < l->n; i++)
      if (spendable(&l->lots[i], t) && (!best || before(&l->lots[i], best))) best = &l->lots[i];
    if (!best) break;
    int64_t x = best->remaining < amount ? best->remaining : amount;
    best->remaining -= x;
    amount -= x;
  }
  l->debt += amount;
}

static int64_t take_from(mi_ledger_lot *lot, int64_t amount) {
  if (!lot) return 0;
  int64_t x = lot->remaining < amount ? lot->remaining : amount;
  lot->remaining -= x;
  return x;
}

/* "expire:<id>" names the lot an expire entry closes. */
static int64_t expired_lot(const mi_ledger_row *r) {
  const char *k = r->idempotency_key;
  if (!k || strncmp(k, "expire:", 7)) return 0;
  char *end;
  long long id = strtoll(k + 7, &end, 10);
  return *end ? 0 : (int64_t)id;
}

int mi_ledger_lots_apply(mi_ledger_lots *l, const mi_ledger_row *r) {
  l->balance += r->points;
  l->entries++;
  if (r->points > 0) {
    if (l->n == l->cap) {
      size_t cap = l->cap ? l->cap * 2 : 16;
      mi_ledger_lot *lots = realloc(l->lots, cap * sizeof *lots);
      if (!lots) return MI_ENOMEM;
      l->lots = lots;
      l->cap = cap;
    }
    mi_ledger_lot *lot = &l->lots[l->n++];
    *lot = (mi_ledger_lot){.id = r->id, .points = r->points, .remaining = r->points,
                           .earned_at = r->created_at, .expires_at = r->expires_at};
    int64_t pay = l->debt < lot->remaining ? l->debt : lot->remaining;
    lot->remaining -= pay;
    l->debt -= pay;
    return 0;
  }
  int64_t amount = -r->points;
  if (r->kind && !strcmp(r->kind, "expire")) {
    mi_ledger_lot *lot = mi_ledger_lots_find(l, expired_lot(r));
    int64_t x = take_from(lot, amount);
    if (lot) lot->expired += x;
    amount -= x;
  } else if (r->kind && !strcmp(r->kind, "reverse")) {
    amount -= take_from(mi_ledger_lots_find(l, r->reverses_id), amount);
  }
  take(l, amount, r->created_at);
  return 0;
}

int64_t mi_ledger_lots_available(const mi_ledger_lots *l, int64_t t) {
  int64_t sum = 0;
  for (size_t i = 0; i < l->n; i++)
    if (spendable(&l->lots[i], t)) sum += l->lots[i].remaining;
  return sum - l->debt;
}

static int apply_cb(void *ctx, const mi_ledger_row *r) {
  return mi_ledger_lots_apply(ctx, r);
}

int mi_ledger_lots_get(mi_store *s, int64_t customer_id, mi_ledger_lots *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no lots to fill");
  memset(out, 0, sizeof *out);
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  int rc = mi_ledger_each(s, customer_id, 0, 0, apply_cb, out, e);
  if (rc == MI_ENOMEM) return mi_err_set(e, MI_ENOMEM, "out of memory replaying the ledger");
  return rc;
}
