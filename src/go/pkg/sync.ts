// sync: WaitGroup and Mutex on the scheduler (a blocked goroutine parks
// on a semaphore, as sync's runtime_Semacquire does).

import type { G, GoroutineBody } from '../../runtime/runtime2.ts';
import type { GoProcess } from '../process.ts';

export class WaitGroup {
  private n = 0;
  private readonly waiters: G[] = [];
  constructor(private readonly p: GoProcess) {}

  Add(delta: number): void {
    this.n += delta;
    if (this.n < 0) throw new Error('sync: negative WaitGroup counter');
    if (this.n === 0) for (const g of this.waiters.splice(0)) this.p.sched.ready(g);
  }

  Done(): void {
    this.Add(-1);
  }

  /** wg.Wait() (yield* it). */
  Wait(): GoroutineBody {
    return this.p.go.blocking('wg.Wait()', this.wait());
  }

  private *wait(): GoroutineBody {
    if (this.n === 0) return;
    this.waiters.push(this.p.sched.curG!);
    yield this.p.sched.park('sync.WaitGroup.Wait');
  }
}

export class Mutex {
  private locked = false;
  private readonly waiters: G[] = [];
  constructor(private readonly p: GoProcess) {}

  /** mu.Lock() (yield* it). */
  Lock(): GoroutineBody {
    return this.p.go.blocking('mu.Lock()', this.lock());
  }

  private *lock(): GoroutineBody {
    while (this.locked) {
      this.waiters.push(this.p.sched.curG!);
      yield this.p.sched.park('sync.Mutex.Lock');
    }
    this.locked = true;
  }

  Unlock(): void {
    if (!this.locked) throw new Error('fatal error: sync: unlock of unlocked mutex');
    this.locked = false;
    const g = this.waiters.shift();
    if (g) this.p.sched.ready(g);
  }
}

export class Sync {
  constructor(private readonly p: GoProcess) {}
  WaitGroup(): WaitGroup {
    return new WaitGroup(this.p);
  }
  Mutex(): Mutex {
    return new Mutex(this.p);
  }
}
