/* manyi calendar NAME add|between|show: business-time arithmetic on one
 * calendar of the configuration, for administrators checking their hours,
 * holidays and time zone. The arithmetic is core/sched/calendar.c. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sched/calendar.h"
#include "util/i18n.h"
#include "util/timeutil.h"

#define DAY 86400
#define MAX_DAYS 366

#define USAGE                                                                                      \
  "Usage: manyi [--config FILE] [--json] calendar NAME add START DURATION\n"                       \
  "       manyi [--config FILE] [--json] calendar NAME between A B\n"                              \
  "       manyi [--config FILE] [--json] calendar NAME show [--from DATE] [--days N]\n"            \
  "\n"                                                                                             \
  "Business-time arithmetic on the calendar NAME of the configuration (its weekly\n"               \
  "hours, holidays, working days, .ics file and time zone).\n"                                     \
  "\n"                                                                                             \
  "  add START DURATION  the instant when DURATION of open time has passed after\n"                \
  "                      START (a START in closed time counts from the next opening;\n"            \
  "                      0m gives the next opening)\n"                                             \
  "  between A B         the open time from A to B (negative when B is before A)\n"                \
  "  show                the opening hours of each day, local and UTC\n"                           \
  "    --from DATE       the first day, YYYY-MM-DD (default: today in the calendar's zone)\n"      \
  "    --days N          how many days, 1 to 366 (default 7)\n"                                    \
  "\n"                                                                                             \
  "Times are YYYY-MM-DD[THH:MM[:SS]] in the calendar's local time, or an instant\n"                \
  "with Z or an offset (2026-11-20T09:30:00Z, 2026-11-20T17:30+08:00). A local time\n"             \
  "skipped by a daylight-saving change means the end of the gap; a repeated one its\n"             \
  "first occurrence. DURATION is business time in hours, minutes and seconds: 90m,\n"              \
  "2h, 1h30m, 45s (days are refused: a business day is not 24 h; write e.g. 9h).\n"                \
  "\n"                                                                                             \
  "Exit status: 0 done, 1 the configuration or calendar is wrong, 2 a usage error.\n"              \
  "Example: manyi calendar standard add 2026-11-20T17:30 90m\n"

/* "90m", "2h", "1h30m", "45s", "0m" -> seconds; days and weeks are refused. */
static int parse_business(const char *s, int64_t *out, const char **why) {
  int64_t total = 0;
  int parts = 0;
  *why = "write hours, minutes and seconds such as 90m, 2h, 1h30m";
  while (*s) {
    int64_t v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
      if (digits < 10) v = v * 10 + (*s - '0');
    if (digits == 0) return -1;
    if (digits > 9) {
      *why = "that is more than the calendar's range (1970 to 2199)";
      return -1;
    }
    switch (*s) {
    case 'h': v *= 3600; break;
    case 'm': v *= 60; break;
    case 's': break;
    case 'd':
    case 'w':
      *why = "days and weeks are ambiguous for business time: write hours (e.g. 9h)";
      return -1;
    default: return -1;
    }
    s++;
    total += v;
    parts++;
  }
  if (!parts) return -1;
  *out = total;
  return 0;
}

/* 5430 -> "1h30m30s", 0 -> "0m", negative with a '-'. */
static void format_duration(int64_t s, char *buf, size_t size) {
  const char *sign = s < 0 ? "-" : "";
  if (s < 0) s = -s;
  int64_t h = s / 3600, m = s / 60 % 60, sec = s % 60;
  int n = snprintf(buf, size, "%s", sign);
  if (h) n += snprintf(buf + n, size - (size_t)n, "%lldh", (long long)h);
  if (m || (!h && !sec)) n += snprintf(buf + n, size - (size_t)n, "%lldm", (long long)m);
  if (sec) snprintf(buf + n, size - (size_t)n, "%llds", (long long)sec);
}

/* "2026-11-20T17:30:00+08:00 Fri" (the weekday in the language chosen) */
static void format_local(const mi_sched_tz *tz, int64_t t, char buf[48]) {
  char l[32];
  mi_sched_tz_format(tz, t, l);
  int64_t day = mi_sched_floor_div(mi_sched_tz_local(tz, t), DAY);
  snprintf(buf, 48, "%s %s", l, mi_tr(mi_sched_weekday_name(mi_sched_weekday(day))));
}

static int parse_time(const mi_sched_calendar *cal, const char *what, const char *s, int64_t *t) {
  mi_err e = {0};
  if (mi_sched_tz_parse(mi_sched_calendar_tz(cal), s, t, &e))
    return mi_cli_usage_error("calendar", "%s: %s", what, e.msg);
  return 0;
}

