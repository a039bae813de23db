"""Wall time of `nalm --help` (issue 13: under 0.3 s) and of a few `nalm COMMAND --help`, each
a fresh process, median of several, printed.

    python benchmarks/cli_startup.py [--repeat 7]

`nalm --help` imports no command module (nalm/cli.py reads each command's help from its
source); `nalm COMMAND --help` imports that command only, so its time is that command's imports.
"""

import argparse
import statistics
import subprocess
import sys
import time

CASES = [["--help"], ["--version"], ["train", "--help"], ["export", "--help"], ["archive", "--help"],
         ["summarize", "--help"]]


def timed(argv, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nalm.cli", *argv], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per case (median reported)")
    args = parser.parse_args()
    timed(["--help"], 1)  # warm the file cache
    bare = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - started)
    print(f"{'python -c pass':<25} {statistics.median(bare):.3f} s (the interpreter alone, for scale)")
    for argv in CASES:
        print(f"nalm {' '.join(argv):<20} {timed(argv, args.repeat):.3f} s (median of {args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
