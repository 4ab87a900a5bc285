/* The one registry of policy hooks: each hook's name, the policy (the key
 * under policies: in manyi.yaml) whose file must return it, the views it
 * sees with their fields, what it returns and a line of documentation.
 * The policy loader (which hooks a file may return, which it must), the
 * configuration (which policies: keys exist), `manyi policy test` (the
 * views a case gives), `manyi policy hooks` (the README's table and the
 * Hooks section of schemas/manyi.d.lua, checked by tests/e2e/hooks.sh)
 * all read this table. Adding a hook: a row here and its
 * core/policy/hook_<name>.c, whose mi_policy_hook_<name> (policy/hook_test.h)
 * the build lists and the policy layer finds by this row's name; this table
 * stays data here because the configuration (below policy) reads it. */
#ifndef MI_CONFIG_HOOKS_H
#define MI_CONFIG_HOOKS_H

#include <stddef.h>

/* A field of a view: its name and type: 's' text, 'i' integer, 'n' number,
 * 'b' boolean, 'l' list of records (of the view's `item`), 'r' a record
 * whose fields vary (the alert view's answers: one per question). */
typedef struct mi_hook_field {
  const char *name;
  char type;
} mi_hook_field;

typedef struct mi_hook_view {
  const char *name;   /* "ticket": the argument's name, and the key of a policy test case */
  const char *luals;  /* "manyi.Ticket": its class in schemas/manyi.d.lua */
  const mi_hook_field *fields; /* NULL-terminated; NULL: a date given as YYYY-MM-DD */
  const struct mi_hook_view *item; /* the records of its 'l' field */
  int nullable;       /* the hook may get nil instead (alert's ticket) */
} mi_hook_view;

enum { MI_HOOK_MAX_ARGS = 3 };

typedef struct mi_hook {
  const char *name;    /* "escalate": the key in the table a policy file returns */
  const char *policy;  /* "escalation": the policies: key whose file must return it */
  int required;        /* 1: a file configured as `policy` must return this hook */
  const mi_hook_view *args[MI_HOOK_MAX_ARGS]; /* the views before params */
  int nargs;
  const char *params;  /* the LuaLS class of the default policy's params */
  const char *returns; /* LuaLS type of what it returns */
  const char *runs;    /* where the engine calls it: "manyi eval tiers" */
  const char *doc;     /* one line: what it decides */
} mi_hook;

extern const mi_hook mi_hooks[];
extern const size_t mi_nhooks;

/* The hook with this name, or NULL. */
const mi_hook *mi_hook_find(const char *name);
/* The hooks' names into out[0..max-1], NULL after the last (max > mi_nhooks). */
void mi_hook_names(const char **out, size_t max);
/* The distinct policies (the keys of policies:), in the table's order, into
 * out[0..max-1], NULL after the last. */
void mi_hook_policies(const char **out, size_t max);
/* "tier, points, route, ..." into buf. */
void mi_hook_name_list(char *buf, size_t size);

#endif
