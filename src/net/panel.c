/*
 * panel.c - see panel.h.
 *
 * The public calls check their arguments, reset the latency sum and hand
 * over to the ops of the panel's kind; what both panels share lives here:
 * the one request function that turns "no answer", 401/403, a login page
 * with 200 and other statuses into the sentence the console shows, the
 * query/form builder, the reading of sizes in their many spellings, and the
 * read-back that makes a suspension that did not stick an error.
 *
 * The secret is kept once, as the Basic password or inside the WHM header,
 * and wiped on close; messages are built from the panel's name, the
 * status and the panel's words, never from the request.
 */
#include "net/panel.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/cpanel.h"
#include "net/directadmin.h"
#include "net/http.h"

/* A listing of a few thousand accounts (listaccts, showbw) takes WHM
 * seconds; the default 5 s of http.h would cut it off. */
#define PANEL_CONNECT_MS 5000
#define PANEL_TIMEOUT_MS 60000

/* Long enough for any panel's error sentence, short enough for one line. */
#define PANEL_WORDS 200

struct panel {
    const struct panel_ops *ops;
    char *name, *base, *user;
    char *secret;      /* for HTTP Basic; NULL when the header carries it */
    char *auth_header; /* "Authorization: whm user:token", or NULL */
    bool insecure;
    struct http *http;
    int64_t ms;
};

/* ---- the handle -------------------------------------------------------------- */

/* The host of an http(s) URL ("web1.example.net" of
 * "https://web1.example.net:2087/"), for messages until a name is set. */
static char *host_of(const char *url)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t n = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/?#");
    return xstrndup(h, n);
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

pb_err panel_open(enum panel_kind kind, const char *base_url, const char *user, const char *secret,
                  bool insecure, struct panel **out)
{
    *out = NULL;
    const struct panel_ops *ops = kind == PANEL_CPANEL        ? &cpanel_ops
                                  : kind == PANEL_DIRECTADMIN ? &directadmin_ops
                                                              : NULL;
    if (!ops)
        return err_new(PB_VALIDATION, "A hosting panel is cPanel or DirectAdmin.");
    const char *what = kind == PANEL_CPANEL ? "cPanel/WHM" : "DirectAdmin";
    if (!base_url ||
        (strncmp(base_url, "https://", 8) != 0 && strncmp(base_url, "http://", 7) != 0))
        return err_new(PB_VALIDATION, "The %s server needs an address like https://host:%s.", what,
                       kind == PANEL_CPANEL ? "2087" : "2222");
    if (!user || !*user || has_control(user) || strchr(user, ':'))
        return err_new(PB_VALIDATION, "The %s credential needs a user name (no colon).", what);
    /* A line break would end the header and start another. */
    if (!secret || !*secret || has_control(secret))
        return err_new(PB_VALIDATION,
                       "The %s credential needs its %s, on one line without control characters.",
                       what, kind == PANEL_CPANEL ? "API token" : "login key");
    struct http *h = NULL;
    pb_err e = http_new(&h);
    if (e)
        return e;
    struct panel *p = xcalloc(1, sizeof *p);
    p->ops = ops;
    p->http = h;
    size_t n = strlen(base_url);
    while (n > 0 && base_url[n - 1] == '/')
        n--;
    p->base = xstrndup(base_url, n);
    p->name = host_of(p->base);
    p->user = xstrdup(user);
    if (ops->auth_scheme)
        p->auth_header = xasprintf("Authorization: %s %s:%s", ops->auth_scheme, user, secret);
    else
        p->secret = xstrdup(secret);
    p->insecure = insecure;
    *out = p;
    return NULL;
}

void panel_close(struct panel **p)
{
    if (!*p)
        return;
    http_free(&(*p)->http);
    free((*p)->name);
    free((*p)->base);
    free((*p)->user);
    vault_burn(&(*p)->secret);
    vault_burn(&(*p)->auth_header);
    XFREE(*p);
}

void panel_set_name(struct panel *p, const char *name)
{
    if (!name || !*name)
        return;
    free(p->name);
    p->name = xstrdup(name);
}

const char *panel_name(const struct panel *p)
{
    return p->name;
}

int64_t panel_last_ms(const struct panel *p)
{
    return p->ms;
}

/* ---- text from the panel ------------------------------------------------------- */

void panel_copy(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return;
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    dst[len] = '\0';
}

bool panel_json(const char *s, struct json_object **out)
{
    *out = NULL;
    size_t len = strlen(s);
    if (len == 0 || len > INT_MAX)
        return false;
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);
    bool ok = json_tokener_get_error(tok) == json_tokener_success;
    size_t end = ok ? json_tokener_get_parse_end(tok) : 0;
    json_tokener_free(tok);
    while (ok && end < len && strchr(" \t\r\n", s[end]))
        end++;
    if (!ok || end != len) {
        json_object_put(o);
        return false;
    }
    *out = o;
    return true;
}

