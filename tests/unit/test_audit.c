/*
 * test_audit.c - reading the audit log (app/audit.c, store/audit_db.c)
 * against a real database made through the controllers, the clock pinned
 * at each change (the tenant is in Asia/Dhaka, UTC+6):
 *
 *   2026-11-01 10:00Z  root   creates customer Alpha        (create)
 *   2026-11-10 03:00Z  admin  edits Alpha's phone            (edit)
 *   2026-11-10 03:00Z  admin  creates customer Beta         (create)
 *   2026-11-20 20:00Z  root   suspends Alpha, overdue        (status; 21 Nov in Dhaka)
 *
 * Checked: newest first (by time, then id; one row by id); each filter (entity and row, operator, action,
 * days in the tenant's zone, words) alone and together, with counts;
 * keyset and offset paging; the filters' validation, naming each field;
 * audit.view (admin and root only); one entry and its JSON; before/after
 * with + ~ - marks; the chain intact, and broken by an entry appended
 * without it (an INSERT: the one write the table allows), named by id.
 * No SQL of one engine: the same test runs on PostgreSQL.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/customer.h"
#include "core/date.h"
#include "store/audit_db.h"

#define ADMIN "admin@test.example"
#define SUPPORT "support@test.example"

static struct app *root, *admin;
static int64_t alpha, beta; /* customer ids */

static void at(const char *iso)
{
    int64_t t = 0;
    assert_ok(time_parse_iso(iso, &t));
    clock_init_fixed(&root->clock, t);
    clock_init_fixed(&admin->clock, t);
}

static int64_t create(struct app *a, const char *name, const char *email)
{
    struct customer_input in = {.name = name, .email = email, .phone = "+880 1711 000001"};
    struct customer_row r = {0};
    assert_ok(customer_create(a, &in, &r));
    int64_t id = r.id;
    customer_row_fini(&r);
    return id;
}

static int setup(void **state)
{
    (void)state;
    root = fixture_app("audit");
    fixture_user(root, ADMIN, "admin", NULL);
    fixture_user(root, SUPPORT, "support", NULL);
    admin = fixture_login(root, ADMIN);
    at("2026-11-01T10:00:00Z");
    alpha = create(root, "Alpha Traders", "alpha@example.com");
    at("2026-11-10T03:00:00Z");
    struct customer_input ed = {.phone = "+880 1711 222333"};
    struct customer_row r = {0};
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)alpha);
    assert_ok(customer_edit(admin, key, &ed, -1, &r));
    customer_row_fini(&r);
    beta = create(admin, "Beta Foods", "beta@example.com");
    at("2026-11-20T20:00:00Z");
    assert_ok(customer_set_status(root, key, "suspended", "overdue", -1, &r));
    customer_row_fini(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&admin);
    app_free(&root);
    return 0;
}

/* The entries q lets through, newest first: their actions joined by
 * spaces into out, and how many the count says. */
static int64_t actions(struct app *a, struct audit_query *q, char *out, size_t n)
{
    struct audit_row *rows = NULL;
    int k = 0;
    bool more = false;
    q->dir = PAGE_FIRST;
    if (!q->limit)
        q->limit = 50;
    assert_ok(audit_list(a, q, &rows, &k, &more));
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%s", i ? " " : "", rows[i].action);
    }
    audit_rows_free(rows, k);
    int64_t total = -1;
    assert_ok(audit_count(a, q, &total));
    return total;
}

/* q filtered as typed. */
static void filtered(const struct audit_input *in, struct audit_filter *f, struct audit_query *q)
{
    assert_ok(audit_filter_parse(admin, in, f));
    memset(q, 0, sizeof *q);
    audit_filter_query(f, q);
}

