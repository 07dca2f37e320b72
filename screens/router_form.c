/*
 * router_form.c - adding and correcting a router (SCREENS.md 2.9, 4.10).
 *
 * The form widget over the router record: type, how it is reached (host,
 * API port, TLS and whether to trust a self-signed certificate, the API
 * user and password), SNMP, where it stands, how often it is polled and
 * maintenance. The password and the SNMP community are typed masked and
 * never shown again: editing shows them empty, and left empty they keep
 * the sealed ones. The rules are the controller's; Ctrl-S puts its errors
 * under their fields, and a save someone else beat is merged, overwritten
 * or reloaded as in every form.
 *
 * Ctrl-T tests the connection with the values typed, before anything is
 * saved (the Test box of router_detail.c), so an operator finds the wrong
 * port or password while the form is still open. args: "" for a new
 * router, else its id or name. UI thread only.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "app/router.h"
#include "screens/screens.h"
#include "ui/form.h"
#include "ui/key.h"

enum { F_NAME, F_TYPE, F_HOST, F_PORT, F_TLS, F_INSECURE, F_USER, F_SECRET, F_COMMUNITY,
       F_SNMP_PORT, F_LOCATION, F_LAT, F_LON, F_POLL, F_UNTIL, F_NOTE, NFIELDS };

static const struct form_field field_template[NFIELDS] = {
    [F_NAME] = {.name = "name", .label = "Name", .kind = F_TEXT, .width = 32, .required = true},
    [F_TYPE] = {.name = "router_type", .label = "Type", .kind = F_CHOICE, .width = 10,
                .choices = router_types, .hint = "cisco and other: read over SNMP"},
    [F_HOST] = {.name = "host", .label = "Host", .kind = F_TEXT, .width = 32, .required = true,
                .hint = "IP address or name"},
    [F_PORT] = {.name = "api_port", .label = "API port", .kind = F_TEXT, .width = 6},
    [F_TLS] = {.name = "use_tls", .label = "TLS", .kind = F_CHECK, .width = 3,
               .same_line = true},
    [F_INSECURE] = {.name = "tls_insecure", .label = "Trust this certificate", .kind = F_CHECK,
                    .width = 3, .same_line = true},
    [F_USER] = {.name = "username", .label = "API user", .kind = F_TEXT, .width = 24},
    [F_SECRET] = {.name = "password", .label = "Password", .kind = F_PASSWORD, .width = 24},
    [F_COMMUNITY] = {.name = "snmp_community", .label = "SNMP community", .kind = F_PASSWORD,
                     .width = 20},
    [F_SNMP_PORT] = {.name = "snmp_port", .label = "SNMP port", .kind = F_TEXT, .width = 6,
                     .same_line = true},
    [F_LOCATION] = {.name = "location", .label = "Location", .kind = F_TEXT, .width = 40},
    [F_LAT] = {.name = "latitude", .label = "Latitude", .kind = F_TEXT, .width = 11},
    [F_LON] = {.name = "longitude", .label = "Longitude", .kind = F_TEXT, .width = 11,
               .same_line = true, .hint = "degrees"},
    [F_POLL] = {.name = "poll_interval", .label = "Poll every", .kind = F_TEXT, .width = 6,
                .hint = "seconds, 5 to 86400"},
    [F_UNTIL] = {.name = "maintenance_until", .label = "Maintenance until", .kind = F_TEXT,
                 .width = 16, .hint = "16:00 or 2026-11-24 16:00; empty: none"},
    [F_NOTE] = {.name = "maintenance_note", .label = "Note", .kind = F_TEXT, .width = 34,
                .hint = "why: for the alert log"},
};

/* Where each field's text goes in the controller's input. */
static const size_t input_slot[NFIELDS] = {
    [F_NAME] = offsetof(struct router_input, name),
    [F_TYPE] = offsetof(struct router_input, router_type),
    [F_HOST] = offsetof(struct router_input, host),
    [F_PORT] = offsetof(struct router_input, api_port),
    [F_TLS] = offsetof(struct router_input, use_tls),
    [F_INSECURE] = offsetof(struct router_input, tls_insecure),
    [F_USER] = offsetof(struct router_input, username),
    [F_SECRET] = offsetof(struct router_input, password),
    [F_COMMUNITY] = offsetof(struct router_input, snmp_community),
    [F_SNMP_PORT] = offsetof(struct router_input, snmp_port),
    [F_LOCATION] = offsetof(struct router_input, location),
    [F_LAT] = offsetof(struct router_input, latitude),
    [F_LON] = offsetof(struct router_input, longitude),
    [F_POLL] = offsetof(struct router_input, poll_interval),
    [F_UNTIL] = offsetof(struct router_input, maintenance_until),
    [F_NOTE] = offsetof(struct router_input, maintenance_note),
};

