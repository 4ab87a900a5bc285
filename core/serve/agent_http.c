/* /agent: the agent's page, read-only. An agent signs in with the token of
 * an API client (manyi serve client add NAME --role agent --department D),
 * kept in a cookie for the session (HttpOnly, SameSite=Strict, Path=/agent),
 * types the caller's phone number and sees the customers it finds, each with
 * their record and history: `customer find --phone`, `customer show` and
 * `customer history` run as that client, so the page shows what the role and
 * department may see (masked for an analyst, refused outside an agent's
 * department) and every look-up is audited as the command is. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/form.h"
#include "serve/page.h"
#include "serve/serve_internal.h"
#include "service/api_clients.h"

enum { SHOWN = 3, HISTORY = 30 };

/* The token in the request's manyi_agent cookie, into out ("" when none). */
static void cookie_token(struct MHD_Connection *conn, char out[MI_TOKEN_LEN + 1]) {
  const char *v = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "manyi_agent");
  snprintf(out, MI_TOKEN_LEN + 1, "%s", v && mi_token_form(v) ? v : "");
}

/* The command's --json output (NULL when it failed: *why says why). */
static json_t *run(const mi_serve_options *o, const mi_actor *as, char **argv, int argc, char *why,
                   size_t size) {
  char *out, *err;
  int status = mi_serve_run_as(o, as, argc, argv, &out, &err);
  json_t *doc = status == 0 && out ? json_loads(out, 0, NULL) : NULL;
  if (!doc) {
    json_t *fail = mi_serve_command_error(err);
    const char *msg = json_string_value(json_object_get(json_object_get(fail, "error"), "message"));
    snprintf(why, size, "%s", msg ? msg : "the look-up failed");
    json_decref(fail);
  }
  free(out);
  free(err);
  return doc;
}

static void row(mi_strbuf *b, const char *label, const json_t *v) {
  if (!v || json_is_null(v)) return;
  mi_strbuf_appends(b, "<tr><th>");
  mi_page_text(b, label);
  mi_strbuf_appends(b, "</th><td>");
  char num[32];
  if (json_is_integer(v)) snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
  mi_page_text(b, json_is_string(v) ? json_string_value(v) : json_is_integer(v) ? num : "");
  mi_strbuf_appends(b, "</td></tr>");
}

/* One customer: the record and the latest history. */
static void customer(const mi_serve_options *o, const mi_actor *as, const char *id, mi_strbuf *b) {
  char why[600];
  char *show[] = {"customer", "show", (char *)id, NULL},
       *hist[] = {"customer", "history", (char *)id, NULL};
  json_t *c = run(o, as, show, 3, why, sizeof why);
  mi_strbuf_appends(b, "<section><h2>");
  mi_page_text(b, id);
  mi_strbuf_appends(b, "</h2>");
  if (!c) {
    mi_strbuf_appends(b, "<p class=\"error\">");
    mi_page_text(b, why);
    mi_strbuf_appends(b, "</p></section>\n");
    return;
  }
  static const char *const fields[] = {"name",   "kind",       "phone",     "email", "tier",
                                       "region", "orders_12m", "spend_12m", NULL};
  mi_strbuf_appends(b, "<table>");
  for (int i = 0; fields[i]; i++) row(b, fields[i], json_object_get(c, fields[i]));
  mi_strbuf_appends(b, "</table>");
  json_decref(c);
  json_t *h = run(o, as, hist, 3, why, sizeof why);
  const json_t *items = json_object_get(h, "history");
  mi_strbuf_appends(
      b, "<table class=\"history\"><tr><th>at</th><th>what</th><th>ref</th><th>detail</th></tr>");
  for (size_t i = 0; i < json_array_size(items) && i < HISTORY; i++) {
    const json_t *e = json_array_get(items, i);
    mi_strbuf_appends(b, "<tr>");
    static const char *const cols[] = {"at", "what", "ref", "detail"};
    for (int k = 0; k < 4; k++) {
      mi_strbuf_appends(b, "<td>");
      mi_page_text(b, json_string_value(json_object_get(e, cols[k])));
      mi_strbuf_appends(b, "</td>");
    }
    mi_strbuf_appends(b, "</tr>");
  }
  mi_strbuf_appends(b, "</table></section>\n");
  json_decref(h);
}

