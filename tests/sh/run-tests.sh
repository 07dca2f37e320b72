#!/bin/sh
# run-tests.sh [UNIT-TEST-BINARY...] - runs the unit tests given, then the
# end-to-end scripts in tests/e2e/, and ends with one line
# "N passed, N failed" counting test programs and scripts.
# ONLY=unit or ONLY=e2e limits the run; VALGRIND (below) adds valgrind.
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
fi
if [ "${ONLY:-e2e}" = e2e ] || [ -z "${ONLY:-}" ]; then
    for t in tests/e2e/*.sh; do
        [ -f "$t" ] || continue
        case $t in */lib.sh) continue ;; esac
        echo "== $t"
        run "$(basename "$t")" sh "$t"
    done
fi
echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
