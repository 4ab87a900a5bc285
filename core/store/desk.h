/* The front desk's reads (migration 0016): customers found by phone key,
 * e-mail or part of the name through indexes; a customer's history as one
 * timeline; the agents a routing policy may pick and their load; a
 * department's or an agent's queue of open tickets; the next free id of a
 * logged contact or a new customer. */
#ifndef MI_STORE_DESK_H
#define MI_STORE_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef enum mi_find_by {
  MI_FIND_PHONE, /* key: the phone key (util/text_fold.h: mi_phone_key) */
  MI_FIND_EMAIL, /* key: the address; compared without regard to ASCII case */
  MI_FIND_NAME,  /* key: part of the name, NFKC and ASCII lower case (util/text_fold.h) */
  MI_FIND_ID,    /* key: the external id */
} mi_find_by;

typedef struct mi_customer_hit {
  char external_id[65], name[801], phone[33], email[255], tier[33], kind[16];
} mi_customer_hit;

/* Up to max customers matching key, in id order, into out; *n how many;
 * *more = 1 when there were more than max. A name of one character is a
 * range of the bigram index, a longer one looks up its rarest bigram (at
 * most a few thousand rows counted per bigram) and checks each name found:
 * no scan of the customers, whatever `%` or `_` the text holds. */
int mi_customer_find(mi_store *s, mi_find_by by, const char *key, size_t max,
                     mi_customer_hit *out, size_t *n, int *more, mi_err *e);

/* A customer's history, newest first, at most limit entries (0: all): what
 * ("order", "contact", "ticket", "survey", "points", "message"), when, the
 * reference (order, contact, ticket, response id or ledger key) and a line
 * of detail. fn's non-zero return stops and is returned. */
typedef struct mi_history_entry {
  int64_t at;
  const char *what, *ref, *detail;
} mi_history_entry;
typedef int (*mi_history_fn)(const mi_history_entry *h, void *ud);
/* The words the detail lines are joined with, for people who read another
 * language than the JSON's: " by " and " (flagged)" by default (NULL). */
typedef struct mi_history_words {
  const char *by, *flagged;
} mi_history_words;
int mi_customer_history(mi_store *s, int64_t customer_id, int64_t limit,
                        const mi_history_words *words, mi_history_fn fn, void *ud, mi_err *e);

/* Every active staff member with a department, in department then id
 * order: code, name, department code, skills joined by ';', and open load
 * (tickets new, open or pending assigned to them). Owned by the caller:
 * mi_agents_free. */
typedef struct mi_agent_row {
  char code[65], name[201], department[65], skills[512];
  int64_t open_load;
} mi_agent_row;
int mi_agents_list(mi_store *s, mi_agent_row **out, size_t *n, mi_err *e);
void mi_agents_free(mi_agent_row *rows);

/* The staff member who last served the customer (the assignee of their
 * latest ticket that had one, or the staff of their latest contact, which
 * ever is later) into code ("" when none). */
int mi_agent_last_served(mi_store *s, int64_t customer_id, char code[65], mi_err *e);

/* Open tickets (new, open, pending) of a department (code) or assigned to a
 * staff member (external id): exactly one of the two. Unordered; the
 * service orders them by their SLA clocks. Owned by the caller (free). */
typedef struct mi_queue_row {
  char external_id[65];
} mi_queue_row;
int mi_ticket_queue(mi_store *s, const char *department, const char *staff,
                    mi_queue_row **out, size_t *n, mi_err *e);

/* The next free external id of the shape PREFIX<digits> in table
 * (customers: C0000123; interactions: I00000123): one more than the
 * largest such. */
int mi_desk_next_id(mi_store *s, const char *table, char prefix, char *buf, size_t size,
                    mi_err *e);

#endif
