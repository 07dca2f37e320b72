/*
 * directadmin.c - see directadmin.h.
 *
 * Reads are GETs of /CMD_API_<command>?<query>; the one change is a form
 * POSTed to CMD_API_SELECT_USERS, as DirectAdmin's own user list sends it.
 * Every answer is a url-encoded form: "key=value&..." for a record,
 * "list[]=a&list[]=b" for a list (an empty list may be an empty body),
 * "error=0&text=..&details=.." for an action, and "error=1&text=.." with
 * HTTP 200 for any failure.
 *
 * DirectAdmin writes some characters of values as HTML entities ("&#61;"
 * for '='), so splitting on '&' must not cut an entity in two: an '&' that
 * starts "&name;" or "&#NN;" belongs to the value (keys never hold a ';').
 * Each key and value is then entity-decoded and percent-decoded, in that
 * order, as the panel's own client libraries do.
 *
 * Sizes: the user configuration gives limits in megabytes, "unlimited"
 * for none; the usage, asked with bytes=yes, gives bytes. A counter the
 * usage leaves out (a service the server does not run) reads -1.
 */
#include "net/directadmin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define MIB ((int64_t)1 << 20)

/* A decoded url-encoded answer, pairs in the panel's order. */
struct form {
    char **key, **val;
    size_t n;
};

static void form_fini(struct form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->key[i]);
        free(f->val[i]);
    }
    free(f->key);
    free(f->val);
    memset(f, 0, sizeof *f);
}

/* The first value of key, or NULL. */
static const char *form_get(const struct form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->key[i], key))
            return f->val[i];
    return NULL;
}

/* ---- decoding ------------------------------------------------------------------- */

/* The length of the HTML entity s starts with ("&amp;", "&#61;", "&#x3D;"),
 * 0 when the '&' at s starts none. */
static size_t entity_len(const char *s)
{
    size_t i = 1, start;
    if (s[i] == '#') {
        bool hex = s[++i] == 'x' || s[i] == 'X';
        i += hex;
        for (start = i; hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]); i++)
            ;
    } else {
        for (start = i; isalpha((unsigned char)s[i]) && i - start < 8; i++)
            ;
    }
    return i > start && s[i] == ';' ? i + 1 : 0;
}

static void put_utf8(struct buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_add(b, u, n);
}

/* The entity s (len bytes, "&...;") decoded onto b; one it does not know,
 * or a code point that is no character, stays as it is. */
static void put_entity(struct buf *b, const char *s, size_t len)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (strlen(named[i].name) == len && !memcmp(s, named[i].name, len)) {
            buf_putc(b, named[i].c);
            return;
        }
    }
    if (s[1] == '#') {
        bool hex = s[2] == 'x' || s[2] == 'X';
        unsigned long cp = strtoul(s + 2 + hex, NULL, hex ? 16 : 10);
        if (cp > 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
            put_utf8(b, cp);
            return;
        }
    }
    buf_add(b, s, len);
}

