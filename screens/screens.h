/*
 * screens.h - every screen of the console, registered in one table
 * (STYLE.md lesson 1), and the few helpers the screens share.
 *
 * Screens reach the application through ui_app() (the UI thread's struct
 * app) and, in worker callbacks, through screens_wapp() (the worker's own
 * struct app, with the signed-in session copied). UI thread only unless a
 * function says otherwise.
 */
#ifndef PB_SCREENS_SCREENS_H
#define PB_SCREENS_SCREENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "app/app.h"
#include "core/date.h"
#include "ui/form.h"
#include "ui/table.h"
#include "ui/ui.h"

extern const struct screen_class *const screen_registry[];
extern const size_t screen_count;

extern const struct screen_class screen_login;
extern const struct screen_class screen_dashboard;
extern const struct screen_class screen_customers;
extern const struct screen_class screen_customer_detail;
extern const struct screen_class screen_customer_form;
extern const struct screen_class screen_contact_form;
extern const struct screen_class screen_plans;
extern const struct screen_class screen_plan_form;
extern const struct screen_class screen_subscriptions;
extern const struct screen_class screen_sub_detail;
extern const struct screen_class screen_sub_form;
extern const struct screen_class screen_jobs;
extern const struct screen_class screen_billing;
extern const struct screen_class screen_invoices;
extern const struct screen_class screen_invoice_detail;
extern const struct screen_class screen_inst_form;
extern const struct screen_class screen_invoice_form;
extern const struct screen_class screen_payments;
extern const struct screen_class screen_payment_detail;
extern const struct screen_class screen_pay_form;
extern const struct screen_class screen_inv_pay_form;
extern const struct screen_class screen_refund_form;
extern const struct screen_class screen_routers;
extern const struct screen_class screen_router_detail;
extern const struct screen_class screen_router_form;
extern const struct screen_class screen_alerts;
extern const struct screen_class screen_audit;
extern const struct screen_class screen_audit_entry;
extern const struct screen_class screen_wall;
extern const struct screen_class screen_dns_zones;
extern const struct screen_class screen_dns_zone_form;
extern const struct screen_class screen_dns_records;
extern const struct screen_class screen_dns_plan;
extern const struct screen_class screen_creds;
extern const struct screen_class screen_cred_form;
extern const struct screen_class screen_hosting;
extern const struct screen_class screen_hosting_form;
extern const struct screen_class screen_tenants;
extern const struct screen_class screen_tenant_form;
extern const struct screen_class screen_users;
extern const struct screen_class screen_user_form;
extern const struct screen_class screen_passwd;

/* ---- the worker's context ---------------------------------------------- */

/*
 * The worker thread starts with the console, before anyone signs in, so its
 * struct app is opened lazily: screens_wapp() (re)opens it with a copy of
 * the parent's session whenever the signed-in operator or tenant changed.
 * worker_arg is the UI thread's struct app.
 */
extern const struct worker_ctx_ops screens_worker_ops;
/* Worker thread: the worker's struct app in step with the parent session,
 * or NULL with *err set. */
struct app *screens_wapp(void *wctx, pb_err *err);

/* ---- shared helpers ----------------------------------------------------- */

/* The UI thread's application. */
static inline struct app *screens_app(struct ui *ui)
{
    return (struct app *)ui_app(ui);
}

/* The first screen after sign-in for the session's role: the first
 * numbered screen of the registry it may open (the dashboard, else
 * customers, ...), or NULL when there is none. */
const char *screens_home(struct ui *ui);
/* "nasrin" from "nasrin@meghna.net" into out. */
void screens_local_part(const char *email, char *out, size_t n);
/* Both set and equal (a row's status against a word). Any thread. */
static inline bool screens_is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}
/* Whether hay holds the first n bytes of needle, case aside (a NULL hay
 * holds nothing): what pickers and lists read whole match typing against.
 * Any thread. */
bool screens_has_ci(const char *hay, const char *needle, size_t n);
/* Appends part after " · " (nothing for an empty part): "a · b · c". */
void screens_join(struct buf *b, const char *part);
/* "09 Dec" or "09 Dec 2026". Any thread. */
void screens_date(struct date d, bool year, char *out, size_t n);
/* The same for 'YYYY-MM-DD'; the text itself when it is not a date, "" for
 * none. Any thread. */
