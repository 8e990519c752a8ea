/**
 * The commands of `lsmkit shell`, in the spirit of mini-lsm's CLI: each takes the words after
 * its name and writes its result to the shell's output.
 *
 * @module
 */
import type { Engine } from '@lsmkit/engine'
import { formatEntry } from './commands/kv.js'
import { UsageError } from './errors.js'
import { formatCount, formatSize, showBytes, toBytes } from './format/bytes.js'
import { renderLevels } from './format/levels.js'
import { startProgress } from './progress.js'

/** What a shell command can use: the open database, the output, and per-session state. */
export interface ShellContext {
  /** The open database. */
  readonly db: Engine
  /** Where results go. */
  readonly out: NodeJS.WriteStream
  /** Draw progress bars (stdout is a terminal). */
  readonly tty: boolean
  /** How many `fill`s ran so far: part of the values `fill` writes. */
  fills: number
}

/** One shell command. */
export interface ShellCommand {
  /** How to call it, for `help`. */
  readonly usage: string
  /** What it does, for `help`. */
  readonly summary: string
  /** Runs it with the words after its name. */
  readonly run: (ctx: ShellContext, args: readonly string[]) => Promise<void>
}

function need(args: readonly string[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) throw new UsageError(`usage: ${usage}`)
}

function integer(text: string): number {
  const n = Number(text)
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`not a whole number: '${text}'`)
  return n
}

// Keys written per batch by `fill`: large enough to amortise the log append, small enough
// that the bar moves.
const FILL_BATCH = 500

/** Every shell command by name (`quit` and `help` are handled by the shell itself). */
export const SHELL_COMMANDS: Readonly<Record<string, ShellCommand>> = {
  put: {
    usage: 'put <key> <value...>',
    summary: 'store a value (the words after the key, joined by spaces)',
    async run(ctx, args) {
      if (args.length < 2) throw new UsageError('usage: put <key> <value...>')
      await ctx.db.put(toBytes(args[0]!), toBytes(args.slice(1).join(' ')))
      ctx.out.write('ok\n')
    },
  },
  get: {
    usage: 'get <key>',
    summary: 'print the value, or (not found)',
    async run(ctx, args) {
      need(args, 1, 1, 'get <key>')
      const value = await ctx.db.get(toBytes(args[0]!))
      ctx.out.write(value === undefined ? '(not found)\n' : `${showBytes(value)}\n`)
    },
  },
  del: {
    usage: 'del <key>',
    summary: 'delete a key',
    async run(ctx, args) {
      need(args, 1, 1, 'del <key>')
      await ctx.db.delete(toBytes(args[0]!))
      ctx.out.write('ok\n')
    },
  },
  fill: {
    usage: 'fill <a> <b>',
    summary: 'put keys a..b (whole numbers, as decimal text) with values value<i>@<epoch>',
    async run(ctx, args) {
      need(args, 2, 2, 'fill <a> <b>')
      const [a, b] = [integer(args[0]!), integer(args[1]!)]
      if (b < a) throw new UsageError('fill: b must be at least a')
      const epoch = ctx.fills++
      const total = b - a + 1
      const progress = startProgress('fill', total, { stream: ctx.out, tty: ctx.tty, unit: 'keys' })
      for (let from = a; from <= b; from += FILL_BATCH) {
        const to = Math.min(b, from + FILL_BATCH - 1)
        const ops = []
        for (let i = from; i <= to; i++)
          ops.push({ type: 'put' as const, key: String(i), value: `value${i}@${epoch}` })
        await ctx.db.batch(ops)
        progress.update(to - a + 1)
      }
      progress.stop()
      ctx.out.write(`filled ${formatCount(total)} keys, ${a}..${b}, epoch ${epoch}\n`)
    },
  },
  scan: {
    usage: 'scan [a b]',
    summary: 'print every entry, or those from a to b inclusive, as key<TAB>value',
    async run(ctx, args) {
      if (args.length !== 0 && args.length !== 2) throw new UsageError('usage: scan [a b]')
      const range = args.length === 2 ? { gte: toBytes(args[0]!), lte: toBytes(args[1]!) } : {}
      let n = 0
      for await (const [key, value] of ctx.db.iterator(range)) {
        ctx.out.write(`${formatEntry(key, value)}\n`)
        n++
      }
      ctx.out.write(`(${formatCount(n)} entries)\n`)
    },
  },
  flush: {
    usage: 'flush',
    summary: 'write the memtables to L0 tables',
    async run(ctx) {
      await ctx.db.flush()
      ctx.out.write('ok\n')
    },
  },
  compact: {
    usage: 'compact',
    summary: 'flush, then compact until all data sits in one level',
    async run(ctx) {
      const progress = startProgress('compact', 1, { stream: ctx.out, tty: ctx.tty, unit: 'steps' })
      await ctx.db.compact()
      progress.update(1)
      progress.stop()
      ctx.out.write('ok\n')
    },
  },
  sync: {
    usage: 'sync',
    summary: 'fsync the log: every write so far becomes durable',
    async run(ctx) {
      await ctx.db.sync()
      ctx.out.write('ok\n')
    },
  },
  stats: {
    usage: 'stats',
    summary: 'the levels table, memtables, write amplification and write stalls',
    async run(ctx) {
      const s = ctx.db.stats()
      ctx.out.write(`${renderLevels(s.levels)}\n`)
      const mems = s.memtables.map(
        (m) => `${m.id}${m.frozen ? ' (frozen)' : ''}: ${m.entries} entries, ${formatSize(m.bytes)}`,
      )
      ctx.out.write(`memtables: ${mems.join('; ')}\n`)
      ctx.out.write(`logs: ${s.logFiles.length === 0 ? 'none' : s.logFiles.join(', ')}\n`)
      ctx.out.write(
        `flushes ${s.flushes}, compactions ${s.compactions}, write amplification ${s.writeAmplification.toFixed(2)}\n`,
      )
      const w = s.stalls
      ctx.out.write(
        `write stalls (ms): slowdown ${w.slowdown.toFixed(0)}, memtables ${w.memtables.toFixed(0)}, l0 ${w.l0.toFixed(0)}, log sync ${w.logSync.toFixed(0)}\n`,
      )
    },
  },
}

/** The text of `help`: every command with its usage and summary. */
export function shellHelp(): string {
  const rows = [
    ...Object.values(SHELL_COMMANDS).map((c) => [c.usage, c.summary] as const),
    ['help', 'this list'] as const,
    ['quit | close', 'close the database and leave'] as const,
  ]
  const width = Math.max(...rows.map(([usage]) => usage.length))
  return rows.map(([usage, summary]) => `  ${usage.padEnd(width)}  ${summary}`).join('\n')
}
