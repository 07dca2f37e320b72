/*
 * audit.c - :audit (admin, root), the audit log (SCREENS.md 4.14): "who
 * changed this, when, from where, and what was it before?" for any row,
 * and whether the log is still the one patchbay wrote.
 *
 * The table widget over the signed-in tenant's entries, newest first (Time
 * in the tenant's zone, operator, origin, entity and row, action with its
 * reason; the tenant at wide widths), with the entry under the cursor
 * below it: only the fields the change touched, before and after side by
 * side with + ~ - marks (v shows every field), and the chain line (the
 * entry's hash and the previous one). Enter shows the same full-screen
 * (audit-entry), where Ctrl-N and Ctrl-P step through the list.
 *
 * The title counts the entries and says what the last verification of the
 * chain found: the screen walks the chain on the worker when it opens and
 * on Ctrl-L (`chain ✓`, `chain ✗ at entry N`, the failure also as an error
 * message). f narrows to an action, an operator or an entity (the values
 * the log holds, with their counts, read on the worker), r to a range of
 * days, / to entries whose label, action, reason or operator hold the words
 * typed; w writes what is listed as CSV in $XDG_DATA_HOME/patchbay/audit/.
 * Live: entries written meanwhile come in at the top ("+").
 *
 * Palette arguments: entity=E id=N (or "customer 42"), user=EMAIL,
 * action=A, from=YYYY-MM-DD, to=YYYY-MM-DD; other words filter. H on a row
 * elsewhere opens this screen on that row (screens_history). UI thread
 * only, except the source callbacks and the work's run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/input.h"
#include "core/date.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"
#include "ui/worker.h"

enum { C_TIME, C_USER, C_FROM, C_ENTITY, C_ACTION, C_TENANT, NCOLS };

static const struct table_col cols_template[NCOLS] = {
    [C_TIME] = {.name = "Time", .width = 12, .prio = 1},
    [C_USER] = {.name = "User", .width = 8, .prio = 1},
    [C_FROM] = {.name = "From", .width = 5, .prio = 2},
    [C_ENTITY] = {.name = "Entity", .width = 17, .prio = 1},
    [C_ACTION] = {.name = "Action", .width = 22, .prio = 1, .flex = true},
    [C_TENANT] = {.name = "Tenant", .width = 10, .prio = 4},
};

/* ---- shared drawing helpers ------------------------------------------------- */

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "24 Nov 14:33" for a stored UTC time in the tenant's zone, "24 Nov 2025"
 * in another year; with secs "24 Nov 14:33:10 +06" ("24 Nov 2025 14:33:10
 * +06"). The text itself when it does not parse. Any thread (a is read). */
static void entry_time(const struct app *a, const char *iso, bool secs, char *out, size_t n)
{
    int64_t t = 0;
    pb_err e = time_parse_iso(iso ? iso : "", &t);
    if (e) {
        err_free(&e);
        snprintf(out, n, "%s", iso ? iso : "");
        return;
    }
    struct date d;
    int hh = 0, mm = 0, ss = 0;
    int32_t off = 0;
    if (a->tz) {
        tz_local_time(a->tz, t, &d, &hh, &mm, &ss);
        off = tz_offset_at(a->tz, t);
    } else {
        int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, sec = t - days * 86400;
        d = date_from_days((int32_t)days);
        hh = (int)(sec / 3600);
        mm = (int)(sec / 60 % 60);
        ss = (int)(sec % 60);
    }
    const char *mon = d.m >= 1 && d.m <= 12 ? month_names[d.m - 1] : "?";
    char year[8] = "";
    if (d.y != app_today(a).y)
        snprintf(year, sizeof year, " %d", d.y);
    if (!secs && year[0]) {
        snprintf(out, n, "%02d %s%s", d.d, mon, year);
        return;
    }
    if (!secs) {
        snprintf(out, n, "%02d %s %02d:%02d", d.d, mon, hh, mm);
        return;
    }
    char zone[TZ_OFFSET_BUF];
    tz_format_offset(off, zone, sizeof zone);
    snprintf(out, n, "%02d %s%s %02d:%02d:%02d %s", d.d, mon, year, hh, mm, ss, zone);
}

/* How an entity reads in a cell: "hosting", "dns zone". Any thread. */
static const char *entity_word(const char *e, char *buf, size_t n)
{
    if (screens_is(e, "hosting_account"))
        return "hosting";
    snprintf(buf, n, "%s", e ? e : "");
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    return buf;
}

/* "subscription 4412", and "invoice …436118" when that is wider than the
 * column: the end of an id tells rows apart. Caller frees. Any thread. */
static char *entity_cell(const struct audit_row *r, int width)
{
    char w[40];
    const char *word = entity_word(r->entity, w, sizeof w);
    if (!r->entity_id)
        return xstrdup(word);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)r->entity_id);
    int room = width - text_width(word) - 2; /* the space and "…" */
    if (text_width(word) + 1 + (int)strlen(id) <= width || room < 2)
        return xasprintf("%s %s", word, id);
    return xasprintf("%s …%s", word, id + strlen(id) - (size_t)room);
}

/* "suspend (customer_request)". Caller frees. Any thread. */
static char *action_text(const struct audit_row *r)
{
    if (r->reason && *r->reason)
        return xasprintf("%s (%s)", r->action ? r->action : "", r->reason);
    return xstrdup(r->action ? r->action : "");
}

/* "9f2c…e1a0": enough of a hash to compare by eye. */
static void short_hash(const char *h, bool ascii, char *out, size_t n)
{
    size_t len = h ? strlen(h) : 0;
    if (len == 0)
        snprintf(out, n, "%s", ascii ? "-" : "—");
    else if (len <= 8)
        snprintf(out, n, "%s", h);
    else
        snprintf(out, n, "%.4s%s%s", h, ascii ? "." : "…", h + len - 4);
}