void screens_day(const char *ymd, bool year, char *out, size_t n);
/* An amount in a currency as a list cell ("1,200.00"), owned. Any thread. */
char *screens_money(int64_t v, const char *cur);
/* An ISO UTC time in the tenant's zone (UTC without one): its day, time
 * and offset; false when iso is empty or does not parse. */
bool screens_local(const struct app *a, const char *iso, struct date *d, int *hh, int *mm,
                   int32_t *off);
/* "23 Nov 18:02 +06" / "09 Feb 2026" for an ISO UTC time in the tenant's
 * zone (UTC without one). false when iso does not parse. */
bool screens_when(const struct app *a, const char *iso, bool with_year, bool with_time, char *out,
                  size_t n);
/* A rule across w cells at y,x: "─ left ─────── right ─". */
void screens_rule(struct canvas *c, int y, int x, int w, const char *left, const char *right,
                  bool bold_left);
/* y: puts text on the clipboard (frees it) and says "Copied <what> to the
 * clipboard." Returns R_REDRAW. */
unsigned screens_copy(struct ui *ui, char *text, const char *what, ...) PB_PRINTF(3, 4);
/* Opens the detail of the customer named by key (code, id, e-mail). */
void screens_open_customer(struct ui *ui, const char *key);
/* Opens the detail of the subscription named by key (id, username, IP, MAC). */
void screens_open_sub(struct ui *ui, const char *key);
/*
 * Wakes the console's router queue sender (app->queue, started by the
 * console after sign-in) so a change just committed leaves at once instead
 * of at its next round. Call after every committed subscription change;
 * without a sender (read-only, tests) it does nothing and the jobs wait in
 * the database.
 */
void screens_queue_kick(struct ui *ui);
/*
 * Rewrites a controller's validation error for a form: field messages lose
 * their "Label: " prefix (the form shows them under the labelled field) and
 * start with a capital. Returns e.
 */
pb_err screens_form_error(pb_err e);

/* ---- list screens: one table widget (STYLE.md lesson 1) ----------------- */

/* The keys every list passes to its table: pause, then moving the cursor.
 * Ends a screen's keybind array (it holds the terminator). */
#define SCREENS_TABLE_KEYS                                                                 \
    {A_PAUSE, NULL, NULL}, {A_UP, NULL, NULL}, {A_DOWN, NULL, NULL},                      \
        {A_PAGE_UP, NULL, NULL}, {A_PAGE_DOWN, NULL, NULL}, {A_TOP, NULL, NULL},          \
        {A_BOTTOM, NULL, NULL}, {A_REDRAW, NULL, NULL}, {A_NONE, NULL, NULL}
/* The same after w, the list written as CSV (list_screen_action does it; a
 * list of its own calls screens_write_csv), for the lists whose bottom bar
 * does not name it. A list that names it ends with SCREENS_TABLE_KEYS. */
#define SCREENS_LIST_KEYS {A_WRITE, NULL, NULL}, SCREENS_TABLE_KEYS
/* The sort column keys of a list whose table sorts. */
#define SCREENS_SORT_KEYS {A_SORT_PREV, NULL, NULL}, {A_SORT_NEXT, NULL, NULL}
/* Ctrl-N / Ctrl-P in a detail: the next or previous row of the list whose
 * Enter opened it (the console does it, through the list's step). */
#define SCREENS_RECORD_KEYS {A_NEXT_RECORD, "next", NULL}, {A_PREV_RECORD, NULL, NULL}
/* The subscription changes, offered alike by the list and the detail. */
#define SCREENS_SUB_KEYS                                                                   \
    {A_SUSPEND, "suspend", "subscription.edit"},                                           \
        {A_ACTIVATE, "activate", "subscription.edit"},                                     \
        {A_CHANGE_PLAN, "change plan", "subscription.edit"},                               \
        {A_CANCEL_FOREVER, "cancel", "subscription.edit"}, {A_SYNC, "sync", "subscription.edit"}, \
        {A_RESET_DATA, "reset data", "subscription.edit"}

