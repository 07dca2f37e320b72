/* test_canvas.c - widths, cutting, clipping, wide cells, ASCII mode. */
#include "harness/harness.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/canvas.h"

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(text_width("Rahim"), 5);
    assert_int_equal(text_width("漢字"), 4);
    assert_int_equal(text_width("e\xcc\x81"), 1); /* e + combining acute */
    /* Bangla: what the C library says, cluster by cluster. */
    const char *bn = "রহিম";
    int want = 0;
    uint32_t cp;
    for (const char *p = bn; *p;) {
        int n = utf8_decode(p, &cp);
        int w = wcwidth((wchar_t)cp);
        want += w < 0 ? cp_width(cp) : w;
        p += n;
    }
    assert_int_equal(text_width(bn), want);
    assert_true(want >= 3 && want <= 4);
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width(NULL), 0);
    assert_int_equal(text_width("\xff" "a"), 2); /* an invalid byte is one cell */
    assert_int_equal(text_width("a\tb"), 3);     /* a control character is '?' */
}

static void test_fit_and_cut(void **state)
{
    (void)state;
    assert_int_equal(text_fit("漢字", 3), 3); /* one wide char */
    assert_int_equal(text_fit("abc", 5), 3);
    assert_int_equal(text_fit("e\xcc\x81x", 1), 3); /* the mark stays with its base */
    char *s = text_cut("Rahim Uddin", 6, false, false, false);
    assert_string_equal(s, "Rahim…");
    free(s);
    s = text_cut("Rahim", 8, true, false, false);
    assert_string_equal(s, "Rahim   ");
    free(s);
    s = text_cut("42", 5, true, true, false);
    assert_string_equal(s, "   42");
    free(s);
    s = text_cut("漢字漢字", 4, true, false, true);
    assert_string_equal(s, "漢> "); /* 2 + ">" + pad = 4 cells */
    assert_int_equal(text_width(s), 4);
    free(s);
    s = text_tail("stale 4m · live", 6, false);
    assert_string_equal(s, "… live");
    free(s);
}

static void test_mem_canvas(void **state)
{
    (void)state;
    struct canvas *c = canvas_mem_new(3, 10, false);
    assert_int_equal(canvas_text(c, 0, 0, -1, ROLE_error, "漢字ab"), 6);
    char *l = canvas_mem_line(c, 0);
    assert_string_equal(l, "漢字ab");
    free(l);
    assert_int_equal(canvas_mem_role(c, 0, 1), ROLE_error);
    canvas_text(c, 0, 1, 1, ROLE_normal, "x"); /* over the right half of 漢 */
    l = canvas_mem_line(c, 0);
    assert_string_equal(l, " x字ab");
    free(l);
    canvas_text(c, 1, 8, -1, ROLE_normal, "漢"); /* fits exactly */
    canvas_text(c, 2, 9, -1, ROLE_normal, "漢"); /* half: blank */
    l = canvas_mem_line(c, 1);
    assert_string_equal(l, "        漢");
    free(l);
    canvas_text(c, 2, 0, 5, ROLE_normal, "Rahim Uddin");
    l = canvas_mem_line(c, 2);
    assert_string_equal(l, "Rahi…    …"); /* 漢 at the edge was cut */
    free(l);
    canvas_clip(c, (struct rect){0, 2, 3, 3});
    canvas_fill(c, (struct rect){0, 0, 3, 10}, ROLE_selection);
    canvas_unclip(c);
    assert_int_equal(canvas_mem_role(c, 2, 1), ROLE_normal);
    assert_int_equal(canvas_mem_role(c, 2, 2), ROLE_selection);
    assert_int_equal(canvas_mem_role(c, 2, 5), ROLE_normal);
    canvas_text_attr(c, 1, 0, 1, ROLE_key_hint_key, ATTR_BOLD, false, "E");
    assert_int_equal(canvas_mem_attrs(c, 1, 0), ATTR_BOLD);
    int y, x;
    canvas_cursor(c, 1, 3);
    canvas_mem_cursor(c, &y, &x);
    assert_int_equal(y, 1);
    assert_int_equal(x, 3);
    canvas_free(&c);
    assert_null(c);
}

static void test_box_and_ascii(void **state)
{
    (void)state;
    struct canvas *c = canvas_mem_new(4, 12, true);
    canvas_box(c, (struct rect){0, 0, 4, 12}, ROLE_dialog, "Sort");
    canvas_text(c, 1, 1, -1, ROLE_normal, "▸ 漢 é ✓…");
    canvas_text(c, 2, 1, -1, ROLE_normal, "e\xcc\x81!");
    canvas_glyph(c, 2, 4, G_UP, ROLE_ok);
    char *t = canvas_mem_text(c);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        assert_true(*p < 0x80);
    assert_non_null(strstr(t, "+- Sort ---+"));
    assert_non_null(strstr(t, "> ?? e +."));
    assert_non_null(strstr(t, "|e! ^"));
    free(t);
    canvas_free(&c);

    c = canvas_mem_new(3, 12, false);
    canvas_box(c, (struct rect){0, 0, 3, 12}, ROLE_dialog, "Sort");
    char *l = canvas_mem_line(c, 0);
    assert_string_equal(l, "┌─ Sort ───┐");
    free(l);
    assert_int_equal(canvas_mem_role(c, 0, 3), ROLE_dialog_title);
    canvas_free(&c);
}

static void test_utf8_decode(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(utf8_decode("é", &cp), 2);
    assert_int_equal(cp, 0xe9);
    assert_int_equal(utf8_decode("\xc0\xaf", &cp), 1); /* overlong */
    assert_int_equal(cp, 0xfffd);
    assert_int_equal(utf8_decode("\xed\xa0\x80", &cp), 1); /* surrogate */
    assert_int_equal(utf8_decode("", &cp), 0);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),       cmocka_unit_test(test_fit_and_cut),
        cmocka_unit_test(test_mem_canvas),   cmocka_unit_test(test_box_and_ascii),
        cmocka_unit_test(test_utf8_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
