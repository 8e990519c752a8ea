import { readdirSync } from 'node:fs'
import { getPriority } from 'node:os'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { BuildThread } from '../src/internal/build-thread.js'
import { BUILD_THREAD_NICE_STEPS, currentThreadId } from '../src/internal/thread-priority.js'

const threadIds = (): string[] => readdirSync('/proc/self/task')

// The nice value a thread started from this one gets once lowered by `steps`.
const lowered = (steps: number): number => Math.min(19, getPriority(currentThreadId()) + steps)

// Runs `body` (an async function body, with `lower` bound to lowerThreadPriority) on a thread of
// its own, so that this one keeps its priority; resolves with what the body returns.
function onThread(body: string): Promise<unknown> {
  const module = new URL('../dist/src/internal/thread-priority.js', import.meta.url).href
  const source = `
    const { parentPort } = require('node:worker_threads')
    import(${JSON.stringify(module)}).then(async ({ lowerThreadPriority: lower, currentThreadId }) => {
      const { getPriority } = require('node:os')
      parentPort.postMessage(await (async () => { ${body} })())
    })`
  const worker = new Worker(source, { eval: true })
  return new Promise((resolve, reject) => {
    worker.once('message', (value) => {
      resolve(value)
      void worker.terminate()
    })
    worker.once('error', reject)
  })
}

describe('The build threads CPU priority', () => {
  it('a build thread runs ten nice steps below the thread that started it', async () => {
    const before = new Set(threadIds())
    const thread = new BuildThread(new URL('../dist/src/internal/build-worker.js', import.meta.url))
    thread.warm()
    while (!thread.ready) await new Promise((resolve) => setTimeout(resolve, 10))
    const started = threadIds().filter((tid) => !before.has(tid))
    expect(started.map((tid) => getPriority(Number(tid)))).toContain(lowered(BUILD_THREAD_NICE_STEPS))
    await thread.close()
  })

  it('lowering a thread changes its own priority and returns the new nice value', async () => {
    const [returned, own] = (await onThread(
      'const n = lower(3); return [n, getPriority(currentThreadId())]',
    )) as [number, number]
    expect(returned).toBe(lowered(3))
    expect(own).toBe(lowered(3))
  })

  it('lowering stops at the lowest priority, nice 19', async () => {
    const result = await onThread('lower(15); lower(15); return getPriority(currentThreadId())')
    expect(result).toBe(19)
  })

  it('lowering one thread leaves the thread that started it as it was', async () => {
    const mine = getPriority(currentThreadId())
    await onThread('return lower(5)')
    expect(getPriority(currentThreadId())).toBe(mine)
  })
})