static int run_add(mi_sched_calendar *cal, const mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("calendar", "add takes START and DURATION");
  int64_t start, secs;
  const char *why;
  if (parse_time(cal, "START", argv[0], &start)) return 2;
  if (parse_business(argv[1], &secs, &why))
    return mi_cli_usage_error("calendar", "DURATION: '%s' is not a duration: %s", argv[1], why);
  int64_t end;
  mi_err e = {0};
  if (mi_sched_add_business(cal, start, secs, &end, &e)) return mi_cli_fail(&e);
  const mi_sched_tz *tz = mi_sched_calendar_tz(cal);
  char a[48], b[48], bz[21], d[48], al[32], bl[32], az[21];
  format_local(tz, start, a);
  format_local(tz, end, b);
  mi_instant_format(end, bz);
  format_duration(secs, d, sizeof d);
  if (cli->json) {
    mi_sched_tz_format(tz, start, al);
    mi_sched_tz_format(tz, end, bl);
    mi_instant_format(start, az);
    mi_cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "calendar",
                                mi_sched_calendar_name(cal), "timezone", mi_sched_tz_name(tz),
                                "start", az, "start_local", al, "seconds", (json_int_t)secs, "end",
                                bz, "end_local", bl));
    return 0;
  }
  printf(_("%s (%s): %s of business time from %s\n"), mi_sched_calendar_name(cal),
         mi_sched_tz_name(tz), d, a);
  printf(_("ends %s (%s)\n"), b, bz);
  return 0;
}

static int run_between(mi_sched_calendar *cal, const mi_cli *cli, int argc, char **argv) {
  if (argc != 2) return mi_cli_usage_error("calendar", "between takes A and B");
  int64_t a, b, secs;
  if (parse_time(cal, "A", argv[0], &a) || parse_time(cal, "B", argv[1], &b)) return 2;
  mi_err e = {0};
  if (mi_sched_business_between(cal, a, b, &secs, &e)) return mi_cli_fail(&e);
  const mi_sched_tz *tz = mi_sched_calendar_tz(cal);
  char la[48], lb[48], d[48];
  format_local(tz, a, la);
  format_local(tz, b, lb);
  format_duration(secs, d, sizeof d);
  if (cli->json) {
    char az[21], bz[21];
    mi_instant_format(a, az);
    mi_instant_format(b, bz);
    mi_cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "calendar",
                                mi_sched_calendar_name(cal), "timezone", mi_sched_tz_name(tz),
                                "from", az, "to", bz, "seconds", (json_int_t)secs, "minutes",
                                (json_int_t)(secs / 60)));
    return 0;
  }
  printf(_("%s (%s): business time from %s to %s\n"), mi_sched_calendar_name(cal),
         mi_sched_tz_name(tz), la, lb);
  if (secs % 60)
    printf(_("%lld minutes %lld seconds (%s)\n"), (long long)(secs / 60),
           (long long)(secs < 0 ? -(secs % 60) : secs % 60), d);
  else
    printf(_("%lld minutes (%s)\n"), (long long)(secs / 60), d);
  return 0;
}

static const char *kind_name(mi_sched_day_kind k) {
  return k == MI_SCHED_DAY_HOLIDAY   ? _("holiday")
         : k == MI_SCHED_DAY_WORKING ? _("working day")
                                     : "";
}

