#!/bin/sh
# run-tests.sh [UNIT-TEST-BINARY...] - runs the unit tests given, then the
# end-to-end scripts in tests/e2e/, and ends with one line
# "N passed, N failed" counting test programs and scripts.
# ONLY=unit or ONLY=e2e limits the run; VALGRIND (below) adds valgrind;
# the unit tests on a database run again on PostgreSQL (PG=no: not).
# BIN is the patchbay binary.
set -u
passed=0
failed=0
failures=
run() {
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $name"
    fi
}
if [ "${ONLY:-unit}" = unit ] || [ -z "${ONLY:-}" ]; then
    # VALGRIND=only: every test under valgrind; VALGRIND=also: plainly, then
    # again under valgrind (not with sanitizers: they do not mix).
    if [ "${VALGRIND:-}" != only ]; then
        for t in "$@"; do
            echo "== $t"
            run "$(basename "$t")" "$t"
        done
    fi
    if [ "${VALGRIND:-}" = only ] || { [ "${VALGRIND:-}" = also ] && [ -z "${SAN:-}" ]; }; then
        for t in "$@"; do
            echo "== valgrind $t"
            run "valgrind:$(basename "$t")" valgrind -q --error-exitcode=9 --leak-check=full \
                --errors-for-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp "$t"
        done
    fi
    # The PostgreSQL pass: every test that works on a database (through
    # tests/harness/fixture.c) again, each fixture a database on a
    # throwaway server (tests/sh/pg.sh). PG=no skips it.
    if [ "${VALGRIND:-}" != only ] && [ "${PG:-}" != no ] && [ $# -gt 0 ]; then
        . tests/sh/pg.sh
        if pg_start; then
            PB_TEST_PG=$(pg_url postgres)
            export PB_TEST_PG
            for t in "$@"; do
                src=tests/unit/$(basename "$t").c
                grep -q 'fixture_url\|fixture_app\|PB_TEST_PG' "$src" 2>/dev/null || continue
                echo "== postgresql $t"
                run "pg:$(basename "$t")" env XDG_DATA_HOME="$PG_DIR/xdg" "$t"
            done
            unset PB_TEST_PG
            pg_stop
        else
            run "pg:server" false
        fi
    fi
fi
if [ "${ONLY:-e2e}" = e2e ] || [ -z "${ONLY:-}" ]; then
    for t in tests/e2e/*.sh; do
        [ -f "$t" ] || continue
        case $t in */lib.sh) continue ;; esac
        echo "== $t"
        run "$(basename "$t")" sh "$t"
    done
    # Again on PostgreSQL: each script makes its own database on one
    # throwaway server (tests/e2e/lib.sh). The scripts that say so in a
    # line "# postgresql: yes" (the others still assume the SQLite file in
    # places). PG=no skips it.
    if [ "${PG:-}" != no ]; then
        . tests/sh/pg.sh
        if pg_start; then
            PB_E2E_PG=$(pg_url postgres)
            export PB_E2E_PG
            for t in tests/e2e/*.sh; do
                [ -f "$t" ] || continue
                case $t in */lib.sh) continue ;; esac
                grep -q '^# postgresql: yes' "$t" || continue
                echo "== postgresql $t"
                run "pg:$(basename "$t")" sh "$t"
            done
            unset PB_E2E_PG
            pg_stop
        else
            run "pg:server" false
        fi
    fi
fi
echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
