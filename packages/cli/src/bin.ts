#!/usr/bin/env node
/**
 * The `lsmkit` executable: runs the command line and exits with its status.
 *
 * @module
 */
import { main } from './program.js'

process.exitCode = await main(process.argv)
