/* The wall-clock watchdog of policy calls. The count hook checks the clock
 * only every STEP instructions, and some instructions work long in C (a
 * comparison or concatenation of long strings), so the clock alone lets a
 * call overrun. One thread per process sleeps until the earliest deadline of
 * the calls that run; when a call is still running at its deadline it marks
 * the call expired (a flag the hook and the C guards read) and sends the
 * calling thread a signal whose handler re-arms the count hook to fire at
 * the next instruction, on the state's main thread and on every coroutine
 * being resumed (lua_sethook is the Lua function documented as safe to call
 * asynchronously; lua.c does the same for Ctrl-C). Lua code cannot reach
 * the thread, the signal or the hook (no debug library), so it cannot turn
 * the watchdog off. If the thread cannot be started, the hook's own clock
 * check still stops the call, only later. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "policy/policy_internal.h"

#define WD_SIGNAL SIGURG /* ignored by default: a stray one does nothing */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static int started, idle;
static int64_t wake_at; /* when the thread wakes next (0: idle) */
static mi_pol_budget *watched; /* every budget whose call runs, linked by wd_next */

/* The calls that run on this thread, innermost first (a REPL evaluation may
 * call a policy): what the signal handler re-arms. */
static _Thread_local mi_pol_budget *volatile current;

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs on the thread of the call: only lua_sethook and flags. */
static void on_signal(int sig) {
  (void)sig;
  for (mi_pol_budget *b = current; b; b = b->wd_outer) {
    if (!b->expired) continue;
    mi_pol_budget_rearm(b->main);
    for (int i = 0; i < b->nrunning && i < MI_POL_MAX_RESUMED; i++) mi_pol_budget_rearm(b->running[i]);
  }
}

static void *watch(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  for (;;) {
    int64_t now = mono_ns(), next = 0;
    for (mi_pol_budget *b = watched; b; b = b->wd_next) {
      if (b->expired) continue;
      if (mi_pol_budget_over(b, now)) {
        b->expired = 1;
        pthread_kill(b->owner, WD_SIGNAL);
      } else if (!next || b->deadline_ns < next) next = b->deadline_ns;
    }
    wake_at = next;
    if (!next) {
      idle = 1;
      pthread_cond_wait(&cv, &mu);
      idle = 0;
      continue;
    }
    struct timespec ts = {(time_t)(next / 1000000000), (long)(next % 1000000000)};
    pthread_cond_timedwait(&cv, &mu, &ts);
  }
  return NULL;
}

/* Starts the thread and installs the handler, once; 0 when it runs. */
static int start(void) {
  if (started) return started > 0 ? 0 : -1;
  started = -1;
  pthread_condattr_t ca;
  if (pthread_condattr_init(&ca) || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) ||
      pthread_cond_init(&cv, &ca))
    return -1;
  pthread_condattr_destroy(&ca);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART; /* reads and writes in progress go on */
  sigemptyset(&sa.sa_mask);
  if (sigaction(WD_SIGNAL, &sa, NULL)) return -1;
  /* The thread takes no signal meant for the process (SIGTERM, SIGINT). */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  pthread_t t;
  int rc = pthread_create(&t, NULL, watch, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) return -1;
  pthread_detach(t);
  started = 1;
  return 0;
}

void mi_pol_watch_begin(mi_pol_budget *b) {
  pthread_mutex_lock(&mu);
  if (b->wd_on) b->wd_on++; /* a call inside a call of the same state: one watch */
  else if (start() == 0) {
    b->owner = pthread_self();
    b->wd_next = watched;
    watched = b;
    b->wd_on = 1;
    b->wd_outer = current;
    current = b;
    if (idle || (wake_at && b->deadline_ns < wake_at)) pthread_cond_signal(&cv);
  }
  pthread_mutex_unlock(&mu);
}

void mi_pol_watch_end(mi_pol_budget *b) {
  pthread_mutex_lock(&mu);
  if (b->wd_on && --b->wd_on == 0) {
    for (mi_pol_budget **p = &watched; *p; p = &(*p)->wd_next)
      if (*p == b) {
        *p = b->wd_next;
        break;
      }
    if (current == b) current = b->wd_outer;
  }
  pthread_mutex_unlock(&mu);
}

/* Only the handler, on this same thread, reads the list: the entry is
 * written before the count that shows it. */
void mi_pol_watch_enter(mi_pol_budget *b, lua_State *co) {
  if (b->nrunning < MI_POL_MAX_RESUMED) b->running[b->nrunning] = co;
  atomic_signal_fence(memory_order_seq_cst);
  b->nrunning++;
  if (b->expired) mi_pol_budget_rearm(co);
}

void mi_pol_watch_leave(mi_pol_budget *b) {
  if (b->nrunning > 0) b->nrunning--;
}