/* ---- what the last walk of the chain found ------------------------------------- */

enum chain_state { CH_UNKNOWN, CH_CHECKING, CH_OK, CH_BROKEN, CH_FAILED };

struct chain_seen {
    enum chain_state state;
    int64_t checked, bad;
};

/* The chain state as a word of a screen's arguments ("chain=ok",
 * "chain=broken:17"), and back: the entry screen shows what the list's walk
 * found without reaching into the list. */
static void chain_arg(const struct chain_seen *ch, char *out, size_t n)
{
    static const char *const words[] = {"unknown", "checking", "ok", "broken", "failed"};
    if (ch->state == CH_BROKEN)
        snprintf(out, n, "chain=broken:%lld", (long long)ch->bad);
    else /* a walk still under way would never be heard of there */
        snprintf(out, n, "chain=%s", words[ch->state == CH_CHECKING ? CH_UNKNOWN : ch->state]);
}

static void chain_from_arg(const char *args, struct chain_seen *ch)
{
    static const char *const words[] = {"unknown", "checking", "ok", "broken", "failed"};
    memset(ch, 0, sizeof *ch);
    const char *w = args ? strstr(args, "chain=") : NULL;
    if (!w)
        return;
    w += 6;
    for (int i = 0; i < 5; i++) {
        size_t len = strlen(words[i]);
        if (strncmp(w, words[i], len) == 0 && (w[len] == '\0' || w[len] == ' ' ||
                                               w[len] == ':')) {
            ch->state = (enum chain_state)i;
            if (ch->state == CH_BROKEN && w[len] == ':')
                ch->bad = strtoll(w + len + 1, NULL, 10);
            return;
        }
    }
}

/* " · chain ✓" for a title. */
static void chain_title(const struct chain_seen *ch, bool ascii, struct buf *b)
{
    char id[32];
    switch (ch->state) {
    case CH_CHECKING:
        buf_printf(b, " · chain %s", ascii ? "..." : "…");
        break;
    case CH_OK:
        buf_printf(b, " · chain %s", ascii ? "ok" : "✓");
        break;
    case CH_BROKEN:
        fmt_int_sep(ch->bad, id, sizeof id);
        buf_printf(b, " · chain %s at entry %s", ascii ? "x" : "✗", id);
        break;
    case CH_FAILED:
        buf_puts(b, " · chain not checked");
        break;
    default:
        break;
    }
}

/* ---- one entry: the pane below the list and the full-screen view -------------- */

struct aview {
    bool loaded;
    struct audit_row r;
    struct audit_field *f; /* what the pane lists (every field with all) */
    int nf;
    bool all;   /* v: unchanged fields too */
    int scroll; /* full screen: the first line of the field table shown */
    int lines, shown; /* field table lines at the last draw, and how many fitted */
};

static void aview_fini(struct aview *v)
{
    if (v->loaded)
        audit_row_fini(&v->r);
    audit_fields_free(v->f, v->nf);
    v->f = NULL;
    v->nf = 0;
    v->loaded = false;
}

static pb_err aview_load(struct aview *v, struct app *a, int64_t id)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct audit_row r;
    pb_err e = audit_get(a, key, &r);
    if (e) {
        audit_row_fini(&r);
        return e;
    }
    bool same = v->loaded && v->r.id == id;
    aview_fini(v);
    v->r = r;
    v->loaded = true;
    if (!same)
        v->scroll = 0;
    audit_diff(&v->r, v->all, &v->f, &v->nf);
    return NULL;
}

static void aview_toggle_all(struct aview *v)
{
    v->all = !v->all;
    if (!v->loaded)
        return;
    audit_fields_free(v->f, v->nf);
    audit_diff(&v->r, v->all, &v->f, &v->nf);
}

/* The entry as plain text (y). Caller frees. */
static char *aview_text(const struct aview *v, const struct app *a)
{
    struct buf b;
    buf_init(&b);
    char when[64];
    entry_time(a, v->r.at, true, when, sizeof when);
    char *act = action_text(&v->r);
    buf_printf(&b, "Audit entry %lld: %s %lld %s, %s by %s (%s%s%s) at %s\n", (long long)v->r.id,
               v->r.entity ? v->r.entity : "", (long long)v->r.entity_id,
               v->r.entity_label ? v->r.entity_label : "", act,
               v->r.user_email ? v->r.user_email : "", v->r.origin ? v->r.origin : "",
               v->r.remote ? ", " : "", v->r.remote ? v->r.remote : "", when);
    free(act);
    for (int i = 0; i < v->nf; i++)
        buf_printf(&b, "%c %s: %s -> %s\n", audit_mark_char(v->f[i].mark), v->f[i].name,
                   v->f[i].before ? v->f[i].before : "(none)",
                   v->f[i].after ? v->f[i].after : "(none)");
    buf_printf(&b, "hash %s, previous %s\n", v->r.hash ? v->r.hash : "",
               v->r.prev_hash ? v->r.prev_hash : "");
    return buf_steal(&b);
}

