// The measured facts of each seed program's twin binary, by the name of its
// reality case: its layout (binaries/<name>.json, scripts/sync-binaries.ts),
// its package inits (inits/<name>.json, scripts/mkinits.ts) and what holds
// its start-up objects (live/<name>.json, scripts/mklive.ts). Only data:
// binaries.ts reads it. The compiled CLI loads these 78 files as one JSON
// module (dist/scenarios/facts.json, written by the build: scripts in
// package.json), which costs a start about 30 ms less than 78 modules.

import type { BinaryJson } from '../go/binary.ts';
import type { InitStep } from '../go/pkginit.ts';
import type { StartupRoots } from '../go/program.ts';
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
import alloc_churn_gctrace from './binaries/alloc-churn-gctrace.json' with { type: 'json' };
import append_growth_gctrace from './binaries/append-growth-gctrace.json' with { type: 'json' };
import blahdo_gctrace from './binaries/blahdo-gctrace.json' with { type: 'json' };
import live_heap_gogc50 from './binaries/live-heap-gogc50.json' with { type: 'json' };
import live_heap_gogc100 from './binaries/live-heap-gogc100.json' with { type: 'json' };
import live_heap_gogc200 from './binaries/live-heap-gogc200.json' with { type: 'json' };
import live_heap_memlimit from './binaries/live-heap-memlimit.json' with { type: 'json' };
import size_rounding_gctrace from './binaries/size-rounding-gctrace.json' with { type: 'json' };
import stack_release from './binaries/stack-release.json' with { type: 'json' };
import idle_after_burst from './binaries/idle-after-burst.json' with { type: 'json' };
import stack_10k from './binaries/stack-10k.json' with { type: 'json' };

import init_alloc_churn from './inits/alloc-churn.json' with { type: 'json' };
import init_append_growth from './inits/append-growth.json' with { type: 'json' };
import init_big_slice from './inits/big-slice.json' with { type: 'json' };
import init_big_slice_freeos from './inits/big-slice-freeos.json' with { type: 'json' };
import init_big_slice_gc from './inits/big-slice-gc.json' with { type: 'json' };
import init_blahdo from './inits/blahdo.json' with { type: 'json' };
import init_bonus from './inits/bonus.json' with { type: 'json' };
import init_busy_loop from './inits/busy-loop.json' with { type: 'json' };
import init_gin_idle from './inits/gin-idle.json' with { type: 'json' };
import init_hello from './inits/hello.json' with { type: 'json' };
import init_live_heap_steady from './inits/live-heap-steady.json' with { type: 'json' };
import init_mmap_file from './inits/mmap-file.json' with { type: 'json' };
import init_read_file from './inits/read-file.json' with { type: 'json' };
import init_size_rounding from './inits/size-rounding.json' with { type: 'json' };
import init_size_rounding_scan from './inits/size-rounding-scan.json' with { type: 'json' };
import init_alloc_churn_gctrace from './inits/alloc-churn-gctrace.json' with { type: 'json' };
import init_append_growth_gctrace from './inits/append-growth-gctrace.json' with { type: 'json' };
import init_blahdo_gctrace from './inits/blahdo-gctrace.json' with { type: 'json' };
import init_live_heap_gogc50 from './inits/live-heap-gogc50.json' with { type: 'json' };
import init_live_heap_gogc100 from './inits/live-heap-gogc100.json' with { type: 'json' };
import init_live_heap_gogc200 from './inits/live-heap-gogc200.json' with { type: 'json' };
import init_live_heap_memlimit from './inits/live-heap-memlimit.json' with { type: 'json' };
import init_size_rounding_gctrace from './inits/size-rounding-gctrace.json' with { type: 'json' };
import init_stack_release from './inits/stack-release.json' with { type: 'json' };
import init_idle_after_burst from './inits/idle-after-burst.json' with { type: 'json' };
import init_stack_10k from './inits/stack-10k.json' with { type: 'json' };

import live_alloc_churn from './live/alloc-churn.json' with { type: 'json' };
import live_append_growth from './live/append-growth.json' with { type: 'json' };
import live_big_slice from './live/big-slice.json' with { type: 'json' };
import live_big_slice_freeos from './live/big-slice-freeos.json' with { type: 'json' };
import live_big_slice_gc from './live/big-slice-gc.json' with { type: 'json' };
import live_blahdo from './live/blahdo.json' with { type: 'json' };
import live_bonus from './live/bonus.json' with { type: 'json' };
import live_busy_loop from './live/busy-loop.json' with { type: 'json' };
import live_gin_idle from './live/gin-idle.json' with { type: 'json' };
import live_hello from './live/hello.json' with { type: 'json' };
import live_live_heap_steady from './live/live-heap-steady.json' with { type: 'json' };
import live_mmap_file from './live/mmap-file.json' with { type: 'json' };
import live_read_file from './live/read-file.json' with { type: 'json' };
import live_size_rounding from './live/size-rounding.json' with { type: 'json' };
import live_size_rounding_scan from './live/size-rounding-scan.json' with { type: 'json' };
import live_alloc_churn_gctrace from './live/alloc-churn-gctrace.json' with { type: 'json' };
import live_append_growth_gctrace from './live/append-growth-gctrace.json' with { type: 'json' };
import live_blahdo_gctrace from './live/blahdo-gctrace.json' with { type: 'json' };
import live_live_heap_gogc50 from './live/live-heap-gogc50.json' with { type: 'json' };
import live_live_heap_gogc100 from './live/live-heap-gogc100.json' with { type: 'json' };
import live_live_heap_gogc200 from './live/live-heap-gogc200.json' with { type: 'json' };
import live_live_heap_memlimit from './live/live-heap-memlimit.json' with { type: 'json' };
import live_size_rounding_gctrace from './live/size-rounding-gctrace.json' with { type: 'json' };
import live_stack_release from './live/stack-release.json' with { type: 'json' };
import live_idle_after_burst from './live/idle-after-burst.json' with { type: 'json' };
import live_stack_10k from './live/stack-10k.json' with { type: 'json' };

