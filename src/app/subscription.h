/*
 * subscription.h - the subscription controller (RULES.md, Subscriptions).
 *
 * A subscription's life (activate, suspend, cancel, plan change) matters
 * only when it reaches the customer's router, so every change that the
 * router must follow commits in one transaction with its audit entry and a
 * provisioning job carrying the desired state; the queue (provision.h)
 * sends it later from a worker, never from the operator's keypress. The
 * preview functions say, in the words the console's dialog and the CLI's
 * --dry-run both print, exactly what will be sent to which router.
 */
#ifndef PB_APP_SUBSCRIPTION_H
#define PB_APP_SUBSCRIPTION_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "store/rows.h"
#include "store/sub_db.h"

extern const char *const sub_access_methods[]; /* pppoe static_ip dhcp hosting none */
extern const char *const sub_suspend_reasons[]; /* overdue manual abuse customer_request */

/* The address list a suspended static or DHCP subscriber is put on. */
#define SUB_SUSPEND_LIST "patchbay-suspended"

/* Field values as typed; NULL: not given (create: default; edit: keep). */
struct sub_input {
    const char *customer, *plan, *router; /* id, code/name */
    const char *access_method, *username, *password, *static_ip, *mac_address;
    const char *start_date, *end_date, *next_bill_date;
    const char *price, *setup_fee; /* "" = the plan's */
    const char *discount_type, *discount_value;
};

pb_err sub_validate(struct app *a, const struct sub_input *in, struct subscription_row *r,
                    bool creating) PB_MUST_CHECK;

/* Lists (tenant and scope set from the session). */
pb_err sub_list(struct app *a, struct sub_query *q, struct subscription_row **rows, int *n,
                bool *more) PB_MUST_CHECK;
pb_err sub_count(struct app *a, struct sub_query *q, int64_t *n) PB_MUST_CHECK;
pb_err sub_ids(struct app *a, struct sub_query *q, int64_t **ids, size_t *n) PB_MUST_CHECK;
/* Subscriptions of one customer (the customer detail). */
pb_err sub_of_customer(struct app *a, int64_t customer_id, struct subscription_row **rows,
                       int *n) PB_MUST_CHECK;

pb_err sub_get(struct app *a, const char *key, struct subscription_row *out) PB_MUST_CHECK;
pb_err sub_get_id(struct app *a, int64_t id, struct subscription_row *out) PB_MUST_CHECK;
/* Created pending; nothing is sent to a router until it is activated. */
pb_err sub_create(struct app *a, const struct sub_input *in,
                  struct subscription_row *out) PB_MUST_CHECK;
/* An edit of what the router holds (username, IP, MAC, router) of an
 * active or suspended subscription queues the change. */
pb_err sub_edit(struct app *a, const char *key, const struct sub_input *in,
                int64_t expect_version, struct subscription_row *out) PB_MUST_CHECK;

/* ---- lifecycle ------------------------------------------------------------ */

enum sub_act { SUB_ACTIVATE, SUB_SUSPEND, SUB_CANCEL, SUB_RESET_DATA, SUB_CHANGE_PLAN, SUB_SYNC };

struct sub_change {
    enum sub_act act;
    const char *reason; /* suspend: overdue, manual, abuse, customer_request */
    const char *note;   /* free text kept with the reason */
    const char *plan;   /* change plan: id or name */
    bool at_next_bill;  /* change plan at the next bill date instead of now */
    /* Billing's dunning (app/dunning.h): a suspension for overdue invoices
     * or the lifting of one, allowed with billing.run; an activation then
     * leaves alone subscriptions suspended for any other reason. */
    bool dunning;
};

/* The word for a lifecycle action ("suspend"). */
const char *sub_act_name(enum sub_act act);
/* Whether r's state allows act (sub_act() refuses the others), for a
 * screen that offers only what applies. No I/O. */
bool sub_act_allowed(const struct subscription_row *r, enum sub_act act);

/* One subscription. An illegal transition is PB_BUSINESS naming it:
 * "4412 is cancelled; a cancelled subscription cannot be activated." */
pb_err sub_act(struct app *a, const char *key, const struct sub_change *ch,
               int64_t expect_version, struct subscription_row *out) PB_MUST_CHECK;

/* What a change will send: one line per subscription, grouped by router in
 * the order the router will receive them. */
struct sub_preview_line {
    int64_t sub_id;
    char *router;  /* "dhk-mirpur-01", or "" when nothing goes to a router */
    char *object;  /* "PPP secret fatema.b", "address list patchbay-suspended" */
    char *action;  /* "disable · drop its sessions", "add 203.0.113.41" */
    char *refusal; /* non-NULL: this one cannot change ("4412 is cancelled; ...") */
};
struct sub_preview {
    struct sub_preview_line *lines;
    int n;
    int changes, refused, routers; /* subscriptions that will change, that cannot; routers touched */
};
pb_err sub_preview(struct app *a, const int64_t *ids, size_t n, const struct sub_change *ch,
                   struct sub_preview *out) PB_MUST_CHECK;
void sub_preview_fini(struct sub_preview *p);
struct json_object *sub_preview_json(const struct sub_preview *p);

/* Bulk: every subscription that may change changes, in one transaction
 * (those that cannot are reported in the preview and skipped). *changed
 * and *jobs: how many; *routers: how many routers get jobs. */
pb_err sub_act_bulk(struct app *a, const int64_t *ids, size_t n, const struct sub_change *ch,
                    int64_t *changed, int64_t *jobs, int64_t *routers) PB_MUST_CHECK;

/* ---- what the list and detail show ---------------------------------------- */

/* Effective price per cycle (override or plan). */
int64_t sub_price(const struct subscription_row *r);
/* Expired: an end date before today. days_remaining: end − today (false
 * without an end date). */
bool sub_is_expired(struct app *a, const struct subscription_row *r);
bool sub_days_remaining(struct app *a, const struct subscription_row *r, int64_t *days);
/* Usage of the quota in percent (not capped) and bytes remaining; false
 * for an unlimited plan. */
bool sub_usage(const struct subscription_row *r, int64_t *pct, int64_t *remaining);
/* "✓ synced", "… pending 25m, 9 tries", "✗ failed: 400 profile",
 * "— not on a router yet" (ascii: "ok", "..", "x", "-"). */
void sub_sync_text(struct app *a, const struct subscription_row *r, bool wide, bool ascii,
                   char *out, size_t n);
/* The JSON of a subscription as the CLI prints it (no secrets). */
struct json_object *sub_json(struct app *a, const struct subscription_row *r);

#endif
