"""Print "PASSED FAILED SKIPPED" of pytest's JUnit XML report(s); nothing (exit 1) when a report is missing or empty.

    python3 tools/junit_counts.py var/plain.xml

Failed counts failures and errors (a collection error is an error); passed = tests - failed - skipped.
"""

import sys
import xml.etree.ElementTree as ElementTree


def counts(path):
    """(passed, failed, skipped) of one report: the sums over its <testsuite> elements."""
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


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
