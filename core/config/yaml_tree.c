/* libyaml events -> mi_ynode tree. This is the only file that sees libyaml.
 * Everything the config format forbids at the YAML level (anchors, tags,
 * several documents, duplicate keys, deep nesting) is refused here, so the
 * loaders above see a plain tree of maps, lists and text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config_internal.h"

typedef struct tree_ctx {
  yaml_parser_t parser;
  const char *buf; /* the input, to turn byte offsets into positions */
  size_t len;
  const char *file;
  mi_err *e;
} tree_ctx;

/* libyaml marks are 0-based; messages are 1-based. */
static int fail_at(tree_ctx *t, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(tree_ctx *t, yaml_mark_t m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mi_err_setv(t->e, MI_ECONFIG, fmt, ap);
  va_end(ap);
  if (t->e) {
    snprintf(t->e->file, sizeof t->e->file, "%s", t->file);
    t->e->line = (int)m.line + 1;
    t->e->column = (int)m.column + 1;
  }
  return MI_ECONFIG;
}

/* Reader errors (bad UTF-8, control characters) carry only a byte offset:
 * count lines and characters up to it so the message still has a position. */
static void offset_to_pos(const tree_ctx *t, size_t off, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < t->len; i++) {
    unsigned char ch = (unsigned char)t->buf[i];
    if (ch == '\n') {
      (*line)++;
      *col = 1;
    } else if ((ch & 0xC0) != 0x80) { /* count characters, not continuation bytes */
      (*col)++;
    }
  }
}

static int parser_error(tree_ctx *t) {
  yaml_parser_t *p = &t->parser;
  if (p->error == YAML_MEMORY_ERROR)
    return mi_err_set(t->e, MI_ENOMEM, "out of memory reading YAML");
  if (p->error == YAML_READER_ERROR) {
    int line, col;
    size_t off = p->problem_offset;
    if (strstr(p->problem, "UTF-8")) {
      /* libyaml points at the bad trailing byte; point at the character's
       * first byte instead, which is where an editor shows the problem. */
      while (off > 0 && off <= t->len && ((unsigned char)t->buf[off - 1] & 0xC0) == 0x80) off--;
      if (off > 0 && off <= t->len && (unsigned char)t->buf[off - 1] >= 0xC0) off--;
      offset_to_pos(t, off, &line, &col);
      unsigned byte = off < t->len ? (unsigned char)t->buf[off] : 0;
      return mi_err_setpos(t->e, MI_ECONFIG, t->file, line, col,
                           "the text is not valid UTF-8 (%s at byte 0x%02x): save the file "
                           "as UTF-8",
                           p->problem, byte);
    }
    offset_to_pos(t, off, &line, &col);
    return mi_err_setpos(t->e, MI_ECONFIG, t->file, line, col, "%s (character U+%04X): remove it",
                         p->problem, (unsigned)p->problem_value);
  }
  yaml_mark_t m = p->problem_mark;
  if (p->context)
    return mi_err_setpos(t->e, MI_ECONFIG, t->file, (int)m.line + 1, (int)m.column + 1,
                         "invalid YAML: %s %s (started at line %d): check indentation, "
                         "quotes and brackets",
                         p->problem, p->context, (int)p->context_mark.line + 1);
  return mi_err_setpos(t->e, MI_ECONFIG, t->file, (int)m.line + 1, (int)m.column + 1,
                       "invalid YAML: %s: check indentation, quotes and brackets", p->problem);
}

static int next(tree_ctx *t, yaml_event_t *ev) {
  if (!yaml_parser_parse(&t->parser, ev)) return parser_error(t);
  return 0;
}

void mi_ytree_free(mi_ynode *n) {
  if (!n) return;
  size_t count = n->kind == MI_YMAP ? 2 * n->n : n->n;
  for (size_t i = 0; i < count; i++) mi_ytree_free(n->items[i]);
  free(n->items);
  free(n->text);
  free(n);
}

static mi_ynode *new_node(tree_ctx *t, mi_ynode_kind kind, yaml_mark_t m) {
  mi_ynode *n = calloc(1, sizeof *n);
  if (!n) {
    mi_err_set(t->e, MI_ENOMEM, "out of memory reading YAML");
    return NULL;
  }
  n->kind = kind;
  n->line = (int)m.line + 1;
  n->column = (int)m.column + 1;
  return n;
}

