#!/bin/sh
# tests/run.sh - the regression suite.  For every tests/cases/NAME.txt,
# runs "tp_cat [ARGS] NAME.txt" from tests/cases (ARGS from NAME.args if
# it exists), appends "exit STATUS" to what it printed on stdout and
# stderr, and compares that with NAME.out.  Exits 0 if all match, else 1
# after listing the failures.  POSIX sh; uses only sh, make and diff.

cd "$(dirname "$0")/.." || exit 1
if [ ! -x ./tp_cat ]; then
	make tp_cat >/dev/null || exit 1
fi

pass=0
failed=
for txt in tests/cases/*.txt; do
	name=${txt%.txt}
	base=${name##*/}
	args=
	if [ -f "$name.args" ]; then
		read -r args <"$name.args"
	fi
	if [ ! -f "$name.out" ]; then
		echo "FAIL $base: no $base.out"
		failed="$failed $base"
		continue
	fi
	# $args is split into words on purpose.
	# shellcheck disable=SC2086
	got=$(cd tests/cases && ../../tp_cat $args "$base.txt" 2>&1
	    echo "exit $?")
	if printf '%s\n' "$got" | diff -u "$name.out" - >/dev/null; then
		pass=$((pass + 1))
	else
		echo "FAIL $base:"
		printf '%s\n' "$got" | diff -u "$name.out" -
		failed="$failed $base"
	fi
done

if [ -n "$failed" ]; then
	echo "$pass passed; failed:$failed"
	exit 1
fi
echo "$pass passed"
exit 0
