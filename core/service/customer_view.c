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
