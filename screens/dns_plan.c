/*
 * dns_plan.c - a zone's plan against Cloudflare, its apply, and the import
 * (SCREENS.md 4.12, 2.10, 2.11).
 *
 * Everything here talks to Cloudflare, so everything runs on the worker:
 * opening the screen reads Cloudflare and makes the plan (dns_plan_make)
 * while the screen says so; the plan then shows its summary, each change
 * with its exact values (old → new for a change), what changed there since
 * the last sync, and - when it deletes anything - the typed confirmation of
 * SCREENS.md 2.10: Enter applies only once the zone's name is typed. The
 * apply (dns_apply) also runs on the worker; each step's result is posted
 * through the console's mailbox as it comes, so the lines appear one by one,
 * and a failure stops the run with what is left. Leaving while it runs
 * leaves it running: the job holds the plan and the screen's link, not the
 * screen. args: "ZONE_ID" for the plan, "import:ZONE_ID" for an import of
 * what Cloudflare has (dns_import_remote): first a dry run says what it
 * would change, and Enter takes it in; its counts and notes show here and
 * as the message. UI thread only, except the jobs' run callbacks and
 * the step callback, which run on the worker.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/dns.h"
#include "app/dns_rules.h"
#include "app/dns_sync.h"
#include "core/buf.h"
#include "core/mailbox.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/key.h"

/* P_IMPORT_READY: what an import would change is shown; Enter imports. */
enum pstate { P_READING, P_PLAN, P_IMPORT_READY, P_APPLYING, P_DONE, P_FAILED };

struct pline {
    char *text;
    enum role role;
    bool bold;
    int64_t ms; /* a step's time, drawn at the right; < 0: none */
};

struct plan_screen {
    struct screen_link *link;
    bool import;           /* the import, not a plan */
    char key[32];          /* the zone's id */
    char domain[256];
    enum pstate state;
    struct dns_plan plan;  /* while P_PLAN and after the apply; zeroed meanwhile */
    bool have_plan;
    int todo;              /* changes the apply writes or takes over */
    int applied;           /* steps done so far */
    char right[96];        /* the title rule's right part */
    struct pline *lines;
    int n, cap;
    int top;               /* the first line shown */
    char typed[256];       /* the confirmation typed so far */
};

static void add(struct plan_screen *p, enum role role, bool bold, int64_t ms, const char *fmt, ...)
    PB_PRINTF(5, 6);

static void add(struct plan_screen *p, enum role role, bool bold, int64_t ms, const char *fmt, ...)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->lines = xrealloc(p->lines, (size_t)p->cap * sizeof *p->lines);
    }
    va_list ap;
    va_start(ap, fmt);
    struct buf b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    p->lines[p->n++] = (struct pline){buf_steal(&b), role, bold, ms};
}

static void clear_lines(struct plan_screen *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->lines[i].text);
    p->n = 0;
    p->top = 0;
}

/* ---- the plan as lines ------------------------------------------------------- */

