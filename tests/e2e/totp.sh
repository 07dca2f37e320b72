# totp.sh - the second factor and auth = unix end to end (SCREENS.md 4.1):
# TOTP turned on through the command line (the code computed here, as a
# phone would, from the printed base32 secret and the pinned clock), the
# console's second step in tmux (a wrong code and its message, then the
# right one), the command line with PATCHBAY_TOTP, a replayed code refused,
# a recovery code working once, new recovery codes, TOTP turned off; then
# auth = unix: the Unix user running the tests mapped to an operator signs
# in without password or code, on the command line and in the console, and
# is refused when unmapped or disabled. The database is checked after each.
# postgresql: yes
. tests/e2e/lib.sh
unset PATCHBAY_AUTH PATCHBAY_TOTP PATCHBAY_PASSWORD SSH_CLIENT

PW=Secret123
printf '%s\n' "$PW" | "$BIN" --db "$DBURL" init --admin-email root@demo.test --password-stdin \
    >/dev/null 2>&1
check "a new database" has_db
printf '%s\n' "$PW" >"$T/pw"
for u in admin:admin support:support; do
    AS=root@demo.test pb user add "${u%%:*}@demo.test" --full-name "${u%%:*}" --role "${u#*:}" \
        --password-stdin <"$T/pw"
    expect_rc 0 "user ${u%%:*}"
done
T0=$PATCHBAY_NOW
export T0

# The phone: RFC 6238 codes from the secret at T0 + OFFSET s, and
# `user totp enable --code-stdin` answered with the code of the secret it
# prints (the preview comes before the code is read).
cat >"$T/phone.py" <<'PY'
import base64, datetime, hashlib, hmac, os, struct, subprocess, sys

def epoch(offset=0):
    t = datetime.datetime.strptime(os.environ["T0"], "%Y-%m-%dT%H:%M:%SZ")
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp()) + offset

def code(secret, t):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", t // 30), hashlib.sha1).digest()
    off = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)

cmd = sys.argv[1]
if cmd == "at":        # at OFFSET: the ISO time T0 + OFFSET
    t = datetime.datetime.fromtimestamp(epoch(int(sys.argv[2])), datetime.timezone.utc)
    print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))
elif cmd == "code":    # code SECRET OFFSET
    print(code(sys.argv[2], epoch(int(sys.argv[3]))))
elif cmd == "valid":   # valid SECRET OFFSET CODE: is CODE one of the window's?
    t = epoch(int(sys.argv[3]))
    sys.exit(0 if sys.argv[4] in [code(sys.argv[2], t + d) for d in (-30, 0, 30)] else 1)
