/* manyi: global options, then one subcommand from the table below. */
#define _GNU_SOURCE /* secure_getenv */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/i18n.h"

#ifndef MANYI_VERSION
#define MANYI_VERSION "dev"
#endif

/* SIGTERM (or Ctrl-C outside the REPL) stops any command at once: the
 * transaction in hand is not committed (SQLite rolls it back), the OS
 * releases the write lock, and what earlier transactions committed carries
 * its audit entry (each commits with one). The process then dies of the
 * signal, so the exit status is 143 (130 for Ctrl-C), as README says. A
 * policy call cannot delay this: the handler runs on its own. `manyi run`
 * and the REPL install handlers of their own. */
static void on_stop(int sig) {
  static const char msg[] =
      "manyi: stopped by a signal: the transaction in hand was not committed (what earlier "
      "ones committed stays); run the command again to finish\n";
  ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)w;
  signal(sig, SIG_DFL);
  raise(sig);
}

static void usage(FILE *out) { mi_cli_print_usage(out); }

int main(int argc, char **argv) {
  mi_cli cli = {0};
  /* secure_getenv: a set-user-id manyi takes no configuration from its caller's environment. */
  const char *env_config = secure_getenv("MANYI_CONFIG");
  cli.config_path = env_config && *env_config ? env_config : "manyi.yaml";
  static const struct option options[] = {
      {"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
      {"json", no_argument, NULL, 'j'},         {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
      {"lang", required_argument, NULL, 'L'},   {"man", no_argument, NULL, 'M'},
      {"completion", required_argument, NULL, 'C'}, {"pot", no_argument, NULL, 'P'},
      {NULL, 0, NULL, 0}};
  int opt, help = 0;
  /* '+': stop at the command name; its own options are parsed by the command. */
  while ((opt = getopt_long(argc, argv, "+c:d:jqhVL:", options, NULL)) != -1) {
    switch (opt) {
    case 'c': cli.config_path = optarg; break;
    case 'd': cli.db_path = optarg; break;
    case 'j': cli.json = 1; mi_cli_set_json_errors(1); break;
    case 'L':
      if (strcmp(optarg, "zh_CN") && strcmp(optarg, "en")) {
        fprintf(stderr, _("manyi: --lang '%s': use zh_CN or en\nTry 'manyi --help'.\n"), optarg);
        return 2;
      }
      cli.lang = optarg;
      break;
    case 'M': mi_cli_print_man(stdout); return 0;
    case 'P': mi_cli_print_pot(stdout); return 0;
    case 'C':
      if (strcmp(optarg, "bash")) {
        fprintf(stderr, _("manyi: --completion '%s': only bash is generated\n"), optarg);
        return 2;
      }
      mi_cli_print_completion(stdout);
      return 0;
    case 'q': cli.quiet = 1; break;
    case 'h': help = 1; break;
    case 'V': printf("manyi %s\n", MANYI_VERSION); return 0;
    default: fputs(_("Try 'manyi --help'.\n"), stderr); return 2;
    }
  }
  /* Messages in --lang's language, else the locale's (the configuration's,
   * once it is loaded, in mi_cli_load_config). */
  mi_i18n_set(cli.lang ? cli.lang : mi_i18n_from_locale());
  if (help) {
    usage(stdout);
    return 0;
  }
  if (optind >= argc) {
    usage(stderr);
    return 2;
  }
  struct sigaction sa = {0};
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  int status = mi_cli_command_run(&cli, argc - optind, argv + optind);
  mi_config_free(cli.cfg);
  return status;
}