struct rform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    bool editing;
    char key[32], name[72]; /* the router's id and name when editing */
    int64_t version;
    struct form_conflict fc;
};

/* Puts the stored router into f (the screen's form, or one like it) as its
 * unchanged values; the secrets stay empty (never shown), and their hints
 * say whether one is set. */
static void fill(struct rform *p, struct form *f, struct app *a, const struct router_row *r)
{
    char t[32];
    form_init_value(f, "name", r->name, NULL);
    form_init_value(f, "router_type", r->router_type, NULL);
    form_init_value(f, "host", r->host, NULL);
    snprintf(t, sizeof t, "%d", r->api_port);
    form_init_value(f, "api_port", t, NULL);
    form_init_value(f, "use_tls", r->use_tls ? "1" : "0", NULL);
    form_init_value(f, "tls_insecure", r->tls_insecure ? "1" : "0", NULL);
    form_init_value(f, "username", r->username, NULL);
    form_init_value(f, "password", "", NULL);
    form_init_value(f, "snmp_community", "", NULL);
    snprintf(t, sizeof t, "%d", r->snmp_port);
    form_init_value(f, "snmp_port", t, NULL);
    form_init_value(f, "location", r->location, NULL);
    char lat[24] = "", lon[24] = "";
    if (r->has_coords) {
        router_coord_text(r->latitude, lat);
        router_coord_text(r->longitude, lon);
    }
    form_init_value(f, "latitude", lat, NULL);
    form_init_value(f, "longitude", lon, NULL);
    snprintf(t, sizeof t, "%d", r->poll_interval);
    form_init_value(f, "poll_interval", t, NULL);
    router_until_text(a, r->maintenance_until, t, sizeof t);
    form_init_value(f, "maintenance_until", t, NULL);
    form_init_value(f, "maintenance_note", t[0] ? r->maintenance_note : "", NULL);
    p->fields[F_SECRET].hint = r->password_sealed ? "set; empty keeps it" : "none set";
    p->fields[F_COMMUNITY].hint = r->snmp_community_sealed ? "set; empty keeps it" : "none: public";
}

/* The form's values as the controller's input. A save of an edit sends
 * only what the operator changed, which is also what merges with someone
 * else's save; a test sends everything typed. An empty secret is never
 * sent: it keeps the stored one. */
static void to_input(const struct rform *p, struct router_input *in, bool saving)
{
    memset(in, 0, sizeof *in);
    const char **slots[NFIELDS] = {0};
    for (int i = 0; i < NFIELDS; i++) {
        slots[i] = (const char **)((char *)in + input_slot[i]);
        *slots[i] = form_value_at(p->f, i);
    }
    if (saving && p->editing)
        screens_form_only_changed(p->f, p->fields, slots, NFIELDS);
    if (in->password && !*in->password)
        in->password = NULL;
    if (in->snmp_community && !*in->snmp_community)
        in->snmp_community = NULL;
}

static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct rform *p = s->priv;
    struct app *a = screens_app(s->ui);
    struct router_row r = {0};
    pb_err e = router_get(a, p->key, &r);
    if (!e) {
        fill(p, into, a, &r);
        *version = r.version;
    }
    router_row_fini(&r);
    return e;
}

