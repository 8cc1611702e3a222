#!/usr/bin/env python3
"""What one small SQLite commit costs the disk, as vigie's write-ahead commits it (docs/performance.md).

  commitcost.py inplace|grow COMMITS [GAP_SECONDS]      e.g. commitcost.py inplace 60 1

A table of 32 slots of 960 bytes (vigie's `batches`), 1 KB pages, WAL, synchronous=FULL, on a fresh
ext4 file system with 4 KB blocks on a loop device (needs root); each commit rewrites one slot, one
commit every GAP_SECONDS (default 1). `inplace`: the WAL was grown and checkpointed before, so the
commits rewrite it in place; `grow`: the WAL was truncated, so each commit extends it. Reported per
commit: `write_bytes` of this process, bytes written to the block device (35 s after the last commit,
past the kernel's dirty-page expiry), and the ext4 journal transactions (/proc/fs/jbd2).
Uses Python's sqlite3 module, which links the same system libsqlite3 as vigie.
"""
import glob
import os
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from wear import LoopFileSystem  # noqa: E402


def process_written():
    with open("/proc/self/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("write_bytes:"))


def journal_transactions(device):
    paths = glob.glob(f"/proc/fs/jbd2/{os.path.basename(device)}-*/info")
    with open(paths[0]) as f:
        return int(f.read().split()[0])


def main():
    mode, commits = sys.argv[1], int(sys.argv[2])
    gap = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    directory = tempfile.mkdtemp(prefix="vigie-commitcost-")
    disk = LoopFileSystem(directory, size_mb=256)
    try:
        db = sqlite3.connect(os.path.join(disk.mount, "t.db"), isolation_level=None)
        for pragma in ("page_size=1024", "journal_mode=WAL", "synchronous=FULL", "wal_autocheckpoint=0"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("CREATE TABLE batches(slot INTEGER PRIMARY KEY, data BLOB)")
        for slot in range(1, 33):
            db.execute("INSERT INTO batches VALUES (?, zeroblob(960))", (slot,))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if mode == "inplace":
            for index in range(200):
                db.execute("UPDATE batches SET data = ? WHERE slot = ?", (os.urandom(960), 1 + index % 32))
            db.execute("PRAGMA wal_checkpoint(RESTART)")
        os.sync()
        time.sleep(1)
        sectors, written, transactions = disk.sectors_written(), process_written(), journal_transactions(disk.device)
        for index in range(commits):
            db.execute("UPDATE batches SET data = ? WHERE slot = ?", (os.urandom(960), 1 + index % 32))
            time.sleep(gap)
        time.sleep(35)
        device = (disk.sectors_written() - sectors) * 512
        print(f"{mode}: {commits} commits, one every {gap:g} s: process {(process_written() - written) / commits:.0f} B/commit, "
              f"device {device / commits:.0f} B/commit, journal transactions "
              f"{journal_transactions(disk.device) - transactions}, WAL {os.path.getsize(os.path.join(disk.mount, 't.db-wal'))} B",
              flush=True)
        db.close()
    finally:
        disk.close()
        os.system(f"rm -rf {directory}")


if __name__ == "__main__":
    main()