/* The chain line's verdict on this entry and its role. */
static const char *chain_verdict(const struct chain_seen *ch, int64_t id, bool ascii,
                                 char *buf, size_t n, enum role *role)
{
    char at[32];
    *role = ROLE_muted;
    switch (ch ? ch->state : CH_UNKNOWN) {
    case CH_CHECKING:
        return ascii ? "checking the chain..." : "checking the chain…";
    case CH_OK:
        *role = ROLE_ok;
        return "chain verified";
    case CH_BROKEN:
        fmt_int_sep(ch->bad, at, sizeof at);
        if (id < ch->bad) {
            *role = ROLE_ok;
            snprintf(buf, n, "chain verified up to here (it breaks at entry %s)", at);
        } else if (id == ch->bad) {
            *role = ROLE_error;
            snprintf(buf, n, "%s the chain breaks here: changed outside patchbay",
                     ascii ? "x" : "✗");
        } else {
            *role = ROLE_warning;
            snprintf(buf, n, "after the break at entry %s: not to be trusted", at);
        }
        return buf;
    case CH_FAILED:
        return "the chain could not be checked";
    default:
        return "patchbay audit verify checks the chain";
    }
}

/* One value in its column: wrapped into at most maxl lines from line skip
 * on; "—" for a side the field is absent on. Returns the lines it takes. */
static int value_lines(const char *v, int w, int maxl)
{
    if (!v || w <= 0)
        return 1;
    size_t at[16], len[16];
    return text_wrap(v, w, maxl < 16 ? maxl : 16, at, len);
}

static void draw_value(struct canvas *c, int y, int x, int w, int maxl, int skip, int rows,
                       enum role role, const char *v)
{
    if (!v) {
        if (skip == 0 && rows > 0)
            canvas_text(c, y, x, w, ROLE_muted, canvas_glyph_str(c, G_EMDASH));
        return;
    }
    size_t at[16], len[16];
    int n = text_wrap(v, w, maxl < 16 ? maxl : 16, at, len);
    for (int i = skip; i < n && i - skip < rows; i++) {
        char *line = xstrndup(v + at[i], len[i]);
        canvas_text_attr(c, y + i - skip, x, w, role, 0, true, line);
        free(line);
    }
}

/* Paints v into r: the entry's rule (when, who, from where; the action),
 * with head the row it is about, then the field table from v->scroll, and
 * at the bottom the chain line and what the marks mean. */
static void aview_draw(struct aview *v, struct ui *ui, struct canvas *c, struct rect r,
                       const struct chain_seen *ch, bool full)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    canvas_fill(c, r, ROLE_normal);
    struct app *a = screens_app(ui);
    bool ascii = ui_ascii(ui);
    int y = r.y, bottom = r.y + r.h, x = r.x, w = r.w;
    if (!v->loaded) {
        screens_rule(c, y, x, w, "Before and after", NULL, false);
        if (y + 2 < bottom)
            canvas_text_attr(c, y + 2, x + 2, w - 4, ROLE_muted, 0, true,
                             "The entry under the cursor shows here, before and after.");
        return;
    }
    const struct audit_row *e = &v->r;
    char when[64], left[320];
    entry_time(a, e->at, true, when, sizeof when);
    snprintf(left, sizeof left, "%s · %s · %s%s%s", when,
             e->user_email && *e->user_email ? e->user_email : "(nobody signed in)",
             e->origin ? e->origin : "", e->remote ? ", " : "", e->remote ? e->remote : "");
    char *act = action_text(e);
    screens_rule(c, y++, x, w, left, act, false);
    free(act);
    if (full && y < bottom) {
        char ew[40];
        canvas_printf(c, y++, x + 2, w - 4, ROLE_normal, "%s %lld%s%s", entity_word(e->entity,
                      ew, sizeof ew), (long long)e->entity_id,
                      e->entity_label && *e->entity_label ? " · " : "",
                      e->entity_label ? e->entity_label : "");
    }
    /* The footer: the chain line and what the marks mean, as room allows. */
    char idtxt[32], hh[32], ph[32], vbuf[160], chainl[400];
    enum role vrole;
    fmt_int_sep(e->id, idtxt, sizeof idtxt);
    short_hash(e->hash, ascii, hh, sizeof hh);
    short_hash(e->prev_hash, ascii, ph, sizeof ph);
    const char *verdict = chain_verdict(ch, e->id, ascii, vbuf, sizeof vbuf, &vrole);
    snprintf(chainl, sizeof chainl, "entry %s · hash %s · previous %s · ", idtxt, hh, ph);
    const char *notes[] = {
        v->all ? "every field shown (v hides the unchanged) · values as stored, times in UTC"
               : "unchanged fields hidden (v shows all) · values as stored, times in UTC",
        "the log is append-only: to undo, change the record again (e)",
    };
    int room = bottom - y;
    int nnotes = room >= 12 ? 2 : room >= 9 ? 1 : 0;
    int footer = room >= 6 ? 1 + nnotes + (room >= 8 ? 1 : 0) : 0;
    int fend = bottom - footer;
    /* The field table. */
    int mx = x + 2, nx = x + 4, nw = 15;
    for (int i = 0; i < v->nf; i++) {
        int tw = text_width(v->f[i].name);
        nw = tw > nw ? tw : nw;
    }
    if (nw > w / 4)
        nw = w / 4 > 6 ? w / 4 : 6;
    int bx = nx + nw + 2, colw = (x + w - 1 - bx - 2) / 2, ax = bx + colw + 2;
    int maxl = full ? 12 : 3;
    if (y < fend) {
        canvas_printf(c, y, nx, nw, ROLE_table_header, "%s", "Field");
        canvas_text(c, y, bx, colw, ROLE_table_header, "Before");
        canvas_text(c, y, ax, colw, ROLE_table_header, "After");
        y++;
    }
    int total = 0;
    for (int i = 0; i < v->nf; i++) {
        int hb = value_lines(v->f[i].before, colw, maxl), ha = value_lines(v->f[i].after, colw, maxl);
        total += hb > ha ? hb : ha;
    }
    v->lines = total;
    if (v->scroll > total - 1)
        v->scroll = total > 0 ? total - 1 : 0;
    int line = 0, shown = 0;
    if (!v->nf && y < fend)
        canvas_text_attr(c, y++, nx, w - 6, ROLE_muted, 0, true,
                         !e->before_json && !e->after_json
                             ? "This entry records an event; it holds no fields."
                         : v->all ? "No fields recorded."
                                  : "No field changed (v shows every field recorded).");
    for (int i = 0; i < v->nf && y < fend; i++) {
        const struct audit_field *f = &v->f[i];
        int hb = value_lines(f->before, colw, maxl), ha = value_lines(f->after, colw, maxl);
        int h = hb > ha ? hb : ha;
        if (line + h <= v->scroll) {
            line += h;
            continue;
        }
        int skip = v->scroll > line ? v->scroll - line : 0;
        int rows = h - skip < fend - y ? h - skip : fend - y;
        enum role mrole = f->mark == AUDIT_ADDED     ? ROLE_ok
                          : f->mark == AUDIT_REMOVED ? ROLE_error
                          : f->mark == AUDIT_CHANGED ? ROLE_changed
                                                     : ROLE_normal;
        if (skip == 0) {
            char mk[2] = {audit_mark_char(f->mark), '\0'};
            canvas_text(c, y, mx, 1, mrole, mk);
            canvas_text_attr(c, y, nx, nw, ROLE_normal, 0, true, f->name);
        }
        draw_value(c, y, bx, colw, maxl, skip, rows,
                   f->mark == AUDIT_SAME ? ROLE_muted : ROLE_normal, f->before);
        draw_value(c, y, ax, colw, maxl, skip, rows, ROLE_normal, f->after);
        y += rows;
        line += h;
        shown += rows;
    }
    v->shown = shown;
    int below = total - v->scroll - shown;
    if (below > 0 && fend - 1 > r.y && !full) {
        /* The last line drawn says what did not fit, instead of its text. */
        canvas_fill(c, (struct rect){fend - 1, x, 1, w}, ROLE_normal);
        canvas_printf(c, fend - 1, nx, w - 6, ROLE_muted, "%s %d more line%s: Enter shows all",
                      canvas_glyph_str(c, G_ELLIPSIS), below + 1, below + 1 == 1 ? "" : "s");
    }
    /* The footer, from the bottom up. */
    y = fend + (footer > 1 + nnotes ? 1 : 0);
    if (footer > 0 && y < bottom) {
        int cx = x + 1 + canvas_text_attr(c, y, x + 1, w - 2, ROLE_muted, 0, true, chainl);
        canvas_text_attr(c, y, cx, x + w - 1 - cx, vrole, 0, true, verdict);
        y++;
    }
    for (int i = 0; i < nnotes && y < bottom; i++)
        canvas_text_attr(c, y++, x + 1, w - 2, ROLE_muted, 0, true, notes[i]);
}

