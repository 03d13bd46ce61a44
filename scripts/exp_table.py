#!/usr/bin/env python3
"""Writes the table of src/fast_exp.rs: 2^(j/128) for j = 0..127, each as the nearest
double s_j and its relative tail (2^(j/128) - s_j) / s_j rounded to a double, from
50-digit decimal arithmetic (Python's `decimal`)."""
from decimal import Decimal, getcontext
import struct
getcontext().prec = 60
N = 128
ln2 = Decimal(2).ln()
def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]
def nearest(d: Decimal) -> float:
    # float(Decimal) rounds correctly (round-half-even) in CPython.
    return float(d)
rows = []
for j in range(N):
    exact = (ln2 * j / N).exp()
    s = nearest(exact)
    tail = nearest((exact - Decimal(s)) / Decimal(s))
    rows.append((bits(s), bits(tail)))
print("/// 2^(j/128) for j = 0..127: the bits of the nearest double s_j and of its relative tail\n/// (2^(j/128) - s_j) / s_j, rounded to a double. Written by `scripts/exp_table.py`.")
print("const TABLE: [(u64, u64); 128] = [")
for s, t in rows:
    print(f"    (0x{s:016x}, 0x{t:016x}),")
print("];")