/* w on a list: every row its filter and sort select, as CSV in the data
 * directory, the file named after today in the tenant's zone
 * (table_write_csv). Returns R_REDRAW. */
unsigned screens_write_csv(struct ui *ui, struct table *t);
/* Where w writes CSV (the data directory; caller frees) and today's date
 * in the tenant's zone for the file's name; NULL after saying there is no
 * home directory. */
char *screens_csv_dir(struct ui *ui, char day[DATE_BUF]);

/* H on a row (SCREENS.md 2.6): the audit log filtered to entity's row id
 * ("customer", 42), or a message when there is no row. Returns R_REDRAW. */
unsigned screens_history(struct ui *ui, const char *entity, int64_t id);

/* The widget's paging words in the store's vocabulary. Any thread. */
enum page_dir screens_page_dir(enum table_dir d);

/*
 * The palette arguments of a list (SCREENS.md 2.5, the CLI's list flags as
 * name=value): status=S, sort=S (a leading "-" reverses it) and words that
 * filter. A default sort may be set before parsing.
 */
struct list_args {
    char status[64], sort[64];
    struct buf filter; /* the words that are no key, one space apart */
    int words;         /* every word, keys included */
};

/* Terminals this wide or more show a list's detail beside it. */
enum { SCREENS_WIDE = 140 };

/*
 * A view shared by a detail screen and the pane beside its wide list (the
 * customer, a subscription, an invoice, a payment): how both read it again
 * by id, draw and name it.
 */
struct view_ops {
    pb_err (*load)(void *v, struct app *a, int64_t id);
    void (*fini)(void *v);
    void (*draw)(void *v, struct ui *ui, struct canvas *c, struct rect r, bool focused);
    /* The id of the row loaded, 0 when none is. */
    int64_t (*id)(const void *v);
    /* What the row is called ("INV-2026-000001"), when one is loaded. */
    void (*label)(const void *v, char *out, size_t n);
    size_t size; /* of the view: the pane reads a fresh one on the worker */
};
extern const struct view_ops cust_view_ops, sub_view_ops, inv_view_ops, pay_view_ops;

/*
 * The start of a list screen's private state, where the list_screen_*
 * callbacks find it: the table over its source, what the palette narrowed
 * it to, and on terminals SCREENS_WIDE columns or more the pane beside it
 * that shows the row under the cursor.
 */
struct list_screen {
    struct table *t;
    struct table_source src; /* the screen's, with the empty text below */
    /* Set by a list that takes customer=CODE: what its empty list says
     * after the customer's code and name ("has no invoices yet."). */
    const char *customer_says;
    /* What one row is ("customer"), for a list detail screens step through
     * with Ctrl-N and Ctrl-P (list_screen_step); NULL: "row". */
    const char *one;
    int64_t customer_id; /* the palette's customer=CODE, 0: none */
    char customer[32];   /* its code (n makes one for them) */
    char fixed[96];      /* "customer: C-00001" for the title rule, or "" */
    char empty[200];     /* "C-00001 Rahim Uddin has no invoices yet.", or "" */
    const struct view_ops *ops; /* the pane's view and how it shows; NULL: no pane */
    void *view;
    int share; /* percent of a wide body the list keeps */
    bool live; /* the pane also re-reads when the database's data version moves */
    bool under; /* the pane is under the list (list_screen_draw_under): it follows at
                 * every width, and Enter gives it the whole body */
    bool full;  /* under: the pane has the whole body */
    bool wide; /* the terminal was wide at the last follow */
    int64_t id, version, data; /* the row shown (id 0: none), the data version read */
    int64_t want_id, want_version, want_data; /* the read on the worker, if any */
};
/*
 * Splits the palette's args into la, taking customer=CODE when the list
 * does. A word that is none of these goes first to key (may be NULL): the
 * screen's own keys ("period=2026-12"), which returns false for a word that
 * is none of them and sets *e when it refuses the value. The first refusal
 * ends the parse and is returned, la freed.
 */
