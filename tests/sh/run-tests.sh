#!/bin/sh
# run-tests.sh [UNIT-TEST-BINARY...] - runs the unit tests given, then the
# end-to-end scripts in tests/e2e/, and ends with one line
# "N passed, N failed" counting test programs and scripts.
# ONLY=unit or ONLY=e2e limits the run. BIN is the patchbay binary.
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
    for t in "$@"; do
        echo "== $t"
        if [ -n "${VALGRIND:-}" ]; then
            run "$(basename "$t")" valgrind -q --error-exitcode=9 --leak-check=full \
                --errors-for-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp "$t"
        else
            run "$(basename "$t")" "$t"
        fi
    done
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