/* The non-empty string at o.k1[.k2], or NULL. */
static const char *json_text_at(struct json_object *o, const char *k1, const char *k2)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, k1, &v) || (k2 && !json_object_object_get_ex(v, k2, &v)))
        return NULL;
    if (json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0)
        v = json_object_array_get_idx(v, 0);
    if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v))
        return NULL;
    return json_object_get_string(v);
}

void panel_json_words(struct json_object *o, char *out, size_t n)
{
    /* DirectAdmin {"error":..}, UAPI "errors", WHM metadata.reason, WHM's
     * refusal of a token {"cpanelresult":{"error":..}}, a proxy's "message". */
    static const char *const where[][2] = {
        {"error", NULL},           {"errors", NULL},  {"metadata", "reason"},
        {"cpanelresult", "error"}, {"message", NULL},
    };
    const char *s = NULL;
    for (size_t i = 0; !s && i < sizeof where / sizeof where[0]; i++)
        s = json_text_at(o, where[i][0], where[i][1]);
    panel_copy(out, n, s ? s : "");
}

/* ---- requests -------------------------------------------------------------------- */

/* A web page rather than an API answer: what both panels send for a
 * login form, a blocked address or a wrong port. */
static bool is_html(const char *body)
{
    while (*body && isspace((unsigned char)*body))
        body++;
    return *body == '<';
}

/* The error for an answer that came but is not an API answer. NULL when
 * it is one (2xx, not a page). */
static pb_err judge(struct panel *p, const struct http_resp *r)
{
    if (r->status >= 200 && r->status < 300) {
        if (!is_html(r->body))
            return NULL;
        return err_new(PB_UNAUTHORIZED,
                       "%s answered %ld with its login page: access denied (check %s, and that "
                       "failed logins have not blocked this address)",
                       p->name, r->status, p->ops->auth_hint);
    }
    char words[PANEL_WORDS] = "";
    struct json_object *o;
    if (panel_json(r->body, &o)) {
        panel_json_words(o, words, sizeof words);
        json_object_put(o);
    }
    if (r->status == 401 || r->status == 403)
        return err_new(PB_UNAUTHORIZED, "%s answered %ld: %s (check %s)", p->name, r->status,
                       *words ? words : "access denied", p->ops->auth_hint);
    if (*words)
        return err_new(PB_EXTERNAL, "%s answered %ld: \"%s\"", p->name, r->status, words);
    return err_new(PB_EXTERNAL, "%s answered %ld", p->name, r->status);
}

pb_err panel_request(struct panel *p, const char *path, const char *form, char **body)
{
    *body = NULL;
    char *url = xasprintf("%s%s", p->base, path);
    const char *headers[] = {p->auth_header, NULL};
    struct http_req req = {
        .method = form ? HTTP_POST : HTTP_GET,
        .url = url,
        .user = p->auth_header ? NULL : p->user,
        .password = p->auth_header ? NULL : p->secret,
        .headers = p->auth_header ? headers : NULL,
        .body = form,
        .content_type = form ? "application/x-www-form-urlencoded" : NULL,
        .insecure = p->insecure,
        .connect_ms = PANEL_CONNECT_MS,
        .timeout_ms = PANEL_TIMEOUT_MS,
    };
    struct http_resp resp;
    pb_err e = http_do(p->http, &req, &resp);
    free(url);
    p->ms += resp.ms;
    if (e)
        e = err_set_msg(e, "%s did not answer: %s", p->name, resp.fail_text);
    else
        e = judge(p, &resp);
    if (!e)
        *body = xstrdup(resp.body);
    http_resp_fini(&resp);
    return e;
}

pb_err panel_form(struct panel *p, const char *const *kv, char **out)
{
    *out = NULL;
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; kv[i]; i += 2) {
        if (!kv[i + 1])
            continue;
        char *esc;
        pb_err e = http_escape(p->http, kv[i + 1], &esc);
        if (e) {
            buf_fini(&b);
            return e;
        }
        buf_printf(&b, "%s%s=%s", b.len ? "&" : "", kv[i], esc);
        free(esc);
    }
    *out = buf_steal(&b);
    return NULL;
}

/* What the panels say for a user they do not have (cPanel's UserNotFound,
 * DirectAdmin's "User does not exist"); neither gives a code for it. */