pb_err list_screen_args(struct screen *s, const char *args, struct list_args *la,
                        bool (*key)(struct screen *s, const char *word, pb_err *e));
/* Makes the table over src (arg for its callbacks, which must outlive it)
 * as la asks; frees la. */
void list_screen_open(struct screen *s, const struct table_source *src, void *arg,
                      struct list_args *la);
/* Loads the row under the cursor into the pane when the terminal is wide
 * (or the pane is under the list) and the row (or, live, the data)
 * changed; R_REDRAW when the layout or the pane changed. */
unsigned list_screen_follow(struct screen *s);
/* After a change made here (and on resume): the rows and the pane re-read. */
void list_screen_reload(struct screen *s);
/* The list's own actions (moving, filter, sort, tags, w; with the pane
 * under the list Enter and Esc give it the whole body and take it back),
 * the pane following; R_NONE for the screen's. */
unsigned list_screen_action(struct screen *s, enum action a);
/* Opens screen c on the row under the cursor (args: its id), or says there
 * is no <noun> under it. Returns R_REDRAW. */
unsigned list_screen_push(struct screen *s, const struct screen_class *c, const char *noun);
/* Screen callbacks: close, draw, on_key, the rule (what the palette fixed
 * and the table's title on the right), bottom and tick. */
void list_screen_close(struct screen *s);
void list_screen_draw(struct screen *s, struct canvas *c, struct rect body);
unsigned list_screen_key(struct screen *s, const struct key *k);
void list_screen_rule(struct screen *s, struct buf *left, struct buf *right);
bool list_screen_bottom(struct screen *s, struct canvas *c, int y, int w);
unsigned list_screen_tick(struct screen *s);
/* The screen's step (Ctrl-N, Ctrl-P in the detail its Enter opened): the
 * cursor moves a row and key gets that row's id, which every detail opens
 * by; at either end, or while the row is fetched, it says so. */
bool list_screen_step(struct screen *s, int dir, char *key, size_t n);
/* The row under t's cursor, or NULL after saying "No <noun> under the
 * cursor." */
const struct table_row *screens_current(struct screen *s, struct table *t, const char *noun);
/* Worker thread: a table source's data_version, the worker database's. */
int64_t screens_data_version(void *wctx, void *arg);
/* Worker thread: a picker source over the active plans ("Fiber 50  50/25 Mbps
 * 1,200.00 / month"). */
int screens_plan_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                        int max, int64_t *total);

/* ---- form screens: saving an existing row ------------------------------- */

/*
 * Someone else saved the row while the form was open (SCREENS.md 2.9): the
 * save shows ui/conflict.h's dialog, fed with the row as stored now, and
 * saves again on that version after a merge or an overwrite. Merging works
 * because only changed fields are sent (screens_form_only_changed): the
 * dialog's choice makes the stored row what the form's changes count from.
 * Lives in the form screen's private state, whose first member is its
 * struct form *.
 */
struct form_conflict {
    struct screen *s;
    int64_t *version; /* the screen's: the version its next save expects */
    /* Reads the row as stored now into into (a form over the same fields,
     * from form_new_like) as its unchanged values, and its version into
     * *version. */
    pb_err (*reread)(struct screen *s, struct form *into, int64_t *version);
    int64_t stored;   /* the version the open dialog shows */
    bool resave;      /* save again on the next tick (after a merge or an overwrite) */
};

/* The keys that end a form screen's keybind array (after its save key):
 * the next field, then leaving; with F2 between them where a form's errors
 * name another record. Each holds the terminator. */
#define SCREENS_FORM_KEYS                                                                  \
    {A_NEXT_PANE, "next field", NULL}, {A_BACK, "leave", NULL}, {A_NONE, NULL, NULL}
#define SCREENS_FORM_REF_KEYS                                                              \
    {A_NEXT_PANE, "next field", NULL}, {A_OPEN_REF, NULL, NULL}, {A_BACK, "leave", NULL}, \
        {A_NONE, NULL, NULL}

/*
 * A customer picker (by name, as you type): arg is a struct customer_pick,
 * living in the form screen's state, that says how one customer shows.
 */
