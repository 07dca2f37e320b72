/*
 * cpanel.c - see cpanel.h.
 *
 * Every call is a GET of /json-api/<function>?api.version=1 with the
 * parameters in the query (WHM declares even its mutating functions as
 * GET). WHM answers failures with HTTP 200 and metadata.result 0, the
 * reason beside it; panel_request() has already dealt with what is not an
 * answer at all (no connection, 401/403, the login page).
 *
 * Reading an account takes five calls: accountsummary (domain, plan,
 * owner, disk, suspension), showbw (this month's traffic and limit) and
 * three UAPI functions through uapi_cpanel for the counts. A UAPI function
 * answering status 0 means the account or the server lacks that feature
 * (Feature Manager, a server profile without the mail or database role):
 * that count reads -1 and the read goes on, because disk, traffic and the
 * other counts are still right. Only WHM refusing uapi_cpanel itself, with
 * no UAPI answer inside, fails the read.
 *
 * WHM mixes types freely (sizes as "412M", flags as 0/1 or "0"/"1",
 * limits as "unlimited"); the readers accept every spelling seen and treat
 * objects where a value belongs as an answer no WHM sends.
 */
#include "net/cpanel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/xalloc.h"

/* Bare numbers in accountsummary are megabytes, as its "412M" are. */
#define MIB ((int64_t)1 << 20)

/* ---- one WHM call ----------------------------------------------------------------- */

/* GET /json-api/<fn>?api.version=1&<kv>: the answer as a JSON object in
 * *root (caller puts), whatever its verdict. */
static pb_err whm_get(struct panel *p, const char *fn, const char *const *kv,
                      struct json_object **root)
{
    *root = NULL;
    char *q;
    pb_err e = panel_form(p, kv, &q);
    if (e)
        return e;
    char *path = xasprintf("/json-api/%s?api.version=1%s%s", fn, *q ? "&" : "", q);
    free(q);
    char *body;
    e = panel_request(p, path, NULL, &body);
    free(path);
    if (e)
        return e;
    if (!panel_json(body, root) || !json_object_is_type(*root, json_type_object)) {
        json_object_put(*root);
        *root = NULL;
        e = err_new(PB_EXTERNAL, "%s answered %s with something that is not JSON", panel_name(p),
                    fn);
    }
    free(body);
    return e;
}

/* o[key], or NULL when absent (or JSON null). */
static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* A WHM or UAPI flag: true/false, 0/1 or "0"/"1"; absent reads false. */
static bool rd_flag(struct json_object *v, bool *out)
{
    *out = false;
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
        return true;
    }
    int64_t x = 0;
    if (v && (!panel_json_size(v, 1, false, &x) || x > 1))
        return false;
    *out = x == 1;
    return true;
}

/* WHM's verdict on fn: metadata.result 1, or its reason. An answer
 * without metadata is a refusal in WHM's older shape
 * ({"cpanelresult":{"error":..}}) or not from WHM at all. */
static pb_err whm_result(struct panel *p, const char *fn, struct json_object *root)
{
    struct json_object *res = get(get(root, "metadata"), "result");
    bool ok;
    char words[200];
    panel_json_words(root, words, sizeof words);
    if (res && rd_flag(res, &ok))
        return ok ? NULL : panel_refused(p, fn, words);
    return *words ? panel_refused(p, fn, words) : panel_unexpected(p, fn);
}

/* whm_get and the verdict: *root only for a success (caller puts). */
static pb_err whm_call(struct panel *p, const char *fn, const char *const *kv,
                       struct json_object **root)
{
    pb_err e = whm_get(p, fn, kv, root);
    if (!e && (e = whm_result(p, fn, *root))) {
        json_object_put(*root);
        *root = NULL;
    }
    return e;
}

/* data.<key> of a WHM answer, or NULL. */
static struct json_object *data_of(struct json_object *root, const char *key)
{
    return get(get(root, "data"), key);
}

/* data.acct: an array, with null or nothing read as none. false for
 * another shape. */
static bool acct_list(struct json_object *root, struct json_object **out)
{
    *out = data_of(root, "acct");
    return !*out || json_object_is_type(*out, json_type_array);
}

static size_t len_of(struct json_object *a)
{
    return a ? json_object_array_length(a) : 0;
}

/* ---- reading records ------------------------------------------------------------- */

/* A scalar o[key] as text into dst; absent or null reads "". */
static bool rd_text(struct json_object *o, const char *key, char *dst, size_t n)
{
    struct json_object *v = get(o, key);
    dst[0] = '\0';
    if (!v)
        return true;
    if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
        return false;
    panel_copy(dst, n, json_object_get_string(v));
    return true;
}