/* ---- the list -------------------------------------------------------------------- */

/* What the source reads on the worker. Changed only while no table uses it
 * (requery frees the table first, which waits for its fetches). */
struct asrc {
    struct audit_filter f;
};

static void to_query(const struct table_req *rq, const struct asrc *src, struct audit_query *q)
{
    memset(q, 0, sizeof *q);
    audit_filter_query(&src->f, q);
    q->search = rq->filter && *rq->filter ? rq->filter : NULL;
    q->dir = screens_page_dir(rq->dir);
    q->anchor_id = rq->anchor_id;
    q->anchor_key = rq->anchor_key;
    q->limit = rq->limit;
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct audit_query q;
    to_query(rq, arg, &q);
    struct audit_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = audit_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    const char *tenant = a->tenant.short_name && *a->tenant.short_name ? a->tenant.short_name
                         : a->tenant.name ? a->tenant.name : "";
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        const struct audit_row *r = &rows[i];
        struct table_row *tr = &out->rows[i];
        char when[32], who[64];
        entry_time(a, r->at, false, when, sizeof when);
        screens_local_part(r->user_email, who, sizeof who);
        tr->id = r->id;
        tr->version = 1; /* entries never change */
        tr->key = xstrdup(r->at ? r->at : ""); /* the keyset goes by time, then id */
        tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
        tr->cells[C_TIME] = xstrdup(when);
        tr->cells[C_USER] = xstrdup(who[0] ? who : "—");
        tr->cells[C_FROM] = xstrdup(r->origin ? r->origin : "");
        tr->cells[C_ENTITY] = entity_cell(r, cols_template[C_ENTITY].width);
        tr->cells[C_ACTION] = action_text(r);
        tr->cells[C_TENANT] = xstrdup(tenant);
        tr->role = ROLE_normal;
        if (r->entity_label && *r->entity_label)
            tr->message = xasprintf("%s: %s by %s", r->entity_label, tr->cells[C_ACTION],
                                    r->user_email && *r->user_email ? r->user_email : "nobody");
    }
    audit_rows_free(rows, n);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct audit_query q;
    to_query(rq, arg, &q);
    e = audit_count(a, &q, matching);
    if (!e && total) {
        q.search = NULL; /* "3 of 7": the screen's filters without "/" */
        e = audit_count(a, &q, total);
    }
    return e;
}