/* "09:00" from minutes; 1440 is "24:00". */
static void hhmm(int minutes, char buf[8]) {
  snprintf(buf, 8, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
}

/* "01:00Z", with "(-1d)"/"(+1d)" when the UTC date is not the local day. */
static void utc_hhmm(int64_t t, int64_t local_day, char buf[24]) {
  int64_t d = mi_sched_floor_div(t, DAY), s = t - d * DAY;
  if (d == local_day)
    snprintf(buf, 24, "%02d:%02dZ", (int)(s / 3600), (int)(s / 60 % 60));
  else
    snprintf(buf, 24, "%02d:%02dZ(%+lldd)", (int)(s / 3600), (int)(s / 60 % 60),
             (long long)(d - local_day));
}

static json_t *day_json(const mi_sched_day *day) {
  char date[11], a[8], b[8], s[21], t[21], r[16];
  mi_date_format(day->day * DAY, date);
  json_t *hours = json_array(), *open = json_array();
  for (size_t i = 0; i < day->nranges; i++) {
    hhmm(day->ranges[i].start, a);
    hhmm(day->ranges[i].end, b);
    snprintf(r, sizeof r, "%s-%s", a, b);
    json_array_append_new(hours, json_string(r));
    if (day->open[i][1] <= day->open[i][0]) continue; /* inside a spring gap */
    mi_instant_format(day->open[i][0], s);
    mi_instant_format(day->open[i][1], t);
    json_array_append_new(open, json_pack("{s:s, s:s}", "start", s, "end", t));
  }
  const char *kind = day->kind == MI_SCHED_DAY_HOLIDAY   ? "holiday"
                     : day->kind == MI_SCHED_DAY_WORKING ? "working_day"
                     : day->nranges                      ? "regular"
                                                         : "closed";
  return json_pack("{s:s, s:s, s:s, s:o, s:o, s:I}", "date", date, "weekday",
                   mi_sched_weekday_name(day->weekday), "kind", kind, "hours", hours, "open", open,
                   "open_seconds", (json_int_t)day->open_seconds);
}

static void day_text(const mi_sched_day *day) {
  char date[11], a[8], b[8], u[24], v[24], d[48], local[MI_SCHED_MAX_RANGES * 12 + 1];
  mi_date_format(day->day * DAY, date);
  printf("%s %s %s", date, mi_tr(mi_sched_weekday_name(day->weekday)),
         mi_cli_cell(kind_name(day->kind), -11));
  if (day->nranges == 0) {
    printf(_(" closed\n"));
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < day->nranges; i++) {
    hhmm(day->ranges[i].start, a);
    hhmm(day->ranges[i].end, b);
    n += (size_t)snprintf(local + n, sizeof local - n, " %s-%s", a, b);
  }
  format_duration(day->open_seconds, d, sizeof d);
  printf("%-24s = %-6s (UTC", local, d);
  for (size_t i = 0; i < day->nranges; i++) {
    if (day->open[i][1] <= day->open[i][0]) {
      printf(_(" none"));
      continue;
    }
    utc_hhmm(day->open[i][0], day->day, u);
    utc_hhmm(day->open[i][1], day->day, v);
    printf(" %s-%s", u, v);
  }
  printf(")\n");
}

static int run_show(mi_sched_calendar *cal, const mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"from", required_argument, NULL, 'f'},
                                          {"days", required_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  const mi_sched_tz *tz = mi_sched_calendar_tz(cal);
  int64_t first = mi_sched_floor_div(mi_sched_tz_local(tz, mi_cli_now()), DAY);
  long days = 7;
  int opt;
  optind = 0;
  /* argv[0] is "show": getopt starts after it. */
  while ((opt = getopt_long(argc, argv, "f:n:", options, NULL)) != -1) {
    switch (opt) {
    case 'f': {
      int y, m, d;
      mi_err e = {0};
      if (mi_date_parse(optarg, &y, &m, &d, &e))
        return mi_cli_usage_error("calendar", "--from: %s", e.msg);
      first = mi_days_from_civil(y, m, d);
      break;
    }
    case 'n': {
      char *end;
      days = strtol(optarg, &end, 10);
      if (*optarg < '0' || *optarg > '9' || *end || days < 1 || days > MAX_DAYS)
        return mi_cli_usage_error("calendar", "--days: '%s' is not a whole number from 1 to %d",
                                  optarg, MAX_DAYS);
      break;
    }
    default: return mi_cli_usage_error("calendar", "show: unknown option");
    }
  }
  if (optind != argc)
    return mi_cli_usage_error("calendar", "show takes no arguments besides --from and --days");
  json_t *list = cli->json ? json_array() : NULL;
  if (!cli->json)
    printf(_("%s (%s): opening hours, local and UTC\n"), mi_sched_calendar_name(cal),
           mi_sched_tz_name(tz));
  for (long i = 0; i < days; i++) {
    mi_sched_day day;
    mi_err e = {0};
    if (mi_sched_calendar_day(cal, first + i, &day, &e)) {
      json_decref(list);
      return mi_cli_fail(&e);
    }
    if (list)
      json_array_append_new(list, day_json(&day));
    else
      day_text(&day);
  }
  if (list)
    mi_cli_print_json(json_pack("{s:s, s:s, s:o}", "calendar", mi_sched_calendar_name(cal),
                                "timezone", mi_sched_tz_name(tz), "days", list));
  return 0;
}

static int run(mi_cli *cli, int argc, char **argv) {
  if (argc < 3)
    return mi_cli_usage_error("calendar", "give a calendar NAME and add, between or show");
  const char *name = argv[1], *verb = argv[2];
  int (*fn)(mi_sched_calendar *, const mi_cli *, int, char **) = !strcmp(verb, "add") ? run_add
                                                                 : !strcmp(verb, "between")
                                                                     ? run_between
                                                                 : !strcmp(verb, "show") ? run_show
                                                                                         : NULL;
  if (!fn)
    return mi_cli_usage_error("calendar", "unknown subcommand '%s': use add, between or show",
                              verb);
  if (mi_cli_load_config(cli)) return 1;
  const mi_config_calendar *cc = mi_config_find_calendar(cli->cfg, name);
  if (!cc) {
    char list[512] = "";
    for (size_t i = 0; i < cli->cfg->ncalendars; i++)
      if (strlen(list) + strlen(cli->cfg->calendars[i].name) + 2 < sizeof list)
        strcat(strcat(list, *list ? " " : ""), cli->cfg->calendars[i].name);
    mi_err e = {0};
    mi_err_set(&e, MI_ENOTFOUND, "%s has no calendar '%s'; it has: %s", cli->config_path, name,
               list);
    return mi_cli_fail(&e);
  }
  mi_sched_calendar *cal;
  mi_err e = {0};
  if (mi_sched_calendar_new(cc, &cal, &e)) return mi_cli_fail(&e);
  /* add/between get their operands; show gets "show" and its options. */
  int status = fn == run_show ? fn(cal, cli, argc - 2, argv + 2) : fn(cal, cli, argc - 3, argv + 3);
  mi_sched_calendar_free(cal);
  return status;
}

const mi_cli_command mi_cmd_calendar = {
    "calendar", "business-time arithmetic on a calendar: add, between, show", USAGE, run, 0, NULL};
