/*
 * action.c - names, default keys and help text of the action vocabulary,
 * expanded from the one list in action.h.
 */
#include "ui/action.h"

#include <stddef.h>
#include <string.h>

static const struct {
    const char *name, *k1, *k2, *help;
} actions[] = {
#define ACTION_ROW(e, name, k1, k2, help) {name, k1, k2, help},
    ACTIONS(ACTION_ROW)
#undef ACTION_ROW
};
_Static_assert(sizeof actions / sizeof actions[0] == A_COUNT, "action table");

const char *action_name(enum action a)
{
    return (unsigned)a < A_COUNT ? actions[a].name : "none";
}

const char *action_help(enum action a)
{
    return (unsigned)a < A_COUNT ? actions[a].help : "";
}

enum action action_by_name(const char *name)
{
    if (!name)
        return A_NONE;
    for (int i = 0; i < A_COUNT; i++)
        if (strcmp(actions[i].name, name) == 0)
            return (enum action)i;
    return A_NONE;
}

const char *action_default_key(enum action a, int i)
{
    if ((unsigned)a >= A_COUNT || i < 0 || i > 1)
        return NULL;
    return i == 0 ? actions[a].k1 : actions[a].k2;
}