/* Refuses what the config format does not allow on any node. */
static int check_props(tree_ctx *t, const yaml_event_t *ev, const yaml_char_t *anchor,
                       const yaml_char_t *tag) {
  if (anchor)
    return fail_at(t, ev->start_mark,
                   "anchors and aliases are not allowed (found '&%s'): write the value out "
                   "in full",
                   (const char *)anchor);
  if (tag)
    return fail_at(t, ev->start_mark,
                   "tags are not allowed (found '%s'): remove it; quote the value if it "
                   "should be text",
                   (const char *)tag);
  return 0;
}

static int build(tree_ctx *t, yaml_event_t *ev, int depth, mi_ynode **out);

static int cmp_keys(const void *a, const void *b) {
  const mi_ynode *x = *(mi_ynode *const *)a, *y = *(mi_ynode *const *)b;
  int c = strcmp(x->text, y->text);
  if (c) return c;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  return (x->column > y->column) - (x->column < y->column);
}

/* Sorting a copy keeps this O(n log n) even for hostile files with huge maps;
 * of all repeated keys the one repeated first in the file is reported. */
static int check_duplicates(tree_ctx *t, mi_ynode *map) {
  if (map->n < 2) return 0;
  mi_ynode **keys = malloc(map->n * sizeof *keys);
  if (!keys) return mi_err_set(t->e, MI_ENOMEM, "out of memory reading YAML");
  for (size_t i = 0; i < map->n; i++) keys[i] = map->items[2 * i];
  qsort(keys, map->n, sizeof *keys, cmp_keys);
  const mi_ynode *first = NULL, *dup = NULL;
  for (size_t i = 1; i < map->n; i++) {
    if (strcmp(keys[i - 1]->text, keys[i]->text)) continue;
    const mi_ynode *b = keys[i];
    if (!dup || b->line < dup->line || (b->line == dup->line && b->column < dup->column)) {
      dup = b;
      first = keys[i - 1];
    }
  }
  int rc = 0;
  if (dup)
    rc = mi_err_setpos(t->e, MI_ECONFIG, t->file, dup->line, dup->column,
                       "duplicate key '%s' (first at line %d): keep only one", dup->text,
                       first->line);
  free(keys);
  return rc;
}

static int grow(tree_ctx *t, mi_ynode *n, size_t need, size_t *cap) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap * 2 : 8;
  while (c < need) c *= 2;
  mi_ynode **items = realloc(n->items, c * sizeof *items);
  if (!items) return mi_err_set(t->e, MI_ENOMEM, "out of memory reading YAML");
  n->items = items;
  *cap = c;
  return 0;
}

/* Builds the children of a list or map until its end event. */
static int build_children(tree_ctx *t, mi_ynode *n, int depth) {
  size_t cap = 0;
  for (;;) {
    yaml_event_t ev;
    int rc = next(t, &ev);
    if (rc) return rc;
    if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete(&ev);
      break;
    }
    size_t used = n->kind == MI_YMAP ? 2 * n->n : n->n;
    bool is_key = n->kind == MI_YMAP;
    if (is_key && ev.type != YAML_SCALAR_EVENT && ev.type != YAML_ALIAS_EVENT) {
      rc = fail_at(t, ev.start_mark, "a key must be text, not %s: write 'name: value'",
                   ev.type == YAML_MAPPING_START_EVENT ? "a map" : "a list");
      yaml_event_delete(&ev);
      return rc;
    }
    mi_ynode *child = NULL;
    rc = build(t, &ev, depth, &child); /* consumes ev */
    if (!rc) rc = grow(t, n, used + 1, &cap);
    if (rc) {
      mi_ytree_free(child);
      return rc;
    }
    n->items[used] = child;
    if (!is_key) {
      n->n++;
      continue;
    }
    if (child->text[0] == '\0') {
      rc = mi_err_setpos(t->e, MI_ECONFIG, t->file, child->line, child->column,
                         "empty key: write 'name: value'");
      mi_ytree_free(child);
      n->items[used] = NULL;
      return rc;
    }
    /* The value of this key. */
    rc = next(t, &ev);
    mi_ynode *value = NULL;
    if (!rc) rc = build(t, &ev, depth, &value);
    if (!rc) rc = grow(t, n, used + 2, &cap);
    if (rc) {
      mi_ytree_free(value);
      mi_ytree_free(child);
      n->items[used] = NULL;
      return rc;
    }
    n->items[used + 1] = value;
    n->n++;
  }
  return n->kind == MI_YMAP ? check_duplicates(t, n) : 0;
}

