/* JSON Lines input for mi_reader: one object per line, parsed with jansson.
 * A line that sits whole in the input block is parsed in place; only a
 * line cut by a block boundary is copied. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/reader_impl.h"

typedef struct jsonl_state {
  mi_strbuf line; /* a line that spans input blocks */
} jsonl_state;

/* Next physical line without its LF (and CR): 1, 0 at the end, <0 fatal.
 * *lineno is the line's number. */
static int get_line(mi_reader *r, jsonl_state *j, const char **out, size_t *n, long *lineno,
                    mi_err *e) {
  mi_rsrc *s = &r->src;
  mi_strbuf_reset(&j->line);
  int partial = 0;
  *lineno = r->line;
  for (;;) {
    if (s->pos == s->len) {
      mi_err fe;
      mi_err_clear(&fe);
      int rc = mi_rsrc_fill(s, &fe);
      if (rc < 0)
        return mi_reader_fatal(r, e, rc, r->line, (int)j->line.len + 1, "%s", fe.msg);
      if (rc == 0) {
        if (!partial) return 0;
        break; /* a last line without LF */
      }
    }
    const char *b = s->buf + s->pos;
    size_t avail = s->len - s->pos;
    const char *nl = memchr(b, '\n', avail);
    size_t take = nl ? (size_t)(nl - b) : avail;
    if (j->line.len + take > r->max_record)
      return mi_reader_fatal(r, e, MI_EPARSE, r->line, 0,
                             "line is longer than %zu bytes (the limit)", r->max_record);
    if (nl && !partial) { /* the whole line is in the block */
      s->pos += take + 1;
      r->line++;
      *out = b;
      *n = take && b[take - 1] == '\r' ? take - 1 : take;
      return 1;
    }
    if (mi_strbuf_append(&j->line, b, take))
      return mi_reader_fatal(r, e, MI_ENOMEM, r->line, 0, "out of memory");
    partial = 1;
    s->pos += take + (nl ? 1 : 0);
    if (nl) break;
  }
  r->line++;
  *out = j->line.data;
  *n = j->line.len && j->line.data[j->line.len - 1] == '\r' ? j->line.len - 1 : j->line.len;
  return 1;
}

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
  return 1;
}

static const char *json_kind(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

/* Column index for key k, adding it when the columns are open-ended.
 * Returns 1 with *idx, 0 to skip the key, <0 on error. */
static int key_column(mi_reader *r, const char *k, long line, size_t *idx, mi_err *e) {
  long i = mi_reader_find(r, k, strlen(k));
  if (i >= 0) {
    *idx = (size_t)i;
    return 1;
  }
  if (r->nexpect) {
    if (r->allow_extra) return 0;
    return mi_reader_bad(r, e, MI_EPARSE, line, 0,
                         "unknown field '%s' (not one of the expected columns)", k);
  }
  if (!*k) return mi_reader_bad(r, e, MI_EPARSE, line, 0, "an object key is empty");
  if (r->ncols >= r->max_columns)
    return mi_reader_fatal(r, e, MI_EPARSE, line, 0,
                           "more than %zu distinct keys (the limit on columns)",
                           r->max_columns);
  int rc = mi_reader_add_column(r, k, strlen(k), idx);
  if (rc) return mi_reader_fatal(r, e, MI_ENOMEM, line, 0, "out of memory");
  if (mi_rec_extend(&r->rec, r->ncols, line))
    return mi_reader_fatal(r, e, MI_ENOMEM, line, 0, "out of memory");
  return 1;
}

/* Puts the object's values into r->rec. */
static int take_object(mi_reader *r, json_t *obj, long line, mi_err *e) {
  mi_record *rec = &r->rec;
  mi_rec_reset(rec, line);
  if (mi_rec_extend(rec, r->ncols, line))
    return mi_reader_fatal(r, e, MI_ENOMEM, line, 0, "out of memory");
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    size_t idx;
    int rc = key_column(r, k, line, &idx, e);
    if (rc < 0) return rc;
    if (rc == 0) continue;
    char num[40];
    const char *text = num;
    size_t n;
    switch (json_typeof(v)) {
    case JSON_STRING:
      text = json_string_value(v);
      n = json_string_length(v);
      break;
    case JSON_INTEGER:
      n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
      break;
    case JSON_REAL:
      mi_text_number(json_real_value(v), num, sizeof num);
      n = strlen(num);
      break;
    case JSON_TRUE: text = "true", n = 4; break;
    case JSON_FALSE: text = "false", n = 5; break;
    case JSON_NULL: continue; /* absent */
    default:
      return mi_reader_bad(r, e, MI_EPARSE, line, 0,
                           "field '%s' holds %s; only strings, numbers, true/false and null "
                           "are allowed",
                           k, json_kind(v));
    }
    if (n > r->max_field)
      return mi_reader_fatal(r, e, MI_EPARSE, line, 0,
                             "field '%s' is longer than %zu bytes (the limit)", k,
                             r->max_field);
    if (mi_rec_set(rec, idx, text, n))
      return mi_reader_fatal(r, e, MI_ENOMEM, line, 0, "out of memory");
  }
  return 1;
}

static int jsonl_next(mi_reader *r, mi_err *e) {
  jsonl_state *j = r->impl;
  for (;;) {
    const char *s = NULL;
    size_t n = 0;
    long line = 0;
    int rc = get_line(r, j, &s, &n, &line, e);
    if (rc <= 0) return rc;
    if (is_blank(s, n)) continue;
    size_t at;
    if (mi_text_utf8_check(s, n, &at, NULL)) {
      char what[80];
      mi_text_utf8_describe(s + at, n - at, what, sizeof what);
      return mi_reader_bad(r, e, MI_EPARSE, line, (int)at + 1,
                           "invalid UTF-8: %s; if the file is not UTF-8, read it with its "
                           "encoding",
                           what);
    }
    json_error_t je;
    json_t *root = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    if (!root)
      return mi_reader_bad(r, e, MI_EPARSE, line, je.position > 0 ? je.position : 0,
                           "invalid JSON: %s", je.text);
    if (!json_is_object(root)) {
      const char *kind = json_kind(root);
      json_decref(root);
      return mi_reader_bad(r, e, MI_EPARSE, line, 0,
                           "expected a JSON object {...} on each line, got %s", kind);
    }
    rc = take_object(r, root, line, e);
    json_decref(root);
    return rc;
  }
}

static int jsonl_start(mi_reader *r, mi_err *e) {
  jsonl_state *j = calloc(1, sizeof *j);
  if (!j) return mi_err_set(e, MI_ENOMEM, "out of memory");
  r->impl = j;
  for (size_t i = 0; i < r->nexpect; i++) {
    int rc = mi_reader_add_column(r, r->expect[i], strlen(r->expect[i]), NULL);
    if (rc == MI_EEXIST)
      return mi_err_set(e, MI_EINVAL, "expected column '%s' is listed twice", r->expect[i]);
    if (rc) return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  return 0;
}

static void jsonl_free(mi_reader *r) {
  jsonl_state *j = r->impl;
  if (!j) return;
  mi_strbuf_free(&j->line);
  free(j);
  r->impl = NULL;
}

const mi_reader_ops mi_jsonl_reader_ops = {jsonl_start, jsonl_next, jsonl_free};
