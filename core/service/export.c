#include "service/export.h"

#include <jansson.h>
#include <stdlib.h>

#include "store/export.h"
#include "service/access.h"
#include "store/audit.h"
#include "util/record_writer.h"

typedef struct export_ctx {
  FILE *out;
  mi_format format;
  mi_writer *w;
  size_t rows;
  mi_err *e;
  int mask;
} export_ctx;

static int on_row(void *p, const char *const *columns, const char *const *values, size_t n) {
  export_ctx *ctx = p;
  if (!values) return mi_writer_open(ctx->out, ctx->format, columns, n, &ctx->w, ctx->e);
  ctx->rows++;
  if (!ctx->mask) return mi_writer_row(ctx->w, values, ctx->e);
  const char **masked = malloc(n * sizeof *masked);
  char (*bufs)[320] = malloc(n * sizeof *bufs);
  int rc = masked && bufs ? 0 : mi_err_set(ctx->e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; rc == 0 && i < n; i++)
    masked[i] = mi_access_mask(columns[i], values[i], bufs[i], sizeof bufs[i]);
  if (rc == 0) rc = mi_writer_row(ctx->w, masked, ctx->e);
  free(masked);
  free(bufs);
  return rc;
}

int mi_export(mi_store *s, const mi_export_options *opt, FILE *out, size_t *rows, mi_err *e) {
  if (!s || !opt || !opt->entity || !out) return mi_err_set(e, MI_EINVAL, "nothing to export");
  export_ctx ctx = {out, opt->format, NULL, 0, e, opt->mask};
  int rc = mi_store_export(s, opt->entity, opt->survey, on_row, &ctx, e);
  if (ctx.w) {
    mi_err ce;
    if (mi_writer_close(ctx.w, &ce) && rc == 0) *e = ce, rc = ce.code;
  }
  if (rows) *rows = ctx.rows;
  if (rc) return rc;
  json_t *detail = json_pack("{s:s, s:I, s:s, s:b}", "target", opt->target ? opt->target : "-",
                             "rows", (json_int_t)ctx.rows, "format", mi_format_name(opt->format),
                             "masked", opt->mask);
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
