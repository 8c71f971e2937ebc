"""Print "PASSED FAILED SKIPPED" of pytest's JUnit XML report(s); nothing (exit 1) when a report is missing or empty.

    python3 tools/junit_counts.py var/plain.xml

Each test case counts once, whatever its subtests; failed counts failures and errors (a collection error too).
"""

import sys
import xml.etree.ElementTree as ElementTree


def counts(path):
    """(passed, failed, skipped) of one report, one per <testcase>.

    Not the <testsuite> totals: pytest counts each subtest there too (113 tests with 225 subtests give tests="338").
    A test case with a <failure> or <error> (a failed subtest, a collection error) failed; with <skipped>, skipped.
    """
    passed = failed = skipped = 0
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        outcomes = {child.tag for child in case}
        if outcomes & {"failure", "error"}:
            failed += 1
        elif "skipped" in outcomes:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main(paths):
    """Print the summed counts of the reports; exit 1 when one is missing, unreadable or ran nothing."""
    total = [0, 0, 0]
    for path in paths:
        try:
            found = counts(path)
        except (OSError, ElementTree.ParseError):
            return 1
        total = [a + b for a, b in zip(total, found, strict=True)]
    if not any(total):
        return 1
    print(*total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
