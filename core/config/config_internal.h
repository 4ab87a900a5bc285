/* Private to core/config: the YAML node tree, typed readers over it, and the
 * section loaders. Nothing here includes <yaml.h>: only yaml_tree.c does. */
#ifndef MI_CONFIG_INTERNAL_H
#define MI_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

/* ---- yaml_tree.c: libyaml events -> node tree with 1-based positions ---- */

typedef enum mi_ynode_kind { MI_YSCALAR, MI_YLIST, MI_YMAP } mi_ynode_kind;

typedef struct mi_ynode {
  mi_ynode_kind kind;
  int line, column;        /* 1-based */
  char *text;              /* SCALAR: the text (never holds a NUL byte) */
  bool plain;              /* SCALAR: unquoted and not a block scalar */
  size_t n;                /* LIST: items; MAP: key/value pairs */
  struct mi_ynode **items; /* LIST: n items; MAP: 2n nodes key, value, key, ... */
} mi_ynode;

/* Parses one YAML document into *root (caller frees with mi_ytree_free).
 * Refuses empty input, several documents, anchors, aliases, tags, non-text
 * keys, duplicate keys and nesting deeper than MI_CONFIG_MAX_DEPTH. */
int mi_ytree_parse(const char *buf, size_t len, const char *file, mi_ynode **root, mi_err *e);
void mi_ytree_free(mi_ynode *n);

/* ---- scalar.c: what a plain (unquoted) scalar means ---- */

typedef enum mi_plain_class {
  MI_PLAIN_TEXT,           /* ordinary text */
  MI_PLAIN_NULL,           /* empty, ~, null, Null, NULL */
  MI_PLAIN_BOOL,           /* true, false */
  MI_PLAIN_AMBIGUOUS_BOOL, /* yes/no/on/off/True/FALSE...: a boolean to YAML 1.1 tools */
  MI_PLAIN_INT,            /* -?(0|[1-9][0-9]*) */
  MI_PLAIN_FLOAT,          /* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)? with . or e */
  MI_PLAIN_ODD_NUMBER      /* a number to other tools: 010, 1_000, 0x10, +5, .5, .inf */
} mi_plain_class;

mi_plain_class mi_plain_classify(const char *s);

/* ---- units.c: sizes, millisecond durations, opening hours ---- */

/* "16MiB", "512KiB", "1GiB" or "1048576" (bytes) -> bytes > 0. */
int mi_cfg_parse_size(const char *s, int64_t *bytes);
/* "250ms", or a duration mi_duration_parse reads ("2s", "1m") -> ms > 0. */
int mi_cfg_parse_ms(const char *s, int64_t *ms);
/* "HH:MM-HH:MM" (times 00:00..24:00) -> minutes; the caller checks start < end. */
int mi_cfg_parse_hours(const char *s, int *start, int *end);

/* ---- names.c: forms of codes, time zones, user names ---- */

bool mi_cfg_is_code(const char *s);     /* [A-Za-z][A-Za-z0-9_-]{0,63} */
bool mi_cfg_is_tz(const char *s);       /* UTC, Asia/Shanghai, Etc/GMT+8 */
bool mi_cfg_is_username(const char *s); /* [A-Za-z_][A-Za-z0-9._-]{0,31} */


/* ---- cfg_read.c: typed readers over the tree; each fails with a position ---- */

typedef struct mi_cfg_ctx {
  const char *file; /* for messages */
  const char *dir;  /* base of relative paths */
  mi_config *cfg;   /* being filled */
  mi_err *e;
} mi_cfg_ctx;