static int hexval(char c)
{
    return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* s[0..len) with its HTML entities, then its %XX and '+', decoded into a
 * new string (caller frees). */
static char *decode(const char *s, size_t len)
{
    struct buf ent, out;
    buf_init(&ent);
    for (size_t i = 0; i < len;) {
        size_t el = s[i] == '&' ? entity_len(s + i) : 0;
        if (el && i + el <= len)
            put_entity(&ent, s + i, el);
        else
            buf_putc(&ent, s[i]);
        i += el && i + el <= len ? el : 1;
    }
    buf_init(&out);
    for (size_t i = 0; i < ent.len; i++) {
        char c = ent.s[i];
        /* ent.s ends in a NUL, which is no hex digit. */
        if (c == '%' && isxdigit((unsigned char)ent.s[i + 1]) &&
            isxdigit((unsigned char)ent.s[i + 2])) {
            buf_putc(&out, (char)(hexval(ent.s[i + 1]) << 4 | hexval(ent.s[i + 2])));
            i += 2;
        } else {
            buf_putc(&out, c == '+' ? ' ' : c);
        }
    }
    buf_fini(&ent);
    return buf_steal(&out);
}

/* body ("k=v&k2=v2", maybe with a line break at the end) into f. */
static void form_parse(const char *body, struct form *f)
{
    memset(f, 0, sizeof *f);
    size_t len = strlen(body);
    while (len > 0 && isspace((unsigned char)body[len - 1]))
        len--;
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && (body[end] != '&' || entity_len(body + end)))
            end += body[end] == '&' ? entity_len(body + end) : 1;
        const char *eq = memchr(body + i, '=', end - i);
        size_t klen = eq ? (size_t)(eq - (body + i)) : end - i;
        if (klen > 0) {
            f->key = xreallocarray(f->key, f->n + 1, sizeof *f->key);
            f->val = xreallocarray(f->val, f->n + 1, sizeof *f->val);
            f->key[f->n] = decode(body + i, klen);
            f->val[f->n] = eq ? decode(eq + 1, end - i - klen - 1) : xstrdup("");
            f->n++;
        }
        i = end + 1;
    }
}

/* ---- one command --------------------------------------------------------------------- */

/*
 * /<cmd> with the parameters kv: in the query, or as a POSTed form when
 * post. The decoded answer in *f (caller finishes it) when the panel did
 * not say error=1; else the panel's text and details as the error.
 */
static pb_err da_call(struct panel *p, const char *cmd, const char *const *kv, bool post,
                      struct form *f)
{
    memset(f, 0, sizeof *f);
    char *q, *body;
    pb_err e = panel_form(p, kv, &q);
    if (e)
        return e;
    char *path = xasprintf("/%s%s%s", cmd, !post && *q ? "?" : "", post ? "" : q);
    e = panel_request(p, path, post ? q : NULL, &body);
    free(path);
    free(q);
    if (e)
        return e;
    /* JSON where a form belongs (json=yes's form, should a build or a
     * proxy in front answer with it unasked): {"error":..} is still the
     * panel's no; anything else is a shape this client does not read. */
    struct json_object *o;
    if (*body == '{' && panel_json(body, &o)) {
        char words[200];
        panel_json_words(o, words, sizeof words);
        json_object_put(o);
        free(body);
        return *words ? panel_refused(p, cmd, words) : panel_unexpected(p, cmd);
    }
    form_parse(body, f);
    free(body);
    const char *err = form_get(f, "error");
    if (err && strcmp(err, "0") != 0) {
        const char *text = form_get(f, "text"), *details = form_get(f, "details");
        bool more = details && *details && strcmp(details, "none") != 0;
        char *words =
            more ? xasprintf("%s (%s)", text ? text : "", details) : xstrdup(text ? text : "");
        e = panel_refused(p, cmd, words);
        free(words);
        form_fini(f);
    }
    return e;
}

/* f[key] as a size into *out; false when absent or unreadable. */
static bool rd_size(const struct form *f, const char *key, int64_t unit, bool limit, int64_t *out)
{
    const char *v = form_get(f, key);
    return v && panel_size(v, unit, limit, out);
}

/* A counter of the usage; -1 when the usage does not have it. */
static bool rd_count(const struct form *f, const char *key, int64_t *out)
{
    *out = -1;
    return !form_get(f, key) || rd_size(f, key, 1, false, out);
}

/* yes/no, ON/OFF, 1/0. */
static bool rd_flag(const struct form *f, const char *key, bool *out)
{
    const char *v = form_get(f, key);
    *out = v && (!strcasecmp(v, "yes") || !strcasecmp(v, "on") || !strcmp(v, "1"));
    return v && (*out || !strcasecmp(v, "no") || !strcasecmp(v, "off") || !strcmp(v, "0"));
}

static void rd_text(const struct form *f, const char *key, char *dst, size_t n)
{
    const char *v = form_get(f, key);
    panel_copy(dst, n, v ? v : "");
}

/* ---- the ops ----------------------------------------------------------------------------- */