struct customer_pick {
    void (*show)(const struct customer_row *c, struct picker_item *item);
};
/* The usual show: code and name, the status in the list. */
void screens_show_customer(const struct customer_row *c, struct picker_item *item);
/* Worker thread: the picker source's search. */
int screens_customer_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                            int max, int64_t *total);

/* A form field's early checks (the controller checks again): an e-mail
 * address, a phone number; empty passes (required is the form's). */
pb_err screens_check_email(const char *v);
pb_err screens_check_phone(const char *v);
/* A form's F2 (its form_ops.open_ref, arg the screen): opens the customer
 * or subscription an error names ("customer:C-00001"). */
void screens_form_open_ref(struct form *f, void *arg, const char *ref);

/* A form screen's head: the lines that say what the form acts on (the
 * first bold, those from muted on muted), then a rule titled title with
 * right ("Ctrl-S refunds"). Returns the row where the form starts. */
int screens_form_head(struct canvas *c, struct rect body, const char *const lines[], int n,
                      int muted, const char *title, const char *right);
/* "in Meghna Link": a picker's scope, the tenant's short name. */
void screens_tenant_scope(const struct app *a, char *out, size_t n);
/* Clears the slots (NULL ones skipped) of the fields the operator left
 * alone, so a save sends only the changes. */
void screens_form_only_changed(const struct form *f, const struct form_field *fields,
                               const char **slots[], int n);
/* For a save the controller refused: when someone else saved meanwhile,
 * opens the conflict dialog over the row as stored now. Returns e for the
 * form, or, when the row cannot be read again, why not. */
pb_err screens_form_refused(struct form_conflict *fc, pb_err e);
/* The tick of a form screen (state begins with its struct form *) that
 * saves again after a conflict choice. */
unsigned screens_form_conflict_tick(struct form_conflict *fc);

/* Whether the pane shows the row under the cursor (its read came), so a
 * key may act on what the pane holds. */
bool list_screen_pane_current(struct screen *s);
/* A list with its pane under it (under): the pane in the body's last lines
 * rows when the body has room for it and a few rows, or the whole body
 * after Enter. */
void list_screen_draw_under(struct screen *s, struct canvas *c, struct rect body, int lines);
/* The title rule of a pane that has the whole body ("› name", "Esc back to
 * the list · live"); false when it has not, for the screen's own rule. */
bool list_screen_full_rule(struct screen *s, struct buf *left, struct buf *right);

/* ---- detail screens ------------------------------------------------------ */

/*
 * The start of a detail screen's private state, where the detail_screen_*
 * callbacks find it: its view, read again whenever the database's data
 * version moves, so what it shows stays live.
 */
struct detail_screen {
    const struct view_ops *ops;
    void *view;
    int64_t data; /* the data version at the last read */
};
/* Reads the row again (after a change made here, on Ctrl-L and resume);
 * when that fails, says why and keeps what was shown. */
void detail_screen_reload(struct screen *s);
/* Ctrl-L reads again, Esc leaves; R_NONE for any other action. */
unsigned detail_screen_action(struct screen *s, enum action a);
/* Screen callbacks: close, draw (the view focused) and tick (live). */
void detail_screen_close(struct screen *s);
void detail_screen_draw(struct screen *s, struct canvas *c, struct rect body);
unsigned detail_screen_tick(struct screen *s);
/* The title rule: "› label" (none for NULL) on the left, "version 7 ·
 * live" (version 0: "live") on the right. */
void screens_detail_rule(struct buf *left, struct buf *right, const char *label, int64_t version);

/* ---- work that outlives its screen ----------------------------------------- */

/*
 * A screen's work items hold its link, not the screen: the screen's close
 * clears s, and the last holder frees the link. UI thread only.
 */
struct screen_link {
    struct screen *s; /* NULL once the screen closed */
    int refs;
};
struct screen_link *screen_link_new(struct screen *s);
/* One more holder (a work item being posted); returns l. */
struct screen_link *screen_link_hold(struct screen_link *l);
/* A work item is done with it. */
void screen_link_drop(struct screen_link *l);
/* The screen closes: its work items find s NULL from now on. */
void screen_link_close(struct screen_link *l);

