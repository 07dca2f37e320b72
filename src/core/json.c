/* json.c - see json.h. Thin, stateless wrappers over json-c. */
#include "core/json.h"

#include "core/money.h"
#include "core/xalloc.h"

struct json_object *json_money(int64_t minor, const char *cur)
{
    char buf[MONEY_BUF];
    return json_object_new_string(money_plain(minor, cur, buf, sizeof buf));
}

struct json_object *json_str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

struct json_object *json_date(struct date d)
{
    char buf[DATE_BUF];
    if (!date_valid(d))
        return NULL;
    return json_object_new_string(date_format(d, buf, sizeof buf));
}

struct json_object *json_time(int64_t t)
{
    char buf[TIME_BUF];
    if (t == 0)
        return NULL;
    return json_object_new_string(time_format_iso(t, buf, sizeof buf));
}

char *json_dump(struct json_object *o, bool pretty)
{
    int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
                (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                        : JSON_C_TO_STRING_PLAIN);
    return xstrdup(json_object_to_json_string_ext(o, flags));
}

/* An integer, or null when absent. */
static struct json_object *int_or_null(bool present, int64_t v)
{
    return present ? json_object_new_int64(v) : NULL;
}

struct json_object *json_pagination(const struct pagination *p)
{
    int64_t size = p->page_size > 0 ? p->page_size : 1;
    int64_t total = p->total_items > 0 ? p->total_items : 0;
    int64_t pages = total / size + (total % size != 0);
    if (pages < 1)
        pages = 1;
    int64_t page = p->page > 0 ? p->page : 1;
    bool next = page < pages, prev = page > 1;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "current_page", json_object_new_int64(page));
    json_object_object_add(o, "total_pages", json_object_new_int64(pages));
    json_object_object_add(o, "total_items", json_object_new_int64(total));
    json_object_object_add(o, "page_size", json_object_new_int64(p->page_size));
    json_object_object_add(o, "has_next", json_object_new_boolean(next));
    json_object_object_add(o, "has_previous", json_object_new_boolean(prev));
    json_object_object_add(o, "next_page", int_or_null(next, page + 1));
    json_object_object_add(o, "previous_page", int_or_null(prev, page - 1));
    return o;
}

struct json_object *json_envelope_ok(struct json_object *data, const struct pagination *p)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "success", json_object_new_boolean(true));
    json_object_object_add(o, "data", data);
    if (p)
        json_object_object_add(o, "pagination", json_pagination(p));
    return o;
}

/* {"field":["msg",...]} from the field messages of e, in order. */
static struct json_object *field_errors(const struct pb_error *e)
{
    struct json_object *errs = json_object_new_object();
    for (size_t i = 0; e && i < e->nfields; i++) {
        struct json_object *list;
        if (!json_object_object_get_ex(errs, e->fields[i].field, &list)) {
            list = json_object_new_array();
            json_object_object_add(errs, e->fields[i].field, list);
        }
        json_object_array_add(list, json_object_new_string(e->fields[i].msg));
    }
    return errs;
}

struct json_object *json_envelope_err(const struct pb_error *e)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "success", json_object_new_boolean(false));
    json_object_object_add(o, "message",
                           json_object_new_string(e && e->msg ? e->msg : "Something went wrong."));
    json_object_object_add(o, "error_code",
                           json_object_new_string(err_code_name(e ? e->code : PB_INTERNAL)));
    json_object_object_add(o, "errors", field_errors(e));
    return o;
}