static void test_newest_first_and_filters(void **state)
{
    (void)state;
    char got[200], id[32];
    struct audit_filter f;
    struct audit_query q;
    snprintf(id, sizeof id, "%lld", (long long)alpha);

    struct audit_input row = {.entity = "customer", .id = id};
    filtered(&row, &f, &q);
    assert_int_equal(actions(admin, &q, got, sizeof got), 3);
    assert_string_equal(got, "status edit create");

    struct audit_input cust = {.entity = "customer"};
    filtered(&cust, &f, &q);
    assert_int_equal(actions(admin, &q, got, sizeof got), 4);
    assert_string_equal(got, "status create edit create");

    /* The operator as typed, any case: e-mails are stored in lower case. */
    struct audit_input by = {.entity = "customer", .user = "Admin@Test.Example"};
    filtered(&by, &f, &q);
    assert_int_equal(actions(admin, &q, got, sizeof got), 2);
    assert_string_equal(got, "create edit");

    struct audit_input act = {.action = "status"};
    filtered(&act, &f, &q);
    assert_int_equal(actions(admin, &q, got, sizeof got), 1);

    /* Days are the tenant's: 20:00Z on the 20th is the 21st in Dhaka. */
    struct audit_input day21 = {.entity = "customer", .from = "2026-11-21", .to = "2026-11-21"};
    filtered(&day21, &f, &q);
    assert_string_equal(f.from, "2026-11-20T18:00:00Z");
    assert_string_equal(f.to, "2026-11-21T18:00:00Z");
    assert_int_equal(actions(admin, &q, got, sizeof got), 1);
    assert_string_equal(got, "status");
    struct audit_input upto20 = {.entity = "customer", .to = "2026-11-20"};
    filtered(&upto20, &f, &q);
    assert_int_equal(actions(admin, &q, got, sizeof got), 3);
    struct audit_input from10 = {.entity = "customer", .from = "2026-11-10"};
    filtered(&from10, &f, &q);
    assert_int_equal(actions(admin, &q, got, sizeof got), 3);
    assert_string_equal(got, "status create edit");

    /* Words: each must be found in the label, action, reason or e-mail. */
    struct audit_input none = {0};
    filtered(&none, &f, &q);
    q.search = "overdue";
    assert_int_equal(actions(admin, &q, got, sizeof got), 1);
    q.search = "alpha create";
    assert_int_equal(actions(admin, &q, got, sizeof got), 1);
    q.search = "50%_off";
    assert_int_equal(actions(admin, &q, got, sizeof got), 0);

    /* Everything together. */
    struct audit_input all = {.entity = "customer", .id = id, .user = ADMIN, .action = "edit",
                              .from = "2026-11-10", .to = "2026-11-10"};
    filtered(&all, &f, &q);
    assert_int_equal(actions(admin, &q, got, sizeof got), 1);
    assert_string_equal(got, "edit");
}