/* o[key] as a size; absent leaves *out as it is. */
static bool rd_size(struct json_object *o, const char *key, int64_t unit, bool limit, int64_t *out)
{
    struct json_object *v;
    return !json_object_object_get_ex(o, key, &v) || panel_json_size(v, unit, limit, out);
}

/* One record of listaccts or accountsummary. */
static bool rd_acct(struct json_object *o, struct panel_account *a)
{
    bool ok = json_object_is_type(o, json_type_object) &&
              rd_text(o, "user", a->username, sizeof a->username) && *a->username &&
              rd_text(o, "domain", a->domain, sizeof a->domain) &&
              rd_text(o, "plan", a->package, sizeof a->package) &&
              rd_text(o, "owner", a->owner, sizeof a->owner) &&
              rd_size(o, "diskused", MIB, false, &a->disk_used) &&
              rd_size(o, "disklimit", MIB, true, &a->disk_limit) &&
              rd_flag(get(o, "suspended"), &a->suspended);
    /* Not suspended, WHM says "not suspended" here. */
    if (ok && a->suspended)
        ok = rd_text(o, "suspendreason", a->suspend_reason, sizeof a->suspend_reason);
    return ok;
}

/* ---- the ops ---------------------------------------------------------------------- */

static pb_err cp_verify(struct panel *p, char *detail, size_t n)
{
    const char *const none[] = {NULL};
    struct json_object *root;
    pb_err e = whm_call(p, "version", none, &root);
    if (e)
        return e;
    struct json_object *v = data_of(root, "version");
    const char *full = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    /* "11.120.0.5" is WHM 11.120 to a person. */
    const char *dot = strchr(full, '.');
    size_t cut = dot ? (size_t)(dot - full) + 1 + strcspn(dot + 1, ".") : strlen(full);
    char version[32];
    panel_copy(version, cut < sizeof version ? cut + 1 : sizeof version, full);
    json_object_put(root);
    if (!*version)
        return panel_unexpected(p, "version");

    const char *const want[] = {"want", "user", NULL};
    struct json_object *acct;
    if ((e = whm_call(p, "listaccts", want, &root)))
        return e;
    if (acct_list(root, &acct)) {
        size_t k = len_of(acct);
        snprintf(detail, n, "WHM %s, %zu account%s", version, k, k == 1 ? "" : "s");
    } else {
        e = panel_unexpected(p, "listaccts");
    }
    json_object_put(root);
    return e;
}

static pb_err cp_list(struct panel *p, struct panel_account **out, size_t *n)
{
    const char *const none[] = {NULL};
    struct json_object *root, *acct;
    pb_err e = whm_call(p, "listaccts", none, &root);
    if (e)
        return e;
    if (!acct_list(root, &acct)) {
        json_object_put(root);
        return panel_unexpected(p, "listaccts");
    }
    size_t k = len_of(acct);
    struct panel_account *v = xcalloc(k ? k : 1, sizeof *v);
    for (size_t i = 0; !e && i < k; i++)
        if (!rd_acct(json_object_array_get_idx(acct, i), &v[i]))
            e = panel_unexpected(p, "listaccts");
    json_object_put(root);
    if (e) {
        free(v);
        return e;
    }
    *out = v;
    *n = k;
    return NULL;
}

static pb_err cp_account(struct panel *p, const char *username, struct panel_account *out)
{
    memset(out, 0, sizeof *out);
    const char *const kv[] = {"user", username, NULL};
    struct json_object *root, *acct;
    pb_err e = whm_call(p, "accountsummary", kv, &root);
    if (e)
        return e;
    if (!acct_list(root, &acct) || len_of(acct) != 1 ||
        !rd_acct(json_object_array_get_idx(acct, 0), out) || strcmp(out->username, username))
        e = panel_unexpected(p, "accountsummary");
    json_object_put(root);
    return e;
}

/* This month's traffic and limit. showbw's search is a regular
 * expression ("custa" also finds "custab"): the exact user is picked out. */
static pb_err cp_bandwidth(struct panel *p, struct panel_account *a)
{
    const char *const kv[] = {"searchtype", "user", "search", a->username, NULL};
    struct json_object *root, *acct;
    pb_err e = whm_call(p, "showbw", kv, &root);
    if (e)
        return e;
    bool found = false, ok = acct_list(root, &acct);
    for (size_t i = 0; ok && !found && i < len_of(acct); i++) {
        struct json_object *o = json_object_array_get_idx(acct, i), *user = get(o, "user");
        found = json_object_is_type(user, json_type_string) &&
                !strcmp(json_object_get_string(user), a->username);
        if (found)
            ok = rd_size(o, "totalbytes", 1, false, &a->bandwidth_used) &&
                 panel_json_size(get(o, "limit"), 1, true, &a->bandwidth_limit);
    }
    json_object_put(root);
    return ok && found ? NULL : panel_unexpected(p, "showbw");
}