static bool says_no_user(const char *words)
{
    static const char *const phrases[] = {"does not exist", "doesn't exist",  "no such user",
                                          "unknown user",   "failed to find", "could not find"};
    char *low = xstrdup(words);
    for (char *c = low; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    bool found = false;
    for (size_t i = 0; !found && i < sizeof phrases / sizeof phrases[0]; i++)
        found = strstr(low, phrases[i]) != NULL;
    free(low);
    return found;
}

pb_err panel_refused(struct panel *p, const char *call, const char *words)
{
    char w[PANEL_WORDS];
    panel_copy(w, sizeof w, words && *words ? words : "failed, without a reason");
    return err_new(says_no_user(w) ? PB_NOT_FOUND : PB_EXTERNAL, "%s answered %s: \"%s\"", p->name,
                   call, w);
}

pb_err panel_unexpected(struct panel *p, const char *call)
{
    return err_new(PB_EXTERNAL, "%s answered %s with something neither panel sends", p->name, call);
}

/* ---- sizes ------------------------------------------------------------------------- */

/* The multiplier of a size suffix (after its number and spaces): K, M, G,
 * T, each alone or followed by "B" or "iB"; "" and "B" are unit. 0 when
 * it is none of these. */
static int64_t suffix_scale(const char *s, int64_t unit)
{
    while (*s == ' ')
        s++;
    static const char letters[] = "KMGT";
    const char *at = *s ? strchr(letters, toupper((unsigned char)*s)) : NULL;
    if (!at)
        return !*s || !strcasecmp(s, "B") ? unit : 0;
    s++;
    if (*s && strcasecmp(s, "B") && strcasecmp(s, "iB"))
        return 0;
    return (int64_t)1 << (10 * (at - letters + 1));
}

bool panel_size(const char *s, int64_t unit, bool limit, int64_t *out)
{
    *out = 0;
    while (*s == ' ')
        s++;
    if (limit && !strcasecmp(s, "unlimited")) {
        *out = -1;
        return true;
    }
    if (!isdigit((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    long long whole = strtoll(s, &end, 10);
    if (errno)
        return false;
    /* The fraction alone goes through a double: whole bytes stay exact
     * beyond 2^53. */
    double frac = 0;
    if (*end == '.') {
        const char *f = end + 1;
        double place = 0.1;
        for (end++; isdigit((unsigned char)*end); end++, place /= 10)
            frac += (*end - '0') * place;
        if (end == f)
            return false;
    }
    int64_t scale = suffix_scale(end, unit);
    if (scale <= 0 || whole > INT64_MAX / scale - 1)
        return false;
    *out = (int64_t)whole * scale + (int64_t)(frac * (double)scale + 0.5);
    if (limit && *out == 0)
        *out = -1;
    return true;
}

bool panel_json_size(struct json_object *v, int64_t unit, bool limit, int64_t *out)
{
    *out = 0;
    if (!v) {
        *out = limit ? -1 : 0;
        return limit;
    }
    /* json-c keeps a parsed number's own text: "412.7", not a rounded double. */
    if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double) ||
        json_object_is_type(v, json_type_string))
        return panel_size(json_object_get_string(v), unit, limit, out);
    return false;
}

/* ---- the calls ------------------------------------------------------------------------ */

/* Panel user names are short, lower case and plain; anything else is a
 * typing error here, not something to send. */
static pb_err check_user(const struct panel *p, const char *username)
{
    size_t n = username ? strlen(username) : 0;
    bool ok = n > 0 && n < sizeof((struct panel_account *)0)->username;
    for (size_t i = 0; ok && i < n; i++) {
        char c = username[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    }
    if (!ok)
        return err_new(PB_VALIDATION,
                       "\"%s\" is not a user name %s could have: lower-case letters, digits, "
                       "'.', '_' and '-', at most 63.",
                       username ? username : "", p->name);
    return NULL;
}

pb_err panel_verify(struct panel *p, char *detail, size_t n)
{
    p->ms = 0;
    if (n > 0)
        detail[0] = '\0';
    return p->ops->verify(p, detail, n);
}

pb_err panel_list(struct panel *p, struct panel_account **out, size_t *n)
{
    p->ms = 0;
    *out = NULL;
    *n = 0;
    return p->ops->list(p, out, n);
}

pb_err panel_read(struct panel *p, const char *username, struct panel_account *out)
{
    p->ms = 0;
    memset(out, 0, sizeof *out);
    pb_err e = check_user(p, username);
    if (!e)
        e = p->ops->account(p, username, out);
    if (!e)
        e = p->ops->usage(p, out);
    return e;
}

/* Asks for the change, then believes only the account record read back:
 * an "OK" is no proof (users of other panel tools report suspensions that
 * answered OK and never happened), and the subscription must not say
 * "suspended" while the site is up. */
static pb_err set_suspended(struct panel *p, const char *username, bool suspend, const char *reason)
{
    p->ms = 0;
    pb_err e = check_user(p, username);
    if (!e)
        e = p->ops->set_suspended(p, username, suspend, reason);
    if (e)
        return e;
    struct panel_account a;
    e = p->ops->account(p, username, &a);
    if (!e && a.suspended != suspend)
        e = err_new(PB_EXTERNAL,
                    "%s answered OK to %s \"%s\", but reading it back shows it still %s", p->name,
                    suspend ? "suspending" : "unsuspending", username,
                    suspend ? "active" : "suspended");
    return e;
}

pb_err panel_suspend(struct panel *p, const char *username, const char *reason)
{
    return set_suspended(p, username, true, reason);
}

pb_err panel_unsuspend(struct panel *p, const char *username)
{
    return set_suspended(p, username, false, NULL);
}