static void test_paging(void **state)
{
    (void)state;
    struct audit_filter f;
    struct audit_query q;
    struct audit_input cust = {.entity = "customer"};
    filtered(&cust, &f, &q);
    struct audit_row *rows = NULL;
    int n = 0;
    bool more = false;
    /* The first page, then the page after its last row, by keyset. */
    q.limit = 3;
    q.dir = PAGE_FIRST;
    assert_ok(audit_list(admin, &q, &rows, &n, &more));
    assert_int_equal(n, 3);
    assert_true(more);
    int64_t last = rows[2].id, newest = rows[0].id;
    char last_at[32];
    snprintf(last_at, sizeof last_at, "%s", rows[2].at);
    assert_true(rows[0].id > rows[1].id && rows[1].id > rows[2].id);
    audit_rows_free(rows, n);
    q.dir = PAGE_AFTER;
    q.anchor_id = last;
    q.anchor_key = last_at;
    assert_ok(audit_list(admin, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_false(more);
    assert_string_equal(rows[0].action, "create");
    assert_true(rows[0].id < last);
    audit_rows_free(rows, n);
    /* Offset pages (the command line's --page), and oldest first. */
    q.dir = PAGE_FIRST;
    q.anchor_id = 0;
    q.anchor_key = NULL;
    q.limit = 2;
    q.offset = 2;
    assert_ok(audit_list(admin, &q, &rows, &n, &more));
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, last);
    assert_string_equal(rows[1].action, "create");
    audit_rows_free(rows, n);
    q.offset = 0;
    q.oldest_first = true;
    q.limit = 1;
    assert_ok(audit_list(admin, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_true(rows[0].id < newest);
    assert_int_equal(rows[0].entity_id, alpha);
    assert_string_equal(rows[0].action, "create");
    audit_rows_free(rows, n);
}

static void test_filter_validation(void **state)
{
    (void)state;
    struct audit_filter f;
    struct audit_input bad = {.entity = "custommer", .from = "2026-13-01", .to = "2026-02-30"};
    pb_err e = audit_filter_parse(admin, &bad, &f);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "entity"), "\"custommer\" is not one of"));
    assert_non_null(strstr(err_field_msg(e, "entity"), "customer"));
    assert_non_null(strstr(err_field_msg(e, "from"), "From: "));
    assert_non_null(strstr(err_field_msg(e, "to"), "To: "));
    err_free(&e);

    struct audit_input id_alone = {.id = "12"};
    e = audit_filter_parse(admin, &id_alone, &f);
    assert_non_null(e);
    assert_string_equal(err_field_msg(e, "id"),
                        "Id: ids are counted per entity; name the entity too.");
    err_free(&e);
    struct audit_input id_word = {.entity = "plan", .id = "twelve"};
    e = audit_filter_parse(admin, &id_word, &f);
    assert_non_null(e);
    assert_string_equal(err_field_msg(e, "id"), "Id: \"twelve\" is not a whole number above 0.");
    err_free(&e);
    struct audit_input backwards = {.from = "2026-11-20", .to = "2026-11-01"};
    e = audit_filter_parse(admin, &backwards, &f);
    assert_non_null(e);
    assert_non_null(strstr(err_field_msg(e, "to"), "before From 2026-11-20"));
    err_free(&e);

    struct audit_row r = {0};
    assert_err(audit_get(admin, "x1", &r), PB_VALIDATION);
    audit_row_fini(&r);
    assert_err(audit_get(admin, "999999", &r), PB_NOT_FOUND);
    audit_row_fini(&r);
}

static void test_permissions(void **state)
{
    (void)state;
    struct app *sup = fixture_login(root, SUPPORT);
    struct audit_query q = {.limit = 5};
    struct audit_row *rows = NULL;
    int n = 0;
    bool more = false;
    int64_t cnt = 0;
    assert_err(audit_list(sup, &q, &rows, &n, &more), PB_FORBIDDEN);
    assert_err(audit_count(sup, &q, &cnt), PB_FORBIDDEN);
    struct audit_row r = {0};
    assert_err(audit_get(sup, "1", &r), PB_FORBIDDEN);
    audit_row_fini(&r);
    struct audit_chain ch;
    assert_err(audit_chain_check(sup, &ch), PB_FORBIDDEN);
    struct audit_facet_row *fr = NULL;
    assert_err(audit_facets(sup, AUDIT_FACET_ACTION, 5, &fr, &n), PB_FORBIDDEN);
    app_free(&sup);
    /* admin and root read it */
    assert_ok(audit_count(admin, &q, &cnt));
    assert_true(cnt >= 4);
    assert_ok(audit_chain_check(admin, &ch));
}