elif cmd == "enable":  # enable OUT ARGS... at T0: the secret on line 1 of OUT, then the output
    p = subprocess.Popen(sys.argv[3:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    seen, secret, codes = [], None, 0
    while codes < 10:
        line = p.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("Secret: "):
            secret = line.split()[1]
        elif secret and line.startswith("  "):
            codes += 1
    out, err = p.communicate((code(secret, epoch()) if secret else "") + "\n")
    with open(sys.argv[2], "w") as f:
        f.write((secret or "") + "\n" + "".join(seen) + out + err)
    sys.exit(p.returncode)
PY
phone() { python3 "$T/phone.py" "$@"; }

# ---- turning TOTP on ---------------------------------------------------------------

# without a way to read the code, nothing is shown
AS=support@demo.test pb user totp enable </dev/null
expect_rc 2 "enable without --code-stdin off a terminal"
if grep -q "^Secret" "$T/out"; then bad "a secret shown without a way to confirm it"; else ok; fi

# a wrong code: TOTP stays off
printf '000000\n' >"$T/zero"
AS=support@demo.test pb user totp enable --code-stdin <"$T/zero"
if grep -q "is not the app's code now" "$T/err"; then ok; else bad "wrong confirming code refused: $(cat "$T/err")"; fi
expect_sql "select count(*) from app_user where email = 'support@demo.test' and totp_secret_sealed is null" \
    1 "TOTP off after a wrong confirming code"

PATCHBAY_PASSWORD=$PW phone enable "$T/enrol" "$BIN" --db "$DBURL" --user support@demo.test \
    user totp enable --code-stdin
check "user totp enable confirmed with the phone's code" test $? = 0
SECRET=$(head -n 1 "$T/enrol")
check "a base32 secret of 32 characters" test "${#SECRET}" = 32
if grep -qF "URI:    otpauth://totp/patchbay:support%40demo.test?secret=$SECRET&issuer=patchbay" "$T/enrol"; then
    ok
else
    bad "otpauth URI: $(cat "$T/enrol")"
fi
if grep -q "TOTP is on for support@demo.test" "$T/enrol"; then ok; else bad "enable says it is on"; fi
RC1=$(sed -n 's/^  \([a-z0-9]\{5\}-[a-z0-9]\{5\}\)$/\1/p' "$T/enrol" | sed -n 1p)
RC2=$(sed -n 's/^  \([a-z0-9]\{5\}-[a-z0-9]\{5\}\)$/\1/p' "$T/enrol" | sed -n 2p)
check "ten recovery codes shown" test "$(grep -c '^  [a-z0-9]\{5\}-[a-z0-9]\{5\}$' "$T/enrol")" = 10
expect_sql "select count(*) from app_user where email = 'support@demo.test' and totp_secret_sealed like 'v1:%' and totp_since = '$T0'" \
    1 "the secret stored sealed, with its date"
expect_sql "select count(*) from app_user where totp_secret_sealed like '%$SECRET%'" 0 "the secret never in clear"
expect_sql "select count(*) from user_recovery_code c join app_user u on u.id = c.user_id where u.email = 'support@demo.test' and c.used_at is null" \
    10 "ten recovery codes stored"
expect_sql "select count(*) from user_recovery_code where hash like '%$RC1%' or salt like '%$RC1%'" 0 "recovery codes only as hashes"
expect_sql "select count(*) from audit_entry where action = 'totp_enable' and entity_label = 'support@demo.test' and user_email = 'support@demo.test'" \
    1 "enable audited"
AS=support@demo.test pb user totp enable --code-stdin <"$T/zero"
expect_rc 5 "the password alone no longer signs in"

# ---- the console's second step ----------------------------------------------------------

PATCHBAY_NOW=$(phone at 60)
BAD=481220
if phone valid "$SECRET" 60 "$BAD"; then BAD=123456; fi
tm_start 80 24
tm_expect "Sign in" "login screen"
tm_type "support@demo.test"
tm_keys Tab
tm_type "$PW"
tm_keys Enter
tm_expect "Type the 6-digit code" "the second step asks for the code"
tm_expect "Code" "a Code field"
tm_type "$BAD"
tm_keys Enter
tm_expect "✗ Code $(echo "$BAD" | cut -c1-3) $(echo "$BAD" | cut -c4-6) is not valid now." "the wrong code's message"
tm_expect "recovery code also works." "the message goes on"
tm_type "$(phone code "$SECRET" 60)"
tm_keys Enter
tm_expect "2 Customers" "the right code opens the home screen"
tm_expect "support@support" "top bar user@role"
tm_expect "failed attempt" "the last sign-in line counts the wrong code"
expect_sql "select failed_logins from app_user where email = 'support@demo.test'" 0 "the count starts again"
tmux -L "$SOCK" kill-server 2>/dev/null

# ---- the command line -------------------------------------------------------------------

PATCHBAY_NOW=$(phone at 90)
AS=support@demo.test pb customer list </dev/null
expect_rc 5 "no code: unauthorized"
if grep -q "set PATCHBAY_TOTP" "$T/err"; then ok; else bad "no code: says PATCHBAY_TOTP: $(cat "$T/err")"; fi
PATCHBAY_TOTP=$BAD AS=support@demo.test pb --json customer list
expect_rc 5 "a wrong code: unauthorized"
expect_json "d['error_code']" UNAUTHORIZED "a wrong code's error code"
expect_json "d['message'].startswith('Code ') and 'is not valid now' in d['message']" True "a wrong code's message"
CODE=$(phone code "$SECRET" 90)
PATCHBAY_TOTP=$CODE AS=support@demo.test pb customer list
expect_rc 0 "password and code sign in"
expect_out "page 1 of" "the command ran"
PATCHBAY_TOTP=$CODE AS=support@demo.test pb customer list
expect_rc 5 "the same code again is a replay"
PATCHBAY_NOW=$(phone at 120)
PATCHBAY_TOTP="$(phone code "$SECRET" 120 | cut -c1-3) $(phone code "$SECRET" 120 | cut -c4-6)" \
    AS=support@demo.test pb customer list
expect_rc 0 "the next step's code, typed with a space"

# a recovery code works once
PATCHBAY_NOW=$(phone at 150)
PATCHBAY_TOTP=$RC1 AS=support@demo.test pb customer list
expect_rc 0 "a recovery code signs in"
PATCHBAY_TOTP=$RC1 AS=support@demo.test pb customer list
expect_rc 5 "a recovery code is spent"
expect_sql "select count(*) from audit_entry where action = 'recovery_code' and entity_label = 'support@demo.test'" \
    1 "the recovery code's use audited"
pb --json user show support@demo.test
expect_json "d['data']['totp'], d['data']['recovery_codes_left']" "True 9" "user show: TOTP on, 9 codes left"

# new codes as admin: the old ones are void
pb --json user totp recovery-codes support@demo.test
expect_rc 0 "recovery-codes for another operator as admin"
expect_json "len(d['data']['recovery_codes'])" 10 "ten new codes"
NEW=$(json "d['data']['recovery_codes'][0]")
PATCHBAY_TOTP=$RC2 AS=support@demo.test pb customer list
expect_rc 5 "an old recovery code no longer works"
PATCHBAY_TOTP=$NEW AS=support@demo.test pb customer list
expect_rc 0 "a new recovery code works"
expect_sql "select count(*) from audit_entry where action = 'recovery_codes' and entity_label = 'support@demo.test' and user_email = 'admin@demo.test'" \
    1 "new codes audited"

# ---- auth = unix ------------------------------------------------------------------------

ME=$(python3 -c 'import os, pwd; print(pwd.getpwuid(os.getuid()).pw_name)')
punix() { env -u PATCHBAY_PASSWORD -u PATCHBAY_TOTP "$BIN" --db "$DBURL" "$@" >"$T/out" 2>"$T/err"; RC=$?; }

PATCHBAY_AUTH=unix punix customer list
expect_rc 5 "an unmapped Unix user is refused"
if grep -q "Unix user $ME is not mapped to an operator" "$T/err"; then ok; else bad "unmapped message: $(cat "$T/err")"; fi
pb user edit support@demo.test --unix-user "bad name"
expect_rc 3 "a Unix user name with a space is refused"
pb user edit support@demo.test --unix-user "$ME"
expect_rc 0 "admin maps the Unix user"
pb --json user show support@demo.test
expect_json "d['data']['unix_user']" "$ME" "user show names the Unix user"
expect_sql "select count(*) from audit_entry where action = 'edit' and entity_label = 'support@demo.test' and after_json like '%\"unix_user\":\"$ME\"%'" \
    1 "the mapping audited"
pb user edit admin@demo.test --unix-user "$ME"
expect_rc 3 "one Unix user is one operator"

# no password and no code, although support has TOTP: the SSH login is the factor
PATCHBAY_AUTH=unix punix --json customer list
expect_rc 0 "auth = unix signs in without password or code"
expect_json "d['success']" True "the command ran as the mapped operator"
PATCHBAY_AUTH=unix punix --user admin@demo.test customer list
expect_rc 5 "--user naming another operator is refused"
mkdir -p "$XDG_CONFIG_HOME/patchbay"
echo "auth = unix" >"$XDG_CONFIG_HOME/patchbay/config"
punix customer list
expect_rc 0 "auth = unix from the configuration file"
rm "$XDG_CONFIG_HOME/patchbay/config"
expect_sql "select last_login_from from app_user where email = 'support@demo.test'" local "the sign-in recorded"

# the console skips the sign-in screen
TM_ENV="PATCHBAY_AUTH=unix SSH_CLIENT='10.9.0.14 50022 22'" tm_start 80 24
tm_expect "signed in as $ME (ssh)" "top bar: signed in as the Unix user (ssh)"
tm_expect "2 Customers" "the operator's home screen"
tm_expect "the operator of Unix user $ME" "the message names the operator"
tmux -L "$SOCK" kill-server 2>/dev/null
expect_sql "select last_login_from from app_user where email = 'support@demo.test'" "ssh 10.9.0.14" \
    "the console's sign-in recorded from ssh"

# disabled or unmapped: refused, the console too, before the terminal is taken
pb user disable support@demo.test --reason "on leave"
PATCHBAY_AUTH=unix punix customer list
expect_rc 5 "a disabled operator is refused"
if grep -q "Unix user $ME signs in as support@demo.test, and that account is disabled" "$T/err"; then ok; else bad "disabled message: $(cat "$T/err")"; fi
TM_ENV="PATCHBAY_AUTH=unix" tm_start 80 24
tm_expect "EXITED 5" "the console refuses a disabled operator with exit 5"
pb user enable support@demo.test
pb user edit support@demo.test --unix-user ""
expect_sql "select count(*) from app_user where unix_user is not null" 0 "the mapping removed"
PATCHBAY_AUTH=unix punix customer list
expect_rc 5 "unmapped again: refused"

# ---- turning TOTP off ---------------------------------------------------------------------

AS=support@demo.test PATCHBAY_NOW=$(phone at 300) PATCHBAY_TOTP=$(phone code "$SECRET" 300) \
    pb user totp disable admin@demo.test
expect_rc 5 "support cannot turn off another operator's TOTP"
if grep -q "Managing operators" "$T/err"; then ok; else bad "refused by the permission matrix: $(cat "$T/err")"; fi
pb user totp disable support@demo.test --reason "new phone"
expect_rc 0 "admin turns support's TOTP off"
expect_sql "select count(*) from audit_entry where action = 'totp_disable' and entity_label = 'support@demo.test' and reason = 'new phone'" \
    1 "disable audited with the reason"
expect_sql "select count(*) from user_recovery_code c join app_user u on u.id = c.user_id where u.email = 'support@demo.test'" \
    0 "its recovery codes gone"
AS=support@demo.test pb customer list </dev/null
expect_rc 0 "the password alone signs in again"

finish