/* Builds the node that starts with *ev (which it deletes) and its children. */
static int build(tree_ctx *t, yaml_event_t *ev, int depth, mi_ynode **out) {
  int rc = 0;
  mi_ynode *n = NULL;
  switch (ev->type) {
  case YAML_ALIAS_EVENT:
    rc = fail_at(t, ev->start_mark,
                 "anchors and aliases are not allowed (found '*%s'): write the value out in "
                 "full",
                 (const char *)ev->data.alias.anchor);
    break;
  case YAML_SCALAR_EVENT:
    rc = check_props(t, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
    if (rc) break;
    if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length)) {
      rc = fail_at(t, ev->start_mark, "text contains a NUL character: remove it");
      break;
    }
    n = new_node(t, MI_YSCALAR, ev->start_mark);
    if (!n) {
      rc = MI_ENOMEM;
      break;
    }
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    n->text = malloc(ev->data.scalar.length + 1);
    if (!n->text) {
      rc = mi_err_set(t->e, MI_ENOMEM, "out of memory reading YAML");
      break;
    }
    memcpy(n->text, ev->data.scalar.value, ev->data.scalar.length);
    n->text[ev->data.scalar.length] = '\0';
    break;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    bool map = ev->type == YAML_MAPPING_START_EVENT;
    rc = map ? check_props(t, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag)
             : check_props(t, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
    if (rc) break;
    if (depth >= MI_CONFIG_MAX_DEPTH) {
      rc = mi_err_setpos(
          t->e, MI_ECONFIG, t->file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
          "nested deeper than %d levels: flatten the structure", MI_CONFIG_MAX_DEPTH);
      break;
    }
    n = new_node(t, map ? MI_YMAP : MI_YLIST, ev->start_mark);
    if (!n) {
      rc = MI_ENOMEM;
      break;
    }
    yaml_event_delete(ev);
    rc = build_children(t, n, depth + 1);
    if (rc) {
      mi_ytree_free(n);
      return rc;
    }
    *out = n;
    return 0;
  }
  default: /* the parser never yields other events inside a document */
    rc = fail_at(t, ev->start_mark, "unexpected YAML event");
    break;
  }
  yaml_event_delete(ev);
  if (rc) {
    mi_ytree_free(n);
    return rc;
  }
  *out = n;
  return 0;
}

static int parse_stream(tree_ctx *t, mi_ynode **root) {
  yaml_event_t ev;
  int rc = next(t, &ev); /* STREAM-START */
  if (rc) return rc;
  yaml_event_delete(&ev);
  if ((rc = next(t, &ev))) return rc;
  if (ev.type == YAML_STREAM_END_EVENT) {
    yaml_event_delete(&ev);
    return mi_err_setpos(t->e, MI_ECONFIG, t->file, 1, 1,
                         "the file is empty: it needs at least version, database, calendars "
                         "and departments");
  }
  if (ev.data.document_start.tag_directives.start != ev.data.document_start.tag_directives.end) {
    rc = fail_at(t, ev.start_mark, "tags are not allowed (found a %%TAG directive): remove it");
    yaml_event_delete(&ev);
    return rc;
  }
  yaml_event_delete(&ev);
  if ((rc = next(t, &ev))) return rc;
  mi_ynode *n = NULL;
  if ((rc = build(t, &ev, 0, &n))) return rc;
  if ((rc = next(t, &ev))) goto fail; /* DOCUMENT-END */
  yaml_event_delete(&ev);
  if ((rc = next(t, &ev))) goto fail;
  if (ev.type != YAML_STREAM_END_EVENT) {
    rc = fail_at(t, ev.start_mark,
                 "a second document starts here: a config file holds one document; remove "
                 "the '---'");
    yaml_event_delete(&ev);
    goto fail;
  }
  yaml_event_delete(&ev);
  *root = n;
  return 0;
fail:
  mi_ytree_free(n);
  return rc;
}

int mi_ytree_parse(const char *buf, size_t len, const char *file, mi_ynode **root, mi_err *e) {
  tree_ctx t = {.buf = buf, .len = len, .file = file, .e = e};
  *root = NULL;
  if (!yaml_parser_initialize(&t.parser))
    return mi_err_set(e, MI_ENOMEM, "out of memory starting the YAML parser");
  /* Fixed UTF-8: no guessing UTF-16 from a BOM, and offsets stay byte offsets. */
  yaml_parser_set_encoding(&t.parser, YAML_UTF8_ENCODING);
  yaml_parser_set_input_string(&t.parser, (const unsigned char *)buf, len);
  int rc = parse_stream(&t, root);
  yaml_parser_delete(&t.parser);
  return rc;
}