static void search_form(mi_strbuf *b, int signed_in, const char *phone) {
  mi_strbuf_appends(b, "<form method=\"post\" action=\"/agent\">");
  if (!signed_in)
    mi_strbuf_appends(b,
                      "<label>Token <input type=\"password\" name=\"token\" autocomplete=\"off\" "
                      "required></label> ");
  mi_strbuf_appends(b, "<label>Phone 电话 <input name=\"phone\" inputmode=\"tel\" value=\"");
  mi_page_text(b, phone ? phone : "");
  mi_strbuf_appends(b, "\"></label> <button type=\"submit\">Find 查找</button></form>\n");
}

void mi_serve_agent(const mi_serve_options *o, struct MHD_Connection *conn, const mi_request *rq,
                    mi_reply *r) {
  r->type = "text/html; charset=utf-8";
  int post = !strcmp(rq->method, "POST");
  if (!post && strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
    r->allow = "GET, HEAD, POST";
    r->status = 405;
    r->body = mi_page_message_html(MI_PAGE_EN, MI_PAGE_BAD);
    return;
  }
  mi_form form = {0};
  mi_err e = {0};
  static const char want[] = "application/x-www-form-urlencoded";
  if (post && (!rq->content_type || strncasecmp(rq->content_type, want, sizeof want - 1) ||
               mi_form_parse(rq->body, rq->body_len, &form, &e))) {
    r->status =
        rq->content_type && !strncasecmp(rq->content_type, want, sizeof want - 1) ? 400 : 415;
    r->body = mi_page_message_html(MI_PAGE_EN, MI_PAGE_BAD);
    return;
  }
  char cookie[MI_TOKEN_LEN + 1];
  cookie_token(conn, cookie);
  const char *given = post ? mi_form_get(&form, "token") : NULL;
  const char *token = given && *given ? given : cookie; /* checked whole: never cut to size */
  const char *phone = post ? mi_form_get(&form, "phone")
                           : MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "phone");
  mi_actor as;
  int signed_in = *token && mi_api_client_actor(o->store, token, &as, &e) == 0;
  mi_strbuf b;
  mi_strbuf_init(&b);
  mi_page_open(&b, MI_PAGE_EN, "manyi: find a customer");
  mi_strbuf_appends(&b, "<h1>Find a customer 查找客户</h1>\n");
  r->status = 200;
  if (!signed_in && (given || *token)) {
    r->status = 401;
    mi_strbuf_appends(&b,
                      "<p class=\"error\">This token opens nothing: ask an administrator "
                      "(manyi serve client add).</p>\n");
  }
  if (signed_in) {
    if (given && *given) /* the session's: this page only, not to scripts, not across sites */
      snprintf(r->set_cookie, sizeof r->set_cookie,
               "manyi_agent=%.43s; Path=/agent; HttpOnly; SameSite=Strict%s", token,
               o->cfg->serve.base_url && !strncmp(o->cfg->serve.base_url, "https:", 6) ? "; Secure"
                                                                                       : "");
    mi_strbuf_appends(&b, "<p class=\"note\">");
    mi_page_text(&b, as.name);
    mi_strbuf_appends(&b, "</p>\n");
  }
  search_form(&b, signed_in, phone);
  if (signed_in && phone && *phone) {
    char why[600];
    char *find[] = {"customer", "find", (char *)phone, "--phone", NULL};
    json_t *hits = phone[0] == '-' ? NULL : run(o, &as, find, 4, why, sizeof why);
    if (phone[0] == '-') snprintf(why, sizeof why, "a phone number does not start with '-'");
    const json_t *list = json_object_get(hits, "customers");
    if (!hits) {
      mi_strbuf_appends(&b, "<p class=\"error\">");
      mi_page_text(&b, why);
      mi_strbuf_appends(&b, "</p>\n");
    } else if (!json_array_size(list)) {
      mi_strbuf_appends(&b, "<p>No customer has this number. 没有找到客户。</p>\n");
    }
    for (size_t i = 0; i < json_array_size(list) && i < SHOWN; i++)
      customer(o, &as, json_string_value(json_object_get(json_array_get(list, i), "external_id")),
               &b);
    json_decref(hits);
  }
  r->body = mi_page_close(&b);
  mi_form_free(&form);
}
