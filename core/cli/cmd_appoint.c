/* manyi appoint TICKET ...|list|cancel|done|skills: the terminal side of
 * service/appoint.c. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "service/appoint.h"
#include "util/timeutil.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] appoint TICKET --skill SKILL\n"
    "                 --duration DURATION [--after TIME] [--dry-run]\n"
    "       manyi appoint list [--staff STAFF] [--from TIME] [--to TIME]\n"
    "       manyi appoint cancel ID | done ID\n"
    "       manyi appoint skills [--staff STAFF]\n"
    "\n"
    "Books an on-site visit for a ticket: the earliest free slot of an active staff\n"
    "member with SKILL, within the calendar of that member's department. The whole\n"
    "visit lies inside one opening of the calendar (never across a break, closing\n"
    "time, weekend or holiday) and overlaps none of that member's booked visits; of\n"
    "equally early slots the smallest staff id wins. The database refuses any\n"
    "overlapping booking, so two manyi processes booking at once never collide.\n"
    "\n"
    "  --skill SKILL        a skill code (lowercase letters, digits, '_', '-');\n"
    "                       staff get skills from the skills column of `manyi import\n"
    "                       staff` (codes separated by ';'; \"\" clears them)\n"
    "  --duration D         whole minutes, 1m..24h: 90m, 2h, 1h30m\n"
    "  --after TIME         not before TIME (default and earliest: now); a time without\n"
    "                       offset is local to the ticket department's calendar\n"
    "  --dry-run            show the slot, book nothing\n"
    "\n"
    "  list                 appointments by start (times local to the staff member's\n"
    "                       calendar); --from/--to keep those overlapping the window\n"
    "                       (UTC unless the time has an offset)\n"
    "  cancel ID            cancel a booked visit (the customer is told)\n"
    "  done ID              record a booked visit as carried out\n"
    "  skills               staff and their skills\n"
    "\n"
    "Booking and cancelling write an 'appointment' event to the ticket's log and tell\n"
    "the customer through the outbox (notify: templates visit_booked and\n"
    "visit_cancelled, on a channel they consented to). A resolved or closed ticket\n"
    "gets no visit. Slots are searched up to 366 days ahead.\n";

static int cmd_book(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"skill", required_argument, NULL, 's'}, {"duration", required_argument, NULL, 'd'},
      {"after", required_argument, NULL, 'a'}, {"dry-run", no_argument, NULL, 'n'},
      {NULL, 0, NULL, 0}};
  mi_appoint_request r = {.actor = mi_cli_user(), .now = mi_cli_now()};
  const char *duration = NULL;
  int opt;
  optind = 0;
  while ((opt = getopt_long(argc, argv, "s:d:a:n", options, NULL)) != -1) {
    switch (opt) {
    case 's': r.skill = optarg; break;
    case 'd': duration = optarg; break;
    case 'a': r.after = optarg; break;
    case 'n': r.dry_run = 1; break;
    default: return mi_cli_usage_error("appoint", "unknown option");
    }
  }
  if (optind != argc - 1) return mi_cli_usage_error("appoint", "give one TICKET");
  r.ticket = argv[optind];
  if (!r.skill || !duration) return mi_cli_usage_error("appoint", "needs --skill and --duration");
  mi_err e = {0};
  if (mi_duration_parse(duration, &r.duration, &e))
    return mi_cli_usage_error("appoint", "--duration: %s", e.msg);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_appoint_booked b;
  if (mi_appoint_book(cli->store, cli->cfg, &r, &b, &e)) return mi_cli_fail(&e);
  if (cli->json) {
    json_t *o = json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "dry_run", r.dry_run,
                          "ticket", b.ticket, "staff", b.staff, "staff_name", b.staff_name,
                          "department", b.department, "calendar", b.calendar, "skill", r.skill,
                          "starts_at", b.starts_local, "ends_at", b.ends_local);
    json_object_set_new(o, "id", b.id ? json_integer(b.id) : json_null());
    mi_cli_print_json(o);
  } else if (r.dry_run) {
    printf(_("would book %s: %s %s (%s, calendar %s) %s .. %s\n"), b.ticket, b.staff,
           b.staff_name, b.department, b.calendar, b.starts_local, b.ends_local);
  } else {
    printf(_("appointment %lld booked for %s: %s %s (%s, calendar %s) %s .. %s\n"),
           (long long)b.id, b.ticket, b.staff, b.staff_name, b.department, b.calendar,
           b.starts_local, b.ends_local);
  }
  return 0;
}

static int print_appt(const mi_appointment_row *a, const char *from, const char *to, void *ud) {
  json_t *arr = ud;
  if (arr) {
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                                         (json_int_t)a->id, "status", a->status, "starts_at",
                                         from, "ends_at", to, "staff", a->staff, "skill",
                                         a->skill, "ticket", a->ticket, "customer", a->customer));
    return 0;
  }
  printf("%-6lld %-9s %s  %s  %-8s %-12s %-10s %s\n", (long long)a->id, a->status, from, to,
         a->staff, a->skill, a->ticket, a->customer);
  return 0;
}

static int cmd_list(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"staff", required_argument, NULL, 's'},
                                          {"from", required_argument, NULL, 'f'},
                                          {"to", required_argument, NULL, 't'},
                                          {NULL, 0, NULL, 0}};
  const char *staff = NULL;
  int64_t from = 0, to = 0;
  mi_err e = {0};
  int opt;
  while ((opt = getopt_long(argc, argv, "s:f:t:", options, NULL)) != -1) {
    if (opt == 's') staff = optarg;
    else if (opt == 'f' || opt == 't') {
      if (mi_instant_parse(optarg, opt == 'f' ? &from : &to, &e))
        return mi_cli_usage_error("appoint", "--%s: %s", opt == 'f' ? "from" : "to", e.msg);
    } else return mi_cli_usage_error("appoint", "list: unknown option");
  }
  if (optind < argc) return mi_cli_usage_error("appoint", "list: unexpected '%s'", argv[optind]);
  if (from && to && to <= from) return mi_cli_usage_error("appoint", "--to must be after --from");
  if (mi_cli_open_store(cli, 0)) return 1;
  json_t *arr = cli->json ? json_array() : NULL;
  if (mi_appoint_list(cli->store, cli->cfg, staff, from, to, print_appt, arr, &e)) {
    json_decref(arr);
    return mi_cli_fail(&e);
  }
  if (arr) mi_cli_print_json(arr);
  return 0;
}

/* cancel ID / done ID */
static int cmd_close(mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("appoint", "%s takes one appointment ID", argv[0]);
  char *end;
  long long id = strtoll(argv[1], &end, 10);
  if (!*argv[1] || *end || id <= 0)
    return mi_cli_usage_error("appoint", "'%s' is not an appointment ID (see `manyi appoint "
                              "list`)", argv[1]);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_appointment_row a;
  const char *status = strcmp(argv[0], "cancel") ? "done" : "cancelled";
  if (mi_appoint_close(cli->store, cli->cfg, id, status, mi_cli_user(), mi_cli_now(), &a, &e))
    return mi_cli_fail(&e);
  if (cli->json)
    mi_cli_print_json(json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a.id, "status", a.status,
                                "ticket", a.ticket));
  else
    printf(strcmp(a.status, "cancelled") ? _("appointment %lld done (%s, %s)\n")
                                         : _("appointment %lld cancelled (%s, %s)\n"),
           id, a.ticket, a.staff);
  return 0;
}