/* ---- the customer detail, shared by the detail screen and the wide list - */

enum cust_section { CS_HEADER, CS_CONTACTS, CS_SUBS, CS_INVOICES, CS_PAYMENTS, CS_NOTES, CS_COUNT };

struct cust_view {
    bool loaded;
    struct customer_row c;
    struct contact_row *contacts;
    int ncontacts;
    struct subscription_row *subs; /* newest first; NULL when the role may not see them */
    int nsubs;
    int section; /* enum cust_section */
    int contact; /* selected contact in CS_CONTACTS */
    int sub;     /* selected subscription in CS_SUBS */
    struct invoice_row *invoices; /* newest first, at most CUST_DOCS; NULL when not allowed */
    int ninvoices;
    int64_t invoice_total; /* all of the customer's invoices; -1: the role may not see them */
    int invoice;           /* selected invoice in CS_INVOICES */
    struct payment_row *payments; /* newest first, at most CUST_DOCS */
    int npayments;
    int64_t payment_total; /* -1: the role may not see them */
    int payment;           /* selected payment in CS_PAYMENTS */
};
/* How many of a customer's invoices and payments the detail reads. */
enum { CUST_DOCS = 20 };

/* UI thread: loads customer id with its contacts and subscriptions
 * (single-customer reads). Keeps the section and clamps the selections when
 * it is the same customer; a new one opens on its first subscription. */
pb_err cust_view_load(struct cust_view *v, struct app *a, int64_t id) PB_MUST_CHECK;
/* The customer as plain text for a ticket (y). Caller frees. */
char *cust_view_text(const struct cust_view *v);
void cust_view_fini(struct cust_view *v);
/* Paints the detail into r (title rule of the pane not included). */
void cust_view_draw(const struct cust_view *v, struct ui *ui, struct canvas *c, struct rect r,
                    bool focused);

/* ---- status changes shared by the list and the detail -------------------- */

struct status_op {
    struct screen *s;
    int64_t id, version;
    char code[32], name[160];
    int64_t *ids; /* tagged rows, or NULL for the one above */
    size_t nids;
    /* The dialog's texts live here, in case the dialog keeps pointers. */
    char title[256], line[320], typed[32];
    const char *lines[2];
    /* Called after a change committed (reload the view). */
    void (*after)(struct screen *s);
};

/* s suspend…, a activate, C cancel for good: asks, then changes. op must
 * live as long as the screen (it is the dialog's argument). */
void screens_status_action(struct ui *ui, struct status_op *op, enum action a);

/* ---- a subscription, shared by its detail screen and the wide list ------- */

struct sub_view {
    bool loaded;
    struct subscription_row r;
    struct job_row *jobs; /* its last jobs, newest first */
    int njobs;
    /* How its router is ("▲ online · seen 2s ago"), or "" when it has
     * none or the role may not see routers. */
    char router_state[240];
};

/* UI thread: loads subscription id and its last jobs (small reads). */
pb_err sub_view_load(struct sub_view *v, struct app *a, int64_t id) PB_MUST_CHECK;
void sub_view_fini(struct sub_view *v);
/* The subscription as plain text for a ticket (y). Caller frees. */
char *sub_view_text(const struct sub_view *v, struct app *a);
/* Paints the detail into r: header, router, dates, money, usage, then the
 * Sync and Jobs sections. */
void sub_view_draw(const struct sub_view *v, struct ui *ui, struct canvas *c, struct rect r);

/* ---- subscription changes shared by the list and the detail --------------- */

struct sub_op {
    struct screen *s;
    int64_t id, version;  /* the one row (when ids is NULL) */
    char label[96];       /* "4412 rahim.shop" */
    char typed[72];       /* what C asks to type: the username (or the id) */
    int64_t *ids;         /* tagged rows, or NULL */
    size_t nids;
    int act;              /* enum sub_act of the dialog that is open */
    char plan[96];        /* change plan: the plan picked */
    bool at_next_bill;
    struct picker_source plans; /* the plan picker's source (outlives it) */
    char menu_label[2][96];
    struct menu_item when[2];
    /* Called after a change committed (reload the view). */
    void (*after)(struct screen *s);
};

