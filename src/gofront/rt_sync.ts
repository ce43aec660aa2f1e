// sync.RWMutex for compiled code (sync/rwmutex.go): a writer takes the
// writers' Mutex, then announces itself by making readerCount negative, so
// that new readers wait on readerSem; it waits on writerSem for the readers
// already inside (readerWait) to leave. Unlock lets the waiting readers in
// before it releases the writers' Mutex. The semaphores park goroutines on
// the model's scheduler, as sync's runtime_Semacquire does.

import type { Go } from '../go/api.ts';
import type { Mutex } from '../go/pkg/sync.ts';
import type { G, GoroutineBody } from '../runtime/runtime2.ts';

/** rwmutexMaxReaders: what a writer subtracts from readerCount. */
const maxReaders = 1 << 30;

/** A semaphore: a count, and the goroutines parked on it (released first in, first out). */
class Sema {
  private count = 0;
  private readonly waiters: G[] = [];
  constructor(
    private readonly go: Go,
    private readonly reason: string,
  ) {}

  *acquire(): GoroutineBody {
    if (this.count > 0) {
      this.count--;
      return;
    }
    const sched = this.go.p.sched;
    this.waiters.push(sched.curG!);
    yield sched.park(this.reason);
  }

  release(): void {
    const g = this.waiters.shift();
    if (g !== undefined) this.go.p.sched.ready(g);
    else this.count++;
  }
}

export class RWMutex {
  private readonly w: Mutex;
  private readonly writerSem: Sema;
  private readonly readerSem: Sema;
  private readerCount = 0;
  private readerWait = 0;

  constructor(private readonly go: Go) {
    this.w = go.sync.Mutex();
    this.writerSem = new Sema(go, 'sync.RWMutex.Lock');
    this.readerSem = new Sema(go, 'sync.RWMutex.RLock');
  }

  /** rw.RLock() (yield* it). */
  RLock(): GoroutineBody {
    return this.go.blocking('rw.RLock()', this.rlock());
  }

  private *rlock(): GoroutineBody {
    if (++this.readerCount < 0) yield* this.readerSem.acquire();
  }

  RUnlock(): void {
    const r = --this.readerCount;
    if (r < 0) {
      if (r + 1 === 0 || r + 1 === -maxReaders) throw new Error('fatal error: sync: RUnlock of unlocked RWMutex');
      // The last reader a waiting writer waits for lets it in.
      if (--this.readerWait === 0) this.writerSem.release();
    }
  }

  /** rw.Lock() (yield* it). */
  Lock(): GoroutineBody {
    return this.go.blocking('rw.Lock()', this.lock());
  }

  private *lock(): GoroutineBody {
    yield* this.w.Lock();
    const r = this.readerCount;
    this.readerCount -= maxReaders;
    if (r !== 0 && (this.readerWait += r) !== 0) yield* this.writerSem.acquire();
  }

  Unlock(): void {
    this.readerCount += maxReaders;
    const r = this.readerCount;
    if (r >= maxReaders) throw new Error('fatal error: sync: Unlock of unlocked RWMutex');
    for (let i = 0; i < r; i++) this.readerSem.release();
    this.w.Unlock();
  }
}
