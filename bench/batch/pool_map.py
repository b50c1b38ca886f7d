"""multiprocessing.Pool as a user runs it: JSONL of kwargs in, JSONL of results out, in order.

Usage: pool_map.py FUNCTION INPUT OUTPUT PROCESSES CHUNKSIZE
"""

import functools
import json
import multiprocessing
import sys

import bench_functions


def _call(name, line):
    return getattr(bench_functions, name)(**json.loads(line))


def main(argv):
    name, src, dst, procs, chunksize = argv[1], argv[2], argv[3], int(argv[4]), int(argv[5])
    with open(src) as lines, open(dst, "w") as out, multiprocessing.Pool(procs) as pool:
        for result in pool.imap(functools.partial(_call, name), lines, chunksize=chunksize):
            out.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