static void change_lines(struct plan_screen *p, const struct dns_change *c)
{
    char ttl[24], old[24];
    dns_ttl_text(c->ttl, ttl, sizeof ttl);
    if (c->provider_record_id)
        add(p, ROLE_normal, true, -1, " %c %-6s %s   (record %s)", c->op, c->type, c->name,
            c->provider_record_id);
    else
        add(p, ROLE_normal, true, -1, " %c %-6s %s", c->op, c->type, c->name);
    if (c->op == DNS_OP_UPDATE && c->has_old) {
        bool same_ttl = c->old_ttl == c->ttl, same_prio = c->old_priority == c->priority;
        if (strcmp(c->old_content, c->content) != 0)
            add(p, ROLE_normal, false, -1, "            content   %s  →  %s", c->old_content,
                c->content);
        if (!same_ttl)
            add(p, ROLE_normal, false, -1, "            ttl       %s  →  %s",
                dns_ttl_text(c->old_ttl, old, sizeof old), ttl);
        if (!same_prio)
            add(p, ROLE_normal, false, -1, "            priority  %lld  →  %lld",
                (long long)c->old_priority, (long long)c->priority);
        if (c->old_proxied != c->proxied)
            add(p, ROLE_normal, false, -1, "            proxied   %s  →  %s",
                c->old_proxied ? "yes" : "no", c->proxied ? "yes" : "no");
        struct buf same;
        buf_init(&same);
        if (same_prio && c->priority >= 0)
            buf_printf(&same, "priority %lld (same)", (long long)c->priority);
        if (same_ttl)
            buf_printf(&same, "%sttl %s (same)", same.len ? " · " : "", ttl);
        if (same.len)
            add(p, ROLE_muted, false, -1, "            %s", same.s);
        buf_fini(&same);
    } else {
        char prio[40] = "";
        if (c->priority >= 0)
            snprintf(prio, sizeof prio, " · priority %lld", (long long)c->priority);
        add(p, ROLE_normal, false, -1, "            content %s · ttl %s%s%s", c->content, ttl,
            prio, c->proxied ? " · proxied" : "");
    }
    if (c->note)
        add(p, ROLE_muted, false, -1, "            %s", c->note);
    add(p, ROLE_normal, false, -1, "%s", "");
}

static void plan_lines(struct plan_screen *p, struct app *a)
{
    const struct dns_plan *pl = &p->plan;
    clear_lines(p);
    int n = pl->creates + pl->updates + pl->deletes;
    struct buf sum;
    buf_init(&sum);
    buf_printf(&sum, "%d change%s: %d create · %d change · %d delete", n, n == 1 ? "" : "s",
               pl->creates, pl->updates, pl->deletes);
    if (pl->adopts)
        buf_printf(&sum, " · %d taken over", pl->adopts);
    if (pl->conflicts)
        buf_printf(&sum, " · %d left out", pl->conflicts);
    add(p, ROLE_normal, true, -1, "%s.", sum.s);
    buf_fini(&sum);
    char when[64] = "";
    if (pl->last_synced && !screens_when(a, pl->last_synced, false, true, when, sizeof when))
        snprintf(when, sizeof when, "%s", pl->last_synced);
    if (pl->ndrift == 0)
        add(p, ROLE_muted, false, -1, "Cloudflare has not changed since the last sync%s%s%s, so "
            "nothing there is overwritten by surprise.", when[0] ? " (" : "", when,
            when[0] ? ")" : "");
    else
        add(p, ROLE_warning, false, -1, "! %zu record%s changed at Cloudflare since the last "
            "sync: left alone here; I imports them.", pl->ndrift, pl->ndrift == 1 ? "" : "s");
    add(p, ROLE_normal, false, -1, "%s", "");
    for (size_t i = 0; i < pl->n; i++)
        change_lines(p, &pl->changes[i]);
    for (size_t i = 0; i < pl->ndrift; i++)
        add(p, ROLE_warning, false, -1, " ! %c %-6s %s %s   (changed there)", pl->drift[i].kind,
            pl->drift[i].type, pl->drift[i].name, pl->drift[i].content ? pl->drift[i].content
                                                                       : "");
    if (pl->ndrift)
        add(p, ROLE_normal, false, -1, "%s", "");
    if (p->todo == 0) {
        add(p, ROLE_muted, false, -1, "Nothing to apply: %s is as Cloudflare has it.", p->domain);
    } else {
        add(p, ROLE_muted, false, -1, "Applied in this order, one record at a time, each result "
            "shown. If one fails, the run stops there;");
        add(p, ROLE_muted, false, -1, "the rest stays \"not applied\" and A retries.");
    }
}

/* ---- the jobs (worker thread, then the UI thread) ------------------------------ */

enum job_kind { J_PLAN, J_APPLY, J_IMPORT_DRY, J_IMPORT };