/* s a C c R S on one subscription or the tagged ones: previews what goes to
 * which router, asks (typed confirmation for C and for several rows),
 * commits on the UI thread (database only), says what was queued and kicks
 * the queue. op must live as long as the screen (the dialogs' argument).
 * Returns false when a is not one of these. */
bool screens_sub_action(struct ui *ui, struct sub_op *op, enum action a);
/* Frees what an op holds (its tagged ids). */
void sub_op_fini(struct sub_op *op);

/* ---- invoices and payments (invoice_detail.c, payments.c) ------------------ */

struct invoice_detail;
struct payment_detail;

/* An invoice's number, or "draft 57" before it has one. Any thread. */
const char *screens_inv_label(const struct invoice_row *r, char *out, size_t n);
/* The status as lists show it (SCREENS.md 4.8): draft, issued, partial,
 * paid, void, "overdue 39d", "due today", "due in 3d"; *role its theme
 * role. Any thread. */
void screens_inv_status(const struct invoice_row *r, struct date today, char *out, size_t n,
                        enum role *role);
/* Why r, not a draft, is never changed by hand (verb: "edited",
 * "deleted"), in SCREENS.md 4.8's words: "INV-2026-000001 is issued; an
 * issued invoice is never deleted. C voids it with a credit note." NULL
 * for a draft. Caller frees. Any thread. */
char *screens_inv_never(const struct invoice_row *r, const char *label, const char *verb);
/* A tax rate as invoices print it: "15" for 1500 bp, "7.5" for 750. Any
 * thread. */
void screens_rate(int64_t bp, char *out, size_t n);
/* A payment's number, or "pending 12" before it has one. Any thread. */
const char *screens_pay_label(const struct payment_row *r, char *out, size_t n);

/* An invoice as it would be printed, shared by its detail screen and the
 * wide list: header, lines with their formulas, totals, payments,
 * installments, notes. scroll is the first document line shown. */
struct inv_view {
    bool loaded;
    struct invoice_detail *d;
    int scroll;
    int lines; /* document lines at the last draw (for paging) */
};
/* UI thread: loads the invoice named by key (id or number). Keeps the
 * scroll when it is the same invoice. */
pb_err inv_view_load(struct inv_view *v, struct app *a, const char *key) PB_MUST_CHECK;
void inv_view_fini(struct inv_view *v);
/* The invoice as plain text for a ticket (y). Caller frees. */
char *inv_view_text(const struct inv_view *v, struct app *a);
/* Paints the invoice into r from v->scroll (clamped here). */
void inv_view_draw(struct inv_view *v, struct ui *ui, struct canvas *c, struct rect r);

/*
 * A change on one invoice or payment, from the list or its detail. Lives as
 * long as the screen (it is the dialogs' argument).
 */
struct doc_op {
    struct screen *s;
    int64_t id, version; /* the row as last seen */
    char key[24];        /* its id as the controllers take it, once read */
    char label[48];      /* "INV-2026-000001", "draft 57", "PAY-2026-000001" */
    bool gone;           /* deleted here: the screen showing it closes */
    void (*after)(struct screen *s); /* re-reads the screen after a change */
};
/* A change committed: the screen re-reads, the console redraws. */
void doc_op_done(struct ui *ui, struct doc_op *op);

/* p C i a e d on one invoice: checks what the invoice allows and says why
 * not, asks with the strength SCREENS.md 2.10 gives (void: a reason and the
 * typed number), commits and says what changed, or opens the payment,
 * installments or invoice form. Returns false when a is not one of these
 * actions. */
bool screens_inv_action(struct ui *ui, struct doc_op *op, enum action a);

/* A payment with its allocations, shared by its detail screen and the wide
 * payments list. sel is the allocation under the cursor (Enter opens its
 * invoice). */
