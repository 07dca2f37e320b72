/*
 * test_csv.c - the RFC 4180 reader and writer: plain and quoted fields,
 * doubled quotes, line breaks inside quotes (and the line numbers after
 * them), CRLF and LF, a byte order mark, blank lines, broken quoting with
 * the line it is on, reading from a FILE in small and large pieces, and a
 * writer round trip.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/csv.h"
#include "core/buf.h"
#include "core/xalloc.h"

/* Reads every record of s; returns them joined as "a|b|c\n" per record with
 * the start line: "1:a|b\n". */
static char *dump(struct csv_reader *r, pb_err *err)
{
    struct buf b;
    buf_init(&b);
    struct csv_record rec;
    bool got = false;
    *err = NULL;
    while (!(*err = csv_read(r, &rec, &got)) && got) {
        buf_printf(&b, "%lld:", (long long)rec.line);
        for (size_t i = 0; i < rec.n; i++)
            buf_printf(&b, "%s%s", i ? "|" : "", rec.fields[i]);
        buf_putc(&b, '\n');
    }
    return buf_steal(&b);
}

static char *dump_string(const char *s, pb_err *err)
{
    struct csv_reader *r = csv_open_string(s);
    char *out = dump(r, err);
    csv_close(&r);
    return out;
}

static void check(const char *in, const char *want)
{
    pb_err e = NULL;
    char *got = dump_string(in, &e);
    assert_ok(e);
    assert_string_equal(got, want);
    free(got);
}

static void check_error(const char *in, const char *msg)
{
    pb_err e = NULL;
    char *got = dump_string(in, &e);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_string_equal(e->msg, msg);
    err_free(&e);
    free(got);
}

static void test_plain_fields(void **state)
{
    (void)state;
    check("name,email\nRahim Uddin,rahim@gmail.com\n",
          "1:name|email\n2:Rahim Uddin|rahim@gmail.com\n");
    /* no final line break */
    check("a,b\nc,d", "1:a|b\n2:c|d\n");
    /* empty fields, leading and trailing */
    check(",x,\n", "1:|x|\n");
    check("", "");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    check("\"Khan Garments, Ltd\",\"House 12, Road 5\"\n",
          "1:Khan Garments, Ltd|House 12, Road 5\n");
    check("\"She said \"\"hello\"\"\",x\n", "1:She said \"hello\"|x\n");
    check("\"\"\n", "1:\n");
    check("\"\",\"\"\n", "1:|\n");
    /* a quote inside an unquoted field is kept as it is */
    check("5\" pipe,x\n", "1:5\" pipe|x\n");
}

static void test_newlines_inside_quotes_keep_line_numbers(void **state)
{
    (void)state;
    check("name,notes\nRahim,\"Calls after 6 pm.\nSon Arif can be called.\"\nFatema,x\n",
          "1:name|notes\n2:Rahim|Calls after 6 pm.\nSon Arif can be called.\n4:Fatema|x\n");
    /* CRLF inside a quoted field is data; the line count still follows */
    check("a\r\n\"x\r\ny\r\nz\"\r\nb\r\n", "1:a\n2:x\r\ny\r\nz\n5:b\n");
}