static void test_get_json_and_facets(void **state)
{
    (void)state;
    struct audit_filter f;
    struct audit_query q;
    struct audit_input act = {.action = "status"};
    filtered(&act, &f, &q);
    q.limit = 1;
    struct audit_row *rows = NULL;
    int n = 0;
    bool more = false;
    assert_ok(audit_list(admin, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)rows[0].id);
    audit_rows_free(rows, n);

    struct audit_row r = {0};
    assert_ok(audit_get(admin, key, &r));
    assert_string_equal(r.at, "2026-11-20T20:00:00Z");
    assert_string_equal(r.user_email, "root@test.example");
    assert_string_equal(r.origin, "cli");
    assert_string_equal(r.reason, "overdue");
    struct json_object *o = audit_json(&r), *v = NULL, *st = NULL;
    assert_true(json_object_object_get_ex(o, "before", &v));
    assert_true(json_object_is_type(v, json_type_object));
    assert_true(json_object_object_get_ex(v, "status", &st));
    assert_string_equal(json_object_get_string(st), "lead");
    assert_true(json_object_object_get_ex(o, "after", &v));
    assert_true(json_object_object_get_ex(v, "status", &st));
    assert_string_equal(json_object_get_string(st), "suspended");
    assert_true(json_object_object_get_ex(o, "entity_id", &v));
    assert_int_equal(json_object_get_int64(v), alpha);
    json_object_put(o);

    struct audit_field *fl = NULL;
    int nf = 0;
    audit_diff(&r, false, &fl, &nf);
    bool status = false;
    for (int i = 0; i < nf; i++) {
        assert_int_not_equal(fl[i].mark, AUDIT_SAME);
        if (strcmp(fl[i].name, "status") == 0) {
            status = true;
            assert_int_equal(fl[i].mark, AUDIT_CHANGED);
            assert_string_equal(fl[i].before, "lead");
            assert_string_equal(fl[i].after, "suspended");
        }
    }
    assert_true(status);
    audit_fields_free(fl, nf);
    audit_row_fini(&r);

    /* The f menu's values: the most frequent first. */
    struct audit_facet_row *fr = NULL;
    assert_ok(audit_facets(admin, AUDIT_FACET_ENTITY, 10, &fr, &n));
    bool customers = false;
    for (int i = 0; i < n; i++)
        if (strcmp(fr[i].value, "customer") == 0)
            customers = fr[i].count == 4;
    assert_true(customers);
    audit_facets_free(fr, n);
    assert_ok(audit_facets(admin, AUDIT_FACET_USER, 1, &fr, &n));
    assert_int_equal(n, 1);
    audit_facets_free(fr, n);
}

/* audit_diff over an entry made up here: it reads only the row. */
static void test_diff_marks(void **state)
{
    (void)state;
    struct audit_row r = {0};
    r.before_json = (char *)"{\"status\":\"active\",\"note\":null,\"gone\":1,\"same\":\"x\"}";
    r.after_json = (char *)"{\"status\":\"suspended\",\"note\":\"shop closed\",\"same\":\"x\","
                           "\"added\":[1,2]}";
    struct audit_field *f = NULL;
    int n = 0;
    audit_diff(&r, false, &f, &n);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].name, "status");
    assert_int_equal(audit_mark_char(f[0].mark), '~');
    assert_string_equal(f[1].name, "note");
    assert_int_equal(audit_mark_char(f[1].mark), '~');
    assert_string_equal(f[1].before, "—"); /* null shows as a dash */
    assert_string_equal(f[2].name, "added");
    assert_int_equal(audit_mark_char(f[2].mark), '+');
    assert_null(f[2].before);
    assert_string_equal(f[2].after, "[1,2]");
    assert_string_equal(f[3].name, "gone");
    assert_int_equal(audit_mark_char(f[3].mark), '-');
    assert_null(f[3].after);
    audit_fields_free(f, n);
    audit_diff(&r, true, &f, &n);
    assert_int_equal(n, 5);
    assert_string_equal(f[2].name, "same");
    assert_int_equal(audit_mark_char(f[2].mark), ' ');
    audit_fields_free(f, n);
    /* A creation: every field added. */
    r.before_json = NULL;
    audit_diff(&r, false, &f, &n);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++)
        assert_int_equal(f[i].mark, AUDIT_ADDED);
    audit_fields_free(f, n);
}