static const struct table_source source_template = {
    .ncols = NCOLS,
    .noun = "changes",
    .empty = "No changes recorded yet: every change made through patchbay is written here.",
    .empty_filter = "No entry holds \"%s\" in its label, action, reason or operator. Esc clears "
                    "the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* The values f offers, and which filter each menu row sets. */
enum { FACETS = 3, FACET_MAX = 6 };

struct facet_pick {
    int kind; /* -1: all (clears the three), else enum audit_facet */
    char value[256];
};

struct audit_screen {
    struct list_screen ls; /* first */
    struct asrc src;
    struct table_col cols[NCOLS];
    char time_head[24];
    struct aview v;
    struct chain_seen ch;
    struct screen_link *link;
    bool paused;
    /* The palette's words as typed (audit_input points at them). */
    char in[6][256];
    bool after_entity; /* the last word was an entity name: a number next is its row */
    struct facet_pick picks[1 + FACETS * (FACET_MAX + 1)];
    struct menu_item ranges[6];
    int range; /* the r menu's choice in force (0: all dates, or the palette's) */
};

static const char *const range_names[] = {"all dates", "today", "last 7 days", "this month",
                                          "last 30 days", "last 12 months"};
enum { NRANGES = 6 };

/* What the list's empty state says for the filters in force. */
static void set_empty(struct audit_screen *p)
{
    const struct audit_filter *f = &p->src.f;
    if (f->entity[0] && f->entity_id)
        snprintf(p->ls.empty, sizeof p->ls.empty, "No changes recorded for this row yet.");
    else if (f->entity[0] || f->user[0] || f->action[0] || f->from[0] || f->to[0])
        snprintf(p->ls.empty, sizeof p->ls.empty,
                 "No entry matches these filters. f and r change them.");
    else
        p->ls.empty[0] = '\0';
    p->ls.src.empty = p->ls.empty[0] ? p->ls.empty : source_template.empty;
}

/* Shows the entry under the cursor below the list; true when that changed. */
static bool follow(struct screen *s)
{
    struct audit_screen *p = s->priv;
    const struct table_row *r = p->ls.t ? table_current(p->ls.t) : NULL;
    if (!r) {
        bool was = p->v.loaded;
        aview_fini(&p->v);
        return was;
    }
    if (p->v.loaded && p->v.r.id == r->id)
        return false;
    pb_err e = aview_load(&p->v, screens_app(s->ui), r->id);
    if (e) {
        err_free(&e);
        aview_fini(&p->v);
    }
    return true;
}

/* ---- the chain, walked on the worker --------------------------------------------- */

struct chain_work {
    struct work w; /* first */
    struct screen_link *link;
    pb_err e;
    struct audit_chain c;
};

static void chain_run(struct work *w, void *wctx)
{
    struct chain_work *j = (struct chain_work *)w;
    struct app *a = screens_wapp(wctx, &j->e);
    if (a)
        j->e = audit_chain_check(a, &j->c);
}

static void chain_done(struct work *w, void *ui)
{
    struct chain_work *j = (struct chain_work *)w;
    struct screen *s = j->link->s;
    if (ui && s) {
        struct audit_screen *p = s->priv;
        p->ch.checked = j->c.checked;
        p->ch.bad = j->c.bad_id;
        if (j->e) {
            p->ch.state = CH_FAILED;
            ui_msg_err(ui, j->e);
        } else if (j->c.bad_id) {
            p->ch.state = CH_BROKEN;
            pb_err b = audit_chain_error(&j->c);
            ui_msg_err(ui, b);
            err_free(&b);
        } else {
            p->ch.state = CH_OK;
        }
        ui_dirty(ui);
    }
    err_free(&j->e);
    screen_link_drop(j->link);
    free(j);
}

static void verify_chain(struct screen *s)
{
    struct audit_screen *p = s->priv;
    struct chain_work *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    j->w.run = chain_run;
    j->w.done = chain_done;
    p->ch.state = CH_CHECKING;
    worker_submit(ui_worker(s->ui), &j->w);
}

/* ---- f: an action, an operator or an entity ------------------------------------- */

struct facet_work {
    struct work w; /* first */
    struct screen_link *link;
    pb_err e;
    struct audit_facet_row *rows[FACETS];
    int n[FACETS];
};

static void facet_run(struct work *w, void *wctx)
{
    struct facet_work *j = (struct facet_work *)w;
    struct app *a = screens_wapp(wctx, &j->e);
    for (int k = 0; a && !j->e && k < FACETS; k++)
        j->e = audit_facets(a, (enum audit_facet)k, FACET_MAX, &j->rows[k], &j->n[k]);
}

/* A new filter is a new query: the table starts again from its first page
 * (freeing it first waits for its fetches, which read src). */
static void requery(struct screen *s, void (*change)(struct audit_screen *p, const void *arg),
                    const void *arg)
{
    struct audit_screen *p = s->priv;
    table_free(&p->ls.t);
    change(p, arg);
    set_empty(p);
    p->ls.t = table_new(s->ui, &p->ls.src, &p->src);
    aview_fini(&p->v);
}

/* v into dst (n bytes) whole, or nothing: a cut value would filter on
 * something else. */
static void copy_whole(char *dst, size_t n, const char *v)
{
    size_t len = strlen(v);
    if (len >= n)
        len = 0;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static void set_facet(struct audit_screen *p, const void *arg)
{
    const struct facet_pick *pk = arg;
    struct audit_filter *f = &p->src.f;
    switch (pk->kind) {
    case AUDIT_FACET_ACTION:
        copy_whole(f->action, sizeof f->action, pk->value);
        break;
    case AUDIT_FACET_USER:
        copy_whole(f->user, sizeof f->user, pk->value);
        break;
    case AUDIT_FACET_ENTITY:
        copy_whole(f->entity, sizeof f->entity, pk->value);
        f->entity_id = 0;
        break;
    default:
        f->action[0] = f->user[0] = f->entity[0] = '\0';
        f->entity_id = 0;
        break;
    }
}

static void facet_picked(struct ui *ui, void *arg, int index)
{
    struct screen *s = arg;
    struct audit_screen *p = s->priv;
    if (index < 0 || index >= (int)(sizeof p->picks / sizeof p->picks[0]))
        return;
    struct facet_pick pk = p->picks[index];
    requery(s, set_facet, &pk);
    ui_dirty(ui);
}

static void facet_done(struct work *w, void *ui)
{
    struct facet_work *j = (struct facet_work *)w;
    struct screen *s = j->link->s;
    if (ui && s && j->e) {
        ui_msg_err(ui, j->e);
    } else if (ui && s) {
        struct audit_screen *p = s->priv;
        static const char *const heads[FACETS] = {"action", "user", "entity"};
        struct menu_item items[1 + FACETS * (FACET_MAX + 1)];
        char labels[1 + FACETS * (FACET_MAX + 1)][96];
        int n = 0, cur = 0;
        const struct audit_filter *f = &p->src.f;
        p->picks[n] = (struct facet_pick){.kind = -1};
        items[n++] = (struct menu_item){.label = "all", .hotkey = 'a', .count = -1};
        for (int k = 0; k < FACETS; k++) {
            if (!j->n[k])
                continue;
            p->picks[n] = (struct facet_pick){.kind = -1};
            items[n++] = (struct menu_item){.label = heads[k], .count = -1, .heading = true};
            for (int i = 0; i < j->n[k]; i++) {
                const char *val = j->rows[k][i].value ? j->rows[k][i].value : "";
                p->picks[n].kind = k;
                snprintf(p->picks[n].value, sizeof p->picks[n].value, "%s", val);
                if (k == AUDIT_FACET_ENTITY)
                    entity_word(val, labels[n], sizeof labels[n]);
                else
                    snprintf(labels[n], sizeof labels[n], "%s", val);
                const char *now = k == AUDIT_FACET_ACTION ? f->action
                                  : k == AUDIT_FACET_USER ? f->user
                                                          : f->entity;
                if (strcmp(now, val) == 0)
                    cur = n;
                items[n] = (struct menu_item){.label = labels[n], .count = j->rows[k][i].count};
                n++;
            }
        }
        ui_menu(ui, "Filter by action, user or entity", items, n, cur, facet_picked, s);
        ui_dirty(ui);
    }
    for (int k = 0; k < FACETS; k++)
        audit_facets_free(j->rows[k], j->n[k]);
    err_free(&j->e);
    screen_link_drop(j->link);
    free(j);
}

static void ask_facets(struct screen *s)
{
    struct audit_screen *p = s->priv;
    struct facet_work *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    j->w.run = facet_run;
    j->w.done = facet_done;
    worker_submit(ui_worker(s->ui), &j->w);
}

/* ---- r: a range of days ------------------------------------------------------------ */

struct range_arg {
    struct app *a;
    int index;
};

static void set_range(struct audit_screen *p, const void *arg)
{
    const struct range_arg *ra = arg;
    struct date today = app_today(ra->a), from = today;
    switch (ra->index) {
    case 1: break;
    case 2: from = date_add_days(today, -6); break;
    case 3: from.d = 1; break;
    case 4: from = date_add_days(today, -29); break;
    case 5: from = date_add_months(today, -12); break;
    default:
        audit_filter_days(ra->a, &p->src.f, NULL, NULL);
        return;
    }
    audit_filter_days(ra->a, &p->src.f, &from, &today);
}

static void range_picked(struct ui *ui, void *arg, int index)
{
    struct screen *s = arg;
    if (index < 0 || index >= NRANGES)
        return;
    struct range_arg ra = {screens_app(ui), index};
    requery(s, set_range, &ra);
    ((struct audit_screen *)s->priv)->range = index;
    ui_dirty(ui);
}

/* ---- the screen -------------------------------------------------------------------- */

/* The palette's words: entity=E id=N user=EMAIL action=A from=D to=D, and
 * "customer 42" for entity=customer id=42. */
static bool arg_word(struct screen *s, const char *w, pb_err *e)
{
    struct audit_screen *p = s->priv;
    static const char *const keys[6] = {"entity=", "id=", "user=", "action=", "from=", "to="};
    bool after = p->after_entity;
    p->after_entity = false;
    for (int i = 0; i < 6; i++)
        if (strncmp(w, keys[i], strlen(keys[i])) == 0) {
            snprintf(p->in[i], sizeof p->in[i], "%s", w + strlen(keys[i]));
            return true;
        }
    if (input_in_list(audit_entities, w)) {
        snprintf(p->in[0], sizeof p->in[0], "%s", w);
        p->after_entity = true;
        return true;
    }
    if (after && w[strspn(w, "0123456789")] == '\0') {
        snprintf(p->in[1], sizeof p->in[1], "%s", w);
        return true;
    }
    return false;
}

static pb_err audit_open(struct screen *s, const char *args)
{
    struct audit_screen *p = s->priv;
    struct app *a = screens_app(s->ui);
    p->ls = (struct list_screen){.one = "entry"};
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, arg_word);
    if (e)
        return e;
    struct audit_input in = {p->in[0], p->in[1], p->in[2], p->in[3], p->in[4], p->in[5]};
    e = audit_filter_parse(a, &in, &p->src.f);
    if (e) {
        buf_fini(&la.filter);
        return e;
    }
    /* "Time +06": the zone the times are in. */
    memcpy(p->cols, cols_template, sizeof p->cols);
    if (a->tz) {
        char z[TZ_OFFSET_BUF];
        tz_format_offset(tz_offset_at(a->tz, app_now(a)), z, sizeof z);
        snprintf(p->time_head, sizeof p->time_head, "Time %s", z);
    } else {
        snprintf(p->time_head, sizeof p->time_head, "Time UTC");
    }
    p->cols[C_TIME].name = p->time_head;
    struct table_source src = source_template;
    src.cols = p->cols;
    list_screen_open(s, &src, &p->src, &la);
    set_empty(p);
    p->link = screen_link_new(s);
    verify_chain(s);
    return NULL;
}

static void audit_close(struct screen *s)
{
    struct audit_screen *p = s->priv;
    screen_link_close(p->link);
    aview_fini(&p->v);
    list_screen_close(s);
}

static void audit_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct audit_screen *p = s->priv;
    /* The list above, the entry under the cursor below (SCREENS.md 4.14). */
    int th = body.h * 2 / 5;
    if (th < 5)
        th = body.h < 9 ? body.h : 5;
    struct rect top = {body.y, body.x, th, body.w};
    struct rect pane = {body.y + th, body.x, body.h - th, body.w};
    table_draw(p->ls.t, c, top, true);
    if (pane.h > 0)
        aview_draw(&p->v, s->ui, c, pane, &p->ch, false);
}