struct pay_view {
    bool loaded;
    struct payment_detail *d;
    int sel;
};
pb_err pay_view_load(struct pay_view *v, struct app *a, const char *key) PB_MUST_CHECK;
void pay_view_fini(struct pay_view *v);
char *pay_view_text(const struct pay_view *v, struct app *a);
void pay_view_draw(const struct pay_view *v, struct ui *ui, struct canvas *c, struct rect r,
                   bool focused);

/* a complete, x fail, C refund… on one payment. Returns false when a is
 * not one of these. */
bool screens_pay_action(struct ui *ui, struct doc_op *op, enum action a);

/* ---- routers (routers.c, router_detail.c) ------------------------------------ */

struct router_live;
struct router_detail;

/* The mark of a router's state (enum router_state): ▲ ▼ ◆ △ ? (the canvas
 * draws ^ v m : ? in ASCII). Any thread. */
const char *screens_router_mark(int state);
/* The theme role a router's state is drawn in. Any thread. */
enum role screens_router_role(int state);
/* A rate as lists show it, in SI units of bits per second ("412M", "6.2G",
 * "—" when not known); tx in rx's unit after a slash when tx_too. Any
 * thread. */
void screens_bps_pair(int64_t rx, int64_t tx, bool tx_too, char *out, size_t n);
/* "412.6 Mb/s" (short: "412.6M"); "—" when not known. Any thread. */
void screens_bps(int64_t bps, bool short_unit, char *out, size_t n);
/* How a router is, in one line for a person on the phone: "▲ online · seen
 * 2s ago", "▼ down 25m: connect timeout (3 s)", "◆ maintenance until 16:00
 * +06: new uplink", "△ stale: last answer 4m ago", "? not polled yet".
 * Any thread (a is read only). */
void screens_router_line(const struct app *a, const struct router_live *l, char *out, size_t n);

/* A router as its detail screen and the pane beside the wide list show it:
 * state, what it is, interfaces with their last ten minutes, the chart of
 * one interface (the busiest until Tab picks another) over the last hour
 * or day, or of the router over the week, and its last alerts. */
struct router_view {
    bool loaded;
    struct router_detail *d;
    int iface;     /* the interface under the cursor (Tab), charted */
    int range;     /* 0: the last hour, 1: 24 h, 2: 7 d (+ -) */
    bool of_router; /* the chart holds the router's samples, not iface's */
    int64_t since, step; /* the chart's start and step, seconds */
    int steps;
    int64_t *rx, *tx;    /* one value per step, -1: none */
    int64_t (*spark)[10]; /* per interface: a minute each of the last ten, -1: none */
};
/* UI thread: loads router id with its interfaces, alerts and history. */
pb_err router_view_load(struct router_view *v, struct app *a, int64_t id) PB_MUST_CHECK;
void router_view_fini(struct router_view *v);
/* The router as plain text for a ticket (y). Caller frees. */
char *router_view_text(const struct router_view *v, struct app *a);
/* Paints the view into r (title rule of the pane not included); pane: beside
 * the list, where it has no keys of its own. */
void router_view_draw(const struct router_view *v, struct ui *ui, struct canvas *c, struct rect r,
                      bool pane);
extern const struct view_ops router_view_ops;

/* t m n e d on one router, from the list or its detail. Lives as long as
 * the screen (the dialogs' argument). */
struct router_op {
    struct screen *s;
    int64_t id, version;
    char name[72];
    bool maint; /* in maintenance now: m ends it */
    bool gone;  /* deleted here: the detail showing it closes */
    const char *lines[3];
    char line[200];
    void (*after)(struct screen *s); /* re-reads the screen after a change */
};
/* t tests the connection on the worker (a box shows each step), m asks
 * until when and why (or whether to end it), g s lists its subscriptions,
 * n opens the form for a new router, e for this one, d asks and deletes it
 * (or says why not). Returns false when a is none of these. */
bool screens_router_action(struct ui *ui, struct router_op *op, enum action a);
/* The Test box over the connection test of the router key (NULL: a new
 * one) with in's values (NULL: as stored; copied), named label. */
struct router_input;
void screens_router_test(struct ui *ui, const char *key, const char *label,
                         const struct router_input *in);

#endif
