/* manyi policy SUBCOMMAND: work on the policy files. `test [PATH]` runs the
 * YAML test cases next to the policies (the runner is service/policy_test.c)
 * and prints one line per case and a summary; `hooks [--lua]` prints the
 * registry of hooks (config/hooks.c) as the README's table or as the Hooks
 * section of schemas/manyi.d.lua (tests/e2e/hooks.sh keeps both equal). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/hooks.h"
#include "policy/hook_test.h"
#include "service/policy_test.h"
#include "util/i18n.h"

/* The help of `policy test`; the hooks it runs, their inputs and the keys
 * of expect: follow, printed from the registry and the hooks' code. */
#define H_TEST                                                                                \
  "Usage: manyi [--config FILE] [--quiet] policy test [PATH]\n"                              \
  "\n"                                                                                        \
  "Runs the test cases of the policies: PATH is a test file (.yaml) or a folder\n"           \
  "of them (default: the 'tests' folder beside the configured policy files, e.g.\n"          \
  "policies/tests). A test file is a list of cases:\n"                                       \
  "\n"                                                                                        \
  "  - name: big spender is A\n"                                                              \
  "    hook: tier                    # one of the hooks below\n"                              \
  "    customer: {orders_total: 60, orders_12m: 30, spend_12m: 150000,\n"                     \
  "               refunded_orders: 0, cancelled_orders: 0}\n"                                 \
  "    params: {a_min_spend: 120000} # optional: override configured params\n"               \
  "    expect: {tier: A, reason_contains: \">= 120000\"}\n"                                   \
  "    # or expect_error: \"part of the error message\"\n"                                   \
  "\n"                                                                                        \
  "Inputs are the hook's arguments as maps of view fields (`manyi policy hooks`\n"           \
  "lists every view's fields; a date is \"YYYY-MM-DD\"; an input marked ? may be\n"          \
  "left out: nil). Policies run with the configured params and limits, through\n"           \
  "the same checks as in the engine. Where a hook may return nil, its first\n"                \
  "expect key set to false (e.g. escalate: false) expects nil.\n"                           \
  "Reasons are compared in the policies' own words: manyi.tr does not translate\n"         \
  "during a test, whatever the language.\n"                                                  \
  "\n"                                                                                        \
  "Prints 'ok' or 'FAIL' with what was expected and what came back for each\n"               \
  "case (--quiet: failures only), then 'N passed, M failed'. Exit status 0 when\n"          \
  "every case passed, 1 otherwise, 2 for a usage error.\n"                                   \
  "\n"                                                                                        \
  "Hooks: inputs; expect keys\n"

static void test_hooks_help(void) {
  for (size_t i = 0; i < mi_nhooks; i++) {
    const mi_hook *h = &mi_hooks[i];
    const mi_policy_hook *code = mi_policy_hook_find(h->name);
    if (!code || !code->expect) continue;
    printf("  %s: ", h->name);
    for (int k = 0; k < h->nargs; k++)
      printf("%s%s%s", k ? ", " : "", h->args[k]->name, h->args[k]->nullable ? "?" : "");
    fputs(";", stdout);
    for (size_t k = 0; code->expect[k]; k++) printf("%s%s", k ? ", " : " ", code->expect[k]);
    puts("");
  }
}

#define H_HOOKS                                                                               \
  "Usage: manyi policy hooks [--lua]\n"                                                        \
  "\n"                                                                                        \
  "Prints the hooks a policy file may return, as the README's Markdown table:\n"              \
  "name, policy, the views each sees, what it returns and where it runs; then\n"              \
  "the fields of every view. --lua: the Hooks section of schemas/manyi.d.lua\n"               \
  "instead (annotations for editors).\n"

static const char usage_all[] =
    "Usage: manyi [--config FILE] policy SUBCOMMAND [ARGS]\n"
    "\n"
    "Subcommands:\n"
    "  test [PATH]  run the YAML test cases of the policies\n"
    "  hooks [--lua]\n"
    "               the hooks a policy file may return: name, policy, the views\n"
    "               each sees, what it returns, where it runs (Markdown); --lua:\n"
    "               the Hooks section of schemas/manyi.d.lua\n"
    "\n"
    "'manyi policy SUBCOMMAND --help' for one of them.\n";

/* The path below the current folder when it is there: shorter lines. */
static const char *shown(const char *path) {
  static char cwd[4096];
  if (path[0] != '/' || (!cwd[0] && !getcwd(cwd, sizeof cwd))) return path;
  size_t n = strlen(cwd);
  return !strncmp(path, cwd, n) && path[n] == '/' ? path + n + 1 : path;
}

static void print_case(const mi_policy_case_result *r, void *ud) {
  const mi_cli *cli = ud;
  if (r->passed) {
    if (!cli->quiet) printf("ok    %s: %s\n", shown(r->file), r->name);
    return;
  }
  if (!strcmp(r->name, "-")) printf("FAIL  %s\n", r->detail); /* the file itself */
  else printf("FAIL  %s:%d: %s: %s\n", shown(r->file), r->line, r->name, r->detail);
}