export const inits: Record<string, { steps: InitStep[] }> = {
  'alloc-churn': init_alloc_churn as { steps: InitStep[] },
  'append-growth': init_append_growth as { steps: InitStep[] },
  'big-slice': init_big_slice as { steps: InitStep[] },
  'big-slice-freeos': init_big_slice_freeos as { steps: InitStep[] },
  'big-slice-gc': init_big_slice_gc as { steps: InitStep[] },
  'blahdo': init_blahdo as { steps: InitStep[] },
  'bonus': init_bonus as { steps: InitStep[] },
  'busy-loop': init_busy_loop as { steps: InitStep[] },
  'gin-idle': init_gin_idle as { steps: InitStep[] },
  'hello': init_hello as { steps: InitStep[] },
  'live-heap-steady': init_live_heap_steady as { steps: InitStep[] },
  'mmap-file': init_mmap_file as { steps: InitStep[] },
  'read-file': init_read_file as { steps: InitStep[] },
  'size-rounding': init_size_rounding as { steps: InitStep[] },
  'size-rounding-scan': init_size_rounding_scan as { steps: InitStep[] },
  'alloc-churn-gctrace': init_alloc_churn_gctrace as { steps: InitStep[] },
  'append-growth-gctrace': init_append_growth_gctrace as { steps: InitStep[] },
  'blahdo-gctrace': init_blahdo_gctrace as { steps: InitStep[] },
  'live-heap-gogc50': init_live_heap_gogc50 as { steps: InitStep[] },
  'live-heap-gogc100': init_live_heap_gogc100 as { steps: InitStep[] },
  'live-heap-gogc200': init_live_heap_gogc200 as { steps: InitStep[] },
  'live-heap-memlimit': init_live_heap_memlimit as { steps: InitStep[] },
  'size-rounding-gctrace': init_size_rounding_gctrace as { steps: InitStep[] },
  'stack-release': init_stack_release as { steps: InitStep[] },
  'idle-after-burst': init_idle_after_burst as { steps: InitStep[] },
  'stack-10k': init_stack_10k as { steps: InitStep[] },
};

export const lives: Record<string, StartupRoots> = {
  'alloc-churn': live_alloc_churn as unknown as StartupRoots,
  'append-growth': live_append_growth as unknown as StartupRoots,
  'big-slice': live_big_slice as unknown as StartupRoots,
  'big-slice-freeos': live_big_slice_freeos as unknown as StartupRoots,
  'big-slice-gc': live_big_slice_gc as unknown as StartupRoots,
  'blahdo': live_blahdo as unknown as StartupRoots,
  'bonus': live_bonus as unknown as StartupRoots,
  'busy-loop': live_busy_loop as unknown as StartupRoots,
  'gin-idle': live_gin_idle as unknown as StartupRoots,
  'hello': live_hello as unknown as StartupRoots,
  'live-heap-steady': live_live_heap_steady as unknown as StartupRoots,
  'mmap-file': live_mmap_file as unknown as StartupRoots,
  'read-file': live_read_file as unknown as StartupRoots,
  'size-rounding': live_size_rounding as unknown as StartupRoots,
  'size-rounding-scan': live_size_rounding_scan as unknown as StartupRoots,
  'alloc-churn-gctrace': live_alloc_churn_gctrace as unknown as StartupRoots,
  'append-growth-gctrace': live_append_growth_gctrace as unknown as StartupRoots,
  'blahdo-gctrace': live_blahdo_gctrace as unknown as StartupRoots,
  'live-heap-gogc50': live_live_heap_gogc50 as unknown as StartupRoots,
  'live-heap-gogc100': live_live_heap_gogc100 as unknown as StartupRoots,
  'live-heap-gogc200': live_live_heap_gogc200 as unknown as StartupRoots,
  'live-heap-memlimit': live_live_heap_memlimit as unknown as StartupRoots,
  'size-rounding-gctrace': live_size_rounding_gctrace as unknown as StartupRoots,
  'stack-release': live_stack_release as unknown as StartupRoots,
  'idle-after-burst': live_idle_after_burst as unknown as StartupRoots,
  'stack-10k': live_stack_10k as unknown as StartupRoots,
};

export const raw: Record<string, BinaryJson> = {
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
  'alloc-churn-gctrace': alloc_churn_gctrace,
  'append-growth-gctrace': append_growth_gctrace,
  'blahdo-gctrace': blahdo_gctrace,
  'live-heap-gogc50': live_heap_gogc50,
  'live-heap-gogc100': live_heap_gogc100,
  'live-heap-gogc200': live_heap_gogc200,
  'live-heap-memlimit': live_heap_memlimit,
  'size-rounding-gctrace': size_rounding_gctrace,
  'stack-release': stack_release,
  'idle-after-burst': idle_after_burst,
  'stack-10k': stack_10k,
};
