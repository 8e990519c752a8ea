// Opens the database in the directory given as the first argument, prints "open", and holds
// it until killed. Used by lock.test.ts to hold the lock from another process.
import { Engine } from '@lsmkit/engine'

const db = await Engine.open(process.argv[2])
await db.put('written-by', 'child')
process.stdout.write('open\n')
setInterval(() => db.status, 60_000)