struct plan_job {
    struct work w; /* first */
    struct screen_link *link;
    struct mailbox *mb;   /* where each step's line goes */
    enum job_kind kind;
    char key[32];
    struct dns_plan plan; /* made here (J_PLAN) or applied here (J_APPLY) */
    struct dns_import_result imp;
    pb_err err;
};

/* A step's result line, from the worker to the screen. */
struct step_mail {
    struct mail m; /* first */
    struct screen_link *link; /* held by the job until its done, which comes later */
    bool ok;
    int64_t ms;
    char *text;
};

static void step_handle(struct mail *m, void *ui)
{
    struct step_mail *sm = (struct step_mail *)m;
    struct screen *s = ui ? sm->link->s : NULL;
    if (s) {
        struct plan_screen *p = s->priv;
        p->applied++;
        add(p, sm->ok ? ROLE_ok : ROLE_error, false, sm->ms, "%s", sm->text);
        ui_dirty(ui);
    }
    free(sm->text);
    free(sm);
}

/* Worker thread: dns_apply's step callback. */
static void on_step(void *arg, const struct dns_change *c, size_t i, size_t n)
{
    struct plan_job *j = arg;
    struct step_mail *sm = xcalloc(1, sizeof *sm);
    sm->m.handle = step_handle;
    sm->link = j->link;
    sm->ok = c->state == DNS_STEP_DONE;
    sm->ms = c->ms;
    sm->text = xasprintf("%s %c %s %s%s%s", sm->ok ? "✓" : "✗", c->op, c->type, c->name,
                         sm->ok ? " " : ": ", c->result ? c->result : "");
    mailbox_post(j->mb, &sm->m);
}

