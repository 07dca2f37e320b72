/* shared.c - see shared.h. */
#include "core/shared.h"

#include <sys/stat.h>
#include <unistd.h>

bool shared_mode(void)
{
    return getegid() != getgid();
}

void shared_init(void)
{
    if (shared_mode())
        umask(007);
}

unsigned shared_db_mode(void)
{
    return shared_mode() ? 0660 : 0644;
}
