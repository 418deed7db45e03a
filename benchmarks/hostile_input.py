"""Parse and check time on hostile pages: every case must stay linear in the page size.

    .venv/bin/python benchmarks/hostile_input.py [--scale N]

Each case is run at size N and 2N; the ratio should be near 2 (4 would mean quadratic).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker.engine.plan import make_plan
from checker.engine.run import evaluate_pages
from checker.parse import parse_source
from checker.parse.source import Source

HEAD = "{{DEPARTMENTRESPONSE}}\n#Action 01: x\n{div .section}\n"
STATEMENT = "{div .department}\n##Home Office\n{: .logo-ho}\n{div .statement}\n"
DEPARTMENTS = ["Cabinet<br>Office", "Home Office", "Ministry<br>of Defence", "Department of<br>Health"]

CASES: dict[str, Callable[[int], str]] = {
    "unclosed [": lambda n: HEAD + STATEMENT + "[" * n + "\n",
    "[a][a] pairs": lambda n: HEAD + STATEMENT + "[a]" * n + "\n",
    "[Read more »] alone": lambda n: HEAD + STATEMENT + "[Read more »] " * n + "\n",
    "nested brackets": lambda n: HEAD + STATEMENT + "[" * n + "x" + "]" * n + "\n",
    "one paragraph of links": lambda n: HEAD + STATEMENT + "[Read more »](http://x.gov.uk/)\n" * n,
    "bare URLs": lambda n: HEAD + STATEMENT + "see http://x.gov.uk/a " * n + "\n",
    "raw <a href>": lambda n: HEAD + STATEMENT + "<a href='http://x.gov.uk/'>x</a> " * n + "\n",
    "unclosed divs": lambda n: HEAD + "{div .department}\n" * n,
    "stray closers": lambda n: HEAD + "{/div}\n" * n,
    "placeholder lines": lambda n: HEAD + STATEMENT + "Coming soon… [insert x] TBC\n" * n,
    "departments out of order": lambda n: (
        HEAD
        + "".join(
            f"{{div .department}}\n##{DEPARTMENTS[(i * 7) % 4]}\n{{: .logo-single}}\n{{div .statement}}\n"
            f"x [Read more »](https://x.gov.uk/{i})\n{{/div}}\n{{/div}}\n"
            for i in range(n // 10)
        )
    ),
}


def timed(text: str) -> float:
    the_plan = make_plan()
    started = time.perf_counter()
    page = parse_source(Source("hostile.md", text))
    evaluate_pages([page], the_plan)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10_000)
    args = parser.parse_args()
    print(f"{'case':28} {'n':>8} {'time':>8} {'2n':>8} {'ratio':>6}")
    for name, make in CASES.items():
        small, large = timed(make(args.scale)), timed(make(2 * args.scale))
        print(f"{name:28} {args.scale:>8} {small:7.2f}s {large:7.2f}s {large / max(small, 1e-9):6.2f}")


if __name__ == "__main__":
    main()
