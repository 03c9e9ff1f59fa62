/**
 * The executable's shebang starts node with V8's interrupt budget at 16 times
 * its default, which keeps the optimising compiler (TurboFan) off while some
 * 180 modules load: node's path and URL functions get hot resolving them, and
 * optimising them mapped 3.6 MB of TurboFan's code pages into an agent that
 * then sits idle (README, "Performance"). Once the agent's modules are
 * loaded, and before its sources read a line, the budget goes back to V8's
 * default, so the per-line code is optimised as soon as ever: kept high, it
 * cost 9 % CPU a line; given back, idle RSS 59.7 → 56.0 MB and the catch-up
 * alike.
 */
import { setFlagsFromString } from 'node:v8'

/** V8's own default in the Node.js this project runs on (`node --v8-options`; checked by a test). */
export const V8_DEFAULT_INTERRUPT_BUDGET = 67_584
/** What the shebang gives node (agent/cli/threadline.ts). */
export const START_UP_INTERRUPT_BUDGET = 16 * V8_DEFAULT_INTERRUPT_BUDGET
export const START_UP_FLAG = `--interrupt-budget=${START_UP_INTERRUPT_BUDGET}`

/**
 * Gives V8 its default budget back if node was started with the start-up
 * budget, on its command line (`execArgv`) or in NODE_OPTIONS; any other
 * budget is the operator's and stays. Returns whether it did.
 */
export function endStartUpTiering(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (!execArgv.includes(START_UP_FLAG) && !nodeOptions.split(/\s+/).includes(START_UP_FLAG)) return false
  // V8 reads the budget each time a function's counter is reset, so the change applies from now on.
  setFlagsFromString(`--interrupt-budget=${V8_DEFAULT_INTERRUPT_BUDGET}`)
  return true
}