static void test_chain(void **state)
{
    (void)state;
    /* A database of its own: this one ends broken. */
    struct app *a = fixture_app("audit_chain");
    struct audit_chain ch;
    assert_ok(audit_chain_check(a, &ch));
    assert_int_equal(ch.bad_id, 0);
    assert_true(ch.checked >= 1);
    assert_null(audit_chain_error(&ch));
    int64_t before = ch.checked;
    int64_t gamma = create(a, "Gamma House", "gamma@example.com");
    assert_ok(audit_chain_check(a, &ch));
    assert_int_equal(ch.checked, before + 1);
    assert_int_equal(ch.bad_id, 0);

    /* An entry that did not come through audit_write: its hash is not its
     * contents'. Inserting is the one write the table allows. */
    char *last = NULL;
    assert_ok(audit_db_last_hash(a->st, &last));
    struct audit_row forged = {0};
    forged.tenant_id = a->tenant.id;
    forged.at = (char *)"2026-11-24T08:00:00Z";
    forged.user_email = (char *)"root@test.example";
    forged.origin = (char *)"cli";
    forged.entity = (char *)"customer";
    forged.entity_id = gamma;
    forged.entity_label = (char *)"C-00001 Gamma House";
    forged.action = (char *)"edit";
    forged.after_json = (char *)"{\"credit\":\"1000000.00\"}";
    forged.prev_hash = last;
    forged.hash = (char *)"0000000000000000000000000000000000000000000000000000000000000000";
    assert_ok(store_begin(a->st));
    assert_ok(audit_db_insert_many(a->st, &forged, 1));
    assert_ok(store_commit(a->st));
    free(last);
    struct audit_row *rows = NULL;
    int n = 0;
    int64_t total = 0;
    /* The row's newest entry by id: the one just appended. */
    assert_ok(audit_db_list(a->st, a->tenant.id, "customer", gamma, 0, 1, &rows, &n, &total));
    assert_int_equal(n, 1);
    int64_t forged_id = rows[0].id;
    audit_rows_free(rows, n);
    /* Changes after it still chain on (to it): the break stays where it is. */
    create(a, "Delta Foods", "delta@example.com");

    assert_ok(audit_chain_check(a, &ch));
    assert_int_equal(ch.bad_id, forged_id);
    assert_false(ch.unlinked);
    assert_int_equal(ch.checked, before + 3);
    pb_err e = audit_chain_error(&ch);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    char want[64];
    snprintf(want, sizeof want, "breaks at entry %lld:", (long long)forged_id);
    assert_non_null(strstr(e->msg, want));
    err_free(&e);
    int64_t checked = 0, bad = 0;
    assert_ok(audit_verify(a, &checked, &bad));
    assert_int_equal(bad, forged_id);
    app_free(&a);
}

/* Newest first means by time: an entry appended later with an earlier
 * time (another operator's clock) sorts below, and the keyset pages on. */
static void test_time_order(void **state)
{
    (void)state;
    struct app *a = fixture_app("audit_order");
    int64_t t = 0;
    assert_ok(time_parse_iso("2026-11-24T10:00:00Z", &t));
    clock_init_fixed(&a->clock, t);
    int64_t x = create(a, "Xenon Ltd", "x@example.com");
    clock_init_fixed(&a->clock, t - 3600);
    int64_t y = create(a, "Yarn Ltd", "y@example.com");
    assert_true(y > x);
    struct audit_query q = {.entity = "customer", .dir = PAGE_FIRST, .limit = 1};
    struct audit_row *rows = NULL;
    int n = 0;
    bool more = false;
    assert_ok(audit_list(a, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_true(more);
    assert_int_equal(rows[0].entity_id, x);
    char at_x[32];
    snprintf(at_x, sizeof at_x, "%s", rows[0].at);
    q.dir = PAGE_AFTER;
    q.anchor_id = rows[0].id;
    q.anchor_key = at_x;
    audit_rows_free(rows, n);
    assert_ok(audit_list(a, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_false(more);
    assert_int_equal(rows[0].entity_id, y);
    assert_string_equal(rows[0].at, "2026-11-24T09:00:00Z");
    audit_rows_free(rows, n);
    app_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newest_first_and_filters),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_filter_validation),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_get_json_and_facets),
        cmocka_unit_test(test_diff_marks),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_time_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