static void audit_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct audit_screen *p = s->priv;
    const struct audit_filter *f = &p->src.f;
    bool ascii = ui_ascii(s->ui);
    char ew[40];
    struct buf b;
    buf_init(&b);
    if (f->entity[0] && f->entity_id)
        buf_printf(&b, "%s %lld", entity_word(f->entity, ew, sizeof ew),
                   (long long)f->entity_id);
    else if (f->entity[0])
        buf_printf(&b, "entity: %s", entity_word(f->entity, ew, sizeof ew));
    char part[320];
    if (f->action[0]) {
        snprintf(part, sizeof part, "action: %s", f->action);
        screens_join(&b, part);
    }
    if (f->user[0]) {
        char who[64];
        screens_local_part(f->user, who, sizeof who);
        snprintf(part, sizeof part, "user: %s", who);
        screens_join(&b, part);
    }
    if (f->from_day[0] || f->to_day[0]) {
        char d1[24] = "", d2[24] = "";
        screens_day(f->from_day, true, d1, sizeof d1);
        screens_day(f->to_day, true, d2, sizeof d2);
        snprintf(part, sizeof part, "%s %s %s", d1[0] ? d1 : ascii ? "..." : "…",
                 ascii ? "-" : "–", d2[0] ? d2 : "today");
        screens_join(&b, part);
    }
    const char *filter = table_filter(p->ls.t);
    int64_t m = 0, tot = 0;
    char n1[32], n2[32];
    if (table_counts(p->ls.t, &m, &tot)) {
        fmt_int_sep(m, n1, sizeof n1);
        fmt_int_sep(tot, n2, sizeof n2);
        if (filter[0])
            snprintf(part, sizeof part, "/ %s: %s of %s %s", filter, n1, n2,
                     tot == 1 ? "entry" : "entries");
        else
            snprintf(part, sizeof part, "%s %s", n2, tot == 1 ? "entry" : "entries");
        screens_join(&b, part);
    } else {
        screens_join(&b, ascii ? "..." : "…");
    }
    buf_puts(right, b.s ? b.s : "");
    buf_fini(&b);
    chain_title(&p->ch, ascii, right);
    if (p->paused)
        buf_puts(right, " · paused");
    (void)left;
}