static void test_crlf_lf_and_cr(void **state)
{
    (void)state;
    check("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
    check("a,b\rc,d\r", "1:a|b\n2:c|d\n");
    check("\"q\"\r\nx\n", "1:q\n2:x\n");
}

static void test_bom(void **state)
{
    (void)state;
    check("\xEF\xBB\xBFname,email\nx,y\n", "1:name|email\n2:x|y\n");
    /* only at the very start */
    check("a\n\xEF\xBB\xBF" "b\n", "1:a\n2:\xEF\xBB\xBF" "b\n");
}

static void test_blank_lines(void **state)
{
    (void)state;
    struct csv_reader *r = csv_open_string("a\n\n\"\"\nb\n");
    struct csv_record rec;
    bool got;
    assert_ok(csv_read(r, &rec, &got));
    assert_true(got);
    assert_false(csv_blank(&rec));
    assert_ok(csv_read(r, &rec, &got));
    assert_true(got);
    assert_true(csv_blank(&rec));
    assert_int_equal(rec.line, 2);
    assert_ok(csv_read(r, &rec, &got));
    assert_true(got);
    assert_false(csv_blank(&rec)); /* "" is an empty field, not a blank line */
    assert_int_equal(rec.n, 1);
    assert_ok(csv_read(r, &rec, &got));
    assert_true(got);
    assert_int_equal(rec.line, 4);
    assert_ok(csv_read(r, &rec, &got));
    assert_false(got);
    csv_close(&r);
}

static void test_broken_quoting_names_the_line(void **state)
{
    (void)state;
    /* the unclosed quote opens on line 3 and runs to the end */
    check_error("name,email\nRahim,r@x.com\n\"Fatema,f@x.com\nNasrin,n@x.com\n",
                "line 3: a quoted field is not closed");
    /* text after the closing quote, after a record spanning two lines */
    check_error("a\n\"multi\nline\",x\n\"Rahim\" Uddin,r@x.com\n",
                "line 4: text after a closing quote");
    check_error("a,b\n\"x\"y,z\n", "line 2: text after a closing quote");
    /* after an error the reader stays at the end */
    struct csv_reader *r = csv_open_string("\"open\n");
    struct csv_record rec;
    bool got;
    pb_err e = csv_read(r, &rec, &got);
    assert_non_null(e);
    assert_int_equal(csv_line(r), 1);
    err_free(&e);
    assert_ok(csv_read(r, &rec, &got));
    assert_false(got);
    csv_close(&r);
}

static void test_nul_byte(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    fwrite("a,b\nc\0d,e\n", 1, 10, f);
    rewind(f);
    struct csv_reader *r = csv_open_file(f);
    pb_err e = NULL;
    char *got = dump(r, &e);
    assert_non_null(e);
    assert_string_equal(e->msg, "line 2: a NUL byte; is this a CSV text file?");
    err_free(&e);
    free(got);
    csv_close(&r);
    fclose(f);
}

static void test_file_reader_across_chunks(void **state)
{
    (void)state;
    /* Records and a quoted field that straddle the reader's 64 KiB chunks. */
    FILE *f = tmpfile();
    assert_non_null(f);
    fputs("\xEF\xBB\xBFid,text\r\n", f);
    struct buf want;
    buf_init(&want);
    buf_puts(&want, "1:id|text\n");
    int64_t line = 2;
    for (int i = 0; i < 3000; i++) {
        if (i % 100 == 7) {
            fprintf(f, "%d,\"quoted, with \"\"quotes\"\"\nand a second line %d\"\r\n", i, i);
            buf_printf(&want, "%lld:%d|quoted, with \"quotes\"\nand a second line %d\n",
                       (long long)line, i, i);
            line += 2;
        } else {
            fprintf(f, "%d,plain text number %d that makes the line long enough\r\n", i, i);
            buf_printf(&want, "%lld:%d|plain text number %d that makes the line long enough\n",
                       (long long)line, i, i);
            line++;
        }
    }
    rewind(f);
    struct csv_reader *r = csv_open_file(f);
    pb_err e = NULL;
    char *got = dump(r, &e);
    assert_ok(e);
    assert_string_equal(got, want.s);
    free(got);
    buf_fini(&want);
    csv_close(&r);
    fclose(f);
}

static void test_writer_quotes_only_when_needed(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    const char *f[] = {"Rahim Uddin", "Khan Garments, Ltd", "say \"hi\"", "two\nlines", "",
                       NULL, " padded", "+880 1711 234567"};
    csv_put_record(&b, f, sizeof f / sizeof *f);
    assert_string_equal(b.s, "Rahim Uddin,\"Khan Garments, Ltd\",\"say \"\"hi\"\"\",\"two\nlines\""
                             ",,,\" padded\",+880 1711 234567\r\n");
    buf_fini(&b);
}

static void test_writer_round_trip(void **state)
{
    (void)state;
    const char *rows[][4] = {
        {"name", "company", "notes", "email"},
        {"Fatema Begum", "Rupsha Tea House", "Calls after 6 pm.\r\nPrefers Bangla.", "f@x.com"},
        {"\"Quoted\" Name", ",,,", "", "a@b.c"},
        {"", "\xE0\xA6\xAE\xE0\xA7\x87\xE0\xA6\x98\xE0\xA6\xA8\xE0\xA6\xBE", "trailing ", "x"},
    };
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < 4; i++)
        csv_put_record(&b, rows[i], 4);

    struct csv_reader *r = csv_open_string(b.s);
    struct csv_record rec;
    bool got;
    for (size_t i = 0; i < 4; i++) {
        assert_ok(csv_read(r, &rec, &got));
        assert_true(got);
        assert_int_equal(rec.n, 4);
        for (size_t k = 0; k < 4; k++)
            assert_string_equal(rec.fields[k], rows[i][k]);
    }
    assert_ok(csv_read(r, &rec, &got));
    assert_false(got);
    csv_close(&r);

    /* and through a FILE */
    FILE *f = tmpfile();
    assert_non_null(f);
    for (size_t i = 0; i < 4; i++)
        assert_ok(csv_write_record(f, rows[i], 4, "the test file"));
    rewind(f);
    r = csv_open_file(f);
    for (size_t i = 0; i < 4; i++) {
        assert_ok(csv_read(r, &rec, &got));
        assert_true(got);
        for (size_t k = 0; k < 4; k++)
            assert_string_equal(rec.fields[k], rows[i][k]);
    }
    csv_close(&r);
    fclose(f);
    buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_fields),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_newlines_inside_quotes_keep_line_numbers),
        cmocka_unit_test(test_crlf_lf_and_cr),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_broken_quoting_names_the_line),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_file_reader_across_chunks),
        cmocka_unit_test(test_writer_quotes_only_when_needed),
        cmocka_unit_test(test_writer_round_trip),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