int mi_cfg_fail(const mi_cfg_ctx *c, const mi_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "a map", "a list", "text", "null", ... for "expected X, got Y". */
const char *mi_cfg_describe(const mi_ynode *n);

int mi_cfg_want_map(const mi_cfg_ctx *c, const mi_ynode *n, const char *what);
int mi_cfg_want_list(const mi_cfg_ctx *c, const mi_ynode *n, const char *what);
/* Every key of map must be in known; every name in required must be present.
 * where names the map in messages ("department", "the top level"). */
int mi_cfg_check_keys(const mi_cfg_ctx *c, const mi_ynode *map, const char *const *known,
                      const char *const *required, const char *where);
/* The value under key, or NULL. */
const mi_ynode *mi_cfg_get(const mi_ynode *map, const char *key);

int mi_cfg_text(const mi_cfg_ctx *c, const mi_ynode *n, char **out); /* non-empty */
int mi_cfg_code(const mi_cfg_ctx *c, const mi_ynode *n, char **out); /* mi_cfg_is_code */
/* A display name (a department's, a tier's): non-empty text of at most
 * MI_CFG_NAME_MAX characters, as the database keeps them. */
#define MI_CFG_NAME_MAX 200
int mi_cfg_name(const mi_cfg_ctx *c, const mi_ynode *n, char **out);
int mi_cfg_int(const mi_cfg_ctx *c, const mi_ynode *n, int64_t min, int64_t max, int64_t *out);
int mi_cfg_number(const mi_cfg_ctx *c, const mi_ynode *n, double min, double *out);
int mi_cfg_bool(const mi_cfg_ctx *c, const mi_ynode *n, bool *out);
/* One of words (NULL-terminated); *out is its index. */
int mi_cfg_word(const mi_cfg_ctx *c, const mi_ynode *n, const char *const *words, const char *what,
                int *out);
int mi_cfg_duration(const mi_cfg_ctx *c, const mi_ynode *n, int64_t *seconds);
/* A list of one to three of the channels a customer consents to (email, sms,
 * phone), each once, in order into out[3]; *n counts what was stored. */
int mi_cfg_consent_channels(const mi_cfg_ctx *c, const mi_ynode *n, char **out, size_t *count);
/* An SLA target (mi_config_parse_sla_time); whether it fits the rule's calendar
 * is load_sla.c's to check. */
int mi_cfg_sla_time(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_sla_time *t);
int mi_cfg_date(const mi_cfg_ctx *c, const mi_ynode *n, int64_t *days);
/* A path resolved against the config folder; must_exist: a regular file. */
int mi_cfg_path(const mi_cfg_ctx *c, const mi_ynode *n, bool must_exist, char **out);
/* A key of a map given by the user (calendar name, dimension): code form. */
int mi_cfg_key_code(const mi_cfg_ctx *c, const mi_ynode *key, const char *what, char **out);
/* Fails on the first repeated text among nodes (the codes of one list). */
int mi_cfg_unique(const mi_cfg_ctx *c, const mi_ynode *const *nodes, size_t count,
                  const char *what);

/* calloc that fails with MI_ENOMEM into c->e. */
void *mi_cfg_alloc(const mi_cfg_ctx *c, size_t count, size_t size);
char *mi_cfg_strdup(const mi_cfg_ctx *c, const char *s);

/* ---- cfg_lists.c: coded lists and references ---- */

/* Fills *index with the entry of base[count] (structs of size stride whose
 * first member is the char * name) named by n; else fails naming the nearest. */
int mi_cfg_ref(const mi_cfg_ctx *c, const mi_ynode *n, const char *what, const void *base,
               size_t count, size_t stride, size_t *index);

/* A list of maps with a unique "code": allocates *out (count entries of
 * size), checks each map's keys, calls item() to fill each entry. *count
 * follows the entries started, so mi_config_free works after a failure. */
typedef int (*mi_cfg_item_fn)(const mi_cfg_ctx *c, const mi_ynode *map, void *entry);
int mi_cfg_coded_list(const mi_cfg_ctx *c, const mi_ynode *n, const char *what,
                      const char *const *keys, const char *const *required, void **out,
                      size_t *count, size_t size, mi_cfg_item_fn item);

/* ---- config_value.c: a node as a generic mi_config_value ---- */

int mi_cfg_value(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_value *out);
void mi_cfg_value_clear(mi_config_value *v);

/* ---- section loaders (load_*.c); n is the section's value node ---- */

int mi_cfg_load_limits(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_calendars(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_departments(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_tiers(const mi_cfg_ctx *c, const mi_ynode *n);
/* ticket_kinds, categories, channels (load_lists.c): given the top level,
 * since a missing section means the built-in list. */
int mi_cfg_load_lists(const mi_cfg_ctx *c, const mi_ynode *root);
/* A code of one of those lists at n; *out points into the list. Unknown:
 * an error at n listing the known codes. */
int mi_cfg_label_ref(const mi_cfg_ctx *c, const mi_ynode *n, mi_config_list list,
                     const char **out);
int mi_cfg_load_display_names(const mi_cfg_ctx *c, const mi_ynode *n); /* load_display.c */
int mi_cfg_load_notify(const mi_cfg_ctx *c, const mi_ynode *n);        /* load_notify.c */
int mi_cfg_load_users(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_policies(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_sla(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_surveys(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_evaluation(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_schedule(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_workflows(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_followup(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_care(const mi_cfg_ctx *c, const mi_ynode *n);
int mi_cfg_load_serve(const mi_cfg_ctx *c, const mi_ynode *n); /* load_serve.c */

#endif
