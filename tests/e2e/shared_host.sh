# shared_host.sh - `make install` for a shared host: the binary is setgid to
# a group that owns the database directory, the database and the key file;
# two operators logged in as themselves (Unix users outside the group) both
# use patchbay on one database, and neither can read the files directly.
# Needs root (users, a group, chgrp); the file is SQLite's, so the
# PostgreSQL pass has nothing to check here.
. tests/e2e/lib.sh

if [ "$(id -u)" != 0 ] || ! sqlite_only; then
    echo "shared_host.sh: skipped (needs root and the SQLite pass)"
    exit 0
fi

G=pbg$$
UA=pba$$
UB=pbb$$
cleanup_host() {
    userdel "$UA" 2>/dev/null
    userdel "$UB" 2>/dev/null
    groupdel "$G" 2>/dev/null
    cleanup
}
trap cleanup_host EXIT
chmod 755 "$T"
useradd --no-create-home --shell /bin/sh "$UA" && useradd --no-create-home --shell /bin/sh "$UB"
check "two Unix users" id -u "$UB" >/dev/null

make --no-print-directory install PREFIX="$T/usr" STATEDIR="$T/var" GROUP="$G" SAN="${SAN:-}" \
    >"$T/install.out" 2>&1
RC=$?
expect_rc 0 "make install as root"
check "it says the binary is setgid" grep -q "setgid $G" "$T/install.out"
P="$T/usr/bin/patchbay"
check "the binary is setgid to $G" test "$(stat -c '%G %a' "$P")" = "$G 2755"
check "the state directory is the group's alone" test "$(stat -c '%G %a' "$T/var/patchbay")" = "$G 2770"

# as_user U ARGS...: patchbay as Unix user U, output in $T/out
as_user() {
    u=$1
    shift
    mkdir -p "$T/home-$u" && chown "$u" "$T/home-$u"
    printf '%s\n' "${PASS:-Secret123}" >"$T/pw" && chmod 644 "$T/pw"
    runuser -u "$u" -- env HOME="$T/home-$u" XDG_DATA_HOME="$T/home-$u/data" \
        XDG_CONFIG_HOME="$T/home-$u/config" PATCHBAY_PASSWORD="${PASS:-Secret123}" \
        "$P" --db "sqlite:$T/var/patchbay/pb.db" "$@" <"$T/pw" >"$T/out" 2>"$T/err"
    RC=$?
}

as_user "$UA" init --admin-email root@shared.test --password-stdin
expect_rc 0 "the first operator makes the database"
check "the database is the group's, read-write, nothing for others" \
    test "$(stat -c '%G %a' "$T/var/patchbay/pb.db")" = "$G 660"
check "the key file is the group's, read-only, nothing for others" \
    test "$(stat -c '%G %a' "$T/var/patchbay/pb.db.key")" = "$G 640"

as_user "$UB" --user root@shared.test customer add --name "Shared Host Customer" \
    --email shared@example.net
expect_rc 0 "another Unix user adds a customer through patchbay"
as_user "$UA" --user root@shared.test --json customer list --search Shared
expect_rc 0 "the first one lists it"
expect_json "d['data'][0]['name']" "Shared Host Customer" "the change is shared"

runuser -u "$UB" -- cat "$T/var/patchbay/pb.db" >/dev/null 2>&1
check "the operator cannot read the database file" test $? != 0
runuser -u "$UB" -- cat "$T/var/patchbay/pb.db.key" >/dev/null 2>&1
check "nor the key file" test $? != 0
runuser -u "$UB" -- sqlite3 "$T/var/patchbay/pb.db" "select count(*) from customer" >/dev/null 2>&1
check "nor open it with sqlite3" test $? != 0
cp "$P" "$T/plain" && chmod 755 "$T/plain"
runuser -u "$UB" -- "$T/plain" --db "sqlite:$T/var/patchbay/pb.db" customer list >"$T/out" 2>&1
check "a copy without setgid cannot open it" test $? != 0
check "and says why" grep -q "cannot" "$T/out"

as_user "$UB" --user root@shared.test router add --name core-1 --host 192.0.2.1 --username api \
    --password-stdin
expect_rc 0 "a router's password is sealed with the group's key"
chmod 644 "$T/var/patchbay/pb.db.key"
as_user "$UB" --user root@shared.test router add --name core-2 --host 192.0.2.2 --username api \
    --password-stdin
check "a key file opened to others is refused" grep -q "readable by its group only" "$T/out" "$T/err"
expect_rc 3 "refused with a validation error"

finish
