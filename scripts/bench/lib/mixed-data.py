#!/usr/bin/env python3
# Writes the benches' mixed data set: 20% many small text files, 40% one large compressible log, 40% random bytes.
# Usage: mixed-data.py DIR SIZE_MB
import os, random, sys
root, size_mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
words = [''.join(rnd.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(rnd.randint(2, 10))) for _ in range(5000)]
def text(n):
    out, total = [], 0
    while total < n:
        line = f"{rnd.randint(0, 10**9)} {' '.join(rnd.choices(words, k=12))}\n"
        out.append(line); total += len(line)
    return ''.join(out)[:n].encode()
small = size_mb * 1024 * 1024 // 5
os.makedirs(root)
written, i = 0, 0
block = text(4 * 1024 * 1024)
while written < small:
    d = os.path.join(root, 'small', f'{i // 500:04d}')
    os.makedirs(d, exist_ok=True)
    n = rnd.randint(512, 32 * 1024)
    off = rnd.randint(0, len(block) - n)
    with open(os.path.join(d, f'f{i}.txt'), 'wb') as f: f.write(block[off:off + n])
    written += n; i += 1
big = size_mb * 1024 * 1024 * 2 // 5
with open(os.path.join(root, 'large.log'), 'wb') as f:
    for _ in range(big // len(block)): f.write(text(len(block)) if _ % 8 == 0 else block)
with open(os.path.join(root, 'random.bin'), 'wb') as f:
    left = size_mb * 1024 * 1024 * 2 // 5
    while left > 0:
        n = min(left, 8 << 20); f.write(os.urandom(n)); left -= n
print(f"data: {i} small files, large.log, random.bin")
