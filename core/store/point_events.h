/* What earns loyalty points, read for the points batch: completed orders,
 * survey responses, feedback (the customer's word in a follow-up call,
 * `ticket followup`) and referrals whose referred customer completed an
 * order, not yet credited; and refunded orders (and referrals whose referred
 * customer has nothing but refunded orders left) whose points were credited
 * and not yet reversed. The idempotency keys that tie an event to
 * its ledger entries are made here, so the batch and the queries agree. */
#ifndef MI_STORE_POINT_EVENTS_H
#define MI_STORE_POINT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef enum mi_point_source {
  MI_POINT_ORDERS,
  MI_POINT_RESPONSES,
  MI_POINT_FEEDBACK,
  MI_POINT_REFERRALS
} mi_point_source;

/* Strings are valid only during the callback. */
typedef struct mi_point_event {
  int64_t id;                /* the order's, response's, ticket event's or referral's store id
                                (where the stream goes on after it) */
  const char *type;          /* "order" | "survey" | "feedback" | "referral" */
  const char *external_id;   /* O00000042, R000000007, the ticket T0000001 (feedback), the
                                referred customer C000123 (referral) */
  int64_t customer_id;       /* who earns: for a referral, the referrer */
  const char *customer;      /* the customer's external id */
  int64_t amount_minor;      /* orders; 0 for the others */
  const char *currency;      /* orders; NULL for the others */
  int64_t occurred_at;       /* ordered_at / submitted_at / the follow-up's time / the
                                ordered_at of the referred customer's first completed order */
  const char *status;        /* orders: their status; surveys: "answered"; feedback: "given";
                                referrals: "completed" */
  const char *survey;        /* surveys: the survey code; NULL for orders */
} mi_point_event;

typedef int (*mi_point_event_cb)(void *ctx, const mi_point_event *ev);

/* Calls cb for up to limit events of src after the event after_id (0: from
 * the start) that occurred at or before as_of (orders: status completed;
 * referrals: the referred customer has a completed order ordered at or
 * before as_of, the first of which is the event's instant) and have no
 * ledger entry with their earn key. Orders come in customer order (by
 * customer_id, ordered_at, amount_minor, then id), so that a customer's
 * orders are together; the other sources in id order. A non-zero return
 * from cb stops and is returned. */
int mi_point_events_uncredited(mi_store *s, mi_point_source src, int64_t as_of, int64_t after_id,
                               int limit, mi_point_event_cb cb, void *ctx, mi_err *e);

/* A credited event to take back: a refunded order whose earn entry has no
 * reversal yet, or a referral whose referred customer has refunded orders and
 * no completed one left. */
typedef struct mi_point_reversal {
  int64_t event_id;        /* the order's or referral's store id (the stream's order) */
  const char *external_id; /* the order, or the referred customer; valid only during the callback */
  int64_t customer_id;     /* whose entry it was */
  const char *customer;    /* external id */
  int64_t earn_id;         /* the ledger entry to reverse */
  int64_t points;          /* what it credited */
} mi_point_reversal;
typedef int (*mi_point_reversal_cb)(void *ctx, const mi_point_reversal *r);

/* Calls cb for up to limit reversals of src (MI_POINT_ORDERS or
 * MI_POINT_REFERRALS) with event id > after_id that were credited and not
 * reversed, in id order. */
int mi_point_reversals_pending(mi_store *s, mi_point_source src, int64_t after_id, int limit,
                               mi_point_reversal_cb cb, void *ctx, mi_err *e);

/* Idempotency keys: "order:<external_id>:earn", "response:<external_id>:earn",
 * "feedback:<ticket external_id>:earn", "referral:<referred customer>:earn",
 * "order:<external_id>:reverse", "referral:<referred customer>:reverse",
 * "expire:<earn entry id>". Writes at most size bytes; returns 0, or
 * MI_EINVAL if it does not fit. */
/* "order", "response", "feedback", "referral": the first part of the key and the ledger source. */
const char *mi_point_source_name(mi_point_source src);
int mi_point_key_earn(mi_point_source src, const char *external_id, char *buf, size_t size);
int mi_point_key_reverse(mi_point_source src, const char *external_id, char *buf, size_t size);
int mi_point_key_expire(int64_t lot_id, char *buf, size_t size);

/* One order as the event the loyalty policy sees, whatever its status and
 * whether or not it was credited (for `manyi explain points`). Strings are
 * valid until the next store call. MI_ENOTFOUND if unknown. */
int mi_point_event_order(mi_store *s, const char *order, mi_point_event *out, mi_err *e);

#endif
