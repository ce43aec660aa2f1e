# gdb script for live_dump.py (reality/startup §12): the field layout of
# runtime.g, runtime.m and runtime.p from the probe binary's DWARF, flattened
# to [offset, size, dotted name, element size if an array], so that a holder
# "m1.m + 80" can be named (gsignal). Run: gdb -batch -iex 'set auto-load off'
# -x live_fields_gdb.py BINARY; prints one line "FIELDS{json}".
import gdb, json
def flat(t, base, prefix, out, depth=0):
    t = t.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT and depth < 4:
        for f in t.fields():
            if not hasattr(f, 'bitpos'):
                continue
            flat(f.type, base + f.bitpos // 8, prefix + ('.' if prefix else '') + (f.name or '?'), out, depth + 1)
    elif t.code == gdb.TYPE_CODE_ARRAY and depth < 4:
        el = t.target().strip_typedefs()
        out.append([base, t.sizeof, prefix, el.sizeof])
    else:
        out.append([base, t.sizeof, prefix, 0])
res = {}
for name in ("runtime.g", "runtime.m", "runtime.p"):
    out = []
    flat(gdb.lookup_type(name), 0, "", out)
    res[name] = out
print("FIELDS" + json.dumps(res))
