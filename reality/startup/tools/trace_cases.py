#!/usr/bin/env python3
"""Trace a reality case's start-up up to main.main with kernel uprobes
(the probes of tools/uprobe_trace.py, plus runtime.SetFinalizer).

The case binaries are the plain builds of reality/record.ts (no probe or stop
tag), so tracing cannot end at a probe: instead a `traceoff` trigger on the
main.main uprobe stops the trace buffer in the kernel the moment main.main
is entered, and the process is then killed (nothing after main is wanted;
killing keeps 10,000,000-allocation cases from hitting the uprobes for
minutes). Every package init, including the checkpoint helper's dry-run
ReadMemStats, happens before main.main, so it is all in the buffer.

Isolation from other users of tracefs: the probes are in their own group
(gomeminit) and are enabled only in a tracing instance of their own
(instances/gomem-inits), so the global buffer and other groups are untouched.

Light mode (--light): only runtime.doInit1, runtime.gcenable and main.main
are probed (about 30 hits instead of hundreds), which leaves the schedule
nearly as in an untraced run: under the full probe set start-up takes 15-30
ms instead of 0.3 ms and g1 resumes on P0 after gcenable far more often than
untraced (README section 8). The light runs say which P each package init
really ran on; the full runs say what it allocated.

usage: tools/trace_cases.py [--light] CASE BINARY OUT.jsonl RUNS [DATA_DIR]   (as root)
The traced process runs as `env -i <case.json env, in order> setarch x86_64 -R
BINARY <case.json args>`, exactly the environment record.ts gives it.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uprobe_trace as UT  # noqa: E402

TR = "/sys/kernel/tracing"
INST = "instances/gomem-inits"
GROUP = "gomeminit"
PROBES = dict(UT.PROBES)
# os.newFile (and net's fd code) call SetFinalizer; the first call starts the
# finalizer goroutine (createfing) from inside it.
PROBES["setfinalizer"] = ("runtime.SetFinalizer", "")
KILL_AFTER_S = 30.0  # safety net if main.main is never reached


def w(path, text, append=False):
    flags = os.O_WRONLY | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(os.path.join(TR, path), flags)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def r(path):
    with open(os.path.join(TR, path)) as f:
        return f.read()


def cleanup():
    if os.path.isdir(os.path.join(TR, INST, "events", GROUP)):
        try:
            w("%s/events/%s/mainmain/trigger" % (INST, GROUP), "!traceoff")
        except OSError:
            pass
        w("%s/events/%s/enable" % (INST, GROUP), "0")
    for line in r("uprobe_events").splitlines():
        if line.startswith("p:%s/" % GROUP):
            w("uprobe_events", "-:%s\n" % line.split()[0][2:], append=True)
    if os.path.isdir(os.path.join(TR, INST)):
        os.rmdir(os.path.join(TR, INST))


LIGHT = ("doinit", "gcenable", "mainmain")


def setup(binary, light=False):
    if not os.path.exists(os.path.join(TR, "uprobe_events")):
        subprocess.run(["mount", "-t", "tracefs", "nodev", TR], check=True)
    syms = UT.symbols(binary)
    base = UT.text_base(binary)
    path = os.path.realpath(binary)
    cleanup()
    os.mkdir(os.path.join(TR, INST))
    for name, (fn, args) in PROBES.items():
        if light and name not in LIGHT:
            continue
        if fn not in syms:
            print("no symbol", fn, file=sys.stderr)
            continue
        line = "p:%s/%s %s:0x%x %s %s %s\n" % (GROUP, name, path, syms[fn] - base, args, UT.CTX, UT.FR)
        try:
            w("uprobe_events", line, append=True)
        except OSError as e:
            raise SystemExit("uprobe %s: %s (%s)" % (name, e, r("error_log")[-500:]))
    w(INST + "/buffer_size_kb", "16384")
    w(INST + "/events/%s/enable" % GROUP, "1")
    w(INST + "/events/%s/mainmain/trigger" % GROUP, "traceoff")


def run_once(cmd):
    w(INST + "/trace", "")
    w(INST + "/tracing_on", "1")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reached_main = False
    while p.poll() is None:
        if r(INST + "/tracing_on").strip() == "0":
            reached_main = True
            break
        if time.monotonic() - t0 > KILL_AFTER_S:
            break
        time.sleep(0.0005)
    if p.poll() is None:
        p.kill()
    p.wait()
    if not reached_main:
        reached_main = r(INST + "/tracing_on").strip() == "0"
    w(INST + "/tracing_on", "0")
    evs = UT.parse(r(INST + "/trace"))
    return {"events": evs, "reached_main": reached_main, "exit": p.returncode}


def main():
    argv = sys.argv[1:]
    light = "--light" in argv
    argv = [a for a in argv if a != "--light"]
    case, binary, out, runs = argv[0], argv[1], argv[2], int(argv[3])
    data_dir = argv[4] if len(argv) > 4 else "/tmp/gomem-reality"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cdef = json.load(open(os.path.join(root, "cases", case, "case.json")))
    env = ["%s=%s" % kv for kv in cdef["env"].items()]
    args = [a.replace("$REALITY_DATA", data_dir) for a in cdef["args"]]
    cmd = ["env", "-i"] + env + ["setarch", "x86_64", "-R", os.path.realpath(binary)] + args
    setup(binary, light)
    try:
        with open(out, "w") as fh:
            for i in range(runs):
                res = run_once(cmd)
                res["run"] = i
                res["cmd"] = cmd
                res["light"] = light
                fh.write(json.dumps(res) + "\n")
                if not res["reached_main"]:
                    print("%s run %d: main.main not reached (exit %s)" % (case, i, res["exit"]), file=sys.stderr)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
