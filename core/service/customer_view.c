#include "service/customer_view.h"

static mi_view_field text(const char *name, const char *v) {
  return (mi_view_field){.name = name, .type = v ? MI_VIEW_STR : MI_VIEW_NIL, .s = v};
}

static mi_view_field integer(const char *name, int64_t v) {
  return (mi_view_field){.name = name, .type = MI_VIEW_INT, .i = v};
}

static mi_view_field number(const char *name, double v) {
  return (mi_view_field){.name = name, .type = MI_VIEW_NUM, .d = v};
}

static mi_view_field nil(const char *name) {
  return (mi_view_field){.name = name, .type = MI_VIEW_NIL};
}

static mi_view_field flag(const char *name, int v) {
  return (mi_view_field){.name = name, .type = MI_VIEW_BOOL, .i = v != 0};
}

static int64_t floor_days(int64_t secs) {
  return secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
}

void mi_frame_view_make(const mi_frame_row *r, int64_t now,
                        mi_view_field fields[MI_FRAME_VIEW_FIELDS], mi_view *view) {
  int n = 0;
  fields[n++] = text("external_id", r->external_id);
  fields[n++] = text("kind", r->kind);
  fields[n++] = text("region", r->region);
  fields[n++] = text("industry", r->industry);
  fields[n++] = text("tier", r->tier);
  fields[n++] = integer("tenure_days", (now - r->created_at) / 86400);
  fields[n++] = flag("consent_email", r->consent_email);
  fields[n++] = flag("consent_sms", r->consent_sms);
  fields[n++] = flag("consent_phone", r->consent_phone);
  fields[n++] = flag("has_email", r->has_email);
  fields[n++] = flag("has_phone", r->has_phone);
  fields[n++] = text("channel", r->channel);
  /* floor: an invitation dated a second ago is 0 days ago, one in the future -1 */
  fields[n++] = r->last_invited_at ? integer("last_invited_days", floor_days(now - r->last_invited_at))
                                   : nil("last_invited_days");
  fields[n++] = integer("open_complaints", r->open_complaints);
  *view = (mi_view){.kind = "customer", .id = r->external_id, .fields = fields, .nfields = (size_t)n};
}

void mi_customer_view_make(const mi_customer_facts *f, int64_t as_of,
                           mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS], mi_view *view) {
  int n = 0;
  fields[n++] = text("external_id", f->external_id);
  fields[n++] = text("kind", f->kind);
  fields[n++] = text("region", f->region);
  fields[n++] = text("industry", f->industry);
  fields[n++] = text("birthday", f->birthday);
  fields[n++] = integer("tenure_days", (as_of - f->created_at) / 86400);
  fields[n++] = text("tier", f->tier);
  /* Money in currency units: policies compare with thresholds people write. */
  fields[n++] = number("spend_12m", (double)f->spend_12m_minor / 100.0);
  fields[n++] = integer("orders_12m", f->orders_12m);
  fields[n++] = integer("orders_total", f->orders_total);
  fields[n++] = integer("refunded_orders", f->refunded_orders);
  fields[n++] = integer("cancelled_orders", f->cancelled_orders);
  fields[n++] = f->last_order_at ? integer("last_order_days", (as_of - f->last_order_at) / 86400)
                                 : nil("last_order_days");
  fields[n++] = integer("open_complaints", f->open_complaints);
  fields[n++] = integer("tickets_12m", f->tickets_12m);
  fields[n++] = f->has_satisfaction ? number("avg_satisfaction", f->avg_satisfaction)
                                    : nil("avg_satisfaction");
  fields[n++] = f->nps_answer >= 0 ? integer("nps_answer", f->nps_answer) : nil("nps_answer");
  fields[n++] = integer("points", f->points);
  *view = (mi_view){.kind = "customer", .id = f->external_id, .fields = fields, .nfields = (size_t)n};
}