static unsigned audit_key(struct screen *s, const struct key *k)
{
    unsigned r = list_screen_key(s, k);
    if (r)
        follow(s);
    return r;
}

static unsigned audit_action(struct screen *s, enum action a)
{
    struct audit_screen *p = s->priv;
    switch (a) {
    case A_OPEN: {
        const struct table_row *row = screens_current(s, p->ls.t, "entry");
        if (row) {
            char key[96], ch[48];
            chain_arg(&p->ch, ch, sizeof ch);
            snprintf(key, sizeof key, "%lld %s", (long long)row->id, ch);
            ui_push(s->ui, &screen_audit_entry, key);
        }
        return R_REDRAW;
    }
    case A_SHOW_ALL:
        aview_toggle_all(&p->v);
        ui_msg(s->ui, MSG_INFO, p->v.all ? "Every field recorded, the unchanged ones too."
                                         : "Only the fields that changed.");
        return R_REDRAW;
    case A_STATUS_FILTER:
        ask_facets(s);
        return R_REDRAW;
    case A_RANGE:
        for (int i = 0; i < NRANGES; i++)
            p->ranges[i] = (struct menu_item){.label = range_names[i], .hotkey = "atwmly"[i],
                                              .count = -1};
        ui_menu(s->ui, "Date range", p->ranges, NRANGES, p->range, range_picked, s);
        return R_REDRAW;
    case A_WRITE: {
        char day[DATE_BUF];
        char *dir = screens_csv_dir(s->ui, day);
        if (dir) {
            char *sub = xasprintf("%s/audit", dir);
            table_write_csv(p->ls.t, sub, day);
            free(sub);
        }
        free(dir);
        return R_REDRAW;
    }
    case A_COPY:
        if (!p->v.loaded)
            return R_HANDLED;
        return screens_copy(s->ui, aview_text(&p->v, screens_app(s->ui)), "entry %lld",
                            (long long)p->v.r.id);
    case A_REDRAW:
        verify_chain(s);
        break; /* and the table reads again */
    case A_PAUSE:
        p->paused = !p->paused;
        break;
    default:
        break;
    }
    unsigned r = list_screen_action(s, a);
    if (r)
        follow(s);
    return r;
}