static void job_run(struct work *w, void *wctx)
{
    struct plan_job *j = (struct plan_job *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (a && j->kind == J_PLAN)
        e = dns_plan_make(a, j->key, &j->plan);
    else if (a && j->kind == J_APPLY)
        e = dns_apply(a, &j->plan, on_step, j);
    else if (a)
        e = dns_import_remote(a, j->key, j->kind == J_IMPORT_DRY, &j->imp);
    j->err = e;
}

/* The import's counts: first what it would do (dry, SCREENS.md: the
 * difference before anything is taken in), then what it did. */
static void import_done(struct screen *s, struct plan_job *j)
{
    struct plan_screen *p = s->priv;
    const struct dns_import_result *r = &j->imp;
    bool dry = j->kind == J_IMPORT_DRY;
    clear_lines(p);
    p->state = dry ? P_IMPORT_READY : P_DONE;
    char counts[240], msg[400];
    snprintf(counts, sizeof counts, "%d added · %d changed · %d removed · %d taken over · %d kept "
             "· %d skipped · %d same", r->added, r->changed, r->removed, r->adopted, r->kept,
             r->skipped, r->unchanged);
    snprintf(msg, sizeof msg, "%s from Cloudflare (%d record%s there)%s",
             dry ? "An import" : "Imported", r->remote_records, r->remote_records == 1 ? "" : "s",
             dry ? " would make:" : ":");
    snprintf(p->right, sizeof p->right, "%s", dry ? "read; nothing taken in yet" : "imported");
    add(p, dry ? ROLE_normal : ROLE_ok, true, r->total_ms, "%s %s", dry ? "·" : "✓", msg);
    add(p, dry ? ROLE_normal : ROLE_ok, false, -1, "   %s", counts);
    for (size_t i = 0; i < r->nnotes; i++)
        add(p, ROLE_normal, false, -1, "   %s", r->notes[i]);
    add(p, ROLE_muted, false, -1, "%s", "");
    add(p, ROLE_muted, false, -1,
        dry ? "Enter takes Cloudflare's records in; Esc leaves the zone as it is."
            : "Esc goes back to the records, which show what came in.");
    if (!dry)
        ui_msg(s->ui, MSG_OK, "%s %s %s", p->domain, msg, counts);
}

static void apply_done(struct screen *s, struct plan_job *j)
{
    struct plan_screen *p = s->priv;
    bool step_failed = false;
    for (size_t i = 0; i < j->plan.n; i++)
        step_failed |= j->plan.changes[i].state == DNS_STEP_FAILED;
    if (j->err) {
        p->state = P_FAILED;
        if (!step_failed)
            add(p, ROLE_error, false, -1, "✗ %s", j->err->msg);
        int left = p->todo - p->applied + (step_failed ? 1 : 0);
        add(p, ROLE_error, false, -1, "    Stopped here; %d change%s not applied. A retries; "
            "nothing is lost.", left, left == 1 ? "" : "s");
        ui_msg(s->ui, MSG_ERROR, "%s: stopped, %d change%s not applied. A retries.", p->domain,
               left, left == 1 ? "" : "s");
    } else {
        p->state = P_DONE;
        ui_msg(s->ui, MSG_OK, "Applied %d change%s to %s.", p->todo, p->todo == 1 ? "" : "s",
               p->domain);
    }
    add(p, ROLE_muted, false, -1, "%s", "");
    add(p, ROLE_muted, false, -1, "Esc goes back to the records, which show the new states.");
}

static void job_done(struct work *w, void *ui)
{
    struct plan_job *j = (struct plan_job *)w;
    struct screen *s = ui ? j->link->s : NULL;
    if (s) {
        struct plan_screen *p = s->priv;
        if (j->err && j->kind != J_APPLY) {
            p->state = P_FAILED;
            snprintf(p->right, sizeof p->right, "Cloudflare not read");
            clear_lines(p);
            add(p, ROLE_error, false, -1, "✗ %s", j->err->msg);
            ui_msg_err(ui, j->err);
        } else if (j->kind == J_PLAN) {
            p->plan = j->plan;
            memset(&j->plan, 0, sizeof j->plan);
            p->have_plan = true;
            p->state = P_PLAN;
            p->todo = p->plan.creates + p->plan.updates + p->plan.deletes + p->plan.adopts;
            char when[64] = "";
            if (!screens_when(screens_app(ui), p->plan.read_at, false, true, when, sizeof when))
                snprintf(when, sizeof when, "%s", p->plan.read_at);
            snprintf(p->right, sizeof p->right, "against Cloudflare, read %s", when);
            plan_lines(p, screens_app(ui));
        } else if (j->kind == J_IMPORT || j->kind == J_IMPORT_DRY) {
            import_done(s, j);
        } else {
            apply_done(s, j);
            p->plan = j->plan; /* with each change's result */
            memset(&j->plan, 0, sizeof j->plan);
            p->have_plan = true;
        }
        ui_dirty(ui);
    }
    dns_plan_fini(&j->plan);
    if ((j->kind == J_IMPORT || j->kind == J_IMPORT_DRY) && !j->err)
        dns_import_result_fini(&j->imp);
    err_free(&j->err);
    screen_link_drop(j->link);
    free(j);
}

static void submit(struct screen *s, enum job_kind kind)
{
    struct plan_screen *p = s->priv;
    struct plan_job *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    j->mb = ui_mailbox(s->ui);
    j->kind = kind;
    snprintf(j->key, sizeof j->key, "%s", p->key);
    if (kind == J_APPLY) { /* the job owns the plan until it is done */
        j->plan = p->plan;
        memset(&p->plan, 0, sizeof p->plan);
        p->have_plan = false;
    }
    j->w.run = job_run;
    j->w.done = job_done;
    worker_submit(ui_worker(s->ui), &j->w);
}

/* ---- the screen ---------------------------------------------------------------- */

static pb_err plan_open(struct screen *s, const char *args)
{
    struct plan_screen *p = s->priv;
    const char *key = args ? args : "";
    p->import = strncmp(key, "import:", 7) == 0;
    if (p->import)
        key += 7;
    struct dns_zone_row z = {0};
    pb_err e = dns_zone_get(screens_app(s->ui), key, &z);
    if (!e && !screens_is(z.provider, "cloudflare"))
        e = err_new(PB_BUSINESS, "%s is kept here only: there is nothing to %s at Cloudflare.",
                    z.domain, p->import ? "import" : "apply");
    if (!e) {
        snprintf(p->key, sizeof p->key, "%lld", (long long)z.id);
        snprintf(p->domain, sizeof p->domain, "%s", z.domain);
    }
    dns_zone_row_fini(&z);
    if (e)
        return e;
    p->link = screen_link_new(s);
    p->state = P_READING;
    snprintf(p->right, sizeof p->right, "reading Cloudflare…");
    submit(s, p->import ? J_IMPORT_DRY : J_PLAN);
    return NULL;
}

static void plan_close(struct screen *s)
{
    struct plan_screen *p = s->priv;
    screen_link_close(p->link);
    clear_lines(p);
    free(p->lines);
    dns_plan_fini(&p->plan);
}

static void plan_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct plan_screen *p = s->priv;
    buf_printf(left, "› %s › %s", p->domain, p->import ? "import" : "plan");
    buf_puts(right, p->state == P_APPLYING ? "applying…" : p->right);
}