/* argv[0] is "test"; mi_cli_dispatch answered --help. */
static int run_test(mi_cli *cli, int argc, char **argv) {
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (!strcmp(arg, "--")) {
      if (++i >= argc) break;
      arg = argv[i];
    } else if (arg[0] == '-' && arg[1]) {
      return mi_cli_usage_error("policy", "test: unknown option '%s'", arg);
    }
    if (path) return mi_cli_usage_error("policy", "test: give one PATH, got '%s' and '%s'", path, arg);
    path = arg;
  }
  if (mi_cli_load_config(cli)) return 1;
  mi_err e = {0};
  char def[4096];
  if (!path) {
    if (mi_policy_test_default_path(cli->cfg, def, sizeof def, &e)) return mi_cli_fail(&e);
    path = def;
  }
  mi_policy_translate(0); /* expected reasons are the policies' own words */
  mi_policy_test_summary sum;
  if (mi_policy_test_run(cli->cfg, path, print_case, cli, &sum, &e)) return mi_cli_fail(&e);
  printf(_("%d passed, %d failed\n"), sum.passed, sum.failed);
  return sum.failed ? 1 : 0;
}

/* ---- manyi policy hooks: the registry, printed ------------------------------ */

static void args_text(const mi_hook *h, int lua, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 0; i < h->nargs && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, lua ? "%s: %s%s, " : "%s%s%s, ", h->args[i]->name,
                          lua ? h->args[i]->luals : "", h->args[i]->nullable ? "?" : "");
  if (n < size) snprintf(buf + n, size - n, lua ? "params: table" : "params");
}

static void print_markdown(void) {
  puts("| hook | policy | sees | returns | runs in | decides |");
  puts("| --- | --- | --- | --- | --- | --- |");
  for (size_t i = 0; i < mi_nhooks; i++) {
    const mi_hook *h = &mi_hooks[i];
    char args[256];
    args_text(h, 0, args, sizeof args);
    char ret[128];
    size_t n = 0; /* a | would end the cell */
    for (const char *c = h->returns; *c && n + 3 < sizeof ret; c++) {
      if (*c == '|') ret[n++] = '\\';
      ret[n++] = *c;
    }
    ret[n] = '\0';
    printf("| `%s` | `%s`%s | %s | `%s` | %s | %s |\n", h->name, h->policy,
           h->required ? "" : " (optional)", args, ret, h->runs, h->doc);
  }
}

/* Each view once (by its class), with its fields: the second table. */
static void print_views(void) {
  const mi_hook_view *seen[64];
  size_t nseen = 0;
  puts("");
  puts("| view | fields |");
  puts("| --- | --- |");
  for (size_t i = 0; i < mi_nhooks; i++)
    for (int k = 0; k < mi_hooks[i].nargs; k++) {
      const mi_hook_view *v = mi_hooks[i].args[k];
      for (int pass = 0; v && pass < 2; pass++, v = v->item) {
        size_t j = 0;
        while (j < nseen && seen[j] != v) j++;
        if (j < nseen || nseen == 64) continue;
        seen[nseen++] = v;
        printf("| `%s` | ", v->luals);
        if (!v->fields) fputs("a day given as YYYY-MM-DD (date, year, month, day, weekday, ...)", stdout);
        for (size_t f = 0; v->fields && v->fields[f].name; f++)
          printf("%s%s", f ? ", " : "", v->fields[f].name);
        puts(" |");
      }
    }
}

static void print_lua(void) {
  puts("---@class manyi.Hooks");
  for (size_t i = 0; i < mi_nhooks; i++) {
    char args[256];
    args_text(&mi_hooks[i], 1, args, sizeof args);
    printf("---@field %s? fun(%s): %s\n", mi_hooks[i].name, args, mi_hooks[i].returns);
  }
  for (size_t i = 0; i < mi_nhooks; i++) {
    const mi_hook *h = &mi_hooks[i];
    printf("\n---%s: %s (policy `%s`, %s).\n", h->name, h->doc, h->policy, h->runs);
    for (int k = 0; k < h->nargs; k++)
      printf("---@param %s %s%s\n", h->args[k]->name, h->args[k]->luals, h->args[k]->nullable ? "?" : "");
    printf("---@param params %s\n---@return %s\nfunction %s(", h->params, h->returns, h->name);
    for (int k = 0; k < h->nargs; k++) printf("%s, ", h->args[k]->name);
    puts("params) end");
  }
}

static int run_hooks(mi_cli *cli, int argc, char **argv) {
  (void)cli;
  int lua = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--lua")) lua = 1;
    else return mi_cli_usage_error("policy", "hooks takes only --lua, not '%s'", argv[i]);
  }
  if (lua) {
    print_lua();
  } else {
    print_markdown();
    print_views();
  }
  return 0;
}

static const mi_cli_sub subs[] = {{"test", H_TEST, run_test}, {"hooks", H_HOOKS, run_hooks},
                                  {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  /* test's help goes on with the hooks' inputs and keys, made from the code */
  if (argc >= 2 && !strcmp(argv[1], "test") && mi_cli_help_requested(argc - 1, argv + 1)) {
    fputs(mi_tr(H_TEST), stdout);
    test_hooks_help();
    return 0;
  }
  return mi_cli_dispatch(cli, "policy", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_policy = {
    "policy", "test the policies (policy test [PATH]); list their hooks (policy hooks)",
    usage_all, run, 1, subs};