static unsigned audit_tick(struct screen *s)
{
    unsigned r = list_screen_tick(s);
    return follow(s) ? r | R_REDRAW : r;
}

/* Ctrl-N, Ctrl-P in the entry opened from here: the row's id and the
 * chain as this screen knows it. */
static bool audit_step(struct screen *s, int dir, char *key, size_t n)
{
    struct audit_screen *p = s->priv;
    if (!list_screen_step(s, dir, key, n))
        return false;
    char ch[48];
    chain_arg(&p->ch, ch, sizeof ch);
    size_t len = strlen(key);
    snprintf(key + len, n - len, " %s", ch);
    return true;
}

static void audit_resume(struct screen *s)
{
    list_screen_reload(s);
    follow(s);
}

static const struct keybind audit_keys[] = {
    {A_OPEN, "before/after", NULL},
    {A_STATUS_FILTER, "action, user, entity", NULL},
    {A_FILTER, "filter", NULL},
    {A_RANGE, "range", NULL},
    {A_WRITE, "CSV", NULL},
    {A_HELP, "help", NULL},
    {A_SHOW_ALL, NULL, NULL},
    {A_COPY, NULL, NULL},
    SCREENS_TABLE_KEYS,
};

const struct screen_class screen_audit = {
    .name = "audit",
    .title = "Audit",
    .number = 0,
    .aliases = "log history",
    .perm = "audit.view",
    .keys = audit_keys,
    .priv_size = sizeof(struct audit_screen),
    .open = audit_open,
    .close = audit_close,
    .draw = audit_draw,
    .on_key = audit_key,
    .on_action = audit_action,
    .rule = audit_rule,
    .bottom = list_screen_bottom,
    .tick = audit_tick,
    .resume = audit_resume,
    .step = audit_step,
};

/* ---- one entry, full screen ------------------------------------------------------ */

struct entry_screen {
    struct aview v;
    struct chain_seen ch; /* what the list's walk had found when it opened this */
};

static pb_err entry_open(struct screen *s, const char *args)
{
    struct entry_screen *d = s->priv;
    char *end = NULL;
    long long id = args ? strtoll(args, &end, 10) : 0;
    if (!args || end == args || id <= 0)
        return err_new(PB_VALIDATION, "Which audit entry? :audit lists them; Enter opens one.");
    chain_from_arg(end, &d->ch);
    return aview_load(&d->v, screens_app(s->ui), id);
}

static void entry_close(struct screen *s)
{
    struct entry_screen *d = s->priv;
    aview_fini(&d->v);
}

static void entry_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct entry_screen *d = s->priv;
    aview_draw(&d->v, s->ui, c, body, &d->ch, true);
}

static void entry_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct entry_screen *d = s->priv;
    char id[32];
    fmt_int_sep(d->v.r.id, id, sizeof id);
    buf_printf(left, "› entry %s", id);
    char ew[40];
    buf_printf(right, "%s %lld", entity_word(d->v.r.entity, ew, sizeof ew),
               (long long)d->v.r.entity_id);
    chain_title(&d->ch, ui_ascii(s->ui), right);
}

static unsigned entry_action(struct screen *s, enum action a)
{
    struct entry_screen *d = s->priv;
    switch (a) {
    case A_SHOW_ALL:
        aview_toggle_all(&d->v);
        d->v.scroll = 0;
        return R_REDRAW;
    case A_DOWN:
        if (d->v.scroll + d->v.shown < d->v.lines)
            d->v.scroll++;
        return R_REDRAW;
    case A_UP:
        if (d->v.scroll > 0)
            d->v.scroll--;
        return R_REDRAW;
    case A_PAGE_DOWN:
        d->v.scroll += d->v.shown > 1 ? d->v.shown - 1 : 1;
        return R_REDRAW;
    case A_PAGE_UP:
        d->v.scroll -= d->v.shown > 1 ? d->v.shown - 1 : 1;
        if (d->v.scroll < 0)
            d->v.scroll = 0;
        return R_REDRAW;
    case A_COPY:
        return screens_copy(s->ui, aview_text(&d->v, screens_app(s->ui)), "entry %lld",
                            (long long)d->v.r.id);
    case A_BACK:
        return R_CLOSE;
    default:
        return R_NONE;
    }
}

static const struct keybind entry_keys[] = {
    {A_BACK, "back", NULL},
    {A_SHOW_ALL, "all fields", NULL},
    SCREENS_RECORD_KEYS,
    {A_COPY, "copy", NULL},
    {A_HELP, "help", NULL},
    {A_UP, NULL, NULL},
    {A_DOWN, NULL, NULL},
    {A_PAGE_UP, NULL, NULL},
    {A_PAGE_DOWN, NULL, NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_audit_entry = {
    .name = "audit-entry",
    .hidden = true,
    .title = "Audit",
    .number = 0,
    .aliases = "",
    .perm = "audit.view",
    .keys = entry_keys,
    .priv_size = sizeof(struct entry_screen),
    .open = entry_open,
    .close = entry_close,
    .draw = entry_draw,
    .on_action = entry_action,
    .rule = entry_rule,
};

/* ---- H elsewhere --------------------------------------------------------------------- */

unsigned screens_history(struct ui *ui, const char *entity, int64_t id)
{
    if (id <= 0) {
        ui_msg(ui, MSG_INFO, "No row under the cursor to show the history of.");
        return R_REDRAW;
    }
    char args[96];
    snprintf(args, sizeof args, "entity=%s id=%lld", entity, (long long)id);
    ui_push(ui, &screen_audit, args);
    return R_REDRAW;
}