/* The plan deletes something: SCREENS.md 2.10's third strength. */
static bool needs_typed(const struct plan_screen *p)
{
    return p->state == P_PLAN && p->plan.deletes > 0;
}

static void plan_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct plan_screen *p = s->priv;
    canvas_fill(c, body, ROLE_normal);
    int foot = needs_typed(p) ? 3 : 0;
    int h = body.h - foot;
    if (p->state == P_READING) {
        canvas_text(c, body.y + 1, body.x + 1, body.w - 2, ROLE_muted,
                    p->import ? "… reading Cloudflare and comparing its records with the zone."
                              : "… reading Cloudflare to make the plan; nothing is written there "
                                "yet.");
        return;
    }
    /* While applying, the newest result stays in view. */
    if (p->state != P_PLAN && p->n - p->top > h)
        p->top = p->n - h;
    for (int i = 0; i < h && p->top + i < p->n; i++) {
        const struct pline *l = &p->lines[p->top + i];
        int y = body.y + i, w = body.w - 2;
        if (l->ms >= 0) {
            char ms[32];
            fmt_int_sep(l->ms, ms, sizeof ms - 4);
            strcat(ms, " ms");
            canvas_text_right(c, y, body.x + body.w - 1, 10, l->role, ms);
            w -= 11;
        }
        canvas_text_attr(c, y, body.x + 1, w, l->role, l->bold ? ATTR_BOLD : 0, true, l->text);
    }
    if (!foot)
        return;
    int y = body.y + h;
    char title[96];
    snprintf(title, sizeof title, "This plan deletes %d record%s", p->plan.deletes,
             p->plan.deletes == 1 ? "" : "s");
    screens_rule(c, y, body.x, body.w, title, "", true);
    int x = body.x + 3;
    x += canvas_text(c, y + 1, x, body.w - 4, ROLE_normal, "Type the zone name to apply   [");
    int fw = text_width(p->domain) + 2;
    int used = canvas_text(c, y + 1, x, fw, ROLE_field_focus, p->typed);
    canvas_fill(c, (struct rect){y + 1, x + used, 1, fw - used}, ROLE_field_focus);
    canvas_cursor(c, y + 1, x + used);
    canvas_text(c, y + 1, x + fw, 2, ROLE_normal, "]");
}

static void start_apply(struct screen *s)
{
    struct plan_screen *p = s->priv;
    if (p->todo == 0) {
        ui_msg(s->ui, MSG_INFO, "Nothing to apply: %s is as Cloudflare has it.", p->domain);
        return;
    }
    if (needs_typed(p) && strcasecmp(p->typed, p->domain) != 0) {
        ui_msg(s->ui, MSG_ERROR, "Type %s to confirm.", p->domain);
        return;
    }
    p->state = P_APPLYING;
    p->applied = 0;
    add(p, ROLE_normal, true, -1, "Applying, one record at a time:");
    submit(s, J_APPLY);
}

