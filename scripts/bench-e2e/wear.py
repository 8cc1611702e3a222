#!/usr/bin/env python3
"""Disk wear of a small site, seen from the device: N simulated Modbus devices polled every second.

  wear.py DEVICES SECONDS [BUFFER_YAML]     e.g. wear.py 1 600   or   wear.py 10 600 "commit_interval: 500ms"

The data directory is on a fresh ext4 file system of its own (an image file on a loop device, 4 KB
blocks, inode tables and journal initialised by mkfs so that no background initialisation writes
during the run, default mount options), so that the block device's counters hold every byte written for the
database, its WAL and -shm, and the file system's journal: what an SD card would receive. Needs
root (losetup, mount). Reported, over SECONDS after a 5 s warm-up:

- process_B_per_reading: `write_bytes` of /proc/PID/io (pages the process dirtied, 4 KB each);
- device_B_per_reading: sectors written to the loop device (/sys/block/loopN/stat) x 512, which adds
  the kernel's writeback of mmap-ed pages (-shm) and the ext4 journal (jbd2); it lags the process by
  up to 30 s of dirty-page expiry, small against a 10-minute run;
- device_MB_per_day at that rate, commits per second, CPU % of one core, RSS.

`BUFFER_YAML` is added under `buffer:` (one `key: value`, or several separated by `;`).
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import Stack, Snapshot, metric, free_port, row  # noqa: E402
from modbus import simulator, modbus_body  # noqa: E402


class LoopFileSystem:
    """An ext4 file system in an image file, mounted on a loop device; removed by close()."""
    def __init__(self, directory, size_mb=1024):
        self.image = os.path.join(directory, "disk.img")
        self.mount = os.path.join(directory, "mnt")
        os.makedirs(self.mount)
        subprocess.run(["truncate", "-s", f"{size_mb}M", self.image], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-b", "4096", "-E", "lazy_itable_init=0,lazy_journal_init=0", self.image], check=True)
        self.device = subprocess.run(["losetup", "-f", "--show", self.image], check=True,
                                     stdout=subprocess.PIPE, text=True).stdout.strip()
        subprocess.run(["mount", self.device, self.mount], check=True)

    def sectors_written(self):
        with open(f"/sys/block/{os.path.basename(self.device)}/stat") as f:
            return int(f.read().split()[6])

    def close(self):
        subprocess.run(["umount", self.mount])
        subprocess.run(["losetup", "-d", self.device])


def main():
    devices = int(sys.argv[1])
    seconds = float(sys.argv[2])
    extra = [part.strip() for part in (sys.argv[3] if len(sys.argv) > 3 else "").split(";") if part.strip()]
    stack = Stack(f"wear-{devices}")
    disk = None
    try:
        disk = LoopFileSystem(stack.dir)
        sim, port = simulator(stack, devices)
        http = free_port()
        data = os.path.join(disk.mount, "data")
        body = modbus_body(port, devices)
        if extra:
            body += "buffer:\n" + "".join(f"  {line}\n" for line in extra)
        config = os.path.join(stack.dir, "wear.yaml")
        with open(config, "w") as f:
            f.write(f"gateway:\n  id: bench\n  data_dir: {data}\n  http: 127.0.0.1:{http}\n"
                    f"anomaly:\n  enabled: true\n{body}")
        vigie = stack.vigie(config, http)
        time.sleep(5)
        before, sectors_before = Snapshot(vigie.pid), disk.sectors_written()
        committed_before = metric(http, "vigie_store_readings_committed_total")
        commits_before = metric(http, "vigie_store_commits_total")
        time.sleep(seconds)
        after, sectors_after = Snapshot(vigie.pid), disk.sectors_written()
        committed = metric(http, "vigie_store_readings_committed_total") - committed_before
        commits = metric(http, "vigie_store_commits_total") - commits_before
        elapsed = after.time - before.time
        device_bytes = (sectors_after - sectors_before) * 512
        per_reading = device_bytes / max(1, committed)
        row(f"wear {devices} devices @1s {' '.join(extra) or 'defaults'}",
            seconds=f"{elapsed:.0f}", readings_s=f"{committed / elapsed:.1f}",
            commits_s=f"{commits / elapsed:.3f}",
            process_B_per_reading=f"{(after.written - before.written) / max(1, committed):.1f}",
            device_B_per_reading=f"{per_reading:.1f}",
            device_MB_per_day=f"{device_bytes / elapsed * 86400 / 1e6:.1f}",
            cpu_pct_one_core=f"{(after.cpu - before.cpu) / elapsed * 100:.2f}",
            rss_kB=after.rss)
        stack.stop(vigie)
        stack.stop(sim)
    finally:
        for process in list(stack.processes):  # before unmounting the data directory
            stack.stop(process)
        if disk is not None:
            disk.close()
        stack.close()


if __name__ == "__main__":
    main()
