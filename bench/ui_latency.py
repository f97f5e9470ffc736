#!/usr/bin/env python3
"""ui_latency.py: key-to-screen latency of petrel's index (issue 5).

    bench/ui_latency.py PETREL [N]        (as root; default N = 100000)

Starts the private test servers (tests/servers/mailservers.sh), fills a
folder "Bench" with N messages, runs PETREL in a private tmux server
(100x30, fresh HOME, so the folder loads cold), opens Bench and, while
the engine is still streaming its summaries, sends cursor moves (j and
k in turn) and page-downs, timing each from the moment the key is
written to the terminal to the moment the screen shows its effect (the
cursor row for j/k, the first index line for PageDown), polled with
tmux.  The same again once the folder is fully loaded.  Prints the
median, p90, p99 and worst for each, and petrel's memory (VmHWM).
Polling costs about 1-2 ms per look, which is included: the numbers
are an upper bound.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SOCK = "ptbench%d" % os.getpid()


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCK] + list(args),
                          capture_output=True, text=True).stdout


def screen():
    return tmux("capture-pane", "-p").split("\n")


def cursor_y():
    return int(tmux("display", "-p", "#{cursor_y}").strip() or -1)


def wait_for(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.005)
    return False


def status():
    s = screen()
    return s[-3] if len(s) >= 3 else ""


def loading():
    return "Loading Bench" in status()


def measure_move(key):
    before = cursor_y()
    t0 = time.monotonic()
    tmux("send-keys", key)
    while True:
        if cursor_y() != before:
            return (time.monotonic() - t0) * 1000
        if time.monotonic() - t0 > 5:
            if os.environ.get("PT_BENCH_DEBUG"):
                print("no move after %s at row %d:" % (key, before))
                print("\n".join(screen()))
            return 5000.0


def measure_page():
    before = screen()[1]
    t0 = time.monotonic()
    tmux("send-keys", "NPage")
    while True:
        if screen()[1] != before:
            return (time.monotonic() - t0) * 1000
        if time.monotonic() - t0 > 5:
            return 5000.0


def stats(name, xs):
    if not xs:
        print("%-28s no samples" % name)
        return
    xs = sorted(xs)

    def pct(p):
        return xs[min(len(xs) - 1, int(len(xs) * p))]
    print("%-28s n=%4d  p50 %6.1f  p90 %6.1f  p99 %6.1f  max %6.1f ms" %
          (name, len(xs), pct(0.5), pct(0.9), pct(0.99), xs[-1]))


def vmhwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    petrel = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    ms = os.path.join(TOP, "tests", "servers", "mailservers.sh")
    state = tempfile.mkdtemp(prefix="pt.", dir="/tmp")
    home = tempfile.mkdtemp(prefix="ptb.", dir="/tmp")
    try:
        subprocess.run(["bash", ms, "start", state], check=True,
                       stdout=subprocess.DEVNULL)
        env = {}
        with open(os.path.join(state, "env")) as f:
            for line in f:
                m = re.match(r"export (\w+)=(.*)", line.strip())
                if m:
                    env[m.group(1)] = m.group(2)
        t = time.monotonic()
        subprocess.run(["bash", ms, "fill", state, "-m", "Bench",
                        env["PT_ALICE_USER"], str(n)], check=True,
                       stdout=subprocess.DEVNULL)
        print("filled %d messages in %.0f s" % (n, time.monotonic() - t))
        cfg = os.path.join(home, "config")
        with open(cfg, "w") as f:
            f.write("[account bench]\nemail = %s\nimap_host = %s\n"
                    "imap_port = %s\nsmtp_host = %s\nsmtp_port = %s\n"
                    "ca_file = %s\npassword = %s\n[ui]\nsort = threads\n"
                    "[general]\nlog_level = debug\n" %
                    (env["PT_ALICE_USER"], env["PT_HOST"],
                     env["PT_IMAPS_PORT"], env["PT_HOST"],
                     env["PT_SUBMISSION_PORT"], env["PT_CA_FILE"],
                     env["PT_ALICE_PASS"]))
        os.chmod(cfg, 0o600)
        cmd = ("env HOME=%s LC_ALL=C.UTF-8 TZ=UTC TERM=screen-256color "
               "%s -F %s; sleep 600" % (home, petrel, cfg))
        tmux("-f", "/dev/null", "new-session", "-d", "-x", "100", "-y",
             "30", cmd)
        wait_for(lambda: "INBOX" in status(), 20)
        pid = int(subprocess.run(["pgrep", "-n", "-f", petrel + " -F " +
                                  cfg], capture_output=True,
                                 text=True).stdout.split()[0])
        tmux("send-keys", "c")
        tmux("send-keys", "-l", "Bench")
        t = time.monotonic()
        tmux("send-keys", "Enter")
        wait_for(lambda: "Bench [Msgs:" in status() and
                 "[Msgs:0]" not in status(), 30)
        print("first screen of Bench after %.0f ms" %
              ((time.monotonic() - t) * 1000))
        moves, pages = [], []
        i = 0
        while loading() and i < 2000:
            if i % 5 == 4:
                pages.append(measure_page())
                tmux("send-keys", "Home")
            else:
                moves.append(measure_move("j" if i % 5 % 2 == 0 else "k"))
            i += 1
            time.sleep(0.02)
        print("loaded after %.1f s" % (time.monotonic() - t))
        stats("j/k while loading", moves)
        stats("PageDown while loading", pages)
        wait_for(lambda: not loading(), 300)
        time.sleep(1)
        tmux("send-keys", "Home")
        time.sleep(0.2)
        moves, pages = [], []
        for i in range(200):
            if i % 5 == 4:
                pages.append(measure_page())
                tmux("send-keys", "Home")
            else:
                moves.append(measure_move("j" if i % 5 % 2 == 0 else "k"))
            time.sleep(0.02)
        stats("j/k after loading", moves)
        stats("PageDown after loading", pages)
        print("petrel VmHWM %d kB (%.0f B per message)" %
              (vmhwm(pid), vmhwm(pid) * 1024.0 / n))
        tmux("send-keys", "q")
        log = os.path.join(home, ".local", "state", "petrel", "petrel.log")
        if os.path.exists(log) and os.environ.get("PT_BENCH_LOG"):
            with open(log) as f:
                slow = [line for line in f if "slow pass" in line]
            print("%d slow passes (over 30 ms):" % len(slow))
            sys.stdout.writelines(slow[:40])
    finally:
        tmux("kill-server")
        subprocess.run(["bash", ms, "stop", state],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