static char *plan_text(const struct plan_screen *p)
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s %s\n", p->import ? "Import of" : "Plan for", p->domain);
    for (int i = 0; i < p->n; i++)
        buf_printf(&b, "%s\n", p->lines[i].text);
    return buf_steal(&b);
}

static unsigned plan_key(struct screen *s, const struct key *k)
{
    struct plan_screen *p = s->priv;
    if (k->alt || k->code == K_MOUSE)
        return R_NONE;
    int page = 10;
    switch (k->code) {
    case K_ESC:
    case 'q':
        if (k->code == 'q' && needs_typed(p))
            break; /* a q may be part of the zone's name */
        if (p->state == P_APPLYING)
            ui_msg(s->ui, MSG_INFO, "The apply of %s goes on; the records show each result.",
                   p->domain);
        return R_CLOSE;
    case K_UP:
    case K_DOWN:
    case K_PGUP:
    case K_PGDN: {
        int d = k->code == K_UP ? -1 : k->code == K_DOWN ? 1 : k->code == K_PGUP ? -page : page;
        p->top += d;
        if (p->top > p->n - 1)
            p->top = p->n - 1;
        if (p->top < 0)
            p->top = 0;
        return R_REDRAW;
    }
    case K_ENTER:
        if (p->state == P_PLAN) {
            start_apply(s);
        } else if (p->state == P_IMPORT_READY) {
            p->state = P_READING;
            submit(s, J_IMPORT);
        }
        else if (p->state == P_READING || p->state == P_APPLYING)
            ui_msg(s->ui, MSG_INFO, "Still talking to Cloudflare; the answer shows here.");
        else
            return R_CLOSE;
        return R_REDRAW;
    case K_BACKSPACE:
        if (needs_typed(p)) {
            text_pop_char(p->typed);
            return R_REDRAW;
        }
        return R_HANDLED;
    case K_CTRL('u'):
        p->typed[0] = '\0';
        return R_REDRAW;
    case 'y':
        if (!needs_typed(p))
            return screens_copy(s->ui, plan_text(p), "the %s of %s",
                                p->import ? "import" : "plan", p->domain);
        break;
    default:
        break;
    }
    if (needs_typed(p) && k->code >= 32 && k->code < K_SPECIAL && k->code != 127) {
        text_append_cp(p->typed, sizeof p->typed, k->code);
        return R_REDRAW;
    }
    /* Digits are typed above; elsewhere the number keys switch screens. */
    return needs_typed(p) ? R_HANDLED : R_NONE;
}

static bool plan_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    struct plan_screen *p = s->priv;
    const char *h = p->state == P_PLAN
                        ? (p->todo ? "Enter apply  ↑↓ scroll  y copy plan  Esc back to the records"
                                   : "↑↓ scroll  y copy plan  Esc back to the records")
                        : p->state == P_IMPORT_READY
                            ? "Enter import  ↑↓ scroll  y copy  Esc back (nothing taken in)"
                        : p->state == P_APPLYING ? "Esc back (the apply goes on)"
                                                 : "Esc back to the records  y copy  ↑↓ scroll";
    ui_draw_hints(s->ui, y, 0, w, h);
    return true;
}

static const struct keybind plan_keys[] = {
    {A_BACK, "back", NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_dns_plan = {
    .name = "dns-plan",
    .hidden = true,
    .title = "DNS",
    .number = 0,
    .perm = "dns.edit",
    .keys = plan_keys,
    .priv_size = sizeof(struct plan_screen),
    .open = plan_open,
    .close = plan_close,
    .draw = plan_draw,
    .on_key = plan_key,
    .rule = plan_rule,
    .bottom = plan_bottom,
};
