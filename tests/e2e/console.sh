# console.sh - the real console in tmux, as an operator uses it: the demo
# database made on a terminal (its steps shown), sign in,
# find a customer with /, open the detail, step to the next with Ctrl-N,
# create one through the form (an invalid e-mail first), tag rows, switch
# screens with the palette, resize below 80x24 and back, the wide layout,
# ASCII in a non-UTF-8 locale, quit; and the database afterwards.
# postgresql: yes
. tests/e2e/lib.sh

# init on a terminal shows the load's steps, each with its time
tm_start 100 24 init --demo --customers 300 --seed 3
WAIT=120 tm_expect "EXITED 0" "init --demo on a terminal"
tm_expect "demo data: customers 300 of 300, " "init: the customers counted, with their time"
tm_expect "demo data: subscriptions, " "init: the subscriptions step"
tm_expect "demo data: saving, " "init: the last step"
tm_expect "at schema" "init: its report after the steps"
check "demo database" has_db
NAME=$(sql "select name from customer where name like '% %' order by id limit 1 offset 17")
WORD=${NAME#* }

tm_start 80 24
tm_expect "Sign in" "login screen"
tm_type "support@demo.test"
tm_keys Tab
tm_type "wrong"
tm_keys Enter
tm_expect "E-mail or password is wrong" "wrong password message"
tm_keys C-u
tm_type "demo"
tm_keys Enter
tm_expect "2 Customers" "customers after sign-in"
tm_expect "300 · status: all · sort: name" "title counts"
tm_expect "support@support" "top bar user@role"

# filter as you type
tm_keys /
tm_type "$WORD"
tm_expect "/ $WORD:" "filter in the title"
tm_keys Enter
tm_expect "$NAME" "filtered row"
tm_keys Enter
tm_expect "2 Customers › C-" "detail opens"
tm_expect "Contacts" "contacts section"
tm_esc
tm_expect "/ $WORD:" "back on the filtered list"
tm_esc
tm_expect "─ 300 · status: all" "Esc clears the filter"

# Ctrl-N in the detail shows the list's next row; Esc lands on it
SECOND=$(tm_screen | sed -n 5p | grep -o 'C-[0-9]*' | head -n 1)
tm_keys Enter
tm_expect "Ctrl-N next" "the detail offers Ctrl-N"
tm_keys C-n
tm_expect "2 Customers › $SECOND" "Ctrl-N opens the second row"
tm_esc
tm_expect "▸ $SECOND" "Esc lands on the row shown"
tm_keys Home # what follows starts on the first row

# a new customer through the form, with an invalid e-mail first
tm_keys n
tm_expect "new customer" "form opens"
tm_type "Rezaul Karim"
tm_keys Tab Tab
tm_type "rezaul@"
tm_keys Tab
tm_expect "has no valid domain" "inline e-mail message"
tm_keys BTab C-u
tm_type "rezaul.karim@example.com"
tm_keys Tab
tm_type "+880 1711 555000"
tm_keys C-s
tm_expect "Created C-00301 Rezaul Karim" "created message"
expect_sql "select name||'|'||email||'|'||phone_digits||'|'||status from customer where code='C-00301'" \
    "Rezaul Karim|rezaul.karim@example.com|8801711555000|lead" "row in the database"
expect_sql "select count(*) from audit_entry where entity='customer' and action='create' and user_email='support@demo.test'" \
    1 "audit entry by the operator"

# tagging
tm_keys Space Space
tm_expect "2 tagged" "two rows tagged"
tm_keys U
WAIT=3 tm_expect "─ 301 · status" "untagged"
if tm_screen | grep -q "tagged"; then bad "tags remain after U"; else ok; fi

# the palette and the messages screen
tm_keys :
tm_expect "Command" "palette opens"
tm_type "mess"
tm_keys Enter
tm_expect "Messages" "messages screen"
tm_keys 2
tm_expect "2 Customers" "number key back to customers"

# :tenant works in another tenant for root, in a sub-tenant for its
# reseller's operators, and nowhere else
sql "insert into tenant (name, short_name, slug, currency) values ('Branch Net', 'Branch', 'branch', 'EUR')"
tm_keys :
tm_type "tenant branch"
tm_keys Enter
tm_expect "neither yours nor one of its sub-tenants" ":tenant refused to support"

# too small, then back
tm_resize 72 20
tm_expect "needs a terminal of at least 80x24" "too-small notice"
tm_expect "This one is 72x20" "notice names the size"
tm_resize 80 24
tm_expect "2 Customers" "back after growing"

# quit asks
tm_keys q
tm_expect "Quit patchbay? y/n" "quit asks"
tm_keys y
tm_expect "EXITED 0" "clean exit"

# wide: the detail beside the list
tm_start 200 60
tm_expect "Sign in" "login at 200x60"
tm_type "admin@demo.test"
tm_keys Tab
tm_type "demo"
tm_keys Enter
tm_expect "1 Dashboard" "admin starts on the dashboard"
tm_keys 2
tm_expect "follows the cursor" "detail pane beside the list"
tm_expect "Company" "wide list shows Company"
tm_keys :
tm_type "tenant nowhere"
tm_keys Enter
tm_expect 'No tenant "nowhere"' ":tenant names a missing tenant"

# root works in the other tenant: the dashboard starts again with its figures
tm_start 80 24
tm_expect "Sign in" "login as root"
tm_type "root@demo.test"
tm_keys Tab
tm_type "demo"
tm_keys Enter
tm_expect "1 Dashboard" "root starts on the dashboard"
tm_keys :
tm_type "tenant branch"
tm_keys Enter
tm_expect "Working in tenant Branch Net (branch)" ":tenant switches for root"
tm_expect "MRR EUR" "the dashboard in the other tenant's currency"

# a non-UTF-8 locale draws ASCII only
TM_LANG=C tm_start 80 24
tm_expect "E-mail" "login in the C locale"
tm_type "admin@demo.test"
tm_keys Tab
tm_type "demo"
tm_keys Enter
tm_expect "1 Dashboard" "the dashboard in the C locale"
if tm_screen | LC_ALL=C grep -q '[^ -~]'; then bad "non-ASCII bytes on an ASCII screen"; else ok; fi
# SIGTERM ends the console cleanly
pkill -TERM -f "$BIN --db $DBURL" 2>/dev/null
tm_expect "EXITED" "SIGTERM ends the console"

finish
