#include "service/export.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/export.h"
#include "service/access.h"
#include "store/scope.h"
#include "store/audit.h"
#include "util/record_writer.h"

typedef struct export_ctx {
  FILE *out;
  mi_format format;
  mi_writer *w;
  size_t rows;
  mi_err *e;
  int mask;
  const char *entity;
  json_t *personal; /* the personal columns of the entity (for the audit entry) */
  mi_store *store;
  char customer[65], name[256]; /* the last row's customer and their name (free text) */
} export_ctx;

/* The name of the row's customer (column customer_id), to mask in free text. */
static const char *row_customer_name(export_ctx *ctx, const char *const *columns,
                                     const char *const *values, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (strcmp(columns[i], "customer_id") || !values[i]) continue;
    if (strcmp(values[i], ctx->customer)) {
      snprintf(ctx->customer, sizeof ctx->customer, "%s", values[i]);
      mi_access_customer_name(ctx->store, values[i], ctx->name, sizeof ctx->name);
    }
    return ctx->name;
  }
  return NULL;
}

/* The personal columns of the entity: store/scope.c's one list. */
static int header(export_ctx *ctx, const char *const *columns, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (mi_scope_export_column(ctx->entity, columns[i]) &&
        json_array_append_new(ctx->personal, json_string(columns[i])))
      return mi_err_set(ctx->e, MI_ENOMEM, "out of memory");
  return mi_writer_open(ctx->out, ctx->format, columns, n, &ctx->w, ctx->e);
}

static int on_row(void *p, const char *const *columns, const char *const *values, size_t n) {
  export_ctx *ctx = p;
  if (!values) return header(ctx, columns, n);
  ctx->rows++;
  if (!ctx->mask || json_array_size(ctx->personal) == 0) return mi_writer_row(ctx->w, values, ctx->e);
  const char **masked = malloc(n * sizeof *masked);
  char (*bufs)[320] = malloc(n * sizeof *bufs), **owned = calloc(n, sizeof *owned);
  int rc = masked && bufs && owned ? 0 : mi_err_set(ctx->e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < n; i++) {
    mi_personal kind = mi_scope_export_column(ctx->entity, columns[i]);
    if ((kind == MI_PERSONAL_JSON || kind == MI_PERSONAL_TEXT) && values[i]) {
      masked[i] = owned[i] = kind == MI_PERSONAL_JSON
                                 ? mi_access_mask_json(values[i])
                                 : mi_access_mask_text(values[i], row_customer_name(ctx, columns, values, n));
      if (!owned[i]) rc = mi_err_set(ctx->e, MI_ENOMEM, "out of memory");
    } else {
      masked[i] = mi_access_mask_as(kind, values[i], bufs[i], sizeof bufs[i]);
    }
  }
  if (rc == 0) rc = mi_writer_row(ctx->w, masked, ctx->e);
  for (size_t i = 0; owned && i < n; i++) free(owned[i]);
  free(owned);
  free(masked);
  free(bufs);
  return rc;
}

int mi_export(mi_store *s, const mi_export_options *opt, FILE *out, size_t *rows, mi_err *e) {
  if (!s || !opt || !opt->entity || !out) return mi_err_set(e, MI_EINVAL, "nothing to export");
  export_ctx ctx = {out, opt->format, NULL, 0, e, opt->mask, opt->entity, json_array(), s, "", ""};
  int rc = ctx.personal ? mi_store_export(s, opt->entity, opt->survey, on_row, &ctx, e)
                        : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (ctx.w) {
    mi_err ce;
    if (mi_writer_close(ctx.w, &ce) && rc == 0) *e = ce, rc = ce.code;
  }
  if (rows) *rows = ctx.rows;
  if (rc) {
    json_decref(ctx.personal);
    return rc;
  }
  /* What left in clear and what masked, as it was written: "masked" is true
   * only when personal columns were there and masked. */
  int masked = opt->mask && json_array_size(ctx.personal) > 0;
  json_t *detail = json_pack("{s:s, s:I, s:s, s:b, s:o}", "target", opt->target ? opt->target : "-",
                             "rows", (json_int_t)ctx.rows, "format", mi_format_name(opt->format),
                             "masked", masked, "personal_columns", ctx.personal);
  char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
  json_decref(detail);
  if (!text) return mi_err_set(e, MI_ENOMEM, "out of memory");
  rc = mi_store_begin(s, e);
  if (rc == 0) rc = mi_audit_append(s, opt->actor ? opt->actor : "unknown", "export", opt->entity, text, opt->now, e);
  if (rc == 0) rc = mi_store_commit(s, e);
  else mi_store_rollback(s);
  free(text);
  return rc;
}
