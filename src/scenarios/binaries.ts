// The binaries of the seed programs' real twins (reality/cases/*), as
// `go build` made them on the recording machine: layout facts the kernel
// model loads (scripts/sync-binaries.ts copies them from the recordings).

import { type GoBinary, binaryFromJson, type BinaryJson } from '../go/binary.ts';
import alloc_churn from './binaries/alloc-churn.json' with { type: 'json' };
import append_growth from './binaries/append-growth.json' with { type: 'json' };
import big_slice from './binaries/big-slice.json' with { type: 'json' };
import big_slice_freeos from './binaries/big-slice-freeos.json' with { type: 'json' };
import big_slice_gc from './binaries/big-slice-gc.json' with { type: 'json' };
import blahdo from './binaries/blahdo.json' with { type: 'json' };
import bonus from './binaries/bonus.json' with { type: 'json' };
import busy_loop from './binaries/busy-loop.json' with { type: 'json' };
import gin_idle from './binaries/gin-idle.json' with { type: 'json' };
import hello from './binaries/hello.json' with { type: 'json' };
import live_heap_steady from './binaries/live-heap-steady.json' with { type: 'json' };
import mmap_file from './binaries/mmap-file.json' with { type: 'json' };
import read_file from './binaries/read-file.json' with { type: 'json' };
import size_rounding from './binaries/size-rounding.json' with { type: 'json' };
import size_rounding_scan from './binaries/size-rounding-scan.json' with { type: 'json' };

const raw: Record<string, BinaryJson> = {
  'alloc-churn': alloc_churn,
  'append-growth': append_growth,
  'big-slice': big_slice,
  'big-slice-freeos': big_slice_freeos,
  'big-slice-gc': big_slice_gc,
  blahdo,
  bonus,
  'busy-loop': busy_loop,
  'gin-idle': gin_idle,
  hello,
  'live-heap-steady': live_heap_steady,
  'mmap-file': mmap_file,
  'read-file': read_file,
  'size-rounding': size_rounding,
  'size-rounding-scan': size_rounding_scan,
};

/** The twin binary of a seed program, loaded at /usr/local/bin/<name>. */
export function binaryOf(name: string): GoBinary {
  const j = raw[name];
  if (j === undefined) throw new Error(`no binary layout for ${name}`);
  return binaryFromJson(j, `/usr/local/bin/${name}`);
}