static pb_err da_verify(struct panel *p, char *detail, size_t n)
{
    const char *const none[] = {NULL};
    struct form f;
    pb_err e = da_call(p, "CMD_API_LOGIN_TEST", none, false, &f);
    if (e)
        return e;
    const char *text = form_get(&f, "text");
    char said[120];
    panel_copy(said, sizeof said, text ? text : "");
    form_fini(&f);
    if (!*said)
        return panel_unexpected(p, "CMD_API_LOGIN_TEST");
    snprintf(detail, n, "DirectAdmin: %s", said);
    return NULL;
}

static pb_err da_account(struct panel *p, const char *username, struct panel_account *out)
{
    static const char cmd[] = "CMD_API_SHOW_USER_CONFIG";
    memset(out, 0, sizeof *out);
    const char *const kv[] = {"user", username, NULL};
    struct form f;
    pb_err e = da_call(p, cmd, kv, false, &f);
    if (e)
        return e;
    rd_text(&f, "username", out->username, sizeof out->username);
    rd_text(&f, "domain", out->domain, sizeof out->domain);
    rd_text(&f, "package", out->package, sizeof out->package);
    rd_text(&f, "creator", out->owner, sizeof out->owner);
    bool ok = !strcmp(out->username, username) &&
              rd_size(&f, "quota", MIB, true, &out->disk_limit) &&
              rd_size(&f, "bandwidth", MIB, true, &out->bandwidth_limit) &&
              rd_flag(&f, "suspended", &out->suspended);
    form_fini(&f);
    return ok ? NULL : panel_unexpected(p, cmd);
}

static pb_err da_usage(struct panel *p, struct panel_account *a)
{
    static const char cmd[] = "CMD_API_SHOW_USER_USAGE";
    const char *const kv[] = {"user", a->username, "bytes", "yes", NULL};
    struct form f;
    pb_err e = da_call(p, cmd, kv, false, &f);
    if (e)
        return e;
    bool ok = rd_size(&f, "quota", 1, false, &a->disk_used) &&
              rd_size(&f, "bandwidth", 1, false, &a->bandwidth_used) &&
              rd_count(&f, "nemails", &a->emails) && rd_count(&f, "mysql", &a->databases) &&
              rd_count(&f, "vdomains", &a->domains);
    form_fini(&f);
    return ok ? NULL : panel_unexpected(p, cmd);
}

/* The users the credential owns, then each one's configuration: the
 * list itself carries nothing but names. */
static pb_err da_list(struct panel *p, struct panel_account **out, size_t *n)
{
    const char *const none[] = {NULL};
    struct form f;
    pb_err e = da_call(p, "CMD_API_SHOW_USERS", none, false, &f);
    if (e)
        return e;
    struct panel_account *v = xcalloc(f.n ? f.n : 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; !e && i < f.n; i++) {
        if (!strcmp(f.key[i], "list[]"))
            e = da_account(p, f.val[i], &v[k++]);
        else
            e = panel_unexpected(p, "CMD_API_SHOW_USERS");
    }
    form_fini(&f);
    if (e) {
        free(v);
        return e;
    }
    *out = v;
    *n = k;
    return NULL;
}

/* The classic form of DirectAdmin's user list (dosuspend/dounsuspend);
 * it has no field for a reason. */
static pb_err da_set_suspended(struct panel *p, const char *username, bool suspend,
                               const char *reason)
{
    (void)reason;
    const char *action = suspend ? "dosuspend" : "dounsuspend";
    const char *const kv[] = {"location", "CMD_SELECT_USERS", "select0", username, action, "yes",
                              NULL};
    struct form f;
    pb_err e = da_call(p, "CMD_API_SELECT_USERS", kv, true, &f);
    form_fini(&f);
    return e;
}

const struct panel_ops directadmin_ops = {
    .auth_scheme = NULL,
    .auth_hint = "the user and login key",
    .verify = da_verify,
    .list = da_list,
    .account = da_account,
    .usage = da_usage,
    .set_suspended = da_set_suspended,
};