/*
 * A UAPI function of the account, through uapi_cpanel: *off true when it
 * answered status 0 (that feature is off for this account or server), else
 * *data a reference to its "data" (caller puts; NULL for null). The UAPI
 * object sits under data.uapi; the "result" wrapper of the documented CLI
 * shape is unwrapped when present.
 */
static pb_err uapi(struct panel *p, const char *user, const char *call, const char *param,
                   const char *value, struct json_object **data, bool *off)
{
    *data = NULL;
    *off = false;
    char *module = xstrndup(call, strcspn(call, ":"));
    const char *fn = call + strlen(module) + 2;
    const char *const kv[] = {
        "cpanel.user", user, "cpanel.module", module, "cpanel.function", fn, param, value, NULL};
    struct json_object *root;
    pb_err e = whm_get(p, "uapi_cpanel", kv, &root);
    free(module);
    if (e)
        return e;
    struct json_object *u = data_of(root, "uapi"), *inner = get(u, "result");
    if (get(inner, "status"))
        u = inner;
    struct json_object *status = get(u, "status");
    bool ok;
    if (!status) {
        /* No UAPI answer: WHM itself refused uapi_cpanel. */
        if (!(e = whm_result(p, "uapi_cpanel", root)))
            e = panel_unexpected(p, call);
    } else if (!rd_flag(status, &ok)) {
        e = panel_unexpected(p, call);
    } else {
        *off = !ok;
        *data = ok ? json_object_get(get(u, "data")) : NULL;
    }
    json_object_put(root);
    return e;
}

/* How many records the UAPI function call ("Module::function") lists; -1
 * when the feature is off. */
static pb_err uapi_count(struct panel *p, const char *user, const char *call, const char *param,
                         const char *value, int64_t *count)
{
    struct json_object *d;
    bool off;
    pb_err e = uapi(p, user, call, param, value, &d, &off);
    if (e)
        return e;
    if (d && !json_object_is_type(d, json_type_array))
        e = panel_unexpected(p, call);
    else
        *count = off ? -1 : (int64_t)len_of(d);
    json_object_put(d);
    return e;
}

/* The main domain and every addon, parked and sub domain; -1 when the
 * feature is off. */
static pb_err cp_domains(struct panel *p, const char *user, int64_t *count)
{
    static const char call[] = "DomainInfo::list_domains";
    struct json_object *d;
    bool off;
    pb_err e = uapi(p, user, call, NULL, NULL, &d, &off);
    if (e)
        return e;
    if (off) {
        *count = -1;
        return NULL;
    }
    static const char *const lists[] = {"addon_domains", "parked_domains", "sub_domains"};
    struct json_object *main_domain = get(d, "main_domain");
    bool ok =
        json_object_is_type(main_domain, json_type_string) && *json_object_get_string(main_domain);
    int64_t k = 1;
    for (size_t i = 0; ok && i < sizeof lists / sizeof lists[0]; i++) {
        struct json_object *v = get(d, lists[i]);
        ok = !v || json_object_is_type(v, json_type_array);
        k += ok ? (int64_t)len_of(v) : 0;
    }
    json_object_put(d);
    if (!ok)
        return panel_unexpected(p, call);
    *count = k;
    return NULL;
}

static pb_err cp_usage(struct panel *p, struct panel_account *a)
{
    pb_err e = cp_bandwidth(p, a);
    /* skip_main: the account's own system mailbox is not one the customer made. */
    if (!e)
        e = uapi_count(p, a->username, "Email::list_pops", "skip_main", "1", &a->emails);
    if (!e)
        e = uapi_count(p, a->username, "Mysql::list_databases", NULL, NULL, &a->databases);
    if (!e)
        e = cp_domains(p, a->username, &a->domains);
    return e;
}

static pb_err cp_set_suspended(struct panel *p, const char *username, bool suspend,
                               const char *reason)
{
    const char *const kv[] = {"user", username, "reason",
                              suspend && reason && *reason ? reason : NULL, NULL};
    struct json_object *root;
    pb_err e = whm_call(p, suspend ? "suspendacct" : "unsuspendacct", kv, &root);
    json_object_put(root);
    return e;
}

const struct panel_ops cpanel_ops = {
    .auth_scheme = "whm",
    .auth_hint = "the WHM user and API token",
    .verify = cp_verify,
    .list = cp_list,
    .account = cp_account,
    .usage = cp_usage,
    .set_suspended = cp_set_suspended,
};