static pb_err rform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct rform *p = s->priv;
    struct router_input in;
    to_input(p, &in, true);
    struct app *a = screens_app(s->ui);
    struct router_row out = {0};
    pb_err e = p->editing ? router_edit(a, p->key, &in, p->version, &out)
                          : router_create(a, &in, &out);
    if (e)
        return screens_form_refused(&p->fc, e);
    if (p->editing)
        ui_msg(s->ui, MSG_OK, "Saved router %s (version %lld).", out.name,
               (long long)out.version);
    else
        ui_msg(s->ui, MSG_OK, "Created router %s; the poller asks it within its interval.",
               out.name);
    router_row_fini(&out);
    return NULL;
}

static const struct form_ops rform_ops = {rform_save, NULL, NULL};

static pb_err rform_open(struct screen *s, const char *args)
{
    struct rform *p = s->priv;
    struct app *a = screens_app(s->ui);
    memcpy(p->fields, field_template, sizeof p->fields);
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    struct router_row r = {0};
    if (args && *args) {
        pb_err e = router_get(a, args, &r);
        if (e)
            return e;
        p->editing = true;
        p->version = r.version;
        snprintf(p->key, sizeof p->key, "%lld", (long long)r.id);
        snprintf(p->name, sizeof p->name, "%s", r.name);
    }
    p->f = form_new(s->ui, p->fields, NFIELDS, &rform_ops, s);
    if (p->editing) {
        fill(p, p->f, a, &r);
    } else {
        char t[16];
        form_init_value(p->f, "router_type", ROUTER_DEFAULT_TYPE, NULL);
        snprintf(t, sizeof t, "%d", ROUTER_DEFAULT_HTTPS_PORT);
        form_init_value(p->f, "api_port", t, NULL);
        form_init_value(p->f, "use_tls", "1", NULL);
        form_init_value(p->f, "tls_insecure", "0", NULL);
        snprintf(t, sizeof t, "%d", ROUTER_DEFAULT_SNMP_PORT);
        form_init_value(p->f, "snmp_port", t, NULL);
        snprintf(t, sizeof t, "%d", ROUTER_DEFAULT_POLL);
        form_init_value(p->f, "poll_interval", t, NULL);
        p->fields[F_COMMUNITY].hint = "empty: public";
    }
    router_row_fini(&r);
    form_focus_first_empty(p->f);
    return NULL;
}

/* Ctrl-T: the Test box over what is typed now. */
static void test_typed(struct screen *s)
{
    struct rform *p = s->priv;
    struct router_input in;
    to_input(p, &in, false);
    char label[96];
    snprintf(label, sizeof label, "%s", in.name && *in.name ? in.name : "the new router");
    screens_router_test(s->ui, p->editing ? p->key : NULL, label, &in);
}

static unsigned rform_key(struct screen *s, const struct key *k)
{
    if (key_is(k, K_CTRL('t'))) {
        test_typed(s);
        return R_REDRAW;
    }
    return form_screen_key(s, k);
}

/* The key table cannot name Ctrl-T (t types a t here), so the bar is
 * written out. */
static bool rform_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    ui_draw_hints(s->ui, y, 0, w,
                  "Ctrl-S save  Ctrl-T test the connection  Tab next field  Esc leave  ? help");
    return true;
}

static unsigned rform_tick(struct screen *s)
{
    struct rform *p = s->priv;
    return screens_form_conflict_tick(&p->fc);
}

static void rform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct rform *p = s->priv;
    if (p->editing)
        buf_printf(left, "› %s › edit", p->name);
    else
        buf_puts(left, "› new router");
    form_rule_right(p->f, p->editing ? p->version : 0, right);
}

static const struct keybind rform_keys[] = {
    {A_SAVE, "save", "router.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_router_form = {
    .name = "router-form",
    .hidden = true,
    .title = "Routers",
    .number = 0,
    .aliases = "new-router",
    .perm = "router.edit",
    .keys = rform_keys,
    .priv_size = sizeof(struct rform),
    .open = rform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = rform_key,
    .rule = rform_rule,
    .bottom = rform_bottom,
    .tick = rform_tick,
};
