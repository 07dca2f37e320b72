/*
 * cmd_print.c - `patchbay invoice print ID [--pdf FILE]`: an invoice as the
 * customer receives it, as text or as a PDF file to send.
 */
#include <stdio.h>
#include <stdlib.h>

#include "app/invoice_doc.h"
#include "cli/cli.h"

static pb_err print(struct cli *c)
{
    const char *pdf = cli_opt(c, "pdf");
    const char *key;
    pb_err e = cli_key(c, "invoice print ID|NUMBER [--pdf FILE]", &key, NULL);
    if (e)
        return e;
    if (pdf) {
        e = invoice_doc_pdf(c->app, key, pdf);
        if (!e) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "invoice", json_object_new_string(key));
            json_object_object_add(o, "pdf", json_object_new_string(pdf));
            cli_print_done(c, o, "Wrote invoice %s to %s.", key, pdf);
        }
        return e;
    }
    char *text = NULL;
    e = invoice_doc_text(c->app, key, &text);
    if (!e && c->json) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "invoice", json_object_new_string(key));
        json_object_object_add(o, "text", json_object_new_string(text));
        cli_print_ok(c, o, NULL);
    } else if (!e) {
        fputs(text, stdout);
    }
    free(text);
    return e;
}

const struct cli_command cli_print_commands[] = {
    {"invoice", "print", print, "invoice print ID|NUMBER [--pdf FILE]", false},
    {NULL, NULL, NULL, NULL, false},
};