static int print_skill(const char *staff, const char *skill, int active, void *ud) {
  json_t *arr = ud;
  if (arr) json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "staff", staff, "skill", skill,
                                                "active", active));
  else printf("%-8s %-16s %s\n", staff, skill, active ? _("active") : _("inactive"));
  return 0;
}

static int cmd_skills(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"staff", required_argument, NULL, 's'},
                                          {NULL, 0, NULL, 0}};
  const char *staff = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, "s:", options, NULL)) != -1) {
    if (opt == 's') staff = optarg;
    else return mi_cli_usage_error("appoint", "skills: unknown option");
  }
  if (optind < argc) return mi_cli_usage_error("appoint", "skills: unexpected '%s'", argv[optind]);
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  json_t *arr = cli->json ? json_array() : NULL;
  if (mi_staff_skills_each(cli->store, staff, print_skill, arr, &e)) {
    json_decref(arr);
    return mi_cli_fail(&e);
  }
  if (arr) mi_cli_print_json(arr);
  return 0;
}

static const mi_cli_sub subs[] = {{"list", usage_all, cmd_list},
                                  {"cancel", usage_all, cmd_close},
                                  {"done", usage_all, cmd_close},
                                  {"skills", usage_all, cmd_skills},
                                  {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  /* A first word that is no subcommand (nor --help) is the ticket to book for. */
  int sub = argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help");
  for (const mi_cli_sub *s = subs; !sub && s->name; s++) sub = !strcmp(argv[1], s->name);
  if (!sub) {
    for (int i = 2; i < argc; i++)
      if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
        fputs(mi_tr(usage_all), stdout);
        return 0;
      }
    return cmd_book(cli, argc, argv);
  }
  return mi_cli_dispatch(cli, "appoint", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_appoint = {
    "appoint", "on-site visits: book the earliest free slot, list, cancel, done", usage_all, run,
    1, subs};
